"""Bytes to unicode, in the order browsers use: HTTP charset, BOM, <meta> in the first bytes, detection.

Detection first asks whether undeclared bytes are GB18030 (what Chinese government sites without a declaration
send): statistical detectors guess Korean or Cyrillic code pages for pages with little Chinese text."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# GB2312 and GBK pages routinely contain characters outside those sets; GB18030 is their superset.
ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
           "euc-cn": "gb18030", "cp936": "gb18030", "iso-8859-1": "cp1252", "latin-1": "cp1252",
           "us-ascii": "cp1252", "ascii": "cp1252"}
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-:.]+)", re.I)
BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
META_SCAN_BYTES = 4096


def normalise_label(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(ALIASES.get(label, label)).name
    except LookupError:
        return None
    return ALIASES.get(name, name)


def charset_from_content_type(content_type: str | None) -> str | None:
    m = _HEADER.search(content_type or "")
    return normalise_label(m.group(1)) if m else None


def sniff(body: bytes, content_type: str | None = None) -> str:
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    utf16 = utf16_without_bom(body)
    if utf16:
        return utf16
    header = charset_from_content_type(content_type)
    meta_m = _META.search(body[:META_SCAN_BYTES])
    meta = normalise_label(meta_m.group(1).decode("ascii", "ignore")) if meta_m else None
    for label in (header, meta):
        if label and _decodes(body, label):
            return label
    if _decodes(body, "utf-8"):
        return "utf-8"
    if looks_gb18030(body):
        return "gb18030"
    best = from_bytes(body[:200_000]).best()
    if best is not None:
        return normalise_label(best.encoding) or "utf-8"
    return header or meta or "utf-8"


def utf16_without_bom(body: bytes) -> str | None:
    """Markup is mostly ASCII, so UTF-16 shows as a NUL in every other byte (no header or meta is readable)."""
    sample = body[:4096]
    if len(sample) < 64:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


GB_SAMPLE_BYTES = 65536
MIN_HANZI = 4  # fewer decoded ideographs than this prove nothing
COMMON_SHARE = 0.8  # of the ideographs, at least this share among GB2312's 3755 most common (level 1)
MAX_SPACED = 0.1  # Chinese runs ideographs together; EUC-KR Korean read as GB18030 has a space every few syllables
_SPACED = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff]")


def looks_gb18030(body: bytes) -> bool:
    """The bytes decode as GB18030 without an error and what comes out is Chinese text: enough ideographs, and
    mostly common ones, run together. Big5 and Shift_JIS bytes also decode, but into rare characters; EUC-KR
    Korean decodes into common ones, separated by the spaces between Korean words."""
    sample = body[:GB_SAMPLE_BYTES]
    try:
        text = sample.decode("gb18030")
    except UnicodeDecodeError as e:
        if e.start < len(sample) - 4:  # not just a character cut at the end of the sample
            return False
        text = sample[:e.start].decode("gb18030")
    hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"][:4000]
    if len(hanzi) < MIN_HANZI:
        return False
    common = sum(1 for c in hanzi if _level1(c))
    spaced = len(_SPACED.findall(text))
    return common >= COMMON_SHARE * len(hanzi) and spaced <= MAX_SPACED * len(hanzi)


def _level1(char: str) -> bool:
    """In GB2312 level 1 (first byte 0xB0-0xD7): the common characters of everyday Chinese text."""
    try:
        lead = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= lead <= 0xD7


def _decodes(body: bytes, label: str) -> bool:
    """A declared charset that fails on most of the page is a lie (common: utf-8 header, GBK body)."""
    sample = body[:65536]
    try:
        sample.decode(label)
        return True
    except UnicodeDecodeError as e:
        # a truncated multi-byte sequence at the cut is fine
        return e.start >= len(sample) - 4
    except LookupError:
        return False


def decode(body: bytes, content_type: str | None = None) -> str:
    label = sniff(body, content_type)
    text = body.decode(label, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text
