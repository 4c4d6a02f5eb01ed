"""Our origin runs only our code: script by per-response nonce, nothing active passes through, CSS through
/asset is sanitised, settings change only from our own pages, and what depends on a cookie is never shared."""

from __future__ import annotations

import re
from urllib.parse import quote

import aiohttp

from tests.support.servers import ThreadServer

from .conftest import fetch


async def test_page_scripts_run_by_a_fresh_nonce_only(hproxy: ThreadServer, evil: str) -> None:
    nonces = []
    for _ in range(2):  # the second is served from the cache of rendered pages
        status, headers, body = await fetch(f"{hproxy.url}/elder/{evil}/ok")
        assert status == 200
        csp = headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "'self'" not in script_src and script_src.startswith("'nonce-")
        nonce = script_src.split("'nonce-")[1].rstrip("'")
        tags = re.findall(r"<script[^>]*src=\"/static/toolbar.js\"[^>]*>", body)
        assert tags and all(f'nonce="{nonce}"' in t for t in tags)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


async def test_script_types_never_pass_through(hproxy: ThreadServer, evil: str) -> None:
    for route in (f"/orig/{evil}/evil.js", f"/elder/{evil}/evil.js", f"/asset?url={quote(evil + '/evil.js')}"):
        status, _, _ = await fetch(hproxy.url + route)
        assert status == 415, route


async def test_documents_pass_through_as_sandboxed_attachments(hproxy: ThreadServer, evil: str) -> None:
    for route in (f"/orig/{evil}/xml", f"/orig/{evil}/svg", f"/asset?url={quote(evil + '/svg')}"):
        status, headers, _ = await fetch(hproxy.url + route)
        assert status == 200, route
        assert headers["Content-Disposition"].startswith("attachment"), route
        assert headers["Content-Security-Policy"].startswith("sandbox"), route
        assert headers["X-Content-Type-Options"] == "nosniff"
    status, _, _ = await fetch(f"{hproxy.url}/asset?url={quote(evil + '/xml')}")
    assert status == 415  # /asset serves sub-resources only


async def test_stylesheets_through_asset_are_sanitised(hproxy: ThreadServer, evil: str) -> None:
    status, headers, css = await fetch(f"{hproxy.url}/asset?url={quote(evil + '/css/site.css')}")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "@import" not in css and "behavior" not in css
    assert all(u.startswith("/asset?url=http") for u in re.findall(r"url\(([^)]*)\)", css)), css
    assert f"url(/asset?url={quote(evil + '/img/bg.png', safe='')})" in css
    assert "color:#123" in css


async def test_settings_change_only_from_our_own_pages(hproxy: ThreadServer) -> None:
    url = f"{hproxy.url}/settings?save=1&theme=dark&font=3&back=/"
    async with aiohttp.ClientSession() as s:
        for site in ("cross-site", "same-site"):
            async with s.get(url, headers={"Sec-Fetch-Site": site}, allow_redirects=False) as r:
                text = await r.text()
                assert r.status == 200 and "a11y_settings" not in r.cookies, site
                assert 'value="dark" checked' in text  # offered, to be saved by the reader's own click
        async with s.get(url, allow_redirects=False) as r:  # no Sec-Fetch-Site and no token: not saved
            assert r.status == 200 and "a11y_settings" not in r.cookies
        async with s.get(url, headers={"Sec-Fetch-Site": "same-origin"}, allow_redirects=False) as r:
            assert r.status == 303 and r.cookies["a11y_settings"].value.startswith("f3.tdark")


async def test_settings_form_token_works_without_sec_fetch_site(hproxy: ThreadServer) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:  # unsafe: an IP host
        async with s.get(f"{hproxy.url}/settings") as r:
            token = re.search(r'name="token" value="([^"]+)"', await r.text()).group(1)
        async with s.get(f"{hproxy.url}/settings?save=1&theme=blue&token={token}", allow_redirects=False) as r:
            assert r.status == 303 and r.cookies["a11y_settings"].value.startswith("f0.tblue")
    async with aiohttp.ClientSession() as other:  # the token is worth nothing without its cookie
        async with other.get(f"{hproxy.url}/settings?save=1&theme=blue&token={token}", allow_redirects=False) as r:
            assert r.status == 200 and "a11y_settings" not in r.cookies


async def test_back_address_is_sent_encoded_or_not_at_all(hproxy: ThreadServer) -> None:
    for back, location in (("/%7F", "/settings?saved=1"), ("/elder/日本", "/elder/%E6%97%A5%E6%9C%AC"),
                           ("//evil.example/", "/settings?saved=1"), ("/a%0d%0aSet-Cookie:x=1", "/settings?saved=1")):
        status, headers, _ = await fetch(f"{hproxy.url}/settings?save=1&back={quote(back, safe='/%')}",
                                         headers={"Sec-Fetch-Site": "same-origin"})
        assert status == 303 and headers["Location"] == location, (back, headers.get("Location"))


async def test_home_page_varies_by_host(hproxy: ThreadServer) -> None:
    _, headers, body = await fetch(hproxy.url + "/", headers={"Host": "proxy.example.org"})
    assert "Host" in headers["Vary"] and headers["Cache-Control"].startswith("private")
    assert "proxy.example.org" in body


async def test_redirect_of_go_is_counted_as_303(hproxy: ThreadServer, evil: str) -> None:
    status, _, _ = await fetch(f"{hproxy.url}/go?mode=elder&url={quote(evil + '/ok')}")
    assert status == 303
    _, _, metrics = await fetch(hproxy.url + "/metrics")
    assert re.search(r'a11y_requests_total\{mode="go",status="303"\} [1-9]', metrics), metrics[:2000]
    assert not re.search(r'a11y_requests_total\{mode="go",status="500"\}', metrics)
