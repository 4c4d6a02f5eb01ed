"""The article body, and how sure we are of it.

First the block a CMS container or readability's scoring picks (never site boilerplate). With a headline, the
body is then what follows the headline in the smallest box holding both the headline and that block (or, when
the block is boilerplate or lies before the headline, in the headline's own box): the 文号, signature lines, tables
and 附件 around the scored block come with it, and a disclaimer elsewhere on the page cannot win. A block far
bigger than the scored one means the box is the whole page: then the scored block alone is served."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html

from . import outskirts
from .boilerplate import is_boilerplate
from .cms import find_container
from .readability_cjk import CJKDocument
from .region import find_picture_region, find_region, region_body
from .script import squash, weighted_length
from .textnodes import TEXTS, find_span
from .workcopy import Workspace

MIN_BODY = 20  # Latin-equivalent characters: less is no body (unless it holds a table or a picture)
PICTURES_CONFIDENCE = 0.6  # a body of pictures or files after the headline: no text to check it by


@dataclass
class Body:
    block: lxml_html.HtmlElement
    method: str  # "headline", "headline+readability", "cms:<selector>", "readability"
    confidence: float
    after_headline: bool  # found from the headline's position (an article's layout)
    anchor: lxml_html.HtmlElement | None = None  # where the block lies in the page (not a copy): see `where`
    page: tuple[lxml_html.HtmlElement, list | None] | None = None  # (body, its text nodes) to find it in

    def where(self) -> lxml_html.HtmlElement | None:
        """The page element spanning the block, found when first asked (only a headline's box needs it)."""
        if self.anchor is None and self.page is not None:
            self.anchor = locate(self.page[0], self.block, self.page[1])
            self.page = None
        return self.anchor


def substantial(block: lxml_html.HtmlElement | None) -> bool:
    if block is None:
        return False
    if block.find(".//table") is not None or block.find(".//img") is not None:
        return True
    return weighted_length(squash(block.text_content())) >= MIN_BODY


def _readability(work: lxml_html.HtmlElement, url: str, min_text_length: int, retry_length: int,
                 container: bool = False) -> lxml_html.HtmlElement | None:
    doc = CJKDocument(work, url=url, min_text_length=min_text_length, retry_length=retry_length)
    return doc.container() if container else doc.block()


def locate(body: lxml_html.HtmlElement, block: lxml_html.HtmlElement,
           nodes: list | None = None) -> lxml_html.HtmlElement | None:
    """The page element spanning the block's first and last long texts (the block is a copy, and may join
    several parts of the page)."""
    span = find_span(TEXTS(body) if nodes is None else nodes, block)
    if span is None:
        return None
    start, end = span
    return start if start is end else common_ancestor(start, end)


def _chain(el: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return [*reversed(list(el.iterancestors())), el]


def follows(first: lxml_html.HtmlElement, second: lxml_html.HtmlElement) -> bool:
    """`second` comes after `first` in document order (and is not inside it)."""
    a, b = _chain(first), _chain(second)
    i = 0
    while i < min(len(a), len(b)) and a[i] is b[i]:
        i += 1
    if i == len(a) or i == len(b):
        return False  # one holds the other
    parent = a[i - 1]
    return parent.index(a[i]) < parent.index(b[i])


def common_ancestor(a: lxml_html.HtmlElement, b: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    seen = set(_chain(a))
    return next(el for el in reversed(_chain(b)) if el in seen)


def workspace(tree: lxml_html.HtmlElement, body: lxml_html.HtmlElement, marked: list,
              heading: lxml_html.HtmlElement | None, named: list | None = None) -> tuple[Workspace, str]:
    """The cleaned copy of the body every candidate is cut from, knowing the copies of the CMS container, the
    headline and each of its ancestors (a headline's box is one of them); and the container's selector.
    `named`: the page's (element, tag, class, id) list, see `textnodes.BodyText.named`."""
    found = find_container(tree, named)
    wanted: dict[str, lxml_html.HtmlElement | None] = {"container": found[1] if found else None, "head": heading}
    if heading is not None:
        for k, anc in enumerate(heading.iterancestors()):
            if anc.tag == "html":
                break
            wanted[f"up{k}"] = anc
    return Workspace(body, marked, wanted), (found[0] if found else "")


def scored(ws: Workspace, selector: str, body: lxml_html.HtmlElement, url: str, min_text_length: int,
           retry_length: int, nodes: list | None = None) -> Body | None:
    """The CMS container's content, else readability's block; None when it is boilerplate or nothing."""
    container = ws.get("container")
    if selector and container is not None:
        block = _readability(container, url, min_text_length, retry_length, container=True)
        method, confidence = f"cms:{selector}", 0.7
    else:
        block = _readability(ws.root, url, min_text_length, retry_length)
        method, confidence = "readability", 0.55
    if block is None or not substantial(block) or is_boilerplate(block.text_content()):
        return None
    return Body(block, method, confidence, False, page=(body, nodes))


def from_headline(heading: lxml_html.HtmlElement, marked: list, core: Body | None, matched: bool,
                  ws: Workspace) -> Body | None:
    region = None
    anchor = core.where() if core is not None else None
    if anchor is not None:
        if anchor is heading or anchor in heading.iterancestors():
            region = anchor  # the scored block starts above the headline
        elif follows(heading, anchor):
            region = common_ancestor(heading, anchor)
        region = None if region is not None and region.tag == "html" else region
    if region is None:
        region = find_region(heading, marked)
    found = _after_headline(heading, region, core, anchor, ws) if region is not None else None
    if found is not None:
        block, method, region = found
        return Body(block, method, 0.9 if matched else 0.75, True, region)
    files = find_picture_region(heading)  # an article that is pictures or files: no box has text of its own
    found = _after_headline(heading, files, None, None, ws) if files is not None else None
    if found is None:
        return None
    block, _, region = found
    return Body(block, "headline+pictures/files", PICTURES_CONFIDENCE, True, region)


def _after_headline(heading: lxml_html.HtmlElement, region: lxml_html.HtmlElement, core: Body | None,
                    anchor: lxml_html.HtmlElement | None, ws: Workspace
                    ) -> tuple[lxml_html.HtmlElement, str, lxml_html.HtmlElement] | None:
    """What follows the headline in `region` (the working copy's), with the document parts around the scored
    block; None when that is no body."""
    depth = next((k for k, anc in enumerate(heading.iterancestors()) if anc is region), -1)
    copy, head = ws.get(f"up{depth}"), ws.get("head")
    if copy is None or head is None or not any(a is copy for a in head.iterancestors()):
        return None  # the headline or its box was page furniture
    block = region_body(copy, head)
    method = "headline"
    if core is not None and anchor is not None and outskirts.trim(block, core.block):
        method = f"headline+{core.method}"  # the scored block, with the document parts around it
    return (block, method, region) if substantial(block) else None

