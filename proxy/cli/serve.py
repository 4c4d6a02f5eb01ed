"""Running the server: one process with aiohttp's runner, or several under gunicorn's aiohttp worker."""

from __future__ import annotations

import dataclasses
import logging

from aiohttp import web

from ..config import Config, validate
from ..forward.status import ForwardError
from .errors import CLIError

log = logging.getLogger("a11y_proxy")


def lean_logging() -> None:
    """Skip what our log format never prints (caller's file and line, thread and multiprocessing names), as
    the logging HOWTO's optimisation section suggests: the per-request access line then costs about a tenth
    less of a cached page's time. Process ids stay (gunicorn prints them)."""
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logMultiprocessing = False


def listening_config(cfg: Config, host: str | None, port: int | None, workers: int | None) -> Config:
    """The config as the server will really run: command-line flags win, so that everything reading
    `server.port` (the guard refusing to fetch the proxy itself) sees the port we listen on."""
    server = dataclasses.replace(cfg.server, host=host or cfg.server.host,
                                 port=cfg.server.port if port is None else port,
                                 workers=cfg.server.workers if workers is None else workers)
    return dataclasses.replace(cfg, server=server)


def serve(cfg: Config, host: str | None, port: int | None, workers: int | None) -> int:
    from ..app.server import create_app

    lean_logging()

    cfg = listening_config(cfg, host, port, workers)
    validate(cfg)  # --port 99999 or --workers 0: refused like the same value in config.yaml
    host, port, workers = cfg.server.host, cfg.server.port, cfg.server.workers
    if workers > 1:
        from .gunicorn_app import run_gunicorn

        return run_gunicorn(cfg, host, port, workers)
    try:
        # run_app calls `print` once the socket is bound: only then is "listening" true
        web.run_app(create_app(cfg), host=host, port=port, access_log=None,
                    print=lambda _: log.info("a11y-proxy listening on http://%s:%d/", host, port))
    except ForwardError as e:  # the browser proxy's port is taken, or its CA did not load
        raise CLIError(str(e)) from None
    except OSError as e:  # address in use, no permission for the port, unknown host: one line, not a traceback
        raise CLIError(f"cannot serve on {host}:{port}: {e.strerror or e}") from None
    return 0
