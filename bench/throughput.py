"""Requests/s and latency of the proxy against a local upstream, with the upstream itself as the limit.

    .venv/bin/python bench/throughput.py [--seconds 8] [--connections 10] [--page FILE] [--cache-mb 8]

Three processes on 127.0.0.1: a local upstream (aiohttp, this file with --serve-upstream), the proxy
(`python -m proxy serve` with a generated config that allows that upstream), and the load generator
(wrk when installed, else an aiohttp client, this file with --load). Each phase is bounded in time.
Phases: the page and the proxy's cached output bytes straight from the upstream (the limit); a cached
transformed page; uncached pages (a unique query string per request: fetch + transform every time); a PDF
passed through. Meanwhile the proxy's RSS (main process and render workers) is sampled, and the uncached
phase runs twice, each time writing at least twice the (small) cache bound of new entries, so a flat RSS
from the first to the second shows the bound is honoured. Compared rows run interleaved, in rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, SHARED_CORPUS, descendants, machine, median, rss_kib, table

DEFAULT_PAGE = SHARED_CORPUS / "ia-a0cb0242.html"  # a 41 KiB GB18030 news article
FALLBACK_PAGE = ROOT / "proxy" / "upstream" / "sample" / "article.html"
PDF_BYTES = 256 * 1024
FILL_MAX_SECONDS = 60  # bound on each cache-filling phase


# ------------------------------------------------------------------------------------------ upstream
def serve_upstream(port: int, page: Path) -> None:
    from aiohttp import web

    body = page.read_bytes()
    pdf = b"%PDF-1.4\n" + os.urandom(PDF_BYTES) + b"\n%%EOF\n"
    state = {"mirror": b""}

    async def html(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": "text/html"})

    async def mirror(request: web.Request) -> web.Response:
        if request.method == "PUT":
            state["mirror"] = await request.read()
            return web.Response(text="ok")
        return web.Response(body=state["mirror"], headers={"Content-Type": "text/html; charset=utf-8"})

    async def file(request: web.Request) -> web.Response:
        return web.Response(body=pdf, headers={"Content-Type": "application/pdf"})

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_get("/page.html", html)
    app.router.add_route("*", "/mirror", mirror)
    app.router.add_get("/file.pdf", file)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


# ------------------------------------------------------------------------------------------ load
@dataclass
class Result:
    name: str
    rps: float = 0.0
    p50: float = float("nan")
    p99: float = float("nan")
    requests: int = 0
    errors: int = 0
    kib: float = 0.0  # response size
    rss: dict[str, int] = field(default_factory=dict)


WRK_UNIQUE = """
counter = 0
math.randomseed(os.time())
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?u=" .. counter .. "-" .. math.random(1000000000))
end
"""


def wrk(url: str, seconds: float, connections: int, unique: bool, workdir: Path) -> Result:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    if unique:
        script = workdir / "unique.lua"
        script.write_text(WRK_UNIQUE)
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    r = Result("")
    m = re.search(r"Requests/sec:\s*([\d.]+)", out)
    r.rps = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", out)
    r.requests = int(m.group(1)) if m else 0
    for pct, attr in (("50", "p50"), ("99", "p99")):
        m = re.search(rf"^\s*{pct}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if m:
            setattr(r, attr, float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)])
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r.errors = errors + (int(m.group(1)) if m else 0)
    if not m and r.requests == 0:
        print(out, file=sys.stderr)
    return r


def aiohttp_load(url: str, seconds: float, connections: int, unique: bool) -> dict:
    """The fallback generator (a subprocess running this); slower than wrk, so it understates the servers."""
    import aiohttp

    lat: list[float] = []
    errors = 0
    n = 0

    async def worker(session: aiohttp.ClientSession, deadline: float) -> None:
        nonlocal errors, n
        while time.monotonic() < deadline:
            n += 1
            t = time.perf_counter()
            try:
                async with session.get(f"{url}?u={os.getpid()}-{n}" if unique else url) as r:
                    await r.read()
                    errors += r.status >= 400
            except aiohttp.ClientError:
                errors += 1
            lat.append(time.perf_counter() - t)

    async def main() -> float:
        conn = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(10)) as s:
            t = time.monotonic()
            await asyncio.gather(*(worker(s, t + seconds) for _ in range(connections)))
            return time.monotonic() - t

    took = asyncio.run(main())
    lat.sort()
    pick = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: float("nan"))
    return {"rps": len(lat) / took, "p50": pick(0.5), "p99": pick(0.99), "requests": len(lat), "errors": errors}


def load(url: str, seconds: float, connections: int, unique: bool, workdir: Path) -> Result:
    if shutil.which("wrk"):
        return wrk(url, seconds, connections, unique, workdir)
    out = subprocess.run([sys.executable, __file__, "--load", url, str(seconds), str(connections),
                          "1" if unique else "0"], capture_output=True, text=True, timeout=seconds + 60)
    d = json.loads(out.stdout)
    return Result("", d["rps"], d["p50"], d["p99"], d["requests"], d["errors"])


# ------------------------------------------------------------------------------------------ processes
class RssSampler(threading.Thread):
    """Peak RSS of the proxy (main process, and main + render workers) while a phase runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_main = self.peak_all = 0
        self.stop_flag = threading.Event()

    def run(self) -> None:
        while not self.stop_flag.is_set():
            main = rss_kib(self.pid)
            total = main + sum(rss_kib(p) for p in descendants(self.pid))
            self.peak_main, self.peak_all = max(self.peak_main, main), max(self.peak_all, total)
            self.stop_flag.wait(0.2)

    def stop(self) -> dict[str, int]:
        self.stop_flag.set()
        self.join()
        return {"main": self.peak_main // 1024, "all": self.peak_all // 1024}


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench/throughput.py: {proc.args[:4]} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"bench/throughput.py: {url} did not answer in {timeout}s")


