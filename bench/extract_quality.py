"""Extraction quality: ours against plain readability-lxml, per page kind on the labelled government set and on
general Chinese news pages.

    .venv/bin/python bench/extract_quality.py [FOLDER ...] [--split dev|holdout|all] [--per-page] [--repeat N]

Without FOLDER: tests/fixtures/govset (per kind, the dev and the hold-out split apart) and ../shared/corpus next to
the repository (skipped when absent). A folder holds NAME.html (raw bytes, original encoding) + NAME.json
({"url", "title", "date", "text", ...}; govset adds "kind", "split", "site", "page_type"). Every extractor gets the
page as the proxy decodes it (proxy.upstream.decode).

Metrics (as in shared/tools/score_extraction.py): text F1 on bags of bigrams over CJK characters and Latin words
(NFKC, lower case, punctuation and spaces dropped); "wrong" counts pages with text F1 < 0.5; title exact (without
spaces, punctuation and symbols); date = the first YYYY-MM-DD of the prediction; site name exact like titles; page
type exact (readability-lxml has no date, site or page type: shown as -). Times are extraction only (for us: parse +
extract; for readability: Document(html).summary(), which parses too).

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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from proxy.upstream.decode import decode  # noqa: E402 - after the path set-up above

GOVSET = ROOT / "tests" / "fixtures" / "govset"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
KINDS = ("article", "short_article", "notice", "xxgk", "penalty", "procurement", "statistics", "list", "search", "home",
         "js_shell")
Result = dict[str, str]
WRONG_BODY = 0.5  # text F1 below this: the reader got some other text


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


def squash(s: str | None) -> str:
    """How must_contain / must_not_contain are matched: NFKC, no whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", s or "").split())


PAGE_TYPES = {"js_shell": "js_only"}  # the set's label -> our Article.page_type


def expected_page_type(gold: dict) -> str | None:
    label = gold.get("page_type")
    return PAGE_TYPES.get(label, label) if label else None


def score_row(result: Result, gold: dict) -> dict:
    """What one page scored: f1, wrong, title, date, site, type (a key only when the label and the extractor
    both have it)."""
    row: dict = {}
    if gold.get("text"):
        row["f1"] = f1(result.get("text", ""), gold["text"])
        row["wrong"] = row["f1"] < WRONG_BODY
    if gold.get("title") and "title" in result:
        row["title"] = norm_title(result["title"]) == norm_title(gold["title"])
    if gold.get("date") and "date" in result:
        row["date"] = norm_date(result["date"]) == gold["date"]
    if gold.get("site") and "site" in result:
        row["site"] = norm_title(result["site"]) == norm_title(gold["site"])
    if gold.get("page_type") and "page_type" in result:
        row["type"] = result["page_type"] == expected_page_type(gold)
    text = squash(result.get("text", ""))
    if gold.get("must_contain") and gold.get("text"):
        row["missing"] = [s for s in gold["must_contain"] if squash(s) not in text]
    if gold.get("must_not_contain"):
        row["leaked"] = [s for s in gold["must_not_contain"] if squash(s) in text]
    return row


# ---------------------------------------------------------------------------------------- extractors
def ours(html: str, url: str) -> Result:
    article = extract_ours(html, url)
    return {"text": article.text, "title": article.title, "date": article.published, "site": article.site,
            "page_type": article.page_type}


def extract_ours(html: str, url: str):  # noqa: ANN201 - the Article (imported late: the bench loads fast)
    from transforms.context import Context
    from transforms.extract.extract import extract
    from transforms.pipeline import prepare

    return extract(prepare(html, Context(url=url)).tree, url)


def run_ours(raw: bytes, url: str) -> Result:
    """For shared/tools/score_extraction.py --callable (bytes in, decoded as the proxy would)."""
    return ours(decode(raw), url)


def readability_plain(html: str, url: str) -> Result:
    from lxml import html as lxml_html
    from readability import Document

    doc = Document(html, url=url)
    summary = doc.summary(html_partial=True)
    text = "\n".join(t.strip() for t in lxml_html.fromstring(summary).itertext()) if summary.strip() else ""
    return {"text": text, "title": doc.short_title()}


def trafilatura_plain(html: str, url: str) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_tables=True)
    if doc is None:
        return {"text": "", "title": "", "date": ""}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return {"text": data.get("text") or "", "title": data.get("title") or "", "date": data.get("date") or ""}


def extractors(with_trafilatura: bool) -> dict[str, Callable[[str, str], Result]]:
    found = {"ours": ours, "readability": readability_plain}
    if with_trafilatura:
        try:
            import trafilatura  # noqa: F401
        except ImportError:
            return found
        found["trafilatura"] = trafilatura_plain
    return found


# -------------------------------------------------------------------------------------------- runner
Page = tuple[str, str, dict]  # name, decoded html, labels


def load(folder: Path, split: str = "all") -> list[Page]:
    pages = []
    for meta_path in sorted(folder.glob("*.json")):
        html_path = meta_path.with_suffix(".html")
        if not html_path.exists():
            continue
        gold = json.loads(meta_path.read_text("utf-8"))
        if split != "all" and gold.get("split", "dev") != split:
            continue
        pages.append((meta_path.stem, decode(html_path.read_bytes()), gold))
    return pages


def run(fn: Callable[[str, str], Result], html: str, gold: dict, repeat: int) -> dict:
    best, result = float("inf"), {}
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = fn(html, gold.get("url") or "")
        except Exception as exc:  # noqa: BLE001 - a crash scores zero
            result = {"text": "", "title": "", "error": repr(exc)}
        best = min(best, time.perf_counter() - start)
    return score_row(result, gold) | {"ms": best * 1000}


