"""WCAG 2 contrast arithmetic, shared by the palette test and the in-browser checks."""

from __future__ import annotations

import re

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse_colour(value: str) -> tuple[float, float, float, float]:
    """`#rgb`, `#rrggbb` or a computed `rgb()/rgba()` string -> (r, g, b, alpha) with channels 0..255."""
    value = value.strip().lower()
    if value.startswith("#"):
        h = value[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0
    m = _RGB.match(value)
    if not m:
        raise ValueError(f"not a colour: {value!r}")
    alpha = m.group(4)
    a = 1.0 if alpha is None else (float(alpha[:-1]) / 100 if alpha.endswith("%") else float(alpha))
    return float(m.group(1)), float(m.group(2)), float(m.group(3)), a


def luminance(colour: str | tuple[float, ...]) -> float:
    r, g, b = (parse_colour(colour) if isinstance(colour, str) else colour)[:3]

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str | tuple[float, ...], b: str | tuple[float, ...]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
