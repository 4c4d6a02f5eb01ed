"""Whole-article audio for the HTTP door: a finished file from the disk cache (or from another instance,
through Redis), or the one production of it that is running (started on the first request), which any
number of listeners follow as it is written.

A production goes on when its listeners leave (a seek is a new request, and it should find a finished file),
and at most `MAX_PRODUCTIONS` run at once in a process: past that a new article is refused as busy.
Articles nobody is listening to yet (a live feed's episodes) wait in a queue and are made one at a time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import partial

from ..cache.audio import AudioStore, Part, RedisShare, Stored
from ..errors import Busy, ProxyError
from ..speech.article import ArticleAudio
from ..speech.timeline import Cue, Timeline

log = logging.getLogger("a11y_proxy.audio")
MAX_PRODUCTIONS = 8
MAX_QUEUED = 200  # articles waiting to be made in the background (the live feed's episodes)
READ_BLOCK = 1 << 16


@dataclass
class Production:
    key: str
    fmt: str
    part: Part
    audio: ArticleAudio
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    done: bool = False
    error: ProxyError | None = None
    stored: Stored | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def timeline(self) -> Timeline:
        return self.audio.timeline


class AudioFiles:
    def __init__(self, store: AudioStore, share: RedisShare | None = None) -> None:
        self.store = store
        self.share = share
        self.running: dict[str, Production] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._queue: OrderedDict[str, tuple[str, Callable[[], ArticleAudio]]] = OrderedDict()
        self._queue_task: asyncio.Task[None] | None = None

    def queue(self, key: str, fmt: str, make: Callable[[], ArticleAudio]) -> None:
        """Make this article when nothing else is being made for the queue (one at a time, in order)."""
        if key in self.running or key in self._queue or len(self._queue) >= MAX_QUEUED:
            return
        self._queue[key] = (fmt, make)
        if self._queue_task is None or self._queue_task.done():
            self._queue_task = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        while self._queue:
            key, (fmt, make) = self._queue.popitem(last=False)
            if await self.find(key, fmt) is not None:
                continue
            try:
                prod = self.running.get(key) or self.production(key, fmt, make)
            except ProxyError:  # busy: listeners first; try again later
                self._queue[key] = (fmt, make)
                await asyncio.sleep(5)
                continue
            async with prod.changed:
                await prod.changed.wait_for(lambda p=prod: p.done)

    async def find_local(self, key: str, fmt: str) -> Stored | None:
        """The finished file if this machine has it (never a copy from the share: a cheap look)."""
        return await asyncio.to_thread(self.store.find, key, fmt)

    async def find(self, key: str, fmt: str) -> Stored | None:
        """The finished file: on this machine's disk, else copied from the share (another instance made it)."""
        stored = await self.find_local(key, fmt)
        if stored is not None or self.share is None or key in self.running:
            return stored
        shared = await self.share.get(key, fmt)
        if shared is None:
            return None
        meta, data = shared
        return await asyncio.to_thread(self.store.put, key, fmt, data, meta)

    async def _publish(self, stored: Stored) -> None:
        if self.share is None or stored.size > self.share.max_bytes:
            return
        data = await asyncio.to_thread(stored.path.read_bytes)
        meta = {k: v for k, v in stored.meta.items() if k not in ("size", "etag", "fmt")}
        await self.share.put(stored.path.stem, stored.meta["fmt"], meta, data)

    def production(self, key: str, fmt: str, make: Callable[[], ArticleAudio]) -> Production:
        """The running production of `key`, or a new one started now."""
        running = self.running.get(key)
        if running is not None:
            return running
        if len(self.running) >= MAX_PRODUCTIONS:
            raise Busy("语音服务繁忙，请稍后再试。", "The speech service is busy; please try again shortly.",
                       reason="too many articles being read aloud at once")
        prod = Production(key, fmt, self.store.part(key, fmt), make())
        self.running[key] = prod
        task = asyncio.create_task(self._produce(prod))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return prod

    async def _produce(self, prod: Production) -> None:
        try:
            async for chunk in prod.audio.chunks():
                prod.part.write(chunk)
                async with prod.changed:
                    prod.changed.notify_all()
            meta = {"timeline": prod.timeline.to_json(), "title": prod.audio.text.title,
                    "seconds_to_make": round(time.monotonic() - prod.started, 2)}
            prod.stored = await asyncio.to_thread(self.store.commit, prod.part, prod.key, prod.fmt,
                                                  prod.audio.final_header(), meta)
            await self._publish(prod.stored)
        except ProxyError as e:
            prod.error = e
            prod.part.discard()
            log.info("audio %s not made: %s", prod.key[:12], e.log_reason)
        except BaseException as e:
            prod.error = ProxyError("语音合成失败。", "Speech synthesis failed.", status=500,
                                    reason=f"production failed: {e.__class__.__name__}")
            prod.part.discard()
            if not isinstance(e, asyncio.CancelledError):
                log.exception("audio %s: production failed", prod.key[:12])
            raise
        finally:
            prod.done = True
            prod.part.release()  # followers attached by now hold their own descriptors
            self.running.pop(prod.key, None)
            async with prod.changed:
                prod.changed.notify_all()

    async def follow(self, prod: Production) -> AsyncIterator[bytes]:
        """The production's bytes from the start, as they are written; raises its error if it fails."""
        if prod.done:
            if prod.error is not None or prod.stored is None:
                raise prod.error or ProxyError("语音合成失败。", "Speech synthesis failed.", reason="no file")
            fd = os.open(prod.stored.path, os.O_RDONLY)
        else:
            fd = prod.part.reader()
        try:
            pos = 0
            while True:
                async with prod.changed:
                    await prod.changed.wait_for(partial(_more, prod, pos))
                if prod.error is not None:
                    raise prod.error
                end = prod.stored.size if prod.stored is not None else prod.part.written
                while pos < end:
                    block = os.pread(fd, min(READ_BLOCK, end - pos), pos)
                    if not block:
                        break
                    pos += len(block)
                    yield block
                if prod.done and pos >= end:
                    return
        finally:
            os.close(fd)

    async def cues(self, prod: Production) -> AsyncIterator[Cue]:
        """The production's caption cues as its sentences are made; raises its error if it fails."""
        n = 0
        while True:
            async with prod.changed:
                await prod.changed.wait_for(lambda n=n: prod.done or len(prod.timeline.cues) > n)
            if prod.error is not None:
                raise prod.error
            while n < len(prod.timeline.cues):
                yield prod.timeline.cues[n]
                n += 1
            if prod.done:
                return

    async def close(self) -> None:
        self._queue.clear()
        if self._queue_task is not None:
            self._queue_task.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, *([self._queue_task] if self._queue_task else []), return_exceptions=True)


def _more(prod: Production, pos: int) -> bool:
    return prod.done or prod.part.written > pos
