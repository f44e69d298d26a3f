"""PostgreSQL + pgvector as the store for more than one machine: a real PostgreSQL (pgserver),
two `qa serve` replicas on one database, two `qa ingest` runs writing at once, and the same
answers from both backends over the same reports. (The store tests that take `make_store`
run on both backends as well: test_store.py, test_store_scale.py, test_store_safety.py.)"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from conftest import ADMIN_TOKEN, MODEL, ROOT, LiveServer
from index.errors import StoreMismatch
from index.settings import Settings
from index.store.postgres import PgStore, Row, to_pg
from service.state import State
from test_api import ZHUHAI, call, jcall, upload
from test_store_safety import assert_consistent, copies, hash_settings

CORPUS = ROOT / "corpus"


# ---------------------------------------------------------------- pure parts
def test_sql_is_translated_for_psycopg():
    assert to_pg("SELECT * FROM t WHERE a = ? AND b LIKE '__00'") == "SELECT * FROM t WHERE a = %s AND b ILIKE '__00'"
    assert to_pg("UPDATE x SET v = '5%' WHERE k = ?") == "UPDATE x SET v = '5%%' WHERE k = %s"


def test_rows_read_by_name_and_position_like_sqlite():
    r = Row(("a", 2, "b"), {"doc_id": 0, "n": 1, "title": 2})
    assert r[0] == "a" and r["n"] == 2 and dict(r) == {"doc_id": "a", "n": 2, "title": "b"}
    doc_id, n, title = r
    assert (doc_id, n, title) == ("a", 2, "b")


def test_database_url_must_be_postgresql():
    with pytest.raises(ValueError, match="postgresql://"):
        Settings(database_url="mysql://user@host/db")
    assert Settings(database_url="").database_url is None


def test_unreachable_database_is_a_clear_error(tmp_path):
    with pytest.raises(StoreMismatch, match="cannot open the PostgreSQL store"):
        PgStore(f"postgresql://postgres@/qa?host={tmp_path}/no-server", tmp_path / "cache")
    env = dict(os.environ, QA_DATABASE_URL=f"postgresql://postgres:secret@/qa?host={tmp_path}/no-server",
               QA_STORE=str(tmp_path / "cache"))
    run = subprocess.run([sys.executable, "-m", "service.cli", "facts", "--q", "公务接待费"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "cannot open the PostgreSQL store" in run.stderr
    assert "Traceback" not in run.stderr and "secret" not in run.stderr


# ---------------------------------------------------------------- two writers
def test_two_ingest_runs_at_once_write_every_report_whole(pg_server, tmp_path):
    """`qa ingest` on two machines at once (here: two processes) into one database."""
    url = pg_server.new_database()
    files = copies(tmp_path, 6)
    env = dict(os.environ, QA_DATABASE_URL=url, QA_EMBED_BACKEND="hash", QA_QUERY_BACKEND="hash")
    procs = [subprocess.Popen([sys.executable, "-m", "service.cli", "ingest", *map(str, part)], cwd=ROOT,
                              env=dict(env, QA_STORE=str(tmp_path / f"machine{i}")), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
             for i, part in enumerate((files[:3], files[3:]))]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    store = PgStore(url, tmp_path / "check")
    try:
        assert store.counts()["reports"] == 6
        assert_consistent(store)
        assert store.generation() == 6                     # one committed transaction per report
        # the BM25 statistics both writers kept up equal a count over every stored chunk
        _, _, tokens, _ = store.all_chunks()
        df = Counter(t for row in tokens for t in set(row.split()))
        reader = store.reader()
        assert reader.lex_totals() == (len(tokens), sum(max(1, len(r.split())) for r in tokens))
        terms = sorted(df)[:: max(1, len(df) // 300)]
        assert reader.doc_freqs(terms) == {t: df[t] for t in terms}
    finally:
        store.close()


# ---------------------------------------------------------------- same answers, both backends
QUESTIONS = [
    "汕尾2021年公务接待费是多少",
    "汕尾市政务服务数据管理局2021年科学技术支出决算数",
    "粤智助覆盖情况",
    "汕头市公共资源交易中心设置了哪些职能部室？",
    "汕尾2021年一般公共预算财政拨款支出决算是多少",
    "政务服务数据管理甲局2021年公务接待费是多少",
    "比较政务服务数据管理甲局和政务服务数据管理乙局的基本支出",
    "汕头2024年项目支出绩效目标完成情况",
    "深圳市交通运输局2024年一般公共预算拨款收入",
    "2021年机关运行经费",
    "北京2023年公务接待费是多少",
]


def answers(settings: Settings) -> list[dict]:
    st = State(settings)
    try:
        for p in (*sorted(CORPUS.glob("*.txt")), *copies(settings.store.parent, 2)):
            st.ingest(p, refresh=False)
        st.refresh()
        out = []
        for q in QUESTIONS:
            a = st.current().engine.ask(q).as_dict()
            out.append({k: v for k, v in a.items() if k not in ("timings", "ms")})
        return out
    finally:
        st.store.close()


def test_both_backends_give_the_same_answers(pg_server, tmp_path):
    (tmp_path / "lite").mkdir()
    (tmp_path / "pg").mkdir()
    lite = answers(hash_settings(tmp_path / "lite" / "store"))
    pg = answers(hash_settings(tmp_path / "pg" / "store", pg_server.new_database()))
    kinds = Counter(a["kind"] for a in lite)
    assert kinds["fact"] >= 3 and kinds["passage"] >= 2, kinds
    for q, a, b in zip(QUESTIONS, lite, pg):
        assert a == b, q


# ---------------------------------------------------------------- two replicas over HTTP
def start_replicas(url: str, tmp_path: Path, n: int = 2) -> list[LiveServer]:
    """`qa serve` × n on one database, started at once (each ingests the corpus into the empty
    database: the writes meet), the real model."""
    servers: list = [None] * n
    errors: list = []

    def start(i: int) -> None:
        try:
            store = tmp_path / f"replica{i}" / "store"
            store.parent.mkdir(parents=True)
            servers[i] = LiveServer(store, env={"QA_DATABASE_URL": url, "QA_REFRESH_SECONDS": "0"})
        except Exception as e:  # noqa: BLE001 — re-raised below, with the others stopped
            errors.append(e)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        for s in servers:
            if s is not None:
                s.stop()
        raise errors[0]
    return servers


@pytest.mark.slow
def test_two_replicas_share_one_database(pg_server, tmp_path):
    if not (MODEL / "build_params.json").exists():
        pytest.skip("embedding model not built (make install)")
    url = pg_server.new_database()
    a, b = start_replicas(url, tmp_path)
    try:
        for server in (a, b):
            _, h = jcall(server, "GET", "/api/health")
            assert h["backend"] == "postgres" and h["reports"] == 2 and h["chunks"] > 100, h
        _, ans = jcall(b, "POST", "/api/ask", {"question": "汕尾2021年公务接待费是多少"})
        assert ans["value"] == pytest.approx(1.13) and ans["citations"][0]["page"] == 30
        # a report uploaded to one replica is answered by the other
        _, j = upload(a, "zhuhai.txt", ZHUHAI)
        doc_id = j["result"]["doc_id"]
        _, ans = jcall(b, "POST", "/api/ask", {"question": "珠海测试局建成了多少个智慧服务站点？"})
        assert ans["value"] == pytest.approx(321) and ans["facts"][0]["doc_id"] == doc_id, ans["answer"]
        s, page = jcall(b, "GET", f"/api/reports/{doc_id}/pages/1")
        assert s == 200 and "321 个智慧服务站点" in json.dumps(page, ensure_ascii=False)
        s, _, original = call(b, "GET", f"/api/reports/{doc_id}/file")
        assert s == 200 and original == ZHUHAI        # the original file, from the database
        # deleted through the other replica: gone for both
        s, _ = jcall(b, "DELETE", f"/api/reports/{doc_id}", headers={"X-Admin-Token": ADMIN_TOKEN})
        assert s == 200
        _, ans = jcall(a, "POST", "/api/ask", {"question": "珠海测试局建成了多少个智慧服务站点？"})
        assert ans["kind"] == "none"
        _, h = jcall(a, "GET", "/api/health")
        assert h["reports"] == 2
    finally:
        a.stop()
        b.stop()
    store = PgStore(url, tmp_path / "check")
    try:
        assert_consistent(store)
    finally:
        store.close()


# ---------------------------------------------------------------- an existing server, a DBA's schema
def test_schema_made_by_a_dba_serves_an_unprivileged_role(pg_server, tmp_path):
    """`qa schema` run once by a privileged role; the service's own role may only read and write."""
    import psycopg
    url = pg_server.new_database()
    sql = subprocess.run([sys.executable, "-m", "service.cli", "schema", "--dim", "384"], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=60).stdout
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(sql)
        c.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'qa_app') THEN "
                  "CREATE ROLE qa_app LOGIN NOSUPERUSER; END IF; END $$")
        c.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO qa_app")
        c.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO qa_app")
    app_url = url.replace("postgresql://postgres:@", "postgresql://qa_app@")
    store = PgStore(app_url, tmp_path / "cache", model_name="hash-384", dim=384)
    try:
        from index.search.embed import HashEmbedder
        from index.ingest.report import ingest_file
        res = ingest_file(store, HashEmbedder(), sorted(CORPUS.glob("*.txt"))[1])
        assert res.status == "new" and store.counts()["chunks"] == res.chunks
        assert_consistent(store)
    finally:
        store.close()


