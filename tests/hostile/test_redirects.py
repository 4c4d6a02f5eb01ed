"""Redirects are followed by hand and every hop is checked again: no internal address in any spelling, no
other scheme, no host outside the allow-list, no backslash or scheme-relative trick."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.support.servers import ThreadServer

from .cases import INTERNAL_LOCATIONS
from .conftest import fetch
from .test_upstream_cases import assert_error_page, assert_not_cached, assert_still_serving

ALLOWED_NAMES = {"evil.test.gov.cn", "kjt.test.gov.cn"}


@pytest.mark.parametrize("location", INTERNAL_LOCATIONS)
async def test_redirect_refused(location: str, hproxy: ThreadServer, hostile, evil: str) -> None:
    target = location.replace("{port}", str(hostile.port))
    url = f"{evil}/redirect?to={quote(target, safe='')}"
    before = len(hostile.requests)
    status, _, body = await fetch(f"{hproxy.url}/read/{url}")
    assert status in (400, 403, 502), (target, status, body[:300])
    assert_error_page(status, body)
    # the only request that reached any server is the redirect itself
    assert [r.path for r in hostile.requests[before:]] == ["/redirect"]
    assert set(hproxy.resolver.calls) <= ALLOWED_NAMES | {"internal.test.gov.cn", "meta.test.gov.cn",
                                                         "mapped.test.gov.cn", "link.test.gov.cn"}
    await assert_not_cached(hproxy, url)


async def test_redirect_to_allowed_host_is_followed(hproxy: ThreadServer, hostile, evil: str) -> None:
    target = f"http://kjt.test.gov.cn:{hostile.port}/ok"
    status, _, body = await fetch(f"{hproxy.url}/read/{evil}/redirect?to={quote(target, safe='')}")
    assert status == 200 and "正常页面" in body


async def test_chain_of_five_is_followed(hproxy: ThreadServer, evil: str) -> None:
    status, _, body = await fetch(f"{hproxy.url}/read/{evil}/chain/5")
    assert status == 200 and "正常页面" in body


async def test_meta_refresh_to_internal_address_is_refused_when_followed(hproxy: ThreadServer, hostile,
                                                                        evil: str) -> None:
    internal = f"http://internal.test.gov.cn:{hostile.port}/ok"
    status, _, body = await fetch(f"{hproxy.url}/orig/{evil}/meta-refresh?to={quote(internal, safe='')}")
    assert status == 200

    m = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', body)
    assert m, body[:800]
    followed = m.group(1)
    assert followed.startswith("/orig/http://internal.test.gov.cn")
    status, _, body = await fetch(hproxy.url + followed)
    assert status == 403 and "内部网络" in body
    await assert_still_serving(hproxy, evil, "meta-refresh")


@pytest.mark.parametrize("target", ["http://192.168.1.1/admin", "javascript:alert(1)", "http://www.example.com/"])
async def test_meta_refresh_off_the_proxy_is_dropped(target: str, hproxy: ThreadServer, evil: str) -> None:
    status, _, body = await fetch(f"{hproxy.url}/orig/{evil}/meta-refresh?to={quote(target, safe='')}")
    assert status == 200
    assert 'http-equiv="refresh"' not in body.lower()
