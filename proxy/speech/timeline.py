"""Where things are in an article's audio: each sentence's cue and each chapter, in seconds. Kept beside a
finished file (the disk cache's meta), from which the captions (WebVTT, LRC) and the ID3 chapters are made."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from transforms.speech.text import SpeechText


@dataclass(frozen=True)
class Cue:
    """A sentence's place in the audio: start of its words to their end (its pause excluded)."""

    index: int
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


@dataclass
class Timeline:
    seconds: float = 0.0
    sample_rate: int = 0
    cues: list[Cue] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Timeline:
        return cls(data["seconds"], data["sample_rate"], [Cue(**c) for c in data["cues"]],
                   [Chapter(**c) for c in data["chapters"]])


def chapter_starts(text: SpeechText) -> list[tuple[int, str]]:
    """(sentence index, title) where a chapter starts: at each heading; the first one at the start."""
    marks = [(i, s.text) for i, s in enumerate(text.sentences) if s.heading]
    if not marks:
        return []
    if marks[0][0] != 0:
        marks.insert(0, (0, text.title or text.sentences[0].text))
    return marks


def planned_chapters(text: SpeechText) -> list[Chapter]:
    """The chapters before their times are known (all at 0): a placeholder tag of the final tag's length."""
    return [Chapter(0.0, 0.0, title) for _, title in chapter_starts(text)]


def chapters(text: SpeechText, timeline: Timeline) -> list[Chapter]:
    """Each chapter from its heading's start to the next chapter's start, the last to the end."""
    marks = chapter_starts(text)
    starts = [0.0 if i == 0 else timeline.cues[i].start for i, _ in marks]
    ends = starts[1:] + [timeline.seconds]
    return [Chapter(s, e, title) for s, e, (_, title) in zip(starts, ends, marks, strict=True)]
