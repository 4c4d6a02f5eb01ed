"""Entry point for callers: decoded HTML + context + ordered transform names -> output.

Importing this module registers every transform: it imports the stage modules (STAGES, the one place that
names them all)."""

from __future__ import annotations

from dataclasses import dataclass

from . import links, sanitize
from .article import Article
from .context import Context
from .extract import extract as extract_stage
from .links import absolutize
from .parse import parse_document
from .registry import TRANSFORMS, Page, Transform
from .render import original
from .render import render as render_stage

# The modules whose @transform registrations make up TRANSFORMS (import order does not matter).
STAGES = (extract_stage, sanitize, links, original, render_stage)


@dataclass
class Rendered:
    body: str
    media_type: str
    article: Article | None


def get(name: str) -> Transform:
    try:
        return TRANSFORMS[name]
    except KeyError:
        raise KeyError(f"unknown transform {name!r}; known: {', '.join(sorted(TRANSFORMS))}") from None


def run(names: list[str], page: Page, ctx: Context) -> Page:
    for name in names:
        page = get(name)(page, ctx)
    return page


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
