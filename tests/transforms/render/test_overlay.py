"""Overlay mode: the site's page byte for byte, with our parts spliced in where a browser's tokenizer finds the
tags (never re-serialised), and the safe fixes made on the server."""

from __future__ import annotations

import re

import pytest

from transforms.context import Context, Settings
from transforms.render.overlay import ascii_js, guess_lang, open_viewport, overlay_document, scan

ASSETS = {"toolbar.js": "var s = '［图片：';\n// 连读 </script>\n", "overlay.js": "1;", "toolbar.css": "a{}",
          "overlay.css": "/* 主题 */ b{}"}


def overlay(doc: bytes, *, csp: list[str] | None = None, lang: str | None = "zh-CN", settings: Settings | None = None,
            asked: list | None = None):  # type: ignore[no-untyped-def]
    def lang_of() -> str | None:
        if asked is not None:
            asked.append(1)
        return lang

    ctx = Context(url="https://www.example.gov.cn/a.html", mode="orig", settings=settings or Settings(),
                  own_base="/.well-known/a11y-proxy")
    return overlay_document(doc, ctx, nonce="N0NCE", lang=lang_of, csp_headers=csp or [], csp_report_only=[],
                            inline_asset=ASSETS.__getitem__)


def cut_ours(out: bytes) -> bytes:
    """The document without our two snippets (they are ASCII and end with a known line)."""
    out = re.sub(rb'<link rel="stylesheet" href="/\.well-known/a11y-proxy/static/toolbar\.css".*?overlay\.css"[^>]*>\n',
                 b"", out, flags=re.S)
    return re.sub(rb'<div id="a11y-overlay".*?/overlay\.js" defer nonce="N0NCE"></script>\n</div>', b"", out,
                  flags=re.S)


def test_the_page_keeps_its_own_bytes() -> None:
    page = ('<!DOCTYPE html>\n<html lang="zh-CN" class="site"><head><meta charset="gbk"><title>标题</title>'
            '<script>var a = "<body>"; // </head></script></head>\n<body class="x" onload="go()">'
            '<p>正文 &nbsp; 内容</p></body></html>').encode("gbk")
    out = overlay(page, settings=Settings(font_step=2, theme="dark")).body
    assert "正文".encode("gbk") in out and "正文".encode() not in out  # the GBK bytes are still there, not re-encoded
    assert cut_ours(out) == page.replace(b'class="site"', b'class="site mode-orig theme-dark font-2 spacing-0"')
    # our parts where they belong: the stylesheets before the real </head>, the toolbar right after <body ...>
    head_end = out.index(b"</head>\n<body")
    assert out.index(b"overlay.css") < head_end < out.index(b'<div id="a11y-overlay"')
    assert out[out.index(b'onload="go()">') + 14:].startswith(b'<div id="a11y-overlay"')


def test_our_parts_are_ascii_and_read_the_same_in_any_charset() -> None:
    out = overlay(b"<html lang=zh><head></head><body></body></html>")
    ours = out.body[out.body.index(b"<link"):]
    assert ours.isascii() and "&#26080;&#38556;&#30861;" in ours.decode()  # 无障碍 as character references


def test_lang_only_where_missing() -> None:
    asked: list = []
    assert b'lang="zh-CN"' in overlay("<html><body>中文</body></html>".encode(), asked=asked).body and asked
    asked.clear()
    kept = overlay(b'<html lang="en"><body>x</body></html>', asked=asked).body
    assert b'lang="en"' in kept and b"zh-CN" not in kept and not asked
    assert b'lang="zh-CN"' in overlay(b'<html lang=""><body></body></html>').body
    assert b"lang=" not in overlay(b"<html><body>English only</body></html>", lang=None).body
    assert guess_lang("通知") == "zh-CN" and guess_lang("Notice") is None


def test_a_document_without_html_head_or_body_tags() -> None:
    out = overlay(b"\xef\xbb\xbf<!DOCTYPE html><title>t</title><p>\xe6\x96\x87</p>").body
    assert out.startswith(b'\xef\xbb\xbf<!DOCTYPE html><html lang="zh-CN" class="mode-orig')
    assert b'<div id="a11y-overlay"' in out and b"toolbar.css" in out


