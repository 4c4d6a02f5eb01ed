"""mitmproxy 11 embedded in the server's own event loop: a bare `Master` with the addons a regular proxy needs,
plus ours, behind a listener of our own.

Not `DumpMaster`: it loads ~30 addons, among them `errorcheck`, which calls `sys.exit()` on a start-up error
and would take the whole server down. The listener is ours (mitmproxy runs with `server=False`) so that a bind
failure is an error here, not a log line, and so that gunicorn's workers can share one socket bound by the
master (mitmproxy's own listener has no SO_REUSEPORT): each worker hands its accepted connections to
mitmproxy's `ServerInstance.handle_stream`. `Master` sets mitmproxy's module globals, so a process has one door
at a time.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from dataclasses import dataclass

from cryptography import x509
from mitmproxy.addons import core, disable_h2c, next_layer, proxyserver, tlsconfig
from mitmproxy.master import Master
from mitmproxy.options import Options
from mitmproxy.proxy.mode_servers import ServerInstance

from .addon import ForwardAddon, InsecureUpstream
from .ca import CertificateAuthority
from .parts import Parts
from .status import ForwardError

log = logging.getLogger("a11y_proxy.forward")
START_TIMEOUT = 30.0


@dataclass
class Listening:
    host: str
    port: int


class ForwardDoor:
    def __init__(self, parts: Parts, ca: CertificateAuthority, *, upstream_ca: str | None = None,
                 sock: socket.socket | None = None) -> None:
        self.parts = parts
        self.ca = ca
        self.upstream_ca = upstream_ca  # tests: a trustme CA; else the system's store, like the prefix door
        self.sock = sock  # bound by gunicorn's master and inherited by every worker
        self.addon = ForwardAddon(parts)
        self.master: Master | None = None
        self.task: asyncio.Task | None = None
        self.server: asyncio.AbstractServer | None = None
        self.listening: Listening | None = None

    async def start(self) -> None:
        started = time.perf_counter()
        cfg = self.parts.cfg
        if cfg.server.log_level != "debug":  # mitmproxy says "client connect" for every connection at INFO
            logging.getLogger("mitmproxy").setLevel(logging.WARNING)
        opts = Options(confdir=str(self.ca.dir), mode=["regular"], server=False, upstream_cert=False,
                       http2=True, ssl_insecure=False, ssl_verify_upstream_trusted_ca=self.upstream_ca or system_ca())
        self.master = Master(opts, event_loop=asyncio.get_running_loop())
        addons = [core.Core(), proxyserver.Proxyserver(), next_layer.NextLayer(), tlsconfig.TlsConfig(),
                  disable_h2c.DisableH2C()]
        if cfg.upstream.insecure_tls_hosts:
            addons.append(InsecureUpstream(set(cfg.upstream.insecure_tls_hosts)))  # after tlsconfig: it edits its work
        self.master.addons.add(*addons, self.addon)
        # options that addons define exist only once the addons are in; no body_size_limit: it would refuse
        # big uploads before any hook could let them stream
        opts.update(connection_strategy="eager", stream_large_bodies=str(cfg.upstream.max_html_bytes))
        self.task = asyncio.create_task(self.master.run(), name="mitmproxy")
        waiter = asyncio.create_task(self.addon.started.wait())
        done, _ = await asyncio.wait({self.task, waiter}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()
            await self.stop()
            raise ForwardError("mitmproxy did not start")
        self._check_ca()
        await self._listen()
        log.info("forward proxy (browser proxy) on %s:%d, started in %.3f s; CA %s", self.listening.host,
                 self.listening.port, time.perf_counter() - started, self.ca.fingerprint()[:23])

    def _check_ca(self) -> None:
        """A missing or unreadable CA file makes mitmproxy mint its own, unconstrained CA without a word."""
        store = self.master.addons.get("tlsconfig").certstore
        loaded = getattr(store.default_ca, "_cert", None)
        if not isinstance(loaded, x509.Certificate) or loaded != self.ca.cert:
            raise ForwardError(f"mitmproxy did not load this installation's CA from {self.ca.file}")

    async def _listen(self) -> None:
        cfg = self.parts.cfg.forward
        entry = ServerInstance.make("regular", self.master.addons.get("proxyserver"))
        try:
            if self.sock is not None:
                self.server = await asyncio.start_server(entry.handle_stream, sock=self.sock)
            else:
                self.server = await asyncio.start_server(entry.handle_stream, cfg.host, cfg.port)
        except OSError as e:
            await self.stop()
            raise ForwardError(f"the forward proxy cannot listen on {cfg.host}:{cfg.port}: "
                               f"{e.strerror or e}") from None
        host, port = self.server.sockets[0].getsockname()[:2]
        self.listening = Listening(host, port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        if self.master is not None:
            self.master.shutdown()
            if self.task is not None:
                try:
                    await asyncio.wait_for(self.task, 10)
                except (TimeoutError, asyncio.CancelledError):
                    self.task.cancel()
        await self.parts.close()


def system_ca() -> str | None:
    """The system's CA bundle, as the prefix door's ssl.create_default_context() uses (mitmproxy's own default
    would be certifi's)."""
    import ssl
    from pathlib import Path

    paths = ssl.get_default_verify_paths()
    return paths.cafile if paths.cafile and Path(paths.cafile).exists() else None
