"""Redis cache backend, so several proxy instances share pages, rendered output and audio.

Values are framed bytes, never pickle (a shared Redis must not be a code-execution path):
4-byte big-endian length, a JSON header {"t": stored_at, "l": ttl, "m": meta}, then the raw body.
Keys expire after ttl + stale_ttl, so a stale copy outlives its freshness for stale-if-error.

`lock(key)` is a short cross-instance lock around the upstream fetch: SET NX PX with a random token,
released by a Lua check-and-delete so an instance never frees a lock that expired and was taken by
another. The holder renews its lease (lock_timeout) while it works, so a slow site or a long synthesis
keeps the lock, and a crashed instance's lock lapses within lock_timeout. Waiters poll until it is free;
the caller then re-reads the cache and finds the fetched page.

Fresh entries are also kept in a near cache in process memory (a MemoryCache bounded by cache.max_bytes):
a cached page then costs no Redis round trip (two GETs of tens of KB each would cut cached throughput to
about a third). Only fresh entries are answered from it; anything stale is looked up in Redis again, where
another instance may have refreshed it. An instance may thus serve its own fresh copy for up to `ttl`
after another instance refreshed the page, the same bound as with the memory backend.

Redis being down is never fatal: one clear log line, then requests fall through to upstream without
caching, and Redis is retried after a short back-off (no connect timeout paid on every request).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import secrets
import struct
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ..config import CacheConfig
from .entry import Entry, Tally
from .memory import MemoryCache

log = logging.getLogger("a11y_proxy.cache")
_HEAD = struct.Struct(">I")
RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
RETRY_AFTER = 5.0  # seconds Redis is left alone after an error
POLL_FIRST, POLL_MAX = 0.02, 0.2  # lock polling back-off, seconds
MAX_WAIT = 60.0  # a waiter goes ahead unlocked after this long (a holder renews its lease while it works)


def dumps(entry: Entry) -> bytes:
    head = json.dumps({"t": entry.stored_at, "l": entry.ttl, "m": entry.meta}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    return _HEAD.pack(len(head)) + head + entry.body


def loads(raw: bytes) -> Entry:
    (n,) = _HEAD.unpack_from(raw)
    head = json.loads(raw[4:4 + n].decode("utf-8"))
    return Entry(body=raw[4 + n:], meta=head["m"], stored_at=float(head["t"]), ttl=float(head["l"]))


class RedisCache(Tally):
    def __init__(self, cfg: CacheConfig) -> None:
        self.url = cfg.redis_url
        self.prefix = cfg.redis_prefix
        self.stale_ttl = cfg.stale_ttl
        self.lock_timeout = cfg.lock_timeout
        self.client = aioredis.from_url(cfg.redis_url, socket_connect_timeout=2.0, socket_timeout=2.0,
                                        health_check_interval=30)
        self._release = self.client.register_script(RELEASE)
        self._renew = self.client.register_script(RENEW)
        self.near = MemoryCache(cfg)
        self._down_until = 0.0
        self.errors = 0

    # ------------------------------------------------------------------------------------------ health
    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, what: str, e: Exception) -> None:
        self.errors += 1
        if self._available():  # one line per outage window, not one per request
            log.warning("redis cache at %s unavailable during %s (%s: %s); fetching upstream without the "
                        "shared cache, retrying in %.0fs", _safe_url(self.url), what, e.__class__.__name__, e,
                        RETRY_AFTER)
        self._down_until = time.monotonic() + RETRY_AFTER

    # ------------------------------------------------------------------------------------------ entries
    async def get(self, key: str) -> Entry | None:
        near = await self.near.get(key)
        if near is not None and near.fresh:
            return self.tally(near)
        raw = None
        if self._available():
            try:
                raw = await self.client.get(self.prefix + key)
            except (RedisError, OSError) as e:
                self._failed("get", e)
        if raw is None:
            self.tally(None)
            return near  # a stale copy of our own still serves a site that is down while Redis is too
        try:
            entry = loads(raw)
        except (ValueError, KeyError, struct.error) as e:
            log.warning("redis cache: dropping unreadable entry %s (%s)", key[:200], e.__class__.__name__)
            self.tally(None)
            return near
        await self.near.set(key, entry)
        return self.tally(entry)

    async def set(self, key: str, entry: Entry) -> None:
        await self.near.set(key, entry)
        if not self._available():
            return
        expire = max(1, math.ceil(entry.ttl + self.stale_ttl - (time.time() - entry.stored_at)))
        try:
            await self.client.set(self.prefix + key, dumps(entry), ex=expire)
        except (RedisError, OSError) as e:
            self._failed("set", e)

    # ------------------------------------------------------------------------------------------ lock
    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        async with self.near.lock(key):  # one waiter per key per instance polls Redis
            name = self.prefix + "lock:" + key
            token = await self._acquire(name)
            renewal = asyncio.create_task(self._keep(name, token)) if token is not None else None
            try:
                yield
            finally:
                if renewal is not None:
                    renewal.cancel()
                    await self._unlock(name, token)

    async def _acquire(self, name: str) -> str | None:
        """The lock's token, or None to go ahead unlocked (Redis down, or the holder overran its lease)."""
        token = secrets.token_hex(16)
        deadline = time.monotonic() + max(MAX_WAIT, self.lock_timeout)
        delay = POLL_FIRST
        while self._available():
            try:
                if await self.client.set(name, token, nx=True, px=max(1, int(self.lock_timeout * 1000))):
                    return token
            except (RedisError, OSError) as e:
                self._failed("lock", e)
                return None
            if time.monotonic() >= deadline:
                log.warning("redis cache: gave up waiting %.0fs for %s; fetching anyway",
                            max(MAX_WAIT, self.lock_timeout), name[:200])
                return None
            await asyncio.sleep(delay)
            delay = min(POLL_MAX, delay * 1.5)
        return None

    async def _keep(self, name: str, token: str) -> None:
        """Renew the lease every third of it while the holder works."""
        lease = max(1, int(self.lock_timeout * 1000))
        try:
            while True:
                await asyncio.sleep(self.lock_timeout / 3)
                if not await self._renew(keys=[name], args=[token, lease]):
                    return  # lost (expired during an outage): nothing left to renew
        except (RedisError, OSError) as e:
            self._failed("lock renewal", e)

    async def _unlock(self, name: str, token: str) -> None:
        try:
            await self._release(keys=[name], args=[token])
        except (RedisError, OSError) as e:
            self._failed("unlock", e)  # the lease expires on its own

    # ------------------------------------------------------------------------------------------ admin
    async def close(self) -> None:
        await self.near.close()
        try:
            await self.client.aclose()
        except (RedisError, OSError):
            pass

    def stats(self) -> dict[str, int]:
        near = self.near.stats()
        return {"hits": self.hits, "misses": self.misses, "errors": self.errors, "near_entries": near["entries"],
                "near_bytes": near["bytes"]}


def _safe_url(url: str) -> str:
    """The Redis URL without its password, for logs."""
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url
