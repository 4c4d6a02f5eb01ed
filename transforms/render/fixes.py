"""Safe fixes to a page's own markup, for any page we show with its original layout (orig mode, and an
overlay on the real site): pinch-zoom allowed again, and landmarks of one kind told apart by their names."""

from __future__ import annotations

import re

from lxml import html as lxml_html

# viewport parts that stop a reader from zooming (WCAG 1.4.4): the rest of the meta stays as the site wrote it
_NO_ZOOM = re.compile(r"^\s*(user-scalable|maximum-scale)\s*=", re.I)
# (xpath for a landmark kind, the word a nameless or same-named one is called by)
LANDMARKS = (("//nav | //*[@role='navigation']", "nav"), ("//aside | //*[@role='complementary']", "aside"),
             ("//*[@role='search']", "search"))


def allow_zoom(root: lxml_html.HtmlElement) -> None:
    """`user-scalable=no` and `maximum-scale` dropped from every viewport meta."""
    for meta in root.xpath("//meta[translate(@name, 'VIEWPORT', 'viewport')='viewport']"):
        parts = [p for p in re.split(r"[,;]", meta.get("content", "")) if p.strip() and not _NO_ZOOM.match(p)]
        meta.set("content", ", ".join(p.strip() for p in parts) or "width=device-width, initial-scale=1")


def _name(el: lxml_html.HtmlElement) -> str:
    label = (el.get("aria-label") or "").strip()
    if label:
        return label
    ids = (el.get("aria-labelledby") or "").split()
    if ids:
        root = el.getroottree()
        found = [root.xpath("//*[@id=$i]", i=i) for i in ids]
        return " ".join(f[0].text_content().strip() for f in found if f)
    return ""


def _heading_text(el: lxml_html.HtmlElement) -> str:
    for h in el.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        text = re.sub(r"\s+", " ", h.text_content()).strip()
        if text:
            return text[:40]
    return ""


def name_landmarks(root: lxml_html.HtmlElement, words: dict[str, str]) -> None:
    """Landmarks of one kind (several `nav`s, say) get names that tell them apart: their heading, else
    "导航 2" ... `words` maps a kind ("nav", "aside", "search") to the word for it in the reader's language.
    A kind that occurs once keeps its markup as it is."""
    for xpath, kind in LANDMARKS:
        found = [el for el in root.xpath(xpath) if isinstance(el.tag, str)]
        if len(found) < 2:
            continue
        seen: set[str] = set()
        for i, el in enumerate(found, 1):
            name = _name(el)
            if name and name not in seen:
                seen.add(name)
                continue
            new = _heading_text(el) if not name else ""
            if not new or new in seen:
                new = f"{name or words.get(kind, kind)} {i}"
            el.set("aria-label", new)
            el.attrib.pop("aria-labelledby", None)
            seen.add(new)
