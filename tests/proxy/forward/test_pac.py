"""/proxy.pac, run by node the way a browser runs a PAC file: the allow-listed sites through the proxy, every
other site DIRECT."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from proxy.forward.pac import pac_file
from tests.support.forward_env import ForwardEnv

# The helper functions browsers give a PAC file, the ones a PAC may use without DNS; the DNS ones throw, so a
# PAC that would slow every request down by resolving names fails here.
HARNESS = r"""
const fs = require('fs'); const vm = require('vm');
const ctx = {
  isPlainHostName: h => h.indexOf('.') < 0,
  dnsDomainIs: (h, d) => h.length >= d.length && h.substring(h.length - d.length) === d,
  localHostOrDomainIs: (h, hd) => h === hd || (h.indexOf('.') < 0 && hd.split('.')[0] === h),
  shExpMatch: (s, p) => new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
                                   .replace(/\?/g, '.') + '$').test(s),
  isResolvable: () => { throw new Error('a PAC file must not resolve names'); },
  dnsResolve: () => { throw new Error('a PAC file must not resolve names'); },
  myIpAddress: () => '127.0.0.1',
};
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), ctx);
const out = {};
for (const u of JSON.parse(process.argv[3])) out[u] = ctx.FindProxyForURL(u, new URL(u).hostname);
console.log(JSON.stringify(out));
"""
URLS = ["https://www.example.gov.cn/a", "http://gov.cn/", "https://WWW.EXAMPLE.GOV.CN./x", "https://www.example.com/",
        "https://evilgov.cn/", "https://www.gov.cn.evil.com/", "http://intranet/", "https://kjt.test.gov.cn/"]


def run_pac(text: str, tmp_path: Path) -> dict[str, str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    (tmp_path / "proxy.pac").write_text(text, encoding="utf-8")
    (tmp_path / "harness.js").write_text(HARNESS, encoding="utf-8")
    out = subprocess.run([node, str(tmp_path / "harness.js"), str(tmp_path / "proxy.pac"), json.dumps(URLS)],
                         check=True, capture_output=True, text=True, timeout=30)
    return json.loads(out.stdout)


def test_only_allowed_hosts_go_through_the_proxy(tmp_path: Path) -> None:
    result = run_pac(pac_file(["gov.cn", "*.gov.cn"], "127.0.0.1:8081"), tmp_path)
    proxied = {u for u, v in result.items() if v == "PROXY 127.0.0.1:8081"}
    assert proxied == {"https://www.example.gov.cn/a", "http://gov.cn/", "https://WWW.EXAMPLE.GOV.CN./x",
                       "https://kjt.test.gov.cn/"}
    assert all(v == "DIRECT" for u, v in result.items() if u not in proxied)


def test_the_served_pac_names_the_running_door(forward_env: ForwardEnv, tmp_path: Path) -> None:
    with urllib.request.urlopen(f"{forward_env.proxy.url}/proxy.pac", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("application/x-ns-proxy-autoconfig")
        text = r.read().decode()
    result = run_pac(text, tmp_path)
    assert result["https://www.example.gov.cn/a"] == f"PROXY 127.0.0.1:{forward_env.forward_port}"
    assert result["https://www.example.com/"] == "DIRECT"


def test_the_home_page_gives_the_pac_address_and_the_proxy(forward_env: ForwardEnv) -> None:
    with urllib.request.urlopen(f"{forward_env.proxy.url}/", timeout=10) as r:
        page = r.read().decode()
    assert f'value="{forward_env.proxy.url}/proxy.pac"' in page
    assert f"<code>127.0.0.1:{forward_env.forward_port}</code>" in page and 'href="/ca"' in page
