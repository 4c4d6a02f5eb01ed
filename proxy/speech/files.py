"""An article's audio written to a file (the command line: `speak`, `podcast`): streamed to a temporary file
in the target's folder as it is made, the final header written over the placeholder, then renamed into place,
so a half-made file never stands under the real name."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from transforms.speech.captions import lrc, webvtt

from .article import ArticleAudio
from .timeline import Timeline


async def write_audio(audio: ArticleAudio, path: Path) -> Timeline:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(tmp, "wb") as f:
            async for chunk in audio.chunks():
                f.write(chunk)
            f.seek(0)
            f.write(audio.final_header())
        _publishable(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return audio.timeline


def write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    tmp.write_text(text, encoding="utf-8")
    _publishable(tmp)
    os.replace(tmp, path)


def write_captions(path: Path, timeline: Timeline, kind: str, title: str, artist: str = "") -> Path:
    """The transcript beside the audio: `kind` "vtt" (WebVTT) or "lrc"."""
    target = path.with_suffix("." + kind)
    write_text(target, webvtt(timeline.cues, title) if kind == "vtt" else lrc(timeline.cues, title, artist))
    return target


def _publishable(path: Path) -> None:
    """Files a publisher puts online are readable by the web server: the umask's mode, not a private one."""
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
