"""Quality on the shared corpus of real pages (../shared/corpus); skipped when it is not there.

The pages are not copied into the repository; bench/extract_quality.py prints the full table.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")


def bench():
    spec = importlib.util.spec_from_file_location("extract_quality", ROOT / "bench" / "extract_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    q = bench()
    pages = q.load(CORPUS)
    if not pages:
        pytest.skip("corpus folder is empty")
    return [q.run(q.ours, html, gold, repeat=1) for _, html, gold in pages]


def test_text_f1(rows: list[dict]) -> None:
    scores = [r["f1"] for r in rows if "f1" in r]
    assert sum(scores) / len(scores) >= 0.95


def test_titles(rows: list[dict]) -> None:
    titles = [r["title"] for r in rows if "title" in r]
    assert sum(titles) / len(titles) >= 0.95


def test_dates(rows: list[dict]) -> None:
    dates = [r["date"] for r in rows if "date" in r]
    assert sum(dates) / len(dates) >= 0.95


def test_decoding_helper_reads_gb_pages_as_gb18030() -> None:
    q = bench()
    gbk = "<meta charset=gb2312><p>县人民政府</p>".encode("gbk")
    assert "县人民政府" in q.decode(gbk)
    assert "县人民政府关于做好冬季安全生产工作" in q.decode("<p>县人民政府关于做好冬季安全生产工作</p>".encode("gbk"))
    assert q.f1("县人民政府通知", "县人民政府通知") == 1.0
    assert q.f1("", "县人民政府") == 0.0
