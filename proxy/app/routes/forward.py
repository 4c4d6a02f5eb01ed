"""The browser proxy's pages on this server: `/proxy.pac` (allow-listed sites through the forward door, the
rest DIRECT) and `/ca` with the CA itself (`/ca.pem`, `/ca.cer`). The door runs in this process
(`proxy.forward`); when it does not, these say so."""

from __future__ import annotations

import re

from aiohttp import web

from transforms.render.pages import render_ca

from ...errors import ProxyError
from ...forward.pac import pac_file
from ...forward.status import ForwardStatus
from ..keys import CONFIG, FORWARD
from ..middlewares import html_headers, new_nonce, settings_of

_HOST = re.compile(r"^(?:[A-Za-z0-9\-]{1,63}\.)*[A-Za-z0-9\-]{1,63}$|^\[[0-9A-Fa-f:.]+\]$")
CA_TYPES = {"pem": "application/x-x509-ca-cert", "cer": "application/x-x509-ca-cert"}  # browsers offer to trust it


def running(request: web.Request) -> ForwardStatus:
    status = request.app[FORWARD]
    if not status.running:
        raise ProxyError("本服务器没有开启浏览器代理。", "This server does not run the browser proxy.", status=404,
                         reason=f"forward proxy off: {status.reason}")
    return status


def host_seen(request: web.Request) -> str:
    """The name the browser used to reach this server (without the port), when it is a plain host name."""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if _HOST.match(host):
        return host.strip("[]")
    configured = request.app[CONFIG].server.host
    return configured if configured not in ("", "0.0.0.0", "::") else "127.0.0.1"


def addresses(request: web.Request, status: ForwardStatus) -> dict[str, str]:
    """The PAC file's URL and the proxy's address, as this browser can reach them."""
    host = host_seen(request)
    here = f"[{host}]" if ":" in host else host
    port = request.url.explicit_port  # as the browser named it (none: the scheme's own)
    return {"pac_url": f"{request.scheme}://{here}{f':{port}' if port else ''}/proxy.pac",
            "proxy": status.proxy_address(host)}


async def pac(request: web.Request) -> web.Response:
    status = running(request)
    body = pac_file(list(status.allowed_hosts), status.proxy_address(host_seen(request)))
    return web.Response(text=body, content_type="application/x-ns-proxy-autoconfig",
                        headers={"Cache-Control": "no-cache", "Vary": "Host"})


async def ca_page(request: web.Request) -> web.Response:
    status = running(request)
    ca = status.ca
    nonce = new_nonce()
    body = render_ca(permitted=ca.permitted, sha256=ca.fingerprint("sha256"), sha1=ca.fingerprint("sha1"),
                     expires=ca.expires.strftime("%Y-%m-%d"), settings=settings_of(request), nonce=nonce,
                     **addresses(request, status))
    return web.Response(text=body, content_type="text/html",
                        headers={**html_headers(nonce), "Vary": "Host, Cookie, Accept-Language"})


async def ca_file(request: web.Request) -> web.Response:
    ca = running(request).ca
    kind = request.match_info["kind"]
    return web.Response(body=ca.pem if kind == "pem" else ca.der, content_type=CA_TYPES[kind],
                        headers={"Content-Disposition": f'attachment; filename="a11y-proxy-ca.{kind}"',
                                 "Cache-Control": "no-cache"})
