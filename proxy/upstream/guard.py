"""The SSRF guard: which URLs the proxy may fetch, and which addresses it may connect to.

URLs are checked as yarl normalises them (the host aiohttp dials), and every resolved address is checked
again inside the connector, which then connects to exactly the address it checked (no DNS-rebinding gap).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from typing import Any

from aiohttp import TCPConnector
from yarl import URL

from ..config import UpstreamConfig
from ..errors import BadURL, Forbidden

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Python's is_global misses several of these (CGNAT, 6to4, NAT64, Teredo forms): keep the table explicit.
DENIED_NETWORKS = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
    "::/96", "::1/128", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64",
    "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10",
    "ff00::/8",
)]
# Interface identifiers that carry an IPv4 address in their last 32 bits: SIIT (::ffff:0:a.b.c.d, RFC 6145)
# and ISATAP (…:0:5efe:a.b.c.d and …:200:5efe:a.b.c.d, RFC 5214) under any prefix.
_EMBEDDING_IIDS = (bytes.fromhex("ffff0000"), bytes.fromhex("00005efe"), bytes.fromhex("02005efe"))


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, SIIT, ISATAP, 6to4, Teredo, NAT64, IPv4-compatible)."""
    found = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    packed = ip.packed
    if packed[:12] == bytes(12) or ip in _NAT64 or packed[8:12] in _EMBEDDING_IIDS:
        found.append(ipaddress.IPv4Address(packed[12:]))
    return found


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Decimal, hex, octal and short IPv4 forms (2130706433, 0x7f.1, 127.1) that resolvers accept."""
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    if not any(c.isdigit() for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


class Guard:
    def __init__(self, cfg: UpstreamConfig, own_addresses: Iterable[str] = (), own_ports: Iterable[int] = ()) -> None:
        self.cfg = cfg
        self.own_ports = set(own_ports)
        self.exact = {h.lower().rstrip(".") for h in cfg.allowed_hosts if not h.startswith("*.")}
        self.suffixes = tuple("." + h[2:].lower().rstrip(".") for h in cfg.allowed_hosts if h.startswith("*."))
        self.allowed_private = [ipaddress.ip_network(n, strict=False) for n in cfg.allow_private_addresses]
        self.own: set[IPAddress] = set()
        for a in own_addresses:
            try:
                self.own.add(ipaddress.ip_address(a))
            except ValueError:
                continue

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return False
        return host in self.exact or host.endswith(self.suffixes)

    def check_url(self, raw: str | URL) -> URL:
        """The URL aiohttp would fetch, or BadURL/Forbidden with the reason."""
        if isinstance(raw, str):
            if _CONTROL.search(raw):
                raise BadURL("网址含有控制字符。", "The address contains control characters.", reason="control characters")
            try:
                url = URL(raw)
                _ = (url.host, url.port)  # yarl parses these lazily; a bad port raises here
            except (ValueError, TypeError, UnicodeError):
                raise BadURL("网址格式不正确。", "The address is not a valid URL.", reason="unparseable URL") from None
        else:
            url = raw
        if url.scheme not in ("http", "https"):
            raise BadURL("只支持 http 和 https 网址。", "Only http and https addresses are supported.",
                         reason=f"scheme {url.scheme!r}")
        if not url.host:
            raise BadURL("网址缺少主机名。", "The address has no host name.", reason="no host")
        if url.user is not None or url.password is not None:
            raise BadURL("网址不能包含用户名或密码。", "Addresses with a user name or password are not allowed.",
                         reason="userinfo")
        host = (url.raw_host or "").lower().rstrip(".")
        if url.port not in self.cfg.allowed_ports:
            raise Forbidden("不允许访问该端口。", "That port is not allowed.", reason=f"port {url.port}")
        ip = self.literal_ip(host)
        if ip is not None:
            self.check_ip(ip)
            if not self.host_allowed(str(ip)):
                raise Forbidden("不允许直接访问 IP 地址。", "Addresses given as IP numbers are not allowed.",
                                reason=f"ip literal {ip}")
        elif not self.host_allowed(host):
            raise Forbidden("此网站不在本代理的允许范围内。", "This proxy does not serve that site.",
                            reason=f"host {host} not allowed")
        return url

    @staticmethod
    def literal_ip(host: str) -> IPAddress | None:
        try:
            return ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return legacy_ipv4(host)

    def _privately_allowed(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.allowed_private if net.version == ip.version)

    def check_endpoint(self, ip: IPAddress, port: int) -> None:
        """Never the proxy itself, even where the operator allows private addresses (tests, intranets)."""
        if port in self.own_ports and (ip in self.own or ip.is_loopback or ip.is_unspecified):
            raise Forbidden("不能通过代理访问代理自身。", "The proxy cannot fetch its own pages.",
                            reason=f"own endpoint {ip}:{port}")
        self.check_ip(ip)

    def check_ip(self, ip: IPAddress) -> None:
        if self._privately_allowed(ip):
            return  # the operator's explicit exception (tests: the local upstream on 127.0.0.1)
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address):
            candidates += embedded_ipv4(ip)
        for c in candidates:
            if c in self.own or any(c in net for net in DENIED_NETWORKS if net.version == c.version):
                raise Forbidden("不允许访问内部网络地址。", "Internal network addresses are not allowed.",
                                reason=f"address {ip} denied")


class GuardedConnector(TCPConnector):
    """Checks every address that name resolution returns (and IP literals) before connecting to it."""

    def __init__(self, guard: Guard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.guard = guard
        self.checked = 0  # how many resolutions went through the hook; tests rely on it

    async def _resolve_host(self, host: str, port: int, traces: Any = None) -> list[Any]:
        results = await super()._resolve_host(host, port, traces=traces)
        for r in results:
            self.guard.check_endpoint(ipaddress.ip_address(r["host"]), port)
        self.checked += 1
        if not results:
            raise Forbidden("无法解析该网站地址。", "The site's name did not resolve.", reason="no addresses")
        return results
