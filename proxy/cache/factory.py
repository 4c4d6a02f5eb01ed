"""The configured cache backend."""

from __future__ import annotations

from ..config import CacheConfig
from .entry import Cache
from .memory import MemoryCache


def make_cache(cfg: CacheConfig) -> Cache:
    if cfg.backend == "redis":
        from .redis import RedisCache

        return RedisCache(cfg)
    return MemoryCache(cfg)
