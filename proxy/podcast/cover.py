"""The feed's cover image, made from the site's name: podcast apps show a square picture beside every
episode, and the column should be recognisable without one being drawn by hand.

1400 × 1400 PNG (the smallest square the big podcast directories accept), white on the deep blue of the
proxy's high-contrast theme (#002960, contrast 14:1), the name in the CJK font the system has (Noto CJK,
installed by scripts/bootstrap), wrapped to fit, and a small line saying what it is.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 1400
BACKGROUND = (0x00, 0x29, 0x60)
FOREGROUND = (0xFF, 0xFF, 0xFF)
FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
         "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
         "/System/Library/Fonts/PingFang.ttc", "C:/Windows/Fonts/msyhbd.ttc")
MARGIN = 140


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
          width: int) -> list[str]:
    """Lines no wider than `width`, broken between characters (Chinese has no spaces to break at)."""
    lines, line = [], ""
    for ch in text:
        if line and draw.textlength(line + ch, font=font) > width:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return lines + ([line] if line else [])


def cover_png(site: str, subtitle: str = "音频版") -> bytes:
    """A square PNG with `site` as large as it fits in at most four lines."""
    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    name = " ".join(site.split()) or "a11y-proxy"
    width = SIZE - 2 * MARGIN
    for size in (220, 180, 150, 120, 100, 84, 70):
        font = _font(size)
        lines = _wrap(draw, name, font, width)
        if len(lines) <= 4:
            break
    line_height = int(size * 1.3)
    small = _font(72)
    top = (SIZE - line_height * len(lines) - 160) // 2
    for n, line in enumerate(lines):
        draw.text((SIZE // 2, top + n * line_height), line, font=font, fill=FOREGROUND, anchor="ma")
    y = top + line_height * len(lines) + 60
    draw.line((SIZE // 2 - 200, y, SIZE // 2 + 200, y), fill=FOREGROUND, width=6)
    draw.text((SIZE // 2, y + 40), subtitle, font=small, fill=FOREGROUND, anchor="ma")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