@pytest.mark.parametrize(("content", "opened"), [
    ("width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no", "width=device-width, initial-scale=1"),
    ("width=device-width,initial-scale=1.0,minimum-scale=1.0,maximum-scale=1.0,user-scalable=0",
     "width=device-width, initial-scale=1.0, minimum-scale=1.0"),
    ("width=device-width; user-scalable=yes", "width=device-width, user-scalable=yes"),
    ("user-scalable=no", ""),
])
def test_the_viewport_lets_the_reader_zoom(content: str, opened: str) -> None:
    assert open_viewport(content) == opened


def test_viewport_and_meta_csp_are_edited_in_place() -> None:
    page = (b'<html><head><meta name="viewport" content="width=device-width, user-scalable=no">'
            b"<meta http-equiv='Content-Security-Policy' content=\"script-src &#39;self&#39;\">"
            b"</head><body></body></html>")
    out = overlay(page).body
    assert b'<meta name="viewport" content="width=device-width">' in out
    assert b"content=\"script-src &#x27;self&#x27; &#x27;nonce-N0NCE&#x27;\"" in out


def test_scripts_and_comments_do_not_fool_the_scan() -> None:
    page = b"<html><head><!-- <body> --><script>document.write('<body>')</script></head><body id=real></body></html>"
    found = scan(page)
    assert found.body is not None and page[found.body.start:found.body.end] == b"<body id=real>"


def test_the_site_policy_decides_how_our_code_comes_in() -> None:
    nonce = overlay(b"<html><head></head><body></body></html>", csp=["default-src 'self'"])
    assert nonce.csp == ["default-src 'self'; script-src 'self' 'nonce-N0NCE'; style-src 'self' 'nonce-N0NCE'"]
    assert b'<script src="/.well-known/a11y-proxy/static/toolbar.js" defer nonce="N0NCE">' in nonce.body
    inline = overlay(b"<html><head></head><body></body></html>", csp=["default-src https: 'unsafe-inline'"])
    assert inline.csp == ["default-src https: 'unsafe-inline'"]  # a nonce here would switch 'unsafe-inline' off
    assert b"static/toolbar.js" not in inline.body and b"<script nonce=\"N0NCE\">var s = '\\uff3b" in inline.body
    assert b"<\\/script>" in inline.body and inline.body.isascii()
    assert b"<style nonce=\"N0NCE\">a{}\n/* \\004e3b\\009898 */ b{}</style>" in inline.body


def test_a_frameset_gets_no_toolbar() -> None:
    out = overlay(b"<html><head><title>t</title></head><frameset><frame src=a.html></frameset></html>")
    assert not out.toolbar and b"a11y-overlay" not in out.body


def test_the_declared_charset_is_reported() -> None:
    assert overlay(b'<html><head><meta charset="gbk"></head><body></body></html>').charset == "gbk"
    assert overlay(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=GB2312">'
                   b"</head><body></body></html>").charset == "gb2312"


def test_script_text_is_escaped_to_ascii() -> None:
    assert ascii_js("'连读 😀' </script>") == "'\\u8fde\\u8bfb \\ud83d\\ude00' <\\/script>"


def test_the_overlay_has_the_one_row_toolbar_in_the_readers_script_without_the_aids() -> None:
    """The toolbar of every page (更多 menu, own_base for its endpoints), its words in the reader's 繁體; no
    拼音/繁體 buttons: the server converts the pages it renders for them, and the live page stays as sent."""
    out = overlay(b"<html><body><p>x</p></body></html>", settings=Settings(script="hant-tw", pinyin=True)).body
    ours = out.decode("ascii")
    assert 'data-base="/.well-known/a11y-proxy"' in ours and 'id="a11y-more"' in ours
    assert 'data-action="pinyin"' not in ours and 'data-action="script"' not in ours
    assert 'data-menu-action="pinyin"' not in ours and "Alt+Y" not in ours and "Alt+J" not in ours
    assert "&#36899;&#35712;" in ours  # 連讀, as character references (our parts are ASCII)
    assert 'href="/.well-known/a11y-proxy/settings?back=' in ours  # 设置, in the 更多 menu, on our path
