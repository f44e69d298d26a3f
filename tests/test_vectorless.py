"""A table that is only rows of figures gets no vector (index/search/vectorless.py): the fact table
answers it and BM25 finds it; every other passage is embedded. Real PDFs and the shipped reports,
real FAISS, both store backends, a store written before schema 4 migrated on open, `qa reindex`."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index.ingest.report import ingest_file
from index.read.parse import parse_file
from index.records import Chunk
from index.search.embed import HashEmbedder
from index.search.retrieval import Filters, SearchIndex
from index.search.vectorless import figures_only, needs_vector
from index.store.schema import SCHEMA_VERSION
from index.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
SHANWEI = next((ROOT / "corpus").glob("汕尾*.txt"))
SHANTOU = next((ROOT / "corpus").glob("汕头*.txt"))
SZ = ROOT.parent / "shared" / "realdata" / "renwu-2026-dept-budgets-guangdong" / "003_深圳"
AUDIT = SZ / "审计局_2026年部门预算.pdf"


def table(text: str) -> Chunk:
    return Chunk("", "", "二、表格部分", 1, 1, text, kind="table")


def test_a_table_of_figures_has_no_vector():
    t = table("表9 财政拨款“三公”经费支出表（单位：万元）\n"
              "预算单位\t年度\t总计\t因公出国(境)费\t公务接待费\n"
              "深圳市审计局\t2026\t35.10\t28.00\t3.50\n"
              "深圳市审计局\t2025\t40.31\t0.80\t3.55")
    assert figures_only(t) and not needs_vector(t)


def test_a_table_with_prose_keeps_its_vector():
    goals = table("第七部分 重点项目预算绩效情况说明（单位：万元）\n"
                  "二级预算单位名称\t一级项目名称\t预算数（万元）\t绩效目标\n"
                  "深圳市审计局\t规划类经费\t6.50\t编制完成并印发《审计事业发展规划》，指导未来五年审计工作。\n"
                  "深圳市审计局\t审计管理业务\t506.95\t1,200.00")
    inline = table("一、深圳市审计局\n在职人员经费 6,516.50 万元、公用经费 1,079.33 万元、对个人和家庭的补助 "
                   "958.75 万元、增人增资 651.65 万元")
    services = table("一、粤省事汕尾专版\n5 车辆通行登记 ——\n6 体育场馆查询 ——\n7 汕尾旅游服务专区 ——\n"
                     "8 医保参保登记 ——\n9 摇号入学 ——")
    small = table("表10 政府性基金预算支出表（单位：万元）\n预算单位\t支出总计\n深圳市审计局\t0.00\t0.00\t0.00")
    for chunk in (goals, inline, services, small):
        assert needs_vector(chunk), chunk.text
    assert needs_vector(Chunk("", "", "一、部门职责", 1, 1, "2026年预算 10,737.69 万元，较上年减少 176.45 万元。"))


@pytest.mark.skipif(not AUDIT.exists(), reason="../shared/realdata not present")
def test_the_numbered_tables_of_a_real_budget_are_the_ones_left_out():
    chunks = parse_file(AUDIT, max_pages=200).chunks
    left = [c for c in chunks if figures_only(c)]
    titles = {c.text.split("\n")[0].split("（")[0] for c in left}
    assert {"表1 收支总表", "表4 基本支出总表", "表9 财政拨款“三公”经费支出表"} <= titles
    assert not any("绩效" in t for t in titles)                       # 绩效目标 are sentences
    assert all(c.kind == "table" for c in left) and 0.2 < len(left) / len(chunks) < 0.5


def test_ingest_embeds_every_passage_but_the_tables_of_figures(make_store, tmp_path):
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    emb = HashEmbedder(dim=384)
    res = ingest_file(store, emb, SHANWEI)
    assert 0 < res.embedded < res.chunks
    assert store.count_vectors() == res.embedded and store.counts()["chunks"] == res.chunks
    idx = SearchIndex.load(store, ann_threshold=10_000)
    chunks = idx.chunks_of()
    no_vector = {rid for rid, c in chunks.items() if figures_only(c)}
    assert len(no_vector) == res.chunks - res.embedded
    # the dense side never returns a chunk without a vector; BM25 still finds one
    dense = idx.vectors.search(emb.embed_query("一般公共预算财政拨款支出决算表"), 500)
    assert dense and not no_vector & {i for i, _ in dense}
    # (the hash embedder's dense side ranks passages sharing the query's characters first)
    hits = idx.search(emb, "一般公共预算财政拨款基本支出决算明细表 工资福利支出", k=10, filters=Filters(city="汕尾"),
                      rrf_k=20)                                       # as the service fuses (qa/router.py)
    found = [h for h in hits if h.row_id in no_vector]
    assert found and all(h.dense is None and h.lexical for h in found)


def test_a_store_written_before_schema_4_takes_chunks_without_vectors(tmp_path):
    root = tmp_path / "store"
    emb = HashEmbedder(dim=384)
    store = SqliteStore(root, model_name="hash-384", dim=384)
    first = ingest_file(store, emb, SHANTOU)
    store.close()
    # the chunks table as schema 3 wrote it: `embedding BLOB NOT NULL`, every chunk with a vector
    con = sqlite3.connect(root / "qa.sqlite")
    con.execute("UPDATE chunks SET embedding = zeroblob(1536) WHERE embedding IS NULL")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    ddl = con.execute("SELECT sql FROM sqlite_master WHERE name = 'chunks'").fetchone()[0]
    con.executescript("BEGIN; ALTER TABLE chunks RENAME TO chunks_old; "
                      + ddl.replace("embedding BLOB", "embedding BLOB NOT NULL") + "; "
                      "INSERT INTO chunks SELECT * FROM chunks_old; DROP TABLE chunks_old; "
                      "CREATE INDEX chunks_doc ON chunks(doc_id); COMMIT;")
    con.close()
    store = SqliteStore(root, model_name="hash-384", dim=384)
    notnull = {r[1]: r[3] for r in store.conn.execute("PRAGMA table_info(chunks)")}
    assert notnull["embedding"] == 0 and store.meta("schema") == str(SCHEMA_VERSION)
    assert store.counts()["chunks"] == first.chunks                  # nothing lost in the copy
    second = ingest_file(store, emb, SHANWEI)
    assert store.count_vectors() == first.chunks + second.embedded
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    idx = SearchIndex.load(store, ann_threshold=10_000)
    assert idx.vectors.ntotal == store.count_vectors()
    store.close()


def test_reindex_leaves_the_tables_of_figures_without_vectors(tmp_path):
    store_dir = tmp_path / "store"
    env = dict(os.environ, QA_STORE=str(store_dir), QA_EMBED_BACKEND="hash", QA_QUERY_BACKEND="hash",
               QA_CORPUS=str(tmp_path / "none"))
    (tmp_path / "none").mkdir()
    run = lambda *a: subprocess.run([sys.executable, "-m", "service.cli", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=300)
    assert run("ingest", str(SHANWEI)).returncode == 0
    out = run("reindex")
    assert out.returncode == 0, out.stderr
    store = SqliteStore(store_dir)
    n, held = store.counts()["chunks"], store.count_vectors()
    assert 0 < held < n
    assert f"re-embedded {held} of {n} chunks" in out.stdout
    store.close()


def test_qa_embed_figure_tables_gives_every_chunk_a_vector(tmp_path, monkeypatch):
    from index.settings import Settings
    from service.state import State
    monkeypatch.setenv("QA_EMBED_FIGURE_TABLES", "1")
    (tmp_path / "none").mkdir()
    settings = Settings(store=tmp_path / "store", corpus=tmp_path / "none", embed_backend="hash",
                        query_backend="hash", refresh_seconds=0)
    assert settings.embed_figure_tables is True
    st = State(settings)
    [res] = st.ingest(SHANWEI)
    assert res.embedded == res.chunks == st.store.count_vectors()
    st.store.close()
