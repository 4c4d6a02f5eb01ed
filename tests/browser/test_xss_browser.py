"""Each XSS vector page, loaded through the proxy in chromium in every mode: no dialog opens and no request
leaves for a host other than the proxy (requests elsewhere are recorded and aborted, never sent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.hostile.cases import make_server
from tests.hostile.conftest import hostile_config, start_proxy
from tests.support.servers import ThreadServer

VECTORS = sorted(p.stem for p in (Path(__file__).parent.parent / "data" / "xss").glob("*.test"))
MODES = ("read", "elder", "a11y", "text", "orig")

pytestmark = pytest.mark.browser  # the `browser` fixture (tests/browser/conftest.py) skips without chromium


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[ThreadServer, str]]:
    hostile = make_server().start()
    proxy = start_proxy(hostile_config(hostile.port))
    yield proxy, f"http://evil.test.gov.cn:{hostile.port}"
    proxy.stop()
    hostile.stop()



@pytest.mark.parametrize("vector", VECTORS)
def test_vector_is_inert_in_the_browser(vector: str, stack: tuple[ThreadServer, str], browser) -> None:
    proxy, evil = stack
    own = urlsplit(proxy.url).netloc
    context = browser.new_context(java_script_enabled=True)
    dialogs: list[str] = []
    escaped: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if urlsplit(url).netloc == own or url.startswith(("data:image/", "about:blank")):
            r.continue_()
        else:
            escaped.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    try:
        for mode in MODES:
            response = page.goto(f"{proxy.url}/{mode}/{evil}/xss/{vector}", wait_until="load", timeout=15000)
            assert response is not None and response.status == 200, (mode, response and response.status)
            for _ in range(6):
                page.keyboard.press("Tab")  # focus handlers, autofocus tricks
            page.mouse.move(200, 200)
            page.wait_for_timeout(150)
            assert urlsplit(page.url).netloc == own, (mode, page.url)
            assert dialogs == [], (mode, dialogs)
            assert escaped == [], (mode, escaped)
    finally:
        context.close()
