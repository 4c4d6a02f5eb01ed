"""The speech worker process: one pyttsx3 engine, one utterance at a time, jobs over a pipe.

Why a dedicated spawned process (facts measured with espeak-ng 1.51 and pyttsx3 2.99): the engine crashes the
process when driven from several threads, a process forked after the engine started hangs, two save_to_file
calls before one runAndWait write only the last, runAndWait can return before the WAV is complete (so we wait
for the finished-utterance event, with a timeout), and runAndWait with nothing queued hangs forever. So each
utterance gets exactly one save_to_file into a fresh temp file, and a worker that misbehaves is killed and
replaced by the parent (proxy/speech/service.py) rather than repaired.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from . import encode as audio_encode

UTTERANCE_TIMEOUT = 30.0  # seconds for one utterance's finished-utterance event
UTTERANCE_ATTEMPTS = 3  # tries for an utterance the engine cancelled on its own
SCRATCH_PREFIX = "a11y-speech-"  # the per-worker directory of utterance files


@dataclass(frozen=True)
class Piece:
    """One utterance: a voice, its text, and the silence after it."""

    voice: str
    text: str
    pause: float = 0.0


@dataclass(frozen=True)
class Job:
    pieces: list[Piece]
    rate: int
    fmt: str  # "mp3" | "wav" | "pcm"
    loudness: float | None = None  # LUFS to normalise to (see loudness.py); None: as the engine made it


@dataclass
class Result:
    data: bytes
    sample_rate: int
    seconds: float
    chars: int
    timings: dict[str, float] = field(default_factory=dict)
    speech_samples: int = 0  # samples before the last piece's pause: where the words end (a caption's end)


def _espeak_playing() -> bool:
    """espeak-ng's own "still working" flag (False on other drivers). Asking it also waits for its queue."""
    module = sys.modules.get("pyttsx3.drivers._espeak")
    return bool(module and module.IsPlaying())


