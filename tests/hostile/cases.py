"""The hostile upstream's behaviours, one per path, and what the proxy must answer for each.

`CASES` is the table the tests and bench/soak.py share: path (with query), expected status, and a word on
why. Paths that point at internal addresses are filled in by `redirect_cases()` from the guard's point of
view: every form of a loopback, private, link-local or mapped address.
"""

from __future__ import annotations

import asyncio
import gzip
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from tests.support.upstream_app import article

from . import bombs
from .server import Behaviour, HostileServer, Request, reset

XSS_DIR = Path(__file__).resolve().parent.parent / "data" / "xss"
TICK = 0.4  # seconds between trickled bytes: under the proxy's sock_read, so only the total timeout ends it
BEHAVIOURS: dict[str, Behaviour] = {}


def behaviour(path: str):
    def register(fn: Behaviour) -> Behaviour:
        BEHAVIOURS[path] = fn
        return fn
    return register


def head(status: str = "200 OK", headers: list[tuple[str, str]] | tuple = (), body: bytes | None = None,
         ctype: str = "text/html; charset=utf-8") -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send(writer: asyncio.StreamWriter, data: bytes, keep: bool = False) -> bool:
    writer.write(data)
    await writer.drain()
    return keep


PAGE = article("正常页面", "这是一个正常的页面，代理在处理完恶意请求之后必须仍然能够正常提供。").encode("utf-8")


async def normal(req: Request, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> bool:
    """A healthy article on a keep-alive connection (also the fallback for unknown paths)."""
    return await send(w, head(body=PAGE) + PAGE, keep=True)


BEHAVIOURS["/ok"] = normal
REAL_PAGE = (Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "kjt_article.html").read_bytes()


@behaviour("/article")
async def real_article(req, r, w):
    """A full 科技厅 article page with all its clutter (what a reader's page costs to transform)."""
    return await send(w, head(body=REAL_PAGE) + REAL_PAGE, keep=True)


@behaviour("/sleep")
async def sleep_then_page(req, r, w):
    """A slow but healthy page: 0.8 s (under the proxy's read timeout), then the article."""
    await asyncio.sleep(0.8)
    return await normal(req, r, w)


MINI_PDF = b"%PDF-1.4\n%%EOF\n"


# --- time ------------------------------------------------------------------------------------------------
@behaviour("/slow-headers")
async def slow_headers(req, r, w):
    w.write(b"HTTP/1.1 200 OK\r\n")
    for _ in range(200):
        await asyncio.sleep(TICK)
        await send(w, b"X")
    return False


@behaviour("/trickle")
async def trickle(req, r, w):
    await send(w, head(headers=[("Content-Length", "100000")]) + PAGE[:200])
    for _ in range(200):
        await asyncio.sleep(TICK)
        await send(w, b" ")
    return False


@behaviour("/silent")
async def silent(req, r, w):
    await asyncio.sleep(60)
    return False


# --- bodies ----------------------------------------------------------------------------------------------
@behaviour("/endless-chunked")
async def endless_chunked(req, r, w):
    await send(w, head(headers=[("Transfer-Encoding", "chunked")]) + b"5\r\n<p>x\n\r\n")
    chunk = b"<p>" + b"x" * 65000 + b"</p>"
    for _ in range(100_000):
        await send(w, b"%x\r\n%s\r\n" % (len(chunk), chunk))
    return False


@behaviour("/huge-length")
async def huge_length(req, r, w):
    await send(w, head(headers=[("Content-Length", "10737418240")]) + PAGE)
    await asyncio.sleep(5)
    return False


@behaviour("/length-over")
async def length_over(req, r, w):
    """Declares more than it sends, then closes."""
    await send(w, head(headers=[("Content-Length", str(len(PAGE) + 5000))]) + PAGE)
    return False


SMUGGLED = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 60\r\n\r\n" + \
    "<html><body><p>被夹带的响应 SMUGGLED</p></body></html>".encode().ljust(60)


@behaviour("/length-under")
async def length_under(req, r, w):
    """Declares less than it sends; the rest is a second response smuggled onto a keep-alive connection."""
    return await send(w, head(body=PAGE) + PAGE + SMUGGLED, keep=True)


@behaviour("/length-and-chunked")
async def length_and_chunked(req, r, w):
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(PAGE), PAGE)
    return await send(w, head(headers=[("Content-Length", "10"), ("Transfer-Encoding", "chunked")]) + body)


