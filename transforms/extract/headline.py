"""The visible headline: the element that reads as the article's title. Found among h1-h3 and elements whose
class names a headline (data/cms_containers.yaml), scored by how well its text agrees with the ArticleTitle meta
and the `<title>`; with a generic `<title>`, a headline-shaped element followed by a date or prose still counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from . import titles
from .dates import parse_date
from .script import squash
from .site import looks_like_site
from .textnodes import TEXTS

HEADING_TAGS = {"h1": 1.5, "h2": 0.6, "h3": 0.4}
CLASS_BONUS = 1.0
FOLLOWED_BONUS = 1.0
EXACT = 3.0  # the score of a headline whose text is the title
OUTSIDE = ("a", "li", "nav", "footer", "aside", "option", "select", "button", "label", "dt", "th", "caption")
_OUTSIDE_NAMES = re.compile(r"(^|[\s_-])(nav|menu|side|footer|foot|related|xgyd|xgwz|tuijian|hot|rank|comment|logo)",
                            re.I)
LOOKAHEAD = 30  # elements after a headline where its byline or first paragraph must show


@dataclass
class Headline:
    element: lxml_html.HtmlElement
    text: str  # the element's text without a column prefix
    matched: bool  # agrees with the ArticleTitle meta or the `<title>`


def _targets(meta_title: str, doc_title: str, site: str) -> list[str]:
    """What the headline should read like; a `<title>` that is only a site's name (a generic title) is none."""
    out = [titles.norm(meta_title), titles.norm(titles.headline_part(doc_title)), titles.norm(doc_title)]
    generic = len(titles.parts(doc_title)) == 1 and looks_like_site(doc_title)
    return [t for t in out if len(t) >= titles.MIN_HEADLINE and t != titles.norm(site)
            and not (generic and t == titles.norm(doc_title))]


def _agreement(text: str, targets: list[str]) -> float:
    n = titles.norm(text)
    best = 0.0
    for t in targets:
        if n == t:
            return 3.0
        if n in t and len(n) >= 0.5 * len(t):
            best = max(best, 2.0)
        elif t in n and len(t) >= 0.6 * len(n):
            best = max(best, 2.0)
    return best


@lru_cache(maxsize=4096)
def _outside_name(names: str) -> bool:
    return bool(_OUTSIDE_NAMES.search(names))


def _excluded(el: lxml_html.HtmlElement) -> bool:
    if el.tag in ("a", "option", "button", "label"):
        return True  # a link is a way elsewhere, never this page's headline
    for a in (el, *el.iterancestors()):
        if a.tag in OUTSIDE and a is not el or a.tag in ("nav", "footer", "aside"):
            return True
        cls, ident = a.get("class"), a.get("id")
        if (cls or ident) and _outside_name(f"{cls or ''} {ident or ''}"):
            return True
    return el.find(".//a") is not None and len(squash(" ".join(a.text_content() for a in el.iter("a")))) > 4


def candidates(tree: lxml_html.HtmlElement, named: list | None = None) -> list[lxml_html.HtmlElement]:
    """Headings and elements named as headlines in the body, in document order (from the page's `named` list,
    `textnodes.BodyText.named`, when given: then only the few found are checked for being in the body)."""
    body = tree.find("body")
    root = body if body is not None else tree
    if named is None:
        return [el for el in root.iter(etree.Element)
                if el.tag in HEADING_TAGS or titles.is_headline_name(el)]
    found = [el for el, tag, cls, ident in named
             if tag in HEADING_TAGS or ((cls or ident) and titles.headline_names(f"{cls or ''} {ident or ''}"))]
    return found if root is tree else [el for el in found if el is root or any(a is root for a in el.iterancestors())]


def following(el: lxml_html.HtmlElement):  # noqa: ANN201 - an iterator of elements
    """Elements after `el` in document order (not inside it)."""
    node: lxml_html.HtmlElement | None = el
    while node is not None:
        nxt = node.getnext()
        while nxt is not None and not isinstance(nxt.tag, str):
            nxt = nxt.getnext()
        if nxt is None:
            node = node.getparent()
            continue
        yield from nxt.iter(etree.Element)
        node = nxt


