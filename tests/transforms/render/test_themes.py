"""The five themes' palettes (transforms/render/assets/toolbar.css) meet the design numbers: text, links and
visited links >= 7:1 on the background, the reading highlight >= 7:1, focus ring and cross-hair >= 3:1."""

from __future__ import annotations

import re

import pytest

from tests.browser.wcag import contrast
from transforms.context import THEMES
from transforms.render.render import ASSETS

_BLOCK = re.compile(r"\.theme-(\w+)\s*\{([^}]*)\}")
_VAR = re.compile(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})")
DESIGN = {"default": ("#ffffff", None), "dark": ("#000000", "#ffffff"), "blue": ("#002960", "#ffffff"),
          "chocolate": ("#623010", "#ffffff"), "yellow": ("#000000", "#ffff00")}


def palettes() -> dict[str, dict[str, str]]:
    css = (ASSETS / "toolbar.css").read_text(encoding="utf-8")
    return {name: {k: v.lower() for k, v in _VAR.findall(body)} for name, body in _BLOCK.findall(css)}


def test_every_theme_has_a_palette() -> None:
    assert set(palettes()) == set(THEMES)


@pytest.mark.parametrize("theme", THEMES)
def test_design_colours(theme: str) -> None:
    bg, fg = DESIGN[theme]
    p = palettes()[theme]
    assert p["bg"] == bg
    if fg:
        assert p["fg"] == fg


@pytest.mark.parametrize("theme", THEMES)
def test_contrast_ratios(theme: str) -> None:
    p = palettes()[theme]
    ratios = {
        "text": contrast(p["fg"], p["bg"]),
        "link": contrast(p["link"], p["bg"]),
        "visited": contrast(p["visited"], p["bg"]),
        "highlight": contrast(p["hl-fg"], p["hl-bg"]),
        "caption (inverse)": contrast(p["bg"], p["fg"]),
    }
    print(theme, {k: round(v, 2) for k, v in ratios.items()})
    for what, ratio in ratios.items():
        assert ratio >= 7, f"{theme}: {what} {ratio:.2f} < 7"
    assert contrast(p["focus"], p["bg"]) >= 3
    assert contrast(p["cross"], p["bg"]) >= 3


def test_settings_swatches_use_the_palette() -> None:
    """The settings page shows each theme as a swatch; its colours must be the theme's own."""
    css = (ASSETS / "a11y.css").read_text(encoding="utf-8")
    for theme, p in palettes().items():
        m = re.search(r"\.swatch\.theme-" + theme + r"\s*\{([^}]*)\}", css)
        assert m, theme
        assert f"background: {p['bg']}" in m.group(1) and f"color: {p['fg']}" in m.group(1)