def mean(rows: list[dict], key: str) -> float | None:
    values = [float(r[key]) for r in rows if key in r]
    return sum(values) / len(values) if values else None


def fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if pct else f"{value:.3f}"


def count(rows: list[dict], key: str) -> str:
    scored = [r for r in rows if key in r]
    return str(sum(len(r[key]) for r in scored)) if scored else "-"


def wrong(rows: list[dict]) -> str:
    scored = [r for r in rows if "wrong" in r]
    return str(sum(r["wrong"] for r in scored)) if scored else "-"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
    return "\n".join([line(headers), *(line(r) for r in rows)])


def kind_table(pages: list[Page], results: dict[str, list[dict]]) -> str:
    """One row per kind and one for all: ours and readability-lxml side by side."""
    ours_rows, base_rows = results["ours"], results["readability"]
    out = []
    for kind in (*KINDS, "ALL"):
        idx = [i for i, (_, _, g) in enumerate(pages) if kind == "ALL" or g.get("kind") == kind]
        if not idx:
            continue
        o, b = [ours_rows[i] for i in idx], [base_rows[i] for i in idx]
        out.append([kind, str(len(idx)), fmt(mean(o, "f1")), fmt(mean(b, "f1")), wrong(o), wrong(b),
                    fmt(mean(o, "title"), True), fmt(mean(b, "title"), True), fmt(mean(o, "date"), True),
                    fmt(mean(o, "site"), True), fmt(mean(o, "type"), True), count(o, "missing"), count(o, "leaked")])
    return table(["kind", "pages", "F1", "F1 rdb", "wrong", "wrong rdb", "title", "title rdb", "date", "site",
                  "type", "missing", "leaked"], out)


def overall_table(results: dict[str, list[dict]]) -> str:
    out = []
    for name, rows in results.items():
        out.append([name, str(len(rows)), fmt(mean(rows, "f1")), wrong(rows), fmt(mean(rows, "title"), True),
                    fmt(mean(rows, "date"), True), f"{mean(rows, 'ms') or 0:.1f}"])
    return table(["extractor", "pages", "text F1", "wrong", "title", "date", "ms/page"], out)


def per_page(pages: list[Page], results: dict[str, list[dict]]) -> str:
    out = []
    for i, (name, _, gold) in enumerate(pages):
        r = results["ours"][i]
        flags = "".join(c for c, k in (("T", "title"), ("D", "date"), ("S", "site"), ("P", "type"))
                        if r.get(k) is False)
        flags += f" -{len(r['missing'])}" if r.get("missing") else ""
        flags += f" +{len(r['leaked'])}" if r.get("leaked") else ""
        out.append([name, gold.get("split", "-"), fmt(r.get("f1")), fmt(results["readability"][i].get("f1")),
                    flags or "ok"])
    return table(["page", "split", "F1", "F1 rdb", "misses (-N: must_contain missing, +N: leaked)"], out)


def score_folder(pages: list[Page], repeat: int, trafilatura: bool) -> dict[str, list[dict]]:
    results = {}
    for name, fn in extractors(trafilatura).items():
        fn(pages[0][1], pages[0][2].get("url") or "")  # warm-up: imports and caches are not billed
        results[name] = [run(fn, html, gold, repeat) for _, html, gold in pages]
    return results


def report_govset(folder: Path, splits: list[str], repeat: int, show_pages: bool) -> None:
    for split in splits:
        pages = load(folder, split)
        if not pages:
            continue
        results = score_folder(pages, repeat, trafilatura=False)
        print(f"\n## {folder.name}, split {split}: {len(pages)} pages (rdb = plain readability-lxml)\n")
        print(kind_table(pages, results))
        if show_pages:
            print()
            print(per_page(pages, results))


def report_corpus(folder: Path, repeat: int, show_pages: bool) -> None:
    pages = load(folder)
    if not pages:
        print(f"\nno NAME.html + NAME.json pairs in {folder} (skipped)")
        return
    results = score_folder(pages, repeat, trafilatura=True)
    print(f"\n## {folder.name}: {len(pages)} general Chinese news pages\n")
    print(overall_table(results))
    base = mean(results["readability"], "ms") or 1.0
    print(f"\ntime ours / readability: {(mean(results['ours'], 'ms') or 0) / base:.2f}x")
    if show_pages:
        print()
        print(per_page(pages, results))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", help="labelled folders (default: govset and ../shared/corpus)")
    ap.add_argument("--split", choices=("dev", "holdout", "all", "both"), default="both",
                    help="govset pages to score: one split, all together, or both apart (default)")
    ap.add_argument("--per-page", action="store_true", help="also list every page")
    ap.add_argument("--repeat", type=int, default=1, help="time each page N times, keep the fastest")
    args = ap.parse_args(argv)
    splits = ["dev", "holdout"] if args.split == "both" else [args.split]
    folders = [Path(f) for f in args.folders] or [GOVSET, SHARED_CORPUS]
    for folder in folders:
        if not folder.is_dir():
            print(f"\nno corpus at {folder}: nothing to score (skipped)")
            continue
        if any(json.loads(p.read_text("utf-8")).get("kind") for p in list(folder.glob("*.json"))[:1]):
            report_govset(folder, splits, args.repeat, args.per_page)
        else:
            report_corpus(folder, args.repeat, args.per_page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
