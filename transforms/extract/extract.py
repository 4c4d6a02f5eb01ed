"""Article extraction for Chinese government pages: metadata, furniture, page type, main content, structure.

Stages, each in its own module: `metadata` (headline, title, site, byline, dates), `furniture` (breadcrumb,
附件, 上一篇/下一篇, pager, footer), `shell` (script-only pages), `search` (search results), `docinfo` (the 信息公开
header, 文号, signature date), `body` (what follows the headline, or a CMS container, or readability's choice,
never boilerplate), `pagetype` (lists), `home` (portal sections), `semantic` (clean HTML).
The shared tree is only read; extraction never raises and never returns an empty article: when no body can be
trusted the reader gets the simplified whole page, marked as such.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from lxml import html as lxml_html

from ..article import Article, Attachment, Search
from ..context import Context
from ..parse import serialise
from ..registry import Page, transform
from . import docinfo, furniture, home, search
from .body import Body, from_headline, scored, workspace
from .byline import WORDS as BYLINE_WORDS
from .credits import drop_trailing_credits
from .dates import parse_date
from .metadata import Metadata, choose_published, detect_lang, read_metadata, without_site
from .pagetype import Listing, Thresholds, dated_entries, holds
from .script import squash, weighted_length
from .semantic import semantic
from .shell import is_js_only
from .textify import to_text
from .textnodes import BodyText, LinkNames
from .titles import norm
from .workcopy import copy_without, drop_hidden, drop_noise, drop_scripts

log = logging.getLogger(__name__)
BODY_WORDS = (*BYLINE_WORDS, *furniture.PREV_NEXT_WORDS, *furniture.FOOTER_WORDS, *furniture.CRUMB_WORDS)
CONFIDENCE = {"list": 0.8, "search": 0.8, "home": 0.7, "js_only": 0.9, "fallback": 0.2}


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
    """What speech reads on a list, search or home page: the entries' titles, or each group's name and links."""
    if entries:
        return "\n\n".join(e.title for e in entries)
    return "\n\n".join("\n".join([g.name, *(lk.title for lk in g.links)]).strip() for g in groups)


def _content(block: lxml_html.HtmlElement, title: str = "") -> tuple[str, str, list]:
    images = semantic(block, title)
    return serialise(block), to_text(block), images


def _article(url: str, meta: Metadata, furn: Furniture) -> Article:
    return Article(
        url=url, title=meta.title, source=meta.source, published=meta.published, author=meta.author,
        meta_published=meta.meta_published, issued=meta.issued, doc_number=meta.doc_number,
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
    furn = read_furniture(tree, texts)
    meta = read_metadata(tree, url, texts, furn.footer)
    art = _article(url, meta, furn)
    if is_js_only(tree):
        return _js_only(art, meta)
    found = search.find(tree, url, meta.doc_title, texts)
    if found is not None:
        return _listing(art, tree, meta, "search", found.entries, Search(found.query, found.count))
    info = docinfo.read(tree, texts)
    marked = [meta.byline, furn.crumb_el, furn.footer_el, *furn.prev_next_els, info.element]
    names = LinkNames()  # every link's name, read by the list finder and again by the 附件 finder
    listing = dated_entries(tree, names)
    ws, selector = workspace(tree, body_of(tree), marked, meta.heading, texts.named())
    alive += ws.root.iter()
    core = scored(ws, selector, body_of(tree), url, options.min_text_length, options.retry_length, texts.all)
    body = None
    if meta.heading is not None:
        body = from_headline(meta.heading, marked, core, meta.headline_matched, ws)
        if body is not None and holds(listing.container, body.block.text_content()):
            body = None  # the "body" after the headline is the list itself
    body = body or core
    kind = _page_type(tree, body, listing, options)
    if isinstance(kind, list):
        return _home(art, meta, kind)
    if kind == "list":
        return _listing(art, tree, meta, "list", listing.entries, None)
    if kind == "fallback" or body is None:
        return _fallback(art, tree, meta, names)
    alive += body.block.iter()
    return _document(art, tree, meta, body, info, names)


def _page_type(tree: lxml_html.HtmlElement, body: Body | None, listing: Listing,
               options: ExtractOptions) -> str | list:
    """"article", "list", "fallback", or the home page's groups."""
    if body is not None and body.after_headline:
        return "article"
    prose = weighted_length(squash(body.block.text_content())) if body is not None else 0.0
    if listing.entries and (prose < options.page_type.article_length or listing.size >= 0.5 * prose):
        return "list"
    if prose >= options.page_type.article_length:
        return "article"
    groups = home.sections(tree)
    if len(groups) >= options.page_type.home_groups:
        return groups
    return "article" if prose >= options.min_article_length else "fallback"


