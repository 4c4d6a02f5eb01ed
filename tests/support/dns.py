"""A tiny real DNS server on 127.0.0.1 (UDP, A and AAAA queries only) for resolver tests: names starting with
`slow` are answered after `delay` seconds, every other name at once with 127.0.0.1 (AAAA: no answer)."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading


class SlowDNS(asyncio.DatagramProtocol):
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.transport: asyncio.DatagramTransport | None = None
        self.queries: list[str] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        labels, i = [], 12
        while data[i]:
            labels.append(data[i + 1:i + 1 + data[i]].decode("ascii", "replace"))
            i += 1 + data[i]
        name, qtype = ".".join(labels), struct.unpack(">H", data[i + 1:i + 3])[0]
        self.queries.append(name)
        answer = b""
        if qtype == 1:
            answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
        reply = data[:2] + struct.pack(">HHHHH", 0x8180, 1, 1 if answer else 0, 0, 0) + data[12:i + 5] + answer
        delay = self.delay if name.startswith("slow") else 0
        asyncio.get_running_loop().call_later(delay, lambda: self.transport and self.transport.sendto(reply, addr))


class DNSServer:
    """Runs SlowDNS in a thread of its own; `address` is "127.0.0.1:port"."""

    def __init__(self, delay: float) -> None:
        self.protocol = SlowDNS(delay)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        transport, _ = self.loop.run_until_complete(
            self.loop.create_datagram_endpoint(lambda: self.protocol, local_addr=("127.0.0.1", 0)))
        self.port = transport.get_extra_info("sockname")[1]
        self._ready.set()
        self.loop.run_forever()
        transport.close()

    def start(self) -> DNSServer:
        self.thread.start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"
