"""The forward door end to end without a browser: real sockets through the embedded mitmproxy to the fake
www.example.gov.cn over HTTPS (a TLS client that trusts only our CA) and plain HTTP."""

from __future__ import annotations

import re
import ssl
import uuid
from urllib.parse import quote

import pytest
from cryptography import x509
from lxml import html as lxml_html

from tests.support.forward_env import (
    BROKEN,
    INTERNAL,
    PASSTHROUGH_CAP,
    REBIND,
    SITE,
    STILL_BROKEN,
    ForwardEnv,
    fetch,
    raw_connect,
)
from tests.support.gov_site import SITE_NONCE


def use_mode(env: ForwardEnv, mode: str) -> None:
    """The reader's mode is kept per client address (every test here is the same client): set it first."""
    answer = fetch(env, env.url(f"/?a11y-mode={mode}"))
    assert answer.status == 303


def fresh(path: str) -> str:
    return f"{path}?t={uuid.uuid4().hex}"


def test_an_https_page_arrives_with_the_overlay_and_its_own_scripts(forward_env: ForwardEnv) -> None:
    use_mode(forward_env, "overlay")
    answer = fetch(forward_env, forward_env.url("/"))
    assert answer.status == 200
    doc = lxml_html.document_fromstring(answer.body)
    assert doc.get_element_by_id("a11y-tb") is not None and doc.get_element_by_id("a11y-modes") is not None
    # the site's own scripts and styles stay, under its own policy plus our nonce and nothing else
    assert doc.xpath(f"//script[@nonce='{SITE_NONCE}' and @src='/app.js']")
    assert doc.xpath("//link[@href='/site.css']")
    policy = answer.headers["Content-Security-Policy"]
    ours = re.search(r"'nonce-([^']+)'", policy.replace(f"'nonce-{SITE_NONCE}'", ""))
    assert ours and policy.startswith("default-src 'self'; script-src 'nonce-c2l0ZS1ub25jZQ' 'nonce-")
    assert doc.xpath(f"//script[@nonce='{ours.group(1)}' and contains(@src, '/.well-known/a11y-proxy/static/')]")
    # the safe fixes made on the server: a lang, and a viewport that lets the reader zoom
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("string(//meta[@name='viewport']/@content)") == "width=device-width, initial-scale=1"
    assert int(answer.headers["Content-Length"]) == len(answer.body)
    assert "ETag" not in answer.headers and "no-cache" in answer.headers["Cache-Control"]


def test_the_certificate_it_mints_verifies_under_the_constrained_ca(forward_env: ForwardEnv) -> None:
    import http.client

    conn = http.client.HTTPSConnection("127.0.0.1", forward_env.forward_port, timeout=20,
                                       context=forward_env.client_context())
    conn.set_tunnel(SITE, forward_env.https.port)
    conn.request("GET", "/img/photo.png")
    assert conn.getresponse().status == 200  # OpenSSL checked the chain and the Name Constraints
    der = conn.sock.getpeercert(binary_form=True)
    conn.close()
    leaf = x509.load_der_x509_certificate(der)
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == [SITE]
    assert leaf.issuer == forward_env.ca.cert.subject


def test_a_host_off_the_allow_list_gets_403_and_no_certificate(forward_env: ForwardEnv) -> None:
    assert raw_connect(forward_env, "www.example.com:443").startswith(b"HTTP/1.1 403")
    answer = fetch(forward_env, "http://www.example.com/")
    assert answer.status == 403 and "此网站不在本代理的允许范围内" in answer.text
    # the kind error page, with nothing of ours that would run on a refused origin: styles and links are ours
    home = f"http://127.0.0.1:{forward_env.proxy.port}"
    assert "本服务不能打开这个网站" in answer.text and 'id="a11y-tb"' not in answer.text
    assert f'href="{home}/static/a11y.css"' in answer.text and f'href="{home}/"' in answer.text
    assert f"style-src {home};" in answer.headers["content-security-policy"]
    # not an open proxy by another road either: an IP literal, a port off the list, a Host inside a tunnel
    assert raw_connect(forward_env, f"127.0.0.1:{forward_env.https.port}").startswith(b"HTTP/1.1 403")
    assert raw_connect(forward_env, f"{SITE}:22").startswith(b"HTTP/1.1 403")
    inside = fetch(forward_env, forward_env.url("/"), headers={"Host": "www.example.com"})
    assert inside.status == 403
    with pytest.raises(OSError):  # refused before TLS: nothing to hand a certificate over
        fetch(forward_env, "https://www.example.com/")


