"""BM25 (Lucene variant, as bm25s scores it) computed exactly over the chunks in scope.

The corpus statistics (chunk count, total length, document frequency per token) are the
whole store's, kept by the store in step with every write; term frequencies are counted
from the stored token lists of the scope's chunks, read when a query needs them. So a
score is the one a BM25 index over the whole store would give, and nothing per chunk is
held in memory.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np

from index.search.lexical import Tokenizer, normalize
from index.store.reader import StoreReader


class ScopedBM25:
    def __init__(self, reader: StoreReader, tokenizer: Tokenizer, *, k1: float = 1.2, b: float = 0.75):
        self.reader, self.tokenizer = reader, tokenizer
        self.k1, self.b = k1, b
        self.n_docs, self.n_tokens = reader.lex_totals()
        self._df: dict[str, int] = {}

    def __len__(self) -> int:
        return self.n_docs

    def doc_freqs(self, terms: Sequence[str]) -> dict[str, int]:
        missing = [t for t in set(terms) if t not in self._df]
        if missing:
            got = self.reader.doc_freqs(missing)
            if len(self._df) > 200_000:
                self._df.clear()
            self._df.update({t: got.get(t, 0) for t in missing})
        return {t: self._df[t] for t in terms}

    def _idf(self, df: int) -> float:
        return float(np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)))

    def max_idf(self) -> float:
        return float(np.log(1 + (self.n_docs + 0.5) / 0.5))

    def idf(self, token: str) -> float:
        """BM25 idf of a token; 0 for a token no chunk has."""
        t = normalize(token)
        df = self.doc_freqs([t])[t]
        return self._idf(df) if df else 0.0

    def search(self, query: str | Sequence[str], k: int, doc_ids: Sequence[str] | None
               ) -> list[tuple[int, float]]:
        """Top-k (chunk id, score), best first, score > 0 only, over the chunks of `doc_ids`
        (every chunk when None)."""
        if k <= 0 or not self.n_docs:
            return []
        terms, df = self._terms(query)
        # a chunk holding none of the terms scores 0 and is never returned: only the others are read
        return self._score(terms, df, *self.reader.chunk_tokens(doc_ids, terms), k) if terms else []

    def search_ids(self, query: str | Sequence[str], k: int, ids: Sequence[int]) -> list[tuple[int, float]]:
        """The same scores over the chunks `ids` only (a candidate set chosen elsewhere)."""
        if k <= 0 or not self.n_docs or not len(ids):
            return []
        terms, df = self._terms(query)
        return self._score(terms, df, *self.reader.chunk_tokens_by_id(ids), k) if terms else []

    def _terms(self, query: str | Sequence[str]) -> tuple[list[str], dict[str, int]]:
        """The query's tokens that occur in the corpus, and every token's document frequency."""
        toks = self.tokenizer.tokenize(query) if isinstance(query, str) else list(query)
        df = self.doc_freqs(sorted(set(toks)))
        return [t for t, n in df.items() if n > 0], df

    def _score(self, terms: list[str], df: dict[str, int], ids: np.ndarray, token_rows: list[str], k: int
               ) -> list[tuple[int, float]]:
        if not len(ids):
            return []
        idf = np.array([self._idf(df[t]) for t in terms], dtype=np.float32)
        avg = self.n_tokens / self.n_docs
        tf = np.zeros((len(ids), len(terms)), dtype=np.float32)
        dl = np.ones(len(ids), dtype=np.float64)
        col = {t: j for j, t in enumerate(terms)}
        # one regex pass per chunk finds the query's tokens among its space-joined tokens
        find = re.compile("(?<!\\S)(" + "|".join(map(re.escape, sorted(terms, key=len, reverse=True)))
                          + ")(?!\\S)").findall
        for i, row in enumerate(token_rows):
            dl[i] = max(1, row.count(" ") + 1) if row else 1
            hits = find(row)
            if hits:
                for t, n in Counter(hits).items():
                    tf[i, col[t]] = n
        norm = self.k1 * ((1 - self.b) + self.b * dl / avg)
        per_term = (idf[None, :] * (tf / (norm[:, None] + tf))).astype(np.float32)
        s = per_term.sum(axis=1, dtype=np.float32)
        nz = np.flatnonzero(s > 0)
        if not len(nz):
            return []
        k = min(k, len(nz))
        part = nz[np.argpartition(-s[nz], k - 1)[:k]] if len(nz) > k else nz
        order = part[np.lexsort((ids[part], -s[part]))]
        return [(int(ids[p]), float(s[p])) for p in order]
