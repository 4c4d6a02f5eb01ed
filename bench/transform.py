"""What one page costs: our whole pipeline per mode against lxml alone and plain readability-lxml.

    .venv/bin/python bench/transform.py [--repeat N] [--modes elder,read,...] [--profile] [--corpus DIR]

Per page of the corpus (tests/fixtures/pages, proxy/upstream/sample, ../shared/corpus when present), interleaved so
that a busy machine slows every column alike:
  (a) floor: lxml.html parse + serialise of the decoded text;
  (b) plain readability-lxml: Document(text).summary() (it parses too);
  (c) ours: proxy.jobs.render_page(bytes, ...) per mode, i.e. decode, parse, extract, sanitise, rewrite,
      render, exactly what the render pool runs, with a Context built as PageService builds it.
Prints per-page medians, then medians and ratios (c)/(a), (c)/(b) over the corpus, the time per stage of
the elder pipeline, and with --profile the functions and libraries where elder time goes (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from common import ROOT, corpus, geomean, machine, median, table

from proxy import config as config_mod
from proxy.app.urlscheme import PREFIX_LINKS
from proxy.pages import jobs
from proxy.pages.service import PageService
from proxy.upstream.decode import decode
from proxy.upstream.guard import Guard
from proxy.upstream.sample import site as sample
from proxy.upstream.sources import make_sources
from transforms import pipeline
from transforms.context import Context, Settings
from transforms.links import absolutize
from transforms.parse import parse_document
from transforms.registry import Page

MODES = ("elder", "read", "a11y", "text", "orig")
CONTENT_TYPE = "text/html"  # no charset: the page's own declaration or detection decides, as for most sites


def page_url(path: Path) -> str:
    meta = path.with_suffix(".json")
    if meta.is_file():
        try:
            return json.loads(meta.read_text(encoding="utf-8"))["url"]
        except (ValueError, KeyError):
            pass
    if path.parent.name == "sample":
        return sample.SAMPLE_ARTICLE
    return f"https://www.example.gov.cn/bench/{path.name}"


def make_context(cfg: config_mod.Config) -> Callable[[str, str], Context]:
    """PageService.context itself, on a stand-in holding what it reads (the sources, config, audio flag)."""
    svc = SimpleNamespace(sources=make_sources(cfg, Guard(cfg.upstream)), cfg=cfg, audio_available=True)
    return lambda url, mode: PageService.context(svc, url, mode, Settings(), "zh",  # type: ignore[arg-type]
                                                 PREFIX_LINKS)


def floor(text: str) -> None:
    from lxml import html as lxml_html

    lxml_html.tostring(lxml_html.document_fromstring(text), encoding="unicode")


def plain_readability(text: str) -> None:
    from readability import Document

    Document(text).summary()


def timed(fn: Callable[..., object], *args: object) -> float:
    t = time.perf_counter()
    try:
        fn(*args)
    except Exception as e:  # a page that breaks one contender is reported, not fatal
        print(f"  ! {e.__class__.__name__}: {str(e)[:120]}")
        return float("nan")
    return time.perf_counter() - t


def stages(body: bytes, ctx: Context, steps: list[str]) -> dict[str, float]:
    """The elder pipeline cut at its stages (mirrors pipeline.prepare + pipeline.run)."""
    out: dict[str, float] = {}
    t = time.perf_counter()
    text = decode(body, CONTENT_TYPE)
    out["decode"], t = time.perf_counter() - t, time.perf_counter()
    tree = parse_document(text)
    out["parse"], t = time.perf_counter() - t, time.perf_counter()
    absolutize(tree, ctx.url)
    out["absolutize"], t = time.perf_counter() - t, time.perf_counter()
    page = Page(tree=tree)
    for name in steps:
        page = pipeline.get(name)(page, ctx)
        out[name], t = time.perf_counter() - t, time.perf_counter()
    return out


def run(pages: list[Path], modes: tuple[str, ...], repeat: int) -> None:
    cfg = config_mod.load()
    context = make_context(cfg)
    rows, per_col = [], defaultdict(list)
    stage_times: dict[str, list[float]] = defaultdict(list)
    for path in pages[:3]:  # warm up: imports, templates, regex caches are not per-page costs
        text = decode(path.read_bytes(), CONTENT_TYPE)
        floor(text), plain_readability(text)
        for m in modes:
            jobs.render_page(path.read_bytes(), CONTENT_TYPE, context(page_url(path), m), cfg.modes[m])
    for path in pages:
        body = path.read_bytes()
        text = decode(body, CONTENT_TYPE)
        url = page_url(path)
        ctxs = {m: context(url, m) for m in modes}
        samples: dict[str, list[float]] = defaultdict(list)
        for _ in range(repeat):
            samples["a"].append(timed(floor, text))
            samples["b"].append(timed(plain_readability, text))
            for m in modes:
                samples[m].append(timed(jobs.render_page, body, CONTENT_TYPE, ctxs[m], cfg.modes[m]))
            if "elder" in modes:
                for k, v in stages(body, ctxs["elder"], cfg.modes["elder"]).items():
                    samples["stage:" + k].append(v)
        med = {k: median(v) * 1000 for k, v in samples.items()}
        for k, v in med.items():
            (stage_times if k.startswith("stage:") else per_col)[k.removeprefix("stage:")].append(v)
        first = modes[0]
        rows.append([path.parent.name + "/" + path.name, len(body) // 1024, med["a"], med["b"],
                     *(med[m] for m in modes), med[first] / med["a"], med[first] / med["b"]])
    print(table(["page", "KiB", "(a) ms", "(b) ms", *(f"{m} ms" for m in modes), f"{modes[0]}/(a)",
                 f"{modes[0]}/(b)"], rows))

    print("\nOver the corpus (medians of per-page medians; ratios: geometric mean of per-page ratios, and "
          "ratio of total time):")
    summary = []
    for m in modes:
        ra = [c / a for c, a in zip(per_col[m], per_col["a"], strict=True)]
        rb = [c / b for c, b in zip(per_col[m], per_col["b"], strict=True)]
        summary.append([m, median(per_col[m]), geomean(ra), sum(per_col[m]) / sum(per_col["a"]),
                        geomean(rb), sum(per_col[m]) / sum(per_col["b"])])
    summary.append(["(b) readability", median(per_col["b"]), geomean([b / a for b, a in zip(
        per_col["b"], per_col["a"], strict=True)]), sum(per_col["b"]) / sum(per_col["a"]), 1.0, 1.0])
    summary.append(["(a) floor", median(per_col["a"]), 1.0, 1.0, float("nan"), float("nan")])
    print(table(["pipeline", "median ms", "/(a) geomean", "/(a) total", "/(b) geomean", "/(b) total"], summary))
    if "elder" in modes:
        el = sum(per_col["elder"]) / sum(per_col["b"])
        fl = sum(per_col["elder"]) / sum(per_col["a"])
        print(f"\nTargets: elder <= 1.2 x readability: {el:.2f} x ({'met' if el <= 1.2 else 'MISSED'}); "
              f"stretch elder <= 8 x floor: {fl:.2f} x ({'met' if fl <= 8 else 'missed'})")
        total = sum(sum(v) for v in stage_times.values())
        print("\nWhere elder time goes, by stage (sum over the corpus of per-page medians):")
        print(table(["stage", "ms", "share"],
                    [[k, sum(v), f"{100 * sum(v) / total:.1f} %"] for k, v in stage_times.items()]))


# ------------------------------------------------------------------------------------------ profile
def owner(filename: str, func: str) -> str:
    """Group a profiled function by the file (ours) or library it belongs to."""
    if filename == "~":
        if "lxml" in func or "etree" in func:
            return "lxml (C)"
        if "re.Pattern" in func or "_sre" in func:
            return "re (C)"
        return "builtins (C)"
    p = Path(filename)
    if "site-packages" in p.parts:
        return p.parts[p.parts.index("site-packages") + 1].split(".")[0]
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return "stdlib:" + p.stem


def profile(pages: list[Path], repeat: int) -> None:
    cfg = config_mod.load()
    context = make_context(cfg)
    work = [(p.read_bytes(), context(page_url(p), "elder")) for p in pages]
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        for body, ctx in work:
            try:
                jobs.render_page(body, CONTENT_TYPE, ctx, cfg.modes["elder"])
            except Exception:  # noqa: BLE001 - reported in the main table
                pass
    prof.disable()
    st = pstats.Stats(prof)
    total = sum(v[2] for v in st.stats.values())  # type: ignore[attr-defined]
    groups: dict[str, float] = defaultdict(float)
    funcs = []
    for (filename, line, func), (_cc, _nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        groups[owner(filename, func)] += tt
        funcs.append((tt, ct, f"{owner(filename, func)}:{line}({_short(func)})"))
    print(f"\nProfile of the elder pipeline (cProfile, {repeat} x corpus; own time by file or library):")
    print(table(["where", "own s", "share"], [[g, t, f"{100 * t / total:.1f} %"]
                                              for g, t in sorted(groups.items(), key=lambda x: -x[1])[:15]]))
    ours = sorted(((ct, f"{owner(fn, func)}:{line}({_short(func)})") for (fn, line, func), (_c, _n, _t, ct, _)
                   in st.stats.items() if fn.startswith(str(ROOT / "transforms"))), reverse=True)  # type: ignore
    print("\nOur functions by cumulative time (each includes what it calls; top-level stages first):")
    print(table(["function", "cumulative s", "share"], [[n, ct, f"{100 * ct / total:.1f} %"] for ct, n in ours[:20]]))
    print("\nTop functions by own time:")
    print(table(["function", "own s", "share", "cumulative s"],
                [[name, tt, f"{100 * tt / total:.1f} %", ct] for tt, ct, name in sorted(funcs, reverse=True)[:25]]))


def _short(func: str) -> str:
    return re.sub(r"<method '(\w+)' of '([\w.]+)' objects>", r"\2.\1", func)[:70]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per page and contender (median kept)")
    ap.add_argument("--modes", default=",".join(MODES), help="our modes to time; the first one is compared")
    ap.add_argument("--corpus", type=Path, action="append", default=[], help="another folder of *.html")
    ap.add_argument("--profile", action="store_true", help="also profile the elder pipeline")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    pages = corpus(args.corpus)
    if not pages:
        raise SystemExit("bench/transform.py: no pages found")
    modes = tuple(m for m in args.modes.split(",") if m)
    print(f"# bench/transform.py: {len(pages)} pages x {args.repeat} runs\n# machine: {machine()}\n")
    run(pages, modes, args.repeat)
    if args.profile:
        profile(pages, max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