def test_an_internal_address_is_refused_before_and_at_connect_time(forward_env: ForwardEnv) -> None:
    before = forward_env.sentinel.hits
    assert raw_connect(forward_env, f"{INTERNAL}:{forward_env.https.port}").startswith(b"HTTP/1.1 403")
    answer = fetch(forward_env, forward_env.url("/", host=INTERNAL, tls=False))
    assert answer.status == 403 and "内部网络地址" in answer.text
    # a name that is public when first asked and internal when the connection is made (DNS rebinding)
    forward_env.resolver.calls.clear()
    reply = raw_connect(forward_env, f"{REBIND}:{forward_env.https.port}")
    assert reply.startswith(b"HTTP/1.1 502") and forward_env.resolver.calls.count(REBIND) == 2
    assert forward_env.sentinel.hits == before == 0


def test_form_posts_and_uploads_reach_the_site_byte_for_byte(forward_env: ForwardEnv) -> None:
    form = "q=" + quote("社保 查询 &=+%", safe="").replace("%20", "+") + "&page=1"
    binary = bytes(range(256)) * 1200
    multipart = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                 b"Content-Type: application/octet-stream\r\n\r\n" + binary[:5000] + b"\r\n--XyZ--\r\n")
    for body, ctype in ((form.encode(), "application/x-www-form-urlencoded"), (binary, "application/octet-stream"),
                        (multipart, "multipart/form-data; boundary=XyZ")):
        for tls in (True, False):
            answer = fetch(forward_env, forward_env.url("/search", tls=tls), "POST", body,
                           headers={"Content-Type": ctype})
            assert answer.status == 200
            posted = forward_env.state["posts"][-1]
            assert posted["body"] == body and posted["content_type"] == ctype


def test_a_rendered_page_is_cached_only_for_requests_without_cookies(forward_env: ForwardEnv) -> None:
    use_mode(forward_env, "elder")
    anonymous = fresh("/article.html")
    first, second = (fetch(forward_env, forward_env.url(anonymous)) for _ in range(2))
    assert "mode-elder" in first.text and first.body.count(b"nonce=") == second.body.count(b"nonce=")
    assert forward_env.hits("/article.html") >= 1
    hits = forward_env.hits("/article.html")
    third = fetch(forward_env, forward_env.url(anonymous))
    assert forward_env.hits("/article.html") == hits and "mode-elder" in third.text  # from our cache
    # with the user's cookie: asked of the site every time, and never the other user's page
    personal = fresh("/login.html")
    alice = fetch(forward_env, forward_env.url(personal), headers={"Cookie": "sid=alice"})
    bob = fetch(forward_env, forward_env.url(personal), headers={"Cookie": "sid=bob"})
    anyone = fetch(forward_env, forward_env.url(personal))
    assert "尊敬的用户alice" in alice.text and "尊敬的用户bob" in bob.text
    assert "alice" not in anyone.text and "bob" not in anyone.text
    assert forward_env.hits("/login.html") >= 3
    again = forward_env.hits("/login.html")
    fetch(forward_env, forward_env.url(personal), headers={"Cookie": "sid=alice"})
    assert forward_env.hits("/login.html") == again + 1
    use_mode(forward_env, "overlay")


def test_our_settings_cookie_never_reaches_the_site(forward_env: ForwardEnv) -> None:
    answer = fetch(forward_env, forward_env.url("/echo-cookies"), nav=False,
                   headers={"Cookie": "a11y_settings=f2.tdark.l0.sserver.r2; sid=abc; a11y_sync=x; lang=zh"})
    assert answer.status == 200 and answer.text == '{"cookie": "sid=abc; lang=zh"}'
    alone = fetch(forward_env, forward_env.url("/echo-cookies"), nav=False,
                  headers={"Cookie": "a11y_settings=f2.tdark.l0.sserver.r2"})
    assert alone.text == '{"cookie": ""}'


