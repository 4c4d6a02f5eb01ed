"""The access log, buffered like nginx's `access_log … buffer= flush=`: a request costs one append; lines
reach the logger in one record per flush (every second, or sooner when many are waiting). Each line keeps
its own timestamp, so nothing is lost but the per-record overhead of Python's logging."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

FORMAT = "ts=%s method=%s path=%s status=%d ms=%.1f reason=%s"


class AccessLog:
    def __init__(self, logger: logging.Logger, interval: float = 1.0, max_lines: int = 1000) -> None:
        self.logger = logger
        self.interval = interval
        self.max_lines = max_lines
        self.lines: list[tuple[float, str, str, int, float, str]] = []

    def add(self, method: str, path: str, status: int, ms: float, reason: str) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        self.lines.append((time.time(), method, path, status, ms, reason))
        if len(self.lines) >= self.max_lines:
            self.flush()

    def flush(self) -> None:
        lines, self.lines = self.lines, []
        if lines:
            self.logger.info("\n".join(FORMAT % (_stamp(ts), one_line(m, 16), one_line(p), s, ms, one_line(r))
                                       for ts, m, p, s, ms, r in lines))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async def flusher() -> None:
            while True:
                await asyncio.sleep(self.interval)
                self.flush()

        task = asyncio.create_task(flusher())
        try:
            yield
        finally:
            task.cancel()
            self.flush()


def _stamp(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(ts)) + f".{int(ts % 1 * 1000):03d}"


def one_line(text: str, limit: int = 200) -> str:
    """Client-controlled text as it may appear in a log: one line, ASCII, escaped, bounded (no forged lines,
    no terminal escapes), whatever it holds."""
    return text[:limit].encode("unicode_escape").decode("ascii")
