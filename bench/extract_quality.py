"""Extraction quality on a folder of labelled pages: ours vs plain readability-lxml (and trafilatura).

    .venv/bin/python bench/extract_quality.py [FOLDER] [--repeat N]

FOLDER holds NAME.html (raw bytes, original encoding) + NAME.json ({"url", "title", "date", "text"}); it
defaults to ../shared/corpus next to the repository. Metric as in shared/tools/score_extraction.py:
bag-of-bigram F1 over CJK characters and Latin words (NFKC, lower case, punctuation and spaces dropped);
titles compared without spaces or punctuation; dates as YYYY-MM-DD. Times are per page, extraction only
(for us: parse + extract; for readability: Document(html).summary(), which parses too); decoding excluded.

Cross-check: PYTHONPATH=. .venv/bin/python ../shared/tools/score_extraction.py ../shared/corpus \
    --callable bench.extract_quality:run_ours
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_FOLDER = ROOT.parent / "shared" / "corpus"
Result = dict[str, str]

# ------------------------------------------------------------------------------------------ decoding
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w:.-]+)", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}


def decode(raw: bytes) -> str:
    """As the proxy does: BOM, declared charset (GB2312/GBK read as GB18030), then detection."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    m = _CHARSET.search(raw[:8192])
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        declared = "gb18030" if declared in _GB else declared
        try:
            return raw.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        encoding = (best.encoding if best else "gb18030").lower()
        return raw.decode("gb18030" if encoding in _GB else encoding, "replace")


# ------------------------------------------------------------------------------------------- metrics
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u9fff\uf900-\ufaff]+")


def bigrams(text: str) -> collections.Counter:
    toks = _TOKEN.findall(unicodedata.normalize("NFKC", text or "").lower())
    if len(toks) < 2:
        return collections.Counter([tuple(toks)] if toks else [])
    return collections.Counter(zip(toks, toks[1:], strict=False))


def f1(pred: str, gold: str) -> float:
    p, g = bigrams(pred), bigrams(gold)
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def norm_title(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return "".join(c for c in s if not c.isspace() and not unicodedata.category(c).startswith(("P", "S")))


def norm_date(s: str | None) -> str | None:
    m = re.search(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})", s or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


# ---------------------------------------------------------------------------------------- extractors
def ours(html: str, url: str) -> Result:
    from transforms.context import Context
    from transforms.extract.extract import extract
    from transforms.pipeline import prepare

    article = extract(prepare(html, Context(url=url)).tree, url)
    return {"text": article.text, "title": article.title, "date": article.published}


def run_ours(raw: bytes, url: str) -> Result:
    """For shared/tools/score_extraction.py --callable (bytes in, decoded as the proxy would)."""
    return ours(decode(raw), url)


def readability_plain(html: str, url: str) -> Result:
    from lxml import html as lxml_html
    from readability import Document

    doc = Document(html, url=url)
    summary = doc.summary(html_partial=True)
    text = "\n".join(t.strip() for t in lxml_html.fromstring(summary).itertext()) if summary.strip() else ""
    return {"text": text, "title": doc.short_title(), "date": ""}


def trafilatura_plain(html: str, url: str) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_tables=True)
    if doc is None:
        return {"text": "", "title": "", "date": ""}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return {"text": data.get("text") or "", "title": data.get("title") or "", "date": data.get("date") or ""}


def extractors() -> dict[str, Callable[[str, str], Result]]:
    found = {"ours": ours, "readability": readability_plain}
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return found
    found["trafilatura"] = trafilatura_plain
    return found


# -------------------------------------------------------------------------------------------- runner
def load(folder: Path) -> list[tuple[str, str, dict]]:
    pages = []
    for meta_path in sorted(folder.glob("*.json")):
        html_path = meta_path.with_suffix(".html")
        if html_path.exists():
            pages.append((meta_path.stem, decode(html_path.read_bytes()), json.loads(meta_path.read_text("utf-8"))))
    return pages


def score(fn: Callable[[str, str], Result], html: str, gold: dict, repeat: int) -> dict:
    best, result = float("inf"), {"text": "", "title": "", "date": ""}
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = fn(html, gold.get("url") or "")
        except Exception as exc:  # noqa: BLE001 - a crash scores zero
            result = {"text": "", "title": "", "date": "", "error": repr(exc)}
        best = min(best, time.perf_counter() - start)
    row: dict = {"ms": best * 1000}
    if gold.get("text"):
        row["f1"] = f1(result["text"], gold["text"])
    if gold.get("title"):
        row["title"] = norm_title(result.get("title")) == norm_title(gold["title"])
    if gold.get("date"):
        row["date"] = norm_date(result.get("date")) == norm_date(gold["date"])
    return row


def mean(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if key in r]
    return sum(values) / len(values) if values else None


def fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "   -  "
    return f"{100 * value:5.1f}%" if pct else f"{value:6.3f}"


def report(pages: list, results: dict[str, list[dict]]) -> None:
    names = list(results)
    print(f"{'page':18}" + "".join(f"{n[:11]:>12}" for n in names) + "   (text F1; * title miss, ! date miss)")
    for i, (name, _, _) in enumerate(pages):
        cells = []
        for n in names:
            r = results[n][i]
            flag = ("*" if r.get("title") is False else " ") + ("!" if r.get("date") is False else " ")
            cells.append(f"{fmt(r.get('f1'))}{flag}".rjust(12))
        print(f"{name:18}" + "".join(cells))
    print()
    print(f"{'extractor':14}{'pages':>6}{'text F1':>9}{'title':>8}{'date':>8}{'ms/page':>9}")
    for n in names:
        rows = results[n]
        date = mean(rows, "date") if n != "readability" else None
        print(f"{n:14}{len(rows):6d}{fmt(mean(rows, 'f1')):>9}{fmt(mean(rows, 'title'), True):>8}"
              f"{fmt(date, True):>8}{mean(rows, 'ms'):9.1f}")
    base = mean(results["readability"], "ms")
    print(f"\ntime ours / readability: {mean(results['ours'], 'ms') / base:.2f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    ap.add_argument("--repeat", type=int, default=3, help="time each page N times, keep the fastest")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"no corpus at {folder}: nothing to score (skipped)")
        return 0
    pages = load(folder)
    if not pages:
        print(f"no NAME.html + NAME.json pairs in {folder} (skipped)")
        return 0
    results = {}
    for name, fn in extractors().items():
        fn(pages[0][1], pages[0][2].get("url") or "")  # warm-up: imports and caches are not billed
        results[name] = [score(fn, html, gold, args.repeat) for _, html, gold in pages]
    report(pages, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
