"""The next page of a list page (栏目页): the link a government CMS labels 下一页, for following a column's
paging (`a11y-proxy podcast`, the live feed). Pure: markup in, an absolute URL or None out."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

from lxml import html as lxml_html

NEXT_TEXTS = {"下一页", "下页", "后一页", "下一頁", "next", "next page", "›", "»", ">", ">>"}
NEXT_CLASS = re.compile(r"(?:^|[\s_-])next(?:$|[\s_-])", re.I)


def next_page(markup: str, url: str) -> str | None:
    """The URL of the page after this one, or None (no such link, or it points back to this page)."""
    try:
        tree = lxml_html.document_fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    here = urldefrag(url)[0]
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "next" and link.get("href"):
            return _target(link.get("href", ""), url, here)
    for a in tree.iter("a"):
        text = " ".join(a.text_content().split()).lower()
        label = (a.get("title") or "").strip().lower()
        if text in NEXT_TEXTS or label in NEXT_TEXTS or (a.get("rel") or "").lower() == "next" or \
                (text in {"", ">", "›"} and NEXT_CLASS.search(a.get("class") or "")):
            target = _target(a.get("href", ""), url, here)
            if target:
                return target
    return None


def _target(href: str, base: str, here: str) -> str | None:
    href = href.strip()
    if not href or href.lower().startswith(("javascript:", "#", "mailto:")):
        return None
    target = urldefrag(urljoin(base, href))[0]
    return target if target != here and target.startswith(("http://", "https://")) else None
