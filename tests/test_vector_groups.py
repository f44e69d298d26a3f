"""One index entry per distinct vector (index/store/vector_groups.py): the pure mapping, the search
over FAISS equal to an exact search over every chunk, and the store keeping one main chunk per
vector through ingest, delete, re-embedding and the upgrade of a store written before."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.ingest.report import ingest_file
from index.search.embed import HashEmbedder
from index.search.retrieval import Filters, SearchIndex
from index.store.vector_groups import GroupedVectors, VectorGroups, main_flags, vector_key
from index.store.vectors import FLAT, HNSW, IVF, VectorIndex

ROOT = Path(__file__).resolve().parents[1]
SHANWEI = next((ROOT / "corpus").glob("汕尾*.txt"))
SHANTOU = next((ROOT / "corpus").glob("汕头*.txt"))


# ------------------------------------------------------------------------------------- pure parts
def test_vector_key_is_the_bytes_digest():
    v = np.linspace(-1, 1, 8, dtype=np.float32)
    assert vector_key(v) == vector_key(v.copy()) == vector_key(v.astype(np.float64))   # stored as float32
    assert vector_key(v) != vector_key(v + np.float32(1e-7))
    assert vector_key(None) is None


def test_main_flags_the_first_holder_of_a_vector():
    assert main_flags(["a", "b", "a", None, "c", "b"], {"c"}) == [1, 1, 0, 1, 0, 0]
    assert main_flags([], set()) == []


def test_groups_map_a_scope_to_its_mains_and_expand_within_it():
    g = VectorGroups.from_pairs([11, 10, 20], [1, 1, 2])          # 10 and 11 copy 1's vector, 20 copies 2's
    assert len(g) == 3
    assert g.copies_of(1).tolist() == [10, 11] and g.copies_of(3).tolist() == []
    assert g.mains_for(np.array([3, 10, 20])).tolist() == [1, 2, 3]
    assert g.mains_for(np.array([3, 4])).tolist() == [3, 4]
    hits = [(1, 0.9), (2, 0.8), (3, 0.7)]
    assert g.expand(hits, 10) == [(1, 0.9), (10, 0.9), (11, 0.9), (2, 0.8), (20, 0.8), (3, 0.7)]
    assert g.expand(hits, 4) == [(1, 0.9), (10, 0.9), (11, 0.9), (2, 0.8)]
    assert g.expand(hits, 10, np.array([3, 11, 20])) == [(11, 0.9), (20, 0.8), (3, 0.7)]
    assert VectorGroups.empty().expand(hits, 2) == hits[:2]


# -------------------------------------------------------------------------- search over FAISS
def cone(rng, n: int, dim: int = 64) -> np.ndarray:
    """Normalised vectors close to one direction, as a text model's are (cosine 0.7–0.9 to each other)."""
    v = 1.0 + rng.normal(0, 0.6, (n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def corpus_with_copies(seed: int = 0, distinct: int = 3000, templates: int = 20, each: int = 150):
    """(ids, vectors): `distinct` vectors held once and `templates` held by `each` chunks, interleaved
    as departments' reports are; and the map of the copies."""
    rng = np.random.default_rng(seed)
    own, tpl = cone(rng, distinct), cone(rng, templates)
    vecs = np.vstack([own, np.repeat(tpl, each, axis=0)])
    vecs = vecs[rng.permutation(len(vecs))]
    ids = np.arange(1, len(vecs) + 1, dtype=np.int64) * 3              # ids need not be dense
    keys = [vector_key(v) for v in vecs]
    flags = np.array(main_flags(keys, set()), dtype=bool)
    first = {}
    for i, k in zip(ids, keys):
        first.setdefault(k, i)
    copies = [(int(i), first[k]) for i, k, f in zip(ids, keys, flags) if not f]
    return ids, vecs, flags, VectorGroups.from_pairs([c for c, _ in copies], [m for _, m in copies])


def exact(ids, vecs, q, k, allowed=None):
    keep = np.ones(len(ids), bool) if allowed is None else np.isin(ids, allowed)
    s = vecs[keep] @ q
    order = np.lexsort((ids[keep], -s))[:k]                   # best first, ties by id
    return [(int(ids[keep][o]), float(s[o])) for o in order]


@pytest.mark.parametrize("kind", [FLAT, IVF, HNSW])
def test_grouped_search_is_an_exact_search_over_every_chunk(kind):
    ids, vecs, flags, groups = corpus_with_copies()
    index = VectorIndex.build(ids[flags], vecs[flags], kind=kind)
    served = GroupedVectors(index, groups)
    assert served.entries == 3020 and served.ntotal == len(ids) and served.ids().tolist() == sorted(ids.tolist())
    rng = np.random.default_rng(7)
    scope = np.sort(rng.choice(ids, 900, replace=False))
    for q in cone(rng, 30):
        for allowed in (None, scope):
            got, want = served.search(q, 20, allowed), exact(ids, vecs, q, 20, allowed)
            if kind == FLAT:
                assert [i for i, _ in got] == [i for i, _ in want]
            else:                                    # IVF, HNSW: approximate; among copies ties are kept
                assert sum(s >= want[-1][1] - 1e-6 for _, s in got) >= 19
            assert np.allclose([s for _, s in got], [float(vecs[np.searchsorted(ids, i)] @ q) for i, _ in got],
                               atol=1e-5)
            if allowed is not None:
                assert set(i for i, _ in got) <= set(scope.tolist())


@pytest.mark.parametrize("kind", [IVF, HNSW])
def test_an_index_of_distinct_vectors_finds_what_copies_would_crowd_out(kind):
    """The case the groups exist for: 3,000 passages of their own and 20 template passages held
    by 150 chunks each. Over one entry per vector the index finds (nearly) every exact top 10
    by score; the copies never cost it recall."""
    ids, vecs, flags, groups = corpus_with_copies(seed=3)
    served = GroupedVectors(VectorIndex.build(ids[flags], vecs[flags], kind=kind, ef_search=64), groups)
    rng = np.random.default_rng(11)
    found = []
    for q in cone(rng, 60):
        tenth = exact(ids, vecs, q, 10)[-1][1]
        found.append(sum(s >= tenth - 1e-6 for _, s in served.search(q, 10)) / 10)
    assert np.mean(found) >= 0.97


def test_without_vector_knows_a_copy_has_its_mains():
    ids, vecs, flags, groups = corpus_with_copies(distinct=50, templates=2, each=5)
    served = GroupedVectors(VectorIndex.build(ids[flags], vecs[flags], kind=FLAT), groups)
    copy = int(groups.copy_ids[0])
    assert served.without_vector([copy, int(ids[-1]), 10**9]) == {10**9}


# ------------------------------------------------------------------------------------ the store
def copy_of(src: Path, folder: Path, name: str) -> Path:
    """Another department's report on the same template: its passages that do not name the
    department are word for word the same."""
    p = folder / f"{name}.txt"
    p.write_text(src.read_text(encoding="utf-8").replace("政务服务数据管理局", f"{name}局"), encoding="utf-8")
    return p


def mains_per_key(store) -> dict:
    rows = store.conn.execute("SELECT vec_key, SUM(vec_main), COUNT(*) FROM chunks WHERE vec_key IS NOT NULL "
                              "GROUP BY vec_key").fetchall()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def assert_entries(store, idx, groups: dict) -> None:
    """The index holds one entry per distinct vector; every other chunk with a vector is a copy."""
    copies = sum(n - 1 for _, n in groups.values())
    assert len(idx.vectors.groups) == copies > 0
    assert idx.vectors.entries == len(groups) and idx.vectors.ntotal == store.count_vectors()
    assert store.read_params()["count"] == len(groups)                # the FAISS file: distinct vectors


def test_the_store_keeps_one_main_chunk_per_vector(make_store, tmp_path):
    emb = HashEmbedder(dim=384)
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    first = ingest_file(store, emb, SHANWEI)
    for name in ("文化广电旅游", "自然资源"):
        ingest_file(store, emb, copy_of(SHANWEI, tmp_path, name))
    groups = mains_per_key(store)
    assert all(m == 1 for m, _ in groups.values())                    # one main per vector
    shared = [k for k, (_, n) in groups.items() if n == 3]
    assert len(shared) >= 3                            # passages that do not name the department
    idx = SearchIndex.load(store, ann_threshold=50_000)
    assert_entries(store, idx, groups)
    q = emb.embed_query("公务接待费")
    hits = idx.vectors.search(q, 30)
    assert len({i for i, _ in hits}) == 30

    store.delete_report(first.doc_id)                                 # it held every shared vector's entry
    groups = mains_per_key(store)
    assert all(m == 1 for m, _ in groups.values()) and sum(n == 2 for _, n in groups.values()) >= len(shared)
    idx = SearchIndex.load(store, ann_threshold=50_000)
    assert_entries(store, idx, groups)
    for r in store.reports():                                          # each remaining report is found alone
        scope = idx.allowed(Filters(doc_id=r.doc_id))
        got = idx.vectors.search(q, 10, scope)
        assert len(got) == 10 and set(i for i, _ in got) <= set(scope.tolist())


def test_re_embedding_groups_the_new_vectors(make_store, tmp_path):
    emb = HashEmbedder(dim=384)
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    ingest_file(store, emb, SHANWEI)
    ingest_file(store, emb, copy_of(SHANWEI, tmp_path, "自然资源"))
    ids, chunks, _, _ = store.all_chunks()
    other = HashEmbedder(dim=256, name="hash-256")
    store.clear_vectors_model("hash-256", 256)
    store.replace_vectors(ids, other.embed_passages([c.embed_text() for c in chunks]))
    groups = mains_per_key(store)
    assert all(m == 1 for m, _ in groups.values()) and any(n == 2 for _, n in groups.values())
    assert_entries(store, SearchIndex.load(store, ann_threshold=50_000), groups)


def test_a_store_written_before_gains_the_groups_on_open(make_store, tmp_path):
    """Schema 5 had no digests: every vector in the index. Opened again, each vector's digest is
    filled in, its first chunk made its main, and the generation moves (the index is rebuilt)."""
    emb = HashEmbedder(dim=384)
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    ingest_file(store, emb, SHANTOU)
    ingest_file(store, emb, copy_of(SHANWEI, tmp_path, "自然资源"))
    ingest_file(store, emb, SHANWEI)
    want = mains_per_key(store)
    SearchIndex.load(store, ann_threshold=50_000)
    with store.tx() as c:
        c.execute("UPDATE chunks SET vec_key = NULL, vec_main = 1")
        c.execute("DELETE FROM meta WHERE key = 'vector_keys'")
        if store.backend == "postgres":           # schema 5's HNSW index over every chunk's vector
            c.execute("CREATE INDEX chunks_hnsw ON chunks USING hnsw (embedding vector_ip_ops)")
    generation = store.generation()
    again = make_store(tmp_path / "store")
    assert mains_per_key(again) == want
    if again.backend == "postgres":
        assert not again.conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'chunks_hnsw'").fetchone()
    assert again.generation() == generation + 1
    assert_entries(again, SearchIndex.load(again, ann_threshold=50_000), want)
    assert make_store(tmp_path / "store").generation() == generation + 1          # filled once
