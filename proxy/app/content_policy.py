"""What upstream bytes may be when they pass through our origin untransformed (attachments, /asset).

Our origin runs only our own code. So nothing that passes through may be active there: script types are
refused outright; types a browser would render as a document that can hold script (HTML, XML, SVG, XSLT)
are sent as attachments under a sandbox CSP (security headers: middlewares.add_security_headers), so that
opening one downloads it instead of running it with our cookies. /asset serves only passive sub-resources.
"""

from __future__ import annotations

SCRIPT_TYPES = frozenset({
    "application/javascript", "application/x-javascript", "text/javascript", "application/ecmascript",
    "application/x-ecmascript", "text/ecmascript", "text/jscript", "text/livescript", "text/x-javascript",
    "text/x-ecmascript", "text/vbscript", "text/vbs", "application/wasm", "text/x-component", "application/hta",
    "text/x-scriptlet", "application/x-shockwave-flash", "application/java-archive", "application/x-java-applet",
})
DOCUMENT_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "text/xml", "application/xml", "image/svg+xml", "text/xsl",
    "application/xslt+xml", "application/rss+xml", "application/atom+xml", "application/rdf+xml",
    "application/mathml+xml", "multipart/x-mixed-replace", "text/xhtml", "application/vnd.wap.xhtml+xml",
})
ASSET_PREFIXES = ("image/", "font/", "audio/", "video/")
ASSET_TYPES = frozenset({"text/css", "text/vtt", "application/font-woff", "application/font-woff2",
                         "application/x-font-woff", "application/x-font-ttf", "application/vnd.ms-fontobject"})

REFUSE, ATTACHMENT, INLINE, STYLESHEET = "refuse", "attachment", "inline", "stylesheet"


def attachment_policy(media_type: str) -> str:
    """A non-HTML upstream response opened as a page (a PDF, a DOC …)."""
    if media_type in SCRIPT_TYPES or "script" in media_type:
        return REFUSE
    if media_type in DOCUMENT_TYPES or _is_xml(media_type):
        return ATTACHMENT
    return INLINE


def asset_policy(media_type: str) -> str:
    """A sub-resource of a page (image, stylesheet, font, media) fetched through /asset."""
    if media_type == "text/css":
        return STYLESHEET
    if media_type in SCRIPT_TYPES or "script" in media_type:
        return REFUSE
    if media_type in DOCUMENT_TYPES or _is_xml(media_type):
        return ATTACHMENT if media_type == "image/svg+xml" else REFUSE
    if media_type.startswith(ASSET_PREFIXES) or media_type in ASSET_TYPES:
        return INLINE
    return REFUSE


def _is_xml(media_type: str) -> bool:
    return media_type.endswith(("+xml", "/xml"))

