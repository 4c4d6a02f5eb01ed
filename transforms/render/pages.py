"""The proxy's own pages (home, settings, errors), rendered here so that the server never handles HTML."""

from __future__ import annotations

import re

from ..context import FONT_STEPS, MODES, THEMES, Context, Settings
from .render import mode_label, render_template
from .ui_text import ui_strings

ERRORS: dict[int, tuple[str, str]] = {
    400: ("网址无效", "Invalid address"),
    403: ("此网站不在允许范围内", "This site is not allowed"),
    404: ("页面不存在", "Page not found"),
    405: ("不支持的请求方法", "Method not allowed"),
    413: ("页面过大", "Page too large"),
    414: ("网址过长", "Address too long"),
    415: ("不支持的内容类型", "Unsupported content type"),
    429: ("请求过于频繁", "Too many requests"),
    500: ("代理内部错误", "Internal error"),
    502: ("原网站出错", "The original site failed"),
    503: ("服务繁忙", "Service busy"),
    504: ("原网站响应超时", "The original site timed out"),
}
BOOKMARKLET_MODES = ("elder", "a11y")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def render_error(status: int, detail_zh: str, detail_en: str, ui_lang: str = "zh",
                 settings: Settings | None = None, nonce: str = "") -> str:
    """`settings` (the reader's cookie) keeps their theme and size on the error page too."""
    title_zh, title_en = ERRORS.get(status, ("出错了", "Error"))
    return render_template(
        "error.html",
        status=status,
        title_zh=title_zh,
        title_en=title_en,
        detail_zh=detail_zh,
        detail_en=detail_en,
        t=ui_strings(ui_lang),
        mode="error",
        settings=settings or Settings(),
        ctx=Context(url="", nonce=nonce),
    )


def bookmarklet(origin: str, mode: str) -> str:
    """A `javascript:` bookmark that opens the current tab's page through the proxy at `origin`.
    The fragment is dropped (it would be read as ours) and the page URL is kept verbatim."""
    return (f"javascript:(function(){{location.href='{origin}/{mode}/'"
            f"+location.href.split('#')[0];}})();")


def render_home(ui_lang: str, sample_links: list[tuple[str, str]], settings: Settings | None = None, *,
                origin: str = "", default_mode: str = "elder", nonce: str = "",
                forward: dict[str, str] | None = None) -> str:
    """`origin` (scheme://host[:port] as the browser reached us) is needed by the bookmarklets; anything that
    is not a plain origin (a forged Host header) is ignored, since it ends up inside a javascript: URL.
    `forward`: the browser proxy's `pac_url` and `proxy` address, when it runs."""
    origin = origin if _ORIGIN.match(origin) else ""
    return render_template(
        "home.html",
        t=ui_strings(ui_lang),
        modes=MODES,
        default_mode=default_mode if default_mode in MODES else "elder",
        sample_links=sample_links,
        bookmarklets=[(m, bookmarklet(origin, m)) for m in BOOKMARKLET_MODES] if origin else [],
        origin=origin,
        forward=forward,
        mode="home",
        settings=settings or Settings(),
        ctx=Context(url="", nonce=nonce),
    )


def render_settings(ui_lang: str, settings: Settings, default_mode: str = "elder", back: str = "",
                    saved: bool = False, nonce: str = "", token: str = "", confirm: bool = False,
                    own_base: str = "") -> str:
    """The 设置 page: a GET form of radio groups; `back` is the local page to return to after saving;
    `own_base` where the form is answered on this origin (the forward door's path on a site)."""
    ctx = Context(url="", nonce=nonce, own_base=own_base)
    return render_template(
        "settings.html",
        t=ui_strings(ui_lang),
        modes=MODES,
        themes=THEMES,
        font_steps=FONT_STEPS,
        default_mode=default_mode if default_mode in MODES else "elder",
        back=back,
        saved=saved,
        token=token,
        confirm=confirm,
        mode="settings",
        settings=settings,
        ctx=ctx,
        mode_labels={m: ui_strings(ui_lang)[mode_label(m, ctx)] for m in MODES},
    )


def render_ca(*, permitted: list[str], sha256: str, sha1: str, expires: str, pac_url: str, proxy: str,
              settings: Settings | None = None, nonce: str = "") -> str:
    """/ca: the browser proxy's CA, its fingerprints and how to trust it on each system (Chinese, then English)."""
    return render_template("ca.html", permitted=permitted, sha256=sha256, sha1=sha1, expires=expires,
                           pac_url=pac_url, proxy=proxy, t=ui_strings("zh"), mode="ca",
                           settings=settings or Settings(), ctx=Context(url="", nonce=nonce))
