"""Settings have one text form, shared by the settings cookie and the rendered page's cache key."""

from __future__ import annotations

import pytest

from transforms.context import FONT_STEPS, THEMES, Settings


def test_every_setting_survives_its_text_form() -> None:
    for s in (Settings(), Settings(len(FONT_STEPS) - 1, THEMES[-1], 2, "browser", 4), Settings(rate=0)):
        assert Settings.decode(s.encode()) == s


def test_the_toolbar_cookie_format() -> None:
    assert Settings(2, "dark", 1, "server", 2).encode() == "f2.tdark.l1.sserver.r2"


@pytest.mark.parametrize("junk", [None, "", "f9.tpink.l7.sloud.r5", "x" * 500, "f1" + ".t" * 100])
def test_junk_falls_back_to_defaults(junk: str | None) -> None:
    s = Settings.decode(junk)
    assert 0 <= s.font_step < len(FONT_STEPS) and s.theme in THEMES and s.speech in ("server", "browser")


def test_reading_aids_join_the_text_form_only_when_on() -> None:
    assert Settings().encode() == "f0.tdefault.l0.sserver.r2"  # everyone else's cookie and cache key unchanged
    aided = Settings(script="hant-hk", pinyin=True)
    assert aided.encode() == "f0.tdefault.l0.sserver.r2.chant-hk.p1"
    assert Settings.decode(aided.encode()) == aided
    assert Settings.decode("f0.tdefault.l0.sserver.r2.chant").script == "hant-tw"  # `hant` is 台灣
    assert Settings.decode("f0.tdefault.l0.sserver.r2.cklingon.p7") == Settings()
