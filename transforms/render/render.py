"""Mode layouts: the Article rendered through jinja2 templates (autoescaped; content is already sanitised).

read, elder, a11y and text share one page template (`article.html`); what differs is the CSS scale set by
the `mode-*` class, the toolbar (full in a11y and orig, reduced elsewhere) and, for text, a linearised body.
orig injects the toolbar into the cleaned upstream document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import jinja2
from lxml import html as lxml_html
from markupsafe import Markup, escape

from ..aids.pinyin import annotate_html, annotate_tree
from ..aids.script import convert_article, convert_tree, lang_tag
from ..article import Article
from ..context import FONT_STEPS, MODES, THEMES, Context
from ..parse import serialise
from ..registry import Page, transform
from .fixes import allow_zoom, name_landmarks
from .layout import prepare_content
from .ui_text import ui_strings

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = Path(__file__).resolve().parent / "assets"  # served by the proxy as /static/<name>
VIEW_MODES = ("elder", "a11y", "read", "text", "orig")  # order of the mode switch


@dataclass(frozen=True)
class Tool:
    """One toolbar control: its action name, label key, shortcut (KeyboardEvent.code) and whether it toggles."""

    action: str
    label: str
    code: str
    keys: str  # as shown to people and in aria-keyshortcuts
    toggle: bool = False


TOOLS = (
    Tool("sound", "tb_sound", "KeyV", "Alt+V", True),
    Tool("rate", "tb_rate", "KeyS", "Alt+S"),
    Tool("point", "tb_point", "KeyP", "Alt+P", True),
    Tool("read", "tb_read", "KeyX", "Alt+X", True),
    Tool("bigger", "tb_bigger", "ArrowUp", "Alt+ArrowUp"),
    Tool("smaller", "tb_smaller", "ArrowDown", "Alt+ArrowDown"),
    Tool("theme", "tb_theme", "Backquote", "Alt+`"),
    Tool("cursor", "tb_cursor", "KeyM", "Alt+M", True),
    Tool("cross", "tb_cross", "KeyC", "Alt+C", True),
    Tool("caption", "tb_caption", "KeyB", "Alt+B", True),
    Tool("textonly", "tb_textonly", "KeyT", "Alt+T", True),
    Tool("pinyin", "tb_pinyin", "KeyY", "Alt+Y", True),
    Tool("script", "tb_script", "KeyJ", "Alt+J", True),
    Tool("reset", "tb_reset", "KeyR", "Alt+R"),
    Tool("help", "tb_help", "Slash", "Alt+/"),
)
REDUCED = ("read", "bigger", "smaller", "theme", "pinyin", "script", "help")  # 长辈版, reader view, text
FULL_TOOLBAR_MODES = ("a11y", "orig")
AIDS = ("pinyin", "script")  # the reading aids (transforms.aids): the server converts the page for them
# On a narrow screen (or a large font step) the bar keeps these in one row; the rest go into the 更多 menu.
PRIMARY = ("read", "bigger", "smaller", "theme")
# region jumps: shortcuts without a button, listed in the help dialog
JUMPS = (("nav", "key_nav", "Digit1", "Alt+1"), ("main", "key_main", "Digit2", "Alt+2"))
READER_STRINGS = ("on", "off", "font_size", "reset_done", "reading_start", "reading_stop", "reading_end",
                  "no_voice", "nav_missing", "image", "play", "pause", "minutes_seconds", "seconds_only", "of_total",
                  "about", "resume_at", "player_failed", "player_done", "progress")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def toolbar_vars(ctx: Context, aids: bool = True) -> dict[str, object]:
    """What the toolbar partial needs: its controls, the shortcut list and the strings the script speaks.
    `aids` False: no 拼音/繁體 buttons (they are made by the server, on pages it renders: not on the live page
    the forward door overlays, which stays as the site sent it)."""
    t = ui_strings(ctx.ui_lang, ctx.settings.script)
    full = ctx.mode in FULL_TOOLBAR_MODES
    offered = TOOLS if aids else tuple(tool for tool in TOOLS if tool.action not in AIDS)
    tools = [tool for tool in offered if full or tool.action in REDUCED]
    script_strings = {k: t[k] for k in READER_STRINGS}
    script_strings.update({f"theme_{name}": t[f"theme_{name}"] for name in THEMES})
    script_strings.update({f"rate_{i}": t[f"rate_{i}"] for i in range(5)})
    script_strings.update({tool.label: t[tool.label] for tool in TOOLS})
    return {
        "tools": tools,
        "primary": PRIMARY,
        "all_tools": offered,
        "jumps": JUMPS,
        "toolbar_full": full,
        "script_strings": script_strings,
        "themes": THEMES,
        "font_steps": FONT_STEPS,
        "settings_href": ctx.own_base + ("/settings?back=" + quote(ctx.proxy_url(ctx.url, ctx.mode), safe="")
                                         if ctx.url else "/settings"),
    }


def page_vars(ctx: Context, article: Article | None) -> dict[str, object]:
    s = ctx.settings
    t = ui_strings(ctx.ui_lang, s.script)
    variables: dict[str, object] = {
        "ctx": ctx,
        "mode": ctx.mode,
        "settings": s,
        "font_percent": FONT_STEPS[max(0, min(s.font_step, len(FONT_STEPS) - 1))],
        "t": t,
        "article": article,
        "original_url": ctx.original_url or ctx.url,
        "audio_src": _audio_src(ctx.audio_url),
        "captions_src": _own_route(ctx, "/audio/captions") + ("" if s.script == "hans" else f"&script={s.script}")
        if ctx.audio_url else "",
        "toolbar": True,
        "py": ruby_filter(s.pinyin),
        "mode_links": mode_links(ctx, t) if ctx.url else [],
    }
    variables.update(toolbar_vars(ctx))
    if article is not None:
        variables["site_name"] = article.site or urlsplit(article.url or ctx.url).hostname or t["title_home"]
        variables["orig_url"] = ctx.proxy_url(ctx.url, "orig") if ctx.url and "orig" in MODES else ctx.url
        content, toc = prepare_content(article.content_html, text_length=len(article.text),
                                       table_label=t["table"], image_word=t["image"], chart_word=t["chart"],
                                       text_mode=ctx.mode == "text", pinyin=s.pinyin)
        variables["content"] = content
        variables["toc"] = toc
        # 订阅音频: a column (a list page) as the live podcast feed of its articles, where audio is offered
        listed = article.page_type == "list" and bool(article.entries)
        variables["feed_src"] = _own_route(ctx, "/feed") if listed and ctx.audio_available and ctx.url else ""
    return variables


def mode_links(ctx: Context, t: dict[str, str], order: tuple[str, ...] = VIEW_MODES) -> list[tuple[str, str, str, bool]]:
    """(mode, label, href, current) for the mode switch, in `order`."""
    return [(m, t[mode_label(m, ctx)], ctx.proxy_url(ctx.url, m), m == ctx.mode) for m in order if m in MODES]


def mode_label(mode: str, ctx: Context) -> str:
    """The label key of a mode. On the site's own origin (the forward door) `orig` is the live page itself."""
    return "mode_overlay" if mode == "orig" and ctx.own_base else f"mode_{mode}"


