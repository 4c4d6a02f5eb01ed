"""The forward door in a real browser: Chromium with its proxy set to the forward port, the fake
www.example.gov.cn over HTTPS (trustme certificate) behind it.

The browser trusts our CA through --ignore-certificate-errors-spki-list on the CA's key hash, not by turning
verification off: the flag matches only keys in certificates the server sends, and it matches here because
mitmproxy signs every leaf with the CA's own key pair (leaf key = CA key). The flag also skips the Name
Constraints check, so `test_chromium_enforces_the_name_constraint` trusts the CA the real way (an NSS database,
no flag) to show a certificate our CA made for another name is refused.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARGS, CHROMIUM, axe_violations, describe, min_ratios
from tests.support.forward_env import INTERNAL, OTHER_SITE, ForwardEnv
from tests.support.gov_site import HOME, SITE_NONCE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def proxied(forward_env: ForwardEnv) -> Iterator[Any]:
    """One Chromium whose proxy is the forward door (Playwright proxies loopback too unless told: our prefix door
    on 127.0.0.1 stays direct)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        proxy={"server": f"http://127.0.0.1:{forward_env.forward_port}", "bypass": "127.0.0.1"},
        args=[*ARGS, f"--ignore-certificate-errors-spki-list={forward_env.ca.spki_sha256}"])
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def page(proxied: Any, forward_env: ForwardEnv) -> Iterator[Any]:
    context = proxied.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20000)
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))  # type: ignore[attr-defined]
    # the reader's prefs are kept per client address (the whole session is one client): start from the defaults
    page.goto(forward_env.url("/.well-known/a11y-proxy/settings?reset=1"))
    yield page
    context.close()


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """page.wait_for_function evaluates its predicate with eval, which a site's CSP forbids; poll instead."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def classes(page: Any) -> set[str]:
    return set((page.get_attribute("html", "class") or "").split())


def tool(page: Any, action: str) -> Any:
    return page.locator(f"#a11y-tb button[data-action='{action}']")


def failing_goto(page: Any, url: str) -> str:
    """Navigate a throw-away page (Chromium commits chrome-error:// into it) and return the error, or the page's
    text with its 技术信息 open (the kind error page keeps the reason there)."""
    spare = page.context.new_page()
    try:
        response = spare.goto(url, timeout=15000)
        spare.eval_on_selector_all("details", "all => all.forEach(d => { d.open = true; })")
        return f"loaded {response.status if response else '?'}: {spare.inner_text('body')[:600]}"
    except Exception as e:  # playwright's Error: the network error is its first line
        return str(e).splitlines()[0]
    finally:
        spare.close()


def test_the_real_page_arrives_with_a_working_toolbar_and_its_own_scripts(page: Any, forward_env: ForwardEnv) -> None:
    page.goto(forward_env.url("/"))
    assert page.inner_text("#site-js") == "本站脚本已运行"  # the site's external script, under its nonce
    assert page.evaluate("window.siteInline") == "ran"  # and its inline one
    assert page.locator("#a11y-tb").is_visible() and page.locator("#a11y-modes").is_visible()
    start = page.evaluate("getComputedStyle(document.body).zoom")
    tool(page, "bigger").click()
    assert "font-1" in classes(page) and page.evaluate("getComputedStyle(document.body).zoom") != start
    tool(page, "theme").click()
    assert "theme-dark" in classes(page)
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).backgroundColor") == "rgb(0, 0, 0)"
    wait_until(page, "document.getElementById('a11y-live').textContent.includes('黑底白字')")
    cookie = next(c for c in page.context.cookies() if c["name"] == "a11y_settings")
    assert cookie["domain"] == "www.example.gov.cn" and cookie["value"].startswith("f1.tdark")
    # the site's stylesheet (floats, fixed sizes on every button and li) does not reach our controls
    box = tool(page, "bigger").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_the_safe_fixes_are_made(page: Any, forward_env: ForwardEnv) -> None:
    page.goto(forward_env.url("/"))
    wait_until(page, "document.querySelector('figure img').alt !== ''")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.get_attribute("meta[name=viewport]", "content") == "width=device-width, initial-scale=1"
    assert page.get_attribute("figure img", "alt") == "图为省政府大楼"
    labels = page.eval_on_selector_all("nav", "ns => ns.map(n => n.getAttribute('aria-label'))")
    assert len(labels) == 3 and len(set(labels)) == 3 and all(labels), labels  # the site's two, and our mode switch


def test_a_search_form_post_reaches_the_site_intact(page: Any, forward_env: ForwardEnv) -> None:
    page.goto(forward_env.url("/"))
    page.fill("#q", "社保 查询 &=+%")
    with page.expect_navigation():
        page.click("#go")
    assert page.inner_text("h1") == "搜索结果" and page.locator("#a11y-tb").count() == 1
    posted = forward_env.state["posts"][-1]
    assert posted["body"] == b"q=%E7%A4%BE%E4%BF%9D+%E6%9F%A5%E8%AF%A2+%26%3D%2B%25&page=1"
    assert posted["content_type"] == "application/x-www-form-urlencoded"


def test_switching_to_elder_keeps_the_address(page: Any, forward_env: ForwardEnv) -> None:
    url = forward_env.url("/article.html")
    page.goto(url)
    assert page.title().startswith("SCRIPT RAN")  # the live page, its script running
    with page.expect_navigation():
        page.click("#a11y-modes a:text('长辈版')")
    page.wait_for_url(url)
    assert page.url == url and "mode-elder" in classes(page)
    assert page.inner_text("h1") == "关于做好冬季供暖工作的通知"
    assert not page.title().startswith("SCRIPT RAN")  # the site's script does not run in 长辈版
    tool(page, "bigger").click()
    assert "font-1" in classes(page)
    with page.expect_navigation():
        page.click("nav.mode-switch a:text('原网页（带工具栏）')")
    page.wait_for_url(url)
    assert page.title().startswith("SCRIPT RAN") and "font-1" in classes(page)


def test_the_reading_aids_follow_the_reader_and_the_one_row_toolbar_works_on_the_site(page: Any,
                                                                                       forward_env: ForwardEnv) -> None:
    """繁體 and 拼音 saved on a site: the live page keeps its text, with our toolbar in 繁體 and no aid buttons (a
    shortcut for one does nothing there); 长辈版 at the same address shows them. On a phone the toolbar is one
    row and its 更多 menu is a box of its own over the site's page."""
    page.set_viewport_size({"width": 390, "height": 844})
    url = forward_env.url("/article.html")
    page.goto(forward_env.url("/.well-known/a11y-proxy/settings?save=1&mode=orig&script=hant-tw&pinyin=1"))
    page.goto(url)
    assert page.title().startswith("SCRIPT RAN") and page.inner_text("#zoom h1") == "关于做好冬季供暖工作的通知"
    assert tool(page, "read").inner_text() == "連讀" and tool(page, "pinyin").count() == 0
    assert not tool(page, "cursor").is_visible()  # narrow: in the 更多 menu
    page.keyboard.press("Alt+KeyY")
    page.wait_for_timeout(300)
    assert page.title().startswith("SCRIPT RAN")  # not reloaded
    assert ".chant-tw.p1" in next(c for c in page.context.cookies() if c["name"] == "a11y_settings")["value"]
    page.click("#a11y-more")
    menu = page.locator("#a11y-menu")
    assert menu.is_visible() and page.locator("#a11y-menu [data-menu-action='cursor']").is_visible()
    assert page.evaluate("getComputedStyle(document.getElementById('a11y-menu')).backgroundColor") == "rgb(255, 255, 255)"
    box, item = menu.bounding_box(), page.locator("#a11y-menu [data-menu-action='cursor']").bounding_box()
    assert item["width"] >= box["width"] * 0.8  # the site's pins do not shrink our items
    with page.expect_navigation():
        page.click("#a11y-menu a:text('長輩版')")
    page.wait_for_url(url)
    assert "mode-elder" in classes(page) and page.get_attribute("html", "lang") == "zh-Hant-TW"
    assert page.locator("h1 rt[data-py]").count() > 0 and tool(page, "script").get_attribute("aria-pressed") == "true"


def test_the_player_on_a_site_speaks_through_our_path(page: Any, forward_env: ForwardEnv) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{forward_env.proxy.url}/healthz", timeout=10) as r:
        if not json.loads(r.read())["audio"].get("available"):
            pytest.skip("no speech on this machine")
    url = forward_env.url("/article.html", tls=False)  # a site this server's own routes can reach in the test
    page.goto(forward_env.url("/?a11y-mode=elder", tls=False))
    page.goto(url)
    with page.expect_response(lambda r: "/audio/segment?" in r.url, timeout=30000) as answer:
        page.click("[data-player='play']")
    assert answer.value.url.startswith(forward_env.url("/.well-known/a11y-proxy/audio/segment?", tls=False))
    assert answer.value.status in (200, 206)  # the media element asks for a range
    assert forward_env.hits("/audio/segment") == 0 and forward_env.hits("/audio/sentences") == 0


def test_settings_and_mode_follow_the_reader_to_another_site(page: Any, forward_env: ForwardEnv) -> None:
    page.goto(forward_env.url("/"))
    tool(page, "bigger").click()
    tool(page, "bigger").click()
    tool(page, "theme").click()
    assert {"font-2", "theme-dark"} <= classes(page)
    page.wait_for_timeout(300)  # overlay.js tells the proxy (a same-origin request) right after the click
    other = page.goto(forward_env.url("/", host=OTHER_SITE))
    assert 'class="mode-orig theme-dark font-2 spacing-0"' in other.text()  # the first paint, from the server
    assert {"font-2", "theme-dark"} <= classes(page)
    with page.expect_navigation():
        page.click("#a11y-modes a:text('长辈版')")
    page.goto(forward_env.url("/article.html"))
    assert {"mode-elder", "font-2", "theme-dark"} <= classes(page)


def test_other_hosts_and_internal_addresses_are_refused(page: Any, forward_env: ForwardEnv) -> None:
    assert "ERR_TUNNEL_CONNECTION_FAILED" in failing_goto(page, "https://www.example.com/")
    plain = failing_goto(page, "http://www.example.com/")
    assert plain.startswith("loaded 403") and "本服务不能打开这个网站" in plain and "此网站不在本代理的允许范围内" in plain
    assert "ERR_TUNNEL_CONNECTION_FAILED" in failing_goto(page, forward_env.url("/", host=INTERNAL))
    internal = failing_goto(page, forward_env.url("/", host=INTERNAL, tls=False))
    assert internal.startswith("loaded 403") and "内部网络地址" in internal
    assert forward_env.sentinel.hits == 0


def test_axe_finds_nothing_in_the_overlay_and_the_rendered_modes(page: Any, forward_env: ForwardEnv,
                                                                 axe_script: str) -> None:
    from playwright.sync_api import Page

    raw: Page = page.context.new_page()  # the site's page as it is, without the proxy's changes
    raw.set_content(HOME.replace("{nonce}", SITE_NONCE))
    found = {v["id"] for v in axe_violations(raw, axe_script)}
    assert {"html-has-lang", "image-alt", "landmark-unique", "meta-viewport"} <= found, found
    raw.close()
    failures = []
    for url, mode in ((forward_env.url("/"), "overlay"), (forward_env.url("/article.html"), "elder"),
                      (forward_env.url("/article.html"), "a11y")):
        page.goto(forward_env.url(f"/?a11y-mode={mode}"))
        for theme_clicks in (0, 1):
            page.goto(url)
            wait_until(page, "document.documentElement.lang !== ''")
            for _ in range(theme_clicks):
                tool(page, "theme").click()
            violations = axe_violations(page, axe_script)
            if violations:
                failures.append(f"{mode} {classes(page)}: {describe(violations)}")
            worst = min_ratios(page)
            for kind, (ratio, sample) in worst.items():
                if ratio < 7:
                    failures.append(f"{mode}: {kind} contrast {ratio:.2f} < 7: {sample}")
    assert not failures, "\n".join(failures)


def test_axe_finds_nothing_on_the_ca_page_and_the_home_page(page: Any, forward_env: ForwardEnv,
                                                            axe_script: str) -> None:
    for path in ("/ca", "/"):
        page.goto(forward_env.proxy.url + path)  # loopback: not through the proxy
        assert page.locator("code", has_text=f"127.0.0.1:{forward_env.forward_port}").count() >= 1
        violations = axe_violations(page, axe_script)
        assert not violations, f"{path}: {describe(violations)}"


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = b"<!doctype html><title>ok</title><p>hello"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_chromium_enforces_the_name_constraint(proxied: Any, forward_env: ForwardEnv, tmp_path: Path) -> None:
    """Our CA trusted the real way (an NSS database, no flag): a page through the door loads; a certificate the
    same CA made for www.example.com (served directly, as a thief with the key would) is refused."""
    certutil = shutil.which("certutil")
    if certutil is None or not Path(CHROMIUM).exists():
        pytest.skip("certutil (libnss3-tools) or chromium is not installed")
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from mitmproxy import certs

    home = tmp_path / "home"
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    (tmp_path / "ca.pem").write_bytes(forward_env.ca.pem)
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "a11y-proxy", "-i",
                    str(tmp_path / "ca.pem")], check=True)
    store = certs.CertStore.from_files(forward_env.ca.file, forward_env.ca.dir / "mitmproxy-dhparam.pem")
    stolen = certs.dummy_cert(store.default_privatekey, store.default_ca._cert, "www.example.com",
                              [x509.DNSName("www.example.com")])
    (tmp_path / "leaf.pem").write_bytes(stolen.to_pem())
    (tmp_path / "key.pem").write_bytes(store.default_privatekey.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {**os.environ, "HOME": str(home)}
        browser = proxied.browser_type.launch(executable_path=CHROMIUM, headless=True, env=env, args=[
            *ARGS, f"--proxy-server=http://127.0.0.1:{forward_env.forward_port}",
            "--proxy-bypass-list=www.example.com",
            f"--host-resolver-rules=MAP www.example.com:443 127.0.0.1:{server.server_address[1]}"])
        page = browser.new_context().new_page()
        page.goto(forward_env.url("/"))
        assert page.locator("#a11y-tb").count() == 1  # trusted for www.example.gov.cn
        assert "ERR_CERT_INVALID" in failing_goto(page, "https://www.example.com/")
        browser.close()
    finally:
        server.shutdown()
