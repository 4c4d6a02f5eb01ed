"""`orig` mode: the upstream layout, cleaned of clutter that no reader wants."""

from __future__ import annotations

from ..context import Context
from ..registry import Page, transform

CLUTTER_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' share ')"
    " or contains(@class, 'bdsharebuttonbox') or contains(@class, 'qrcode') or contains(@id, 'qrcode')"
    " or contains(@class, 'float') or contains(@id, 'float') or contains(@class, 'popup')]"
)


@transform("clean_original")
def clean_original(page: Page, ctx: Context) -> Page:
    for el in page.tree.xpath(CLUTTER_XPATH):
        if el.getparent() is not None:
            el.drop_tree()
    return page
