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

The English runs must be plain words or spelt letters ("G D P", "Wi-Fi"): no symbol for the English voice
either. A self-test proves the check catches the leaks this project has had (微克/立方米, 增长5%, Ⅱ类, ①, ＧＤＰ).
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
from transforms.speech_normalise import SAFE_PUNCT, normalise
from transforms.speech_text import CHINESE_VOICES, runs, speech_text

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "data" / "speech_normalise.tsv"
PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html")) + sorted((ROOT / "proxy" / "sample").glob("*.html"))
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
IDEOGRAPH = re.compile(f"[{CJK}〇]")
UNSAFE = re.compile(f"[^{CJK}{re.escape(SAFE_PUNCT)}\\s]")
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ '’.\-][A-Za-z]+)*")
SENTINEL = "乒乓乒乓乒乓"  # a line that never occurs in normalised text, between runs in one espeak-ng process

pytestmark = [pytest.mark.speech,
              pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")]


def voice() -> str:
    """The Mandarin voice the speech service uses (config.yaml speech.voices.zh)."""
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))["speech"]["voices"]["zh"]


def phonemes(texts: list[str]) -> list[str]:
    """espeak-ng's phoneme mnemonics (-x) for each text, from one process."""
    feed = "".join(f"{t}。\n{SENTINEL}。\n" for t in texts)
    done = subprocess.run(["espeak-ng", "-q", "-x", "-v", voice()], input=feed, capture_output=True, text=True,
                          check=True, timeout=300)
    marker = sentinel_phonemes()
    out, current = [], []
    for line in done.stdout.splitlines():
        if line.strip() == marker:
            out.append(" ".join(current))
            current = []
        else:
            current.append(line.strip())
    assert len(out) == len(texts), "espeak-ng's output did not line up with its input"
    return out


@cache
def sentinel_phonemes() -> str:
    done = subprocess.run(["espeak-ng", "-q", "-x", "-v", voice()], input=f"{SENTINEL}。", capture_output=True,
                          text=True, check=True, timeout=30)
    return done.stdout.strip()


def leaks(spoken: list[str]) -> list[str]:
    """What the voices would read wrongly in these spoken sentences, one line each (empty: nothing)."""
    problems, chinese = [], []
    for sentence in spoken:
        for lang, text in runs(sentence, "zh"):
            if lang in CHINESE_VOICES:
                bad = sorted(set(UNSAFE.findall(text)))
                if bad:
                    problems.append(f"{sentence!r}: {bad} in the Mandarin run {text!r}")
                chinese.append((sentence, text))
            elif not ENGLISH_RUN.fullmatch(text):
                problems.append(f"{sentence!r}: the English run {text!r} is not plain words")
    for (sentence, text), said in zip(chinese, phonemes([t for _, t in chinese]), strict=True):
        switch = re.findall(r"\((?!cmn\))[a-z-]+\)", said)
        if switch:
            problems.append(f"{sentence!r}: espeak-ng switches to {switch} in {text!r}: {said}")
        if "@:" in said:
            problems.append(f"{sentence!r}: espeak-ng reads a code point in {text!r}: {said}")
        if len(re.findall(r"\d+", said)) < len(IDEOGRAPH.findall(text)):
            problems.append(f"{sentence!r}: espeak-ng is silent on part of {text!r}: {said}")
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
    found = leaks(["微克/立方米", "增长5%", "Ⅱ类", "①申请表", "ＧＤＰ", "十七:零零", "GB/T"])
    text = "\n".join(found)
    for leak in ("微克/立方米", "增长5%", "Ⅱ类", "①申请表", "ＧＤＰ", "十七:零零", "GB/T"):
        assert repr(leak) in text, leak
    said = phonemes(["微克/立方米", "Ⅱ类", "微克每立方米"])
    assert "(en)" in said[0] and "@:" in said[1] and "(" not in said[2] and "@:" not in said[2]


def test_every_normalised_case_reads_in_mandarin() -> None:
    assert leaks(table_outputs()) == []


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_every_page_reads_in_mandarin(path: Path) -> None:
    assert leaks(page_sentences(path)) == []
