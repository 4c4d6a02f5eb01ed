"""Loading one page for the command line: a URL (through the same sources as the server), a file, or stdin."""

from __future__ import annotations

import sys
from pathlib import Path

from transforms.context import Context

from ..config import Config
from ..errors import ProxyError
from ..upstream.client import USABLE, Upstream
from ..upstream.decode import decode
from ..upstream.guard import Guard
from ..upstream.sources import make_sources
from .errors import CLIError


async def fetch_bytes(cfg: Config, url: str) -> tuple[bytes, str, str]:
    """(body, content type, final url) of an upstream page."""
    guard = Guard(cfg.upstream)
    upstream = Upstream(cfg.upstream, guard)
    await upstream.start()
    try:
        f = await make_sources(cfg, guard, upstream).fetch(url, cfg.upstream.max_html_bytes,
                                                           cfg.upstream.timeout.total + 1)
    except ProxyError as e:
        raise CLIError(f"{url}: {e.log_reason}") from None
    finally:
        await upstream.close()
    if f.status not in USABLE:
        raise CLIError(f"{url}: upstream answered HTTP {f.status}")
    return f.body, f.headers.get("content-type", ""), f.url


async def load_source(cfg: Config, source: str, base_url: str | None) -> tuple[str, str]:
    if source.startswith(("http://", "https://")):
        body, ctype, url = await fetch_bytes(cfg, source)
        return decode(body, ctype), url
    if source == "-":
        body = sys.stdin.buffer.read()
    else:
        try:
            body = Path(source).read_bytes()
        except OSError as e:
            raise CLIError(f"cannot read {source}: {e.strerror}") from None
    return decode(body), base_url or (Path(source).resolve().as_uri() if source != "-" else "about:blank")


def offline_context(cfg: Config, url: str, mode: str) -> Context:
    return Context(url=url, mode=mode, host_allowed=make_sources(cfg, Guard(cfg.upstream)).host_allowed,
                   audio_available=False)
