"""Sentence splitting that knows Chinese punctuation and never cuts inside a token.

Sentences are the unit of the toolbar's 连读 (one highlighted at a time), the 大字幕 caption bar and the
per-sentence audio, so they must be short enough to show in one bar and to synthesise fast. Chinese ends
sentences with 。！？； and …… (no space after); a closing quote or bracket belongs to the sentence it closes.
A full stop inside a number (1040.5), after a list number (1. ) or an abbreviation (Mr.) is not an end, and
neither is a ? or ! inside a web address.

A sentence over the limit is cut at clause punctuation (；，, then ：、 when no number follows them), and only
a clause that is itself over the limit is cut between two tokens (at a space, or between two Chinese
characters). No cut ever falls inside a token: a time or time range (9:30—11:30), a date, a number, a ratio
(7.6:44.8:47.6), a phone number, a web or e-mail address, a Latin word. Each piece is a substring of the
written text (the caption the toolbar finds on the page) and is normalised for the voice on its own, which is
safe because a piece never starts or ends inside something the normaliser reads as one unit.
"""

from __future__ import annotations

import re

from .normalise import words

ENDS = re.compile(r"[。！？!?；;]+|…+|\.+")
CLOSERS = "”’\"'」』）)]】》"
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "e.g", "i.e", "jan", "feb", "mar", "apr",
                 "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "inc", "ltd", "co", "u.s"}
MAX_CHARS = 80  # a caption line, and a sentence that synthesises in well under a second

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_DIGIT = "0-9\uff10-\uff19"
# A token: alphanumeric runs glued by the marks that join them inside one thing said (9:30—11:30, 0471-6945123,
# 1,040.5, 5%-8%, 2024年5月10日, GB/T 37668-2019, +86 10 12345678, PM2.5), with its prefix and suffix signs.
TOKEN = re.compile(
    rf"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+=%;,]*[A-Za-z0-9\-_~/#=&%]"  # a web address
    rf"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an e-mail address
    rf"|(?:[+＋¥￥$€£±-]\s?|[（(]0\d{{2,3}}[)）]\s?)?[{_ALNUM}]+"
    rf"(?:(?:[.．:：∶/\-－‐‑—–~～_,×*+＋@#'’·]+|\s(?=[{_DIGIT}])|[年月日时点分号至到](?=[{_DIGIT}]))[{_ALNUM}]+)*"
    rf"[%％‰℃°′″²³]*"
    rf"|[〇零一二三四五六七八九十百千万亿两]{{2,}}[年月日号时点分]?"  # a number already in characters
)
# The words the normaliser reads a number by (电话, 邮编, 比例为, 截止时间 ...) stay with the number they label.
LABEL_BEFORE = re.compile("(?:" + "|".join(re.escape(w) for w in sorted(
    {w for group in ("time_label", "phone_word", "phone_verb", "code_word", "ratio_before")
     for w in words()[group]}, key=len, reverse=True)) + r")(?:[：:]\s*|为|是)?$")
LABEL_REACH = 12  # longest label and its separator
CLAUSE = {"；": 0, ";": 0, "，": 1, ",": 1, "：": 2, ":": 2, "、": 2}
GAP_WORDS = "的和与及并或在对"  # a cut after these splits a long clause between phrases more often than not
CJK_CHAR = re.compile(f"[{CJK}]")
NUMBER_START = re.compile(f"[{_ALNUM}（(+＋-]")


def protected(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that no cut may fall inside: tokens, each with the label right before it."""
    spans = []
    for m in TOKEN.finditer(text):
        start, end = m.span()
        label = LABEL_BEFORE.search(text, max(0, start - LABEL_REACH), start)
        if label:
            start = label.start()
        if end - start > 1:
            spans.append((start, end))
    return spans


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(start < pos < end for start, end in spans)


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


def _is_cjk(c: str) -> bool:
    return bool(c) and CJK_CHAR.match(c) is not None


def _rank(text: str, pos: int) -> int | None:
    """How good a cut before text[pos] is (lower is better), or None when it is no place to cut.
    0–2: clause punctuation; 3: a comma before a number; 4: a space or after a closing mark or 的;
    5: between two Chinese characters."""
    c = text[pos - 1]
    after = text[pos:].lstrip()[:1]
    number_follows = bool(after) and NUMBER_START.match(after) is not None
    if c in CLAUSE:
        if not number_follows:
            return CLAUSE[c]
        return 3 if CLAUSE[c] < 2 else None  # 电话：0471…, 110、119 stay with what they label or list
    if c.isspace() or c in CLOSERS or c in GAP_WORDS and _is_cjk(after):
        return 4
    if _is_cjk(c) and _is_cjk(after):
        return 5
    return None


def _cuts(text: str) -> list[tuple[int, int]]:
    """(position, rank) of every place `text` may be cut, never inside a protected span."""
    spans = protected(text)
    out = []
    for pos in range(1, len(text)):
        rank = _rank(text, pos)
        if rank is None:
            continue
        while pos < len(text) and text[pos] in CLOSERS:
            pos += 1  # a closing quote or bracket stays with what it closes
        if pos < len(text) and not _inside(spans, pos) and text[pos:].strip():
            out.append((pos, rank))
    return out


def _best_cut(cuts: list[tuple[int, int]], base: int, limit: int) -> int | None:
    """Where to end the piece that starts at `base`: the strongest clause mark in the second half of the limit
    (the last of its kind), else the last clause mark within the limit, else the best gap
    between tokens in its second half, else any gap within it, else the first one past it (None: no cut)."""
    ahead = [(pos - base, rank) for pos, rank in cuts if pos > base]
    clause = [(rank, pos) for pos, rank in ahead if rank <= 2 and pos <= limit]
    late = [(rank, -pos) for rank, pos in clause if pos >= limit // 2]
    if late:  # the strongest mark in the second half (a ； between a table row's cells before a ，)
        return base - min(late)[1]
    if clause:
        return base + max(pos for _, pos in clause)
    within = [(rank, -pos) for pos, rank in ahead if limit // 2 <= pos <= limit]
    if within:
        return base - min(within)[1]
    shorter = [pos for pos, _ in ahead if max(2, limit // 4) <= pos <= limit]  # no one-character pieces
    if shorter:
        return base + max(shorter)
    longer = [pos for pos, _ in ahead if pos > limit]
    return base + min(longer) if longer else None  # a token longer than the limit (a long address) stays whole


def fit(sentence: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut an over-long sentence at clause punctuation, or between tokens when one clause is too long (a
    sentence within the limit stays whole, whatever punctuation it holds: a table row read as one)."""
    if len(sentence) <= limit:
        return [sentence]
    cuts = _cuts(sentence)
    pieces, base = [], 0
    while len(sentence) - base > limit:
        cut = _best_cut(cuts, base, limit)
        if cut is None:
            break
        pieces.append(sentence[base:cut].strip())
        base = cut
    rest = sentence[base:].strip()
    return [p for p in pieces if p] + ([rest] if rest else [])


def split_sentences(paragraph: str, limit: int = MAX_CHARS) -> list[str]:
    """The sentences of one paragraph, in order; blank lines and line breaks end a sentence too."""
    out: list[str] = []
    for line in paragraph.splitlines():
        spans: list[tuple[int, int]] | None = None
        start = 0
        for m in ENDS.finditer(line):
            if m[0][0] in ".?!;":  # only ASCII marks can sit inside a token
                spans = protected(line) if spans is None else spans
                if _inside(spans, m.start()):
                    continue  # a ? in a web address, the . in 1040.5
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
            sentences.extend(fit(s, limit))
    return sentences
