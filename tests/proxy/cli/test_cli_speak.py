"""`a11y-proxy speak` as a user runs it: a batch with one bad source, and one source to one file."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import pytest

from proxy.speech.encode import mp3_info
from tests.proxy.speech.test_speech_service import HAVE_ESPEAK

pytestmark = [pytest.mark.speech, pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")]
ROOT = Path(__file__).resolve().parents[3]
SAMPLE = "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"
LOCAL = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>关于开展调研的通知</title>
<meta name="ArticleTitle" content="关于开展调研的通知"><meta name="PubDate" content="2026-11-21"></head><body>
<div id="zoom"><p>请各单位于12月31日前报送年度工作总结，联系电话：027-87654321。</p>
<p>各地要围绕产业链部署创新链，推动高校院所与企业建立长期稳定的合作关系。</p></div></body></html>"""


def speak(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "proxy", "speak", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_batch_with_one_bad_source(tmp_path: Path) -> None:
    local = tmp_path / "notice.html"
    local.write_text(LOCAL, encoding="utf-8")
    missing = tmp_path / "missing.html"
    out = tmp_path / "audio"
    run = speak(SAMPLE, str(missing), str(local), "-o", str(out))
    assert run.returncode == 1, run.stderr
    failures = [line for line in run.stderr.splitlines() if "failed:" in line]
    assert len(failures) == 1 and str(missing) in failures[0] and "cannot read" in failures[0]
    assert "3/3" in run.stderr  # the progress bar reached the end
    files = sorted(p.name for p in out.glob("*.mp3"))
    assert files == ["01-示例省科技厅召开2026年科技成果转化工作推进会.mp3", "03-关于开展调研的通知.mp3"]
    for name in files:
        assert mp3_info((out / name).read_bytes())["seconds"] > 5
    playlist = (out / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U"
    assert [line for line in playlist if not line.startswith("#")] == files
    assert playlist[1].startswith("#EXTINF:") and playlist[1].endswith(",示例省科技厅召开2026年科技成果转化工作推进会")


def test_one_source_to_one_wav_file(tmp_path: Path) -> None:
    local = tmp_path / "notice.html"
    local.write_text(LOCAL, encoding="utf-8")
    target = tmp_path / "notice.wav"
    run = speak(str(local), "-o", str(target), "--rate", "220", "--voice", "cmn-latn-pinyin")
    assert run.returncode == 0, run.stderr
    with wave.open(str(target)) as w:
        assert w.getframerate() == 22050 and w.getnframes() > 22050 * 5
    assert not list(tmp_path.glob("*.m3u8"))


def test_unknown_voice_is_one_clear_line(tmp_path: Path) -> None:
    run = speak(SAMPLE, "-o", str(tmp_path / "x.mp3"), "--voice", "no-such-voice")
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == \
        "a11y-proxy: The voice 'no-such-voice' is not installed (espeak-ng --voices lists them)."


def test_output_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = speak(SAMPLE, SAMPLE, "-o", str(blocker / "audio"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith(f"a11y-proxy: cannot create {blocker / 'audio'}")
