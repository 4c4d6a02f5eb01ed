"""The forward door under test: the proxy (both doors) with its forward door on, the fake www.example.gov.cn over
HTTPS (trustme) and plain HTTP, names that resolve to internal addresses, and a sentinel that counts any
connection that slipped past the guard. Only test hooks differ from production: the resolver and the CA the
door trusts for the sites' TLS (`create_app(resolver=, forward_upstream_ca=)`)."""

from __future__ import annotations

import http.client
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import trustme

from proxy.app.keys import FORWARD
from proxy.app.server import create_app
from tests.conftest import test_config
from tests.support.gov_site import make_gov_app
from tests.support.servers import MapResolver, ThreadServer, free_port

SITE = "www.example.gov.cn"
OTHER_SITE = "other.example.gov.cn"
INTERNAL = "intranet.example.gov.cn"  # resolves to 127.0.0.2: a loopback address the guard refuses
REBIND = "rebind.example.gov.cn"  # 127.0.0.1 at the first lookup, 127.0.0.2 afterwards
BROKEN = "broken.example.gov.cn"  # a certificate no trusted CA signed, listed in upstream.insecure_tls_hosts
STILL_BROKEN = "stillbroken.example.gov.cn"  # the same server and certificate, not listed
SENTINEL = "127.0.0.2"
PASSTHROUGH_CAP = 1024 * 1024


class RebindingResolver(MapResolver):
    """MapResolver, plus names whose answer changes between lookups (DNS rebinding)."""

    def __init__(self, table: dict[str, str], sequences: dict[str, list[str]]) -> None:
        super().__init__(table)
        self.sequences = sequences

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[dict[str, Any]]:
        if host in self.sequences:
            self.calls.append(host)
            answers = self.sequences[host]
            addr = answers[min(self.calls.count(host) - 1, len(answers) - 1)]
            return [{"hostname": host, "host": addr, "port": port, "family": socket.AF_INET, "proto": 0,
                     "flags": socket.AI_NUMERICHOST}]
        return await super().resolve(host, port, family)


class Sentinel:
    """Listens on 127.0.0.2 at the sites' ports: any connection there is one the guard should have refused."""

    def __init__(self, ports: list[int]) -> None:
        self.hits = 0
        self.socks = []
        for port in ports:
            s = socket.create_server((SENTINEL, port))
            s.settimeout(0.2)
            self.socks.append(s)
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping:
            for s in self.socks:
                try:
                    conn, _ = s.accept()
                except (TimeoutError, OSError):
                    continue
                self.hits += 1
                conn.close()

    def stop(self) -> None:
        self.stopping = True
        self.thread.join(5)
        for s in self.socks:
            s.close()


@dataclass
class ForwardEnv:
    proxy: ThreadServer
    https: ThreadServer
    http: ThreadServer
    broken: ThreadServer
    state: dict
    forward_port: int
    trust: trustme.CA
    data_dir: Path
    resolver: RebindingResolver
    sentinel: Sentinel
    extra: dict = field(default_factory=dict)

    @property
    def status(self) -> Any:
        return self.proxy.runner.app[FORWARD]  # type: ignore[union-attr]

    @property
    def ca(self) -> Any:
        return self.status.ca

    def url(self, path: str = "/", host: str = SITE, tls: bool = True) -> str:
        port = self.https.port if tls else self.http.port
        return f"{'https' if tls else 'http'}://{host}:{port}{path}"

    def client_context(self) -> ssl.SSLContext:
        """A TLS client that trusts only this installation's CA (OpenSSL checks its Name Constraints)."""
        ctx = ssl.create_default_context(cadata=self.ca.pem.decode())
        return ctx

    def hits(self, path: str) -> int:
        return self.state["hits"][path]


def start_forward_env() -> ForwardEnv:
    state: dict = {}
    trust = trustme.CA()
    leaf = trust.issue_cert(SITE, OTHER_SITE, REBIND, INTERNAL)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(server_ctx)
    https = ThreadServer(lambda: make_gov_app(state), ssl_context=server_ctx).start()
    broken_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert(BROKEN, STILL_BROKEN).configure_cert(broken_ctx)  # a CA nobody trusts
    broken = ThreadServer(lambda: make_gov_app(state), ssl_context=broken_ctx).start()
    http = ThreadServer(lambda: make_gov_app(state)).start()
    sentinel = Sentinel([https.port, http.port])
    data_dir = Path(tempfile.mkdtemp(prefix="a11y-forward-"))
    trust_file = data_dir / "upstream-ca.pem"
    trust.cert_pem.write_to_path(str(trust_file))
    cfg = test_config(https.port)
    cfg.upstream.allowed_ports = [80, 443, https.port, http.port, broken.port]
    cfg.upstream.insecure_tls_hosts = [BROKEN]
    cfg.upstream.max_passthrough_bytes = PASSTHROUGH_CAP
    cfg.forward.enabled = True
    cfg.forward.port = free_port()
    cfg.forward.data_dir = str(data_dir)
    resolver = RebindingResolver({SITE: "127.0.0.1", OTHER_SITE: "127.0.0.1", INTERNAL: SENTINEL,
                                  BROKEN: "127.0.0.1", STILL_BROKEN: "127.0.0.1"},
                                 {REBIND: ["127.0.0.1", SENTINEL]})
    cfg.server.port = free_port()  # as `serve` runs it: the door reaches this server's own routes (speech)
    proxy = ThreadServer(lambda: create_app(cfg, resolver=resolver, forward_upstream_ca=str(trust_file)),
                         port=cfg.server.port).start()
    proxy.cfg = cfg  # type: ignore[attr-defined]
    return ForwardEnv(proxy, https, http, broken, state, cfg.forward.port, trust, data_dir, resolver, sentinel)


def stop_forward_env(env: ForwardEnv) -> None:
    env.proxy.stop()
    env.https.stop()
    env.http.stop()
    env.broken.stop()
    env.sentinel.stop()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(env: ForwardEnv, url: str, method: str = "GET", body: bytes | None = None, nav: bool = True,
          headers: dict[str, str] | None = None) -> Answer:
    """One request through the forward door, as a browser makes it (https: CONNECT, then TLS that trusts only
    our CA; http: an absolute-form request). `nav`: a top-level page load (Sec-Fetch-Dest: document)."""
    parts = urlsplit(url)
    sent = {"Sec-Fetch-Dest": "document" if nav else "empty", "Sec-Fetch-Site": "none",
            "Accept": "text/html,*/*", "Accept-Encoding": "identity", **(headers or {})}
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", env.forward_port, timeout=30,
                                                                       context=env.client_context())
        conn.set_tunnel(parts.hostname or "", parts.port or 443)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        conn = http.client.HTTPConnection("127.0.0.1", env.forward_port, timeout=30)
        target = url
    try:
        conn.request(method, target, body=body, headers=sent)
        resp = conn.getresponse()
        return Answer(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def raw_connect(env: ForwardEnv, target: str) -> bytes:
    """A bare CONNECT and what comes back before the door closes the connection (or two idle seconds)."""
    with socket.create_connection(("127.0.0.1", env.forward_port), timeout=10) as s:
        s.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        data = b""
        s.settimeout(2)
        try:
            while chunk := s.recv(65536):
                data += chunk
        except TimeoutError:
            pass
        return data
