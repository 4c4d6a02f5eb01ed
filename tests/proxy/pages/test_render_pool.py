"""The render pool: a page over its time bound fails alone; pages running beside it are not collateral."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from proxy.pages.fairness import FairLimiter
from proxy.pages.render_pool import PageTooHard, RenderPool


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


async def test_timeout_replaces_only_the_slow_pages_worker() -> None:
    pool = RenderPool(2, timeout=3.0)
    try:
        await pool.warm_up()
        # two readers (one client may not hold every worker)
        before = set(await asyncio.gather(*(pool.run(sleep_then_pid, 0.2, client=c) for c in "ab")))
        assert len(before) == 2
        slow = asyncio.create_task(pool.run(time.sleep, 30, client="a"))
        await asyncio.sleep(1.5)
        started = time.monotonic()
        beside = asyncio.create_task(pool.run(sleep_then_pid, 2.5, client="b"))  # still running when the slow one dies
        with pytest.raises(PageTooHard):
            await slow
        pid = await beside
        assert pid in before  # finished where it started: not killed and run again
        assert time.monotonic() - started < 4.5  # ... so it took its 2.5 s, not 2.5 s more on a new worker
        after = set(await asyncio.gather(*(pool.run(sleep_then_pid, 0.2, client=c) for c in "ab")))
        assert pid in after and len(after - before) == 1  # the stuck worker alone was replaced
    finally:
        pool.close()


async def test_waiting_clients_take_turns() -> None:
    limiter = FairLimiter(1)
    order: list[str] = []
    await limiter.acquire("greedy")

    async def job(client: str) -> None:
        async with limiter.slot(client):
            order.append(client)

    tasks = [asyncio.create_task(job("greedy")) for _ in range(5)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(job("reader")))
    await asyncio.sleep(0)
    limiter.release("greedy")
    await asyncio.gather(*tasks)
    assert order.index("reader") <= 1  # served within one turn, not after the greedy client's five


async def test_one_client_holds_at_most_its_share() -> None:
    limiter = FairLimiter(8, per_client=2)
    assert limiter.try_acquire("a") and limiter.try_acquire("a")
    assert not limiter.try_acquire("a")
    assert limiter.try_acquire("b")
    limiter.release("a")
    assert limiter.try_acquire("a")


async def test_a_reader_alone_uses_every_worker_but_not_while_others_read() -> None:
    limiter = FairLimiter(2, reserve=1, window=60)
    assert limiter.try_acquire("a") and limiter.try_acquire("a")  # alone: both
    limiter.release("a")
    limiter.release("a")
    assert limiter.try_acquire("b")  # someone else reads now
    limiter.release("b")
    assert limiter.try_acquire("a") and not limiter.try_acquire("a")  # so one stays free for them
