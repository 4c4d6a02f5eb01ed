"""One typed configuration object, loaded once from config.yaml and passed down.

Every key has a default here and is documented in the shipped config.yaml. Unknown keys and wrong types are
refused with one line that names the key.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "config.yaml"
LOG_LEVELS = ("debug", "info", "warning", "error")
RATE_RANGE = (80, 400)  # words per minute on espeak's scale: slower is a drone, faster is noise


class ConfigError(ValueError):
    """A bad configuration; the message names the key."""


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    log_level: str = "info"
    trusted_proxies: list[str] = field(default_factory=list)
    max_url_length: int = 4096
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120


@dataclass
class TimeoutConfig:
    connect: float = 5.0
    sock_connect: float = 5.0
    sock_read: float = 10.0
    total: float = 20.0


@dataclass
class UpstreamConfig:
    allowed_hosts: list[str] = field(default_factory=lambda: ["gov.cn", "*.gov.cn"])
    allowed_ports: list[int] = field(default_factory=lambda: [80, 443])
    allow_private_addresses: list[str] = field(default_factory=list)
    insecure_tls_hosts: list[str] = field(default_factory=list)
    user_agent: str = "a11y-proxy/0.1 (accessibility proxy; +https://github.com/a11y-proxy)"
    max_redirects: int = 5
    timeout: TimeoutConfig = field(default_factory=TimeoutConfig)
    max_html_bytes: int = 5 * 1024 * 1024
    max_passthrough_bytes: int = 50 * 1024 * 1024
    max_image_bytes: int = 10 * 1024 * 1024
    max_header_bytes: int = 8190
    max_headers: int = 128
    connections_total: int = 64
    connections_per_host: int = 4
    max_concurrent_fetches: int = 64
    max_fetches_per_client: int = 16
    forward_x_forwarded_for: bool = False
    dns_timeout: float = 5.0
    dns_servers: list[str] = field(default_factory=list)


@dataclass
class CacheConfig:
    backend: str = "memory"
    max_bytes: int = 64 * 1024 * 1024
    ttl: int = 300
    stale_ttl: int = 86400
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "a11y:"
    lock_timeout: float = 10.0
    audio_dir: str = ""  # "" = a11y-proxy-audio-<uid> in the system's temp folder
    audio_max_bytes: int = 1024 * 1024 * 1024
    audio_share_max_bytes: int = 32 * 1024 * 1024  # redis backend: finished files up to this size are shared
    audio_share_ttl: int = 7 * 24 * 3600


@dataclass
class TransformConfig:
    workers: int = 0  # 0 = number of cores
    page_timeout: float = 15.0
    max_elements: int = 200000


@dataclass
class SpeechConfig:
    enabled: bool = True
    workers: int = 0  # 0 = cores - 1, at least 1 (see speech_workers)
    job_timeout: float = 60.0
    max_chars: int = 20000
    rate: int = 175
    loudness_lufs: float | None = -16.0  # None: no normalisation
    voices: dict[str, str] = field(
        default_factory=lambda: {"zh": "cmn-latn-pinyin", "en": "en-us", "yue": "yue"}
    )


def speech_workers(cfg: SpeechConfig) -> int:
    """Speech worker processes: as configured, or one core short of all of them (the server needs one)."""
    return cfg.workers or max(1, (os.cpu_count() or 1) - 1)


@dataclass
class SampleConfig:
    enabled: bool = True


FORWARD_MODES = ("overlay", "elder", "a11y", "read", "text")


@dataclass
class ForwardConfig:
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = 8081
    allowed_clients: list[str] = field(default_factory=lambda: [
        "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"])
    data_dir: str = "~/.local/share/a11y-proxy"
    default_mode: str = "overlay"


DEFAULT_MODES: dict[str, list[str]] = {
    "read": ["extract", "sanitize", "rewrite_links", "render_read"],
    "elder": ["extract", "sanitize", "rewrite_links", "render_elder"],
    "a11y": ["extract", "sanitize", "rewrite_links", "render_a11y"],
    "text": ["extract", "sanitize", "rewrite_links", "render_text"],
    "orig": ["clean_original", "sanitize_document", "rewrite_document_links", "render_orig"],
    "api": ["extract", "sanitize"],
}


@dataclass
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    upstream: UpstreamConfig = field(default_factory=UpstreamConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    transform: TransformConfig = field(default_factory=TransformConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    sample: SampleConfig = field(default_factory=SampleConfig)
    forward: ForwardConfig = field(default_factory=ForwardConfig)
    modes: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_MODES.items()})


def _coerce(value: Any, tp: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"config: {key} must be a mapping")
        return _build(tp, value, key)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"config: {key} must be a list")
        (item,) = typing.get_args(tp)
        return [_coerce(v, item, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"config: {key} must be a mapping")
        _, vt = typing.get_args(tp)
        return {str(k): _coerce(v, vt, f"{key}.{k}") for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1 or len(typing.get_args(tp)) != 2:
            raise ConfigError(f"config: {key}: unsupported type")
        return None if value is None else _coerce(value, args[0], key)  # "X | None": null turns it off
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"config: {key} must be true or false, not {value!r}")
        return value
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tp is str and isinstance(value, str):
        return value
    raise ConfigError(f"config: {key} must be {tp.__name__}, not {value!r}")


def _build(cls: type, data: dict[str, Any], prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for k in data:
        if k not in names:
            where = f"{prefix}.{k}" if prefix else str(k)
            raise ConfigError(f"config: unknown key {where}")
    kwargs = {k: _coerce(v, hints[k], f"{prefix}.{k}" if prefix else k) for k, v in data.items()}
    return cls(**kwargs)


def validate(cfg: Config) -> None:
    """Every refused value, each in one line naming its key (also for values the command line changed)."""
    def need(cond: bool, msg: str) -> None:
        if not cond:
            raise ConfigError(f"config: {msg}")

    need(0 < cfg.server.port < 65536, f"server.port must be 1..65535, not {cfg.server.port}")
    need(cfg.server.log_level.lower() in LOG_LEVELS,
         f"server.log_level must be one of {' | '.join(LOG_LEVELS)}, not {cfg.server.log_level!r}")
    need(cfg.server.workers >= 1, "server.workers must be at least 1")
    need(cfg.cache.backend in ("memory", "redis"), "cache.backend must be memory or redis")
    need(cfg.cache.max_bytes > 0, "cache.max_bytes must be positive")
    need(cfg.cache.audio_max_bytes > 0, "cache.audio_max_bytes must be positive")
    need(0 <= cfg.upstream.max_redirects <= 20, "upstream.max_redirects must be 0..20")
    need(cfg.upstream.max_html_bytes > 0, "upstream.max_html_bytes must be positive")
    for i, pattern in enumerate(cfg.upstream.allowed_hosts):
        bare = pattern[2:] if pattern.startswith("*.") else pattern
        need(bool(bare) and "*" not in bare, f"upstream.allowed_hosts[{i}]: only a leading '*.' glob is allowed")
    for p in cfg.upstream.allowed_ports:
        need(0 < p < 65536, "upstream.allowed_ports must be 1..65535")
    need(cfg.speech.workers >= 0, "speech.workers must be 0 (cores - 1) or more")
    need(RATE_RANGE[0] <= cfg.speech.rate <= RATE_RANGE[1],
         f"speech.rate must be {RATE_RANGE[0]}..{RATE_RANGE[1]} words per minute, not {cfg.speech.rate}")
    need(0 < cfg.speech.job_timeout <= 3600, f"speech.job_timeout must be more than 0 and at most 3600 seconds, "
         f"not {cfg.speech.job_timeout}")
    need(0 < cfg.speech.max_chars <= 1_000_000, f"speech.max_chars must be 1..1000000, not {cfg.speech.max_chars}")
    need(cfg.speech.loudness_lufs is None or -40 <= cfg.speech.loudness_lufs <= -5,
         f"speech.loudness_lufs must be -40..-5 or null, not {cfg.speech.loudness_lufs}")
    need(0 < cfg.forward.port < 65536, f"forward.port must be 1..65535, not {cfg.forward.port}")
    need(cfg.forward.default_mode in FORWARD_MODES, f"forward.default_mode must be one of {', '.join(FORWARD_MODES)}")
    need(bool(cfg.forward.data_dir.strip()), "forward.data_dir must name a directory")
    for i, net in enumerate(cfg.forward.allowed_clients):
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            need(False, f"forward.allowed_clients[{i}]: {net!r} is not an address or network")
    for mode in ("read", "elder", "a11y", "text", "orig", "api"):
        need(mode in cfg.modes, f"modes.{mode} is missing")
    from transforms.pipeline import TRANSFORMS  # the pipeline registers every transform

    for mode, steps in cfg.modes.items():
        for s in steps:
            need(s in TRANSFORMS, f"modes.{mode}: unknown transform {s!r}")


def _where(e: yaml.YAMLError) -> str:
    """", line 3, column 7: mapping values are not allowed here" from a YAML error (its marks count from 0)."""
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None) or ""
    at = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return at + (f": {problem}" if problem else "")


_ENV = {
    "A11Y_PROXY_HOST": ("server", "host", str),
    "A11Y_PROXY_PORT": ("server", "port", int),
    "A11Y_PROXY_LOG_LEVEL": ("server", "log_level", str),
}


def load(path: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    p = Path(path) if path else DEFAULT_PATH
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else {}
    except yaml.YAMLError as e:
        raise ConfigError(f"config: {p} is not valid YAML{_where(e)}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config: cannot read {p}: {getattr(e, 'strerror', None) or 'not UTF-8 text'}") from None
    if path and not p.exists():
        raise ConfigError(f"config: file {p} not found")
    if raw is not None and not isinstance(raw, dict):
        raise ConfigError(f"config: {p} must be a mapping of sections (server:, upstream:, ...), "
                          f"not {type(raw).__name__}")
    cfg = _build(Config, raw or {}, "")
    cfg.modes = {**{k: list(v) for k, v in DEFAULT_MODES.items()}, **cfg.modes}  # a file may override one mode
    for var, (section, key, tp) in _ENV.items():
        if var in env:
            try:
                setattr(getattr(cfg, section), key, tp(env[var]))
            except ValueError:
                raise ConfigError(f"config: environment {var}={env[var]!r} is not a valid {tp.__name__}") from None
    validate(cfg)
    return cfg
