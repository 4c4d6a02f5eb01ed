"""The speech service: a pool of spawned worker processes (proxy/speech/worker.py), one engine each.

A job goes to an idle worker and must answer within `speech.job_timeout`; a worker that hangs or dies is
killed, a fresh one is spawned in the background, and the request gets a clear error instead of waiting. At
start-up the service finds out whether speech works at all (engine starts, a voice for Chinese is installed,
a probe sentence comes out) so that pages can offer the player only when it will play.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import re
import shutil
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from transforms.speech.text import Sentence, SpeechText, runs

from ..config import RATE_RANGE, SpeechConfig, speech_workers
from ..errors import Busy, ProxyError, TooLarge
from . import worker as speech_worker
from .encode import MP3_LOUDNESS_LOSS
from .lanes import Lane, Lanes
from .voices import NoVoice, find_voice, pick_voice
from .worker import Job, Piece, Result

log = logging.getLogger("a11y_proxy.speech")
PAUSE_RUN = 0.04  # between a Chinese and an English stretch of one sentence
PAUSE_SENTENCE = 0.3
PAUSE_PARAGRAPH = 0.6
PAUSE_HEADING = 0.9  # before and after a heading: a new part begins
RATE_MIN, RATE_MAX = RATE_RANGE  # words per minute on espeak's scale
RATE_STEPS = (0.7, 0.85, 1.0, 1.2, 1.45)  # the toolbar's five 语速 steps, as factors of speech.rate
START_TIMEOUT = 30.0
RETRY_FIRST, RETRY_MAX = 5.0, 300.0  # seconds between start attempts after a failed one
PROBE_TEXT = "语音测试。"


FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def audio_filename(title: str, fmt: str) -> str:
    """A file name from an article's title that every file system accepts (Chinese kept)."""
    name = re.sub(r"\s+", " ", FILENAME_UNSAFE.sub(" ", title)).strip(" .")[:80]
    return f"{name or 'article'}.{fmt}"


def pause_between(s: Sentence, following: Sentence | None) -> float:
    """Silence after a sentence: longer around a heading and between paragraphs than between sentences."""
    if following is None:
        return PAUSE_SENTENCE
    if s.heading or following.heading:
        return PAUSE_HEADING
    return PAUSE_PARAGRAPH if following.paragraph != s.paragraph else PAUSE_SENTENCE


class SpeechFailed(ProxyError):
    status = 503


class WorkerGone(Exception):
    """The worker process died or stopped answering."""


