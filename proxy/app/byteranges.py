"""HTTP byte ranges (RFC 9110 §14) for audio, so a player can seek and resume.

Only a single range is honoured; several ranges get the whole body (a server may always ignore Range), which
is what players cope with best.
"""

from __future__ import annotations

import re

RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.I)


class Unsatisfiable(Exception):
    """The range lies outside the body: answer 416 with `Content-Range: bytes */size`."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive, or None for the whole body."""
    if not header:
        return None
    m = RANGE.match(header)
    if m is None:
        return None  # malformed or several ranges: ignore it
    first, last = m[1], m[2]
    if not first and not last:
        return None
    if not first:  # bytes=-N: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - n), size - 1
    start = int(first)
    if start >= size:
        raise Unsatisfiable
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None
    return start, end
