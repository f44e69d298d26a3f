"""One entry in the vector index per distinct vector.

A template passage (名词解释, a table's notes, 部门职责 boilerplate) is repeated word for word in every
department's report of a city, and is embedded once at ingest (index/search/embed.py: the cache and
the memo give a repeated text the same vector, bit for bit). At province scale one such vector is
held by thousands of chunks (real budgets: 22–27 % of the evaluation stores' vectors are copies). Held
once, it costs the index (FAISS, on both backends: index/store/faiss_file.py) one entry instead of
thousands: a smaller index, cells not crowded by copies (HNSW's graph strands queries among them), and
a search's top k not filled with one passage's copies when a scope holds few of them.

So each chunk keeps its vector in the store, and carries `vec_key` (a digest of the vector's bytes)
and `vec_main` (1: the chunk holds the vector's entry in the index; 0: a copy of another chunk's
vector). The index holds the main chunks only; a search maps a scope's copies to their mains, and
expands each main it finds to the chunks of the scope that share its vector, at the same score:
the same result an exact search over every chunk gives (copies tie; they come in id order).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from index.store.vectors import VectorIndex

KEY_CHARS = 20        # hex characters of sha1 kept: 80 bits, no collision among billions of vectors


def vector_key(vec: np.ndarray | None) -> str | None:
    """The digest of a vector's float32 bytes (None: no vector)."""
    if vec is None:
        return None
    return hashlib.sha1(np.ascontiguousarray(vec, dtype=np.float32).tobytes()).hexdigest()[:KEY_CHARS]


def main_flags(keys: Sequence[str | None], held: Iterable[str]) -> list[int]:
    """For a report's chunks in order: 1 for a chunk that holds its vector's index entry (no chunk
    stored before holds that key (`held`), and no earlier chunk of the report), 0 for a copy; a
    chunk without a vector is 1 (it is in no index: the flag only says it copies nothing)."""
    seen = set(held)
    out = []
    for k in keys:
        if k is None:
            out.append(1)
        elif k in seen:
            out.append(0)
        else:
            seen.add(k)
            out.append(1)
    return out


@dataclass(frozen=True)
class VectorGroups:
    """The copies of a store's vectors: `copy_ids` (ascending) and the main chunk of each
    (`copy_mains`); and, main by main, its copies (`mains` ascending, `members` in (main, id)
    order, main i's copies at members[starts[i]:starts[i + 1]])."""
    copy_ids: np.ndarray
    copy_mains: np.ndarray
    mains: np.ndarray
    starts: np.ndarray
    members: np.ndarray

    @classmethod
    def from_pairs(cls, copy_ids: Iterable[int], mains: Iterable[int]) -> "VectorGroups":
        c = np.fromiter(copy_ids, dtype=np.int64)
        m = np.fromiter(mains, dtype=np.int64)
        if len(c) != len(m):
            raise ValueError(f"{len(c)} copies for {len(m)} mains")
        by_id = np.argsort(c, kind="stable")
        by_main = np.lexsort((c, m))
        uniq, first = np.unique(m[by_main], return_index=True)
        return cls(copy_ids=c[by_id], copy_mains=m[by_id], mains=uniq,
                   starts=np.append(first, len(c)).astype(np.int64), members=c[by_main])

    @classmethod
    def empty(cls) -> "VectorGroups":
        return cls.from_pairs((), ())

    def __len__(self) -> int:
        """How many chunks are copies (not in the index)."""
        return len(self.copy_ids)

    def mains_for(self, allowed: np.ndarray) -> np.ndarray:
        """The index entries a scope (chunk ids, ascending and unique) is searched by: its own
        chunks and the main of each of its copies; ascending and unique."""
        if not len(self) or not len(allowed):
            return allowed
        j = np.minimum(np.searchsorted(self.copy_ids, allowed), len(self.copy_ids) - 1)
        is_copy = self.copy_ids[j] == allowed
        if not is_copy.any():
            return allowed
        return np.union1d(allowed[~is_copy], self.copy_mains[j[is_copy]])

    def copies_of(self, main: int) -> np.ndarray:
        """The chunks that share `main`'s vector, ascending (empty: none)."""
        i = int(np.searchsorted(self.mains, main))
        if i == len(self.mains) or self.mains[i] != main:
            return self.members[:0]
        return self._copies_at(i)

    def _copies_at(self, i: int) -> np.ndarray:
        """The copies of the i-th main (`mains[i]`)."""
        return self.members[self.starts[i]:self.starts[i + 1]]

    def expand(self, hits: Sequence[tuple[int, float]], k: int, allowed: np.ndarray | None = None
               ) -> list[tuple[int, float]]:
        """Each main found, followed by its copies (same score), those of the scope `allowed` only
        (ascending) when given; the first k."""
        if not len(self) or not hits:
            return list(hits[:k])
        found = np.fromiter((h[0] for h in hits), dtype=np.int64, count=len(hits))
        pos = np.minimum(np.searchsorted(self.mains, found), len(self.mains) - 1)
        grouped = self.mains[pos] == found                  # the hits that have copies (the others: as found)
        inside = np.ones(len(found), bool) if allowed is None else _within(found, allowed)
        out: list[tuple[int, float]] = []
        for (main, score), g, i, at in zip(hits, grouped, inside, pos):
            if g:
                ids = np.append(np.int64(main), self._copies_at(at))
                if allowed is not None:
                    ids = np.sort(ids[_within(ids, allowed)])
                out.extend((int(x), score) for x in ids[:k - len(out)])
            elif i:
                out.append((int(main), score))
            if len(out) >= k:
                break
        return out


def _within(ids: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Which of `ids` are in `allowed` (ascending, unique)."""
    pos = np.minimum(np.searchsorted(allowed, ids), len(allowed) - 1)
    return allowed[pos] == ids


class GroupedVectors:
    """The vector search of a snapshot over every chunk with a vector: `index` holds one entry per
    distinct vector, `groups` gives the chunks that copy one."""

    def __init__(self, index: VectorIndex, groups: VectorGroups):
        self.index, self.groups = index, groups
        self.kind, self.dim = index.kind, index.dim

    @property
    def entries(self) -> int:
        """Entries in the index (distinct vectors)."""
        return int(self.index.ntotal)

    @property
    def ntotal(self) -> int:
        """Chunks with a vector (entries and their copies)."""
        return self.entries + len(self.groups)

    def __len__(self) -> int:
        return self.ntotal

    def ids(self) -> np.ndarray:
        """Every chunk with a vector, ascending."""
        return np.union1d(self.index.ids(), self.groups.copy_ids)

    def without_vector(self, ids: Iterable[int]) -> set[int]:
        """Those of `ids` that have no vector (a copy has its main's)."""
        ids = np.asarray([int(i) for i in ids], dtype=np.int64)
        if not len(self.groups) or not len(ids):
            return self.index.without_vector(ids.tolist())
        return self.index.without_vector(ids[~_within(ids, self.groups.copy_ids)].tolist())

    def search(self, vec: np.ndarray, k: int, allowed_ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk id, score), best first; within `allowed_ids` (chunk ids) when given."""
        if k <= 0:
            return []
        if allowed_ids is None:
            return self.groups.expand(self.index.search(vec, k, None), k)
        allowed = np.asarray(allowed_ids, dtype=np.int64).reshape(-1)
        if len(allowed) > 1 and not bool(np.all(allowed[1:] > allowed[:-1])):
            allowed = np.unique(allowed)
        if not len(allowed):
            return []
        return self.groups.expand(self.index.search(vec, k, self.groups.mains_for(allowed)), k, allowed)
