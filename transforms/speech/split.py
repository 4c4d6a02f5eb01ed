"""Sentence splitting that knows Chinese punctuation.

Sentences are the unit of the toolbar's 连读 (one highlighted at a time), the 大字幕 caption bar and the
per-sentence audio, so they must be short enough to show in one bar and to synthesise fast. Chinese ends
sentences with 。！？； and …… (no space after); a closing quote or bracket belongs to the sentence it closes.
A full stop inside a number (1040.5), after a list number (1. ) or an abbreviation (Mr.) is not an end.
"""

from __future__ import annotations

import re

ENDS = re.compile(r"[。！？!?；;]+|…+|\.+")
CLOSERS = "”’\"'」』）)]】》"
SOFT_BREAKS = "，、：,:"
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "e.g", "i.e", "jan", "feb", "mar", "apr",
                 "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "inc", "ltd", "co", "u.s"}
MAX_CHARS = 80  # a caption line, and a sentence that synthesises in well under a second


def _is_end(text: str, start: int, end: int) -> bool:
    """Whether the punctuation text[start:end] ends a sentence."""
    mark = text[start:end]
    if not mark.startswith("."):
        return True
    if mark.startswith("..."):
        return True
    after = text[end:end + 1]
    if after and not after.isspace():
        return False  # 1040.5, www.gov.cn, e.g.x
    word = re.search(r"[\w.]*$", text[:start])
    before = word[0].lower() if word else ""
    if not before:
        return True
    ahead = text[:start - len(before)].rstrip()
    if before.isdigit() and (not ahead or not ahead[-1].isascii()):
        return False  # "1. " list number: at the start, or after Chinese (附件：1. ...)
    if len(before) == 1 and before.isalpha():
        return False  # an initial: "J. Smith"
    return before not in ABBREVIATIONS


def _cut_long(sentence: str, limit: int) -> list[str]:
    """Cut an over-long sentence at the last comma-like mark before `limit` (or at `limit`)."""
    pieces = []
    while len(sentence) > limit:
        cut = max(sentence.rfind(c, limit // 3, limit) for c in SOFT_BREAKS)
        if cut < 0:
            cut = limit - 1
            while cut > limit // 2 and sentence[cut].isalnum() and sentence[cut + 1].isalnum():
                cut -= 1  # never inside a number or a word
        pieces.append(sentence[:cut + 1].strip())
        sentence = sentence[cut + 1:].strip()
    return [*pieces, sentence] if sentence else pieces


def split_sentences(paragraph: str, limit: int = MAX_CHARS) -> list[str]:
    """The sentences of one paragraph, in order; blank lines and line breaks end a sentence too."""
    out: list[str] = []
    for line in paragraph.splitlines():
        start = 0
        for m in ENDS.finditer(line):
            end = m.end()
            while end < len(line) and line[end] in CLOSERS:
                end += 1
            if _is_end(line, m.start(), m.end()):
                out.append(line[start:end].strip())
                start = end
        out.append(line[start:].strip())
    sentences = []
    for s in out:
        if any(c.isalnum() for c in s):
            sentences.extend(_cut_long(s, limit))
    return sentences
