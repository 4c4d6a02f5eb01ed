"""readability-lxml's scoring, made to work on Chinese text.

Upstream counts ASCII commas and measures lengths in characters tuned for English, so on Chinese pages it
picks navigation or drops data tables. Here lengths are weighted by script (see `script.weighted_length`),
CJK clause punctuation counts as commas do, data tables and figures are kept, and the document is a copy
of the already-parsed body (no second parse, no string round trip).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html
from readability import Document
from readability.readability import REGEXES

from .script import clause_count, squash, weighted_length
from .tables import is_data_table

BLOCK_TAGS = frozenset({"blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul", "section",
                        "article", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "form", "video"})
# Rich-text editor output (TRS_Editor, Drupal's wysiwyg, Wagtail's rich-text, Tailwind's prose): content.
EDITOR_CLASSES = re.compile(r"wysiwyg|rich-?text|editor|\bprose\b", re.I)
_FILE_LINK = re.compile(r"\.(pdf|docx?|xlsx?|wps|zip|rar|ofd|et|pptx?|txt)(\?|$)", re.I)
_SENTENCE_END = re.compile(r"[.。！？!?]( |$)")


@lru_cache(maxsize=4096)
def _unlikely_names(names: str) -> bool:
    """Upstream's class/id test; pages repeat a few names on many elements, so it is remembered."""
    return bool(REGEXES["unlikelyCandidatesRe"].search(names)) and not REGEXES["okMaybeItsACandidateRe"].search(
        names)


def _in_code(elem: lxml_html.HtmlElement) -> bool:
    """`ancestor-or-self::pre | ancestor-or-self::code`, without an XPath evaluation per element."""
    return elem.tag in ("pre", "code") or any(a.tag in ("pre", "code") for a in elem.iterancestors())


def _holds_main(elem: lxml_html.HtmlElement) -> bool:
    """`descendant-or-self::main | descendant-or-self::article | descendant-or-self::math`, likewise."""
    return elem.tag in ("main", "article", "math") or next(elem.iterdescendants("main", "article", "math"),
                                                             None) is not None