@behaviour("/reset")
async def reset_mid_body(req, r, w):
    await send(w, head(headers=[("Content-Length", str(len(PAGE) * 4))]) + PAGE)
    await asyncio.sleep(0.05)
    reset(w)
    return False


# --- encodings -------------------------------------------------------------------------------------------
def _encoded(name: str, body: bytes) -> Behaviour:
    async def serve(req, r, w):
        return await send(w, head(headers=[("Content-Encoding", name)], body=body) + body)
    return serve


BEHAVIOURS["/bomb-gzip"] = lambda req, r, w: _encoded("gzip", bombs.gzip_bomb())(req, r, w)
BEHAVIOURS["/bomb-deflate"] = lambda req, r, w: _encoded("deflate", bombs.deflate_bomb())(req, r, w)
BEHAVIOURS["/bomb-br"] = lambda req, r, w: _encoded("br", bombs.brotli_bomb())(req, r, w)
BEHAVIOURS["/gzip-gzip"] = _encoded("gzip, gzip", gzip.compress(gzip.compress(PAGE)))
BEHAVIOURS["/not-gzip"] = _encoded("gzip", PAGE)
BEHAVIOURS["/unknown-encoding"] = _encoded("x-evil", PAGE)


# --- headers and status lines ----------------------------------------------------------------------------
def _raw(data: bytes, keep: bool = False) -> Behaviour:
    async def serve(req, r, w):
        return await send(w, data, keep)
    return serve


BEHAVIOURS["/long-header"] = _raw(head(headers=[("X-Long", "a" * 9000)], body=PAGE) + PAGE)
BEHAVIOURS["/many-headers"] = _raw(head(headers=[(f"X-H{i}", "v") for i in range(200)], body=PAGE) + PAGE)
BEHAVIOURS["/cookie-flood"] = _raw(head(headers=[("Set-Cookie", f"c{i}=v{i}; Path=/") for i in range(100)],
                                        body=PAGE) + PAGE)
BEHAVIOURS["/garbage-status"] = _raw(b"GARBAGE \x00\xff LINE\r\n\r\n" + PAGE)
BEHAVIOURS["/status-999"] = _raw(head("999 Whatever", body=PAGE) + PAGE)
BEHAVIOURS["/204-body"] = _raw(head("204 No Content", ctype="text/html") + PAGE + SMUGGLED, keep=True)
BEHAVIOURS["/304-body"] = _raw(head("304 Not Modified", ctype="text/html") + PAGE + SMUGGLED, keep=True)
BEHAVIOURS["/401"] = _raw(head("401 Unauthorized", headers=[("WWW-Authenticate", 'Basic realm="x"')], body=PAGE)
                          + PAGE)
BEHAVIOURS["/407"] = _raw(head("407 Proxy Authentication Required",
                               headers=[("Proxy-Authenticate", 'Basic realm="x"')], body=PAGE) + PAGE)
BEHAVIOURS["/pdf-hop"] = _raw(head(ctype="application/pdf", body=MINI_PDF, headers=[
    ("Connection", "keep-alive, X-Hop"), ("X-Hop", "secret"), ("Keep-Alive", "timeout=5"),
    ("Proxy-Authenticate", 'Basic realm="x"'), ("Set-Cookie", "sid=upstream"), ("Content-Disposition", "inline")])
    + MINI_PDF, keep=True)
XML_DOC = (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
           b'<script>alert(1)</script></body></html>')
