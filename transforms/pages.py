"""The proxy's own pages (home, errors), rendered here so that the server never handles HTML."""

from __future__ import annotations

from .context import MODES, Context, Settings
from .render import render_template
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


def render_error(status: int, detail_zh: str, detail_en: str, ui_lang: str = "zh") -> str:
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
        settings=Settings(),
        ctx=Context(url=""),
    )


def render_home(ui_lang: str, sample_links: list[tuple[str, str]], settings: Settings | None = None) -> str:
    return render_template(
        "home.html",
        t=ui_strings(ui_lang),
        modes=MODES,
        sample_links=sample_links,
        mode="home",
        settings=settings or Settings(),
        ctx=Context(url=""),
    )
