"""Article extraction (first cut: readability-lxml on the shared tree; the Chinese-aware version replaces it)."""

from __future__ import annotations

from lxml import html as lxml_html
from readability import Document

from .article import Article
from .context import Context
from .parse import serialise
from .registry import Page, transform


def extract(tree: lxml_html.HtmlElement, url: str) -> Article:
    doc = Document(serialise(tree), url=url)
    content = doc.summary(html_partial=True)
    text = lxml_html.fromstring(content).text_content() if content.strip() else ""
    title = doc.short_title() or ""
    return Article(url=url, title=title, content_html=content, text=text.strip(), page_type="article")


@transform("extract")
def extract_step(page: Page, ctx: Context) -> Page:
    page.article = extract(page.tree, ctx.url)
    return page
