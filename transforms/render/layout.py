"""The article body made fit for our page layouts: one h1 (ours), headings in order, ids and a table of
contents for long articles, wide tables in their own scroll box, and for text mode a linearised copy with
images replaced by their alt text. Pure functions on the sanitised content HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html

from ..aids.pinyin import annotate_tree

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SPACES = re.compile(r"\s+")
TOC_MIN_HEADINGS = 3  # or 2 headings in an article longer than TOC_LONG_TEXT characters
TOC_LONG_TEXT = 1500


@dataclass
class TocEntry:
    id: str
    text: str
    level: int  # 2 or 3


def _text(el: lxml_html.HtmlElement) -> str:
    return _SPACES.sub(" ", el.text_content()).strip()


def _fragment(content_html: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(content_html or "<div></div>", create_parent="div")


def normalise_headings(root: lxml_html.HtmlElement) -> None:
    """Our h1 is the title, so content headings start at h2 and never skip a level (h2 -> h4)."""
    previous = 1
    for el in root.iter(*HEADINGS):
        level = int(el.tag[1])
        level = max(2, min(level, previous + 1))
        el.tag = f"h{level}"
        previous = level


def add_toc(root: lxml_html.HtmlElement, text_length: int) -> list[TocEntry]:
    """Ids on h2/h3 and the entries of a table of contents, or [] when the article is short."""
    heads = [el for el in root.iter("h2", "h3") if _text(el)]
    if len(heads) < TOC_MIN_HEADINGS and not (len(heads) >= 2 and text_length > TOC_LONG_TEXT):
        return []
    toc = []
    for i, el in enumerate(heads, 1):
        if not el.get("id"):
            el.set("id", f"sec-{i}")
        toc.append(TocEntry(el.get("id", ""), _text(el), int(el.tag[1])))
    return toc


def wrap_tables(root: lxml_html.HtmlElement, label: str) -> None:
    """A wide table scrolls inside a focusable, named box, so the page itself never scrolls sideways."""
    for i, table in enumerate(list(root.iter("table")), 1):
        parent = table.getparent()
        if parent is None or "table-wrap" in (parent.get("class") or ""):
            continue
        caption = table.find("caption")
        name = f"{label}{i}" + (f"：{_text(caption)}" if caption is not None and _text(caption) else "")
        wrap = lxml_html.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0",
                                         "aria-label": name})
        parent.replace(table, wrap)
        wrap.append(table)


def ensure_alt(root: lxml_html.HtmlElement) -> None:
    for img in root.iter("img"):
        if img.get("alt") is None:
            img.set("alt", "")


def linearise(root: lxml_html.HtmlElement, image_word: str) -> None:
    """Text mode: images become `［图片：alt］`, tables become one line per row (`header：cell；...`),
    figures and layout wrappers lose their boxes; headings, paragraphs, lists and links stay."""
    for img in list(root.iter("img")):
        alt = (img.get("alt") or "").strip()
        if alt:
            span = lxml_html.Element("span", {"class": "img-alt"})
            span.text = f"［{image_word}：{alt}］"
            span.tail = img.tail
            img.getparent().replace(img, span)
        else:
            img.drop_tree()
    for table in list(root.iter("table")):
        table.getparent().replace(table, _table_as_rows(table))
    for el in list(root.iter("figure")):
        el.tag = "div"
    for el in list(root.iter("figcaption")):
        el.tag = "p"
    for el in list(root.iter("picture", "center", "font")):
        el.drop_tag()
    for el in root.iter():
        if isinstance(el.tag, str):
            for attr in ("style", "width", "height", "align"):
                el.attrib.pop(attr, None)


def _table_as_rows(table: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    out = lxml_html.Element("div", {"class": "table-rows"})
    caption = table.find("caption")
    if caption is not None and _text(caption):
        p = lxml_html.Element("p")
        p.text = _text(caption)
        out.append(p)
    headers: list[str] = []
    for tr in table.iter("tr"):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        texts = [_text(c) for c in cells]
        if cells and all(c.tag == "th" for c in cells) and not headers:
            headers = texts
            continue
        if not any(texts):
            continue
        parts = [f"{headers[i]}：{t}" if i < len(headers) and headers[i] else t for i, t in enumerate(texts) if t]
        p = lxml_html.Element("p", {"class": "row"})
        p.text = "；".join(parts)
        out.append(p)
    return out


def prepare_content(content_html: str, *, text_length: int, table_label: str, image_word: str,
                    text_mode: bool, pinyin: bool = False) -> tuple[str, list[TocEntry]]:
    """The content HTML for a page layout, and its table of contents (pinyin goes on last, so that the table
    of contents and text mode's rows are made from the characters alone)."""
    root = _fragment(content_html)
    normalise_headings(root)
    ensure_alt(root)
    if text_mode:
        linearise(root, image_word)
    else:
        wrap_tables(root, table_label)
    toc = add_toc(root, text_length)
    if pinyin:
        annotate_tree(root)
    return lxml_html.tostring(root, encoding="unicode"), toc
