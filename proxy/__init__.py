"""a11y-proxy: accessible 长辈版 / 无障碍 / audio versions of Chinese government web pages.

The runtime, by concern (docs/architecture.md): `cli` and `app` are the doors, `pages` and `speech` the
services, `upstream` and `cache` below them. `config`, `errors` and `metrics` here are leaves that import
nothing of `proxy` above them."""

__version__ = "0.1.0"
