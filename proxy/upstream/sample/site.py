"""The built-in sample site: a provincial 科技厅 written by the team, so a newcomer with no network sees
every mode work. It is served through exactly the same pipeline as any upstream page."""

from __future__ import annotations

from pathlib import Path

from yarl import URL

from ..client import Fetched

SAMPLE_HOST = "sample.a11y-proxy.invalid"  # .invalid is reserved: it can never be a real site
SAMPLE_ARTICLE = f"https://{SAMPLE_HOST}/art/2026/11/20/art_1.html"
_DIR = Path(__file__).resolve().parent
PAGES: dict[str, tuple[str, str]] = {
    "/": ("list.html", "text/html; charset=utf-8"),
    "/art/2026/11/20/art_1.html": ("article.html", "text/html; charset=utf-8"),
    "/col/gzdt/": ("list.html", "text/html; charset=utf-8"),
    "/col/gzdt/index.html": ("list.html", "text/html; charset=utf-8"),
    "/art/2026/11/15/art_4.html": ("notice-gbk.html", "text/html; charset=gb2312"),
    "/images/2026/meeting.svg": ("meeting.svg", "image/svg+xml"),
    "/attach/2026/tzgg.pdf": ("tzgg.pdf", "application/pdf"),
}
MISSING = "missing.html"  # the sample site's own 404 page


def is_sample(url: str | URL) -> bool:
    try:
        u = URL(url) if isinstance(url, str) else url
        return (u.host or "").rstrip(".").lower() == SAMPLE_HOST
    except (ValueError, TypeError, UnicodeError):
        return False


def is_html(f: Fetched) -> bool:
    return f.media_type == "text/html"


def fetch(url: str | URL) -> Fetched:
    u = URL(url) if isinstance(url, str) else url
    name, ctype = PAGES.get(u.path, (MISSING, "text/html; charset=utf-8"))
    return Fetched(url=str(u), status=404 if name == MISSING else 200, headers={"content-type": ctype},
                   body=(_DIR / name).read_bytes())
