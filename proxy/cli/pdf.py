"""A PDF's text layer as an Article, for `speak`: government notices are often published only as PDF.

pypdf reads the text layer (the PDF's own text, as its ToUnicode maps give it); a scanned PDF has none, and
is refused with one line rather than read as silence. Lines are joined back into paragraphs: Chinese PDFs
break lines mid-sentence, so a line ends a paragraph only after sentence-final punctuation or when it is
clearly shorter than the page's full lines. Page numbers and running heads repeated on every page are dropped.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from transforms.article import Article

from .errors import CLIError

SENTENCE_END = tuple("。！？；：!?;:…”）)")
PAGE_NUMBER = re.compile(r"^\s*(?:[-－—–]\s*\d+\s*[-－—–]|第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?|\d+\s*/\s*\d+|\d+)\s*$")
CJK = re.compile(r"[\u3400-\u9fff]")
MAX_PAGES = 500


def pdf_article(data: bytes, url: str, source: str) -> Article:
    """The PDF's text as an Article (title from its metadata or first line), or a CLIError naming `source`."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
        meta_title = str((reader.metadata or {}).get("/Title", "") or "").strip()
    except (PdfReadError, ValueError, KeyError, TypeError, NotImplementedError, OSError):
        raise CLIError(f"{source} is a PDF that cannot be read", f"{source} 是无法读取的 PDF 文件") from None
    paragraphs = paragraphs_of(pages)
    if not paragraphs:
        raise CLIError(f"{source} is a PDF without a text layer (a scan): there is nothing to read aloud",
                       f"{source} 是没有文字层的 PDF（扫描件），无法朗读")
    title = meta_title if meta_title and not meta_title.lower().startswith(("microsoft", "untitled")) else \
        paragraphs[0][:80]
    if paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    text = "\n\n".join(paragraphs)
    lang = "zh-CN" if len(CJK.findall(text)) >= 0.3 * max(1, sum(c.isalpha() for c in text)) else "en"
    return Article(url=url, title=title, text=text, lang=lang, page_type="article", extraction="article")


def paragraphs_of(pages: list[str]) -> list[str]:
    """Paragraphs from the pages' lines: joined where a line runs on, running heads and page numbers dropped."""
    per_page = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    repeated = Counter(line for lines in per_page for line in set(lines))
    running = {line for line, n in repeated.items() if len(per_page) > 2 and n >= len(per_page) * 0.6}
    lines = [line for page in per_page for line in page if line not in running and not PAGE_NUMBER.match(line)]
    if not lines:
        return []
    full = sorted(len(line) for line in lines)[len(lines) * 3 // 4]  # a full line's length
    out: list[str] = []
    current = ""
    for line in lines:
        current = _join(current, line)
        if line.endswith(SENTENCE_END) or len(line) < full * 0.7:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return [p for p in out if any(c.isalnum() for c in p)]


def _join(left: str, right: str) -> str:
    """Chinese lines join without a space, Latin words with one (a hyphen at a line end joins the word)."""
    if not left:
        return right
    if left.endswith("-") and right[:1].isalpha():
        return left[:-1] + right
    if CJK.match(left[-1]) or CJK.match(right[0]):
        return left + right
    return left + " " + right
