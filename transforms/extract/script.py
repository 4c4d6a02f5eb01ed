"""Script-aware text measures: Chinese packs more per character and punctuates with `，。；：、！？`.

readability-lxml's thresholds are in Latin characters and it counts ASCII commas; these helpers let the
same thresholds work for both scripts.
"""

from __future__ import annotations

import re

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_CLAUSE_PUNCT = re.compile(r"[,，。；：、！？;]")
_SPACE = re.compile(r"\s+")
# One CJK character carries about as much as this many Latin characters (a word and a half).
CJK_WEIGHT = 2.5


def cjk_count(text: str) -> int:
    """Counted by deleting runs: no list of one-character strings (4x faster on long text). ASCII text (its
    kind is known without a scan) has none."""
    return 0 if text.isascii() else len(text) - len(_CJK_RUN.sub("", text))


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among the non-space characters."""
    compact = _SPACE.sub("", text)
    return cjk_count(compact) / len(compact) if compact else 0.0


def weighted_length(text: str) -> float:
    """Length in Latin-character equivalents, so one threshold fits Chinese and English."""
    n = cjk_count(text)
    return len(text) + n * (CJK_WEIGHT - 1)


def clause_count(text: str) -> int:
    """Clause separators: ASCII commas plus the CJK ones (readability counts only `,`)."""
    return len(_CLAUSE_PUNCT.findall(text))


def squash(text: str) -> str:
    """Collapse runs of whitespace (including ideographic and no-break spaces) to one space."""
    return " ".join(text.split())  # str.split's whitespace is `\s`'s: U+3000 and U+00A0 included
