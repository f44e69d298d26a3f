"""A replaced report version is never lost (on both backends: SQLite + FAISS, PostgreSQL +
pgvector): a new version of a report keeps the old one — its metadata and original bytes — as a
version, listed by `qa reports --versions` and `GET /api/versions`, brought back by `qa restore N`
and `POST /api/versions/{id}/restore` (the newer one becoming a version in turn); parts of one
report are not versions; SIGKILL in the middle of a replacing write loses nothing. Generated PDFs
(tests/pdfgen.py), HashEmbedder."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pdfgen import version_pdf
from test_store_safety import assert_consistent, hash_settings

from index.errors import NotFound
from index.ingest.report import ingest_file
from index.ingest.restore import restore_version
from index.search.embed import HashEmbedder
from index.search.retrieval import SearchIndex
from service import cli
from service.state import State

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "韶关市财政局2023年公务接待费是多少"
OLD, NEW = "3.25", "4.80"
TOKEN = "versions-token"


@pytest.fixture()
def emb() -> HashEmbedder:
    return HashEmbedder(384)


def two_versions(folder: Path) -> tuple[Path, Path]:
    """The report as first published, and its corrected version (one figure changed)."""
    (folder / "v1").mkdir(parents=True, exist_ok=True)
    (folder / "v2").mkdir(parents=True, exist_ok=True)
    return version_pdf(folder / "v1", "韶关市财政局2023年部门决算.pdf", OLD), \
        version_pdf(folder / "v2", "韶关市财政局2023年部门决算（更正）.pdf", NEW)


def reception(store) -> set[float]:
    """The 公务接待费 figures the fact table holds."""
    return {f.value for f in store.facts(q="公务接待费")}


def answer(store_dir: Path, database_url: str | None) -> float | None:
    st = State(hash_settings(store_dir, database_url))
    try:
        a = st.snapshot.engine.ask(QUESTION)
        assert a.route == "fact", a.answer
        return a.value
    finally:
        st.store.close()


def run_cli(monkeypatch, capsys, store_dir: Path, database_url: str | None, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("QA_STORE", str(store_dir))
    monkeypatch.setenv("QA_EMBED_BACKEND", "hash")
    monkeypatch.setenv("QA_QUERY_BACKEND", "hash")
    monkeypatch.setenv("QA_DATABASE_URL", database_url or "")
    capsys.readouterr()
    rc = cli.main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


# ---------------------------------------------------------------- replace, list, ask, restore
def test_a_replaced_version_is_kept_listed_and_restored(tmp_path, database_url, make_store, emb, monkeypatch,
                                                       capsys):
    store_dir = tmp_path / "store"
    old, new = two_versions(tmp_path)
    store = make_store(store_dir, model_name="hash-384", dim=384)
    first = ingest_file(store, emb, old)
    second = ingest_file(store, emb, new)
    assert second.status == "replaced" and second.replaced == 1
    [v] = store.versions()
    assert second.versions == (v.version_id,)
    assert (f"replaced 《{first.title}》（{old.name}） (kept as version {v.version_id}; "
            f"`qa restore {v.version_id}` brings it back)") in second.summary()
    # the old one, whole: its identity, its metadata, its original bytes
    assert (v.doc_id, v.replaced_by, v.current, v.source_name) == (first.doc_id, second.doc_id, second.doc_id,
                                                                    old.name)
    assert (v.department, v.year, v.report_type, v.city, v.pages, v.file_ext) == \
        ("韶关市财政局", 2023, "部门决算", "韶关", 2, ".pdf")
    assert v.identity == store.get_report(second.doc_id).identity()
    assert store.version(v.version_id)[1] == old.read_bytes()
    assert store.versions(doc_id=second.doc_id) == [v] and store.versions(identity=v.identity) == [v]
    assert [r.doc_id for r in store.reports()] == [second.doc_id]
    assert reception(store) == {float(NEW)}
    store.close()
    assert answer(store_dir, database_url) == pytest.approx(float(NEW))

    rc, out, err = run_cli(monkeypatch, capsys, store_dir, database_url, "reports", "--versions")
    assert rc == 0 and "1 old version(s)" in err
    [line] = out.splitlines()
    assert line.startswith(f"{v.version_id}\t{first.title}\t{old.name}\t{first.doc_id}\treplaced by ")
    assert second.doc_id in line

    rc, out, err = run_cli(monkeypatch, capsys, store_dir, database_url, "restore", str(v.version_id))
    assert rc == 0, err
    store = make_store(store_dir, model_name="hash-384", dim=384)
    [w] = store.versions()                                   # the newer one is the version now
    assert (w.doc_id, w.current) == (second.doc_id, first.doc_id) and w.version_id != v.version_id
    assert f"恢复了旧版本 {v.version_id}" in out and f"kept as version {w.version_id}" in out
    assert store.version(w.version_id)[1] == new.read_bytes()
    assert [r.doc_id for r in store.reports()] == [first.doc_id]
    restored = store.get_report(first.doc_id)
    assert (restored.title, restored.identity()) == (first.title, v.identity)
    assert store.file_path(first.doc_id).read_bytes() == old.read_bytes()
    assert reception(store) == {float(OLD)}
    assert_consistent(store)
    store.close()
    assert answer(store_dir, database_url) == pytest.approx(float(OLD))

    # the restored version's row went with the restore: asking again is a clear error
    rc, out, err = run_cli(monkeypatch, capsys, store_dir, database_url, "restore", str(v.version_id))
    assert rc == 2 and f"no version {v.version_id}" in err and "Traceback" not in err


def test_versions_follow_a_chain_of_replacements_and_outlive_a_delete(tmp_path, make_store, emb):
    """v1 → v2 → v3: both old ones are v3's; a deleted report is not a version, and the versions
    of its identity stay (restorable, replacing nothing)."""
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    files = [version_pdf(tmp_path, f"v{i}.pdf", fig) for i, fig in enumerate(("3.25", "4.80", "5.10"))]
    docs = [ingest_file(store, emb, p).doc_id for p in files]
    assert [v.doc_id for v in store.versions(doc_id=docs[2])] == [docs[1], docs[0]]    # newest first
    store.delete_report(docs[2])
    assert [v.doc_id for v in store.versions()] == [docs[1], docs[0]]
    assert all(v.current is None for v in store.versions())
    res = restore_version(store, emb, store.versions()[0].version_id)
    assert res.status == "restored" and res.replaced == 0 and [r.doc_id for r in store.reports()] == [docs[1]]
    assert [(v.doc_id, v.current) for v in store.versions()] == [(docs[0], docs[1])]
    assert reception(store) == {4.8}
    with pytest.raises(NotFound):
        restore_version(store, emb, 10_000)
    with pytest.raises(NotFound):
        store.version(2 ** 70)
    assert_consistent(store)


def test_parts_of_one_report_are_both_kept_and_no_version_is_made(tmp_path, make_store, emb):
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    text = ingest_file(store, emb, version_pdf(tmp_path, "公开文件.pdf", OLD))
    tables = ingest_file(store, emb, version_pdf(tmp_path, "公开表格.pdf", OLD, part="公开表格"))
    assert store.get_report(text.doc_id).identity() == store.get_report(tables.doc_id).identity()
    assert tables.status == "new" and tables.kept_beside == (text.doc_id,) and tables.versions == ()
    assert {r.doc_id for r in store.reports()} == {text.doc_id, tables.doc_id}
    assert store.versions() == []


def test_an_older_store_gains_the_versions_table(tmp_path, make_store, emb):
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    ingest_file(store, emb, version_pdf(tmp_path, "v1.pdf", OLD))
    with store.tx() as c:
        c.execute("DROP TABLE versions")
    store.close()
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    assert store.versions() == []
    assert ingest_file(store, emb, version_pdf(tmp_path, "v2.pdf", NEW)).versions == (store.versions()[0].version_id,)


# ---------------------------------------------------------------- SIGKILL during a replace
# The ingest of the new version runs in a child `qa ingest` whose Store._forget_reports, once the
# old report's rows are deleted inside the replacing transaction (its version row already
# written), writes a marker saying what the transaction holds and sleeps: the test kills it there.
STALL = """
import json, sys, time
from pathlib import Path
from index.store.base import Store
marker = Path(sys.argv[1])
real = Store._forget_reports

