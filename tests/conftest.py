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


def corpus_engine(folder: Path, **engine_kw):
    """An Engine on the shipped corpus with the hash embedder and real FAISS (fast router tests)."""
    from index.ingest.report import ingest_file
    from index.search.embed import HashEmbedder
    from index.search.fact_index import FactIndex
    from index.search.retrieval import SearchIndex
    from index.store.sqlite import SqliteStore
    from qa.router import Engine
    emb = HashEmbedder(dim=384)
    store = SqliteStore(folder / "store", model_name=emb.name, dim=emb.dim)
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        ingest_file(store, emb, p)
    return Engine(search=SearchIndex.load(store, ann_threshold=10_000), facts=FactIndex.load(store), embedder=emb,
                  store=store, **engine_kw)


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


# ---- the two store backends ------------------------------------------------------------
# One test suite, both backends: tests that take `make_store` run once on SQLite + FAISS and
# once on PostgreSQL + pgvector, a real server (the pgserver wheel: PostgreSQL 16 with
# pgvector) started here for the session, a fresh database per test.
BACKENDS = ("sqlite", "postgres")


class PgServer:
    def __init__(self, root: Path):
        import pgserver
        self.server = pgserver.get_server(root, cleanup_mode="stop")
        self.uri = self.server.get_uri()
        self.n = 0

    def url(self, db: str) -> str:
        """postgresql://postgres:@/postgres?host=… with another database name."""
        head, _, query = self.uri.partition("?")
        return head.rsplit("/", 1)[0] + "/" + db + ("?" + query if query else "")

    def new_database(self) -> str:
        import psycopg
        self.n += 1
        name = f"qa_test_{os.getpid()}_{self.n}"
        with psycopg.connect(self.uri, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory) -> PgServer:
    server = PgServer(tmp_path_factory.mktemp("pg") / "data")
    yield server
    server.server.cleanup()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture()
def database_url(backend, request) -> str | None:
    """A fresh PostgreSQL database for the postgres run of a test, None for the sqlite run."""
    return request.getfixturevalue("pg_server").new_database() if backend == "postgres" else None


@pytest.fixture()
def make_store(database_url):
    """`make_store(root, **kw)` opens the store of this backend at `root` (again: the same store)."""
    from index.store.sqlite import SqliteStore
    opened: list = []

    def make(root: Path, **kw):
        if database_url is None:
            s = SqliteStore(root, **kw)
        else:
            from index.store.postgres import PgStore
            s = PgStore(database_url, root, **kw)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
