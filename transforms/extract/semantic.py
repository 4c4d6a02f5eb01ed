"""Turn the extracted block into clean semantic HTML: the page template prints the only h1, data tables
get header cells, layout tables become plain blocks, images get alt text and figure captions."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from ..article import Image
from .readability_cjk import is_data_table
from .script import squash

KEEP_ATTRS = {"href", "src", "alt", "title", "colspan", "rowspan", "scope", "datetime", "srcset", "lang"}
UNWRAP = ("font", "center", "o:p", "st1:chsdate", "nobr", "form", "label", "article", "main", "section")
EMPTY_OK = {"img", "br", "hr", "td", "th", "tr", "table", "tbody", "thead", "col", "colgroup"}
_CAPTION_HINT = re.compile(r"center|caption|pic|img|photo|tuzhu|note|desc", re.I)
MAX_CAPTION = 80


def demote_headings(root: lxml_html.HtmlElement) -> None:
    """The article has no h1 of its own; the whole outline shifts down one level when it had one."""
    levels = sorted({int(el.tag[1]) for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6")})
    if not levels:
        return
    shift = 2 - levels[0]
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        el.tag = f"h{min(6, max(2, int(el.tag[1]) + shift))}"


def fix_tables(root: lxml_html.HtmlElement) -> None:
    for table in list(root.iter("table")):
        if is_data_table(table):
            _header_cells(table)
        else:
            for el in list(table.iter("tbody", "thead", "tfoot")):
                el.drop_tag()
            for el in table.iter("tr", "td", "th"):
                el.tag = "div"
            table.tag = "div"


def _header_cells(table: lxml_html.HtmlElement) -> None:
    """A first row of short cells is the header: make them th with scope=col."""
    if table.find(".//th") is not None:
        for th in table.iter("th"):
            th.set("scope", th.get("scope") or "col")
        return
    first = table.find(".//tr")
    if first is None:
        return
    cells = first.findall("td")
    if cells and all(0 < len(squash(c.text_content())) <= 30 for c in cells):
        for c in cells:
            c.tag = "th"
            c.set("scope", "col")


def _caption_after(holder: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    nxt = holder.getnext()
    if nxt is None or nxt.tag not in ("p", "div", "span") or nxt.find(".//img") is not None:
        return None
    text = squash(nxt.text_content())
    hint = f"{nxt.get('style') or ''} {nxt.get('class') or ''} {nxt.get('align') or ''}"
    if 0 < len(text) <= MAX_CAPTION and (_CAPTION_HINT.search(hint) or text.startswith(("图", "▲", "△"))):
        return nxt
    return None


def _figcaption(img: lxml_html.HtmlElement) -> str:
    figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
    cap = figure.find(".//figcaption") if figure is not None else None
    return squash(cap.text_content()) if cap is not None else ""


def figures(root: lxml_html.HtmlElement) -> list[Image]:
    """Wrap a lone image and its caption line in figure/figcaption; list every image."""
    images = []
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        if not src or src.startswith("data:"):
            img.drop_tree()
            continue
        holder = img.getparent()
        caption = None
        if holder is not None and holder is not root and holder.tag in ("p", "div", "span", "a") \
                and not squash(holder.text_content()):
            caption = _caption_after(holder if holder.tag != "a" or holder.getparent() is None else holder)
        text = squash(caption.text_content()) if caption is not None else _figcaption(img)
        alt = squash(img.get("alt") or "") or squash(img.get("title") or "") or text
        img.set("alt", alt)
        if caption is not None and holder is not None:
            holder.tag = "figure"
            caption.tag = "figcaption"
            holder.append(caption)
        images.append(Image(src=src, alt=alt, caption=text))
    return images


def strip_attributes(root: lxml_html.HtmlElement) -> None:
    for el in root.iter():
        if isinstance(el.tag, str):
            for attr in [a for a in el.attrib if a not in KEEP_ATTRS]:
                del el.attrib[attr]


def drop_empty(root: lxml_html.HtmlElement) -> None:
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str) or el.getparent() is None or el.tag in EMPTY_OK:
            continue
        if not (el.text_content() or "").strip() and el.find(".//img") is None and el.find(".//table") is None:
            el.drop_tree()


def drop_title_heading(root: lxml_html.HtmlElement, title: str) -> None:
    """The page template prints the title; a heading in the body that repeats it would be read twice."""
    wanted = _norm(title)
    if not wanted:
        return
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if _norm(el.text_content()) == wanted and el.getparent() is not None:
            el.drop_tree()
        return  # only the first heading can be the repeated title


def _norm(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def semantic(root: lxml_html.HtmlElement, title: str = "") -> list[Image]:
    """Clean `root` in place; return its images."""
    drop_title_heading(root, title)
    for el in list(root.iter(*UNWRAP)):
        if el is not root and el.getparent() is not None:
            el.drop_tag()
    fix_tables(root)
    demote_headings(root)
    images = figures(root)
    strip_attributes(root)
    drop_empty(root)
    root.tag = "div"
    return images
