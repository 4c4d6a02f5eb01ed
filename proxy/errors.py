"""Errors that end a request with a given status and a bilingual, human reason."""

from __future__ import annotations


class ProxyError(Exception):
    status = 500
    log_reason = "error"

    def __init__(self, zh: str, en: str, *, status: int | None = None, reason: str | None = None,
                 upstream_status: int | None = None) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.upstream_status = upstream_status  # what the original site answered, when it did (error pages say so)
        if status is not None:
            self.status = status
        self.log_reason = reason or en


class BadURL(ProxyError):
    status = 400


class Forbidden(ProxyError):
    status = 403


class TooLarge(ProxyError):
    status = 413


class UpstreamFailed(ProxyError):
    status = 502


class UpstreamTimeout(ProxyError):
    status = 504


class Busy(ProxyError):
    status = 503


class RateLimited(ProxyError):
    status = 429
