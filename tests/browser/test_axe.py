"""axe-core (every wcag2a/2aa/21aa/22aa and best-practice rule) finds nothing, and every text and link on
the page measures >= 7:1, on every page kind in every mode and every theme, and on our own pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PAGES, Report, axe_violations, describe, min_ratios, set_settings
from transforms.context import MODES, THEMES

pytestmark = pytest.mark.browser


def check_themes(page: Any, context: Any, proxy_url: str, path: str, axe_script: str, report: Report,
                 label: str, mode: str, expect_status: int = 200) -> list[str]:
    """Load `path` once per theme (server-side first paint from the cookie); return what failed."""
    failures = []
    for theme in THEMES:
        set_settings(context, proxy_url, f"f0.t{theme}.l0.sserver.r2")
        response = page.goto(path, wait_until="load")
        assert response is not None and response.status == expect_status, path
        assert f"theme-{theme}" in (page.get_attribute("html", "class") or "")
        violations = axe_violations(page, axe_script)
        worst = min_ratios(page)
        text, link = worst.get("text", (21.0, "")), worst.get("link", (21.0, ""))
        report.add(page=label, mode=mode, theme=theme, violations=len(violations), text=text[0], link=link[0])
        if violations:
            failures.append(f"{theme}: axe {describe(violations)}")
        for kind, (ratio, sample) in worst.items():
            if ratio < 7:
                failures.append(f"{theme}: {kind} contrast {ratio:.2f} < 7: {sample}")
    return failures


@pytest.mark.parametrize("kind", sorted(PAGES))
@pytest.mark.parametrize("mode", MODES)
def test_proxied_page(page: Any, context: Any, proxy_url: str, axe_script: str, report: Report, mode: str,
                      kind: str) -> None:
    failures = check_themes(page, context, proxy_url, f"/{mode}/{PAGES[kind]}", axe_script, report, kind, mode)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name,path,status", [
    ("home", "/", 200),
    ("settings", "/settings", 200),
    ("error", "/elder/http://www.example.com/", 403),
])
def test_own_page(page: Any, context: Any, proxy_url: str, axe_script: str, report: Report, name: str, path: str,
                  status: int) -> None:
    failures = check_themes(page, context, proxy_url, path, axe_script, report, name, "-", status)
    assert not failures, "\n".join(failures)