def stall(self, c, doc_ids):
    real(self, c, doc_ids)
    seen = {"versions": c.execute("SELECT COUNT(*) FROM versions").fetchone()[0],
            "reports": c.execute("SELECT COUNT(*) FROM reports").fetchone()[0]}
    marker.write_text(json.dumps(seen))
    time.sleep(600)

Store._forget_reports = stall
from service import cli
sys.exit(cli.main(sys.argv[2:]))
"""


def test_sigkill_during_a_replace_loses_nothing(tmp_path, database_url, make_store, emb):
    store_dir = tmp_path / "store"
    old, new = two_versions(tmp_path)
    store = make_store(store_dir, model_name="hash-384", dim=384)
    first = ingest_file(store, emb, old)
    before = (store.counts(), store.generation())
    store.close()
    env = dict(os.environ, QA_STORE=str(store_dir), QA_EMBED_BACKEND="hash", QA_QUERY_BACKEND="hash",
               QA_DATABASE_URL=database_url or "", QA_INGEST_WORKERS="1")
    marker = tmp_path / "inside-put-report.json"
    proc = subprocess.Popen([sys.executable, "-c", STALL, str(marker), "ingest", str(new)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t = time.time()
        while not marker.exists() and time.time() - t < 300:
            assert proc.poll() is None, "the ingest ended before it reached the replacing transaction"
            time.sleep(0.05)
        inside = json.loads(marker.read_text())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert inside == {"versions": 1, "reports": 0}      # killed with the version written and the old one deleted

    store = make_store(store_dir, model_name="hash-384", dim=384)
    assert_consistent(store)
    assert (store.counts(), store.generation()) == before
    assert [r.doc_id for r in store.reports()] == [first.doc_id] and store.versions() == []
    assert reception(store) == {float(OLD)}
    assert store.file_path(first.doc_id).read_bytes() == old.read_bytes()
    idx = SearchIndex.load(store, ann_threshold=50_000)       # the vector index agrees with the store
    assert len(idx) == store.counts()["chunks"]
    store.close()

    run = subprocess.run([sys.executable, "-m", "service.cli", "ingest", str(new)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    store = make_store(store_dir, model_name="hash-384", dim=384)
    [v] = store.versions()
    assert f"kept as version {v.version_id}; `qa restore {v.version_id}` brings it back" in run.stdout + run.stderr
    assert v.doc_id == first.doc_id and store.version(v.version_id)[1] == old.read_bytes()
    assert reception(store) == {float(NEW)}
    assert_consistent(store)


# ---------------------------------------------------------------- HTTP
def test_http_lists_and_restores_versions(tmp_path, database_url):
    from fastapi.testclient import TestClient

    from service.app import create_app
    old, new = two_versions(tmp_path)
    settings = hash_settings(tmp_path / "store", database_url).model_copy(update={"admin_token": TOKEN})
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        st = c.app.state.qa
        first, second = st.ingest(old)[0], st.ingest(new)[0]
        body = c.get("/api/versions").json()
        assert body["total"] == 1
        v = body["versions"][0]
        assert (v["doc_id"], v["current"], v["current_title"], v["has_file"]) == \
            (first.doc_id, second.doc_id, second.title, True)
        assert c.get("/api/versions", params={"doc_id": second.doc_id}).json()["versions"] == [v]
        assert c.get(f"/api/versions/{v['version_id']}/file").content == old.read_bytes()
        assert_error(c.get("/api/versions", params={"doc_id": "no-such-report"}), 404)

        assert_error(c.post(f"/api/versions/{v['version_id']}/restore"), 401)          # admin only
        auth = {"X-Admin-Token": TOKEN}
        r = c.post(f"/api/versions/{v['version_id']}/restore", headers=auth)
        assert r.status_code == 200, r.text
        res = r.json()
        assert res["status"] == "restored" and res["doc_id"] == first.doc_id and res["restored_from"] == v["version_id"]
        assert "kept as version" in res["summary"]
        assert st.current().engine.ask(QUESTION).value == pytest.approx(float(OLD))
        [w] = c.get("/api/versions").json()["versions"]
        assert (w["doc_id"], w["current"]) == (second.doc_id, first.doc_id)

        for bad in (v["version_id"], 987654, 2 ** 80):
            assert_error(c.post(f"/api/versions/{bad}/restore", headers=auth), 404)
        assert_error(c.get("/api/versions/987654/file"), 404)
        assert_error(c.post("/api/versions/abc/restore", headers=auth), 422)


def assert_error(r, status: int) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]
