"""The settings page (设置). Placeholder until the page lands."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Register /settings on `app`."""
