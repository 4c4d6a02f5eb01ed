"""Transforms by name, so that a mode is an ordered list of names in config.yaml.

A transform takes a Page and a Context and returns a Page. Pages are built per request, so a transform may
change the tree it is given; it must not touch anything else.

A leaf: the stage modules import it to register themselves (`@transform`); it imports no stage.
`transforms.pipeline` imports every stage, so the registry is complete wherever the pipeline is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import html as lxml_html

from .article import Article
from .context import Context


@dataclass
class Page:
    tree: lxml_html.HtmlElement  # the whole upstream document (orig mode works on it)
    article: Article | None = None
    output: str | None = None  # the final HTML or text, set by a render transform
    media_type: str = "text/html"
    base: str = ""  # the URL relative links resolve against (the final URL, or the page's <base href>)


Transform = Callable[[Page, Context], Page]
TRANSFORMS: dict[str, Transform] = {}


def transform(name: str) -> Callable[[Transform], Transform]:
    def register(fn: Transform) -> Transform:
        if name in TRANSFORMS:
            raise ValueError(f"transform {name!r} registered twice")
        TRANSFORMS[name] = fn
        return fn

    return register

