"""The buffered access log: one line per request, nothing lost, nothing that breaks a line."""

from __future__ import annotations

import asyncio
import logging

import pytest

from proxy.app.access_log import AccessLog


def test_lines_flush_as_one_record_each_with_its_own_time(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "t.access")
    log = AccessLog(logging.getLogger("t.access"))
    log.add("GET", "/elder/https://www.gov.cn/", 200, 1.25, "-")
    log.add("GET", "/read/x\n<script>", 403, 0.5, "host x not allowed")
    assert caplog.records == []
    log.flush()
    assert len(caplog.records) == 1
    lines = caplog.records[0].getMessage().split("\n")
    assert len(lines) == 2
    assert lines[0].startswith("ts=") and "path=/elder/https://www.gov.cn/ status=200 ms=1.2" in lines[0]
    assert "path=/read/x\\n<script> status=403" in lines[1] and "reason=host x not allowed" in lines[1]


def test_full_buffer_flushes_at_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "t.access2")
    log = AccessLog(logging.getLogger("t.access2"), max_lines=3)
    for i in range(7):
        log.add("GET", f"/p{i}", 200, 1.0, "-")
    assert [r.getMessage().count("\n") + 1 for r in caplog.records] == [3, 3]
    log.flush()
    assert caplog.records[-1].getMessage().count("path=/p6") == 1


def test_disabled_level_costs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "t.access3")
    log = AccessLog(logging.getLogger("t.access3"))
    log.add("GET", "/", 200, 1.0, "-")
    assert log.lines == []


async def test_flusher_runs_and_flushes_on_exit(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "t.access4")
    log = AccessLog(logging.getLogger("t.access4"), interval=0.05)
    async with log.running():
        log.add("GET", "/a", 200, 1.0, "-")
        for _ in range(100):
            if caplog.records:
                break
            await asyncio.sleep(0.01)
        assert "path=/a" in caplog.records[0].getMessage()
        log.add("GET", "/b", 200, 1.0, "-")
    assert "path=/b" in caplog.records[-1].getMessage()