class CJKDocument(Document):
    """A readability Document over an element instead of a string; `block()` returns an element."""

    def __init__(self, body: lxml_html.HtmlElement, url: str = "", min_text_length: int = 25,
                 retry_length: int = 250) -> None:
        super().__init__("", url=url, min_text_length=min_text_length, retry_length=retry_length,
                         positive_keywords=EDITOR_CLASSES)
        self.source = body
        self._link_lengths: dict[lxml_html.HtmlElement, float] | None = None
        self._alive: list = []
        self._weights: dict[tuple[str | None, str | None, str], int] = {}

    def _html(self, force: bool = False) -> lxml_html.HtmlElement:
        if force or self.html is None:
            self.html = copy.deepcopy(self.source)
            self._alive = list(self.html.iter())  # proxies kept for the passes (see extract._extract)
        return self.html

    def block(self) -> lxml_html.HtmlElement | None:
        """The main block (a fresh div), or None when no candidate scored; never raises."""
        for ruthless in (True, False):
            self._html(True)
            if ruthless:
                self.remove_unlikely_candidates()
            self.transform_misused_divs_into_paragraphs()
            candidates = self.score_paragraphs()
            best = self.select_best_candidate(candidates)
            if not best:
                continue
            best = self.get_semantic_article_candidate(candidates, best)
            best = self.get_semantic_main_candidate(candidates, best)
            article = self.editor_segments(best["elem"])
            if article is None:
                article = self.get_article(candidates, best, html_partial=True)
            article = self.clean_block(article, candidates)
            if not ruthless or weighted_length(article.text_content()) >= self.retry_length:
                return article
        return None

    def container(self) -> lxml_html.HtmlElement:
        """The whole source (a CMS content container) with upstream's clean-up but no candidate choice."""
        self._html(True)
        self.remove_unlikely_candidates()
        candidates = self.score_paragraphs()
        return self.clean_block(self.html, candidates)

    def editor_segments(self, best: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
        """When the winner is one rich-text field of several (a page built from editor blocks), the
        article is all of them, in page order."""
        if not EDITOR_CLASSES.search(best.get("class") or ""):
            return None
        segments = []
        for el in self.html.iter():
            if not isinstance(el.tag, str) or not EDITOR_CLASSES.search(el.get("class") or ""):
                continue
            if any(seg in el.iterancestors() for seg in segments) or self.get_link_density(el) > 0.5:
                continue
            segments.append(el)
        if len(segments) < 2:
            return None
        output = lxml_html.Element("div")
        output.extend(segments)
        return output

    def remove_unlikely_candidates(self) -> None:
        """Upstream's rule; the class/id test runs before any XPath, on one walk of the elements."""
        for elem in list(self.html.iterdescendants(etree.Element)):
            cls, ident = elem.get("class"), elem.get("id")
            if not cls and not ident:
                continue
            if (_unlikely_names(f"{cls or ''} {ident or ''}") and elem.tag not in ("html", "body")
                    and not _in_code(elem) and not _holds_main(elem)):
                elem.drop_tree()

    # -- tree walks ----------------------------------------------------------------------------------
    def tags(self, node: lxml_html.HtmlElement, *tag_names: str) -> Iterator[lxml_html.HtmlElement]:
        """Upstream's `findall(".//tag")` per name (a list taken when that name's turn comes), without
        ElementPath's parsing and generators: lxml runs `.//tag` as `iterdescendants(tag)` anyway."""
        for tag_name in tag_names:
            yield from list(node.iterdescendants(tag_name))

    def reverse_tags(self, node: lxml_html.HtmlElement, *tag_names: str) -> Iterator[lxml_html.HtmlElement]:
        for tag_name in tag_names:
            yield from reversed(list(node.iterdescendants(tag_name)))

    def class_weight(self, e: lxml_html.HtmlElement) -> int:
        """Upstream's weight of class, id and tag, worked out once per combination on this page (up to four
        regular expressions each; scoring and clean-up ask again for the same elements and names)."""
        key = (e.get("class"), e.get("id"), e.tag)
        weight = self._weights.get(key)
        if weight is None:
            weight = self._weights[key] = super().class_weight(e)
        return weight

    # -- scoring -------------------------------------------------------------------------------------
    def score_paragraphs(self) -> dict:
        """Upstream's scoring; every link's length is measured once (the tree does not change here)."""
        self._link_lengths = {}
        try:
            return self._score_paragraphs()
        finally:
            self._link_lengths = None

    def _score_paragraphs(self) -> dict:
        candidates: dict = {}
        ordered = []
        for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
            parent = elem.getparent()
            if parent is None:
                continue
            grand = parent.getparent()
            text = squash(elem.text_content())
            length = weighted_length(text)
            if length < self.min_text_length:
                continue
            for node in (parent, grand):
                if node is not None and node not in candidates:
                    candidates[node] = self.score_node(node)
                    ordered.append(node)
            score = 1 + clause_count(text) + min(length / 100, 3)
            candidates[parent]["content_score"] += score
            if grand is not None:
                candidates[grand]["content_score"] += score / 2.0
        for elem in ordered:
            candidates[elem]["content_score"] *= 1 - self.get_link_density(elem)
        return candidates

    def get_link_density(self, elem: lxml_html.HtmlElement, own: float | None = None) -> float:
        """Upstream's share of link text, lengths weighted by script; `own`: the element's weighted length when
        the caller has it already."""
        cache = self._link_lengths
        if cache is None:
            links = sum(weighted_length(squash(a.text_content())) for a in elem.iter("a"))
        else:
            links = 0.0
            for a in elem.iter("a"):
                length = cache.get(a)
                if length is None:
                    length = cache[a] = weighted_length(squash(a.text_content()))
                links += length
        if own is None:
            own = weighted_length(squash(elem.text_content()))
        return links / max(own, 1)

    def transform_misused_divs_into_paragraphs(self) -> None:
        """Upstream serialises every child to look for block tags; walking the tree is much cheaper."""
        for elem in self.tags(self.html, "div"):
            if next(elem.iterdescendants(*BLOCK_TAGS), None) is None:  # the tag filter runs in C
                elem.tag = "p"
        inline = {"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub", "sup", "u"}
        for elem in self.tags(self.html, "div"):
            paragraph = None
            if elem.text and elem.text.strip():
                paragraph = lxml_html.Element("p")
                paragraph.text, elem.text = elem.text, None
                elem.insert(0, paragraph)
            for child in list(elem):
                if child is paragraph:
                    continue
                if child.tag == "br" or child.tag not in inline or next(
                        child.iterdescendants(*BLOCK_TAGS), None) is not None:
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = lxml_html.Element("p")
                    child.addprevious(paragraph)
                paragraph.append(child)
            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = lxml_html.Element("p")
                    p.text, child.tail = child.tail, None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()

    def get_article(self, candidates: dict, best: dict, html_partial: bool = True) -> lxml_html.HtmlElement:
        """Upstream's sibling merge, with the short-paragraph test knowing `。`."""
        threshold = max(10, best["content_score"] * 0.2)
        best_elem = best["elem"]
        self.add_heading_preamble(candidates, best_elem, threshold)
        self.merge_article_segments(candidates, best, threshold)
        parent = best_elem.getparent()
        siblings = list(parent) if parent is not None else [best_elem]
        output = lxml_html.Element("div")
        for sibling in siblings:
            keep = sibling is best_elem or (
                sibling in candidates and candidates[sibling]["content_score"] >= threshold)
            if not keep and sibling.tag == "p":
                text = sibling.text_content()
                length, density = weighted_length(text), self.get_link_density(sibling)
                keep = (length > 80 and density < 0.25) or (
                    density == 0 and bool(_SENTENCE_END.search(text.strip())))
            if keep:
                output.append(sibling)
        return output

    # -- conditional clean-up ------------------------------------------------------------------------
    def clean_block(self, node: lxml_html.HtmlElement, candidates: dict) -> lxml_html.HtmlElement:
        """Upstream's `sanitize`, counting CJK clauses, keeping data tables and figures, returning the tree."""
        for header in list(self.tags(node, "h1", "h2", "h3", "h4", "h5", "h6")):
            if self.class_weight(header) < 0 or self.get_link_density(header) > 0.33:
                header.drop_tree()
        for el in list(self.tags(node, "form", "textarea", "iframe", "button", "select", "input")):
            el.drop_tree()
        for p in list(node.iter("p")):
            if p.getparent() is not None and self._link_line(p):
                p.drop_tree()
        for el in list(self.reverse_tags(node, "table", "ul", "div", "aside", "header", "footer", "section")):
            if el.getparent() is None or (el.tag == "table" and is_data_table(el)):
                continue
            if self._unwanted(el, candidates):
                el.drop_tree()
        return node

    def _link_line(self, p: lxml_html.HtmlElement) -> bool:
        """A line of several links (`理财：a b c`) is a promotion, not a paragraph; 附件 links stay."""
        links = list(p.iter("a"))
        if len(links) < 2 or any(_FILE_LINK.search(a.get("href") or "") for a in links):
            return False
        return self.get_link_density(p) > 0.6 and clause_count(p.text_content()) < 3

    def _unwanted(self, el: lxml_html.HtmlElement, candidates: dict) -> bool:
        weight = self.class_weight(el)
        score = candidates[el]["content_score"] if el in candidates else 0
        if weight + score < 0:
            return True
        text = squash(el.text_content())
        if clause_count(text) >= 10:
            return False
        counts = {kind: sum(1 for _ in el.iter(kind)) for kind in ("p", "img", "embed", "input")}
        length = weighted_length(text)
        density = self.get_link_density(el, length)
        if counts["img"] and counts["img"] <= 2 and length < 4 * self.min_text_length and density <= 0.5:
            return False  # a figure and its caption
        in_main = el.tag in ("ul", "section") and any(a.tag in ("main", "article") for a in el.iterancestors())
        return bool(
            (counts["p"] and counts["img"] > 1 + counts["p"] * 1.3)
            or counts["input"] > counts["p"] / 3
            or (length < self.min_text_length and not counts["img"])
            or (length < self.min_text_length and counts["img"] > 2)
            or (weight < 25 and density > (0.25 if in_main else 0.2))
            or (weight >= 25 and density > 0.5)
            or (counts["embed"] == 1 and length < 75) or counts["embed"] > 1
        )
