"""The fake government site the tests fetch from: fixture pages from tests/fixtures/pages plus behaviours
(redirects, gzip, GBK headers, PDFs, errors) on fixed paths."""

from __future__ import annotations

import gzip
from pathlib import Path

from aiohttp import web

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
GOVSET = Path(__file__).resolve().parent.parent / "fixtures" / "govset"  # issue 12's labelled government pages
MINI_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - 测试省科学技术厅</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2026-11-20"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/col/1/">政务公开</a></div>
<div id="zoom"><p>{body}</p><p>第二段正文内容，用于测试代理的转换流程是否正常工作。</p>
<p>详情请参阅<a href="/pages/next.html">相关通知</a>，以及合作单位<a href="https://www.example.com/">外部网站</a>发布的说明，<a href="#top">回到顶部</a>。</p>
<p><img src="/img/a.png" alt="示意图"></p></div></body></html>"""
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


LONG_SENTENCES = [
    "会议指出，今年以来全省技术合同成交额持续增长，科技成果转化工作取得明显成效。",
    "各地要围绕产业链部署创新链，推动高校院所与企业建立长期稳定的合作关系。",
    "全省新建中试基地十五家，累计达到八十六家，技术经理人队伍不断壮大。",
    "下一步，要进一步完善科技成果评价机制，健全以质量、绩效、贡献为核心的评价体系。",
    "请各单位于12月31日前报送年度工作总结，联系电话：027-87654321。",
    "截至10月底，全省高新技术企业达到1.2万家，同比增长12.3%。",
]


def article(title: str = "测试文章标题", body: str = "这是一篇测试文章的正文，内容足够长，便于提取。") -> str:
    return ARTICLE.format(title=title, body=body)


def long_article(chars: int, seed: str) -> str:
    """An article of about `chars` characters of body text in paragraphs with headings; `seed` makes its
    words differ from another seed's (a cache keyed by the words sees a new article)."""
    parts: list[str] = []
    size, n = 0, 0
    while size < chars:
        n += 1
        para = f"第{n}段（{seed}）：" + "".join(LONG_SENTENCES[(n + k) % len(LONG_SENTENCES)] for k in range(4))
        parts.append((f"<h2>{n // 5 + 1}、第{n // 5 + 1}部分</h2>" if n % 5 == 1 else "") + f"<p>{para}</p>")
        size += len(para)
    title = f"长篇测试文章{seed}"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="ArticleTitle" content="{title}"></head><body><div id="zoom">{"".join(parts)}</div></body></html>')


async def column_with_a_broken_article(request: web.Request) -> web.Response:
    """A list page of nine dated articles, one of which answers 500."""
    links = [f"/long/300/column-{n}" for n in range(8)]  # eight make a list page (pagetype.MIN_ENTRIES)
    links.insert(2, "/status/500")
    items = "".join(f'<li><a href="{href}">栏目文章第{n + 1}篇的标题</a><span>2026-11-{20 - n:02d}</span></li>'
                    for n, href in enumerate(links))
    return web.Response(text=f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>通知公告</title>'
                             f'<meta name="SiteName" content="测试省科学技术厅"><meta name="ColumnName" content="通知公告">'
                             f'</head><body><ul class="list">{items}</ul></body></html>', content_type="text/html")


async def long_page(request: web.Request) -> web.Response:
    return web.Response(text=long_article(int(request.match_info["chars"]), request.match_info["seed"]),
                        content_type="text/html")


async def fixture_page(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = (PAGES / name).resolve()
    if path.parent != PAGES or not path.is_file():
        raise web.HTTPNotFound()
    ctype = "text/html" if path.suffix == ".html" else "application/octet-stream"
    return web.Response(body=path.read_bytes(), headers={"Content-Type": ctype})


async def govset_page(request: web.Request) -> web.StreamResponse:
    """A govset page's bytes as saved, with no charset in the header (the page's own declaration, or detection,
    decides, as for most government sites)."""
    path = (GOVSET / f"{request.match_info['name']}.html").resolve()
    if path.parent != GOVSET or not path.is_file():
        raise web.HTTPNotFound()
    return web.Response(body=path.read_bytes(), headers={"Content-Type": "text/html"})


async def plain_article(request: web.Request) -> web.Response:
    return web.Response(text=article(), content_type="text/html", headers={"Set-Cookie": "upstream=secret"})


async def echo_headers(request: web.Request) -> web.Response:
    """An article whose body lists the request headers it received (to prove what we do not forward)."""
    seen = "；".join(f"{k}={v}" for k, v in request.headers.items())
    return web.Response(text=article("请求头", "收到的请求头：" + seen), content_type="text/html")


async def gbk_article(request: web.Request) -> web.Response:
    body = article("国标编码页面", "这是用国标编码（GBK）保存的页面，代理必须正确解码。").replace('charset="utf-8"', 'charset="gbk"')
    return web.Response(body=body.encode("gbk"), headers={"Content-Type": "text/html; charset=GBK"})


async def gzip_article(request: web.Request) -> web.Response:
    return web.Response(body=gzip.compress(article("压缩页面").encode("utf-8")),
                        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})


async def redirect(request: web.Request) -> web.Response:
    n = int(request.match_info["n"])
    target = "/article" if n <= 1 else f"/redirect/{n - 1}"
    raise web.HTTPFound(target)


async def redirect_to(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": request.query["to"]})


async def pdf(request: web.Request) -> web.Response:
    return web.Response(body=MINI_PDF, headers={"Content-Type": "application/pdf",
                                                "Content-Disposition": 'attachment; filename="notice.pdf"'})


async def png(request: web.Request) -> web.Response:
    return web.Response(body=PNG, content_type="image/png")


async def status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]), text="error", content_type="text/html")


async def no_store(request: web.Request) -> web.Response:
    return web.Response(text=article("不缓存"), content_type="text/html", headers={"Cache-Control": "no-store"})


def make_upstream_app(state: dict | None = None) -> web.Application:
    app = web.Application()
    state = state if state is not None else {}
    app["state"] = state

    async def flaky(request: web.Request) -> web.Response:
        """Serves an article until the test sets state['down'] = True, then fails (for stale-if-error)."""
        state["flaky_hits"] = state.get("flaky_hits", 0) + 1
        if state.get("down"):
            return web.Response(status=503, text="down")
        return web.Response(text=article("可能失效的页面"), content_type="text/html")

    app.router.add_get("/pages/{name}", fixture_page)
    app.router.add_get("/govset/{name}", govset_page)
    app.router.add_get("/article", plain_article)
    app.router.add_get("/headers", echo_headers)
    app.router.add_get("/gbk", gbk_article)
    app.router.add_get("/gzip", gzip_article)
    app.router.add_get("/redirect/{n}", redirect)
    app.router.add_get("/redirect-to", redirect_to)
    app.router.add_get("/files/notice.pdf", pdf)
    app.router.add_get("/img/{name}", png)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/no-store", no_store)
    app.router.add_get("/flaky", flaky)
    app.router.add_get("/long/{chars:[0-9]+}/{seed}", long_page)
    app.router.add_get("/col/with-a-broken-article/", column_with_a_broken_article)
    return app
