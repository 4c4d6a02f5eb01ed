"""The proxy auto-configuration file (`/proxy.pac`): the allow-listed sites through the forward proxy,
everything else DIRECT. A PAC file is JavaScript; the lists go in as JSON, nothing else varies."""

from __future__ import annotations

import json

PAC = """// a11y-proxy: only the allow-listed government sites go through the proxy; every other site is DIRECT.
var EXACT = {exact};
var SUFFIXES = {suffixes};
function FindProxyForURL(url, host) {{
  host = host.toLowerCase();
  if (host.charAt(host.length - 1) === ".") host = host.substring(0, host.length - 1);
  if (isPlainHostName(host)) return "DIRECT";
  for (var i = 0; i < EXACT.length; i++) if (host === EXACT[i]) return {proxy};
  for (var j = 0; j < SUFFIXES.length; j++) if (dnsDomainIs(host, SUFFIXES[j])) return {proxy};
  return "DIRECT";
}}
"""


def pac_file(allowed_hosts: list[str], proxy: str) -> str:
    """`proxy` is host:port as the browser must reach the forward door. No DNS function is used: a PAC file
    that resolves names slows every request the browser makes."""
    exact = sorted({h.lower().rstrip(".") for h in allowed_hosts if not h.startswith("*.")})
    suffixes = sorted({h[1:].lower().rstrip(".") for h in allowed_hosts if h.startswith("*.")})  # ".gov.cn"
    return PAC.format(exact=json.dumps(exact), suffixes=json.dumps(suffixes), proxy=json.dumps(f"PROXY {proxy}"))
