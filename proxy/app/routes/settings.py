"""The settings page (设置): GET /settings shows a plain form; submitting it (still GET, so it works without
JavaScript) sets the settings cookie the toolbar also writes, then sends the reader back to their page."""

from __future__ import annotations

from aiohttp import web

from transforms.context import MODES, Settings
from transforms.render.pages import render_settings

from .. import urlscheme
from ..middlewares import settings_of, ui_lang

MODE_COOKIE = "a11y_mode"  # the default mode the home page preselects
MAX_AGE = 365 * 24 * 3600


def safe_back(value: str) -> str:
    """Only a path on this server (no scheme, no `//host`, no backslash tricks) may be returned to."""
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value[:3] or len(value) > 8000:
        return ""
    if any(ord(c) < 32 for c in value):
        return ""
    return value


def settings_from_query(query: dict[str, str]) -> tuple[Settings, str]:
    """The submitted form as Settings and a mode, validated through the same parser as the cookie."""
    cookie = ".".join(f"{key}{query.get(name, '')}" for key, name in
                      (("f", "font"), ("t", "theme"), ("l", "spacing"), ("s", "speech"), ("r", "rate")))
    mode = query.get("mode", "elder")
    return Settings.decode(cookie), mode if mode in MODES else "elder"


async def settings_page(request: web.Request) -> web.Response:
    back = safe_back(request.query.get("back", ""))
    if "save" in request.query or "reset" in request.query:
        if "reset" in request.query:
            settings, mode = Settings(), "elder"
        else:
            settings, mode = settings_from_query(dict(request.query))
        target = back or "/settings?saved=1"
        resp = web.Response(status=303, headers={"Location": target, "Cache-Control": "no-store"})
        for name, value in ((urlscheme.SETTINGS_COOKIE, settings.encode()), (MODE_COOKIE, mode)):
            resp.set_cookie(name, value, path="/", max_age=MAX_AGE, samesite="Lax")
        return resp
    body = render_settings(ui_lang(request), settings_of(request), request.cookies.get(MODE_COOKIE, "elder"), back,
                           saved=request.query.get("saved") == "1")
    return web.Response(text=body, content_type="text/html", headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    """Register /settings on `app`."""
    app.router.add_get("/settings", settings_page)
