"""Soak: the proxy against a local upstream that mixes normal pages with every hostile case, in rounds.

    .venv/bin/python bench/soak.py [--requests 400] [--concurrency 12] [--rounds 3] [--max-seconds 240]

Loopback only: the hostile upstream (tests/hostile, a child process) and the proxy (another one, short
upstream timeouts, two render workers for a 2-core machine) both listen on 127.0.0.1, and the proxy's
resolver maps *.test.gov.cn there. Each round sends the same seeded mix, its normal pages under new URLs
(fetched and transformed again) over a small cache bound that the first round fills, so memory that keeps
growing after it is a leak. Every round is bounded by count and by time. Prints, per
round: requests by status, unexpected results (must be 0), p50/p99 of normal pages, the proxy's RSS (main
process and render workers) and peak, and its open file descriptors once the round has settled.
Then the greedy phase: one reader reads uncached pages one after another, alone and then while another
client keeps --fan-out uncached requests in flight, against a proxy with the shipped rate limits (the
target: the reader's p99 under twice its quiet p99) and against one with none (a sustained flood, shown).
The upstream and the greedy client are other machines in reality; here they run at nice 10, so that what
is measured is the proxy sharing itself between two clients, not four programs sharing two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import descendants, machine, rss_kib, table  # noqa: E402
from tests.hostile.cases import CASES, INTERNAL_LOCATIONS, make_server  # noqa: E402

MODES = ("read", "elder", "a11y", "text", "orig")
READABLE = ["/html-as-text", "/wrong-charset", "/late-meta", "/utf16-nobom", "/nul-bytes", "/early-end",
            "/cookie-flood", "/frameset", "/length-under", "/pdf-hop", "/xml", "/svg"]
HEAVY = ["/nested-divs", "/million"]


@dataclass
class Job:
    path: str
    mode: str
    expected: tuple[int, ...]
    normal: bool = False


@dataclass
class Round:
    statuses: Counter = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    normal_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0


def plan(n: int, seed: int, port: int) -> list[Job]:
    """About 70 % normal pages (a quarter of them repeats), the rest spread over the hostile cases."""
    rnd = random.Random(seed)
    jobs = []
    for _ in range(n):
        mode = rnd.choice(MODES)
        roll = rnd.random()
        if roll < 0.70:
            jobs.append(Job(f"/ok?page={rnd.randrange(max(1, n // 4))}", mode, (200,), normal=True))
        elif roll < 0.85:
            case = rnd.choice([c for c in CASES if not c.slow] if rnd.random() < 0.9 else CASES)
            jobs.append(Job(case.path, mode, case.statuses))
        elif roll < 0.93:
            loc = rnd.choice(INTERNAL_LOCATIONS).replace("{port}", str(port))
            jobs.append(Job("/redirect?to=" + quote(loc, safe=""), mode, (400, 403, 502)))
        elif roll < 0.99:
            jobs.append(Job(rnd.choice(READABLE), mode, (200,)))
        else:
            jobs.append(Job(rnd.choice(HEAVY), mode, (200, 503)))
    return jobs


def serve_hostile(conn) -> None:
    """The hostile upstream in a process of its own, so that serving the greedy client's pages does not
    slow the measuring reader's event loop (or take its GIL)."""
    os.nice(10)  # another machine in reality: here it must not take the proxy's cores from it
    server = make_server().start()
    conn.send(server.port)
    while True:
        time.sleep(3600)


def serve_proxy(hostile_port: int, port: int, workers: int, cache_mb: int, rate_limits: bool = False) -> None:
    """The proxy, in its own process (so its memory and descriptors are its own). The rounds come from one
    address, so they run without rate limits; `rate_limits` keeps the shipped ones (the greedy phase)."""
    import logging

    from aiohttp import web

    from proxy.app.server import create_app
    from proxy.config import Config
    from tests.conftest import test_resolver
    from tests.hostile.conftest import hostile_config

    logging.basicConfig(level=logging.ERROR)
    cfg = hostile_config(hostile_port)
    cfg.server.port = port
    cfg.transform.workers = workers
    cfg.cache.max_bytes = cache_mb * 1024 * 1024
    cfg.server.trusted_proxies = ["127.0.0.1"]  # the greedy phase names its two clients in X-Forwarded-For
    if rate_limits:
        shipped = Config().server
        cfg.server.rate_limit_per_minute, cfg.server.rate_limit_burst = shipped.rate_limit_per_minute, \
            shipped.rate_limit_burst
    web.run_app(create_app(cfg, resolver=test_resolver()), host="127.0.0.1", port=port, print=None,
                access_log=None, handle_signals=True)


