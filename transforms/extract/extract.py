"""Article extraction for Chinese government pages: metadata, furniture, main block, page type.

Stages, each in its own module: `metadata` (meta tags, title, byline, date), `furniture` (breadcrumb,
附件, 上一篇/下一篇, footer), `workcopy` (a copy of the content subtree without furniture), `cms` (known CMS
containers) or `readability_cjk` (scoring), `semantic` (clean HTML), `pagetype` (list and home pages).
The shared tree is only read; extraction never raises and never returns an empty article.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from lxml import html as lxml_html

from ..article import Article, Attachment
from ..context import Context
from ..parse import serialise
from ..registry import Page, transform
from . import furniture
from .byline import WORDS as BYLINE_WORDS
from .cms import find_container
from .metadata import Metadata, detect_lang, read_metadata
from .pagetype import Thresholds, classify
from .readability_cjk import CJKDocument
from .script import weighted_length
from .semantic import semantic
from .textify import to_text
from .textnodes import BodyText
from .workcopy import copy_without, drop_hidden, drop_noise, drop_scripts, working_copy

log = logging.getLogger(__name__)
BODY_WORDS = (*BYLINE_WORDS, *furniture.PREV_NEXT_WORDS, *furniture.FOOTER_WORDS, *furniture.CRUMB_WORDS)


@dataclass(frozen=True)
class ExtractOptions:
    """Tunables (Latin-equivalent characters; see `script.weighted_length`)."""

    min_text_length: int = 25  # readability's paragraph threshold
    retry_length: int = 250  # below this the ruthless pass is retried gently
    min_article_length: int = 60  # less than this is no article: fall back to the whole page
    page_type: Thresholds = Thresholds()


@dataclass
class Furniture:
    breadcrumb: list
    crumb_el: lxml_html.HtmlElement | None
    prev: object
    next: object
    prev_next_els: list
    footer: str
    footer_el: lxml_html.HtmlElement | None


def read_furniture(tree: lxml_html.HtmlElement, texts: BodyText | None = None) -> Furniture:
    crumbs, crumb_el = furniture.breadcrumb(tree, texts)
    prev, nxt, holders = furniture.prev_next(tree, texts)
    footer, footer_el = furniture.footer_line(tree, texts)
    return Furniture(crumbs, crumb_el, prev, nxt, holders, footer, footer_el)


def body_of(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    body = tree.find("body")
    if body is None:
        body = tree.find(".//body")
    return body if body is not None else tree


def main_block(tree: lxml_html.HtmlElement, meta: Metadata, furn: Furniture, url: str,
               options: ExtractOptions) -> lxml_html.HtmlElement | None:
    """The article body: a CMS container when the page has one, else readability's choice."""
    marked = [meta.heading, meta.byline, furn.crumb_el, furn.footer_el, *furn.prev_next_els]
    container = find_container(tree)
    work = working_copy(body_of(tree) if container is None else container, marked)
    doc = CJKDocument(work, url=url, min_text_length=options.min_text_length,
                      retry_length=options.retry_length)
    return doc.block() if container is None else doc.container()


def fallback_block(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The whole page, simplified: what the reader gets when no article can be found."""
    root = copy_without(body_of(tree), [])
    for el in list(root.iter("noscript")):
        el.drop_tag()  # a script-only page's one readable sentence is often here
    drop_scripts(root)
    drop_hidden(root)
    drop_noise(root)
    return root


def merge_attachments(*lists: list[Attachment]) -> list[Attachment]:
    """Body attachments first, then those listed elsewhere on the page; each URL once."""
    merged: dict[str, Attachment] = {}
    for found in lists:
        for att in found:
            merged.setdefault(att.url, att)
    return list(merged.values())


def link_text(entries: list, groups: list) -> str:
    """What speech reads on a list or home page: the entries, or each group's name and links."""
    if entries:
        return "\n\n".join(f"{e.title} {e.date}".strip() for e in entries)
    return "\n\n".join("\n".join([g.name, *(lk.title for lk in g.links)]).strip() for g in groups)


def _content(block: lxml_html.HtmlElement, title: str = "") -> tuple[str, str, list]:
    images = semantic(block, title)
    return serialise(block), to_text(block), images


def _article(url: str, meta: Metadata, furn: Furniture) -> Article:
    return Article(
        url=url, title=meta.title, source=meta.source, published=meta.published, author=meta.author,
        site=meta.site, column=meta.column or (furn.breadcrumb[-1].title if furn.breadcrumb else ""),
        breadcrumb=furn.breadcrumb, prev=furn.prev, next=furn.next, footer=furn.footer,
        keywords=meta.keywords, description=meta.description,
    )


def extract(tree: lxml_html.HtmlElement, url: str, options: ExtractOptions | None = None) -> Article:
    """The Article of a parsed page (URLs already absolute). Pure: `tree` is left as it was."""
    options = options or ExtractOptions()
    try:
        return _extract(tree, url, options)
    except Exception:  # noqa: BLE001 - any page must render; the reader gets the plain page instead
        log.exception("extraction failed for %s", url)
        return _safe_fallback(tree, url)


def _extract(tree: lxml_html.HtmlElement, url: str, options: ExtractOptions) -> Article:
    # lxml makes a Python proxy (and runs lxml.html's class lookup) each time an element is visited
    # with no proxy alive; holding one per element keeps every later pass from paying that again.
    alive = list(tree.iter())
    texts = BodyText(tree, BODY_WORDS)  # one scan of the body's text for byline, 上一篇 and footer
    meta = read_metadata(tree, url, texts)
    furn = read_furniture(tree, texts)
    art = _article(url, meta, furn)
    block = main_block(tree, meta, furn, url, options)
    alive += block.iter() if block is not None else ()
    text = to_text(block) if block is not None else ""
    page_type, entries, groups = classify(text, tree, options.page_type)
    art.page_type = page_type  # type: ignore[assignment]
    if page_type in ("list", "home"):
        art.entries, art.groups, art.extraction = entries, groups, page_type  # type: ignore[assignment]
        art.text, block = link_text(entries, groups), None
    elif block is None or weighted_length(text) < options.min_article_length:
        art.extraction, block = "fallback", fallback_block(tree)
    else:
        art.page_type = "article"
    if block is not None:
        art.attachments = merge_attachments(furniture.attachments(block), furniture.page_attachments(tree))
        art.content_html, art.text, art.images = _content(block, art.title)
    art.lang = detect_lang(meta.lang, art.text or art.title)
    return art


def _safe_fallback(tree: lxml_html.HtmlElement, url: str) -> Article:
    art = Article(url=url, extraction="fallback")
    try:
        art.content_html, art.text, art.images = _content(fallback_block(tree))
    except Exception:  # noqa: BLE001
        art.content_html = "<div></div>"
    return art


def options_from(value: object) -> ExtractOptions:
    """Options as config gives them (a mapping; unknown keys ignored) or as an ExtractOptions."""
    if isinstance(value, ExtractOptions):
        return value
    if isinstance(value, dict):
        known = {f.name for f in fields(ExtractOptions)} - {"page_type"}
        try:
            return ExtractOptions(**{k: int(v) for k, v in value.items() if k in known})
        except (TypeError, ValueError):
            log.warning("ignoring bad extract options %r", value)
    return ExtractOptions()


@transform("extract")
def extract_step(page: Page, ctx: Context) -> Page:
    page.article = extract(page.tree, ctx.url, options_from(ctx.options.get("extract")))
    return page
