"""What upstream bytes may be on our origin: the content-policy table."""

from __future__ import annotations

import pytest

from proxy.app.content_policy import ATTACHMENT, INLINE, REFUSE, STYLESHEET, asset_policy, attachment_policy


@pytest.mark.parametrize("media_type,attachment,asset", [
    ("application/pdf", INLINE, REFUSE), ("application/msword", INLINE, REFUSE),
    ("text/javascript", REFUSE, REFUSE), ("application/javascript", REFUSE, REFUSE),
    ("application/x-javascript", REFUSE, REFUSE), ("text/vbscript", REFUSE, REFUSE),
    ("text/html", ATTACHMENT, REFUSE), ("application/xhtml+xml", ATTACHMENT, REFUSE),
    ("application/xml", ATTACHMENT, REFUSE), ("image/svg+xml", ATTACHMENT, ATTACHMENT),
    ("application/vnd.custom+xml", ATTACHMENT, REFUSE), ("text/css", INLINE, STYLESHEET),
    ("image/png", INLINE, INLINE), ("font/woff2", INLINE, INLINE), ("video/mp4", INLINE, INLINE),
])
def test_content_policy_table(media_type: str, attachment: str, asset: str) -> None:
    assert attachment_policy(media_type) == attachment and asset_policy(media_type) == asset
