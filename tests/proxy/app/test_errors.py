"""Any unexpected exception in a route becomes our 500 page (bilingual, every security header) and one log
line with nothing of the client's raw bytes in it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import aiohttp
import pytest
from aiohttp import web

from proxy.app.server import create_app
from tests.conftest import test_config
from tests.support.servers import ThreadServer


async def broken(request: web.Request) -> web.Response:
    raise ValueError("a bug\nwith a second line " + request.match_info["tail"])


@pytest.fixture(scope="module")
def server(upstream: ThreadServer) -> Iterator[ThreadServer]:
    def make() -> web.Application:
        app = create_app(test_config(upstream.port))
        app.router.add_get(r"/broken/{tail:[\s\S]*}", broken)
        return app

    s = ThreadServer(make).start()
    yield s
    s.stop()


async def test_unexpected_exception_is_a_500_page_and_one_escaped_line(
        server: ThreadServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with aiohttp.ClientSession() as s, s.get(
            f"{server.url}/broken/x%0A2026-11-27 12:00:00 ERROR forged%00") as r:
        body = await r.text()
        assert r.status == 500 and "代理出现内部错误" in body and "internal error" in body
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "'nonce-" in r.headers["Content-Security-Policy"]
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert "\n" not in line and "\x00" not in line
    assert "ValueError" in line and "test_errors.py:" in line and "\\n2026-11-27" in line
    assert errors[0].exc_info is None  # the traceback goes to DEBUG, not into the error line