class Worker:
    """One spawned process and the parent's end of its pipe. Blocking methods: call them in a thread."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # never fork: a forked engine hangs
        self.conn, child = ctx.Pipe()
        # the worker's utterance files: made and removed here, since a worker that is killed leaves them behind
        self.tmp = tempfile.mkdtemp(prefix=speech_worker.SCRATCH_PREFIX)
        self.proc = ctx.Process(target=speech_worker.main, args=(child, self.tmp), daemon=True, name="a11y-speech")
        self.proc.start()
        child.close()
        self.info: dict[str, Any] = {}

    def handshake(self, timeout: float) -> dict[str, Any]:
        if not self.conn.poll(timeout):
            self.kill()
            raise WorkerGone("the speech worker did not start in time")
        try:
            kind, info = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise WorkerGone("the speech worker exited while starting") from None
        if kind != "ready":
            self.kill()
            raise WorkerGone(str(info))
        self.info = info
        return info

    def call(self, job: Job, timeout: float) -> Result:
        try:
            self.conn.send(job)
            answered = self.conn.poll(timeout)
            kind, value = self.conn.recv() if answered else ("timeout", None)
        except (EOFError, OSError) as e:
            raise WorkerGone(f"the speech worker died ({e.__class__.__name__})") from None
        if kind == "timeout":
            raise TimeoutError(f"no answer in {timeout:.1f}s")
        if kind == "ok":
            return value
        raise RuntimeError(value)

    @property
    def pid(self) -> int | None:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.is_alive()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(2)
        self.conn.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.proc.join(1)
        except OSError:
            pass
        self.kill()


@dataclass
class Audio:
    data: bytes
    fmt: str
    seconds: float
    sample_rate: int


class SpeechService:
    def __init__(self, cfg: SpeechConfig) -> None:
        self.cfg = cfg
        self.available = False
        self.reason = "starting"
        self.driver = ""
        self.voices: list[dict[str, Any]] = []
        self._lanes: Lanes[Worker] = Lanes()
        self._workers: set[Worker] = set()
        self.jobs = 0  # jobs run (a seek into a finished file must not add one)
        self._background: set[asyncio.Task[Any]] = set()
        self._started: asyncio.Task[None] | None = None
        self._first_attempt = asyncio.Event()
        self.up = asyncio.Event()  # set once audio works
        self._closed = False

    # -- life cycle ---------------------------------------------------------------------------------------

    def start_soon(self) -> None:
        """Start in the background, so the server answers pages while the engine warms up. A start that
        fails (a slow machine at boot, an engine that crashed) is tried again with growing pauses: one bad
        moment must not leave a server without audio until someone restarts it."""
        self._started = asyncio.create_task(self._start_until_up())

    async def _start_until_up(self) -> None:
        pause = RETRY_FIRST
        while True:
            try:
                await self.start()
            finally:
                self._first_attempt.set()
            if self.available or self._closed or not self.cfg.enabled:
                return
            for w in list(self._workers):  # what the failed attempt started
                self._workers.discard(w)
                await asyncio.to_thread(w.stop)
            self._lanes = Lanes()
            log.info("speech: trying again in %.0fs", pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_MAX)

    async def ready(self) -> None:
        """Wait for the first start attempt (not for retries: a request is answered now, either way)."""
        if self._started is None:
            self.start_soon()
        await self._first_attempt.wait()

    async def start(self) -> None:
        if not self.cfg.enabled:
            self.reason = "disabled in config (speech.enabled)"
            return
        results = await asyncio.gather(*(self._spawn() for _ in range(speech_workers(self.cfg))),
                                       return_exceptions=True)
        for r in results:
            if isinstance(r, Worker):
                self._lanes.put(r)
        failures = [r for r in results if not isinstance(r, Worker)]
        if len(failures) == len(results):
            self.reason = f"speech engine failed to start: {failures[0]}"
            log.warning("audio unavailable: %s", self.reason)
            return
        try:
            probe = await self.synthesize([Piece(self.voice_for("zh"), PROBE_TEXT)], self.cfg.rate, "pcm", False)
        except ProxyError as e:
            self.reason = e.en
            log.warning("audio unavailable: %s", self.reason)
            return
        if probe.seconds < 0.2:
            self.reason = "the speech engine produced no audio for a Chinese test sentence"
            log.warning("audio unavailable: %s", self.reason)
            return
        self.available, self.reason = True, ""
        self.up.set()
        log.info("speech ready: driver %s, %d worker(s), zh voice %s", self.driver, len(self._workers),
                 self.voice_for("zh"))

    async def _spawn(self) -> Worker:
        def start() -> Worker:
            w = Worker()
            w.handshake(START_TIMEOUT)
            return w

        worker = await asyncio.to_thread(start)
        self.driver = worker.info.get("driver", "")
        self.voices = worker.info.get("voices", [])
        self._workers.add(worker)
        if self._closed:
            worker.stop()
        return worker

    def _replace(self, worker: Worker) -> None:
        """Kill `worker` and put a fresh one in the pool when it is up (the caller does not wait for it)."""
        self._workers.discard(worker)
        worker.kill()
        if self._closed:
            return

        async def respawn() -> None:
            try:
                self._lanes.put(await self._spawn())
            except Exception as e:
                log.error("could not replace a speech worker: %s", e)

        task = asyncio.create_task(respawn())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        self._closed = True
        if self._started is not None and not self._started.done():
            self._started.cancel()
        for task in list(self._background):
            task.cancel()
        for w in list(self._workers):
            await asyncio.to_thread(w.stop)
        self._workers.clear()

    def status(self) -> dict[str, Any]:
        """For /healthz: whether audio works, which engine and voices, and why not."""
        voices = {}
        for lang in self.cfg.voices:
            try:
                voices[lang] = self.voice_for(lang)
            except ProxyError:
                voices[lang] = None
        return {"available": self.available, "driver": self.driver or None, "workers": len(self._workers),
                "voices": voices if self.voices else {}, "reason": self.reason or None}

    def has_idle_worker(self) -> bool:
        return self._lanes.has_idle()

    def background(self, coro: Coroutine[Any, Any, Any], limit: int = 4) -> None:
        """Run optional work (prefetching the next sentence) without anyone waiting; dropped when busy."""
        if len(self._background) >= limit or self._closed:
            coro.close()
            return

        async def quietly() -> None:
            try:
                await coro
            except ProxyError as e:
                log.info("background speech job failed: %s", e.log_reason)

        task = asyncio.create_task(quietly())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def worker_pids(self) -> list[int]:
        return [w.pid for w in self._workers if w.pid is not None]

    # -- jobs ---------------------------------------------------------------------------------------------

    def voice_for(self, lang: str) -> str:
        """The voice id for a language key (zh, en, yue); NoVoice with a clear message when there is none."""
        if not self.voices:
            raise SpeechFailed("本服务器暂时无法提供语音朗读。", f"Speech is not available: {self.reason}.",
                               reason="speech unavailable")
        return pick_voice(self.voices, lang, self.cfg.voices, self.driver)

    def rate_for(self, step: int | None) -> int:
        if step is None or not 0 <= step < len(RATE_STEPS):
            return self.cfg.rate
        return max(RATE_MIN, min(RATE_MAX, round(self.cfg.rate * RATE_STEPS[step])))

    def find_voice(self, name: str) -> str:
        """An installed voice by id or name (for --voice), NoVoice when there is none."""
        if not self.voices:
            self.voice_for("zh")  # raises: speech is not available, and why
        return find_voice(self.voices, name, self.driver)

    def pieces(self, sentences: list[Sentence], lang: str, voice: str | None = None,
               following: Sentence | None = None) -> list[Piece]:
        """Utterances for sentences: each sentence split into language runs, pauses between them (and after
        the last, by the sentence `following` them). `voice` replaces the language's own voice (the other
        script's runs keep theirs)."""
        base = voice or self.voice_for(lang)
        out: list[Piece] = []
        for n, s in enumerate(sentences):
            last_pause = pause_between(s, sentences[n + 1] if n + 1 < len(sentences) else following)
            parts = runs(s.spoken, lang)
            for j, (run_lang, text) in enumerate(parts):
                try:
                    voice = base if run_lang == lang else self.voice_for(run_lang)
                except NoVoice:
                    voice = base
                out.append(Piece(voice, text, last_pause if j == len(parts) - 1 else PAUSE_RUN))
        return out

    def check_length(self, chars: int) -> None:
        if chars > self.cfg.max_chars:
            raise TooLarge(f"文章过长（{chars}字），超过语音朗读的上限（{self.cfg.max_chars}字）。",
                           f"The text is too long to read aloud ({chars} characters; the limit is "
                           f"{self.cfg.max_chars}, config: speech.max_chars).", reason=f"speech text {chars} chars")

    async def speak(self, text: SpeechText, rate: int, fmt: str, indices: list[int] | None = None,
                    voice: str | None = None) -> Audio:
        """Audio of a whole SpeechText, or of the sentences at `indices`, as one job in the segment lane (for
        short texts: a whole article is made sentence by sentence, see `proxy.speech.article`)."""
        chosen = text.sentences if indices is None else [text.sentences[i] for i in indices]
        self.check_length(sum(len(s.text) for s in chosen))
        pieces = self.pieces(chosen, text.lang, voice)
        if not pieces:
            raise ProxyError("这个页面没有可以朗读的文字。", "There is no text on this page to read aloud.",
                             status=422, reason="nothing to say")
        return await self.synthesize(pieces, rate, fmt)

    def loudness_for(self, fmt: str) -> float | None:
        """The loudness to normalise PCM to so that the file in `fmt` measures speech.loudness_lufs."""
        target = self.cfg.loudness_lufs
        return None if target is None else target + (MP3_LOUDNESS_LOSS if fmt == "mp3" else 0.0)

    async def synthesize(self, pieces: list[Piece], rate: int, fmt: str, normalise: bool = True) -> Audio:
        result = await self.run(Job(pieces, rate, fmt, self.loudness_for(fmt) if normalise else None))
        return Audio(result.data, fmt, result.seconds, result.sample_rate)

    async def run(self, job: Job, lane: Lane = "segment", stream: str = "") -> Result:
        """Run a job on the next worker its lane gets (see `lanes`). The job finishes (or its worker is
        replaced) even if the request that asked for it goes away, so a worker is never handed back while it
        is still busy."""
        worker = await self._take(lane, stream)
        self.jobs += 1
        task = asyncio.create_task(self._run_on(worker, job))
        return await asyncio.shield(task)

    async def _take(self, lane: Lane, stream: str) -> Worker:
        deadline = time.monotonic() + self.cfg.job_timeout
        while True:
            try:
                worker = await self._lanes.take(lane, stream, max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                raise Busy("语音服务繁忙，请稍后再试。", "The speech service is busy; please try again shortly.",
                           reason="no idle speech worker") from None
            if worker.alive():
                return worker
            log.warning("speech worker %s had died while idle; replacing it", worker.pid)
            self._replace(worker)

    async def _run_on(self, worker: Worker, job: Job) -> Result:
        try:
            result = await asyncio.to_thread(worker.call, job, self.cfg.job_timeout)
        except TimeoutError:
            log.warning("speech job timed out after %.1fs; replacing worker %s", self.cfg.job_timeout, worker.pid)
            self._replace(worker)
            raise SpeechFailed("语音合成超时，请稍后再试。", "Speech synthesis took too long; please try again.",
                               reason="speech job timeout") from None
        except WorkerGone as e:
            log.warning("speech worker %s failed: %s; replacing it", worker.pid, e)
            self._replace(worker)
            raise SpeechFailed("语音合成进程意外退出，请重试。", "The speech engine stopped unexpectedly; please "
                               "try again.", reason=str(e)) from None
        except RuntimeError as e:
            log.warning("speech job failed on worker %s: %s; replacing it", worker.pid, e)
            self._replace(worker)
            raise SpeechFailed("语音合成失败。", f"Speech synthesis failed: {e}", reason="speech job error") from None
        self._lanes.put(worker)
        return result
