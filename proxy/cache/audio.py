"""Finished audio files on disk: content-addressed, bounded in bytes, least recently used out first.

A whole article's audio is far too large for the page cache (a 20,000-character article is about 28 MB of
MP3), and a seek must never synthesise it again. So a finished file lives in `cache.audio_dir` under its key
(a hash of everything that decides its bytes: the words, voices, rate, format, tags), with a small JSON file
beside it: its strong ETag (a hash of its exact bytes), size, and what the captions and chapters are made
from. A file being made is written to a `.part` file and renamed into place when complete, so a reader never
sees half a file under a real name, and several processes (gunicorn workers) can share one folder: the
names are the same for the same bytes, and a rename is atomic. Each hit touches the file's mtime; when the
folder grows past `cache.audio_max_bytes` the least recently used files go.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError

from .entry import Entry
from .redis import RedisCache, dumps, loads

log = logging.getLogger("a11y_proxy.cache")
KEEP_AFTER_EVICTION = 0.9  # evict down to this share of the bound, so that one new file does not evict again
PART_MAX_AGE = 24 * 3600  # a .part file this old belongs to a process that died: removed at start
AUDIO_SUFFIXES = (".mp3", ".wav")


def default_audio_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"a11y-proxy-audio-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


@dataclass
class Stored:
    """A finished file: where it is, its size and strong ETag, and its meta (timeline, title, format)."""

    path: Path
    size: int
    etag: str
    meta: dict[str, Any]


class Part:
    """A file being written: the placeholder header and audio are appended as they come; `commit` writes the
    final header over the placeholder (same length) and moves the file into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        self.read_fd = os.open(path, os.O_RDONLY)  # readers dup it: valid after the rename and eviction too
        self.written = 0

    def write(self, chunk: bytes) -> None:
        view = memoryview(chunk)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        self.written += len(chunk)

    def reader(self) -> int:
        """A file descriptor of its own to read what is written so far (os.pread), until `release`."""
        return os.dup(self.read_fd)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def release(self) -> None:
        """No new readers: close the descriptor they were dup'ed from."""
        self.close()
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


class AudioStore:
    def __init__(self, directory: str | os.PathLike[str] | None, max_bytes: int) -> None:
        self.dir = Path(directory) if directory else default_audio_dir()
        self.max_bytes = max_bytes
        self._bytes: int | None = None  # estimate; None until the first scan

    # -- reading ---------------------------------------------------------------------------------------------

    def paths(self, key: str, fmt: str) -> tuple[Path, Path]:
        sub = self.dir / key[:2]
        return sub / f"{key}.{fmt}", sub / f"{key}.json"

    def find(self, key: str, fmt: str) -> Stored | None:
        """The finished file for `key`, touched as just used; None when there is none (or it was evicted)."""
        path, meta_path = self.paths(key, fmt)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            size = path.stat().st_size
            if size != meta["size"]:
                return None  # being replaced, or damaged: made again
            now = time.time()
            os.utime(path, (now, now))
        except (OSError, ValueError, KeyError):
            return None
        return Stored(path, size, meta["etag"], meta)

    # -- writing ---------------------------------------------------------------------------------------------

    def part(self, key: str, fmt: str) -> Part:
        path, _ = self.paths(key, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        return Part(path.with_name(f".{key}.{secrets.token_hex(4)}.{fmt}.part"))

    def commit(self, part: Part, key: str, fmt: str, header: bytes, meta: dict[str, Any]) -> Stored:
        """Finish `part` (blocking: run it in a thread): the final header, the hash of the exact bytes, the
        meta file, then the rename that makes it visible."""
        os.pwrite(part.fd, header, 0)
        part.close()
        digest = hashlib.sha256()
        with open(part.path, "rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
        size = part.path.stat().st_size
        path, meta_path = self.paths(key, fmt)
        meta = {**meta, "size": size, "etag": f'"{digest.hexdigest()[:40]}"', "fmt": fmt}
        tmp_meta = meta_path.with_name(f".{meta_path.name}.{secrets.token_hex(4)}")
        tmp_meta.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp_meta, meta_path)
        os.replace(part.path, path)
        self._grew(size)
        return Stored(path, size, meta["etag"], meta)

    def put(self, key: str, fmt: str, data: bytes, meta: dict[str, Any]) -> Stored:
        """A whole file at once (one fetched from another instance's share). Blocking."""
        part = self.part(key, fmt)
        try:
            part.write(data)
            return self.commit(part, key, fmt, b"", meta)  # the header is in `data` already
        except BaseException:
            part.discard()
            raise
        finally:
            part.release()

    # -- the bound -------------------------------------------------------------------------------------------

    def _grew(self, size: int) -> None:
        if self._bytes is None:
            self.scan()
        else:
            self._bytes += size
        if self._bytes is not None and self._bytes > self.max_bytes:
            self.scan()

    def scan(self) -> int:
        """Measure the folder, remove abandoned .part files, and evict the least recently used files while
        over the bound. Blocking. Returns the bytes kept."""
        files: list[tuple[float, int, Path]] = []
        now = time.time()
        for sub in self.dir.glob("*/"):
            for p in sub.iterdir():
                try:
                    st = p.stat()
                except OSError:
                    continue
                if p.name.endswith(".part"):
                    if now - st.st_mtime > PART_MAX_AGE:
                        p.unlink(missing_ok=True)
                elif p.suffix in AUDIO_SUFFIXES:
                    files.append((st.st_mtime, st.st_size, p))
        total = sum(size for _, size, _ in files)
        if total > self.max_bytes:
            for _, size, p in sorted(files):
                if total <= self.max_bytes * KEEP_AFTER_EVICTION:
                    break
                p.with_suffix(".json").unlink(missing_ok=True)
                p.unlink(missing_ok=True)
                total -= size
                log.info("audio cache: evicted %s (%d bytes)", p.name, size)
        self._bytes = total
        return total


class RedisShare:
    """Finished audio files shared between instances through Redis (the `redis` cache backend): a file made
    by one instance is published (when no larger than `cache.audio_share_max_bytes`), and an instance that
    does not have it copies it into its own disk cache instead of synthesising it. A file being made is not
    shared: an instance that misses it makes its own rather than keep a listener waiting, so two instances
    asked for the same new article within the same minute both make it, and both publish the same bytes."""

    def __init__(self, redis_cache: RedisCache, max_bytes: int, ttl: float) -> None:
        self.cache = redis_cache
        self.max_bytes = max_bytes
        self.ttl = max(1, int(ttl))

    def _name(self, key: str, fmt: str) -> str:
        return f"{self.cache.prefix}audio:{key}.{fmt}"

    async def get(self, key: str, fmt: str) -> tuple[dict[str, Any], bytes] | None:
        if not self.cache._available():
            return None
        try:
            raw = await self.cache.client.get(self._name(key, fmt))
        except (RedisError, OSError) as e:
            self.cache._failed("audio get", e)
            return None
        if raw is None:
            return None
        try:
            entry = loads(raw)
        except (ValueError, KeyError, struct.error):
            return None
        return entry.meta, entry.body

    async def put(self, key: str, fmt: str, meta: dict[str, Any], data: bytes) -> bool:
        if len(data) > self.max_bytes or not self.cache._available():
            return False
        try:
            await self.cache.client.set(self._name(key, fmt), dumps(Entry(data, meta, ttl=self.ttl)), ex=self.ttl)
        except (RedisError, OSError) as e:
            self.cache._failed("audio set", e)
            return False
        return True
