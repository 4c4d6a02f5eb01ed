"""Configuration: the shipped file loads, every bad value is refused with one line naming the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from proxy import config

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_config_matches_defaults() -> None:
    """config.yaml documents every key with its default: loading it equals the dataclass defaults."""
    assert config.load(ROOT / "config.yaml", env={}) == config.Config()


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text,key", [
    ("server: {port: 70000}", "server.port"),
    ("server: {port: eighty}", "server.port"),
    ("server: {bogus: 1}", "server.bogus"),
    ("upstream: {allowed_hosts: ['gov.*']}", "upstream.allowed_hosts[0]"),
    ("cache: {backend: memcached}", "cache.backend"),
    ("speech: {enabled: maybe}", "speech.enabled"),
    ("modes: {elder: [extract, nonsense]}", "modes.elder"),
    ("upstream: {timeout: {total: fast}}", "upstream.timeout.total"),
])
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(config.ConfigError) as e:
        config.load(write(tmp_path, text), env={})
    assert key in str(e.value)


def test_environment_overrides() -> None:
    cfg = config.load(ROOT / "config.yaml", env={"A11Y_PROXY_PORT": "9090", "A11Y_PROXY_HOST": "0.0.0.0"})
    assert cfg.server.port == 9090 and cfg.server.host == "0.0.0.0"
    with pytest.raises(config.ConfigError, match="A11Y_PROXY_PORT"):
        config.load(ROOT / "config.yaml", env={"A11Y_PROXY_PORT": "x"})


def test_serve_refuses_bad_config_with_one_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "server: {port: 0}")
    r = subprocess.run([sys.executable, "-m", "proxy", "--config", str(bad), "serve"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "server.port" in r.stderr
    assert "Traceback" not in r.stderr