async def run_round(proxy: str, evil: str, jobs: list[Job], concurrency: int, budget: float) -> Round:
    result = Round()
    slots = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=30)

    async def one(session: aiohttp.ClientSession, job: Job) -> None:
        async with slots:
            start = time.perf_counter()
            try:
                async with session.get(f"{proxy}/{job.mode}/{evil}{job.path}", allow_redirects=False) as r:
                    body = await r.read()
                    status = r.status
            except (aiohttp.ClientError, TimeoutError) as e:
                result.statuses["client error"] += 1
                result.unexpected.append(f"{job.path}: {e.__class__.__name__}")
                return
            result.statuses[status] += 1
            if status not in job.expected or b"Traceback" in body:
                result.unexpected.append(f"{job.mode} {job.path}: {status}")
            if job.normal and status == 200:
                result.normal_ms.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with asyncio.timeout(budget):
            await asyncio.gather(*(one(session, j) for j in jobs))
    result.seconds = time.perf_counter() - start
    return result


READER, GREEDY = "198.51.100.9", "203.0.113.7"
READER_PACE = 8  # pages a second


async def read_pages(session: aiohttp.ClientSession, proxy: str, evil: str, tag: str, n: int) -> list[float]:
    """One reader, one uncached page after another (as someone clicking through a column, if a quick one:
    READER_PACE pages a second, within the shipped rate limit): ms per page."""
    times = []
    for i in range(n):
        if times:
            await asyncio.sleep(max(0.0, 1 / READER_PACE - times[-1] / 1000))
        start = time.perf_counter()
        async with session.get(f"{proxy}/elder/{evil}/article?page={tag}-{i}",
                               headers={"X-Forwarded-For": READER}) as r:
            await r.read()
            if r.status != 200:
                raise SystemExit(f"greedy phase: the reader got {r.status}")
        times.append((time.perf_counter() - start) * 1000)
    return times


def greedy_client(proxy: str, evil: str, fan_out: int, seconds: float, counts: dict) -> None:
    """Another process (so that its hundred connections do not slow the reader's own event loop): fans out
    `fan_out` uncached requests at once, and again as each is answered, for `seconds`; told to wait (429,
    503 with Retry-After), it waits, as browsers and download tools do — a flood that never waits is a
    denial of service for the front server's limits (docs/deploy.md), not a question of fair shares."""

    os.nice(10)  # another machine in reality (see serve_hostile)

    async def run() -> None:
        statuses: Counter = Counter()
        deadline = time.monotonic() + seconds
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
            async def hog(k: int) -> None:
                n = 0
                while time.monotonic() < deadline:
                    n += 1
                    try:
                        async with session.get(f"{proxy}/elder/{evil}/article?page=greedy-{k}-{n}",
                                               headers={"X-Forwarded-For": GREEDY}) as r:
                            await r.read()
                            statuses[r.status] += 1
                            wait = r.headers.get("Retry-After", "")
                    except (aiohttp.ClientError, TimeoutError):
                        statuses["client error"] += 1
                        wait = ""
                    if wait.isdigit():  # greedy, not hostile: it does what a 429 or 503 asks, as browsers do
                        await asyncio.sleep(min(float(wait), max(0.0, deadline - time.monotonic())))

            await asyncio.gather(*(hog(k) for k in range(fan_out)))
        counts.update({str(k): v for k, v in statuses.items()})

    asyncio.run(run())


