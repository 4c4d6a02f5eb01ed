"""Configuration: the shipped file loads, every bad value is refused with one line naming the key."""

from __future__ import annotations

import os
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
    ("speech: {rate: 50}", "speech.rate"),
    ("speech: {rate: 401}", "speech.rate"),
    ("speech: {job_timeout: 0}", "speech.job_timeout"),
    ("speech: {job_timeout: -3.5}", "speech.job_timeout"),
    ("speech: {max_chars: 0}", "speech.max_chars"),
    ("speech: {workers: -1}", "speech.workers"),
    ("server: {port: 0}", "server.port"),
    ("server: {port: 65536}", "server.port"),
    ("server: {log_level: loud}", "server.log_level"),
    ("cache: {audio_max_bytes: 0}", "cache.audio_max_bytes"),
    ("speech: {loudness_lufs: 3}", "speech.loudness_lufs"),
    ("speech: {loudness_lufs: loud}", "speech.loudness_lufs"),
    ("forward: {port: 0}", "forward.port"),
    ("forward: {default_mode: orig}", "forward.default_mode"),
    ("forward: {allowed_clients: ['10.0.0.0/33']}", "forward.allowed_clients[0]"),
])
def test_bad_values_are_refused_in_one_line_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(config.ConfigError) as e:
        config.load(write(tmp_path, text), env={})
    message = str(e.value)
    assert key in message and "\n" not in message


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




def test_a_yaml_error_keeps_its_line_number(tmp_path: Path) -> None:
    bad = write(tmp_path, "server:\n  port: 8080\n  host: [unclosed\nspeech:\n  rate: 175\n")
    with pytest.raises(config.ConfigError) as e:
        config.load(bad, env={})
    assert "line " in str(e.value) and "Error" not in str(e.value)  # where, and no exception class name
    assert "line 4" in str(e.value) or "line 3" in str(e.value), str(e.value)


def test_an_unknown_log_level_from_the_environment_is_refused() -> None:
    with pytest.raises(config.ConfigError, match="server.log_level"):
        config.load(ROOT / "config.yaml", env={"A11Y_PROXY_LOG_LEVEL": "chatty"})


@pytest.mark.parametrize("args", [
    ["serve"], ["render", "-", "--mode", "text"], ["extract", "-"], ["speak", "-", "-o", "x.mp3"],
    ["podcast", "https://sample.a11y-proxy.invalid/col/gzdt/", "-o", "feed"],
])
def test_config_works_after_every_subcommand(tmp_path: Path, args: list[str]) -> None:
    bad = write(tmp_path, "speech: {rate: 1000}")
    r = subprocess.run([sys.executable, "-m", "proxy", *args, "--config", str(bad)], capture_output=True, text=True,
                       timeout=60, input="", cwd=tmp_path, env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": ""})
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "a11y-proxy: config: speech.rate must be 80..400 words per minute, not 1000"


def test_loudness_null_turns_normalisation_off(tmp_path: Path) -> None:
    assert config.load(write(tmp_path, "speech: {loudness_lufs: null}"), env={}).speech.loudness_lufs is None
    assert config.load(write(tmp_path, "speech: {loudness_lufs: -23}"), env={}).speech.loudness_lufs == -23.0
