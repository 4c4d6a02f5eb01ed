"""Requests aiohttp cannot parse (a garbage request line, a header too long, a bad method) never reach the
app's middlewares: aiohttp answers them itself, logs each with a traceback at ERROR and sends none of our
headers. Here they are answered like any other error of ours (a short bilingual text, every security header,
the connection closed) and logged at INFO, one escaped line each, at most `LINES_PER_MINUTE` lines a minute;
the rest are counted in the next line that is written.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from .access_log import one_line

log = logging.getLogger("a11y_proxy.malformed")
LINES_PER_MINUTE = 30
MESSAGES = {400: "请求格式不正确。 / The request is malformed.",
            413: "请求过大。 / The request is too large.",
            431: "请求头过大。 / The request headers are too large.",
            500: "代理出现内部错误，请稍后再试。 / The proxy hit an internal error; please try again."}


class MalformedLog:
    """At most `per_minute` lines a minute; what was held back is counted in the next line."""

    def __init__(self, per_minute: int = LINES_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self.window = 0.0
        self.written = 0
        self.held_back = 0

    def note(self, status: int, exc: BaseException | None, remote: str | None) -> None:
        now = time.monotonic()
        if now - self.window >= 60:
            self.window, self.written = now, 0
        if self.written >= self.per_minute:
            self.held_back += 1
            return
        self.written += 1
        more, self.held_back = self.held_back, 0
        reason = one_line(str(exc) if exc is not None else "", 160)
        log.info("malformed request from %s: %d %s: %s%s", one_line(remote or "?", 64), status,
                 type(exc).__name__ if exc is not None else "-", reason,
                 f" (and {more} more not logged)" if more else "")


class _Handler(RequestHandler):
    """aiohttp's per-connection handler, with our answer to what it cannot parse."""

    headers: dict[str, str] = {}
    notes = MalformedLog()

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        self.notes.note(status, exc, request.remote)
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send another response with the error message")
        resp = web.Response(status=status, text=MESSAGES.get(status, MESSAGES[400]) + "\n",
                            content_type="text/plain", charset="utf-8", headers=self.headers)
        resp.force_close()
        return resp


def answer_malformed_requests(app: web.Application, headers: dict[str, str]) -> None:
    """Make every server built for `app` (run_app, gunicorn's worker, tests' runners) use our handler."""
    handler_class = type("MalformedAwareHandler", (_Handler,), {"headers": dict(headers), "notes": MalformedLog()})

    class Server(web.Server):
        def __call__(self) -> RequestHandler:
            return handler_class(self, loop=self._loop, **self._kwargs)

    make_handler = app._make_handler

    def _make_handler(**kwargs: Any) -> web.Server:
        server = make_handler(**kwargs)
        server.__class__ = Server
        return server

    app._make_handler = _make_handler  # type: ignore[method-assign]
