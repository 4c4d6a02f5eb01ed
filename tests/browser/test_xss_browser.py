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



def watched(browser, own: str):
    """A page whose every request is recorded: to our origin (allowed, listed), to anywhere else (aborted,
    listed as escaped); dialogs are recorded and dismissed."""
    context = browser.new_context(java_script_enabled=True)
    dialogs: list[str] = []
    escaped: list[str] = []
    ours: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if urlsplit(url).netloc == own:
            ours.append(url)
            r.continue_()
        elif url.startswith(("data:image/", "about:blank")):
            r.continue_()
        else:
            escaped.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    return context, page, dialogs, escaped, ours


@pytest.mark.parametrize("vector", VECTORS)
def test_vector_is_inert_in_the_browser(vector: str, stack: tuple[ThreadServer, str], browser) -> None:
    proxy, evil = stack
    own = urlsplit(proxy.url).netloc
    context, page, dialogs, escaped, _ = watched(browser, own)
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


def test_gluing_family_is_inert_in_orig_mode(stack: tuple[ThreadServer, str], browser) -> None:
    """The orig-mode hole and its relatives, in chromium: no script of the page's runs (its evil.js marks
    the page and alerts), nothing loads from another host, and nothing on our origin is asked for but our
    own files, /asset and the page itself (so no upstream CSS reached /settings)."""
    from tests.hostile.gluing import gluing_vectors

    proxy, evil = stack
    own = urlsplit(proxy.url).netloc
    context, page, dialogs, escaped, ours = watched(browser, own)
    count = len(gluing_vectors(evil))
    chosen = [n for n in range(count) if n % 3 == 0 or n >= count - 20]  # every shape; the CSS tricks all
    try:
        for n in chosen:
            ours.clear()
            target = f"{proxy.url}/orig/{evil}/glue/{n}"
            response = page.goto(target, wait_until="load", timeout=15000)
            assert response is not None and response.status == 200, (n, response and response.status)
            page.wait_for_timeout(50)
            assert page.evaluate("document.documentElement.dataset.pwned") is None, n
            assert dialogs == [] and escaped == [], (n, dialogs, escaped)
            stray = [u for u in ours if u != target and not urlsplit(u).path.startswith(("/static/", "/asset"))
                     and not urlsplit(u).path.startswith("/audio")]
            assert stray == [], (n, stray)
    finally:
        context.close()
