"""A generated family of "gluing" vectors: markup split by something a naive sanitiser deletes, so that the
deletion joins the pieces into live markup (the orig-mode hole: `<-moz-binding:x;/style>` became `</style>`).
Each vector also tries CSS that reaches our own routes or another host, through escapes and odd spellings."""

from __future__ import annotations

from itertools import product

# What a regex sanitiser typically deletes from CSS or markup.
DELETED = ["-moz-binding:x;", "behavior:url(x);", "expression(alert(1))", "@import 'x';", "javascript:",
           "/**/", "<!---->", "\\", "\x00"]
CLOSERS = ["/style>", "/STYLE >", "/style\t>", "/style/>"]
PAYLOADS = [
    "script src=/orig/{evil}/evil.js", "script>alert(1)</script", "img src=x onerror=alert(1)",
    "meta http-equiv=refresh content='0;url=http://127.0.0.1:1/'", "svg onload=alert(1)",
    "link rel=stylesheet href=//127.0.0.1:1/x.css", "base href=http://127.0.0.1:1/", "iframe src=/settings?save=1",
]
CSS_TRICKS = [
    "p{background:url(/settings?save=1&t=dark)}",
    "p{b\\61 ckground:\\75 rl(/settings?save=1&t=dark)}",
    "p{background:URL( '/settings?save=1&t=dark' )}",
    "@\\69 mport url(http://127.0.0.1:1/x.css);",
    "p{--x:url(/settings?save=1&t=dark);background:var(--x)}",
    "p{background:image-set('/settings?save=1&t=dark' 1x)}",
    "p{behavior:url(/x.htc);-moz-binding:url(/x.xml#x)}",
    "p{width:expression(alert(1))}",
    "p{background:url(javascript:alert(1))}",
    "p{content:'</style><script>alert(1)</script>'}",
    "@font-face{font-family:x;src:url(http://127.0.0.1:1/f.woff)}",
    "p{cursor:url(//127.0.0.1:1/c.cur),auto}",
]
STYLE_ATTRS = [
    "color:red;&#12;background:url(/settings?save=1&t=dark)", "background:\\75 rl(/settings?save=1)",
    "x:1;&#1;&#x0B;background-image:url(http://127.0.0.1:1/i.png)",
]


def gluing_vectors(evil: str) -> list[str]:
    """Whole pages, one vector each, for a site at `evil` (scheme://host:port)."""
    pages = []
    for deleted, closer, payload in product(DELETED, CLOSERS, PAYLOADS):
        p = payload.format(evil=evil)
        pages.append(f"<html><head><style>p{{}}<{deleted}{closer}<{deleted}{p}></style></head>"
                     f"<body><p>正文</p></body></html>")
    for css in CSS_TRICKS:
        pages.append(f"<html><head><style>{css}</style></head><body><p>正文</p></body></html>")
    for style in STYLE_ATTRS:
        pages.append(f'<html><head><title>t</title></head><body><p style="{style}">正文</p></body></html>')
    return pages
