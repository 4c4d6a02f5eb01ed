"""CPU-heavy work (parse, extract, render) off the event loop, in a bounded pool of spawned processes.

A page that takes longer than the bound gets a clear error and its worker is replaced, so one pathological
page cannot stall other requests or keep burning a core.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import logging
import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import ProxyError

log = logging.getLogger("a11y_proxy.render")
T = TypeVar("T")
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024  # address space per worker


def _init_worker() -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):
        pass
    import transforms.pipeline  # noqa: F401  (registers every transform before the first page)


class PageTooHard(ProxyError):
    status = 503


class RenderPool:
    def __init__(self, workers: int, timeout: float) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self._pool = self._new_pool()
        self._slots = asyncio.Semaphore(self.workers)

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_init_worker)

    async def warm_up(self) -> None:
        await asyncio.gather(*(self.run(os.getpid) for _ in range(self.workers)))

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        async with self._slots:
            pool = self._pool
            try:
                return await self._run_once(pool, fn, args)
            except (cf.process.BrokenProcessPool, asyncio.CancelledError):
                if pool is self._pool or _cancelled_from_outside():
                    raise
            # Another page's timeout replaced the pool and killed its workers under this page: not this
            # page's fault, so it runs again (once) on the new pool instead of failing with it.
            log.info("render pool was replaced under a running page; running it again")
            try:
                return await self._run_once(self._pool, fn, args)
            except (cf.process.BrokenProcessPool, asyncio.CancelledError):
                if _cancelled_from_outside():
                    raise
                raise PageTooHard("页面过于复杂，处理失败。", "The page is too complex to process.",
                                  reason="render pool replaced twice") from None

    async def _run_once(self, pool: cf.ProcessPoolExecutor, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        future = asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            log.warning("render timed out after %.1fs; replacing the worker pool", self.timeout)
            self._replace(pool)
            raise PageTooHard("页面过于复杂，无法在限定时间内处理。",
                              "The page is too complex to process in the time allowed.",
                              reason="render timeout") from None
        except cf.process.BrokenProcessPool:
            if pool is not self._pool:
                raise  # killed by another page's replacement: run() decides
            self._replace(pool)
            raise PageTooHard("页面过于复杂，处理失败。", "The page is too complex to process.",
                              reason="render worker died") from None
        except MemoryError:
            self._replace(pool)
            raise PageTooHard("页面过于复杂，处理失败。", "The page is too complex to process.",
                              reason="render worker out of memory") from None

    def _replace(self, pool: cf.ProcessPoolExecutor) -> None:
        if pool is not self._pool:
            return
        self._pool = self._new_pool()
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        for proc in list(getattr(self._pool, "_processes", {}).values()):
            proc.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _cancelled_from_outside() -> bool:
    """Whether the running task itself is being cancelled (client gone, shutdown), as opposed to its
    executor future having been cancelled by a pool shutdown."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
