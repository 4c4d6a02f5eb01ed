"""Overlay mode (the forward door): the site's own page, byte for byte, with our toolbar laid over it.

The page keeps its own scripts and styles, so it is never re-serialised: lxml's HTML parser is not a browser's
and would move, drop or re-encode things the site's scripts depend on. Instead the first bytes of the page
are scanned the way a browser's tokenizer sees tags (comments and raw-text elements skipped), and a few
small edits are spliced in:

* our stylesheet before `</head>`, our toolbar and mode switch (and scripts) right after `<body>`;
* `lang` on `<html>` where it is missing, and the reader's theme and size classes, so the first paint is right;
* `user-scalable=no` and `maximum-scale` taken out of the viewport, so the page can be zoomed;
* our nonce added to any `<meta http-equiv="Content-Security-Policy">` (the headers: `csp.rewrite`).

Alt text from captions and landmark labels are fixed in the page by `assets/overlay.js`, on the live DOM (which
also covers what the site's scripts build). The snippets are ASCII (character references; the JSON strings
are escaped by `tojson`), so they read the same in a page of any ASCII-compatible charset (GBK, UTF-8 …).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..context import Context
from . import csp
from .render import VIEW_MODES, mode_links, render_template, toolbar_vars
from .ui_text import ui_strings

# the mode switch on the live page: the live page first, then the modes we render
LIVE_FIRST = ("orig", *(m for m in VIEW_MODES if m != "orig"))
SCAN_LIMIT = 1 << 20  # tags are looked for in the first MiB; a page whose <body> starts later gets no toolbar
RAW_TEXT = frozenset({b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes",
                      b"noscript", b"plaintext"})
_TOKEN = re.compile(rb"""<!--.*?(?:-->|\Z)|<![^>]*>|<\?[^>]*>|</([A-Za-z][^\s/>]*)[^>]*>|"""
                    rb"""<([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.S)
_ATTR = re.compile(rb"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_CJK = re.compile(r"[\u3400-\u9fff]")
# viewport properties that stop a reader from zooming (WCAG 1.4.4); everything else stays as the site wrote it
_NO_ZOOM = re.compile(r"^\s*(maximum-scale\s*=.*|user-scalable\s*=\s*(no|0|0\.0+)\s*)$", re.I)


@dataclass
class Tag:
    start: int
    end: int
    attrs: list[tuple[bytes, bytes | None, int, int]]  # name (lower), raw value (quotes kept), value span
    close: int  # where a new attribute goes: before the `>` (or the `/>`)

    def get(self, name: bytes) -> bytes | None:
        for attr, value, _, _ in self.attrs:
            if attr == name:
                return _unquote(value) if value is not None else b""
        return None


@dataclass
class Scan:
    """What a browser's tokenizer would find at the top of the page."""

    html: Tag | None = None
    head_end: int | None = None  # where `</head>` starts
    body: Tag | None = None
    frameset: bool = False
    viewports: list[Tag] = field(default_factory=list)
    csp_metas: list[Tag] = field(default_factory=list)
    charset: str | None = None  # from <meta charset> / http-equiv Content-Type in the first 1024 bytes
    after_doctype: int = 0


def scan(doc: bytes) -> Scan:
    found = Scan(after_doctype=3 if doc.startswith(b"\xef\xbb\xbf") else 0)
    pos, limit = 0, min(len(doc), SCAN_LIMIT)
    while pos < limit:
        m = _TOKEN.search(doc, pos, limit)
        if m is None:
            break
        pos = m.end()
        if m.group(0).startswith(b"<!") and m.group(0)[2:9].lower() == b"doctype":
            found.after_doctype = m.end()
        if m.group(1) is not None:
            if m.group(1).lower() == b"head" and found.head_end is None:
                found.head_end = m.start()
            continue
        if m.group(2) is None:
            continue
        name = m.group(2).lower()
        close = m.end() - 2 if m.group(3).endswith(b"/") else m.end() - 1
        tag = Tag(m.start(), m.end(), _attrs(m.group(3), m.start(3)), close)
        if name == b"html" and found.html is None:
            found.html = tag
        elif name == b"body":
            found.body = tag
            break
        elif name == b"frameset":
            found.frameset = True
            break
        elif name == b"meta":
            _meta(found, tag)
        if name in RAW_TEXT:
            close = re.compile(rb"</" + re.escape(name), re.I).search(doc, pos)
            pos = close.start() if close else len(doc)
    return found


def _meta(found: Scan, tag: Tag) -> None:
    name = (tag.get(b"name") or b"").strip().lower()
    equiv = (tag.get(b"http-equiv") or b"").strip().lower()
    if name == b"viewport":
        found.viewports.append(tag)
    elif equiv == b"content-security-policy":
        found.csp_metas.append(tag)
    if tag.start < 1024 and found.charset is None:
        label = tag.get(b"charset")
        if label is None and equiv == b"content-type":
            label = (tag.get(b"content") or b"").lower().partition(b"charset=")[2]
        if label:
            found.charset = label.strip(b" \"';").decode("ascii", "replace") or None


def _attrs(raw: bytes, offset: int) -> list[tuple[bytes, bytes | None, int, int]]:
    out = []
    for m in _ATTR.finditer(raw):
        span = m.span(2) if m.group(2) is not None else (m.end(1), m.end(1))
        out.append((m.group(1).lower(), m.group(2), offset + span[0], offset + span[1]))
    return out


def _unquote(value: bytes) -> bytes:
    if value[:1] in (b'"', b"'") and value[-1:] == value[:1] and len(value) >= 2:
        return value[1:-1]
    return value


def _attribute(value: str) -> bytes:
    return ('"' + html.escape(value, quote=True) + '"').encode("ascii", "xmlcharrefreplace")


def guess_lang(text_sample: str) -> str | None:
    """The `lang` for a page that names none: Chinese when its text has Chinese characters, else we don't
    guess (a wrong lang is worse than none: it picks the wrong voice and the wrong glyphs)."""
    return "zh-CN" if _CJK.search(text_sample) else None


def open_viewport(content: str) -> str:
    """`width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no` -> `width=device-width,
    initial-scale=1`."""
    parts = [p.strip() for p in re.split(r"[,;]", content) if p.strip()]
    return ", ".join(p for p in parts if not _NO_ZOOM.match(p))


@dataclass
class Snippets:
    head: bytes
    body: bytes


@dataclass
class Overlaid:
    body: bytes
    csp: list[str]  # the enforced Content-Security-Policy header values, with our nonce
    csp_report_only: list[str]
    charset: str | None  # declared by the page's <meta>: the caller may name it in Content-Type too
    toolbar: bool  # False for a frameset: nothing of ours can show there


def overlay_document(doc: bytes, ctx: Context, *, nonce: str, lang: Callable[[], str | None], csp_headers: list[str],
                     csp_report_only: list[str], inline_asset: Callable[[str], str]) -> Overlaid:
    """The page with our overlay. `ctx` carries the page URL, the reader's settings, `own_base` (where our
    files live on this origin) and the link policy that switches modes; `inline_asset(name)` gives one of our
    files' text, used only where the site's policy allows inline code but not ours by nonce; `lang()` the language
    to name on a page that names none (asked only then)."""
    found = scan(doc)
    needs = csp.Needs()
    headers = [csp.rewrite(v, nonce, needs) for v in csp_headers]
    report_only = [csp.rewrite(v, nonce, csp.Needs()) for v in csp_report_only]
    metas = [csp.rewrite(html.unescape((t.get(b"content") or b"").decode("ascii", "replace")), nonce, needs)
             for t in found.csp_metas]
    edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement), applied from the end
    for tag, new in zip(found.csp_metas, metas, strict=True):
        edits.append(_set_attr(tag, b"content", new))
    for tag in found.viewports:
        content = (tag.get(b"content") or b"").decode("ascii", "replace")
        opened = open_viewport(html.unescape(content))
        if opened != html.unescape(content).strip():
            edits.append(_set_attr(tag, b"content", opened or "width=device-width"))
    s = ctx.settings
    classes = f"mode-orig theme-{s.theme} font-{s.font_step} spacing-{s.line_spacing}"
    edits.extend(_html_edits(found, lang, classes))
    if found.frameset:
        return Overlaid(_apply(doc, edits), headers, report_only, found.charset, toolbar=False)
    snippets = render_snippets(ctx, nonce, needs, inline_asset)
    head_at = found.head_end if found.head_end is not None else (found.body.start if found.body else len(doc))
    body_at = found.body.end if found.body else head_at
    edits.append((head_at, head_at, snippets.head))
    edits.append((body_at, body_at, snippets.body))
    return Overlaid(_apply(doc, edits), headers, report_only, found.charset, toolbar=True)


def _html_edits(found: Scan, lang_of: Callable[[], str | None], classes: str) -> list[tuple[int, int, bytes]]:
    tag = found.html
    if tag is None:
        lang = lang_of()
        attrs = (b" lang=" + _attribute(lang) if lang else b"") + b" class=" + _attribute(classes)
        return [(found.after_doctype, found.after_doctype, b"<html" + attrs + b">")]
    edits = []
    if not (tag.get(b"lang") or b"").strip() and (lang := lang_of()):
        edits.append(_set_attr(tag, b"lang", lang))
    old = (tag.get(b"class") or b"").decode("ascii", "replace")
    edits.append(_set_attr(tag, b"class", f"{html.unescape(old)} {classes}".strip()))
    return edits


def _set_attr(tag: Tag, name: bytes, value: str) -> tuple[int, int, bytes]:
    """Replace the attribute's value in place, or add the attribute just before the tag's `>`."""
    for attr, raw, start, end in tag.attrs:
        if attr == name:
            if raw is None:
                return (end, end, b"=" + _attribute(value))
            return (start, end, _attribute(value))
    return (tag.close, tag.close, b" " + name + b"=" + _attribute(value))


def _apply(doc: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = doc
    # from the end, so earlier offsets stay valid; at one position the edits go in the order they were made
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + new + out[end:]
    return out


def render_snippets(ctx: Context, nonce: str, needs: csp.Needs, inline_asset: Callable[[str], str]) -> Snippets:
    t = ui_strings(ctx.ui_lang, ctx.settings.script)
    variables = {"ctx": ctx, "mode": "orig", "settings": ctx.settings, "t": t, "nonce": nonce,
                 "base": ctx.own_base, "mode_links": mode_links(ctx, t, LIVE_FIRST), **toolbar_vars(ctx, aids=False)}
    if needs.style == csp.INLINE:
        variables["inline_css"] = "\n".join(ascii_css(inline_asset(n)) for n in ("toolbar.css", "overlay.css"))
    if needs.script == csp.INLINE:
        variables["inline_js"] = [ascii_js(inline_asset(n)) for n in ("toolbar.js", "overlay.js")]
    head = render_template("overlay_inject_head.html", **variables)
    body = render_template("overlay_inject_body.html", **variables)
    return Snippets(head.encode("ascii", "xmlcharrefreplace"), body.encode("ascii", "xmlcharrefreplace"))


def ascii_js(source: str) -> str:
    """Script text that is ASCII and cannot end its <script> element early (`\\uXXXX` is valid in strings,
    regular expressions and identifiers; in comments it is only text)."""
    out = []
    for ch in source:
        code = ord(ch)
        if code < 128:
            out.append(ch)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    return "".join(out).replace("</", "<\\/")


def ascii_css(source: str) -> str:
    return "".join(ch if ord(ch) < 128 else f"\\{ord(ch):06x}" for ch in source).replace("</", "<\\/")
