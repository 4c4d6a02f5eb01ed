"""The settings page (设置): GET /settings shows a plain form; submitting it (still GET, so it works without
JavaScript) sets the settings cookie the toolbar also writes, then sends the reader back to their page."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from aiohttp import web

from transforms.context import MODES, Settings
from transforms.render.pages import render_settings

from .. import urlscheme
from ..middlewares import html_headers, new_nonce, settings_of, ui_lang

MODE_COOKIE = "a11y_mode"  # the default mode the home page preselects
MAX_AGE = 365 * 24 * 3600
TOKEN_COOKIE = "a11y_form"  # the settings form's double-submit token, for browsers without Sec-Fetch-Site


def safe_back(value: str) -> str:
    """Only a path on this server (no scheme, no `//host`, no backslash tricks) may be returned to; it is
    sent back percent-encoded, so a Location header never carries a control or non-ASCII character."""
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value[:3] or len(value) > 8000:
        return ""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return ""
    return quote(value, safe="/?&=%:@!$'()*+,;~.-_[]")


def same_origin(request: web.Request) -> bool:
    """Whether a request that changes the reader's settings comes from our own pages (or the address bar),
    not from another site's link or form. Browsers say so in Sec-Fetch-Site; older ones that do not must
    bring the form's token, which only our settings page gives out (double-submit cookie)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    token, cookie = request.query.get("token", ""), request.cookies.get(TOKEN_COOKIE, "")
    return bool(token) and secrets.compare_digest(token, cookie)


def settings_from_query(query: dict[str, str]) -> tuple[Settings, str]:
    """The submitted form as Settings and a mode, validated through the same parser as the cookie."""
    mode = query.get("mode", "elder")
    return Settings.from_form(query), mode if mode in MODES else "elder"


async def settings_page(request: web.Request) -> web.Response:
    back = safe_back(request.query.get("back", ""))
    changing = "save" in request.query or "reset" in request.query
    if changing and same_origin(request):
        if "reset" in request.query:
            settings, mode = Settings(), "elder"
        else:
            settings, mode = settings_from_query(dict(request.query))
        target = back or "/settings?saved=1"
        resp = web.Response(status=303, headers={"Location": target, "Cache-Control": "no-store"})
        for name, value in ((urlscheme.SETTINGS_COOKIE, settings.encode()), (MODE_COOKIE, mode)):
            resp.set_cookie(name, value, path="/", max_age=MAX_AGE, samesite="Lax")
        return resp
    # From elsewhere, a change is only offered: the form shows it, and saving it is the reader's own click.
    settings, mode = (settings_from_query(dict(request.query)) if changing and "save" in request.query
                      else (settings_of(request), request.cookies.get(MODE_COOKIE, "elder")))
    token = request.cookies.get(TOKEN_COOKIE) or secrets.token_urlsafe(18)
    nonce = new_nonce()
    body = render_settings(ui_lang(request), settings, mode, back, saved=request.query.get("saved") == "1",
                           nonce=nonce, token=token, confirm=changing)
    resp = web.Response(text=body, content_type="text/html", headers={**html_headers(nonce), "Cache-Control": "no-store"})
    if request.cookies.get(TOKEN_COOKIE) != token:
        resp.set_cookie(TOKEN_COOKIE, token, path="/settings", httponly=True, samesite="Strict")
    return resp


def setup(app: web.Application) -> None:
    """Register /settings on `app`."""
    app.router.add_get("/settings", settings_page)