async def greedy_phase(proxy: str, evil: str, pages: int, fan_out: int, label: str) -> list[list[object]]:
    """The reader's latency alone, then while another client keeps `fan_out` uncached requests in flight."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        await read_pages(session, proxy, evil, "warm", 5)
        quiet = await read_pages(session, proxy, evil, "quiet", pages)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager:
            counts = manager.dict()
            seconds = 3.0 + pages / READER_PACE * 1.5
            hogs = ctx.Process(target=greedy_client, args=(proxy, evil, fan_out, seconds, counts))
            hogs.start()
            await asyncio.sleep(1.5)  # it has started and taken what it can
            loaded = await read_pages(session, proxy, evil, "loaded", pages)
            hogs.join(seconds + 60)
            greedy = dict(counts)
    q99, l99 = percentile(quiet, 99), percentile(loaded, 99)
    by_status = " ".join(f"{k}:{v}" for k, v in sorted(greedy.items()))
    return [[f"{label}: reader alone", pages, percentile(quiet, 50), q99, "", ""],
            [f"{label}: reader beside a greedy client ({fan_out} in flight)", pages, percentile(loaded, 50), l99,
             f"{l99 / q99:.2f}", by_status]]


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def memory(pid: int) -> tuple[int, int, int]:
    """(main RSS, workers' RSS, main peak RSS) in MiB."""
    peak = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    workers = sum(rss_kib(p) for p in descendants(pid))
    return rss_kib(pid) // 1024, workers // 1024, peak // 1024


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < deadline:
            try:
                async with s.get(url + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the proxy did not start")


async def main(args: argparse.Namespace) -> int:
    from tests.support.servers import free_port

    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    upstream = ctx.Process(target=serve_hostile, args=(theirs,), daemon=True)
    upstream.start()
    hostile_port = ours.recv()

    port = free_port()
    proc = multiprocessing.get_context("spawn").Process(target=serve_proxy, args=(hostile_port, port, args.workers,
                                                                                   args.cache_mb))
    proc.start()
    proxy, evil = f"http://127.0.0.1:{port}", f"http://evil.test.gov.cn:{hostile_port}"
    deadline = time.monotonic() + args.max_seconds
    rows, failures, greedy_rows = [], 0, []
    try:
        await wait_ready(proxy)
        fds_start = fds(proc.pid)
        jobs = plan(args.requests, args.seed, hostile_port)
        for n in range(1, args.rounds + 1):
            budget = deadline - time.monotonic()
            if budget <= 5:
                print(f"time budget spent after {n - 1} rounds", file=sys.stderr)
                break
            fresh = [Job(j.path.replace("page=", f"page={n}-"), j.mode, j.expected, j.normal) for j in jobs]
            r = await run_round(proxy, evil, fresh, args.concurrency, budget)
            await asyncio.sleep(args.settle)  # let finished requests close their sockets
            main_mb, workers_mb, peak_mb = memory(proc.pid)
            failures += len(r.unexpected)
            statuses = " ".join(f"{k}:{v}" for k, v in sorted(r.statuses.items(), key=lambda kv: str(kv[0])))
            rows.append([n, sum(r.statuses.values()), f"{r.seconds:.1f}", statuses, len(r.unexpected),
                         percentile(r.normal_ms, 50), percentile(r.normal_ms, 99), main_mb, workers_mb, peak_mb,
                         f"{fds_start}→{fds(proc.pid)}"])
            for line in r.unexpected[:10]:
                print("unexpected:", line, file=sys.stderr)
        if args.fan_out:
            limited_port = free_port()
            limited = ctx.Process(target=serve_proxy, args=(hostile_port, limited_port, args.workers, args.cache_mb,
                                                            True))
            limited.start()
            try:
                await wait_ready(f"http://127.0.0.1:{limited_port}")
                greedy_rows += await greedy_phase(f"http://127.0.0.1:{limited_port}", evil, args.reader_pages,
                                                  args.fan_out, "shipped rate limits")
            finally:
                limited.terminate()
                limited.join(10)
            greedy_rows += await greedy_phase(proxy, evil, args.reader_pages, args.fan_out, "no rate limit")
    finally:
        proc.terminate()
        proc.join(10)
        upstream.terminate()
        upstream.join(10)
    print(f"soak: {args.requests} requests × {len(rows)} rounds at concurrency {args.concurrency}; {machine()}")
    print(table(["round", "requests", "s", "by status", "unexpected", "normal p50 ms", "normal p99 ms",
                 "RSS main MiB", "RSS workers MiB", "peak main MiB", "fds start→after"], rows))
    if greedy_rows:
        print("\ngreedy client: with the shipped rate limits (the greedy client within its burst allowance, "
              "then refused), the reader's p99 must stay under 2 × its quiet p99; without any rate limit "
              "(a sustained flood) it is shown for information")
        print(table(["phase", "reader pages", "p50 ms", "p99 ms", "p99 / quiet p99", "greedy client's answers"],
                    greedy_rows))
        failures += float(greedy_rows[1][4]) >= 2.0
    return 1 if failures or not rows else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=400, help="requests per round")
    ap.add_argument("--concurrency", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2, help="render workers in the proxy")
    ap.add_argument("--max-seconds", type=float, default=240, help="bound on the whole run")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds to wait after a round before measuring")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--cache-mb", type=int, default=1, help="the proxy's cache bound (filled in round 1)")
    ap.add_argument("--fan-out", type=int, default=100, help="greedy phase: requests one client keeps in flight"
                    " (0 skips the phase)")
    ap.add_argument("--reader-pages", type=int, default=300, help="greedy phase: pages the other reader reads")
    return ap.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