def ruby_filter(on: bool) -> Callable[[str], object]:
    """`{{ py(text) }}`: the text with ruby pinyin when the reader asked for it, else as it is (escaped)."""
    if not on:
        return lambda text: text
    return lambda text: Markup(annotate_html(str(escape(text or ""))))


def _audio_src(audio_url: str) -> str:
    if not audio_url:
        return ""
    return audio_url if "format=" in audio_url else audio_url + ("&" if "?" in audio_url else "?") + "format=mp3"


def _own_route(ctx: Context, path: str) -> str:
    """One of our own routes about this page (`path?url=<page>`), where the page finds our routes (own_base)."""
    return f"{ctx.own_base}{path}?url={quote(ctx.url, safe='')}"


def render_template(name: str, **variables: object) -> str:
    return environment().get_template(name).render(**variables)


def _render_mode(page: Page, ctx: Context) -> Page:
    article = convert_article(page.article or Article(url=ctx.url, extraction="fallback"), ctx.settings.script)
    page.output = render_template("article.html", **page_vars(ctx, article))
    page.media_type = "text/html"
    return page


for _mode in ("read", "elder", "a11y", "text"):
    transform(f"render_{_mode}")(_render_mode)


@transform("render_orig")
def render_orig(page: Page, ctx: Context) -> Page:
    """The cleaned original with our stylesheet, toolbar and skip link added, and its content inside a
    `main` landmark (the skip link's target) when the page has none."""
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
    s = ctx.settings
    classes = f"mode-orig theme-{s.theme} font-{s.font_step} spacing-{s.line_spacing}"
    tree.set("class", f"{tree.get('class', '')} {classes}".strip())
    tree.set("data-mode", "orig")
    main = _ensure_main(body)
    main_id = main.get("id", "")
    _ensure_h1(tree, body, main)
    for img in body.iter("img"):
        if img.get("alt") is None:
            img.set("alt", "")
    allow_zoom(tree)
    t = ui_strings(ctx.ui_lang, s.script)
    name_landmarks(body, {"nav": t["landmark_nav"], "aside": t["landmark_aside"], "search": t["landmark_search"]})
    _reading_aids(tree, body, s.script, s.pinyin)
    variables = page_vars(ctx, None) | {"main_id": main_id}
    for el in lxml_html.fragments_fromstring(render_template("orig_inject_head.html", **variables)):
        head.append(el)
    for i, el in enumerate(lxml_html.fragments_fromstring(render_template("orig_inject_body.html", **variables))):
        body.insert(i, el)
    page.output = "<!DOCTYPE html>\n" + serialise(tree)
    return page


def _reading_aids(tree: lxml_html.HtmlElement, body: lxml_html.HtmlElement, script: str, pinyin: bool) -> None:
    """繁體 and 拼音 over the original page's own text (before our toolbar goes in: it has its own strings)."""
    if pinyin:
        annotate_tree(body)  # readings are looked up in the text as written, before any conversion
    convert_tree(tree, script)
    tree.set("lang", lang_tag(tree.get("lang", "zh-CN"), script))


def _ensure_h1(tree: lxml_html.HtmlElement, body: lxml_html.HtmlElement, main: lxml_html.HtmlElement) -> None:
    """A page without an h1 gets one (visually hidden) from its title, so headings navigation has a top."""
    if body.xpath(".//h1"):
        return
    title = tree.findtext(".//title") or ""
    meta = tree.xpath("string(//meta[@name='ArticleTitle']/@content)")
    text = (meta or title).strip()
    if not text:
        return
    h1 = lxml_html.Element("h1", {"class": "visually-hidden"})
    h1.text = text
    main.insert(0, h1)
    h1.tail, main.text = main.text, None


def _ensure_main(body: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The page's main landmark, with an id for the skip link; made if missing (the whole original body goes
    inside it). Handed on as the element: the upstream id may hold any character, so it is never looked up."""
    found = body.xpath(".//main | .//*[@role='main']")
    if found:
        main = found[0]
        if not main.get("id"):
            main.set("id", "a11y-main")
        return main
    main = lxml_html.Element("main", {"id": "a11y-main", "tabindex": "-1"})
    main.text, body.text = body.text, None
    for child in list(body):
        main.append(child)
    body.append(main)
    return main
