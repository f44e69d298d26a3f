"""Store safety, on both backends (SQLite + FAISS, PostgreSQL + pgvector): SIGKILL in the middle
of `qa ingest` leaves a store that loads and answers; asks during an ingest answer from the old
snapshot and see the new report once it is complete; a failed write leaves nothing. And the
embedded store's stale or broken FAISS file is rebuilt from SQLite. HashEmbedder throughout."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.search.embed import HashEmbedder  # noqa: E402
from index.search.retrieval import SearchIndex  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.store.base import Store  # noqa: E402
from index.store.sqlite import SqliteStore  # noqa: E402
from service.state import State  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHANWEI = CORPUS / "汕尾市政务服务数据管理局2021年部门决算.txt"
SHANTOU = CORPUS / "汕头市政务服务和数据管理局2024年部门整体支出绩效自评报告.txt"


def copies(folder: Path, n: int) -> list[Path]:
    """n distinct reports (another organization each, so not versions of one report) made from
    the 汕尾 report, each a few seconds of ingest."""
    text = SHANWEI.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        p = folder / f"副本{i:02d}.txt"
        body = text.replace("政务服务数据管理局", f"政务服务数据管理{'甲乙丙丁戊己庚辛壬癸'[i]}局")
        p.write_text(body + f"\n\n附注：副本 {i}。\n", encoding="utf-8")
        out.append(p)
    return out


def n_reports(db: Path, database_url: str | None = None) -> int:
    if database_url:
        import psycopg
        with psycopg.connect(database_url) as c:
            try:
                return c.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
            except psycopg.errors.UndefinedTable:
                return 0
    if not db.exists():
        return 0
    try:
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return c.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        finally:
            c.close()
    except sqlite3.Error:
        return 0


def assert_consistent(store: Store) -> None:
    rows = store.conn.execute(
        "SELECT r.doc_id, r.n_chunks, r.n_facts, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id=r.doc_id), "
        "(SELECT COUNT(*) FROM facts f WHERE f.doc_id=r.doc_id), "
        "(SELECT COUNT(*) FROM pages p WHERE p.doc_id=r.doc_id), r.pages FROM reports r").fetchall()
    for doc, nc, nf, c, f, pages, npages in rows:
        assert (nc, nf, npages) == (c, f, pages), f"report {doc} is partial"
    orphans = store.conn.execute(
        "SELECT (SELECT COUNT(*) FROM chunks WHERE doc_id NOT IN (SELECT doc_id FROM reports)) + "
        "(SELECT COUNT(*) FROM facts WHERE doc_id NOT IN (SELECT doc_id FROM reports))").fetchone()[0]
    assert orphans == 0
    if store.backend == "sqlite":
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def hash_settings(store: Path, database_url: str | None = None) -> Settings:
    empty = store.parent / "no-corpus"
    empty.mkdir(exist_ok=True)
    return Settings(store=store, corpus=empty, embed_backend="hash", query_backend="hash",
                    database_url=database_url, refresh_seconds=0)


def test_sigkill_mid_ingest_leaves_a_loadable_store(tmp_path: Path, database_url, make_store) -> None:
    store_dir = tmp_path / "store"
    files = copies(tmp_path, 6)
    env = dict(os.environ, QA_STORE=str(store_dir), QA_EMBED_BACKEND="hash", QA_QUERY_BACKEND="hash",
               QA_DATABASE_URL=database_url or "")
    # a first report, then the batch that gets killed
    subprocess.run([sys.executable, "-m", "service.cli", "ingest", str(SHANTOU)], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    st = State(hash_settings(store_dir, database_url))
    before = st.snapshot.engine.ask("汕头市公共资源交易中心设置了哪些职能部室？").as_dict()
    st.store.close()
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "ingest", *map(str, files)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = store_dir / "qa.sqlite"
    t = time.time()
    try:
        while n_reports(db, database_url) < 2 and time.time() - t < 120:   # the first of the batch is committed
            assert proc.poll() is None, "ingest finished before it could be killed"
            time.sleep(0.02)
        time.sleep(0.3)                                       # somewhere inside the next file
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    store = make_store(store_dir, model_name="hash-384", dim=384)
    assert_consistent(store)
    counts = store.counts()
    assert 2 <= counts["reports"] < 1 + len(files)
    idx = SearchIndex.load(store, ann_threshold=50_000)       # rebuilds FAISS if it is stale
    assert len(idx) == counts["chunks"]
    if store.backend == "sqlite":          # FAISS holds the chunks that have a vector (pgvector: every row)
        assert idx.vectors.ntotal == store.count_vectors()
        params = store.read_params()
        assert params["generation"] == store.generation() and params["count"] == idx.vectors.entries  # distinct
    store.close()

    st = State(hash_settings(store_dir, database_url))
    after = st.snapshot.engine.ask("汕头市公共资源交易中心设置了哪些职能部室？").as_dict()
    # the corpus grew (corpus-wide idf moved), so the wording may differ; the answer may not
    assert after["kind"] == before["kind"] == "passage"
    assert "土地与矿业权交易部" in before["answer"] and "土地与矿业权交易部" in after["answer"]
    assert st.snapshot.engine.ask("汕尾2021年科学技术支出决算数").route == "fact"
    # the store still takes new reports after the crash
    st.ingest(files[-1])
    assert st.store.counts()["reports"] == counts["reports"] + (0 if counts["reports"] > len(files) else 1)
    assert_consistent(st.store)
    st.store.close()


def test_stale_or_broken_faiss_file_is_rebuilt(tmp_path: Path) -> None:
    st = State(hash_settings(tmp_path / "store"))
    st.ingest(SHANTOU)
    n = st.store.count_vectors()
    root = st.store.root
    st.store.close()
    # 1. a FAISS file from another generation (as after a crash between commit and index write)
    params = (root / "params.json").read_text()
    store = SqliteStore(root)
    store.write_params({**store.read_params(), "generation": -1})
    assert SearchIndex.load(store, ann_threshold=50_000).vectors.ntotal == n
    assert store.read_params()["generation"] == store.generation()
    # 2. garbage in the FAISS file with matching params
    (root / "vectors.faiss").write_bytes(b"not a faiss index" * 10)
    (root / "params.json").write_text(params)
    store.write_params({**store.read_params(), "generation": store.generation(), "count": n})
    idx = SearchIndex.load(store, ann_threshold=50_000)
    assert idx.vectors.ntotal == n
    # 3. the FAISS file deleted
    (root / "vectors.faiss").unlink()
    assert SearchIndex.load(store, ann_threshold=50_000).vectors.ntotal == n
    store.close()


class SlowHash(HashEmbedder):
    """HashEmbedder that takes its time on passages, so asks overlap the ingest."""

    def __init__(self, started: threading.Event):
        super().__init__()
        self.started = started

    def embed_passages(self, texts, batch_size=32, progress=None):
        self.started.set()
        time.sleep(1.0)
        return super().embed_passages(texts, batch_size, progress)


def test_asks_during_ingest_use_the_old_snapshot_then_the_new(tmp_path: Path, database_url) -> None:
    started = threading.Event()
    emb = SlowHash(started)
    st = State(hash_settings(tmp_path / "store", database_url), passage_embedder=emb, query_embedder=HashEmbedder())
    emb_started_for_first = started.is_set()
    st.ingest(SHANTOU)
    started.clear()
    assert not emb_started_for_first
    q = "汕尾市政务服务数据管理局2021年科学技术支出决算数"
    assert st.snapshot.engine.ask(q).route == "none"            # no 汕尾 report yet
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            st.ingest(SHANWEI)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    th = threading.Thread(target=ingest)
    th.start()
    assert started.wait(30)
    during = []
    while th.is_alive():
        snap = st.current()
        a = snap.engine.ask(q)
        during.append((a.route, len(snap.search.reports)))
        time.sleep(0.01)
    th.join()
    assert not errors, errors
    assert during, "no ask ran during the ingest"
    # while ingesting: old state (1 report, answer none) or, at the very end, the complete new one
    for route, nrep in during:
        assert (route, nrep) in (("none", 1), ("fact", 2)), during
    assert during[0] == ("none", 1)
    a = st.snapshot.engine.ask(q)
    assert a.route == "fact" and a.value == pytest.approx(3610.14), a.answer
    assert len(st.snapshot.search.reports) == 2
    assert_consistent(st.store)
    st.store.close()


def test_failed_put_report_rolls_back(tmp_path: Path, make_store) -> None:
    """An exception inside the write transaction (here from checks_fn) leaves nothing behind."""
    from index.ingest.report import ingest_file
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    ingest_file(store, HashEmbedder(), SHANTOU)
    before = store.counts(), store.generation()
    import index.ingest.report as ing

    def boom(_facts):
        raise RuntimeError("checks crashed")

    orig = ing.run_checks
    ing.run_checks = boom
    try:
        with pytest.raises(RuntimeError):
            ingest_file(store, HashEmbedder(), SHANWEI)
    finally:
        ing.run_checks = orig
    assert (store.counts(), store.generation()) == before
    assert_consistent(store)
    vecs = store.all_chunks()[3]
    assert np.isfinite(vecs).all()
    store.close()
