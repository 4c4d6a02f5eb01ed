"""Real servers for tests: each runs an aiohttp app on 127.0.0.1 in a thread with its own event loop,
so sync tests (browser) and async tests can share them."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractResolver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThreadServer:
    def __init__(self, make_app: Callable[[], web.Application], port: int | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.make_app = make_app
        self.port = port or free_port()
        self.ssl_context = ssl_context
        self.loop = asyncio.new_event_loop()
        self.runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as e:  # reported to the starting thread
            self._error = e
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        self.runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port, ssl_context=self.ssl_context).start()

    def start(self) -> ThreadServer:
        self.thread.start()
        self._ready.wait(120)
        if self._error:
            raise self._error
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, coro: Any) -> Any:
        """Run a coroutine on the server's loop (to reach its app's services)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def stop(self) -> None:
        if self.runner is not None:
            asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


class MapResolver(AbstractResolver):
    """A resolver the tests control: names -> addresses; anything else does not resolve (no internet)."""

    def __init__(self, table: dict[str, str], suffixes: dict[str, str] | None = None) -> None:
        self.table = table
        self.suffixes = suffixes or {}
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[dict[str, Any]]:
        self.calls.append(host)
        addr = self.table.get(host)
        if addr is None:
            for suffix, a in self.suffixes.items():
                if host.endswith(suffix):
                    addr = a
                    break
        if addr is None:
            raise OSError(f"test resolver: {host} does not resolve")
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        return [{"hostname": host, "host": addr, "port": port, "family": fam, "proto": 0,
                 "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        return None
