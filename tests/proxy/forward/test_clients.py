"""Who may use the browser proxy: forward.allowed_clients (loopback and the private ranges by default)."""

from __future__ import annotations

from proxy.config import Config
from proxy.forward.parts import Parts


def parts(*allowed: str) -> Parts:
    cfg = Config()
    if allowed:
        cfg.forward.allowed_clients = list(allowed)
    return Parts(cfg, None, None, None, None, {}, "")  # type: ignore[arg-type] (only the config is read here)


def test_loopback_and_private_networks_by_default() -> None:
    p = parts()
    for address in ("127.0.0.1", "::1", "192.168.1.20", "10.2.3.4", "172.20.0.9", "fd00::5", "::ffff:192.168.1.20"):
        assert p.client_allowed(address), address
    for address in ("8.8.8.8", "2001:4860::8888", "::ffff:8.8.8.8", "100.64.0.1", "not an address"):
        assert not p.client_allowed(address), address


def test_an_office_network_only() -> None:
    p = parts("192.168.10.0/24")
    assert p.client_allowed("192.168.10.7") and not p.client_allowed("192.168.11.7")
    assert not p.client_allowed("127.0.0.1")
