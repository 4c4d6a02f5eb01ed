"""The SSRF battery: every address form, userinfo trick, scheme and port, checked by the guard alone and
through the running proxy (with a resolver the test controls)."""

from __future__ import annotations

import aiohttp
import pytest

from proxy.app.keys import SERVICES
from proxy.config import UpstreamConfig
from proxy.errors import BadURL, Forbidden
from proxy.upstream.guard import Guard

GUARD = Guard(UpstreamConfig())

INTERNAL_LITERALS = [
    "http://127.0.0.1/", "http://127.1/", "http://0/", "http://0.0.0.0/", "http://2130706433/",
    "http://0x7f000001/", "http://0x7f.0.0.1/", "http://017700000001/", "http://0177.0.0.1/",
    "http://１２７.０.０.１/", "http://127。0。0。1/", "http://10.0.0.1/", "http://172.16.5.4/",
    "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/", "http://100.100.100.200/",
    "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/", "http://192.0.2.1/",
    "http://198.18.0.1/", "http://240.0.0.1/",
    "http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://[fe80::1]/", "http://[fc00::1]/",
    "http://[ff02::1]/", "http://[::127.0.0.1]/",
]


@pytest.mark.parametrize("url", INTERNAL_LITERALS)
def test_internal_address_forms_refused(url: str) -> None:
    with pytest.raises(Forbidden):
        GUARD.check_url(url)


@pytest.mark.parametrize("url,error", [
    ("file:///etc/passwd", BadURL), ("gopher://www.gov.cn/", BadURL), ("javascript:alert(1)", BadURL),
    ("data:text/html,hi", BadURL), ("ftp://www.gov.cn/", BadURL), ("http://user:pw@www.gov.cn/", BadURL),
    ("http://www.gov.cn@evil.example/", BadURL), ("http://evil.example#@www.gov.cn/", Forbidden),
    ("http://evil.example?@www.gov.cn/", Forbidden), ("http://www.gov.cn:22/", Forbidden),
    ("http://www.gov.cn:6379/", Forbidden), ("http://www.gov.cn.evil.example/", Forbidden),
    ("http://evilgov.cn/", Forbidden), ("http://www.gov.cn\\@evil.example/", BadURL),
    ("http://www.gov.cn/\r\nHost: evil", BadURL), ("http:///path", BadURL),
])
def test_schemes_userinfo_ports_and_lookalikes(url: str, error: type) -> None:
    with pytest.raises(error):
        GUARD.check_url(url)


@pytest.mark.parametrize("url", [
    "http://www.gov.cn/", "https://WWW.GOV.CN./a?b=1", "https://kjt.hubei.gov.cn/art/1.html",
    "http://gov.cn/", "https://www.gov。cn/", "https://www.gov.cn:443/x",
])
def test_allowed_hosts(url: str) -> None:
    GUARD.check_url(url)


def test_only_leading_glob_and_exact_names() -> None:
    g = Guard(UpstreamConfig(allowed_hosts=["www.example.org", "*.gov.cn"]))
    assert g.host_allowed("www.example.org") and not g.host_allowed("a.www.example.org")
    assert g.host_allowed("a.b.gov.cn") and not g.host_allowed("gov.cn")


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as s, s.get(url, allow_redirects=False) as r:
        return r.status, await r.text(errors="replace")


@pytest.mark.parametrize("host,address", [
    ("internal", "192.168.1.10"), ("meta", "100.100.100.200"), ("mapped", "::ffff:10.0.0.1"),
    ("link", "169.254.169.254"),
])
async def test_names_resolving_to_internal_addresses(proxy_url: str, upstream, host: str, address: str) -> None:
    status, body = await get(f"{proxy_url}/read/http://{host}.test.gov.cn:{upstream.port}/article")
    assert status == 403, body[:300]
    assert "内部网络" in body


@pytest.mark.parametrize("target", [
    "http://127.0.0.1:{port}/article", "http://internal.test.gov.cn:{port}/article", "http://[::1]:{port}/",
    "http://2130706433:{port}/", "file:///etc/passwd", "http://evil.example/", "gopher://kjt.test.gov.cn/",
])
async def test_redirects_to_internal_or_foreign_targets_refused(proxy_url: str, site: str, upstream,
                                                                 target: str) -> None:
    from urllib.parse import quote

    to = quote(target.format(port=upstream.port), safe="")
    status, body = await get(f"{proxy_url}/read/{site}/redirect-to?to={to}")
    assert status in (400, 403), body[:300]


async def test_connector_hook_checks_every_connection(proxy_server, proxy_url: str, upstream) -> None:
    """If aiohttp stopped calling our _resolve_host override, the DNS-rebinding protection would be gone.
    A host name never used before forces a new connection (no keep-alive reuse)."""
    connector = proxy_server.runner.app[SERVICES].sources.default.upstream.connector
    before = connector.checked
    status, _ = await get(f"{proxy_url}/read/http://hook-check.test.gov.cn:{upstream.port}/no-store")
    assert status == 200
    assert connector.checked > before


@pytest.mark.parametrize("address", [
    "::ffff:0:10.0.0.1", "::ffff:0:127.0.0.1", "::ffff:0:8.8.8.8",  # SIIT: the whole range is refused
    "::10.0.0.1", "::8.8.8.8",  # IPv4-compatible (deprecated): the whole range
    "2400:cb00::5efe:10.0.0.1", "2400:cb00::200:5efe:192.168.1.1",  # ISATAP under a global prefix
    "2400:cb00::ffff:0:169.254.169.254",  # SIIT-shaped interface id under a global prefix
    "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2002:a00:1::1", "3fff::1", "5f00::1",
])
def test_ipv4_embedded_in_ipv6_refused(address: str) -> None:
    import ipaddress

    with pytest.raises(Forbidden):
        GUARD.check_ip(ipaddress.ip_address(address))


def test_global_ipv6_with_public_embedded_ipv4_allowed() -> None:
    import ipaddress

    GUARD.check_ip(ipaddress.ip_address("2400:cb00::5efe:8.8.8.8"))  # ISATAP to a public address
    GUARD.check_ip(ipaddress.ip_address("2400:cb00:2048:1::c629:d7a2"))
