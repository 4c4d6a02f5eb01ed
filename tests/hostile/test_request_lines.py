"""Every route survives every request line and path: a generated corpus of odd request lines, paths and
headers, sent as raw bytes. None may end in a 500 or a dropped connection; every answer carries our security
headers; nothing a client sent reaches the log as a line of its own."""

from __future__ import annotations

import asyncio
import logging
from itertools import product

import pytest

from tests.support.servers import ThreadServer

ROUTES = ["/", "/static/", "/elder/", "/orig/", "/text/", "/asset?url=", "/go?mode=elder&url=",
          "/settings?save=1&back=/", "/settings?back=", "/audio?url=", "/audio/segment?i=0&url=",
          "/audio/sentences?url=", "/api/article?url=", "/metrics", "/healthz", "/nothing-here/"]
ODD = ["%00", "%0A", "%0D%0AX-Forged:%201", "%7F", "%FF%FE", "%C0%AF", "..%2F..%2Fetc%2Fpasswd", "%", "%%25",
       "%E2%80%A8", "a" * 3000, "http://[::1]/", "http://127.0.0.1/", "http://[::ffff:0:7f00:1]/",
       "https://sample.a11y-proxy.invalid/../../x", "https://www.gov.cn:99999/", "file:///etc/passwd",
       "javascript:alert(1)", "//evil.example/", "\\\\evil", "%5C%5Cevil", "https:/\\evil.example", "日本",
       "%00%0A2026-11-27 12:00:00 ERROR forged line", "https://x.test.gov.cn/%00"]
LINES = [
    b"OPTIONS * HTTP/1.1", b"CONNECT www.gov.cn:443 HTTP/1.1", b"CONNECT 127.0.0.1:22 HTTP/1.1",
    b"GET http://www.gov.cn:80 HTTP/1.1", b"GET http://127.0.0.1 HTTP/1.1", b"GET https://x HTTP/1.1",
    b"GET http://evil.test.gov.cn HTTP/1.1", b"HEAD / HTTP/1.1", b"DELETE /settings HTTP/1.1",
    b"POST /go HTTP/1.1", b"BREW / HTTP/1.1", b"GET / HTTP/9.9", b"GET / HTTP/1.0", b"GET /\x7f HTTP/1.1",
    b"GET /\x00 HTTP/1.1", b"G\x00T / HTTP/1.1", b"GET  /  HTTP/1.1", b"GET /" + b"a" * 9000 + b" HTTP/1.1",
    b"GET /static/%00%0A2026-01-01 ERROR forged HTTP/1.1", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    b"GET /\xff\xfe HTTP/1.1", b"GET /elder/\xe6\x97\xa5 HTTP/1.1", b"GET http://[::1]:8080/ HTTP/1.1",
]
HEADERS = [b"Host: x\r\nX: \x01\r\n", b"Host: a\r\nHost: b\r\n", b"Host: x\r\nContent-Length: -1\r\n",
           b"Host: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"Host: x\r\n" + b"X-Big: " + b"a" * 9000 + b"\r\n",
           b"Host: x\r\nCookie: a11y_settings=\x7f\xff\r\n", b"Host: \xff\r\n", b"Host: x\r\nAccept-Language: " +
           b"zh," * 500 + b"\r\n", b"Host: x\r\nSec-Fetch-Site: cross-site\r\n", b"Host: x\r\n Folded: y\r\n"]


def corpus() -> list[bytes]:
    requests = [b"GET " + (route + odd).encode("utf-8") + b" HTTP/1.1\r\nHost: x\r\n\r\n"
                for route, odd in product(ROUTES, ODD)]
    requests += [line + b"\r\nHost: x\r\n\r\n" for line in LINES]
    requests += [b"GET /elder/x HTTP/1.1\r\n" + h + b"\r\n" for h in HEADERS]
    return requests


async def exchange(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), 20)
    finally:
        writer.close()


def status_and_headers(answer: bytes) -> tuple[int, dict[str, str]]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
    return status, headers


async def test_no_request_line_or_path_is_a_500(hproxy: ThreadServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    requests = corpus()
    assert len(requests) > 400
    seen: dict[int, int] = {}
    for raw in requests:
        answer = await exchange(hproxy.port, raw)
        assert answer.startswith(b"HTTP/1."), (raw[:120], answer[:200])  # an answer, not a dropped connection
        status, headers = status_and_headers(answer)
        seen[status] = seen.get(status, 0) + 1
        assert status != 500 and status < 600, (raw[:120], answer[:300])
        assert headers.get("x-content-type-options") == "nosniff", (raw[:120], headers)
        assert "content-security-policy" in headers, (raw[:120], headers)
    assert seen.get(400, 0) > 10 and seen.get(404, 0) > 10  # the corpus reached both the parser and the app
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "forged" in m.lower() and "\n2026" in m], "a client forged a log line"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith(("aiohttp", "a11y"))]
    malformed = [r for r in caplog.records if r.name == "a11y_proxy.malformed"]
    assert malformed and all(r.levelno == logging.INFO and "\n" not in r.getMessage() for r in malformed)