BEHAVIOURS["/xml"] = _raw(head(ctype="application/xml", body=XML_DOC) + XML_DOC, keep=True)
BEHAVIOURS["/svg"] = _raw(head(ctype="image/svg+xml", body=b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
                          + b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", keep=True)
BEHAVIOURS["/empty-200"] = _raw(head(body=b""), keep=True)


# --- redirects -------------------------------------------------------------------------------------------
@behaviour("/redirect-loop")
async def redirect_loop(req, r, w):
    return await send(w, head("302 Found", headers=[("Location", "/redirect-loop")], body=b""), keep=True)


@behaviour("/chain/")
async def chain(req, r, w):
    """`/chain/<n>`: n redirects, then the normal page."""
    n = int(req.path.rsplit("/", 1)[1] or 0)
    target = "/ok" if n <= 1 else f"/chain/{n - 1}"
    return await send(w, head("302 Found", headers=[("Location", target)], body=b""), keep=True)


@behaviour("/redirect")
async def redirect(req, r, w):
    """`?to=<percent-encoded Location>`: the Location header is sent exactly as decoded."""
    location = unquote(req.query.removeprefix("to="))
    return await send(w, head("302 Found", headers=[("Location", location)], body=b""), keep=True)


# --- content ---------------------------------------------------------------------------------------------
def _page(body: bytes, ctype: str = "text/html; charset=utf-8") -> Behaviour:
    return _raw(head(ctype=ctype, body=body) + body, keep=True)


GBK_TEXT = "这是国标编码的政府公告，标题为关于开展安全检查的通知。"
GBK_PAGE = article("国标编码公告", GBK_TEXT).replace('<meta charset="utf-8">', "")
LATE_META = GBK_PAGE.replace("<head>", "<head><!--" + "填充" * 500 + "-->" + "<meta name=x content='"
                             + "a" * 1200 + "'><meta charset=\"gbk\">", 1)
BIG_TEXT = b"<html><body><p>" + b"A" * (20 * 1024 * 1024) + b"</p></body></html>"
NESTED = (b"<html><body>" + b"<div>" * 100_000 + "深层嵌套的页面正文。".encode() + b"</div>" * 100_000
          + b"</body></html>")
MILLION = b"<html><body>" + b"<p>" * 1_000_000 + b"</body></html>"
FRAMESET = (b"<html><head><title>\xe6\xa1\x86\xe6\x9e\xb6\xe9\xa1\xb5</title></head><frameset cols='20%,80%'>"
            b"<frame src='/ok' name='nav' title='nav'><frame src='/pages/main.html' name='main'></frameset></html>")
EARLY_END = article("提前结束的页面", "开头的正文。").replace(
    '<div id="zoom">', '<div class="header">站点头部</div></body></html><div id="zoom">').replace(
    "第二段正文内容", "结束标签之后的正文内容必须保留").encode()

BEHAVIOURS.update({
    "/binary-html": _page(bytes(range(256)) * 4000),
    "/html-as-text": _page(PAGE, "text/plain"),
    "/wrong-charset": _page(GBK_PAGE.encode("gbk"), "text/html; charset=utf-8"),
    "/late-meta": _page(LATE_META.encode("gbk"), "text/html"),
    "/utf16-nobom": _page(PAGE.decode().replace('charset="utf-8"', "").encode("utf-16-le"), "text/html"),
    "/big-text": _page(BIG_TEXT),
    "/nested-divs": _page(NESTED),
    "/million": _page(MILLION),
    "/nul-bytes": _page(PAGE.replace("正文".encode(), "正\x00文".encode())),
    "/frameset": _page(FRAMESET),
    "/empty-body": _page(b""),
    "/early-end": _page(EARLY_END),
})


@behaviour("/meta-refresh")
async def meta_refresh(req, r, w):
    """A page that refreshes to `?to=`."""
    to = unquote(req.query.removeprefix("to="))
    body = article("自动跳转", "本页将自动跳转。").replace(
        "<title>", f'<meta http-equiv="refresh" content="0;url={to}"><title>').encode()
    return await send(w, head(body=body) + body, keep=True)


@behaviour("/xss/")
async def xss(req, r, w):
    """The input half of tests/data/xss/<name>.test, as a page."""
    name = req.path.rsplit("/", 1)[1]
    path = XSS_DIR / f"{name}.test"
    if not name.replace("-", "").replace("_", "").isalnum() or not path.is_file():
        return await send(w, head("404 Not Found", body=b"") , keep=True)
    body = path.read_text("utf-8").split("\n--\n", 1)[0].encode()
    return await send(w, head(body=body) + body, keep=True)


@behaviour("/glue/")
async def glue(req, r, w):
    """Gluing vector number N (tests/hostile/gluing.py), for a site at this server's own address."""
    from .gluing import gluing_vectors

    n = req.path.rsplit("/", 1)[1]
    vectors = gluing_vectors(f"http://{req.headers.get('host', 'evil.test.gov.cn')}")
    if not n.isdigit() or int(n) >= len(vectors):
        return await send(w, head("404 Not Found", body=b""), keep=True)
    body = vectors[int(n)].encode()
    return await send(w, head(body=body) + body, keep=True)


CSS = (b"@import url(http://127.0.0.1:1/x.css);\nbody{background:url(../img/bg.png) no-repeat}"
       b"\np{b\\61 ckground:\\75 rl(/settings?save=1&t=dark)}\n.x{behavior:url(x.htc);color:#123}")
BEHAVIOURS["/css/site.css"] = _raw(head(ctype="text/css", body=CSS) + CSS, keep=True)


@behaviour("/evil.js")
async def evil_js(req, r, w):
    """A script that shows it ran (and reads another proxied page), as the attack's did."""
    body = b"document.documentElement.dataset.pwned='1';alert('pwned');fetch('/settings?save=1&t=dark');"
    return await send(w, head(ctype="text/javascript", body=body) + body, keep=True)


@dataclass(frozen=True)
class Case:
    path: str
    status: int | tuple[int, ...]
    why: str
    slow: bool = False  # ends by a timeout

    @property
    def statuses(self) -> tuple[int, ...]:
        return self.status if isinstance(self.status, tuple) else (self.status,)


CASES: list[Case] = [
    Case("/slow-headers", 504, "headers one byte at a time: the total timeout ends it", slow=True),
    Case("/trickle", 504, "a body trickling under the read timeout: the total timeout ends it", slow=True),
    Case("/silent", 504, "accepts and never answers", slow=True),
    Case("/endless-chunked", 413, "an endless chunked body hits the size cap"),
    Case("/huge-length", 413, "Content-Length: 10 GiB is refused before reading"),
    Case("/length-over", 502, "Content-Length larger than the body"),
    Case("/length-and-chunked", 502, "Content-Length with chunked (request smuggling shape)"),
    Case("/reset", 502, "connection reset mid-body"),
    Case("/bomb-gzip", 413, "gzip bomb: 2 MB on the wire, 2 GiB inflated"),
    Case("/bomb-deflate", 413, "deflate bomb"),
    Case("/bomb-br", 413, "brotli bomb: 0.4 MB on the wire, 2 GiB inflated"),
    Case("/gzip-gzip", 502, "Content-Encoding: gzip, gzip"),
    Case("/not-gzip", 502, "labelled gzip, is not"),
    Case("/unknown-encoding", 502, "unknown Content-Encoding"),
    Case("/long-header", 502, "a 9 KB header line"),
    Case("/many-headers", 502, "200 headers"),
    Case("/garbage-status", 502, "garbage status line"),
    Case("/status-999", 502, "status 999"),
    Case("/204-body", 502, "204 with a body"),
    Case("/304-body", 502, "304 with a body"),
    Case("/401", 502, "401 from upstream is not relayed (no login prompt for their realm)"),
    Case("/407", 502, "407 from upstream is not relayed (no proxy login prompt)"),
    Case("/empty-200", 502, "an empty 200"),
    Case("/empty-body", 502, "text/html with an empty body"),
    Case("/binary-html", 502, "text/html that is binary"),
    Case("/redirect-loop", 502, "redirect loop"),
    Case("/chain/6", 502, "a 6th redirect"),
    Case("/big-text", 413, "one 20 MB text node is over the page cap"),
]
TLS_STALL = Case("<https>", 504, "a TLS handshake that never completes", slow=True)

INTERNAL_LOCATIONS = [
    "http://127.0.0.1/", "http://127.0.0.1:{port}/ok", "http://[::1]/", "http://0x7f000001/", "http://2130706433/",
    "http://017700000001/", "http://127.1/", "http://0/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
    "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://[fe80::1]/", "http://[fc00::1]/",
    "http://localhost/", "http://localhost.:{port}/", "http://internal.test.gov.cn:{port}/ok",
    "http://meta.test.gov.cn:{port}/", "http://mapped.test.gov.cn:{port}/", "http://link.test.gov.cn:{port}/",
    "http://127.0.0.1.nip.io/", "http://kjt.test.gov.cn:22/", "http://kjt.test.gov.cn@127.0.0.1/",
    "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://kjt.test.gov.cn/", "dict://127.0.0.1:11211/",
    "http://www.example.com/", "//www.example.com/", "///www.example.com/", "\\\\www.example.com/",
    "/\\www.example.com/", "http:\\\\www.example.com/", "https:www.example.com", "http://www.example.com\\@kjt.test.gov.cn/",
    "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
]


def redirect_cases(port: int) -> list[str]:
    return [loc.replace("{port}", str(port)) for loc in INTERNAL_LOCATIONS]


def make_server() -> HostileServer:
    """Bombs are built first: building one inside a request would stall the server's loop for a second."""
    bombs.gzip_bomb(), bombs.deflate_bomb(), bombs.brotli_bomb()
    return HostileServer(BEHAVIOURS, normal)