def fetch(url: str, data: bytes | None = None, method: str = "GET") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method), timeout=30) as r:
        return r.read()


def write_config(path: Path, up_port: int, cache_mb: int, render_workers: int, log_level: str = "info",
                 redis_url: str = "") -> None:
    import yaml

    cache = {"backend": "redis", "redis_url": redis_url} if redis_url else {}
    path.write_text(yaml.safe_dump({
        "server": {"rate_limit_per_minute": 10_000_000, "rate_limit_burst": 1_000_000, "log_level": log_level},
        "upstream": {"allowed_hosts": ["127.0.0.1"], "allowed_ports": [up_port],
                     "allow_private_addresses": ["127.0.0.1/32"]},
        "cache": {"max_bytes": cache_mb * 1024 * 1024, **cache},
        "transform": {"workers": render_workers},
        "speech": {"enabled": False},
        "forward": {"enabled": False},  # the prefix door is measured; several instances run side by side
    }))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------ run
def run(args: argparse.Namespace) -> None:
    page = args.page if args.page else (DEFAULT_PAGE if DEFAULT_PAGE.is_file() else FALLBACK_PAGE)
    gen = "wrk" if shutil.which("wrk") else "aiohttp client (wrk not installed)"
    print(f"# bench/throughput.py: page {page.name} ({page.stat().st_size // 1024} KiB), {args.seconds:g}s per "
          f"phase, {args.connections} connections, load generator {gen}\n# machine: {machine()}\n")
    up_port, px_port, quiet_port, redis_port, shared_port = (free_port() for _ in range(5))
    with_redis = bool(shutil.which("redis-server")) and not args.no_redis
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cfg, quiet_cfg = work / "config.yaml", work / "quiet.yaml"
        write_config(cfg, up_port, args.cache_mb, args.render_workers)
        write_config(quiet_cfg, up_port, args.cache_mb, 1, log_level="warning")
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        write_config(work / "shared.yaml", up_port, args.cache_mb, 1, redis_url=redis_url)
        log = (work / "proxy.log").open("w")
        try:
            if with_redis:  # a throwaway redis-server, and one more proxy using it as its cache
                procs.append(subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                                               "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL))
                shared = subprocess.Popen([sys.executable, "-m", "proxy", "--config", str(work / "shared.yaml"),
                                           "serve", "--port", str(shared_port)], cwd=ROOT, stdout=log,
                                          stderr=subprocess.STDOUT)
                procs.append(shared)
            upstream = subprocess.Popen([sys.executable, __file__, "--serve-upstream", str(up_port), str(page)])
            procs.append(upstream)
            proxy = subprocess.Popen([sys.executable, "-m", "proxy", "--config", str(cfg), "serve", "--port",
                                      str(px_port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            procs.append(proxy)
            # the same proxy without its per-request access log line (behind nginx, which logs every request)
            quiet = subprocess.Popen([sys.executable, "-m", "proxy", "--config", str(quiet_cfg), "serve", "--port",
                                      str(quiet_port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            procs.append(quiet)
            up = f"http://127.0.0.1:{up_port}"
            px = f"http://127.0.0.1:{px_port}"
            wait_http(up + "/page.html", upstream)
            wait_http(px + "/healthz", proxy)
            wait_http(f"http://127.0.0.1:{quiet_port}/healthz", quiet)
            target = f"{px}/elder/{up}/page.html"
            quiet_target = f"http://127.0.0.1:{quiet_port}/elder/{up}/page.html"
            shared_target = f"http://127.0.0.1:{shared_port}/elder/{up}/page.html"
            output = fetch(target)  # now cached
            assert fetch(quiet_target) == output
            if with_redis:
                wait_http(f"http://127.0.0.1:{shared_port}/healthz", shared)
                assert fetch(shared_target) == output
            fetch(up + "/mirror", output, "PUT")
            results = []

            def phase(name: str, url: str, kib: float, unique: bool = False, pid: int = proxy.pid,
                      seconds: float = args.seconds) -> Result:
                sampler = RssSampler(pid)
                sampler.start()
                r = load(url, seconds, args.connections, unique, work)
                r.name, r.kib, r.rss = name, kib, sampler.stop()
                health = json.loads(fetch(px + "/healthz"))["cache"]
                r.rss["cache_mib"] = health.get("bytes", 0) / 1048576
                print(f"  {name}: {r.rps:.0f} req/s", file=sys.stderr)
                return r

            out_kib = len(output) / 1024
            compared = [("upstream: the page itself", up + "/page.html", page.stat().st_size / 1024, proxy.pid),
                        ("upstream: the cached output's bytes", up + "/mirror", out_kib, proxy.pid),
                        ("proxy: cached elder page", target, out_kib, proxy.pid),
                        ("proxy, log_level warning: cached elder page", quiet_target, out_kib, quiet.pid)]
            if with_redis:
                compared.append(("proxy, redis cache: cached elder page", shared_target, out_kib, shared.pid))
            rounds: dict[str, list[Result]] = {}
            for _ in range(args.rounds):  # interleaved, so a neighbour's burst of load hits every row alike
                for name, url, kib, pid in compared:
                    rounds.setdefault(name, []).append(phase(name, url, kib, pid=pid,
                                                             seconds=args.seconds / args.rounds))
            results = [merge(rs) for rs in rounds.values()]
            results.append(phase("upstream: the PDF", up + "/file.pdf", PDF_BYTES / 1024))
            for which in ("1st", "2nd"):  # each writes >= 2 x the cache bound of new pages and outputs
                chunks: list[Result] = []
                need = 2 * args.cache_mb * 1024 / (page.stat().st_size / 1024 + out_kib)
                started = time.monotonic()
                while sum(c.requests for c in chunks) < need and time.monotonic() - started < FILL_MAX_SECONDS:
                    chunks.append(phase(f"proxy: uncached elder page ({which} fill)", target, out_kib,
                                        unique=True, seconds=3))
                results.append(merge(chunks, time.monotonic() - started))
            results.append(phase("proxy: PDF passed through", f"{px}/elder/{up}/file.pdf", PDF_BYTES / 1024))
            report(results, args)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
            log.close()


def merge(rounds: list[Result], took: float | None = None) -> Result:
    """Rounds of one phase: medians of rate and percentiles (or the overall rate when `took` is given), totals
    of counts, peaks of memory and the cache's size at the end."""
    rss = {k: max(r.rss.get(k, 0) for r in rounds) for k in rounds[0].rss}
    rss["cache_mib"] = rounds[-1].rss.get("cache_mib", 0)
    requests = sum(r.requests for r in rounds)
    rps = requests / took if took else median([r.rps for r in rounds])
    return Result(rounds[0].name, rps, median([r.p50 for r in rounds]), median([r.p99 for r in rounds]), requests,
                  sum(r.errors for r in rounds), rounds[0].kib, rss)


def report(results: list[Result], args: argparse.Namespace) -> None:
    by = {r.name: r for r in results}
    print(f"(upstream and cached rows: median of {args.rounds} interleaved rounds of {args.seconds / args.rounds:g}s)")
    print(table(["phase", "KiB/resp", "req/s", "p50 ms", "p99 ms", "requests", "errors"],
                [[r.name, r.kib, r.rps, r.p50, r.p99, r.requests, r.errors] for r in results]))
    cached = by["proxy: cached elder page"]
    quiet = by["proxy, log_level warning: cached elder page"]
    limit = by["upstream: the cached output's bytes"]
    share = cached.rps / limit.rps if limit.rps else float("nan")
    print(f"\nTargets: cached at >= 50 % of the upstream serving the same bytes: {100 * share:.0f} % "
          f"({'met' if share >= 0.5 else 'MISSED'}; without the access log line: "
          f"{100 * quiet.rps / limit.rps if limit.rps else float('nan'):.0f} %); cached p99 < 20 ms at "
          f"{args.connections} connections: {cached.p99:.1f} ms ({'met' if cached.p99 < 20 else 'MISSED'})")
    unc = [by[n] for n in by if n.startswith("proxy: uncached")]
    cores = args.render_workers or os.cpu_count() or 1
    print(f"Uncached pages/s: {median([u.rps for u in unc]):.1f} with {cores} render worker(s) on "
          f"{os.cpu_count()} cores, the proxy and the load generator sharing them")
    print("\nMemory of the proxy (peak RSS during each phase; cache bound "
          f"{args.cache_mb} MiB, cached bytes as the cache counts them at the end of the phase):")
    print(table(["phase", "main MiB", "main + render workers MiB", "cache MiB"],
                [[r.name, r.rss.get("main", 0), r.rss.get("all", 0), r.rss.get("cache_mib", 0.0)]
                 for r in results if r.name.startswith("proxy:")]))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-upstream":
        serve_upstream(int(sys.argv[2]), Path(sys.argv[3]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        url, seconds, conns, unique = sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
        print(json.dumps(aiohttp_load(url, seconds, conns, unique)))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=9.0, help="length of each phase (bounded load)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the compared phases")
    ap.add_argument("--connections", type=int, default=10, help="concurrent connections (wrk's default: 10)")
    ap.add_argument("--page", type=Path, help="the HTML page the upstream serves")
    ap.add_argument("--cache-mb", type=int, default=8, help="the proxy's cache bound for this run")
    ap.add_argument("--no-redis", action="store_true", help="skip the row with a Redis cache")
    ap.add_argument("--render-workers", type=int, default=0, help="transform.workers (0 = cores)")
    run(ap.parse_args())


if __name__ == "__main__":
    main()
