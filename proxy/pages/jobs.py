"""Functions that run in the render pool's worker processes (module level, so they pickle)."""

from __future__ import annotations

from transforms.article import Article
from transforms.context import Context
from transforms.pipeline import Rendered, extract_article, render

from ..upstream.decode import decode


def render_page(body: bytes, content_type: str, ctx: Context, steps: list[str]) -> Rendered:
    return render(decode(body, content_type), ctx, steps)


def extract_page(body: bytes, content_type: str, ctx: Context, steps: list[str]) -> Article:
    return extract_article(decode(body, content_type), ctx, steps)
