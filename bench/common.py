"""Shared by the benchmarks: the corpus, medians, a plain-text table, the machine, process memory."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_DIRS = (ROOT / "tests" / "fixtures" / "pages", ROOT / "proxy" / "upstream" / "sample", SHARED_CORPUS)


def corpus(extra: Iterable[Path] = ()) -> list[Path]:
    """HTML pages of the test fixtures, the built-in sample and ../shared/corpus (each only when present)."""
    pages: list[Path] = []
    for d in (*CORPUS_DIRS, *extra):
        if d.is_dir():
            pages += sorted(d.glob("*.html"))
    return pages


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def geomean(xs: Sequence[float]) -> float:
    xs = [x for x in xs if x > 0]
    return statistics.geometric_mean(xs) if xs else float("nan")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table (pastes into issues and docs as is)."""
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _fmt(c: object) -> str:
    if isinstance(c, float):
        return "-" if c != c else (f"{c:.2f}" if abs(c) < 100 else f"{c:.0f}")
    return str(c)


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, load {load}; Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def rss_kib(pid: int) -> int:
    """Resident memory of one process in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _by_parent() -> dict[int, list[int]]:
    """Every process on the machine by its parent, from /proc (Linux)."""
    by_parent: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            by_parent.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return by_parent


def children(pid: int) -> list[int]:
    return _by_parent().get(pid, [])


def descendants(pid: int) -> list[int]:
    """Child processes, recursively (the render pool's workers and multiprocessing's helpers)."""
    by_parent = _by_parent()
    out, todo = [], [pid]
    while todo:
        kids = by_parent.get(todo.pop(), [])
        out += kids
        todo += kids
    return out
