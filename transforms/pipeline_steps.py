"""Importing this module registers every transform (the registry's single place of truth)."""

from . import extract, links, original, render, sanitize  # noqa: F401