def test_only_top_level_pages_are_changed(forward_env: ForwardEnv) -> None:
    use_mode(forward_env, "overlay")
    for dest in ("empty", "iframe"):
        answer = fetch(forward_env, forward_env.url("/"), nav=False, headers={"Sec-Fetch-Dest": dest})
        assert b"a11y-tb" not in answer.body and f"'nonce-{SITE_NONCE}'" in answer.headers["Content-Security-Policy"]
    fragment = fetch(forward_env, forward_env.url("/fragment.html"), nav=False)
    assert fragment.text == "<li><a href='/article.html'>新闻</a></li>"


def test_switching_mode_keeps_the_address_and_the_site_never_sees_it(forward_env: ForwardEnv) -> None:
    page = fresh("/article.html")
    answer = fetch(forward_env, forward_env.url(page + "&a11y-mode=elder"))
    assert answer.status == 303 and answer.headers["Location"] == forward_env.url(page)
    elder = fetch(forward_env, forward_env.url(page))
    doc = lxml_html.document_fromstring(elder.body)
    assert "mode-elder" in doc.get("class") and doc.xpath("string(//h1)") == "关于做好冬季供暖工作的通知"
    switch = {a.text: a.get("href") for a in doc.xpath("//nav[contains(@class, 'mode-switch')]//a")}
    assert switch["长辈版"] == forward_env.url(page)  # the current mode: the address itself
    assert switch["原网页（带工具栏）"] == forward_env.url(page + "&a11y-mode=overlay")
    # from another site's link the mode is not changed (the address is cleaned all the same)
    crafted = fetch(forward_env, forward_env.url(page + "&a11y-mode=text"), headers={"Sec-Fetch-Site": "cross-site"})
    assert crafted.status == 303
    assert "mode-elder" in fetch(forward_env, forward_env.url(page)).text
    use_mode(forward_env, "overlay")
    assert "a11y-tb" in fetch(forward_env, forward_env.url(page)).text
    assert not any("a11y-mode" in path for path, _ in forward_env.state["cookies"])


def test_our_own_files_are_answered_on_the_sites_origin(forward_env: ForwardEnv) -> None:
    answer = fetch(forward_env, forward_env.url("/.well-known/a11y-proxy/static/toolbar.js"), nav=False)
    assert answer.status == 200 and answer.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"a11y-tb" in answer.body
    assert fetch(forward_env, forward_env.url("/.well-known/a11y-proxy/static/nope.js"), nav=False).status == 404
    assert forward_env.hits("/.well-known/a11y-proxy/static/toolbar.js") == 0


def test_attachments_stream_under_the_cap(forward_env: ForwardEnv) -> None:
    small = fetch(forward_env, forward_env.url("/files/big.pdf?kb=512&len=1"))
    assert small.status == 200 and len(small.body) == 512 * 1024
    over = PASSTHROUGH_CAP // 1024 + 512
    with pytest.raises((OSError, ConnectionError, http_client_errors())):
        fetch(forward_env, forward_env.url(f"/files/big.pdf?kb={over}&len=1"))  # known length: refused at once
    with pytest.raises((OSError, ConnectionError, http_client_errors())):
        fetch(forward_env, forward_env.url(f"/files/big.pdf?kb={over}"))  # unknown length: cut at the cap
    # a page's own sub-resources (a script's download, a video) are not attachments: they pass whole
    whole = fetch(forward_env, forward_env.url(f"/files/big.pdf?kb={over}&len=1"), nav=False)
    assert len(whole.body) == over * 1024


def http_client_errors() -> type[Exception]:
    import http.client

    return http.client.HTTPException


def test_a_decompression_bomb_passes_untouched(forward_env: ForwardEnv) -> None:
    answer = fetch(forward_env, forward_env.url("/bomb.html"), headers={"Accept-Encoding": "br"})
    assert answer.status == 200 and answer.headers["Content-Encoding"] == "br"
    assert len(answer.body) < 2 * 1024 * 1024 and b"a11y-tb" not in answer.body


