"""The site's own name, for the page header and the tab title (never the proxy's): meta tags first, then the
`<title>`'s site part, the logo's alt text, the footer's 版权所有 / 主办单位, and a site name in an inline
script's config (pages built by scripts)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import html as lxml_html

from . import titles
from .script import squash

SITE_KEYS = ("sitename", "og:site_name", "application-name", "site_name", "sitedomainname")
# How the names of government bodies and their sites end.
_ORG_END = re.compile(r"(人民政府|政府|厅|局|委员会|委|办公室|办公厅|中心|网|院|会|署|部|所|站|馆|处|门户网站|平台|大厅|集团|公司)$")
_SITE_SUFFIX = re.compile(r"(门户网站|官方网站|政务网站|网站|门户)$")
_FOOTER_NAME = re.compile(
    r"(?:版权所有|主办单位|主\s*办|Copyright\s*©?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?)\s*[:：]?\s*"
    r"([\u4e00-\u9fff（）()]{4,30}?)(?=\s|版权所有|$|[　|,，;；。])")
_SPONSOR_OFFICE = re.compile(r"(人民政府)(办公厅|办公室)$")
_SCRIPT_NAME = re.compile(r"""site_?name["']?\s*[:=]\s*["']([^"'\\]{2,40})["']""", re.I)
MIN_NAME, MAX_NAME = 3, 30


def looks_like_site(name: str) -> bool:
    """A government body or site name: Chinese, short, ending as such names end."""
    name = squash(name)
    return MIN_NAME <= len(name) <= MAX_NAME and bool(_ORG_END.search(name)) and not re.search(r"[\s|_»%\-–—]", name)


def canonical(name: str) -> str:
    """`南屏市人民政府门户网站` -> `南屏市人民政府`: the body's name, as a reader says the site's."""
    name = squash(titles.clean(name))
    stripped = _SITE_SUFFIX.sub("", name)
    return stripped if stripped != name and looks_like_site(stripped) else name


def from_meta(meta: dict[str, str]) -> str:
    for key in SITE_KEYS:
        value = titles.clean(meta.get(key, ""))
        if value and not value.startswith(("http", "www.")):
            return canonical(value)
    return ""


def from_title(doc_title: str, headline: str) -> str:
    """The part of `<title>` that names the site: not the headline, and shaped like a body's name."""
    found = titles.parts(doc_title)
    head = titles.norm(headline)
    candidates = [p for p in found if titles.norm(p) != head and looks_like_site(canonical(p))]
    if len(found) > 1:
        # suffix first, then a prefix (`站名 » 栏目 » 标题`), then a middle part (`标题 - 站名 - 栏目`)
        for part in (found[-1], found[0], *reversed(found[1:-1])):
            if part in candidates:
                return canonical(part)
    if len(found) == 1 and candidates:
        return canonical(candidates[0])  # a generic `<title>` (or a home page's) is the site's name
    return ""


_LOGO_NAMES = re.compile(r"logo|head|banner|brand|top", re.I)
HOME_PATHS = ("", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp")
FIRST_IMAGES = 20  # the logo is among the first images of a page


def from_logo(body: lxml_html.HtmlElement) -> str:
    """The alt text of the logo: an image near the top, in a logo/header box or a link to the home page."""
    for i, el in enumerate(body.iter("img")):
        if i >= FIRST_IMAGES:
            break
        alt = canonical(el.get("alt") or el.get("title") or "")
        if not alt or not looks_like_site(alt):
            continue
        names = " ".join(f"{a.get('class') or ''} {a.get('id') or ''}" for a in (el, *el.iterancestors()))
        home = any(urlsplit(a.get("href") or "").path in HOME_PATHS for a in el.iterancestors("a"))
        if home or _LOGO_NAMES.search(names):
            return alt
    return ""


def from_footer(footer: str) -> str:
    """版权所有：X / Copyright © 2024 X / 主办单位：X (an 人民政府's 办公厅 runs its site: the site is the 人民政府's)."""
    names = []
    for i, m in enumerate(_FOOTER_NAME.finditer(footer or "")):
        name = _SPONSOR_OFFICE.sub(r"\1", squash(m.group(1)))
        if looks_like_site(name):
            names.append((m.group(0).startswith("主"), i, name))  # 版权所有 / Copyright before 主办
    return canonical(min(names)[2]) if names else ""


def from_scripts(tree: lxml_html.HtmlElement) -> str:
    """`siteName: "…"` in an inline script: what a page built by scripts says of itself."""
    for el in tree.iter("script"):
        if el.get("src") or not el.text:
            continue
        m = _SCRIPT_NAME.search(el.text[:20000])
        if m and looks_like_site(canonical(m.group(1))):
            return canonical(m.group(1))
    return ""


def site_name(tree: lxml_html.HtmlElement, meta: dict[str, str], doc_title: str, headline: str,
              footer: str) -> str:
    body = tree.find("body")
    return (from_meta(meta) or from_title(doc_title, headline)
            or (from_logo(body) if body is not None else "") or from_footer(footer) or from_scripts(tree))
