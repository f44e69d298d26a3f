"""Shared fixtures: paths to ../shared, a live HTTP server on a real store with the real model."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REALDATA = SHARED / "realdata"
MODEL = ROOT / "models" / "multilingual-e5-small"
ADMIN_TOKEN = "test-admin-token"
OUTPUT = ROOT / "test-output"


def realdata(rel: str) -> Path:
    p = REALDATA / rel
    if not p.exists():
        pytest.skip(f"{p} not available")
    return p


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(base: str, proc: subprocess.Popen, limit: float = 600) -> dict:
    t = time.time()
    while time.time() - t < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=5) as r:
                if r.status == 200:
                    return json.loads(r.read())
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server not healthy in time")


class LiveServer:
    def __init__(self, store: Path, env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.store = store
        e = dict(os.environ)
        e.update({"QA_STORE": str(store), "QA_ADMIN_TOKEN": ADMIN_TOKEN})
        e.update(env or {})
        self.log = open(store.parent / f"server-{self.port}.log", "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1",
                                      "--port", str(self.port)], cwd=ROOT, env=e, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.health = wait_health(self.base, self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> LiveServer:
    """`qa serve` on a fresh store: the shipped corpus, the real model, admin token set."""
    if not (MODEL / "build_params.json").exists():
        pytest.skip("embedding model not built (make install)")
    store = tmp_path_factory.mktemp("live") / "store"
    server = LiveServer(store)
    yield server
    server.stop()
