"""A deliberately misbehaving HTTP server on 127.0.0.1, written on raw asyncio streams.

aiohttp's own server refuses to send most of what we need (garbage status lines, conflicting lengths, resets,
stalled TLS), so this server writes bytes by hand. One behaviour per path (see `cases.py`); every connection
is bounded in time, and `stop()` cancels whatever is still running.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

MAX_REQUEST_HEAD = 65536
CONNECTION_LIFETIME = 30.0  # no behaviour holds a connection longer than this


@dataclass
class Request:
    method: str
    target: str  # path and query as sent
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


# A behaviour writes whatever it likes; it returns True to keep the connection for another request.
Behaviour = Callable[[Request, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[bool]]


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST instead of FIN (SO_LINGER 0)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class HostileServer:
    def __init__(self, behaviours: dict[str, Behaviour], fallback: Behaviour) -> None:
        self.behaviours = behaviours
        self.fallback = fallback
        self.hits: dict[str, int] = {}
        self.open_connections = 0
        self.max_open_connections = 0  # high-water mark, reset by tests that measure it
        self.requests: list[Request] = []
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._server = self.loop.run_until_complete(asyncio.start_server(self._connection, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> HostileServer:
        self.thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for t in list(self._tasks):
                t.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.open_connections += 1
        self.max_open_connections = max(self.max_open_connections, self.open_connections)
        try:
            async with asyncio.timeout(CONNECTION_LIFETIME):
                while await self._one_request(reader, writer):
                    pass
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                asyncio.CancelledError):  # cancelled: only by stop()
            pass
        finally:
            self.open_connections -= 1
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _one_request(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        first = await reader.read(1)
        if not first:
            return False
        if first == b"\x16":  # a TLS ClientHello: stall the handshake, never answer
            self.hits["<tls>"] = self.hits.get("<tls>", 0) + 1
            await asyncio.sleep(CONNECTION_LIFETIME)
            return False
        head = first + await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_REQUEST_HEAD:
            return False
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        req = Request(method, target, headers)
        self.requests.append(req)
        self.hits[req.path] = self.hits.get(req.path, 0) + 1
        behaviour = self.behaviours.get(req.path)
        if behaviour is None:
            for prefix, b in self.behaviours.items():
                if prefix.endswith("/") and req.path.startswith(prefix):
                    behaviour = b
                    break
        keep = await (behaviour or self.fallback)(req, reader, writer)
        await writer.drain()
        return keep
