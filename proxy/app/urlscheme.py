"""The proxy's URL scheme: `/<mode>/<absolute upstream url>` and the helpers that build such links."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from ..errors import BadURL
from ..pages.service import LinkPolicy

_SCHEME_SLASHES = re.compile(r"^(https?):/+", re.I)
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
SETTINGS_COOKIE = "a11y_settings"  # holds Settings.encode(); the toolbar writes it too


def target_from_path(raw_path: str, mode: str, max_length: int) -> str:
    """The upstream URL from the raw request path (query string kept, as the user typed it)."""
    return target(raw_path[len(mode) + 2:], max_length)


def target(raw: str, max_length: int) -> str:
    """The upstream URL a user gave (path or `?url=`), bounded in length, normalised."""
    if len(raw) > max_length:
        raise BadURL("网址过长。", "The address is too long.", status=414, reason="url too long")
    return normalise_target(raw)


@lru_cache(maxsize=4096)  # the same pages are asked for again and again
def normalise_target(rest: str) -> str:
    rest = rest.strip()
    if not rest:
        raise BadURL("请提供要打开的网址。", "Please give the address of a page.", reason="empty url")
    # Proxies and browsers collapse `//` in paths: https:/www.gov.cn -> https://www.gov.cn
    rest = _SCHEME_SLASHES.sub(lambda m: m.group(1).lower() + "://", rest)
    if rest.startswith("//"):
        rest = "https:" + rest
    elif not _HAS_SCHEME.match(rest) or rest.split(":", 1)[0].isdigit():
        rest = "https://" + rest  # a bare host gets https
    return rest


def proxied(url: str, mode: str) -> str:
    """Root-relative link to `url` in `mode`. `#` must be escaped or the browser keeps it for itself."""
    base, _, fragment = url.partition("#")
    return f"/{mode}/{quote(base, safe=':/?&=%@+,;~!$*()[].-_')}" + (f"#{fragment}" if fragment else "")


def asset(url: str) -> str:
    return "/asset?url=" + quote(url, safe="")


def audio(url: str) -> str:
    return "/audio?url=" + quote(url, safe="")


# what the prefix door hands the page service: every link, image and audio goes through this server
PREFIX_LINKS = LinkPolicy("prefix", proxied, asset, audio)

