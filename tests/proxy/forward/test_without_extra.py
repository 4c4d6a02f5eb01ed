"""Without the `forward` extra (no mitmproxy) the server starts and works as before; the browser proxy says it is
off in one log line, and its pages say so too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = r"""
import asyncio, importlib.abc, json, logging, sys, tempfile

class NoMitmproxy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "mitmproxy":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoMitmproxy())
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")

from aiohttp.test_utils import TestClient, TestServer
from proxy import config
from proxy.app.server import create_app

async def main():
    cfg = config.load()
    cfg.forward.data_dir = tempfile.mkdtemp()
    cfg.transform.workers = 1
    cfg.speech.enabled = False
    assert cfg.forward.enabled
    client = TestClient(TestServer(create_app(cfg)))
    await client.start_server()
    out = {}
    for path in ("/", "/proxy.pac", "/ca", "/elder/https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"):
        resp = await client.get(path)
        out[path] = [resp.status, await resp.text()]
    await client.close()
    print(json.dumps(out))

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_the_server_runs_without_the_forward_extra(tmp_path: Path) -> None:
    script = tmp_path / "no_forward.py"
    script.write_text(SCRIPT, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout)
    assert out["/"][0] == 200 and "/proxy.pac" not in out["/"][1]
    assert out["/proxy.pac"][0] == 404 and "没有开启浏览器代理" in out["/proxy.pac"][1]
    assert out["/ca"][0] == 404
    assert out["/elder/https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"][0] == 200
    lines = [line for line in run.stderr.splitlines() if "forward" in line]
    assert lines == ["WARNING a11y_proxy.forward forward proxy (browser proxy) is off: mitmproxy is not installed; "
                     "install the `forward` extra (scripts/bootstrap does: pip install -e '.[forward]')"], run.stderr
    assert "Traceback" not in run.stderr
