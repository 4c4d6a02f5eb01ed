"""What "nothing executable survives" means, as one checker shared by the vector, property, browser and
soak tests: it lists every finding in a page we serve (an empty list is a pass)."""

from __future__ import annotations

import re

from lxml import html as lxml_html

OWN_SCRIPTS = {"/static/toolbar.js"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "template",
                  "noscript"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "longdesc",
             "ping", "xlink:href", "codebase", "dynsrc", "lowsrc", "manifest", "icon"}
_STRIP = re.compile(r"[\x00-\x20\x7f]+")
_BAD_CSS = re.compile(r"expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import", re.I)
_PROXIED = re.compile(r"^/(read|elder|a11y|text|orig)/https?://", re.I)


def _scheme(value: str) -> str:
    v = _STRIP.sub("", value).lower()
    return v.split(":", 1)[0] if ":" in v.split("/", 1)[0] else ""


def url_findings(tag: str, attr: str, value: str) -> list[str]:
    if attr == "srcset":
        return [f for part in value.split(",") for f in url_findings(tag, "src", part.strip().split(" ")[0])]
    scheme = _scheme(value)
    if scheme in ("javascript", "vbscript", "livescript", "file", "blob", "filesystem"):
        return [f"{tag}@{attr}={value[:60]!r}"]
    if scheme == "data" and not (tag == "img" and _STRIP.sub("", value).lower().startswith("data:image/")
                                 and "svg" not in value.lower()):
        return [f"{tag}@{attr} data: {value[:60]!r}"]
    return []


def link_finding(el: lxml_html.HtmlElement, original: str | None = None) -> str | None:
    """A link is proxied, marked external, a fragment, mailto: or tel: (or one of our own pages, or the
    template's link to the original page)."""
    href = _STRIP.sub("", el.get("href") or "")
    if original and href == original:
        return None
    if not href or href.startswith("#") or href.lower().startswith(("mailto:", "tel:")):
        return None
    if _PROXIED.match(href) or (href.startswith("/") and not href.startswith("//") and "\\" not in href):
        return None  # through the proxy, or the proxy's own page (home, settings)
    rel = (el.get("rel") or "").lower().split()
    cls = (el.get("class") or "").split()
    if "external" in rel or "external" in cls or "original-link" in cls:
        return None
    return f"{el.tag}@href not proxied nor marked external: {href[:80]!r}"


def _own_script(el: lxml_html.HtmlElement) -> bool:
    """The toolbar's script file, or its strings as an inert JSON data block (id a11y-*)."""
    if el.get("type") == "application/json" and (el.get("id") or "").startswith("a11y-"):
        return el.get("src") is None
    return el.get("src") in OWN_SCRIPTS and not (el.text or "").strip()


def findings(page: str, original: str | None = None) -> list[str]:
    if not page.strip():
        return []
    root = lxml_html.document_fromstring(page)
    found: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower().split("}")[-1]
        if tag == "script" and not _own_script(el):
            found.append(f"script {el.get('src')!r} {(el.text or '')[:40]!r}")
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            target = (el.get("content") or "").partition("url=")[2]
            if target and not _PROXIED.match(target):
                found.append(f"meta refresh off the proxy: {target[:60]!r}")
        if tag == "link" and "stylesheet" not in (el.get("rel") or "").lower():
            found.append(f"link rel={el.get('rel')!r}")
        if tag == "style" and el.text and _BAD_CSS.search(el.text):
            found.append(f"style element: {el.text[:60]!r}")
        if tag in ("a", "area") and el.get("href") is not None and (f := link_finding(el, original)):
            found.append(f)
        for attr, value in el.attrib.items():
            name = attr.lower()
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                found.append(f"{tag}@{name}")
            elif name in URL_ATTRS or name == "srcset":
                found += url_findings(tag, name, value)
            elif name == "style" and _BAD_CSS.search(value):
                found.append(f"{tag}@style={value[:60]!r}")
    return found
