"""Sharing scarce slots (upstream fetches, connections to one site, render workers) fairly between clients.

One client must never be able to take every slot: a greedy reader (or a script) gets at most its share, and
when slots are short the waiting clients are served in turn, not in arrival order, so one client's hundred
queued requests do not stand in front of another reader's one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache

LOCAL = "local"  # work that has no client (the command line, warm-up)


@lru_cache(maxsize=4096)
def client_key(address: str | None) -> str:
    """Who a client is for fairness and rate limits: an IPv4 address, or the /64 an IPv6 address is in (one
    household or host gets a whole /64, so per-address keys would let it walk around every limit)."""
    if not address:
        return LOCAL
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class FairLimiter:
    """`capacity` slots; one client holds at most `per_client` of them; waiters are served round-robin by
    client (each client's own requests in order).

    `reserve` slots are kept for everybody else while another client has been seen in the last
    `window` seconds: a reader alone may use every slot, but nobody holds them all while others read."""

    def __init__(self, capacity: int, per_client: int | None = None, reserve: int = 0, window: float = 5.0) -> None:
        self.capacity = max(1, capacity)
        self.per_client = max(1, min(per_client or self.capacity, self.capacity))
        self.reserve = max(0, min(reserve, self.capacity - 1))
        self.window = window
        self.in_use = 0
        self.held: Counter[str] = Counter()
        self._waiting: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()
        self._seen: dict[str, float] = {}  # client -> when it last asked (kept for `window` seconds)

    @property
    def idle(self) -> bool:
        return self.in_use == 0 and not self._waiting

    def locked(self) -> bool:
        """Every slot taken (asyncio.Semaphore's name for it)."""
        return self.in_use >= self.capacity

    def waiting(self, client: str) -> int:
        queue = self._waiting.get(client)
        return len(queue) if queue else 0

    def try_acquire(self, client: str) -> bool:
        """Take a slot now, or return False (the caller answers 'busy' instead of queueing)."""
        self._note(client)
        if self.in_use < self.capacity and self.held[client] < self.share(client) and client not in self._waiting:
            self._grant(client)
            return True
        return False

    def share(self, client: str) -> int:
        """How many slots `client` may hold now."""
        if self.reserve and any(c != client for c in self._seen):
            return min(self.per_client, self.capacity - self.reserve)
        return self.per_client

    def _note(self, client: str) -> None:
        if not self.reserve:
            return
        now = time.monotonic()
        self._seen[client] = now
        if len(self._seen) > 1:
            for c in [c for c, t in self._seen.items() if now - t > self.window and c not in self.held]:
                del self._seen[c]

    async def acquire(self, client: str) -> None:
        if self.try_acquire(client):
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(client, deque()).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release(client)  # granted just as we were cancelled: hand it on
            else:
                self._forget(client, waiter)
            raise

    def release(self, client: str) -> None:
        self.in_use -= 1
        self.held[client] -= 1
        if self.held[client] <= 0:
            del self.held[client]
        self._wake()

    @asynccontextmanager
    async def slot(self, client: str) -> AsyncIterator[None]:
        await self.acquire(client)
        try:
            yield
        finally:
            self.release(client)

    def _grant(self, client: str) -> None:
        self.in_use += 1
        self.held[client] += 1

    def _wake(self) -> None:
        while self.in_use < self.capacity and self._waiting:
            client = next((c for c in self._waiting if self.held[c] < self.share(c)), None)
            if client is None:
                return
            queue = self._waiting.pop(client)
            waiter = queue.popleft()
            if queue:
                self._waiting[client] = queue  # to the back of the line: the others go first
            if waiter.done():
                continue
            self._grant(client)
            waiter.set_result(None)

    def _forget(self, client: str, waiter: asyncio.Future[None]) -> None:
        queue = self._waiting.get(client)
        if queue is None:
            return
        try:
            queue.remove(waiter)
        except ValueError:
            pass
        if not queue:
            del self._waiting[client]


class KeyedLimiters:
    """One FairLimiter per key (a site's host name), made on first use and dropped when idle."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._limiters: dict[str, FairLimiter] = {}

    @asynccontextmanager
    async def slot(self, key: str, client: str) -> AsyncIterator[None]:
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = self._limiters[key] = FairLimiter(self.capacity)
        try:
            async with limiter.slot(client):
                yield
        finally:
            if limiter.idle and self._limiters.get(key) is limiter:
                del self._limiters[key]
