"""Which installed voice speaks a language.

pyttsx3 takes voice ids or names, not language codes (`zh` raises), so the config maps a language to a voice
(zh → cmn-latn-pinyin on espeak-ng: the plain `cmn` voice spells common characters out as English pinyin).
On Windows (SAPI5) and macOS (NSSS) the installed voices have other names, so there we fall back to the first
installed voice whose language matches. On espeak we do not guess: a language not in the map is refused.
"""

from __future__ import annotations

from typing import Any

from ..errors import ProxyError

ALIASES = {"zh": ("zh", "cmn"), "yue": ("yue", "zh-hk", "zh-yue")}
GUESSING_DRIVERS = ("sapi5", "nsss", "avspeech")


class NoVoice(ProxyError):
    status = 422


def _norm(tag: str) -> str:
    return tag.strip().lower().replace("_", "-")


def _matches(voice: dict[str, Any], wanted: str) -> bool:
    w = _norm(wanted)
    vid = _norm(voice["id"])
    return vid == w or vid.rsplit("/", 1)[-1] == w or _norm(voice["name"]) == w


def _speaks(voice: dict[str, Any], lang: str) -> bool:
    prefixes = ALIASES.get(lang, (lang,))
    tags = [_norm(t) for t in voice.get("languages", [])]
    tags.append(_norm(voice["id"]).rsplit(".", 1)[-1])  # macOS ids end in e.g. "zh-CN.Tingting"
    return any(t == p or t.startswith(p + "-") for t in tags for p in prefixes) or \
        any(f".{p}-" in _norm(voice["id"]) or f"_{p}-" in _norm(voice["id"]) for p in prefixes)


def find_voice(voices: list[dict[str, Any]], name: str, driver: str) -> str:
    """A voice chosen by id or name (the command line's --voice), or NoVoice listing how to see them."""
    for v in voices:
        if _matches(v, name):
            return name if driver == "espeak" else str(v["id"])
    raise NoVoice(f"没有安装语音“{name}”。", f"The voice {name!r} is not installed (espeak-ng --voices lists "
                  "them).", reason=f"voice {name} missing")


def pick_voice(voices: list[dict[str, Any]], lang: str, configured: dict[str, str], driver: str) -> str:
    """The voice to give pyttsx3 for `lang` (a voice-map key such as zh, en, yue)."""
    wanted = configured.get(lang)
    if wanted:
        for v in voices:
            if _matches(v, wanted):
                return wanted if driver == "espeak" else str(v["id"])
    if driver in GUESSING_DRIVERS or (wanted and driver != "espeak"):
        for v in voices:
            if _speaks(v, lang):
                return str(v["id"])
    if wanted:
        raise NoVoice(f"语音“{wanted}”（语言 {lang}）没有安装。", f"The voice {wanted!r} for language {lang!r} is "
                      "not installed (config: speech.voices).", reason=f"voice {wanted} missing")
    raise NoVoice(f"暂不支持朗读这种语言（{lang}）。", f"There is no voice for language {lang!r} "
                  f"(known: {', '.join(sorted(configured)) or 'none'}; config: speech.voices).",
                  reason=f"no voice for {lang}")
