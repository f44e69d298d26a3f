"""The store: atomic per-report ingest, replace, delete (on both backends: SQLite + FAISS and
PostgreSQL + pgvector), and the embedded store's generation-checked FAISS file."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.search.embed import HashEmbedder
from index.errors import IngestError, NotFound, StoreMismatch, UnsupportedFile
from index.ingest.report import Overrides, ingest_file
from index.search.retrieval import Filters, SearchIndex
from index.search.vectorless import needs_vector
from index.store.base import Store
from index.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


@pytest.fixture()
def store(make_store, tmp_path) -> Store:
    return make_store(tmp_path / "store", model_name="hash-384", dim=384)


@pytest.fixture()
def faiss_store(tmp_path) -> Store:
    return SqliteStore(tmp_path / "store", model_name="hash-384", dim=384)


@pytest.fixture(scope="module")
def emb():
    return HashEmbedder(dim=384)


def test_ingest_seeds_counts_and_metadata(store, emb):
    results = [ingest_file(store, emb, p) for p in SEEDS]
    assert {r.city for r in results} == {"汕头", "汕尾"}
    assert {r.year for r in results} == {2024, 2021}
    c = store.counts()
    assert c["reports"] == 2 and c["chunks"] == sum(r.chunks for r in results) and c["facts"] > 100
    idx = SearchIndex.load(store, ann_threshold=10_000)
    assert len(idx) == c["chunks"]
    hits = idx.search(emb, "公务接待费", k=5, filters=Filters(city="汕尾"))
    assert hits and all(h.report.city == "汕尾" for h in hits)


def test_reingest_replaces_not_duplicates(store, emb):
    a = ingest_file(store, emb, SEEDS[0])
    before = store.counts()
    b = ingest_file(store, emb, SEEDS[0])
    assert a.doc_id == b.doc_id
    assert store.counts() == before


def test_same_name_new_content_replaces_old(store, emb, tmp_path):
    p = tmp_path / "report.txt"
    p.write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    first = ingest_file(store, emb, p, overrides=Overrides(city="汕头", year=2024))
    p.write_text(SEEDS[0].read_text(encoding="utf-8") + "\n补充说明：新增 12 台设备。\n", encoding="utf-8")
    second = ingest_file(store, emb, p, overrides=Overrides(city="汕头", year=2024))
    assert second.replaced == 1 and first.doc_id != second.doc_id
    assert [r.doc_id for r in store.reports()] == [second.doc_id]
    assert not list((store.root / "files").glob(f"{first.doc_id}.*"))
    assert "新增 12 台设备" in store.file_path(second.doc_id).read_text(encoding="utf-8")
    with pytest.raises(NotFound):
        store.file_path(first.doc_id)


def test_delete_removes_chunks_facts_checks(store, emb):
    res = ingest_file(store, emb, SEEDS[1])
    store.delete_report(res.doc_id)
    assert store.counts() == {"reports": 0, "chunks": 0, "facts": 0}
    assert store.checks() == []


def test_bad_file_leaves_store_as_it_was(store, emb, tmp_path):
    ingest_file(store, emb, SEEDS[0])
    before = store.counts()
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage")
    with pytest.raises(IngestError):
        ingest_file(store, emb, bad)
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"PK\x03\x04zipdata")
    with pytest.raises(UnsupportedFile):
        ingest_file(store, emb, docx)
    assert store.counts() == before


def test_stale_faiss_file_is_rebuilt(faiss_store, emb):
    store = faiss_store
    ingest_file(store, emb, SEEDS[0])
    idx = SearchIndex.load(store, ann_threshold=10_000)
    n = len(idx)
    ingest_file(store, emb, SEEDS[1])  # generation moves; the FAISS file on disk is now stale
    idx2 = SearchIndex.load(store, ann_threshold=10_000)
    assert len(idx2) > n and idx2.vectors.ntotal == store.count_vectors()
    assert store.read_params()["generation"] == store.generation()


def test_corrupt_faiss_file_is_rebuilt(faiss_store, emb):
    store = faiss_store
    ingest_file(store, emb, SEEDS[0])
    SearchIndex.load(store, ann_threshold=10_000)
    store.index_path.write_bytes(b"not a faiss index")
    params = store.read_params()
    params["generation"] = -1
    store.write_params(params)
    idx = SearchIndex.load(store, ann_threshold=10_000)
    assert idx.vectors.ntotal == store.count_vectors() < store.count_chunks()   # tables of figures: no vector


def test_model_mismatch_is_a_clear_error(store, emb, make_store):
    ingest_file(store, emb, SEEDS[0])
    store.close()
    with pytest.raises(StoreMismatch, match="reindex"):
        make_store(store.root, model_name="another-model", dim=384)


def test_vectors_roundtrip_through_the_store(store, emb):
    ingest_file(store, emb, SEEDS[0])
    ids, chunks, tokens, vecs = store.all_chunks()
    again = emb.embed_passages([c.embed_text() for c in chunks])
    held = np.array([needs_vector(c) for c in chunks])
    assert np.allclose(vecs[held], again[held], atol=1e-6)
    assert not vecs[~held].any() and (~held).any()      # a table of figures has no vector: zeros here
    assert all(t for t in tokens)


def test_same_identity_under_another_name_is_a_new_version(store, emb, tmp_path):
    """A report is what it is (organization, place, year, type), not its file name."""
    first = ingest_file(store, emb, SEEDS[0])
    p = tmp_path / "renamed-v2.txt"
    p.write_text(SEEDS[0].read_text(encoding="utf-8") + "\n补充说明：修订版。\n", encoding="utf-8")
    second = ingest_file(store, emb, p)
    assert first.status == "new" and second.status == "replaced"
    assert second.replaced_titles == (first.title,)
    assert "替换" in second.summary()
    assert [r.doc_id for r in store.reports()] == [second.doc_id]


def test_same_bytes_again_is_reported_unchanged(store, emb):
    first = ingest_file(store, emb, SEEDS[1])
    again = ingest_file(store, emb, SEEDS[1])
    assert again.status == "unchanged" and again.chunks == 0 and again.doc_id == first.doc_id
    assert "已在库中" in again.summary()


def test_reindex_with_another_dimension(store, emb, make_store):
    """`qa reindex` after a model change: the vectors replaced, the index rebuilt for the new size."""
    ingest_file(store, emb, SEEDS[1])
    ids, chunks, _, _ = store.all_chunks()
    small = HashEmbedder(dim=256)
    vecs = small.embed_passages([c.embed_text() for c in chunks])
    store.clear_vectors_model("hash-256", 256)
    store.replace_vectors(ids, vecs)
    store.close()
    again = make_store(store.root, model_name="hash-256", dim=256)
    assert np.allclose(again.all_chunks()[3], vecs, atol=1e-6)
    idx = SearchIndex.load(again, ann_threshold=10_000)
    hits = idx.search(small, "公务接待费", k=3, filters=Filters(city="汕尾"))
    assert hits and hits[0].dense is not None and idx.vectors.dim == 256