def test_tls_to_an_untrusted_site_certificate_fails(forward_env: ForwardEnv) -> None:
    """The door checks the sites' certificates (here: only the trustme CA is trusted, and the 127.0.0.2
    sentinel speaks no TLS at all), and its clients check ours."""
    ctx = ssl.create_default_context()  # the system's store: our CA is not in it
    import http.client

    conn = http.client.HTTPSConnection("127.0.0.1", forward_env.forward_port, timeout=20, context=ctx)
    conn.set_tunnel(SITE, forward_env.https.port)
    with pytest.raises(ssl.SSLCertVerificationError):
        conn.request("GET", "/")
    conn.close()


def test_an_untrusted_site_certificate_is_accepted_only_for_listed_hosts(forward_env: ForwardEnv) -> None:
    """upstream.insecure_tls_hosts, per connection: the same server and certificate under another name fails."""
    port = forward_env.broken.port
    assert fetch(forward_env, f"https://{BROKEN}:{port}/").status == 200
    import http.client

    with pytest.raises((OSError, http.client.HTTPException)):
        answer = fetch(forward_env, f"https://{STILL_BROKEN}:{port}/")
        assert answer.status >= 500  # (if an answer comes at all, it is an error, never the page)
        raise OSError(answer.status)


def test_the_settings_page_on_a_site_sets_the_readers_prefs(forward_env: ForwardEnv) -> None:
    base = forward_env.url("/.well-known/a11y-proxy/settings")
    page = fetch(forward_env, base + "?back=" + quote(forward_env.url("/article.html"), safe=""))
    doc = lxml_html.document_fromstring(page.body)
    assert doc.xpath("//form/@action") == ["/.well-known/a11y-proxy/settings"]
    assert "原网页（带工具栏）" in doc.xpath("string(//label[@for='s-mode-orig'])")
    query = "?save=1&mode=elder&font=3&theme=blue&spacing=1&speech=server&rate=4&back=" + quote(
        forward_env.url("/article.html"), safe="")
    offered = fetch(forward_env, base + query, headers={"Sec-Fetch-Site": "cross-site"})
    assert offered.status == 200 and "还没有保存" in offered.text  # from another site: only offered
    assert "mode-elder" not in fetch(forward_env, forward_env.url(fresh("/article.html"))).text
    saved = fetch(forward_env, base + query, headers={"Sec-Fetch-Site": "same-origin"})
    assert saved.status == 303 and saved.headers["Location"] == forward_env.url("/article.html")
    assert "a11y_settings=f3.tblue.l1.sserver.r4" in saved.headers.get_all("Set-Cookie")[0]
    assert 'class="mode-elder theme-blue font-3 spacing-1"' in fetch(forward_env, forward_env.url(fresh("/article.html"))).text
    evil = fetch(forward_env, base + "?save=1&back=https%3A%2F%2Fwww.example.com%2F",
                 headers={"Sec-Fetch-Site": "same-origin"})
    assert evil.headers["Location"] == "/"  # never back to another site
    split = fetch(forward_env, base + "?save=1&back=/a%0d%0aSet-Cookie:%20x=1", headers={"Sec-Fetch-Site": "same-origin"})
    assert split.headers["Location"] == "/" and "x=1" not in str(split.headers)
    fetch(forward_env, base + "?reset=1", headers={"Sec-Fetch-Site": "same-origin"})
    assert "a11y-tb" in fetch(forward_env, forward_env.url("/")).text


