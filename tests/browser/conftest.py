"""Real-browser fixtures: one headless Debian chromium per session, a fresh Chinese-locale context per test,
axe-core (the copy axe-playwright-python ships) and the in-page colour measurements."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.wcag import contrast

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SAMPLE = "https://sample.a11y-proxy.invalid"
PAGES = {
    "article": f"{SAMPLE}/art/2026/11/20/art_1.html",
    "list": f"{SAMPLE}/col/gzdt/",
    "gbk": f"{SAMPLE}/art/2026/11/15/art_4.html",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]
# the tags above, plus axe's own AAA contrast rule (7:1) as a second opinion on our measurement
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS},
               "rules": {"color-contrast-enhanced": {"enabled": True}}, "resultTypes": ["violations"]}

# Every visible element with its own text: its colour, and the colour behind it (backgrounds composited up
# the ancestor chain). Links are reported apart from other text.
COLOUR_PAIRS_JS = """() => {
  const rgba = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const behind = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) {
      const [r, g, b, a] = layers[i];
      out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
    }
    return `rgb(${out.map(Math.round).join(', ')})`;
  };
  const pairs = [];
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.closest('script, style, template, dialog:not([open]), .visually-hidden, [aria-hidden="true"]')) continue;
    const cs = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (cs.visibility !== 'visible' || !el.getClientRects().length || box.bottom < 0 || box.right < 0) continue;
    pairs.push({kind: el.closest('a') ? 'link' : 'text', fg: cs.color, bg: behind(el),
                text: el.textContent.trim().slice(0, 24)});
  }
  return pairs;
}"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module scope, not session: the Playwright sync API allows one instance per thread at a time, so each
    module starts and stops its own."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield b
    b.close()
    pw.stop()
    pw.stop()


@pytest.fixture
def context(browser: Any, proxy_url: str) -> Iterator[Any]:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=proxy_url)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def set_settings(context: Any, proxy_url: str, value: str) -> None:
    """The cookie the toolbar and the settings page write (`f2.tdark.l1.sserver.r2`)."""
    context.add_cookies([{"name": "a11y_settings", "value": value, "url": proxy_url}])


@pytest.fixture(scope="session")
def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def axe_violations(page: Any, script: str) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(script)
    result = page.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})")
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


def min_ratios(page: Any) -> dict[str, tuple[float, str]]:
    """The lowest contrast ratio among text and among links on the page, with the worst sample."""
    worst: dict[str, tuple[float, str]] = {}
    for pair in page.evaluate(COLOUR_PAIRS_JS):
        ratio = contrast(pair["fg"], pair["bg"])
        if pair["kind"] not in worst or ratio < worst[pair["kind"]][0]:
            worst[pair["kind"]] = (ratio, f"{pair['text']!r} {pair['fg']} on {pair['bg']}")
    return worst


class Report:
    """Measured numbers for the closing note: axe violations and contrast per page, mode and theme."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.screenshots: list[Path] = []

    def add(self, **row: Any) -> None:
        self.rows.append(row)

    def write(self) -> Path | None:
        if not self.rows:
            return None
        ARTIFACTS.mkdir(exist_ok=True)
        lines = ["| page | mode | theme | axe violations | min text ratio | min link ratio |", "|---|---|---|---|---|---|"]
        for r in sorted(self.rows, key=lambda r: (r["page"], r["mode"], r["theme"])):
            lines.append(f"| {r['page']} | {r['mode']} | {r['theme']} | {r['violations']} | "
                         f"{r['text']:.2f} | {r['link']:.2f} |")
        path = ARTIFACTS / "a11y-report.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


_REPORT = Report()


@pytest.fixture(scope="session")
def report() -> Report:
    return _REPORT


def pytest_terminal_summary(terminalreporter: Any) -> None:
    path = _REPORT.write()
    if path:
        terminalreporter.write_line(f"accessibility report (axe + measured contrast): {path}")
    for shot in _REPORT.screenshots:
        terminalreporter.write_line(f"screenshot: {shot}")
