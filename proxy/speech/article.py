"""A whole article's audio, made sentence by sentence so that it can be listened to while it is made.

Each sentence is one job in the article lane (see `lanes`): the stream takes turns with other articles, and a
listener's one-sentence request waits at most one sentence. The PCM of each sentence is encoded by one
continuous encoder (one MP3 stream, no gaps between sentences), and the caption cues and chapters are timed
from the real sample counts. A file format whose header depends on the whole (the WAV sizes; in MP3 the
ID3 tag with its chapter times) starts with a placeholder header of exactly the final header's length, so
the bytes of a stream and of the finished file agree at every offset but the header's: a player that seeks
by byte offset lands on the same audio either way.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator
from typing import Protocol

import lameenc

from transforms.speech.text import Sentence, SpeechText

from ..errors import ProxyError
from .encode import MP3_KBPS, SAMPLE_WIDTH
from .service import SpeechFailed, SpeechService
from .tags import TagInfo, id3
from .timeline import Chapter, Cue, Timeline, chapters, planned_chapters
from .worker import Job, Result

ENCODER_QUALITY = 5  # lame's 2 is best and slowest; speech does not need it
ATTEMPTS = 2  # a sentence whose worker died is tried once more on a fresh one


class Container(Protocol):
    """A file format written as a stream: a header of fixed length, then encoded audio."""

    def header(self, timeline: Timeline | None) -> bytes: ...  # None: the placeholder, same length
    def encode(self, pcm: bytes) -> bytes: ...
    def flush(self) -> bytes: ...


class Mp3Container:
    """MP3 frames after an ID3v2.4 tag (see `tags`): with every chapter at time 0 while streaming, with the
    real times in the finished file; the two tags have the same length."""

    def __init__(self, rate: int, tags: TagInfo | None = None, planned: list[Chapter] | None = None) -> None:
        self.encoder = lameenc.Encoder()
        self.encoder.set_bit_rate(MP3_KBPS)
        self.encoder.set_in_sample_rate(rate)
        self.encoder.set_channels(1)
        self.encoder.set_quality(ENCODER_QUALITY)
        self.tags = tags
        self.planned = planned or []

    def header(self, timeline: Timeline | None) -> bytes:
        if self.tags is None:
            return b""
        return id3(self.tags, self.planned if timeline is None else timeline.chapters)

    def encode(self, pcm: bytes) -> bytes:
        return bytes(self.encoder.encode(pcm))

    def flush(self) -> bytes:
        return bytes(self.encoder.flush())


class WavContainer:
    """A WAV header whose sizes are unknown while streaming (0xFFFFFFFF, as streaming players expect) and
    exact in the finished file."""

    def __init__(self, rate: int, tags: TagInfo | None = None, planned: list[Chapter] | None = None) -> None:
        self.rate = rate
        self.data_bytes = 0

    def header(self, timeline: Timeline | None) -> bytes:
        data = 0xFFFFFFFF - 36 if timeline is None else self.data_bytes
        return (b"RIFF" + struct.pack("<I", data + 36) + b"WAVEfmt " +
                struct.pack("<IHHIIHH", 16, 1, 1, self.rate, self.rate * SAMPLE_WIDTH, SAMPLE_WIDTH, 16) +
                b"data" + struct.pack("<I", data))

    def encode(self, pcm: bytes) -> bytes:
        self.data_bytes += len(pcm)
        return pcm

    def flush(self) -> bytes:
        return b""


CONTAINERS = {"mp3": Mp3Container, "wav": WavContainer}


class ArticleAudio:
    """One article's audio as it is made: `chunks()` yields the placeholder header, then audio; afterwards
    `timeline` and `final_header()` describe the finished file."""

    def __init__(self, speech: SpeechService, text: SpeechText, rate: int, fmt: str, voice: str | None = None,
                 stream: str = "", tags: TagInfo | None = None) -> None:
        self.speech = speech
        self.text = text
        self.rate = rate
        self.fmt = fmt
        self.voice = voice
        self.stream = stream or text.digest()
        self.tags = tags
        self.timeline = Timeline()
        self.container: Container | None = None
        self.audio_bytes = 0

    async def chunks(self) -> AsyncIterator[bytes]:
        sentences = self.text.sentences
        if not sentences:
            raise ProxyError("这个页面没有可以朗读的文字。", "There is no text on this page to read aloud.",
                             status=422, reason="nothing to say")
        self.speech.check_length(self.text.chars)
        samples = 0
        for i, s in enumerate(sentences):
            following = sentences[i + 1] if i + 1 < len(sentences) else None
            result = await self._sentence(i, following)
            if self.container is None:
                self.container = CONTAINERS[self.fmt](result.sample_rate, self.tags, planned_chapters(self.text))
                self.timeline.sample_rate = result.sample_rate
                yield self.container.header(None)
            rate = self.timeline.sample_rate
            if result.sample_rate != rate:
                raise SpeechFailed("语音合成失败。", "Speech synthesis failed: the voices disagree on the sample rate.",
                                   reason="sample rate changed mid-article")
            self.timeline.cues.append(Cue(i, samples / rate, (samples + result.speech_samples) / rate, s.text))
            samples += len(result.data) // SAMPLE_WIDTH
            chunk = await asyncio.to_thread(self.container.encode, result.data)
            if chunk:
                self.audio_bytes += len(chunk)
                yield chunk
        assert self.container is not None
        tail = self.container.flush()
        self.audio_bytes += len(tail)
        if tail:
            yield tail
        self.timeline.seconds = samples / self.timeline.sample_rate
        self.timeline.chapters = chapters(self.text, self.timeline)

    async def _sentence(self, i: int, following: Sentence | None) -> Result:
        pieces = self.speech.pieces([self.text.sentences[i]], self.text.lang, self.voice, following)
        for attempt in range(ATTEMPTS):
            try:
                job = Job(pieces, self.rate, "pcm", self.speech.loudness_for(self.fmt))
                return await self.speech.run(job, "article", self.stream)
            except SpeechFailed:
                if attempt + 1 == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def final_header(self) -> bytes:
        assert self.container is not None, "chunks() has not run"
        return self.container.header(self.timeline)
