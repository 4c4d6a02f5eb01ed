"""The config as the server really runs."""

from __future__ import annotations

from proxy.cli.serve import listening_config
from proxy.config import Config


def test_listening_port_from_the_command_line_reaches_the_config() -> None:
    cfg = listening_config(Config(), None, 9191, None)
    assert cfg.server.port == 9191 and Config().server.port == 8080
