"""The render pool: a page over its time bound fails alone; pages running beside it are not collateral."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from proxy.pages.render_pool import PageTooHard, RenderPool


async def test_timeout_fails_only_the_slow_page() -> None:
    pool = RenderPool(2, timeout=3.0)
    try:
        await pool.warm_up()
        before = set(await asyncio.gather(*(pool.run(os.getpid) for _ in range(2))))
        slow = asyncio.create_task(pool.run(time.sleep, 30))
        await asyncio.sleep(2.5)
        # still running on the same pool when the slow page's timeout kills its workers (at 3 s)
        beside = asyncio.create_task(pool.run(time.sleep, 1.0))
        with pytest.raises(PageTooHard):
            await slow
        assert await beside is None  # run again on the new pool, not failed with the old one
        after = set(await asyncio.gather(*(pool.run(os.getpid) for _ in range(2))))
        assert before.isdisjoint(after)  # the stuck worker was replaced, not left burning a core
    finally:
        pool.close()
