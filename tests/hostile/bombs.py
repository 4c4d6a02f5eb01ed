"""Decompression bombs: about a megabyte (or a few kilobytes) on the wire, a gibibyte and more inflated.

Built fast by repeating one full-flushed deflate block (identical bytes for identical input once the
dictionary is reset), and cached for the session.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import brotli

BLOCK = 1 << 20  # one MiB of zeros per repeated block
INFLATED = 2 << 30  # 2 GiB


def _raw_deflate_zeros(total: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(BLOCK)
    first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    second = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    third = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert second == third, "full-flushed blocks of zeros should repeat"
    blocks = total // BLOCK
    return first + second * (blocks - 1) + c.flush(zlib.Z_FINISH)


def _crc_of_zeros(total: int) -> int:
    crc = 0
    zeros = bytes(BLOCK)
    for _ in range(total // BLOCK):
        crc = zlib.crc32(zeros, crc)
    return crc


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", _crc_of_zeros(INFLATED), INFLATED & 0xFFFFFFFF)
    return header + _raw_deflate_zeros(INFLATED) + trailer


@lru_cache(maxsize=1)
def deflate_bomb() -> bytes:
    """zlib-wrapped (RFC 1950), as `Content-Encoding: deflate` means."""
    adler = 1
    zeros = bytes(BLOCK)
    for _ in range(INFLATED // BLOCK):
        adler = zlib.adler32(zeros, adler)
    return b"\x78\xda" + _raw_deflate_zeros(INFLATED) + struct.pack(">I", adler)


@lru_cache(maxsize=1)
def brotli_bomb() -> bytes:
    c = brotli.Compressor(quality=1)
    zeros = bytes(BLOCK)
    out = [c.process(zeros) for _ in range(INFLATED // BLOCK)]
    out.append(c.finish())
    return b"".join(out)
