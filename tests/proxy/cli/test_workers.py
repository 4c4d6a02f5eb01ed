"""`a11y-proxy serve --workers 2` runs under gunicorn, answers on both doors (every worker takes browser-proxy
connections from the one socket the master bound), and stops cleanly (no process left behind)."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
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


def socket_owners(port: int, pids: list[int]) -> dict[int, int]:
    """How many established connections to 127.0.0.1:`port` each process holds (from /proc: socket inodes)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "01":  # local port, ESTABLISHED
            inodes.add(fields[9])
    owners = {}
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        owners[pid] = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in inodes)
    return owners


def forward_reaches_every_worker(forward_port: int, workers: list[int]) -> dict[int, int]:
    """Open idle connections to the browser proxy until each worker holds one (or 200 are open)."""
    held: list[socket.socket] = []
    try:
        owners: dict[int, int] = {}
        while len(held) < 200:
            held.append(socket.create_connection(("127.0.0.1", forward_port), timeout=5))
            time.sleep(0.01)
            if len(held) % 8 == 0:
                owners = socket_owners(forward_port, workers)
                if all(owners.get(pid) for pid in workers):
                    break
        return owners
    finally:
        for s in held:
            s.close()


def test_serve_with_two_workers(tmp_path: Path) -> None:
    port, forward_port = free_port(), free_port()
    forward = importlib.util.find_spec("mitmproxy") is not None
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"transform": {"workers": 1}, "speech": {"enabled": False},
                                   "forward": {"port": forward_port, "data_dir": str(tmp_path / "data")}}))
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
        if forward:
            owners = forward_reaches_every_worker(forward_port, children(proc.pid))
            assert len(owners) == 2 and all(owners.values()), owners
            with socket.create_connection(("127.0.0.1", forward_port), timeout=5) as s:
                s.sendall(b"CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n")
                assert s.recv(100).startswith(b"HTTP/1.1 403")
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
