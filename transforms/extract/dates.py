"""Dates in the forms Chinese and English government pages print them, normalised to ISO 8601."""

from __future__ import annotations

import re
from datetime import date

_YEAR = re.compile(r"(?:19|20)\d\d")
# 2021年2月10日 or 2021-2-10 (one separator throughout): `2024年1-2月` is a span of months, not a date.
# (its groups: year, month and day of the 年月日 form, separator, month and day of the other; no group before it)
_DAY = (r"((?:19|20)\d\d)\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})|([-/.])\s*(\d{1,2})\s*\4\s*(\d{1,2}))"
        r"(?!\d)(?!\s*[月-])\s*日?")
_NUMERIC = re.compile(r"(?<!\d)" + _DAY + r"(?:\s*T?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?:T?(\d\d)(\d\d)(\d\d)?)?(?!\d)")
_US = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?![\d/])")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTH_WORD = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_ENGLISH_MDY = re.compile(_MONTH_WORD + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)", re.I)
_ENGLISH_DMY = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_WORD + r",?\s+((?:19|20)\d\d)", re.I)


def _iso(y: str | int, m: str | int, d: str | int, hh: str | None = None, mm: str | None = None,
         ss: str | None = None) -> str | None:
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return None
    if hh is None or mm is None or int(hh) > 23 or int(mm) > 59:
        return day.isoformat()
    out = f"{day.isoformat()}T{int(hh):02d}:{int(mm):02d}"
    return out + (f":{int(ss):02d}" if ss and int(ss) < 60 else "")


_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "Ｏ": 0}
_CN_NUMBER = r"[〇○零OＯ一二三四五六七八九十]"
CN_DATE = re.compile(rf"^({_CN_NUMBER}{{4}})\s*年\s*({_CN_NUMBER}{{1,3}})\s*月\s*({_CN_NUMBER}{{1,3}})\s*日$")


def _cn_small(text: str) -> int | None:
    """十一 → 11, 二十 → 20, 三十一 → 31, 九 → 9 (months and days)."""
    if "十" not in text:
        return _CN_DIGIT.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    high = 1 if not tens else _CN_DIGIT.get(tens)
    low = 0 if not ones else _CN_DIGIT.get(ones)
    return None if high is None or low is None or len(tens) > 1 or len(ones) > 1 else high * 10 + low


def parse_cn_date(text: str) -> str:
    """A date line in Chinese numerals, as formal documents sign (二〇二六年十一月二十日); "" otherwise."""
    m = CN_DATE.match(text.strip())
    if not m:
        return ""
    digits = [_CN_DIGIT.get(c) for c in m.group(1)]
    month, day = _cn_small(m.group(2)), _cn_small(m.group(3))
    if None in digits or month is None or day is None:
        return ""
    return _iso("".join(map(str, digits)), month, day) or ""


# a date at the start or end of a link text, by the grammar parse_date reads (`2024年1-2月…` is no date)
_FIRST_DATE = re.compile(r"^\s*[\[［【(（]?\s*" + _DAY + r"\s*[\]］】)）]?\s*")
_LAST_DATE = re.compile(r"\s*[\[［【(（]?\s*(?<!\d)" + _DAY + r"\s*[\]］】)）]?\s*$")


def strip_date(text: str) -> str:
    """A link text without the date printed at its start or end (`2023-05-30 标题`, `标题[2023-05-30]`)."""
    stripped = _FIRST_DATE.sub("", text, count=1)
    if stripped == text:
        stripped = _LAST_DATE.sub("", text, count=1)
    return stripped.strip() or text


def parse_date(text: str, *, compact: bool = False) -> str:
    """The first date in `text` as `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`; "" when there is none.

    `compact` also accepts `20210210` (only safe in machine-written values such as meta tags).
    """
    if not text or not _YEAR.search(text):  # every form below has a 19xx/20xx year
        return ""
    for m in _NUMERIC.finditer(text):
        y, m1, d1, _, m2, d2, hh, mm, ss = m.groups()
        found = _iso(y, m1 or m2, d1 or d2, hh, mm, ss)
        if found:
            return found
    for m in _ENGLISH_MDY.finditer(text):
        found = _iso(m.group(3), _MONTHS[m.group(1).lower()[:3]], m.group(2))
        if found:
            return found
    for m in _ENGLISH_DMY.finditer(text):
        found = _iso(m.group(3), _MONTHS[m.group(2).lower()[:3]], m.group(1))
        if found:
            return found
    for m in _US.finditer(text):
        found = _iso(m.group(3), m.group(1), m.group(2))
        if found:
            return found
    if compact:
        for m in _COMPACT.finditer(text):
            found = _iso(*m.groups())
            if found:
                return found
    return ""
