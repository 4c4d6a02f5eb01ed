"""The reader's settings and mode, so that they follow the reader from site to site.

Each site the toolbar runs on keeps its own `a11y_settings` cookie (a cookie cannot be shared by two sites, and
gov.cn is a public suffix). The door therefore keeps the reader's choice itself, by client address (one
browser, one machine: the door is a browser proxy), in the shared cache, so every worker sees it:

* a request whose settings cookie differs from `a11y_sync` (the value the door last gave this site) carries a
  change the reader made on this site: it becomes the reader's settings;
* a page is served with the reader's settings (the classes on <html>, the rendered mode), and the site's
  cookies are set to them when they differ.

The mode (overlay, 长辈版 …) is kept the same way; it changes through `?a11y-mode=` (links.with_mode).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

from transforms.context import Settings

from ..cache.entry import Cache, Entry
from ..pages.fairness import client_key

LOCAL_SECONDS = 1.0  # a worker reuses what it read for this long (several requests of one page)
LOCAL_MAX = 4096
TOUCH_AFTER = 3600.0  # an entry read after this long is written again, so that it lives while it is used


@dataclass(frozen=True)
class Prefs:
    settings: str = Settings().encode()
    mode: str = "overlay"

    @property
    def parsed(self) -> Settings:
        return Settings.decode(self.settings)


class PrefsStore:
    def __init__(self, cache: Cache, default_mode: str) -> None:
        self.cache = cache
        self.default = Prefs(mode=default_mode)
        self._local: dict[str, tuple[float, Prefs | None]] = {}

    @staticmethod
    def key(client: str) -> str:
        return "fwdprefs:" + client_key(client)

    async def get(self, client: str) -> Prefs | None:
        key = self.key(client)
        now = time.monotonic()
        hit = self._local.get(key)
        if hit is not None and now - hit[0] < LOCAL_SECONDS:
            return hit[1]
        entry = await self.cache.get(key)
        prefs = None
        if entry is not None:
            try:
                prefs = Prefs(**json.loads(entry.body))
            except (ValueError, TypeError):
                prefs = None
            if prefs is not None and time.time() - entry.stored_at > TOUCH_AFTER:
                await self._write(key, prefs)
        self._remember(key, prefs)
        return prefs

    async def set(self, client: str, prefs: Prefs) -> None:
        key = self.key(client)
        await self._write(key, prefs)
        self._remember(key, prefs)

    async def _write(self, key: str, prefs: Prefs) -> None:
        # ttl 0: never "fresh", so a shared backend's near cache never answers for it and every worker reads
        # what was last written; the backend keeps it for cache.stale_ttl after the last write.
        await self.cache.set(key, Entry(json.dumps(asdict(prefs)).encode(), {}, ttl=0))

    def _remember(self, key: str, prefs: Prefs | None) -> None:
        if len(self._local) >= LOCAL_MAX:
            self._local.clear()
        self._local[key] = (time.monotonic(), prefs)
