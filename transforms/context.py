"""What a transform may know about the request, handed in by the caller (never read from HTTP)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MODES = ("read", "elder", "a11y", "text", "orig")
THEMES = ("default", "dark", "blue", "chocolate", "yellow")
FONT_STEPS = (100, 125, 150, 175, 200, 250)
SCRIPTS = ("hans", "hant-tw", "hant-hk")  # 简体 as written; 繁體 with 台灣 or 香港 character forms
SCRIPT_ALIASES = {"hant": "hant-tw", "tw": "hant-tw", "hk": "hant-hk"}


def script_of(value: str | None) -> str:
    """A script name as readers and callers write it (`hant`, `tw`, `hant-hk` ...), or "hans"."""
    value = (value or "").strip().lower()
    value = SCRIPT_ALIASES.get(value, value)
    return value if value in SCRIPTS else "hans"


# the settings form's field names (templates/settings.html), by their letter in Settings' text form
FORM_FIELDS = (("f", "font"), ("t", "theme"), ("l", "spacing"), ("s", "speech"), ("r", "rate"), ("c", "script"),
               ("p", "pinyin"))


@dataclass(frozen=True)
class Settings:
    """Reader settings that change the rendered output (so they are part of the cache key).

    One text form, `f2.tdark.l1.sserver.r2`, serves as the settings cookie (the toolbar writes the same) and
    in the cache key of a rendered page: `encode()` makes it, `decode()` reads it back. The reading aids
    follow only when they are on (`.chant-tw`, `.p1`), so the form of everyone else's settings is unchanged."""

    font_step: int = 0  # index into FONT_STEPS
    theme: str = "default"
    line_spacing: int = 0  # 0 normal, 1 wide, 2 wider
    speech: str = "server"  # "server" or "browser"
    rate: int = 2  # 0..4
    script: str = "hans"  # one of SCRIPTS (繁體 reading aid)
    pinyin: bool = False  # ruby pinyin over the article text (拼音 reading aid)

    def encode(self) -> str:
        aids = (f".c{self.script}" if self.script != "hans" else "") + (".p1" if self.pinyin else "")
        return f"f{self.font_step}.t{self.theme}.l{self.line_spacing}.s{self.speech}.r{self.rate}{aids}"

    @classmethod
    def from_form(cls, fields: Mapping[str, str]) -> Settings:
        """The 设置 page's submitted fields (every door's settings form), through the same parser as the cookie."""
        return cls.decode(".".join(f"{key}{fields.get(name, '')}" for key, name in FORM_FIELDS))

    @classmethod
    def decode(cls, text: str | None) -> Settings:
        """Settings from their text form (a cookie, so anything may come); junk falls back to defaults."""
        values: dict[str, str] = {}
        for part in (text or "").split(".")[:8]:
            if len(part) >= 2:
                values[part[0]] = part[1:]

        def num(key: str, hi: int, default: int) -> int:
            v = values.get(key, "")
            return int(v) if v.isdigit() and 0 <= int(v) <= hi else default

        theme = values.get("t", "default")
        speech = values.get("s", "server")
        return cls(
            font_step=num("f", len(FONT_STEPS) - 1, 0),
            theme=theme if theme in THEMES else "default",
            line_spacing=num("l", 2, 0),
            speech=speech if speech in ("server", "browser") else "server",
            rate=num("r", 4, 2),
            script=script_of(values.get("c")),
            pinyin=values.get("p") == "1",
        )


def _no_proxy(url: str, mode: str) -> str:
    return url


@dataclass
class Context:
    """Per-page facts: the final URL (link base), the mode, and callbacks for URL policy."""

    url: str
    mode: str = "read"
    settings: Settings = field(default_factory=Settings)
    ui_lang: str = "zh"
    # (absolute url, mode) -> proxied url; identity when rendering outside the proxy
    proxy_url: Callable[[str, str], str] = _no_proxy
    # absolute image url -> url the browser should load (the proxy's /asset endpoint)
    asset_url: Callable[[str], str] = lambda u: u
    # host -> whether the proxy would fetch it
    host_allowed: Callable[[str], bool] = lambda host: True
    audio_available: bool = True
    audio_url: str = ""  # where the page's audio lives ("" when none)
    cached_note: str = ""  # shown when the page is a stale copy
    options: dict[str, Any] = field(default_factory=dict)  # per-transform options from config
    # marks our own <script> elements for the page's CSP; the server puts a fresh nonce in its place on
    # every response (transforms stay pure: the caller makes it)
    nonce: str = ""
    version: str = "0"
    # where this server's own files and endpoints live on the page's origin: "" for the prefix door (they are at
    # /static/, /audio …), "/.well-known/a11y-proxy" for the forward door (the page is on the site's origin)
    own_base: str = ""
    # the link to "the original page": the page itself for the prefix door, the overlay for the forward door
    original_url: str = ""
