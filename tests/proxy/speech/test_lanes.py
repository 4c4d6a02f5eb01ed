"""Who gets a free speech worker: segment requests before article sentences, articles in turn."""

from __future__ import annotations

import asyncio

import pytest

from proxy.config import SpeechConfig, speech_workers
from proxy.speech.lanes import Lanes


async def test_segments_go_first_and_articles_take_turns() -> None:
    lanes: Lanes[str] = Lanes()
    order: list[str] = []

    async def job(name: str, lane: str, stream: str = "") -> None:
        worker = await lanes.take(lane, stream)  # type: ignore[arg-type]
        order.append(name)
        lanes.put(worker)

    waiting = [asyncio.create_task(job(n, "article", s)) for n, s in
               [("a1", "A"), ("a2", "A"), ("a3", "A"), ("b1", "B")]]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(job("seg", "segment")))
    await asyncio.sleep(0)
    lanes.put("the one worker")
    await asyncio.gather(*waiting)
    assert order == ["seg", "a1", "b1", "a2", "a3"]


async def test_a_waiter_that_gives_up_passes_the_worker_on() -> None:
    lanes: Lanes[str] = Lanes()
    with pytest.raises(TimeoutError):
        await lanes.take("segment", timeout=0.01)
    assert lanes.waiting() == 0
    lanes.put("w")
    assert await lanes.take("article", "A", timeout=1) == "w"


def test_speech_workers_default_to_cores_minus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert speech_workers(SpeechConfig()) == 7
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert speech_workers(SpeechConfig()) == 1
    assert speech_workers(SpeechConfig(workers=3)) == 3
