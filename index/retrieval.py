"""Hybrid retrieval over a snapshot of the store: FAISS (dense) + BM25 (lexical),
fused by reciprocal rank, with filters applied inside both searches."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .embed import Embedder
from .fusion import rrf
from .lexical import LexicalIndex, default_tokenizer
from .records import Chunk, Report
from .store import Store
from .vectors import VectorIndex


@dataclass(frozen=True)
class Filters:
    city: str | None = None
    year: int | None = None
    report_type: str | None = None
    doc_id: str | None = None
    cities: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] | None = None   # the reports in scope (None: no restriction)

    def empty(self) -> bool:
        return not (self.city or self.year or self.report_type or self.doc_id or self.cities) \
            and self.doc_ids is None


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    report: Report
    score: float          # fused score, normalised to [0, 1] for the best hit
    dense: float | None   # cosine similarity when the dense side found it
    lexical: float | None # BM25 score when the lexical side found it
    row_id: int


@dataclass
class Timings:
    embed: float = 0.0
    dense: float = 0.0
    lexical: float = 0.0
    fusion: float = 0.0

    def as_dict(self) -> dict:
        return {k: round(v * 1000, 2) for k, v in self.__dict__.items()}


@dataclass
class SearchIndex:
    """An immutable-by-convention snapshot: rebuilt and swapped after each store change."""
    generation: int
    ids: np.ndarray
    chunks: list[Chunk]
    reports: dict[str, Report]
    vectors: VectorIndex
    lexical: LexicalIndex
    row_of: dict[int, int] = field(default_factory=dict)
    city_arr: np.ndarray = field(default_factory=lambda: np.array([]))
    year_arr: np.ndarray = field(default_factory=lambda: np.array([]))
    type_arr: np.ndarray = field(default_factory=lambda: np.array([]))
    doc_arr: np.ndarray = field(default_factory=lambda: np.array([]))

    @classmethod
    def load(cls, store: Store, *, ann_threshold: int) -> "SearchIndex":
        generation = store.generation()
        ids, chunks, tokens, vecs = store.all_chunks()
        tokens = current_tokens(store, ids, chunks, tokens)
        reports = {r.doc_id: r for r in store.reports()}
        vectors = load_or_build_vectors(store, ids, vecs, generation, ann_threshold)
        lexical = LexicalIndex.build_from_tokens(ids, [t.split() for t in tokens])
        idx = cls(generation=generation, ids=ids, chunks=chunks, reports=reports, vectors=vectors,
                  lexical=lexical)
        idx.row_of = {int(i): n for n, i in enumerate(ids)}
        rep = [reports[c.doc_id] for c in chunks]
        idx.city_arr = np.array([r.city or "" for r in rep], dtype=object)
        idx.year_arr = np.array([r.year or 0 for r in rep], dtype=np.int64)
        idx.type_arr = np.array([r.report_type or "" for r in rep], dtype=object)
        idx.doc_arr = np.array([r.doc_id for r in rep], dtype=object)
        return idx

    def __len__(self) -> int:
        return len(self.chunks)

    def allowed(self, f: Filters) -> np.ndarray | None:
        """Row ids that pass the filters, or None for no filtering."""
        if f.empty() or not len(self.ids):
            return None
        mask = np.ones(len(self.ids), dtype=bool)
        if f.city:
            mask &= self.city_arr == f.city
        if f.cities:
            mask &= np.isin(self.city_arr, list(f.cities))
        if f.year:
            mask &= self.year_arr == int(f.year)
        if f.report_type:
            mask &= np.array([f.report_type in t for t in self.type_arr], dtype=bool)
        if f.doc_id:
            mask &= self.doc_arr == f.doc_id
        if f.doc_ids is not None:
            mask &= np.isin(self.doc_arr, list(f.doc_ids))
        return self.ids[mask]

    def search(self, embedder: Embedder, query: str, *, k: int = 5, filters: Filters = Filters(),
               lexical_query: str | None = None, weights: tuple[float, float] = (1.0, 1.0),
               rrf_k: int = 60, depth: int = 50, timings: Timings | None = None) -> list[Hit]:
        t = timings if timings is not None else Timings()
        allowed = self.allowed(filters)
        if not len(self.ids) or (allowed is not None and not len(allowed)):
            return []
        t0 = time.perf_counter()
        qvec = embedder.embed_query(query)
        t1 = time.perf_counter()
        dense = self.vectors.search(qvec, depth, allowed)
        t2 = time.perf_counter()
        lex = self.lexical.search(lexical_query or query, depth, allowed)
        t3 = time.perf_counter()
        fused = rrf([[i for i, _ in dense], [i for i, _ in lex]], list(weights), k=rrf_k)
        t4 = time.perf_counter()
        t.embed += t1 - t0
        t.dense += t2 - t1
        t.lexical += t3 - t2
        t.fusion += t4 - t3
        return self.hits(fused[:k], dict(dense), dict(lex))

    def hits(self, fused: Sequence[tuple[int, float]], dense: dict, lex: dict) -> list[Hit]:
        if not fused:
            return []
        top = fused[0][1] or 1.0
        out = []
        for rid, score in fused:
            chunk = self.chunks[self.row_of[int(rid)]]
            out.append(Hit(chunk=chunk, report=self.reports[chunk.doc_id], score=score / top,
                           dense=dense.get(rid), lexical=lex.get(rid), row_id=int(rid)))
        return out


def current_tokens(store: Store, ids: np.ndarray, chunks: list[Chunk], tokens: list[str]) -> list[str]:
    """Stored BM25 tokens, re-made once if the tokenizer changed since they were written."""
    tok = default_tokenizer()
    sig = tok.signature()
    if store.meta("tokenizer") == sig:
        return tokens
    tokens = [" ".join(tok.tokenize(c.embed_text())) for c in chunks]
    store.replace_tokens(ids, tokens, sig)
    return tokens


def load_or_build_vectors(store: Store, ids: np.ndarray, vecs: np.ndarray, generation: int,
                          ann_threshold: int) -> VectorIndex:
    """Load the FAISS file when it matches the store's generation; else rebuild and save it."""
    params = store.read_params()
    if (params.get("generation") == generation and store.index_path.exists()
            and params.get("count") == len(ids)):
        try:
            return VectorIndex.load(store.index_path, ann_threshold=ann_threshold)
        except RuntimeError:  # faiss cannot read the file: rebuild it from SQLite below
            pass
    dim = vecs.shape[1] if vecs.ndim == 2 and vecs.shape[1] else int(store.meta("dim") or 384)
    index = VectorIndex.build(ids, vecs, dim=dim, ann_threshold=ann_threshold)
    index.save(store.index_path)
    store.write_params({"model_name": store.meta("model_name"), "dim": dim, "kind": index.kind,
                        "count": int(index.ntotal), "generation": generation})
    return index
