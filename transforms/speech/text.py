"""Article → what the audio says, as numbered sentences: the title, 来源 and date as one sentence, then the body
paragraph by paragraph, headings announced (小标题), tables read row by row with their headers ("第1行：单位名称，
某某公司；中标金额，12万元。"), images announced by their alt text. Page furniture an extraction may have left
in the article (print and close buttons, font-size controls, disclaimers: data/speech_furniture.tsv) is never
read, and a 来源 that is a button's label ("来源：打印") is no 来源.

Each sentence keeps its written form (shown in the 大字幕 caption bar, highlighted by 连读) and its spoken form
(digits as words, for the voice). Built from the sanitised `content_html` rather than `Article.text`, because
the text has lost which lines were table headers and what the images showed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from lxml import html as lxml_html

from .. import tablegrid
from ..article import Article, generic_alt
from .normalise import normalise, table_rows
from .split import MAX_CHARS, fit, split_sentences

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = HEADINGS | {"p", "li", "dt", "dd", "blockquote", "pre", "address", "summary", "caption", "figcaption",
                     "div", "section", "article", "ul", "ol", "dl", "figure", "header", "footer", "aside", "main",
                     "nav", "details", "center", "hr", "table"}
TEXT_BLOCKS = HEADINGS | {"p", "li", "dt", "dd", "pre", "address", "summary", "figcaption", "caption"}
SKIP = {"script", "style", "noscript", "template", "button", "select", "textarea", "audio", "video", "svg", "input",
        "label", "form", "option", "iframe", "object", "embed", "canvas", "map", "menu"}
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’.\-/ ]*[A-Za-z0-9]|[A-Za-z]")
CJK_RUN = re.compile(rf"[{CJK}][{CJK}\s，。、；：！？“”（）《》…—]*")
LABELS = {
    "zh": {"source": "来源：{}", "date": "发布日期：{}", "image": "图片：{}", "image_plain": "图片", "table": "表格：{}", "table_plain": "表格",
           "attachments": "附件：{}", "sep": "，", "end": "。", "list_sep": "；", "pair": "{}，{}", "row": "第{}行：{}",
           "heading": "小标题：{}"},
    "en": {"source": "Source: {}", "date": "Published: {}", "image": "Image: {}", "image_plain": "Image", "table": "Table: {}",
           "table_plain": "Table", "attachments": "Attachments: {}", "sep": ", ", "end": ".", "list_sep": "; ",
           "pair": "{}, {}", "row": "Row {}: {}", "heading": "Section: {}"},
}
# Paragraph marks (page text never holds them: _clean turns every control character into a space):
HEADING_MARK = "\x1e"  # a heading, its level after the mark: "\x1e2一、坚持需求导向"
ROW_MARK = "\x1f"  # a table row: one sentence (a caption that keeps the row together), cut only when too long
SEPARATORS = re.compile(r"[\s|｜/／·•・:：,，、;；\[\]【】()（）<>《》〔〕「」\-—_=+*#]+")
CHINESE_VOICES = ("zh", "yue")
DOC_EXTENSION = re.compile(r"\.(pdf|docx?|xlsx?|et|wps|ofd|pptx?|zip|rar|7z|txt|csv)$", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str  # as written: the caption
    spoken: str  # what the voice is given
    paragraph: int
    heading: int = 0  # 1 for the title, 2-6 for a heading in the body (a chapter starts here), 0 otherwise


@dataclass
class SpeechText:
    lang: str  # voice language: "zh", "en", "yue", or whatever the page declared
    title: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def chars(self) -> int:
        """Length of the written text: what a reader calls the article's length (speech.max_chars)."""
        return sum(len(s.text) for s in self.sentences)

    def digest(self) -> str:
        """Identifies what is said, not where it came from: two pages with the same words share audio."""
        h = hashlib.sha256(self.lang.encode())
        for s in self.sentences:
            h.update(f"\x00{s.paragraph}\x01{s.heading}\x02{s.spoken}".encode())
        return h.hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        return {"lang": self.lang, "title": self.title, "sentences": [asdict(s) for s in self.sentences]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpeechText:
        return cls(data["lang"], data["title"], [Sentence(**s) for s in data["sentences"]])


def voice_lang(tag: str) -> str:
    """The voice-map key for a page's language tag: zh-CN → zh, en-GB → en, zh-yue / yue-HK → yue."""
    tag = (tag or "zh").strip().lower().replace("_", "-")
    if tag.startswith("yue") or tag in ("zh-yue", "zh-hk-yue"):
        return "yue"
    return tag.split("-")[0] or "zh"


@cache
def furniture() -> tuple[frozenset[str], tuple[str, ...]]:
    """(button and control words, disclaimer openings) from data/speech_furniture.tsv."""
    ui: set[str] = set()
    disclaimers: list[str] = []
    for kind, words in table_rows("speech_furniture.tsv"):
        if kind == "ui":
            ui.update(w.lower() for w in words.split())
        elif kind == "disclaimer":
            disclaimers.extend(words.split())
    return frozenset(ui), tuple(disclaimers)


def is_furniture(line: str) -> bool:
    """A line that only names controls ("【打印本页】【关闭窗口】", "字体：大 中 小", "浏览次数：120") or opens a
    disclaimer ("版权所有 ..."): nothing of the article."""
    ui, disclaimers = furniture()
    stripped = line.strip()
    if stripped.startswith(disclaimers):
        return True
    words = [w for w in SEPARATORS.split(stripped.lower()) if w]
    return bool(words) and any(not w.isdigit() for w in words) and all(w.isdigit() or _ui_only(w, ui) for w in words)


def _ui_only(word: str, ui: frozenset[str]) -> bool:
    """Whether `word` is made of control words with nothing between them (扫一扫在手机上打开 = 扫一扫 在手机上打开)."""
    if len(word) > 40:
        return False
    ends = {0}
    for i in range(1, len(word) + 1):
        if any(j in ends and word[j:i] in ui for j in range(max(0, i - 12), i)):
            ends.add(i)
    return len(word) in ends


def speech_text(article: Article) -> SpeechText:
    lang = voice_lang(article.lang)
    labels = LABELS["zh" if lang in CHINESE_VOICES else "en"]
    title = _clean(article.title)
    paragraphs = [f"{HEADING_MARK}1{title}"] if title else []
    meta = _meta_sentence(article, labels)
    if meta:
        paragraphs.append(meta)
    body = _marked_paragraphs(article.content_html, labels) if article.content_html.strip() else \
        [p for p in article.text.split("\n\n") if not is_furniture(p)]
    paragraphs.extend(body)
    # 附件 once: the body often lists them itself (extraction keeps a document's 附件 lines); the attachment
    # list adds only those the body did not name
    said = re.sub(r"\s+", "", "".join(_unmark(p) for p in body))
    names = [name for name in (DOC_EXTENSION.sub("", a.name.strip()) for a in article.attachments)
             if name and re.sub(r"\s+", "", name) not in said]
    if names:
        paragraphs.append(labels["attachments"].format("\n".join(names)))
    out = SpeechText(lang, title)
    say = normalise if lang in CHINESE_VOICES else (lambda s: s)
    for n, para in enumerate(p for p in paragraphs if p.strip()):
        level = 0
        if para.startswith(HEADING_MARK):
            level, para = int(para[1]), para[2:]
        # Split the written text (each piece is the caption the toolbar finds on the page), then normalise each
        # piece: split_sentences never cuts inside a time, number, address or Latin word, so a piece reads the
        # same alone as inside its paragraph.
        pieces = fit(para[1:], MAX_CHARS) if para.startswith(ROW_MARK) else split_sentences(para)
        for k, sentence in enumerate(pieces):
            spoken = say(sentence)
            if level > 1 and k == 0:
                spoken = labels["heading"].format(spoken)  # announced, as a screen reader announces a heading
            out.sentences.append(Sentence(sentence, spoken, n, level))
    return out


def _meta_sentence(article: Article, labels: dict[str, str]) -> str:
    parts = []
    source = _clean(article.source)
    if source and not is_furniture(source):
        parts.append(labels["source"].format(source))
    day = _written_date(article.published, labels is LABELS["zh"])
    if day:
        parts.append(labels["date"].format(day))
    return labels["sep"].join(parts) + labels["end"] if parts else ""


def _written_date(iso: str, chinese: bool) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return ""
    y, mo, d = m[1], int(m[2]), int(m[3])
    return f"{y}年{mo}月{d}日" if chinese else f"{y}-{m[2]}-{m[3]}"


def html_paragraphs(content_html: str, labels: dict[str, str] = LABELS["zh"]) -> list[str]:
    """Paragraphs to read from a sanitised article fragment."""
    return [_unmark(p) for p in _marked_paragraphs(content_html, labels)]


def _unmark(para: str) -> str:
    return para[2:] if para.startswith(HEADING_MARK) else para[1:] if para.startswith(ROW_MARK) else para


def _marked_paragraphs(content_html: str, labels: dict[str, str]) -> list[str]:
    """html_paragraphs with headings and table rows marked (HEADING_MARK, ROW_MARK)."""
    try:
        root = lxml_html.fragment_fromstring(content_html, create_parent="div")
    except (ValueError, lxml_html.etree.ParserError):
        return []
    out: list[str] = []
    _walk(root, out, labels)
    return [p for p in out if _unmark(p).strip() and not is_furniture(_unmark(p))]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _inline_text(el: lxml_html.HtmlElement) -> str:
    """Text of an element without its nested lists and tables (those are read on their own)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP | {"ul", "ol", "table", "img"}:
            parts.append(_inline_text(child))
        elif child.tag == "br":
            parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts)


def _walk(el: lxml_html.HtmlElement, out: list[str], labels: dict[str, str]) -> None:
    buffer: list[str] = [el.text or ""]

    def flush() -> None:
        text = "".join(buffer)
        out.extend(line for line in (_clean(x) for x in text.split("\n")) if line)
        buffer.clear()

    ordinal = 0
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in SKIP or not tag:
            buffer.append(child.tail or "")
            continue
        if tag == "br":
            buffer.append("\n")
        elif tag == "img":
            flush()
            _image(child, out, labels)
        elif tag == "table":
            flush()
            out.extend(_table_paragraphs(child, labels))
        elif tag in TEXT_BLOCKS:
            flush()
            text = _inline_text(child)
            if tag == "li" and el.tag == "ol":
                ordinal += 1
                text = text if re.match(r"\s*[\d（(]", text) else f"{ordinal}. {text}"
            lines = [line for line in (_clean(x) for x in text.split("\n")) if line]
            if tag in HEADINGS and lines:
                lines = [f"{HEADING_MARK}{tag[1]}{' '.join(lines)}"]  # one heading, one paragraph
            out.extend(lines)
            for sub in child.iter("ul", "ol", "table", "img"):
                if sub.getparent() is not None and not _inside(sub, ("ul", "ol", "table"), child):
                    _walk_one(sub, out, labels)
        elif tag == "figure":
            flush()
            _figure(child, out, labels)
        elif tag in BLOCKS:
            flush()
            _walk(child, out, labels)
        else:
            buffer.append(_inline_text(child))
            for img in child.iter("img"):
                flush()
                _image(img, out, labels)
        buffer.append(child.tail or "")
    flush()


def _inside(el: lxml_html.HtmlElement, tags: tuple[str, ...], stop: lxml_html.HtmlElement) -> bool:
    """Whether `el` is nested in one of `tags` below `stop` (so its outer list or table reads it)."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _walk_one(el: lxml_html.HtmlElement, out: list[str], labels: dict[str, str]) -> None:
    if el.tag == "img":
        _image(el, out, labels)
    elif el.tag == "table":
        out.extend(_table_paragraphs(el, labels))
    else:
        _walk(el, out, labels)


def _image(img: lxml_html.HtmlElement, out: list[str], labels: dict[str, str], caption: str = "") -> None:
    alt = _clean(img.get("alt", ""))
    if generic_alt(alt):  # alt="图片" says only that it is one: "图片。", not "图片：图片"
        out.append(labels["image_plain"] + labels["end"])
    elif alt:
        out.append(labels["image"].format(alt) + ("" if alt[-1] in "。.!！?？" else labels["end"]))
    if caption and caption not in alt:
        out.append(caption)


def _figure(fig: lxml_html.HtmlElement, out: list[str], labels: dict[str, str]) -> None:
    cap = fig.find(".//figcaption")
    caption = _clean(_inline_text(cap)) if cap is not None else ""
    imgs = list(fig.iter("img"))
    for i, img in enumerate(imgs):
        _image(img, out, labels, caption if i == len(imgs) - 1 else "")
    if not imgs and caption:
        out.append(caption)
    for table in fig.iter("table"):
        out.extend(_table_paragraphs(table, labels))


def _grid(table: lxml_html.HtmlElement) -> tuple[list[list[str]], list[bool]]:
    """Cell texts laid on the table's grid (a merged cell's text in every slot it covers, "" where no cell is),
    and whether each row is a header row."""
    texts: dict[lxml_html.HtmlElement, str] = {}

    def text(cell: lxml_html.HtmlElement | None) -> str:
        if cell is None:
            return ""
        if cell not in texts:
            texts[cell] = _clean(_inline_text(cell))
        return texts[cell]

    grid: list[list[str]] = []
    header: list[bool] = []
    for tr, slots in zip(tablegrid.rows(table), tablegrid.grid(table), strict=True):
        grid.append([text(cell) for cell in slots])
        own = tablegrid.cells(tr)
        in_head = tr.getparent() is not None and tr.getparent().tag == "thead"
        header.append(in_head or (bool(own) and all(c.tag == "th" for c in own)))
    return grid, header


def _join_header(upper: str, lower: str) -> str:
    """Two header rows over one column: 成交额 + 今年 → 成交额 今年; a cell spanning both rows once."""
    return upper if not lower or lower == upper else f"{upper} {lower}" if upper else lower


def table_paragraphs(table: lxml_html.HtmlElement, labels: dict[str, str] = LABELS["zh"]) -> list[str]:
    """A table read row by row, each value after its column header, the rows counted:
    第1行：市州，东湖市；合同数（项），4200。 A listener cannot glance back at the header row, so every value
    carries its header, and the row number says where in the table they are."""
    return [_unmark(p) for p in _table_paragraphs(table, labels)]


def _table_paragraphs(table: lxml_html.HtmlElement, labels: dict[str, str]) -> list[str]:
    """table_paragraphs with each row marked (ROW_MARK: one sentence, cut only when too long). The cells are
    laid out by `tablegrid`, as the page's layouts lay them out."""
    cap = table.find("caption")
    caption = _clean(_inline_text(cap)) if cap is not None else ""
    out = [labels["table"].format(caption) + labels["end"] if caption else labels["table_plain"] + labels["end"]]
    grid, is_header = _grid(table)
    headers: list[str] = []
    rows: list[list[str]] = []
    for row, head in zip(grid, is_header, strict=True):
        if head:
            headers = [_join_header(a, b) for a, b in
                       zip(headers + [""] * (len(row) - len(headers)), row, strict=False)] if headers else row
            continue
        said = []
        for i, value in enumerate(row):
            name = headers[i] if i < len(headers) else ""
            if not value or (i > 0 and value == row[i - 1] and name == (headers[i - 1] if i - 1 < len(headers) else "")):
                continue
            said.append(labels["pair"].format(name, value) if name and name != value else value)
        if said:
            rows.append(said)
    for n, said in enumerate(rows, 1):
        joined = labels["list_sep" if headers else "sep"].join(said)
        out.append(ROW_MARK + (labels["row"].format(n, joined) if len(rows) > 1 else joined) + labels["end"])
    return out


def runs(spoken: str, lang: str) -> list[tuple[str, str]]:
    """Split a spoken sentence into (language, text) runs: Latin words inside Chinese go to the English voice
    (the Mandarin voice reads Latin as pinyin), Chinese inside English to the Chinese voice."""
    if lang in CHINESE_VOICES:
        pattern, other = LATIN_RUN, "en"
    else:
        pattern, other = CJK_RUN, "zh"
    out: list[tuple[str, str]] = []
    pos = 0
    for m in pattern.finditer(spoken):
        out.append((lang, spoken[pos:m.start()]))
        out.append((other, m[0]))
        pos = m.end()
    out.append((lang, spoken[pos:]))
    merged: list[tuple[str, str]] = []
    for voice, text in out:
        if not any(c.isalnum() for c in text):
            continue  # punctuation alone says nothing
        if merged and merged[-1][0] == voice:
            merged[-1] = (voice, merged[-1][1] + text)
        else:
            merged.append((voice, text.strip()))
    return merged
