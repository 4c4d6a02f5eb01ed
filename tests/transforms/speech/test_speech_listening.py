"""A listening-style check: what the Mandarin voice is given, run through espeak-ng's phoneme output.

Every normalised case of tests/data/speech_normalise.tsv, and every Chinese sentence of the fixture pages and
the built-in sample site, is split into voice runs as the speech service does (speech_text.runs: Latin words go
to the English voice). Each Mandarin run must pass two checks:

- its characters: only CJK ideographs, Chinese punctuation espeak passes over, and spaces (no ASCII symbol, no
  digit, no ①, Ⅱ, ℃ or full-width letter);
- what espeak-ng makes of it (`espeak-ng -q -x -v <config.yaml speech.voices.zh>`, one process for all runs):
  no language switch such as `(en)` (espeak-ng reads `/` as "(en)sla11S", `%` as "(en)p344sE11nt"), no
  code-point reading (an unknown character comes out as "@:44_|'@r51_|j'i55_|…", the digits of its code point
  after the marker `@:`), and at least one syllable (a tone number) per ideograph, so no character is silent.

The English runs must be plain words or spelt letters ("GDP", "A.P.P", "Wi-Fi"): no symbol for the English voice
either, and every word in capitals must be heard letter by letter: the English voice's phonemes for it
(speech.voices.en) must be those of its letters (GDP as G.D.P; APP, which it says "ap", fails until
transforms/data/speech_latin.tsv spells it). A self-test proves the check catches the leaks this project has
had (微克/立方米, 增长5%, Ⅱ类, ①, ＧＤＰ, APP).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from transforms.context import Context
from transforms.pipeline import extract_article
from transforms.speech.normalise import SAFE_PUNCT, latin_words, letters, normalise
from transforms.speech.text import CHINESE_VOICES, runs, speech_text

ROOT = Path(__file__).resolve().parents[3]
TABLE = ROOT / "tests" / "data" / "speech_normalise.tsv"
PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html")) + sorted((ROOT / "proxy" / "upstream" / "sample").glob("*.html"))
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
IDEOGRAPH = re.compile(f"[{CJK}〇]")
UNSAFE = re.compile(f"[^{CJK}{re.escape(SAFE_PUNCT)}\\s]")
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ '’.\-][A-Za-z]+)*")
SENTINELS = {"zh": "乒乓乒乓乒乓", "en": "Xylophone xylophone"}  # lines between texts in one espeak-ng process
CAPITALS = re.compile(r"(?<![A-Za-z.])[A-Z]{2,}(?![A-Za-z.])")
STRESS = re.compile(r"[',;_\s-]")

pytestmark = [pytest.mark.speech,
              pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")]


def voice(lang: str = "zh") -> str:
    """The voice the speech service uses for a language (config.yaml speech.voices)."""
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))["speech"]["voices"][lang]


def espeak(text: str, lang: str) -> str:
    done = subprocess.run(["espeak-ng", "-q", "-x", "-v", voice(lang)], input=text, capture_output=True, text=True,
                          check=True, timeout=300)
    return done.stdout


def phonemes(texts: list[str], lang: str = "zh") -> list[str]:
    """espeak-ng's phoneme mnemonics (-x) for each text, from one process."""
    sentinel = SENTINELS[lang]
    out_of = espeak("".join(f"{t}。\n{sentinel}。\n" if lang == "zh" else f"{t}.\n{sentinel}.\n" for t in texts),
                    lang)
    marker = sentinel_phonemes(lang)
    out, current = [], []
    for line in out_of.splitlines():
        if line.strip() == marker:
            out.append(" ".join(current))
            current = []
        else:
            current.append(line.strip())
    assert len(out) == len(texts), "espeak-ng's output did not line up with its input"
    return out


@cache
def sentinel_phonemes(lang: str) -> str:
    return espeak(SENTINELS[lang] + ("。" if lang == "zh" else "."), lang).strip()


def leaks(spoken: list[str]) -> list[str]:
    """What the voices would read wrongly in these spoken sentences, one line each (empty: nothing)."""
    problems, chinese, capitals = [], [], set()
    for sentence in spoken:
        for lang, text in runs(sentence, "zh"):
            if lang in CHINESE_VOICES:
                bad = sorted(set(UNSAFE.findall(text)))
                if bad:
                    problems.append(f"{sentence!r}: {bad} in the Mandarin run {text!r}")
                chinese.append((sentence, text))
            elif not ENGLISH_RUN.fullmatch(text):
                problems.append(f"{sentence!r}: the English run {text!r} is not plain words")
            else:
                capitals.update(CAPITALS.findall(text))
    for (sentence, text), said in zip(chinese, phonemes([t for _, t in chinese]), strict=True):
        switch = re.findall(r"\((?!cmn\))[a-z-]+\)", said)
        if switch:
            problems.append(f"{sentence!r}: espeak-ng switches to {switch} in {text!r}: {said}")
        if "@:" in said:
            problems.append(f"{sentence!r}: espeak-ng reads a code point in {text!r}: {said}")
        if len(re.findall(r"\d+", said)) < len(IDEOGRAPH.findall(text)):
            problems.append(f"{sentence!r}: espeak-ng is silent on part of {text!r}: {said}")
    words = sorted(w for w in capitals if latin_words().get(w) != w)  # listed words are said as words
    said = phonemes(words + [letters(w) for w in words], "en")
    for word, as_word, spelt in zip(words, said, said[len(words):], strict=False):
        if STRESS.sub("", as_word) != STRESS.sub("", spelt):
            problems.append(f"the English voice says {word!r} as a word ({as_word}), not its letters ({spelt}): "
                            "spell it in transforms/data/speech_latin.tsv")
    return problems


def table_outputs() -> list[str]:
    out = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            _, text, _ = line.split("\t")
            out.append(normalise(text))
    return out


def page_sentences(path: Path) -> list[str]:
    raw = path.read_bytes()
    try:
        html = raw.decode("utf-8")
    except UnicodeDecodeError:
        html = raw.decode("gb18030")
    article = extract_article(html, Context(url="https://www.example.gov.cn/art/1.html"), ["extract", "sanitize"])
    said = speech_text(article)
    return [s.spoken for s in said.sentences] if said.lang in CHINESE_VOICES else []


def test_the_check_catches_real_leaks() -> None:
    found = leaks(["微克/立方米", "增长5%", "Ⅱ类", "①申请表", "ＧＤＰ", "十七:零零", "GB/T", "下载APP"])
    text = "\n".join(found)
    for leak in ("微克/立方米", "增长5%", "Ⅱ类", "①申请表", "ＧＤＰ", "十七:零零", "GB/T", "'APP' as a word"):
        assert leak in text, leak
    said = phonemes(["微克/立方米", "Ⅱ类", "微克每立方米"])
    assert "(en)" in said[0] and "@:" in said[1] and "(" not in said[2] and "@:" not in said[2]
    assert leaks(["下载A.P.P", "GDP增长"]) == []


def test_every_normalised_case_reads_in_mandarin() -> None:
    assert leaks(table_outputs()) == []


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_every_page_reads_in_mandarin(path: Path) -> None:
    assert leaks(page_sentences(path)) == []
