"""What the rest of the server knows of the forward door (no mitmproxy import: the door is an optional extra)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ForwardError(RuntimeError):
    """The door cannot start (its port is taken, its CA did not load): one line for the operator."""


@dataclass
class ForwardStatus:
    running: bool
    reason: str = ""  # why not, when it is not running
    host: str = ""
    port: int = 0
    ca: Any = None  # ca.CertificateAuthority when running
    allowed_hosts: tuple[str, ...] = ()

    def proxy_address(self, request_host: str) -> str:
        """host:port as a browser must reach the door: its own address, or (when it listens on every address)
        the name the browser used to reach this server."""
        host = self.host if self.host not in ("", "0.0.0.0", "::") else request_host
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