def test_the_reading_aids_are_saved_on_a_site_and_shown_in_the_rendered_modes(forward_env: ForwardEnv) -> None:
    base = forward_env.url("/.well-known/a11y-proxy/settings")
    form = lxml_html.document_fromstring(fetch(forward_env, base).body)
    assert form.xpath("//input[@name='script']/@value") == ["hans", "hant-tw", "hant-hk"]
    saved = fetch(forward_env, base + "?save=1&mode=elder&script=hant-tw&pinyin=1",
                  headers={"Sec-Fetch-Site": "same-origin"})
    try:
        assert saved.status == 303 and ".chant-tw.p1;" in saved.headers.get_all("Set-Cookie")[0]
        elder = lxml_html.document_fromstring(fetch(forward_env, forward_env.url(fresh("/article.html"))).body)
        assert elder.get("lang") == "zh-Hant-TW" and "pinyin-on" in elder.get("class")
        assert "關於做好冬季供暖工作的通知" == "".join(elder.xpath("//h1//text()[not(ancestor::rt)]"))
        assert elder.xpath("//h1//rt[@data-py]")
        assert elder.xpath("//button[@data-action='script'][@aria-pressed='true']")
        # the settings page in the reader's characters, the player's endpoints on our path
        assert "字形" in fetch(forward_env, base).text and "默認閱讀模式" in fetch(forward_env, base).text
        assert elder.xpath("//*[@id='a11y-tb']/@data-base") == ["/.well-known/a11y-proxy"]
        assert elder.xpath("//*[@id='a11y-player']/@data-download")[0].startswith("/.well-known/a11y-proxy/audio?")
    finally:
        fetch(forward_env, base + "?reset=1", headers={"Sec-Fetch-Site": "same-origin"})


def speech_ready(forward_env: ForwardEnv) -> None:
    import json
    import time
    import urllib.request

    deadline = time.monotonic() + 60
    while True:  # the speech workers start in the background
        with urllib.request.urlopen(f"{forward_env.proxy.url}/healthz", timeout=10) as r:
            audio = json.loads(r.read())["audio"]
        if audio.get("available"):
            break
        if audio.get("reason") not in (None, "starting") or time.monotonic() > deadline:
            pytest.skip(f"no speech on this machine: {audio.get('reason')}")
        time.sleep(0.2)


def test_speech_on_a_sites_origin_comes_from_this_server(forward_env: ForwardEnv) -> None:
    import json

    speech_ready(forward_env)
    page = quote(forward_env.url("/article.html", tls=False), safe="")
    base = forward_env.url("/.well-known/a11y-proxy/audio", tls=True)
    answer = fetch(forward_env, f"{base}/sentences?url={page}", nav=False)
    assert answer.status == 200, answer.text
    sentences = json.loads(answer.body)["sentences"]
    assert any("冬季供暖" in s["text"] for s in sentences)
    audio = fetch(forward_env, f"{base}/segment?url={page}&i=0", nav=False)
    assert audio.status == 200 and audio.headers["Content-Type"] == "audio/mpeg" and len(audio.body) > 1000
    assert forward_env.hits("/.well-known/a11y-proxy/audio/sentences") == 0  # never asked of the site


def test_the_transcript_and_the_live_feed_on_a_sites_origin(forward_env: ForwardEnv) -> None:
    """The captions track and 订阅音频 of pages at a site's address are ours under OWN_BASE there: answered by this
    server's routes over loopback, and the feed's own addresses (episodes, transcripts, cover, itself) given back
    under OWN_BASE on the site's origin, never this server's loopback address."""
    speech_ready(forward_env)
    base = forward_env.url("/.well-known/a11y-proxy", tls=True)
    page = quote(forward_env.url("/article.html?n=1", tls=False), safe="")
    vtt = fetch(forward_env, f"{base}/audio/captions?url={page}", nav=False)
    assert vtt.status == 200 and vtt.headers["Content-Type"].startswith("text/vtt"), vtt.text
    assert vtt.text.startswith("WEBVTT") and "冬季供暖" in vtt.text
    column = quote(forward_env.url("/col/tzgg/", tls=False), safe="")
    feed = fetch(forward_env, f"{base}/feed?url={column}", nav=False)
    assert feed.status == 200 and feed.headers["Content-Type"].startswith("application/rss+xml"), feed.text
    for route in ("/audio?url=", "/audio/captions?url=", "/feed/cover.png?url=", "/feed?url="):
        assert f"{base}{route}" in feed.text, route
    assert forward_env.proxy.url not in feed.text and feed.text.count("<enclosure") == 8
    cover = fetch(forward_env, f"{base}/feed/cover.png?url={column}", nav=False)
    assert cover.status == 200 and cover.body[:4] == b"\x89PNG"
    assert forward_env.hits("/.well-known/a11y-proxy/feed") == 0  # never asked of the site
