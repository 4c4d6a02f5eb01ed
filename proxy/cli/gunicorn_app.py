"""`a11y-proxy serve --workers N`: N processes under gunicorn with aiohttp's worker, sharing nothing but the
cache (use `cache.backend: redis` so that they share that too).

The typed config object is handed to every worker directly (gunicorn forks after loading this
application), so workers run exactly the configuration the command line loaded. The browser proxy's port is
bound here too, once, in the master, like gunicorn's own: every worker inherits the socket and accepts from it
(mitmproxy's own listener has no SO_REUSEPORT, and one shared accept queue loses nothing when a worker dies).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import os
import socket
from typing import Any

from gunicorn.app.base import BaseApplication

from ..config import Config
from .errors import CLIError

log = logging.getLogger("a11y_proxy")


def render_workers_per_process(cfg: Config, workers: int) -> int:
    """`transform.workers: 0` means "the cores": split them between the server processes, not per process,
    so N workers do not start N x cores render processes."""
    if cfg.transform.workers:
        return cfg.transform.workers
    return max(1, (os.cpu_count() or 1) // workers)


class ProxyApplication(BaseApplication):
    def __init__(self, cfg: Config, host: str, port: int, workers: int) -> None:
        self.proxy_cfg = cfg
        self.options = {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "aiohttp.GunicornWebWorker",
            "loglevel": cfg.server.log_level,
            "accesslog": None,  # our own access middleware logs every request
            "graceful_timeout": 10,
            "timeout": 60,  # a worker that stops answering the arbiter for this long is replaced
            "keepalive": 15,
            "proc_name": "a11y-proxy",
        }
        if "control_socket_disable" in _settings():  # gunicorn >= 24: no shared ~/.gunicorn socket per instance
            self.options["control_socket_disable"] = True
        self.forward_sock = forward_socket(cfg)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        cfg = self.proxy_cfg

        async def factory():  # called in each worker after the fork: its own loop, pool and cache client
            from ..app.server import create_app

            return create_app(cfg, forward_sock=self.forward_sock)

        return factory


def forward_socket(cfg: Config) -> socket.socket | None:
    """The browser proxy's listening socket, for every worker to accept from (None: the door is off, or its
    extra is not installed and each worker says so)."""
    if not cfg.forward.enabled or importlib.util.find_spec("mitmproxy") is None:
        return None
    host, port = cfg.forward.host, cfg.forward.port
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as e:
        raise CLIError(f"the forward proxy cannot listen on {host}:{port}: {e.strerror or e}") from None


def _settings() -> set[str]:
    from gunicorn.config import KNOWN_SETTINGS

    return {s.name for s in KNOWN_SETTINGS}


def run_gunicorn(cfg: Config, host: str, port: int, workers: int) -> int:
    if cfg.cache.backend == "memory":
        log.warning("cache.backend is memory: each of the %d workers keeps its own cache of up to %d MB, so a "
                    "page may be fetched and transformed once per worker; set cache.backend: redis to share it",
                    workers, cfg.cache.max_bytes // (1024 * 1024))
    per = render_workers_per_process(cfg, workers)
    cfg = dataclasses.replace(cfg, transform=dataclasses.replace(cfg.transform, workers=per))
    log.info("a11y-proxy: %d workers on http://%s:%d/, %d render process(es) each", workers, host, port, per)
    ProxyApplication(cfg, host, port, workers).run()
    return 0
