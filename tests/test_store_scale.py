"""Indexed reads at scale: what the snapshot reads from the store gives the same results as
the in-memory structures it replaced (BM25 scores, fact lookups), the BM25 statistics stay in
step with ingest / replace / delete, and the FAISS file is updated, not rebuilt."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.ingest.report import ingest_file
from index.search.lexical import LexicalIndex, Tokenizer
from index.search.retrieval import Filters, SearchIndex
from index.store.base import Store
from index.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


def seeded(s: Store) -> Store:
    emb = HashEmbedder(dim=384)
    for p in SEEDS:
        ingest_file(s, emb, p)
    return s


@pytest.fixture()
def store(make_store, tmp_path) -> Store:
    return seeded(make_store(tmp_path / "store", model_name="hash-384", dim=384))


@pytest.fixture()
def sqlite_store(tmp_path) -> Store:
    return seeded(SqliteStore(tmp_path / "store", model_name="hash-384", dim=384))


def memory_bm25(store: Store) -> LexicalIndex:
    ids, _, tokens, _ = store.all_chunks()
    return LexicalIndex.build_from_tokens(ids, [t.split() for t in tokens], Tokenizer())


@pytest.mark.parametrize("query", ["公务接待费", "政务云资源", "一般公共预算财政拨款收入 决算数", "粤智助 覆盖"])
def test_scoped_bm25_equals_a_whole_store_index(store, query):
    idx = SearchIndex.load(store, ann_threshold=10_000)
    full = memory_bm25(store)
    assert idx.lexical.idf("政务") == pytest.approx(full.idf("政务"))
    assert idx.lexical.max_idf() == pytest.approx(full.max_idf())
    for f in (Filters(), Filters(city="汕尾")):
        allowed = idx.allowed(f)
        want = full.search(query, 20, allowed)
        got = idx.lexical.search(query, 20, idx.docs_for(f))
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)


def test_bm25_statistics_follow_delete(store):
    reader = store.reader()
    n, length = reader.lex_totals()
    assert n == store.count_chunks() and length > n
    doc = store.reports()[0].doc_id
    store.delete_report(doc)
    full = memory_bm25(store)
    assert reader.lex_totals()[0] == store.count_chunks()
    assert reader.doc_freqs(["政务"])["政务"] == full._df["政务"]


def test_stored_fact_lookup_equals_in_memory(store):
    stored = FactIndex.load(store)
    memory = FactIndex(store.facts(), {r.doc_id: r for r in store.reports()})
    docs = [r.doc_id for r in store.reports()]
    assert len(stored) == len(store.facts())
    for q in ("公务接待费", "一般公共预算财政拨款收入", "基本支出", "项目支出", "在职人员"):
        a = [(h.fact.fact_id, h.fact.subject, h.score) for h in stored.lookup(q, doc_ids=docs, limit=400)]
        b = [(h.fact.fact_id, h.fact.subject, h.score) for h in memory.lookup(q, doc_ids=docs, limit=400)]
        assert a == b and a
    for d in docs:
        assert stored.facts_of(d) == memory.facts_of(d)
    assert stored.totals_in(docs) == memory.totals_in(docs)


def test_faiss_file_is_updated_not_rebuilt(store, tmp_path):
    """The FAISS file in the store's folder (on PostgreSQL: the machine's own, from the database)."""
    idx = SearchIndex.load(store, ann_threshold=10_000)
    before = set(idx.vectors.ids().tolist())
    doc = store.reports()[0].doc_id
    store.delete_report(doc)
    p = tmp_path / "again.txt"
    p.write_text(SEEDS[0].read_text(encoding="utf-8") + "\n补充：新增 3 台设备。\n", encoding="utf-8")
    ingest_file(store, HashEmbedder(dim=384), p, )
    idx2 = SearchIndex.load(store, ann_threshold=10_000)
    ids = set(idx2.vectors.ids().tolist())
    assert ids == set(store.reader().vector_ids().tolist())     # the chunks that have a vector
    assert ids & before and ids - before      # kept what stayed, added the new report's chunks
    assert store.read_params()["generation"] == store.generation()


def test_store_written_before_lookup_tables_gets_them(store, make_store):
    with store.tx() as c:
        c.execute("UPDATE facts SET subject_key=NULL, view_key=NULL")
        c.execute("DELETE FROM fact_subjects")
        c.execute("DELETE FROM lex_df")
        c.execute("DELETE FROM meta WHERE key IN ('lex_docs', 'lex_tokens')")
    again = make_store(store.root)
    reader = again.reader()
    assert reader.lex_totals()[0] == again.count_chunks()
    assert "公务接待费" in set(reader.subject_keys())


def test_large_scope_scores_bm25_over_dense_candidates(store):
    """Past lexical_scan_max chunks in scope, BM25 scores the dense side's candidates: the same
    scores as an exhaustive pass for the chunks both see."""
    small = SearchIndex.load(store, ann_threshold=10_000, lexical_scan_max=10)
    full = SearchIndex.load(store, ann_threshold=10_000)
    emb = HashEmbedder(dim=384)
    hits = small.search(emb, "公务接待费", k=5, filters=Filters(city="汕尾"))
    assert hits and all(h.report.city == "汕尾" for h in hits)
    exhaustive = dict(full.lexical.search("公务接待费", 1000, full.docs_for(Filters(city="汕尾"))))
    cand = [i for i, _ in full.vectors.search(emb.embed_query("公务接待费"), 50, full.allowed(Filters(city="汕尾")))]
    for rid, score in small.lexical.search_ids("公务接待费", 50, cand):
        assert score == pytest.approx(exhaustive[rid], rel=1e-5)
