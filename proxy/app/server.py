"""The aiohttp application: services built once at start-up, the middleware stack and the routes, each
declared once, in order (order is behaviour)."""

from __future__ import annotations

import contextlib
import logging
import socket

import aiohttp
from aiohttp import web

from ..cache.factory import make_cache
from ..config import Config
from ..forward.start import forward_door
from ..metrics import Metrics
from ..pages.render_pool import RenderPool
from ..pages.service import PageService
from ..upstream.client import Upstream
from ..upstream.guard import Guard
from ..upstream.sources import make_sources
from .access_log import AccessLog
from .keys import ACCESS_LOG, CONFIG, FORWARD, METRICS, SERVICES, STATIC
from .lowlevel import answer_malformed_requests
from .middlewares import FIXED_HEADERS, SANDBOX_CSP, TokenBuckets, access, admission, errors, on_prepare
from .routes import audio as routes_audio
from .routes import feed as routes_feed
from .routes import forward as routes_forward
from .routes import settings as routes_settings
from .routes.pages import api_article, asset, client_address, page
from .routes.site import go, healthz, home, load_static, metrics, static

log = logging.getLogger("a11y_proxy")


def own_addresses() -> set[str]:
    """Addresses of this machine, so that the proxy refuses to fetch itself."""
    found = {"127.0.0.1", "::1"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            found.add(str(info[4][0]))
    except OSError:
        pass
    return found


def create_app(cfg: Config, resolver: aiohttp.abc.AbstractResolver | None = None, *,
               forward_upstream_ca: str | None = None, forward_sock: socket.socket | None = None) -> web.Application:
    """`resolver` and `forward_upstream_ca` (a CA file the forward door trusts for sites' TLS) are test hooks;
    `forward_sock` is the forward door's listening socket when gunicorn's master bound it for every worker."""
    buckets = TokenBuckets(cfg.server.rate_limit_per_minute, cfg.server.rate_limit_burst)
    app = web.Application(
        middlewares=[access, errors, admission(buckets, client_address)],
        client_max_size=64 * 1024,
        handler_args={"max_line_size": cfg.server.max_url_length + 64, "max_field_size": 8190},
    )
    app[CONFIG] = cfg
    app[ACCESS_LOG] = AccessLog(logging.getLogger("a11y_proxy.access"))
    app[METRICS] = Metrics()
    app[STATIC] = load_static()
    answer_malformed_requests(app, {**FIXED_HEADERS, "Content-Security-Policy": SANDBOX_CSP})

    async def services(app: web.Application):  # cleanup context: one of each for the app's lifetime
        # each one is closed from the moment it exists, so a failed start-up leaks no session or process
        async with contextlib.AsyncExitStack() as stack:
            ports = {cfg.server.port, *([cfg.forward.port] if cfg.forward.enabled else [])}
            guard = Guard(cfg.upstream, own_addresses(), own_ports=ports)
            upstream = Upstream(cfg.upstream, guard, resolver)
            stack.push_async_callback(upstream.close)
            await upstream.start()
            sources = make_sources(cfg, guard, upstream)
            pool = RenderPool(cfg.transform.workers, cfg.transform.page_timeout)
            stack.callback(pool.close)
            cache = make_cache(cfg.cache)
            stack.push_async_callback(cache.close)
            app[SERVICES] = PageService(cfg, sources, cache, pool, app[METRICS])
            await pool.warm_up()
            app[FORWARD] = await stack.enter_async_context(forward_door(
                cfg, app[SERVICES], guard, app[STATIC], resolver=resolver, upstream_ca=forward_upstream_ca,
                sock=forward_sock))
            async with app[ACCESS_LOG].running():
                yield

    app.cleanup_ctx.append(services)
    app.on_response_prepare.append(on_prepare)  # security headers on streamed responses too
    # the page route first: it is nearly every request, and aiohttp tries dynamic routes in order
    app.router.add_get(r"/{mode:(read|elder|a11y|text|orig)}/{url:.*}", page)
    app.router.add_get("/", home)
    app.router.add_get("/go", go)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/asset", asset)
    app.router.add_get("/api/article", api_article)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/proxy.pac", routes_forward.pac)
    app.router.add_get("/ca", routes_forward.ca_page)
    app.router.add_get(r"/ca.{kind:(pem|cer)}", routes_forward.ca_file)
    app.router.add_get("/metrics", metrics)
    routes_audio.setup(app)
    routes_feed.setup(app)
    routes_settings.setup(app)
    return app
