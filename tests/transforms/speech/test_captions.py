"""Transcripts with timings: WebVTT cues (parsed back with webvtt-py, an independent reader) and LRC lines."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

import webvtt

from transforms.speech.captions import lrc
from transforms.speech.captions import webvtt as make_webvtt


@dataclass
class Cue:
    start: float
    end: float
    text: str


CUES = [Cue(0.0, 4.421, "示例省科技厅召开推进会"), Cue(5.321, 10.5, "来源：办公室，发布日期：2026年10月15日。"),
        Cue(3661.25, 3665.0, "a < b & c --> d")]


def test_webvtt_parses_back_with_every_cue_and_time() -> None:
    text = make_webvtt(CUES, "标题")
    assert text.startswith("WEBVTT\n\nNOTE 标题\n\n")
    parsed = webvtt.from_buffer(io.StringIO(text))
    assert [html.unescape(c.text) for c in parsed] == ["示例省科技厅召开推进会", "来源：办公室，发布日期：2026年10月15日。", "a < b & c --> d"]
    assert [(c.start, c.end) for c in parsed] == [("00:00:00.000", "00:00:04.421"), ("00:00:05.321", "00:00:10.500"),
                                                  ("01:01:01.250", "01:01:05.000")]
    assert "-->" not in text.split("\n")[-3]  # the arrow in the text is escaped, only the timing line has one


def test_lrc_has_a_line_per_cue() -> None:
    text = lrc(CUES, "标题", "办公室")
    assert text.splitlines() == ["[ti:标题]", "[ar:办公室]", "[00:00.00]示例省科技厅召开推进会",
                                 "[00:05.32]来源：办公室，发布日期：2026年10月15日。", "[61:01.25]a < b & c --> d"]
