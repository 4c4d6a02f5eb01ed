"""The forward door's life inside the server: made after the page service, stopped before it. Without the
`forward` extra (mitmproxy) it stays off with one log line, and everything else works as before."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from ..config import Config
from ..pages.service import PageService
from ..upstream.client import dns_resolver
from ..upstream.guard import Guard
from .prefs import PrefsStore
from .status import ForwardError, ForwardStatus

log = logging.getLogger("a11y_proxy.forward")


def ca_dir(cfg: Config) -> Path:
    return Path(cfg.forward.data_dir).expanduser() / "forward"


def own_server(cfg: Config) -> str:
    """This server's prefix door as the process itself reaches it."""
    host = cfg.server.host
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{cfg.server.port}" if ":" in host else f"http://{host}:{cfg.server.port}"


@asynccontextmanager
async def forward_door(cfg: Config, pages: PageService, guard: Guard, static: dict[str, tuple[bytes, str]], *,
                       resolver: aiohttp.abc.AbstractResolver | None = None, upstream_ca: str | None = None,
                       sock: socket.socket | None = None) -> AsyncIterator[ForwardStatus]:
    if not cfg.forward.enabled:
        yield ForwardStatus(False, "forward.enabled is false")
        return
    try:
        from .ca import load_or_create
        from .door import ForwardDoor
        from .parts import Parts
    except ImportError as e:
        log.warning("forward proxy (browser proxy) is off: %s is not installed; install the `forward` extra "
                    "(scripts/bootstrap does: pip install -e '.[forward]')", e.name)
        yield ForwardStatus(False, f"{e.name} is not installed")
        return
    try:
        ca = load_or_create(ca_dir(cfg), cfg.upstream.allowed_hosts)
    except (OSError, ValueError) as e:
        raise ForwardError(f"the forward proxy's CA cannot be made in {ca_dir(cfg)}: {e}") from None
    names = resolver or dns_resolver(cfg.upstream)  # tests hand in theirs (like the prefix door's)
    parts = Parts(cfg, pages, guard, names.resolve, PrefsStore(pages.cache, cfg.forward.default_mode), static,
                  own_server(cfg))
    if resolver is None:
        parts.closers.append(names.close)
    door = ForwardDoor(parts, ca, upstream_ca=upstream_ca, sock=sock)
    await door.start()
    try:
        yield ForwardStatus(True, "", door.listening.host, door.listening.port, ca, tuple(cfg.upstream.allowed_hosts))
    finally:
        await door.stop()