def _followed_by_byline_or_prose(el: lxml_html.HtmlElement) -> bool:
    """A date (the byline) or a sentence of prose among the first LOOKAHEAD elements after the element."""
    for seen, sub in enumerate(following(el), 1):
        own = squash(sub.text or "")
        if own and (parse_date(own) or (len(own) >= 20 and "。" in own)):
            return True
        if seen >= LOOKAHEAD:
            return False
    return False


def find(tree: lxml_html.HtmlElement, meta_title: str, doc_title: str, site: str = "",
         named: list | None = None) -> Headline | None:
    targets = _targets(meta_title, doc_title, site)
    site_norm = titles.norm(site)
    best: tuple[float, Headline] | None = None
    for el in candidates(tree, named):
        raw = squash(el.text_content())
        text = titles.strip_prefix(raw)
        if not (titles.MIN_HEADLINE <= len(text) <= titles.MAX_HEADLINE) or titles.norm(text) == site_norm:
            continue
        if _excluded(el):
            continue
        agree = max(_agreement(text, targets), _agreement(raw, targets))
        is_named = titles.is_headline_name(el)
        score = agree + HEADING_TAGS.get(el.tag, 0) + (CLASS_BONUS if is_named else 0)
        if not agree:  # a generic `<title>`: the headline must look like one, or be followed by its byline or prose
            followed = _followed_by_byline_or_prose(el)
            if not (followed or el.tag == "h1" or is_named):
                continue
            score += FOLLOWED_BONUS if followed else 0
        if best is None or score > best[0]:
            best = (score, Headline(el, text, agree > 0))
    if best is None or best[0] < EXACT:
        holder = _exact_holder(tree, targets)
        if holder is not None and (best is None or EXACT > best[0]):
            return Headline(holder, squash(holder.text_content()), True)
    return with_subtitle(best[1]) if best else None


_SUBTITLE = re.compile(r"^(?:——|—|--|－－|―)")


def with_subtitle(head: Headline) -> Headline:
    """A speech's or report's headline in two parts: `凝心聚力 开拓创新` over `——在全省科技工作会议上的讲话`. The
    subtitle alone is no title (it is what `<title>` often repeats); the two read as one, and the content starts
    after the second."""
    if _SUBTITLE.match(head.text):
        main = _heading_before(head.element)
        return Headline(head.element, main + head.text, head.matched) if main else head
    after = _next_element(head.element)
    if after is not None and (after.tag in HEADING_TAGS or titles.is_headline_name(after)):
        sub = squash(after.text_content())
        if _SUBTITLE.match(sub) and len(sub) <= titles.MAX_HEADLINE:
            return Headline(after, head.text + sub, head.matched)
    return head


def _next_element(el: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    nxt = el.getnext()
    while nxt is not None and (not isinstance(nxt.tag, str) or not squash(nxt.text_content())):
        nxt = nxt.getnext()
    return nxt


def _heading_before(el: lxml_html.HtmlElement) -> str:
    """The text of the heading right before `el` (its main title), or ""."""
    prev = el.getprevious()
    while prev is not None and (not isinstance(prev.tag, str) or not squash(prev.text_content())):
        prev = prev.getprevious()
    if prev is None or not (prev.tag in HEADING_TAGS or titles.is_headline_name(prev)) or _excluded(prev):
        return ""
    text = squash(prev.text_content())
    return text if titles.MIN_HEADLINE <= len(text) <= titles.MAX_HEADLINE and not _SUBTITLE.match(text) else ""


def _exact_holder(tree: lxml_html.HtmlElement, targets: list[str]) -> lxml_html.HtmlElement | None:
    """The element whose whole text is the title (`<td><font><b>标题</b></font></td>`), whatever its markup."""
    body = tree.find("body")
    wanted = set(targets)
    if body is None or not wanted:
        return None
    shortest = min(len(t) for t in wanted)
    for node in TEXTS(body):
        if len(node) < shortest or titles.norm(node) not in wanted:
            continue
        holder = node.getparent()
        if node.is_tail or holder is None or holder.tag in ("title", "script", "style", "option"):
            continue
        while holder.getparent() is not None and holder.getparent().tag not in ("body", "html") \
                and titles.norm(holder.getparent().text_content()) == titles.norm(node):
            holder = holder.getparent()
        if not _excluded(holder):
            return holder
    return None
