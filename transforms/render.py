"""Mode layouts: the Article rendered through jinja2 templates (autoescaped; content is already sanitised)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from lxml import html as lxml_html

from .article import Article
from .context import FONT_STEPS, Context
from .parse import serialise
from .registry import Page, transform
from .ui_text import ui_strings

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def page_vars(ctx: Context, article: Article | None) -> dict[str, object]:
    s = ctx.settings
    return {
        "ctx": ctx,
        "mode": ctx.mode,
        "settings": s,
        "font_percent": FONT_STEPS[max(0, min(s.font_step, len(FONT_STEPS) - 1))],
        "t": ui_strings(ctx.ui_lang),
        "article": article,
        "original_url": ctx.url,
    }


def render_template(name: str, **variables: object) -> str:
    return environment().get_template(name).render(**variables)


def _render_mode(page: Page, ctx: Context) -> Page:
    article = page.article or Article(url=ctx.url, extraction="fallback")
    page.output = render_template("article.html", **page_vars(ctx, article))
    page.media_type = "text/html"
    return page


for _mode in ("read", "elder", "a11y"):
    transform(f"render_{_mode}")(_render_mode)


@transform("render_text")
def render_text(page: Page, ctx: Context) -> Page:
    article = page.article or Article(url=ctx.url, extraction="fallback")
    page.output = render_template("text.html", **page_vars(ctx, article))
    return page


@transform("render_orig")
def render_orig(page: Page, ctx: Context) -> Page:
    """The cleaned original with our toolbar, stylesheet and skip link added."""
    tree = page.tree
    head = tree.find("head")
    if head is None:
        head = lxml_html.Element("head")
        tree.insert(0, head)
    body = tree.find("body")
    if body is None:
        body = lxml_html.Element("body")
        tree.append(body)
    if not tree.get("lang"):
        tree.set("lang", "zh-CN")
    injected = lxml_html.fragments_fromstring(render_template("orig_inject_head.html", **page_vars(ctx, None)))
    for el in injected:
        head.append(el)
    toolbar = lxml_html.fragments_fromstring(render_template("orig_inject_body.html", **page_vars(ctx, None)))
    for i, el in enumerate(toolbar):
        body.insert(i, el)
    page.output = "<!DOCTYPE html>\n" + serialise(tree)
    return page
