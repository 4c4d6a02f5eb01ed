"""`a11y-proxy serve --workers 2` runs under gunicorn, answers, and stops cleanly (no process left behind)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from bench.common import children, descendants
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[3]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_serve_with_two_workers(tmp_path: Path) -> None:
    port = free_port()
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"transform": {"workers": 1}, "speech": {"enabled": False}}))
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "proxy", "--config", str(cfg), "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", "2"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        body = b""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.2)
        assert b'"status": "ok"' in body, Path(log.name).read_text()[-3000:]
        sample = "/elder/https://sample.a11y-proxy.invalid/art/2026/11/20/art_1.html"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{sample}", timeout=30) as r:
            assert r.status == 200 and "科技成果转化" in r.read().decode()  # the render pool works in a worker
        # gunicorn forks its workers a moment apart: the first may answer before the second exists
        deadline = time.monotonic() + 30
        while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(children(proc.pid)) == 2, Path(log.name).read_text()[-3000:]
        everything = descendants(proc.pid)
        assert len(everything) >= 4  # each worker has its own render process (and multiprocessing's helpers)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        time.sleep(0.5)  # let orphaned helpers (if any) be reaped by init before looking
        assert [p for p in everything if alive(p)] == []
        text = Path(log.name).read_text()
        assert "each of the 2 workers keeps its own cache" in text
        assert "Traceback" not in text, text[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        log.close()
