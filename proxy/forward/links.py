"""How pages served by the forward door address things: at their real URLs, on the site's own origin.

Links stay the real URLs (the browser goes to them through the proxy), images load from the site, and our own
files and endpoints live under `OWN_BASE` on every site's origin, where the door answers them itself. Switching
mode keeps the address too: a link to the same URL with `?a11y-mode=elder`, which the door takes off (it never
reaches the site), remembers for the reader, and redirects back to the clean URL.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from ..pages.service import LinkPolicy

OWN_BASE = "/.well-known/a11y-proxy"  # RFC 8615: a path no site uses for its own pages
MODE_PARAM = "a11y-mode"
RENDERED = ("elder", "a11y", "read", "text")  # modes made by the page service; "overlay" is the live page
MODES = ("overlay", *RENDERED)


def mode_of(prefix_mode: str) -> str:
    """The transforms' mode names are the prefix door's: there `orig` is the cleaned copy, here the live page."""
    return "overlay" if prefix_mode == "orig" else prefix_mode


def page_link(current: str, url: str, mode: str) -> str:
    """A link to `url` in `mode`, from a page shown in `current`: the URL itself, or a mode switch."""
    if mode_of(mode) == current:
        return url
    return with_mode(url, mode_of(mode))


def with_mode(url: str, mode: str) -> str:
    base, _, fragment = url.partition("#")
    clean, _ = without_mode(base)
    parts = urlsplit(clean)
    query = (parts.query + "&" if parts.query else "") + f"{MODE_PARAM}={quote(mode)}"
    return urlunsplit(parts._replace(query=query)) + (f"#{fragment}" if fragment else "")


def without_mode(url: str) -> tuple[str, str | None]:
    """(the URL without our parameter, the mode it asked for). The rest of the query stays byte for byte."""
    parts = urlsplit(url)
    kept, mode = [], None
    for item in parts.query.split("&") if parts.query else []:
        key, _, value = item.partition("=")
        if unquote_plus(key) == MODE_PARAM:
            mode = unquote_plus(value)
        else:
            kept.append(item)
    if mode is None:
        return url, None
    return urlunsplit(parts._replace(query="&".join(kept))), mode


def own_asset(url: str) -> str:
    return url


def own_audio(url: str) -> str:
    return f"{OWN_BASE}/audio?url=" + quote(url, safe="")


FORWARD_LINKS = {mode: LinkPolicy("forward", partial(page_link, mode), own_asset, own_audio, own_base=OWN_BASE,
                                  original_url=partial(with_mode, mode="overlay"))
                 for mode in MODES}