def _document(art: Article, tree: lxml_html.HtmlElement, meta: Metadata, body: Body,
              info: docinfo.DocInfo, names: LinkNames | None = None) -> Article:
    """An article: its body with the document's header, 文号 and dates."""
    block = body.block
    art.page_type, art.extraction = "article", "article"
    art.method, art.confidence = body.method, body.confidence
    shown = parse_date(info.value("published")) or meta.visible_date  # the header's 发布日期 is shown too
    art.published = choose_published(shown, meta.meta_published, meta.fallback_dates)
    art.doc_number = info.value("doc_number") or meta.doc_number or docinfo.leading_doc_number(block)
    if art.doc_number and norm(art.doc_number) not in norm(block.text_content()):
        line = lxml_html.Element("p")  # a class would be stripped: semantic keeps only doc-info
        line.text = art.doc_number
        block.insert(0, line)
    if info.fields:
        art.info = info.fields
        block.insert(0, docinfo.header_element(info.fields))
    art.attachments = merge_attachments(furniture.attachments(block), furniture.page_attachments(tree, names))
    drop_trailing_credits(block)
    art.content_html, art.text, art.images = _content(block, art.title)
    art.issued = parse_date(info.value("issued")) or meta.issued or docinfo.signature_date(block)
    art.lang = detect_lang(meta.lang, art.text or art.title)
    return art


def _listing(art: Article, tree: lxml_html.HtmlElement, meta: Metadata, kind: str, entries: list,
             found: Search | None) -> Article:
    art.page_type = art.extraction = kind  # type: ignore[assignment]
    art.method, art.confidence = kind, CONFIDENCE[kind] if entries else 0.4
    art.entries, art.search = entries, found
    art.title = _column_title(art, meta)
    art.prev_page, art.next_page = furniture.pager(tree, art.url)
    art.prev = art.next = None
    art.text = link_text(entries, [])
    art.lang = detect_lang(meta.lang, art.text or art.title)
    return art


def _column_title(art: Article, meta: Metadata) -> str:
    """A list's or search page's name: its `<title>` without the site's name, else its column."""
    title = without_site(meta.doc_title, art.site)
    if not title or (art.site and norm(title) == norm(art.site)):
        return art.column or meta.doc_title
    return title


def _home(art: Article, meta: Metadata, groups: list) -> Article:
    art.page_type = art.extraction = "home"
    art.method, art.confidence = "sections", CONFIDENCE["home"]
    art.groups = groups
    art.title = meta.doc_title or art.site
    art.prev = art.next = None
    art.text = link_text([], groups)
    art.lang = detect_lang(meta.lang, art.text or art.title)
    return art


def _js_only(art: Article, meta: Metadata) -> Article:
    """A page only a browser's scripts can fill: nothing to simplify; the reader is sent to the original."""
    art.page_type = art.extraction = "js_only"
    art.method, art.confidence = "script-only page", CONFIDENCE["js_only"]
    art.title = without_site(meta.doc_title, art.site) if meta.doc_title else ""
    art.content_html, art.text = "<div></div>", ""
    art.lang = detect_lang(meta.lang, " ".join([meta.doc_title, meta.description, art.site]))
    return art


def _fallback(art: Article, tree: lxml_html.HtmlElement, meta: Metadata, names: LinkNames | None = None) -> Article:
    art.page_type, art.extraction = "other", "fallback"
    art.method, art.confidence = "whole page", CONFIDENCE["fallback"]
    art.title = art.title or meta.doc_title
    block = fallback_block(tree)
    art.attachments = merge_attachments(furniture.attachments(block), furniture.page_attachments(tree, names))
    art.content_html, art.text, art.images = _content(block, art.title)
    art.lang = detect_lang(meta.lang, art.text or art.title)
    return art


def _safe_fallback(tree: lxml_html.HtmlElement, url: str) -> Article:
    art = Article(url=url, extraction="fallback", method="whole page (after an error)", confidence=0.1)
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
