"""Entry point for callers: decoded HTML + context + ordered transform names -> output."""

from __future__ import annotations

from dataclasses import dataclass

from .article import Article
from .context import Context
from .links import absolutize
from .parse import parse_document
from .registry import Page, run


@dataclass
class Rendered:
    body: str
    media_type: str
    article: Article | None


def prepare(text: str, ctx: Context) -> Page:
    """Parse once and make every URL absolute against the final URL and `<base href>`."""
    limit = ctx.options.get("max_elements")
    tree = parse_document(text, max_elements=limit) if limit else parse_document(text)
    base = absolutize(tree, ctx.url)
    return Page(tree=tree, base=base)


def render(text: str, ctx: Context, steps: list[str]) -> Rendered:
    page = run(steps, prepare(text, ctx), ctx)
    if page.output is None:
        raise ValueError(f"pipeline {steps} produced no output: its last step must render")
    return Rendered(page.output, page.media_type, page.article)


def extract_article(text: str, ctx: Context, steps: list[str]) -> Article:
    page = run(steps, prepare(text, ctx), ctx)
    if page.article is None:
        raise ValueError(f"pipeline {steps} produced no article")
    return page.article
