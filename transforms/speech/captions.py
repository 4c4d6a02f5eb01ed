"""A transcript with timings: WebVTT (one cue per spoken sentence, for `<track>`, players and podcast apps)
and LRC (the lyrics format of music players, many of which older listeners already use).

Pure: cues in, text out. The cues' times come from the real lengths of the synthesised sentences
(`proxy.speech.article`), and each cue's text is the sentence as written (the caption, not the spoken form).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Timed(Protocol):
    start: float
    end: float
    text: str


def _clock(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _cue_text(text: str) -> str:
    """A cue's text on one line, with the three characters WebVTT reserves escaped (so "-->" cannot occur)."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt_header(title: str = "") -> str:
    note = f"NOTE {_cue_text(title)}\n\n" if title.strip() else ""
    return "WEBVTT\n\n" + note


def vtt_cue(n: int, cue: Timed) -> str:
    """One cue block: its number, its times, its text, and the blank line that ends it."""
    end = max(cue.end, cue.start + 0.001)
    return f"{n}\n{_clock(cue.start)} --> {_clock(end)}\n{_cue_text(cue.text)}\n\n"


def webvtt(cues: Iterable[Timed], title: str = "") -> str:
    return vtt_header(title) + "".join(vtt_cue(n, c) for n, c in enumerate(cues, 1))


def lrc(cues: Iterable[Timed], title: str = "", artist: str = "") -> str:
    """[mm:ss.xx]text lines, with [ti:] and [ar:] tags."""
    lines = [f"[ti:{' '.join(title.split())}]"] if title.strip() else []
    if artist.strip():
        lines.append(f"[ar:{' '.join(artist.split())}]")
    for cue in cues:
        cs = max(0, round(cue.start * 100))
        m, rest = divmod(cs, 6000)
        lines.append(f"[{m:02d}:{rest // 100:02d}.{rest % 100:02d}]{' '.join(cue.text.split())}")
    return "\n".join(lines) + "\n"
