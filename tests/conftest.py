"""Shared fixtures: a real upstream 'government site' and a real proxy, both on 127.0.0.1."""

from __future__ import annotations

import atexit
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from hypothesis import settings as hypothesis_settings

from proxy import config as config_mod
from proxy.app.server import create_app
from tests.support.servers import MapResolver, ThreadServer, free_port
from tests.support.upstream_app import make_upstream_app

TEST_DOMAIN = "test.gov.cn"

# CI explores the same examples every run (a red CI must be reproducible); developers get fresh ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def test_config(upstream_port: int, **overrides: object) -> config_mod.Config:
    """The shipped config, plus what a test needs: the local upstream allowed, one render worker."""
    cfg = config_mod.load()
    cfg.upstream.allowed_hosts = [*cfg.upstream.allowed_hosts, f"*.{TEST_DOMAIN}"]
    cfg.upstream.allowed_ports = [80, 443, upstream_port]
    cfg.upstream.allow_private_addresses = ["127.0.0.1/32"]
    cfg.upstream.timeout = dataclasses.replace(cfg.upstream.timeout, total=8.0, sock_read=4.0)
    cfg.transform.workers = 1
    cfg.server.rate_limit_per_minute = 100000
    cfg.server.rate_limit_burst = 100000
    cfg.cache.audio_dir = tempfile.mkdtemp(prefix="a11y-audio-test-")  # each server's audio starts unmade
    atexit.register(shutil.rmtree, cfg.cache.audio_dir, True)
    cfg.forward.enabled = False  # one per process (mitmproxy), on a port of its own: tests/proxy/forward turn it on
    for dotted, value in overrides.items():
        section, key = dotted.split("__")
        setattr(getattr(cfg, section), key, value)
    return cfg


def test_resolver() -> MapResolver:
    return MapResolver(
        {"internal.test.gov.cn": "192.168.1.10", "meta.test.gov.cn": "100.100.100.200",
         "mapped.test.gov.cn": "::ffff:10.0.0.1", "link.test.gov.cn": "169.254.169.254"},
        suffixes={"." + TEST_DOMAIN: "127.0.0.1"},
    )


@pytest.fixture(scope="session")
def upstream_state() -> dict:
    return {}


@pytest.fixture(scope="session")
def upstream(upstream_state: dict) -> Iterator[ThreadServer]:
    server = ThreadServer(lambda: make_upstream_app(upstream_state)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site(upstream: ThreadServer) -> str:
    """Base URL of the fake government site, by a name under the allow-list."""
    return f"http://kjt.{TEST_DOMAIN}:{upstream.port}"


@pytest.fixture(scope="session")
def proxy_server(upstream: ThreadServer) -> Iterator[ThreadServer]:
    cfg = test_config(upstream.port)
    resolver = test_resolver()
    server = ThreadServer(lambda: create_app(cfg, resolver=resolver), port=free_port())
    server.resolver = resolver  # type: ignore[attr-defined]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def proxy_url(proxy_server: ThreadServer) -> str:
    return proxy_server.url


@pytest.fixture(scope="session")
def forward_env() -> Iterator:
    """The proxy with its forward door on, and the fake www.example.gov.cn over HTTPS and HTTP (one per session:
    mitmproxy allows one door per process)."""
    pytest.importorskip("mitmproxy", reason="the forward extra is not installed (scripts/bootstrap --test does)")
    from tests.support.forward_env import start_forward_env, stop_forward_env

    env = start_forward_env()
    yield env
    stop_forward_env(env)


# helpers, not tests (test modules import them by name)
test_config.__test__ = False  # type: ignore[attr-defined]
test_resolver.__test__ = False  # type: ignore[attr-defined]
