"""What the forward door (browser proxy) costs: start-up, the overlay splice per page, and the time a request
takes through it against the same request made directly to the site.

    .venv/bin/python bench/forward.py [--requests N]

Runs the fake www.example.gov.cn of the tests (HTTPS with a trustme certificate, and plain HTTP) and the proxy
with its forward door, all on this machine; one keep-alive connection per column, requests interleaved across
the columns so that a busy machine slows them alike. Needs the `forward` extra.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import re
import ssl
import time
from collections.abc import Callable

from common import corpus, machine, median, table

from tests.support.forward_env import SITE, ForwardEnv, start_forward_env, stop_forward_env
from transforms.context import Context, Settings
from transforms.render.overlay import overlay_document


class StartTime(logging.Handler):
    seconds: float | None = None

    def emit(self, record: logging.LogRecord) -> None:
        m = re.search(r"started in ([0-9.]+) s", record.getMessage())
        if m:
            StartTime.seconds = float(m.group(1))


def splice_costs() -> list[tuple[str, int, float]]:
    """(page, bytes, median ms) of overlay_document over the corpus pages."""
    ctx = Context(url=f"https://{SITE}/a.html", mode="orig", settings=Settings(), own_base="/.well-known/a11y-proxy")
    rows = []
    for path in corpus():
        body = path.read_bytes()
        times = []
        for _ in range(15):
            start = time.perf_counter()
            overlay_document(body, ctx, nonce="N", lang=lambda: "zh-CN", csp_headers=["default-src 'self'"],
                             csp_report_only=[], inline_asset=lambda name: "")
            times.append((time.perf_counter() - start) * 1000)
        rows.append((path.name, len(body), median(times)))
    return rows


def client(env: ForwardEnv, tls: bool, through_door: bool, nav: bool = True) -> Callable[[str], int]:
    """One keep-alive connection; returns a function that GETs a path and returns the body's length."""
    port = env.https.port if tls else env.http.port
    headers = {"Sec-Fetch-Dest": "document" if nav else "image", "Sec-Fetch-Site": "none",
               "Accept": "text/html,*/*", "Host": f"{SITE}:{port}"}
    if through_door and tls:
        conn: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", env.forward_port, timeout=30,
                                                                       context=env.client_context())
        conn.set_tunnel(SITE, port)
    elif through_door:
        conn = http.client.HTTPConnection("127.0.0.1", env.forward_port, timeout=30)
    elif tls:
        ctx = ssl.create_default_context(cadata=env.trust.cert_pem.bytes().decode())
        ctx.check_hostname = False
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ctx)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(path: str) -> int:
        target = f"http://{SITE}:{port}{path}" if through_door and not tls else path
        conn.request("GET", target, headers=headers)
        resp = conn.getresponse()
        return len(resp.read())

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per column (median taken)")
    args = parser.parse_args()
    logging.getLogger("a11y_proxy.forward").addHandler(StartTime())
    logging.getLogger("a11y_proxy.forward").setLevel(logging.INFO)
    print(machine())
    env = start_forward_env()
    try:
        fetch = {"overlay": client(env, False, True)}
        fetch["overlay"](f"/?a11y-mode=overlay&t={time.time()}")  # this client's mode
        columns = {
            "page, direct (http)": (client(env, False, False), "/"),
            "page, overlay through the door (http)": (client(env, False, True), "/"),
            "page, direct (https)": (client(env, True, False), "/"),
            "page, overlay through the door (https)": (client(env, True, True), "/"),
            "image, direct (https)": (client(env, True, False, nav=False), "/img/photo.png"),
            "image, through the door (https)": (client(env, True, True, nav=False), "/img/photo.png"),
        }
        times: dict[str, list[float]] = {name: [] for name in columns}
        sizes: dict[str, int] = {}
        for _ in range(args.requests):
            for name, (get, path) in columns.items():
                start = time.perf_counter()
                sizes[name] = get(path)
                times[name].append((time.perf_counter() - start) * 1000)
        rows = [(name, sizes[name], median(times[name]),
                 median(times[name]) / median(times[name.replace("overlay through the door", "direct")
                                                     .replace("through the door", "direct")]))
                for name in columns]
        print(f"\nforward door start-up (mitmproxy Master, CA check, listener; not counted: the mitmproxy import and "
              f"making or loading the CA before it): "
              f"{(StartTime.seconds or float('nan')) * 1000:.1f} ms\n")
        print(table(["request (one keep-alive connection each)", "bytes", "median ms", "× direct"], rows))
        splices = splice_costs()
        print()
        print(table(["page (overlay splice, pure function)", "bytes", "median ms"], splices))
        per_mb = median([ms / (size / 1e6) for _, size, ms in splices if size > 10_000])
        print(f"\noverlay splice: median {median([ms for *_, ms in splices]):.2f} ms per page, "
              f"{per_mb:.1f} ms per MB (pages over 10 kB)")
    finally:
        stop_forward_env(env)


if __name__ == "__main__":
    main()
