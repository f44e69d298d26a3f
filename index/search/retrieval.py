"""Hybrid retrieval over a snapshot of the store: FAISS (dense) + BM25 (lexical),
fused by reciprocal rank, with filters applied inside both searches (scope first:
the reports that pass the filters, then their chunks)."""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from index.records import Chunk, Report
from index.search.embed import Embedder
from index.search.fusion import rrf
from index.search.lexical import Tokenizer, default_tokenizer
from index.store.base import Store
from index.store.reader import StoreReader
from index.store.vectors import VectorIndex

from .scoped_bm25 import ScopedBM25


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
    """A snapshot of the store for search, rebuilt and swapped after each store change.

    Held in memory: the reports (the catalog scope resolution needs) and the FAISS index.
    Everything per chunk stays in SQLite and is read through indexes when a query needs it:
    the chunk ids of the reports in scope, their BM25 tokens (scored exactly over the scope
    with the store's corpus statistics), the text of the chunks cited."""
    generation: int
    reports: dict[str, Report]
    vectors: VectorIndex
    lexical: ScopedBM25
    reader: StoreReader
    n_chunks: int = 0
    lexical_scan_max: int = 5_000       # chunks BM25 scores exhaustively; above, the dense candidates
    lexical_candidates: int = 1_000
    query_vectors_kept: int = 64        # query embeddings kept (a comparison searches each party's
                                        # reports with the same query: it is embedded once)

    @classmethod
    def load(cls, store: Store, *, ann_threshold: int, lexical_scan_max: int = 5_000) -> "SearchIndex":
        generation = store.generation()
        reader = store.reader()
        tokenizer = default_tokenizer()
        current_tokens(store, tokenizer)
        reports = {r.doc_id: r for r in store.reports()}
        vectors = store.search_vectors(reader, generation, ann_threshold)
        lexical = ScopedBM25(reader, tokenizer)
        return cls(generation=generation, reports=reports, vectors=vectors, lexical=lexical, reader=reader,
                   n_chunks=store.count_chunks(), lexical_scan_max=lexical_scan_max)

    def __len__(self) -> int:
        return self.n_chunks

    @cached_property
    def _position(self) -> dict[str, int]:
        """Each report's place in the snapshot's order (what `docs_for` keeps)."""
        return {d: i for i, d in enumerate(self.reports)}

    def docs_for(self, f: Filters) -> list[str] | None:
        """The reports that pass the filters (None: no filtering), in the snapshot's order."""
        if f.empty():
            return None
        if f.doc_ids is not None and f == Filters(doc_ids=f.doc_ids):
            # the reports of a scope (each party of a comparison): found by id, not by a pass over every report
            pos = self._position
            return sorted({d for d in f.doc_ids if d in pos}, key=pos.__getitem__)
        cities = set(f.cities)
        wanted = set(f.doc_ids) if f.doc_ids is not None else None
        return [r.doc_id for r in self.reports.values()
                if (not f.city or r.city == f.city) and (not cities or r.city in cities)
                and (not f.year or r.year == int(f.year))
                and (not f.report_type or f.report_type in (r.report_type or ""))
                and (not f.doc_id or r.doc_id == f.doc_id)
                and (wanted is None or r.doc_id in wanted)]

    def allowed(self, f: Filters) -> np.ndarray | None:
        """Chunk row ids that pass the filters, or None for no filtering."""
        return self.scope_ids(self.docs_for(f))

    def scope_ids(self, docs: list[str] | None) -> np.ndarray | None:
        """Chunk row ids of the reports `docs`; None: no restriction — also for a scope of every
        report of the snapshot (a question that names no place), which both vector indexes then
        search unfiltered: at 10,000 reports its ids are half a million rows, and pgvector
        cannot use its index under such a filter."""
        if docs is None or len(docs) == len(self.reports):     # docs_for keeps each report once
            return None
        return self.reader.chunk_ids(docs)

    def search(self, embedder: Embedder, query: str, *, k: int = 5, filters: Filters = Filters(),
               lexical_query: str | None = None, weights: tuple[float, float] = (1.0, 1.0),
               rrf_k: int = 20, depth: int = 50, timings: Timings | None = None) -> list[Hit]:
        t = timings if timings is not None else Timings()
        docs = self.docs_for(filters)
        allowed = self.scope_ids(docs)
        if not self.n_chunks or (allowed is not None and not len(allowed)):
            return []
        t0 = time.perf_counter()
        qvec = self.query_vector(embedder, query)
        t1 = time.perf_counter()
        dense = self.vectors.search(qvec, depth, allowed)
        t2 = time.perf_counter()
        in_scope = self.n_chunks if allowed is None else len(allowed)
        if in_scope <= self.lexical_scan_max:
            lex = self.lexical.search(lexical_query or query, depth, docs)
        else:
            # a scope too large to score every chunk of: BM25 (same statistics) over the chunks
            # the dense side ranks highest in the scope
            cand = [i for i, _ in self.vectors.search(qvec, self.lexical_candidates, allowed)]
            lex = self.lexical.search_ids(lexical_query or query, depth, cand)
        t3 = time.perf_counter()
        blind = self.vectors.without_vector([i for i, _ in lex])      # tables of figures: BM25 only
        fused = rrf([[i for i, _ in dense], [i for i, _ in lex]], list(weights), k=rrf_k, unseen=[blind])
        t4 = time.perf_counter()
        t.embed += t1 - t0
        t.dense += t2 - t1
        t.lexical += t3 - t2
        t.fusion += t4 - t3
        return self.hits(fused[:k], dict(dense), dict(lex))

    def query_vector(self, embedder: Embedder, query: str) -> np.ndarray:
        """The query's embedding, kept for the last `query_vectors_kept` queries of this snapshot."""
        key = (getattr(embedder, "name", type(embedder).__name__), query)
        kept = self.__dict__.setdefault("_query_vectors", OrderedDict())
        vec = kept.get(key)
        if vec is None:
            vec = np.array(embedder.embed_query(query))
            vec.flags.writeable = False
            kept[key] = vec
            while len(kept) > self.query_vectors_kept:
                kept.popitem(last=False)
        return vec

    def hits(self, fused: Sequence[tuple[int, float]], dense: dict, lex: dict) -> list[Hit]:
        if not fused:
            return []
        top = fused[0][1] or 1.0
        chunks = self.reader.chunks_by_id([rid for rid, _ in fused])
        out = []
        for rid, score in fused:
            chunk = chunks.get(int(rid))
            report = self.reports.get(chunk.doc_id) if chunk is not None else None
            if report is None:      # deleted since this snapshot was taken
                continue
            out.append(Hit(chunk=chunk, report=report, score=score / top,
                           dense=dense.get(rid), lexical=lex.get(rid), row_id=int(rid)))
        return out

    def doc_text(self, doc_id: str) -> str:
        """A report's passages joined, in order (read from the store)."""
        return "".join(self.reader.chunk_texts(doc_id))

    def doc_text_to_page(self, doc_id: str, page: int, after_id: int = 0) -> tuple[int, str]:
        """The report's passages after chunk `after_id` joined, as far as the last one starting on or
        before `page`, and the id of that last one (`after_id` when there are none)."""
        rows = self.reader.chunk_texts_to_page(doc_id, page, after_id)
        return (rows[-1][0] if rows else after_id), "".join(t for _, t in rows)

    def chunks_of(self, doc_ids: Sequence[str] | None = None) -> dict[int, Chunk]:
        """Chunk rows (by id) of some reports, every report when None: for tests and tools."""
        ids = self.reader.chunk_ids(doc_ids)
        return self.reader.chunks_by_id(ids.tolist())


def current_tokens(store: Store, tok: Tokenizer) -> None:
    """Stored BM25 tokens, re-made once if the tokenizer changed since they were written."""
    sig = tok.signature()
    if store.meta("tokenizer") == sig or not store.count_chunks():
        return
    ids, chunks, _, _ = store.all_chunks()
    store.replace_tokens(ids, [" ".join(tok.tokenize(c.embed_text())) for c in chunks], sig)
