"""The command line: render and extract from a file or stdin; bad input gives one line and exit 2."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "proxy" / "upstream" / "sample" / "article.html"
BASE = "https://kjt.example.gov.cn/art/2026/11/20/art_1.html"


ENGLISH = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "proxy", *args], input=stdin, capture_output=True, timeout=120,
                          env=ENGLISH)


def test_help_lists_every_command() -> None:
    r = run("--help")
    out = r.stdout.decode()
    assert r.returncode == 0
    for cmd in ("serve", "render", "extract", "speak", "podcast"):
        assert cmd in out


def test_render_file_to_output(tmp_path: Path) -> None:
    out = tmp_path / "elder.html"
    r = run("render", str(SAMPLE), "--mode", "elder", "--base-url", BASE, "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "<h1" in html and "科技成果转化" in html and "<script>var" not in html


def test_render_stdin_text_mode() -> None:
    r = run("render", "-", "--mode", "text", "--base-url", BASE, stdin=SAMPLE.read_bytes())
    assert r.returncode == 0 and "科技成果转化" in r.stdout.decode()


def test_extract_json_fields() -> None:
    r = run("extract", str(SAMPLE), "--base-url", BASE, "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    for field in ("url", "title", "source", "published", "author", "site", "column", "lang", "page_type",
                  "breadcrumb", "content_html", "text", "attachments", "prev", "next", "images", "extraction"):
        assert field in data
    assert data["url"] == BASE


def test_sample_url_works_offline() -> None:
    r = run("extract", "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html", "--format", "text")
    assert r.returncode == 0 and "科技成果转化" in r.stdout.decode()


def test_extract_with_reading_aids() -> None:
    r = run("extract", "https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html", "--format", "text",
            "--script", "hant", "--pinyin")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[:2] == ["shì lì shěng kē jì tīng zhào kāi 2026 nián kē jì chéng guǒ zhuǎn huà gōng zuò tuī jìn huì",
                         "示例省科技廳召開2026年科技成果轉化工作推進會"]


def test_missing_file_is_one_line() -> None:
    r = run("render", "/nonexistent/page.html")
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and "\n" not in err and "cannot read" in err


def test_refused_url_is_one_line() -> None:
    r = run("extract", "http://127.0.0.1/")
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and "\n" not in err and "127.0.0.1" in err


def test_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        r = run("serve", "--host", "127.0.0.1", "--port", str(taken.getsockname()[1]))
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("a11y-proxy: cannot serve on 127.0.0.1:")


@pytest.mark.parametrize("flags, says", [
    (("--port", "99999"), "server.port must be 1..65535, not 99999"),
    (("--port", "0"), "server.port must be 1..65535, not 0"),
    (("--workers", "0"), "server.workers must be at least 1"),
])
def test_out_of_range_serve_flags_are_one_line(flags: tuple[str, ...], says: str) -> None:
    """Refused like the same value in config.yaml (--port 99999 was a traceback, --workers 0 ran one worker)."""
    r = run("serve", *flags)
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and err == f"a11y-proxy: config: {says}"


@pytest.mark.parametrize("text", ["- a list\n", "just a sentence\n"])
def test_a_config_that_is_not_a_mapping_is_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    r = run("--config", str(path), "render", "-")
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and "\n" not in err and "must be a mapping of sections" in err


@pytest.mark.parametrize("args, says", [
    (("speak", str(SAMPLE), "-o", "out.ogg"), "out.ogg: the file would hold MP3; name it .mp3"),
    (("speak", str(SAMPLE), "-o", "out.mp3", "--format", "wav"), "out.mp3: the file would hold WAV; name it .wav"),
    (("extract", str(SAMPLE), "--base-url", "javascript:alert(1)"), "--base-url must be the page's http(s) address"),
])
def test_contradictory_names_and_addresses_are_one_line(tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    r = subprocess.run([sys.executable, "-m", "proxy", *args], capture_output=True, timeout=120, cwd=tmp_path)
    err = r.stderr.decode().strip()
    assert r.returncode == 2 and "\n" not in err and says in err and not list(tmp_path.iterdir())
