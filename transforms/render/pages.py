"""The proxy's own pages (home, settings, errors), rendered here so that the server never handles HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import astuple, dataclass
from urllib.parse import urlsplit

from ..aids.script import convert, converter
from ..context import FONT_STEPS, MODES, SCRIPTS, THEMES, Context, Settings
from .render import mode_label, page_vars, render_template
from .ui_text import ui_strings


@dataclass(frozen=True)
class ErrorKind:
    """What an error page says: what happened and what to do, in Chinese and in English; `retry` when trying
    again later may help."""

    headline_zh: str
    advice_zh: str
    headline_en: str
    advice_en: str
    retry: bool = False


_LATER = "过几分钟再点“重新试一次”，或者直接打开原网页。"
_LATER_EN = "Try again in a few minutes, or open the original page directly."
ERROR_KINDS: dict[str, ErrorKind] = {
    "upstream_missing": ErrorKind(
        "原网站上找不到这个网页", "这个网页可能已经删除，或者换了地址。可以去原网站首页重新找一找。",
        "The original site has no such page", "It may have been removed or moved. Try the site's home page."),
    "upstream_denied": ErrorKind(
        "原网站不让打开这个网页", "这个网页可能要先登录，或者只对部分人开放。可以试试直接打开原网页。",
        "The original site will not show this page",
        "It may need a login, or be open to some people only. Try opening the original page directly."),
    "upstream_error": ErrorKind(
        "这个网站暂时打不开（对方服务器出错），请稍后再试", "问题出在原网站那边，不是您操作有误。" + _LATER,
        "The site cannot be opened right now (its server failed); please try again later",
        "The problem is on the site's side, not yours. " + _LATER_EN, retry=True),
    "timeout": ErrorKind(
        "这个网站暂时打不开（对方服务器没有响应），请稍后再试", "原网站可能太忙，或者暂时出了故障。" + _LATER,
        "The site cannot be opened right now (its server does not answer); please try again later",
        "The site may be busy or down for a while. " + _LATER_EN, retry=True),
    "unreachable": ErrorKind(
        "这个网站暂时打不开（连接不上对方服务器），请稍后再试", "请先看看网址有没有写错；如果没错，" + _LATER,
        "The site cannot be opened right now (it cannot be reached); please try again later",
        "Check that the address is right; if it is, try again in a few minutes.", retry=True),
    "not_allowed": ErrorKind(
        "本服务不能打开这个网站", "为了安全，本服务只打开允许范围内的网站（一般是政府网站）。您可以在浏览器里直接打开它。",
        "This service does not open that site",
        "For safety it opens only the sites it is set up for (usually government sites). Open it in your "
        "browser directly."),
    "bad_url": ErrorKind(
        "网址有误，请检查后重新输入", "请回到首页，把网页地址完整地粘贴进去，例如 https://www.gov.cn/ 。",
        "The address is not right; please check it", "Go back to the home page and paste the whole address, "
        "for example https://www.gov.cn/."),
    "too_large": ErrorKind(
        "这个网页太大，本服务处理不了", "请直接打开原网页阅读。",
        "This page is too large for the service", "Please read the original page directly."),
    "unsupported": ErrorKind(
        "这种文件不能通过本服务打开", "请直接打开原网页，或者把文件下载下来再看。",
        "This kind of file cannot be opened through the service",
        "Open the original page directly, or download the file."),
    "rate_limited": ErrorKind(
        "您打开网页的速度太快了，请稍等一会儿再试", "请等一分钟左右，再点“重新试一次”。",
        "Too many pages in a short time; please wait a moment", "Wait about a minute, then try again.",
        retry=True),
    "busy": ErrorKind(
        "本服务现在太忙，请稍等一会儿再试", "请过一两分钟再点“重新试一次”，或者直接打开原网页。",
        "The service is busy; please wait a moment", "Try again in a minute or two, or open the original page.",
        retry=True),
    "not_found": ErrorKind(
        "本服务没有这个页面", "请回到首页重新开始。", "There is no such page here",
        "Please start again from the home page."),
    "internal": ErrorKind(
        "本服务出了点问题，请稍后再试", "这不是您操作有误。请过一会儿再试。",
        "Something went wrong in the service; please try again later", "It was not your fault. Please try "
        "again in a little while.", retry=True),
    "other": ErrorKind(
        "出了点问题，这个网页暂时打不开", "请稍后再试，或者直接打开原网页。",
        "Something went wrong; the page cannot be opened now", "Try again later, or open the original page.",
        retry=True),
}
_BY_STATUS = {400: "bad_url", 403: "not_allowed", 404: "not_found", 405: "not_found", 413: "too_large",
              414: "bad_url", 415: "unsupported", 429: "rate_limited", 500: "internal", 502: "unreachable",
              503: "busy", 504: "timeout"}
BOOKMARKLET_MODES = ("elder", "a11y")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def error_kind(status: int, upstream_status: int | None = None) -> str:
    """Which page to show: by what the original site answered when it answered, else by our status."""
    if upstream_status is not None:
        if upstream_status in (404, 410):
            return "upstream_missing"
        if upstream_status in (401, 403, 407, 451):
            return "upstream_denied"
        return "upstream_error"
    return _BY_STATUS.get(status, "other")


@dataclass(frozen=True)
class ErrorPlace:
    """Where the error happened, when a page of a site was asked for: its address, the reader's mode, and
    whether the site is one we open (only then does the page link to it and to its home page through us)."""

    url: str = ""
    mode: str = ""
    allowed: bool = False
    retry_href: str = ""  # the request's own path, to try again


def render_error(status: int, detail_zh: str, detail_en: str, ui_lang: str = "zh",
                 settings: Settings | None = None, nonce: str = "", *, upstream_status: int | None = None,
                 place: ErrorPlace = ErrorPlace(), proxy_url: Callable[[str, str], str] | None = None,
                 own_base: str = "", toolbar: bool = True) -> str:
    """A kind error page with the toolbar, in the reader's theme, size and script (`settings`, their cookie).
    `own_base`: where our files and pages are as seen from the page (Context.own_base; the forward door's refusal
    names this server's own address); `toolbar` False where none of our scripts may run (a site we refuse)."""
    settings = settings or Settings()
    kind = ERROR_KINDS[error_kind(status, upstream_status)]
    script = settings.script
    if converter(script) is not None:
        kind = ErrorKind(*(convert(v, script) if isinstance(v, str) else v for v in astuple(kind)))
        detail_zh = convert(detail_zh, script)
    # orig mode's styles are for a site's own page: our error page takes the 无障碍 layout there
    mode = {"orig": "a11y"}.get(place.mode, place.mode) if place.mode in MODES else "error"
    web_url = place.url if place.url.lower().startswith(("http://", "https://")) else ""
    linkable = bool(web_url) and place.allowed
    site_home = ""
    if linkable and upstream_status in (404, 410) and proxy_url is not None:
        parts = urlsplit(web_url)
        site_home = proxy_url(f"{parts.scheme}://{parts.netloc}/", mode if mode in MODES else "elder")
    ctx = Context(url=web_url if linkable else "", mode=mode, settings=settings, ui_lang=ui_lang,
                  audio_available=False, nonce=nonce, proxy_url=proxy_url or (lambda u, m: u), own_base=own_base)
    variables = page_vars(ctx, None)
    variables.update(
        toolbar=toolbar,
        status=status, upstream_status=upstream_status, e=kind, detail_zh=detail_zh, detail_en=detail_en,
        original_url=web_url if linkable else "", site_home_href=site_home,
        retry_href=place.retry_href if kind.retry and place.retry_href.startswith("/") else "",
        shown_url=place.url[:300], mode=mode,
        mode_links=variables["mode_links"] if linkable and place.mode in MODES else [],
    )
    return render_template("error.html", **variables)


def bookmarklet(origin: str, mode: str) -> str:
    """A `javascript:` bookmark that opens the current tab's page through the proxy at `origin`.
    The fragment is dropped (it would be read as ours) and the page URL is kept verbatim."""
    return (f"javascript:(function(){{location.href='{origin}/{mode}/'"
            f"+location.href.split('#')[0];}})();")


def render_home(ui_lang: str, sample_links: list[tuple[str, str]], settings: Settings | None = None, *,
                origin: str = "", default_mode: str = "elder", nonce: str = "", feed_example: str = "",
                forward: dict[str, str] | None = None) -> str:
    """`origin` (scheme://host[:port] as the browser reached us) is needed by the bookmarklets; anything that
    is not a plain origin (a forged Host header) is ignored, since it ends up inside a javascript: URL.
    `feed_example`: the live feed of the sample column (订阅音频), when the sample site is on;
    `forward`: the browser proxy's `pac_url` and `proxy` address, when it runs."""
    origin = origin if _ORIGIN.match(origin) else ""
    settings = settings or Settings()
    return render_template(
        "home.html",
        t=ui_strings(ui_lang, settings.script),
        modes=MODES,
        default_mode=default_mode if default_mode in MODES else "elder",
        sample_links=sample_links,
        bookmarklets=[(m, bookmarklet(origin, m)) for m in BOOKMARKLET_MODES] if origin else [],
        origin=origin,
        feed_example=feed_example,
        forward=forward,
        mode="home",
        settings=settings,
        ctx=Context(url="", nonce=nonce),
    )


def render_settings(ui_lang: str, settings: Settings, default_mode: str = "elder", back: str = "",
                    saved: bool = False, nonce: str = "", token: str = "", confirm: bool = False,
                    own_base: str = "") -> str:
    """The 设置 page: a GET form of radio groups; `back` is the local page to return to after saving;
    `own_base` where the form is answered on this origin (the forward door's path on a site)."""
    ctx = Context(url="", nonce=nonce, own_base=own_base)
    t = ui_strings(ui_lang, settings.script)
    return render_template(
        "settings.html",
        t=t,
        modes=MODES,
        themes=THEMES,
        scripts=SCRIPTS,
        font_steps=FONT_STEPS,
        default_mode=default_mode if default_mode in MODES else "elder",
        back=back,
        saved=saved,
        token=token,
        confirm=confirm,
        mode="settings",
        settings=settings,
        ctx=ctx,
        mode_labels={m: t[mode_label(m, ctx)] for m in MODES},
    )


def render_ca(*, permitted: list[str], sha256: str, sha1: str, expires: str, pac_url: str, proxy: str,
              settings: Settings | None = None, nonce: str = "") -> str:
    """/ca: the browser proxy's CA, its fingerprints and how to trust it on each system (Chinese, then English)."""
    settings = settings or Settings()
    return render_template("ca.html", permitted=permitted, sha256=sha256, sha1=sha1, expires=expires,
                           pac_url=pac_url, proxy=proxy, mode="ca", settings=settings,
                           t=ui_strings("zh", settings.script), ctx=Context(url="", nonce=nonce))
