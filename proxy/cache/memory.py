"""The in-memory cache backend: an LRU bounded by bytes (the embedded default; Redis is in `redis`).

Entries outlive their TTL by `stale_ttl` so that a page whose upstream fails can still be served, marked as
a cached copy (stale-if-error). `lock(key)` lets one request fetch while others wait for its result.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ..config import CacheConfig
from .entry import Entry, Tally


class MemoryCache(Tally):
    def __init__(self, cfg: CacheConfig) -> None:
        self.max_bytes = cfg.max_bytes
        self.stale_ttl = cfg.stale_ttl
        self._items: OrderedDict[str, Entry] = OrderedDict()  # least recently used first
        self._sizes: dict[str, int] = {}
        self._bytes = 0
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str) -> Entry | None:
        entry = self._items.get(key)
        if entry is None or time.time() - entry.stored_at > entry.ttl + self.stale_ttl:
            if entry is not None:
                self._remove(key)
            return self.tally(None)
        self._items.move_to_end(key)
        return self.tally(entry)

    async def set(self, key: str, entry: Entry) -> None:
        size = entry.size + len(key)  # sized once: the bound holds even if a caller mutates meta later
        if size > self.max_bytes // 4:
            return  # one page never pushes out a quarter of the cache
        if key in self._items:
            self._remove(key)
        self._items[key] = entry
        self._sizes[key] = size
        self._bytes += size
        while self._bytes > self.max_bytes and self._items:
            self._remove(next(iter(self._items)))

    def _remove(self, key: str) -> None:
        del self._items[key]
        self._bytes -= self._sizes.pop(key)

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        lk = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lk:
                yield
        finally:
            if not lk.locked() and not getattr(lk, "_waiters", None):
                self._locks.pop(key, None)

    async def close(self) -> None:
        self._items.clear()
        self._sizes.clear()
        self._bytes = 0

    def stats(self) -> dict[str, int]:
        return {"entries": len(self._items), "bytes": self._bytes, "hits": self.hits, "misses": self.misses}
