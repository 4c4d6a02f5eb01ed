"""The built-in sample site: a provincial 科技厅 written by the team, so a newcomer with no network sees
every mode work. It is served through exactly the same pipeline as any upstream page."""

from __future__ import annotations

from pathlib import Path

from yarl import URL

from .upstream import Fetched

SAMPLE_HOST = "sample.a11y-proxy.invalid"  # .invalid is reserved: it can never be a real site
SAMPLE_ARTICLE = f"https://{SAMPLE_HOST}/art/2026/11/20/art_1.html"
_DIR = Path(__file__).resolve().parent / "sample"
PAGES: dict[str, tuple[str, str]] = {
    "/": ("list.html", "text/html; charset=utf-8"),
    "/art/2026/11/20/art_1.html": ("article.html", "text/html; charset=utf-8"),
    "/col/gzdt/": ("list.html", "text/html; charset=utf-8"),
    "/col/gzdt/index.html": ("list.html", "text/html; charset=utf-8"),
    "/art/2026/11/15/art_4.html": ("notice-gbk.html", "text/html; charset=gb2312"),
    "/images/2026/meeting.svg": ("meeting.svg", "image/svg+xml"),
    "/attach/2026/tzgg.pdf": ("tzgg.pdf", "application/pdf"),
}
_MISSING = "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>示例页面</title></head>" \
           "<body><h1>示例站点中没有这个页面</h1><p>这是 a11y-proxy 内置的示例网站，只包含少数几个页面。</p>" \
           "<p><a href='/art/2026/11/20/art_1.html'>返回示例文章</a></p></body></html>"


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
    name, ctype = PAGES.get(u.path, ("", "text/html; charset=utf-8"))
    body = (_DIR / name).read_bytes() if name else _MISSING.encode("utf-8")
    return Fetched(url=str(u), status=200 if name else 404, headers={"content-type": ctype}, body=body)
