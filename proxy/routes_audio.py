"""Audio routes (/audio and per-sentence segments). Placeholder until the speech service lands."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Register audio routes and the speech service's cleanup context on `app`."""
