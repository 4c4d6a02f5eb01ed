"""CPU-heavy work (parse, extract, render) off the event loop, in a bounded set of spawned processes.

Each worker is a one-process executor of its own, so a page that takes longer than the bound costs only its
own worker: that one is killed and replaced, and the pages other workers are rendering finish undisturbed.
Workers are handed out by a FairLimiter, so one client's queue of pages cannot stand in front of another
reader's page, and no single client ever holds all of them.
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
from .fairness import LOCAL, FairLimiter

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


def _new_worker() -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker)


def _kill(worker: cf.ProcessPoolExecutor, wait: bool = False) -> None:
    for proc in list((getattr(worker, "_processes", None) or {}).values()):
        proc.kill()
    worker.shutdown(wait=wait, cancel_futures=True)


class RenderPool:
    def __init__(self, workers: int, timeout: float) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self._idle = [_new_worker() for _ in range(self.workers)]
        self._all = set(self._idle)  # idle and busy: what close() must stop
        # while others read, no one client holds every worker: one stays free for everybody else's next page
        self._slots = FairLimiter(self.workers, reserve=1)

    async def warm_up(self) -> None:
        await asyncio.gather(*(self.run(os.getpid) for _ in range(self.workers)))

    async def run(self, fn: Callable[..., T], *args: Any, client: str = LOCAL) -> T:
        async with self._slots.slot(client):
            worker = self._idle.pop()
            try:
                result = await self._run_on(worker, fn, args)
            except BaseException:
                self._idle.append(worker if _alive(worker) else self._replace(worker))
                raise
            self._idle.append(worker)
            return result

    async def _run_on(self, worker: cf.ProcessPoolExecutor, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        future = asyncio.get_running_loop().run_in_executor(worker, fn, *args)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            log.warning("render timed out after %.1fs; replacing its worker", self.timeout)
            _kill(worker)
            raise PageTooHard("页面过于复杂，无法在限定时间内处理。",
                              "The page is too complex to process in the time allowed.",
                              reason="render timeout") from None
        except cf.process.BrokenProcessPool:
            raise PageTooHard("页面过于复杂，处理失败。", "The page is too complex to process.",
                              reason="render worker died") from None
        except MemoryError:
            _kill(worker)
            raise PageTooHard("页面过于复杂，处理失败。", "The page is too complex to process.",
                              reason="render worker out of memory") from None
        except asyncio.CancelledError:
            _kill(worker)  # the client went away: its page must not keep a worker busy
            raise

    def _replace(self, worker: cf.ProcessPoolExecutor) -> cf.ProcessPoolExecutor:
        _kill(worker)
        self._all.discard(worker)
        fresh = _new_worker()
        self._all.add(fresh)
        return fresh

    def close(self) -> None:
        """Every worker killed and its executor's thread joined (quick: its process is gone), so that none
        is left for the interpreter's exit hook to wake through a closed pipe."""
        for worker in self._all:
            _kill(worker, wait=True)
        self._all.clear()
        self._idle.clear()


def _alive(worker: cf.ProcessPoolExecutor) -> bool:
    return not getattr(worker, "_broken", False) and not getattr(worker, "_shutdown_thread", False)