# ---------------------------------------------------------------- the dense side in PostgreSQL
def test_postgres_store_searches_a_local_faiss_file_in_step_with_the_database(pg_server, tmp_path):
    """The vectors live in the database; each machine searches them in a FAISS file in its local folder
    (exact below the threshold, IVF past it), one entry per distinct vector: the two copies of the
    汕尾 report repeat its passages that do not name the organization, vector for vector, and a search
    gives every chunk that has it. A file of another database under the same folder is not used."""
    import numpy as np
    from index.ingest.report import ingest_file
    from index.search.embed import HashEmbedder
    emb = HashEmbedder()
    url = pg_server.new_database()
    store = PgStore(url, tmp_path / "cache", model_name="hash-384", dim=384)
    try:
        for p in (*sorted(CORPUS.glob("*.txt")), *copies(tmp_path, 2)):
            ingest_file(store, emb, p)
        reader = store.reader()
        ids, _, _, vecs = store.all_chunks()
        q = emb.embed_query("公务接待费支出决算")
        shanwei = [r.doc_id for r in store.reports() if r.city == "汕尾"]
        scope = reader.chunk_ids(shanwei[:1])
        inside = np.isin(ids, scope)
        order = np.argsort(-(vecs[inside] @ q), kind="stable")
        exact = [int(i) for i in ids[inside][order][:10]]
        everywhere = [int(i) for i in ids[np.argsort(-(vecs @ q), kind="stable")][:10]]
        flat_side = store.search_vectors(reader, store.generation(), 10**9)
        assert flat_side.kind == "flat" and (tmp_path / "cache" / "vectors.faiss").exists()
        assert store.read_params()["store_id"] == store.meta("store_id")
        assert flat_side.entries < flat_side.ntotal == len(ids) - len(reader.without_vector(ids.tolist()))
        assert [i for i, _ in flat_side.search(q, 10)] == everywhere
        assert [i for i, _ in flat_side.search(q, 10, scope)] == exact
        ivf_side = store.search_vectors(reader, store.generation(), 0)             # IVF past 0 entries
        assert ivf_side.kind == "ivf" and ivf_side.entries == flat_side.entries
        assert [i for i, _ in ivf_side.search(q, 10, scope)] == exact                # a small scope: exact
        assert len(set(i for i, _ in ivf_side.search(q, 10)) & set(everywhere)) >= 9
    finally:
        store.close()
    # the database recreated under the same local folder: the file there is of another store
    other = pg_server.new_database()
    again = PgStore(other, tmp_path / "cache", model_name="hash-384", dim=384)
    try:
        ingest_file(again, emb, sorted(CORPUS.glob("*.txt"))[0])
        served = again.search_vectors(again.reader(), again.generation(), 10**9)
        assert served.ntotal == again.count_vectors() and again.read_params()["store_id"] == again.meta("store_id")
    finally:
        again.close()
