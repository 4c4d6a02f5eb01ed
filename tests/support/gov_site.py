"""A fake government site for the forward door: www.example.gov.cn (and other.example.gov.cn) over HTTPS with a
trustme certificate, and the same app over plain HTTP. It runs its own scripts under a strict nonce CSP, has a
search form, a login cookie, an article, a column of notices, attachments and a brotli bomb, and records what reaches it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import brotli
from aiohttp import web

from tests.support.upstream_app import PNG

SITE_NONCE = "c2l0ZS1ub25jZQ"
CSP = f"default-src 'self'; script-src 'nonce-{SITE_NONCE}'; object-src 'none'; base-uri 'none'"
SITE_CSS = """body { font-family: serif; font-size: 12px; color: #222; }
li { float: left; width: 90px; list-style: square; }
button { width: 40px; height: 18px; font-size: 10px; color: #333; background: #eee; letter-spacing: 3px; }
a { color: #1a3d8f; }
nav li a { color: #036; }
"""
# No lang on <html>, a viewport that forbids zooming, an image without alt in a captioned figure, two unlabelled
# navigation landmarks: what the overlay's safe fixes are for. The rest is an ordinary, accessible page.
HOME = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no">
<title>示例省人民政府门户网站</title>
<link rel="stylesheet" href="/site.css">
<script nonce="{nonce}">window.siteInline = 'ran';</script>
<script src="/app.js" nonce="{nonce}"></script>
</head><body>
<header><p>示例省人民政府</p>
<nav><ul><li><a href="/">首页</a></li><li><a href="/article.html">政务公开</a></li></ul></nav></header>
<main>
<h1>示例省人民政府门户网站</h1>
<p id="site-js">本站脚本没有运行</p>
<form id="search" method="post" action="/search">
  <label for="q">站内搜索</label> <input id="q" name="q" value="">
  <input type="hidden" name="page" value="1">
  <button type="submit" id="go">搜索</button>
</form>
<figure><img src="/img/photo.png" width="80" height="40"><figcaption>图为省政府大楼</figcaption></figure>
<p><a href="/article.html">关于做好冬季供暖工作的通知</a></p>
</main>
<footer><nav><ul><li><a href="/about.html">网站地图</a></li><li><a href="/contact.html">联系我们</a></li></ul></nav>
<p>示例省人民政府办公厅主办</p></footer>
</body></html>"""
ARTICLE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>关于做好冬季供暖工作的通知 - 示例省人民政府</title>
<meta name="ArticleTitle" content="关于做好冬季供暖工作的通知"><meta name="PubDate" content="2026-11-20">
<script nonce="{nonce}">document.addEventListener('DOMContentLoaded', function () {
  document.title = 'SCRIPT RAN ' + document.title; });</script>
</head><body>
<div class="nav"><a href="/">首页</a> <a href="/article.html">政务公开</a></div>
<div id="zoom"><h1>关于做好冬季供暖工作的通知</h1>
<p>各市、县人民政府，省政府各部门：为做好今年冬季供暖工作，保障群众温暖过冬，现将有关事项通知如下。</p>
<p>一、各地要提前检修供热设施，确保十一月十五日前全面供暖，室温不低于十八摄氏度。</p>
<p>二、供暖期间设立服务热线，及时处理群众反映的问题，做到件件有回音。</p>
<p>附件：<a href="/files/plan.pdf">供暖工作方案.pdf</a></p></div>
</body></html>"""
# A column (list page) of eight dated notices: enough for a list page (pagetype.MIN_ENTRIES), and a live feed.
COLUMN = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>通知公告 - 示例省人民政府</title>"
          "<meta name=\"SiteName\" content=\"示例省人民政府\"><meta name=\"ColumnName\" content=\"通知公告\"></head>"
          "<body><ul class=\"list\">" + "".join(
              f"<li><a href=\"/article.html?n={n}\">关于做好冬季供暖工作的第{n}号通知</a><span>2026-11-{20 - n:02d}</span></li>"
              for n in range(1, 9)) + "</ul></body></html>")
RESULT = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>搜索结果</title></head><body>
<main><h1>搜索结果</h1><p id="len">{length}</p><p id="sha">{sha}</p></main></body></html>"""
APP_JS = ("document.addEventListener('DOMContentLoaded', function () {"
          " document.getElementById('site-js').textContent = '本站脚本已运行'; });")


def make_gov_app(state: dict) -> web.Application:
    hits: Counter = state.setdefault("hits", Counter())
    state.setdefault("posts", [])
    state.setdefault("cookies", [])

    @web.middleware
    async def record(request: web.Request, handler):  # type: ignore[no-untyped-def]
        hits[request.path] += 1
        state["cookies"].append((request.path, request.headers.get("Cookie", "")))
        return await handler(request)

    def page(text: str, **headers: str) -> web.Response:
        return web.Response(text=text.replace("{nonce}", SITE_NONCE), content_type="text/html",
                            headers={"Content-Security-Policy": CSP, **headers})

    async def home(request: web.Request) -> web.Response:
        return page(HOME.replace("{nonce}", SITE_NONCE))

    async def article(request: web.Request) -> web.Response:
        return page(ARTICLE, **{"Cache-Control": "max-age=60"})

    async def column(request: web.Request) -> web.Response:
        return page(COLUMN)

    async def login(request: web.Request) -> web.Response:
        """A page only for a logged-in user: the session cookie says who."""
        who = request.cookies.get("sid", "")
        text = ARTICLE.replace("各市、县人民政府", f"尊敬的用户{who}")
        return page(text)

    async def search(request: web.Request) -> web.Response:
        body = await request.read()
        state["posts"].append({"body": body, "content_type": request.headers.get("Content-Type", "")})
        return web.Response(text=RESULT.format(length=len(body), sha=hashlib.sha256(body).hexdigest()),
                            content_type="text/html")

    async def app_js(request: web.Request) -> web.Response:
        return web.Response(text=APP_JS, content_type="text/javascript")

    async def site_css(request: web.Request) -> web.Response:
        return web.Response(text=SITE_CSS, content_type="text/css")

    async def photo(request: web.Request) -> web.Response:
        return web.Response(body=PNG, content_type="image/png")

    async def fragment(request: web.Request) -> web.Response:
        return web.Response(text="<li><a href='/article.html'>新闻</a></li>", content_type="text/html")

    async def echo_cookies(request: web.Request) -> web.Response:
        return web.json_response({"cookie": request.headers.get("Cookie", "")})

    async def big(request: web.Request) -> web.StreamResponse:
        size = int(request.query.get("kb", "64")) * 1024
        resp = web.StreamResponse(headers={"Content-Type": "application/pdf"})
        if request.query.get("len"):
            resp.content_length = size
        await resp.prepare(request)
        for _ in range(size // 65536):
            await resp.write(b"%" * 65536)
        await resp.write_eof(b"%" * (size % 65536))
        return resp

    async def bomb(request: web.Request) -> web.Response:
        c = brotli.Compressor(quality=1)
        body = c.process(b"<!doctype html><html><head></head><body>") + b"".join(
            c.process(b"\0" * (1 << 24)) for _ in range(16)) + c.finish()
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=utf-8",
                                                "Content-Encoding": "br"})

    async def counts(request: web.Request) -> web.Response:
        return web.Response(text=json.dumps(dict(hits)), content_type="application/json")

    app = web.Application(middlewares=[record], client_max_size=8 << 20)
    app.router.add_get("/", home)
    app.router.add_get("/article.html", article)
    app.router.add_get("/col/tzgg/", column)
    app.router.add_get("/login.html", login)
    app.router.add_post("/search", search)
    app.router.add_get("/app.js", app_js)
    app.router.add_get("/site.css", site_css)
    app.router.add_get("/img/photo.png", photo)
    app.router.add_get("/fragment.html", fragment)
    app.router.add_get("/echo-cookies", echo_cookies)
    app.router.add_get("/files/big.pdf", big)
    app.router.add_get("/bomb.html", bomb)
    app.router.add_get("/_counts", counts)
    return app
