"""Response bodies decoded under a cap. mitmproxy's `Response.content` decodes Content-Encoding without any
limit (a 100 kB brotli bomb becomes GiBs in this process, with the event loop blocked): never use it on what a
site sent; `bounded_decode` gives the page, or None when it is bigger than the cap or cannot be decoded (the
page then passes through untouched)."""

from __future__ import annotations

import io
import zlib


def bounded_decode(raw: bytes, encoding: str, limit: int) -> bytes | None:
    data = raw
    for coding in [c.strip().lower() for c in encoding.split(",") if c.strip()][::-1]:
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip", "deflate"):
            out = _zlib(data, coding, limit)
        elif coding == "br":
            out = _brotli(data, limit)
        elif coding == "zstd":
            out = _zstd(data, limit)
        else:
            return None
        if out is None:
            return None
        data = out
    return data if len(data) <= limit else None


def _zlib(data: bytes, coding: str, limit: int) -> bytes | None:
    # deflate is meant to be zlib-wrapped, but servers send raw deflate too: the first byte tells them apart
    wbits = 47 if coding != "deflate" else (15 if data[:1] and data[0] & 0x0F == 8 else -15)
    try:
        d = zlib.decompressobj(wbits)
        out = d.decompress(data, limit + 1)
    except zlib.error:
        return None
    return None if len(out) > limit or d.unconsumed_tail else out


def _brotli(data: bytes, limit: int) -> bytes | None:
    try:
        import brotlicffi  # the forward extra's: its decompress takes an output limit
    except ImportError:
        return None
    d = brotlicffi.Decompressor()
    try:
        out = d.decompress(data, limit + 1)
    except brotlicffi.error:
        return None
    return None if len(out) > limit or not d.is_finished() else out


def _zstd(data: bytes, limit: int) -> bytes | None:
    try:
        import zstandard  # mitmproxy's dependency
    except ImportError:
        return None
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
            out = reader.read(limit + 1)
    except zstandard.ZstdError:
        return None
    return None if len(out) > limit else out
