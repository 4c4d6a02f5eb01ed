"""The command line's one error type (a leaf: every CLI module raises it, `main` reports it), said in the
user's language: Chinese when the locale is Chinese (LC_ALL, LC_MESSAGES or LANG starting with zh), else
English. A line names what failed once and never shows an exception's class name."""

from __future__ import annotations

import os
from collections.abc import Mapping


class CLIError(Exception):
    """A failure to report as one line on stderr."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh or en

    def say(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def user_lang(env: Mapping[str, str] | None = None) -> str:
    """"zh" or "en", from the locale the POSIX way (the first of LC_ALL, LC_MESSAGES, LANG that is set)."""
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
