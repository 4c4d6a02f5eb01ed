"""Who gets the next idle speech worker: a listener's one-sentence request never waits behind whole articles.

Two lanes. Segment jobs (one sentence for 连读 or the caption bar) are served first, in arrival order. Article
jobs come one sentence at a time from each whole-article stream, and the streams take turns (round-robin by
stream), so a 20,000-character article makes another reader's new article wait one sentence, not an hour.
A whole-article job is never one long job: at most one sentence of it stands between a segment request and a
worker.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from typing import Generic, Literal, TypeVar

W = TypeVar("W")
Lane = Literal["segment", "article"]


class Lanes(Generic[W]):
    def __init__(self) -> None:
        self._idle: list[W] = []
        self._segments: deque[asyncio.Future[W]] = deque()
        self._articles: OrderedDict[str, deque[asyncio.Future[W]]] = OrderedDict()

    def put(self, worker: W) -> None:
        """A worker is free: to the first waiter by priority, else idle."""
        waiter = self._next_waiter()
        if waiter is None:
            self._idle.append(worker)
        else:
            waiter.set_result(worker)

    def discard(self, worker: W) -> None:
        if worker in self._idle:
            self._idle.remove(worker)

    def idle(self) -> list[W]:
        return list(self._idle)

    def has_idle(self) -> bool:
        return bool(self._idle)

    def waiting(self) -> int:
        """Jobs waiting for a worker (those that gave up are not counted)."""
        return sum(not w.done() for w in self._segments) + \
            sum(not w.done() for q in self._articles.values() for w in q)

    async def take(self, lane: Lane, stream: str = "", timeout: float | None = None) -> W:
        """An idle worker for `lane` (article jobs name their stream); TimeoutError after `timeout`."""
        if self._idle and not self.waiting():
            return self._idle.pop()
        waiter: asyncio.Future[W] = asyncio.get_running_loop().create_future()
        if lane == "segment":
            self._segments.append(waiter)
        else:
            self._articles.setdefault(stream, deque()).append(waiter)
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.put(waiter.result())  # handed over just as the caller gave up: pass it on
            else:
                waiter.cancel()
                self._forget(waiter, lane, stream)
            raise

    def _forget(self, waiter: asyncio.Future[W], lane: Lane, stream: str) -> None:
        queue = self._segments if lane == "segment" else self._articles.get(stream)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if lane == "article" and not queue:
                del self._articles[stream]

    def _next_waiter(self) -> asyncio.Future[W] | None:
        while self._segments:
            waiter = self._segments.popleft()
            if not waiter.done():
                return waiter
        while self._articles:
            stream, queue = next(iter(self._articles.items()))
            waiter = queue.popleft()
            if queue:
                self._articles.move_to_end(stream)  # this stream had its turn
            else:
                del self._articles[stream]
            if not waiter.done():
                return waiter
        return None
