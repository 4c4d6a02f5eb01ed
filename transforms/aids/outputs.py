"""The reading aids in the outputs for other programs: `/api/article` (JSON) and `a11y-proxy extract`
(JSON, text, HTML), when asked for (`?script=hant`, `?pinyin=1`; `--script`, `--pinyin`)."""

from __future__ import annotations

from typing import Any

from ..article import Article
from .pinyin import annotate_html, pinyin_line
from .script import convert_article


def article_json(article: Article, script: str = "hans", pinyin: bool = False) -> dict[str, Any]:
    """The Article as JSON in the asked script; with pinyin, `content_html` carries standard ruby
    (`<ruby>字<rp>(</rp><rt>zì</rt><rp>)</rp></ruby>`) and `pinyin` holds the title and text in pinyin."""
    article = convert_article(article, script)
    out = article.to_json()
    if pinyin:
        out["content_html"] = annotate_html(article.content_html, visible=True)
        out["pinyin"] = {"title": pinyin_line(article.title), "text": pinyin_line(article.text)}
    return out


def article_text(article: Article, script: str = "hans", pinyin: bool = False) -> str:
    """The title and text as plain text; with pinyin, each line is preceded by its pinyin line."""
    article = convert_article(article, script)
    text = (article.title + "\n\n" if article.title else "") + article.text
    if not pinyin:
        return text
    return "\n".join(f"{pinyin_line(line)}\n{line}" if line.strip() else line for line in text.split("\n"))


def article_html(article: Article, script: str = "hans", pinyin: bool = False) -> str:
    article = convert_article(article, script)
    return annotate_html(article.content_html, visible=True) if pinyin else article.content_html
