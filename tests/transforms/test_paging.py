"""The next page of a list page: the link labelled 下一页 (or rel=next), never the page itself."""

from __future__ import annotations

import pytest

from transforms.paging import next_page

URL = "https://kjt.example.gov.cn/col/gzdt/index.html"


@pytest.mark.parametrize(("markup", "expected"), [
    ('<div class="page">共60条 1/3页 <a href="/col/gzdt/index.html">首页</a> <a href="index_1.html">下一页</a> '
     '<a href="index_2.html">尾页</a></div>', "https://kjt.example.gov.cn/col/gzdt/index_1.html"),
    ('<a href="?page=2" title="下一页">&gt;</a>', "https://kjt.example.gov.cn/col/gzdt/index.html?page=2"),
    ('<head><link rel="next" href="/col/gzdt/2.html"></head>', "https://kjt.example.gov.cn/col/gzdt/2.html"),
    ('<a class="page-next" href="/p/3">›</a>', "https://kjt.example.gov.cn/p/3"),
    ('<a href="index.html">下一页</a>', None),  # the last page links to itself
    ('<a href="javascript:goPage(2)">下一页</a>', None),
    ('<a href="/art/1.html">下一篇：关于开展调研的通知</a>', None),  # an article's next article is no page
    ("", None),
])
def test_next_page(markup: str, expected: str | None) -> None:
    assert next_page(f"<html><body>{markup}</body></html>" if markup else "", URL) == expected
