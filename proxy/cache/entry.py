"""What a cache holds (Entry), what a backend offers (Cache) and the hit/miss tally both backends keep.
A leaf: both backends and every user of the cache import it, it imports neither."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Entry:
    body: bytes
    meta: dict[str, Any] = field(default_factory=dict)
    stored_at: float = field(default_factory=time.time)
    ttl: float = 300.0

    @property
    def fresh(self) -> bool:
        return time.time() - self.stored_at < self.ttl

    @property
    def size(self) -> int:
        return len(self.body) + 256 + sum(len(str(k)) + len(str(v)) for k, v in self.meta.items())


class Cache(Protocol):
    async def get(self, key: str) -> Entry | None: ...
    async def set(self, key: str, entry: Entry) -> None: ...
    def lock(self, key: str) -> Any: ...
    async def close(self) -> None: ...
    def stats(self) -> dict[str, int]: ...


class Tally:
    """Hit/miss counts for /healthz: a hit is a fresh entry; a stale one (kept for stale-if-error) or none
    is a miss."""

    hits = 0
    misses = 0

    def tally(self, entry: Entry | None) -> Entry | None:
        if entry is not None and entry.fresh:
            self.hits += 1
        else:
            self.misses += 1
        return entry