class Engine:
    """A pyttsx3 engine used the one way that works reliably: one utterance, one fresh file, wait for it."""

    def __init__(self, tmp: str | None = None) -> None:
        """`tmp`: a scratch directory the parent made and removes (a killed worker cannot clean up after itself)."""
        import pyttsx3

        self.engine = pyttsx3.init()
        self.driver = str(getattr(self.engine, "driver_name", "") or "?")
        self.done = threading.Event()
        self.completed = True
        self.engine.connect("finished-utterance", self._finished)
        self.tmp = tmp or tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
        self.voice = ""
        self.rate = 0
        self.serial = 0
        self._warm_up()

    def _finished(self, name: object = None, completed: bool = True) -> None:
        """A cancel may be reported before or after espeak's own end of message: either one spoils it."""
        self.completed = self.completed and bool(completed)
        self.done.set()

    def _warm_up(self) -> None:
        """One utterance with the defaults: pyttsx3 starts out 'busy' and queues property changes until its
        first run loop; after this the engine is idle and every change applies at once.

        The driver's own start-up settings (voice, rate, volume) sit in espeak's queue first; if runAndWait
        finds them there it cancels and leaves its stop flag set, and that flag then cancels the next real
        utterance a moment after it starts (seen on a loaded CI machine: a title read as 0.07 s of audio)."""
        self._wait_while(_espeak_playing)
        path = os.path.join(self.tmp, "warm-up.wav")
        self.engine.save_to_file("a", path)
        self.engine.runAndWait()
        if not self.done.wait(UTTERANCE_TIMEOUT):
            raise RuntimeError("the speech engine did not answer its first utterance")
        self._settle()
        try:
            os.unlink(path)
        except OSError:
            pass

    def voices(self) -> list[dict[str, Any]]:
        out = []
        for v in self.engine.getProperty("voices"):
            langs = [x.decode("utf-8", "ignore") if isinstance(x, bytes) else str(x) for x in (v.languages or [])]
            out.append({"id": str(v.id), "name": str(v.name or ""), "languages": langs})
        return out

    @staticmethod
    def _wait_while(busy: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 5.0
        while busy():
            if time.monotonic() > deadline:
                raise RuntimeError("the speech engine stayed busy")
            time.sleep(0.001)

    def _settle(self) -> None:
        """Wait until the engine is really idle. espeak-ng applies a voice or rate through its command queue,
        and pyttsx3's runAndWait calls espeak_Cancel when that queue is not empty, dropping them (measured:
        the next utterance kept the old rate, or came out empty). finished-utterance also fires on espeak's
        thread before the driver marks itself idle."""
        self._wait_while(lambda: self.engine.isBusy() or _espeak_playing())

    def utter(self, voice: str, text: str, rate: int) -> tuple[bytes, int]:
        """One utterance; said again if the engine reports it cancelled (a cut-off sentence must not be
        served as if it were the whole one)."""
        for _ in range(UTTERANCE_ATTEMPTS):
            audio = self._utter_once(voice, text, rate)
            if audio is not None:
                return audio
        raise RuntimeError("the speech engine cancelled the utterance every time")

    def _utter_once(self, voice: str, text: str, rate: int) -> tuple[bytes, int] | None:
        if voice != self.voice:
            self.engine.setProperty("voice", voice)
            self.voice = voice
        if rate != self.rate:
            self.engine.setProperty("rate", rate)
            self.rate = rate
        self._settle()  # runAndWait cancels whatever espeak has still queued: our voice and rate
        self.serial += 1
        path = os.path.join(self.tmp, f"u{self.serial}.wav")
        self.done.clear()
        self.completed = True
        self.engine.save_to_file(text, path)
        self.engine.runAndWait()
        if not self.done.wait(UTTERANCE_TIMEOUT):
            raise RuntimeError("the speech engine did not finish the utterance")
        self._settle()
        try:
            if not self.completed:
                self.voice, self.rate = "", 0  # a cancel may have dropped them too: set both again
                return None
            with open(path, "rb") as f:
                return audio_encode.read_wav(f.read())
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass

    def run(self, job: Job) -> Result:
        chunks: list[bytes] = []
        rate = 0
        chars = 0
        spoken = 0
        for piece in job.pieces:
            pcm, piece_rate = self.utter(piece.voice, piece.text, job.rate)
            if rate and piece_rate != rate:
                raise RuntimeError(f"voices disagree on the sample rate ({rate} and {piece_rate})")
            rate = piece_rate
            chunks.append(audio_encode.trim_silence(pcm, rate))
            spoken = sum(map(len, chunks))
            chunks.append(audio_encode.silence(piece.pause, rate))
            chars += len(piece.text)
        pcm = b"".join(chunks)
        if job.loudness is not None:
            from .loudness import normalise  # numpy and scipy: loaded in the worker, never in the server

            pcm = normalise(pcm, rate, job.loudness)
        data = pcm if job.fmt == "pcm" else audio_encode.encode(pcm, rate, job.fmt)
        return Result(data, rate, len(pcm) / audio_encode.SAMPLE_WIDTH / max(rate, 1), chars,
                      speech_samples=spoken // audio_encode.SAMPLE_WIDTH)

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def main(conn: Connection, tmp: str | None = None) -> None:
    """Worker entry point: report ("ready", info) or ("failed", reason), then answer jobs until None."""
    sys.stdout = open(os.devnull, "w")  # pyttsx3 prints "Audio saved to ..." for every file
    try:
        engine = Engine(tmp)
        from . import loudness

        loudness.warm_up()  # numpy, scipy and the meter loaded now, not during a listener's first sentence
        conn.send(("ready", {"driver": engine.driver, "voices": engine.voices(), "pid": os.getpid()}))
    except Exception as e:  # no espeak-ng, no libespeak-ng1, no audio driver: tell the parent why
        conn.send(("failed", f"{e.__class__.__name__}: {e}"))
        return
    try:
        while True:
            try:
                job = conn.recv()
            except EOFError:
                return
            if job is None:
                return
            try:
                conn.send(("ok", engine.run(job)))
            except Exception as e:
                conn.send(("error", f"{e.__class__.__name__}: {e}"))
    finally:
        engine.close()
