"""Importing this module registers every transform (the registry's single place of truth)."""

from . import links, sanitize  # noqa: F401
from .extract import extract  # noqa: F401
from .render import original, render  # noqa: F401
