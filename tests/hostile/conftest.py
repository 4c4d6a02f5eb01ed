"""Fixtures for the hostile suite: the misbehaving upstream and a proxy with short timeouts in front of it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from proxy.app.keys import SERVICES
from proxy.app.server import create_app
from tests.conftest import test_config, test_resolver
from tests.support.servers import ThreadServer, free_port

from .cases import make_server
from .server import HostileServer

# Short enough that the slow cases finish in a few seconds, long enough for 2 busy shared cores.
TIMEOUTS = {"connect": 1.5, "sock_connect": 1.5, "sock_read": 1.2, "total": 3.0}
PAGE_TIMEOUT = 6.0


def hostile_config(port: int, **overrides: Any):
    cfg = test_config(port, **overrides)
    cfg.upstream.timeout = dataclasses.replace(cfg.upstream.timeout, **TIMEOUTS)
    cfg.transform.page_timeout = PAGE_TIMEOUT
    return cfg


def start_proxy(cfg, resolver=None) -> ThreadServer:
    """A proxy of our own (the session one keeps its config); it knows its port, as in production."""
    resolver = resolver or test_resolver()
    cfg.server.port = free_port()
    server = ThreadServer(lambda: create_app(cfg, resolver=resolver), port=cfg.server.port)
    server.resolver = resolver  # type: ignore[attr-defined]
    return server.start()


def services(server: ThreadServer):
    assert server.runner is not None
    return server.runner.app[SERVICES]


async def fetch(url: str, **kw: Any) -> tuple[int, dict[str, str], str]:
    timeout = aiohttp.ClientTimeout(total=kw.pop("timeout", 30))
    async with aiohttp.ClientSession(timeout=timeout) as s, s.get(url, allow_redirects=False, **kw) as r:
        return r.status, dict(r.headers), await r.text(errors="replace")


@pytest.fixture(scope="session")
def hostile() -> Iterator[HostileServer]:
    server = make_server().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def evil(hostile: HostileServer) -> str:
    return f"http://evil.test.gov.cn:{hostile.port}"


@pytest.fixture(scope="session")
def hproxy(hostile: HostileServer) -> Iterator[ThreadServer]:
    server = start_proxy(hostile_config(hostile.port))
    yield server
    server.stop()
