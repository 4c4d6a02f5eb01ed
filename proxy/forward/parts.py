"""What the forward door's hooks work with, made once at start-up from the server's own services."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from ..config import Config
from ..pages.service import PageService
from ..upstream.guard import Guard
from .prefs import PrefsStore

Resolve = Callable[[str, int], Awaitable[list[dict[str, Any]]]]


@dataclass
class Parts:
    cfg: Config
    pages: PageService  # the prefix door's: one cache, one render pool
    guard: Guard  # the prefix door's rules: allow-list, ports, addresses after DNS
    resolve: Resolve  # aiohttp's resolver interface: host, port -> [{"host": address, ...}]
    prefs: PrefsStore
    static: dict[str, tuple[bytes, str]]  # our own files by name: (bytes, content type)
    own_server: str  # the prefix door as this process reaches it (speech), e.g. http://127.0.0.1:8080
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    session: aiohttp.ClientSession | None = None  # to own_server

    def __post_init__(self) -> None:
        self.allowed_clients = [ipaddress.ip_network(n, strict=False) for n in self.cfg.forward.allowed_clients]

    def client_allowed(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.rsplit("%", 1)[0])
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.allowed_clients if net.version == ip.version)

    def http(self) -> aiohttp.ClientSession:
        if self.session is None:
            self.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.cfg.speech.job_timeout + 30), trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False)
        return self.session

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None
        for close in self.closers:
            await close()
        self.closers.clear()
