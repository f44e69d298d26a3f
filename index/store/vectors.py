"""FAISS wrapper: exact inner-product search for small stores, IVF (inverted lists) for big ones.

Why IVF above the threshold, not HNSW (measured at 10,000 reports, docs/benchmarks.md §7 session 12):
a province store holds thousands of near-copies of each template passage (the same section of the
same organization in every city and year) and a few reports unlike any other. HNSW's beam fills with
one family of near-copies and never reaches a small report's passages: recall@10 0.43 on the bench's
questions (粤智助覆盖情况 lost its passage); an inverted-list index scans whole cells nearest the
query: 0.99, built in 25 s instead of 400 s, and a delete re-adds without a new graph. HNSW stays
available (`kind="hnsw"`).

Ids are the int64 chunk row ids from SQLite.  Vectors are expected L2-normalised, so
scores are cosines.  Every kind is wrapped in IndexIDMap2, so `reconstruct(id)` works
and a filter (`allowed_ids`) is applied INSIDE the search through
faiss.SearchParameters(sel=IDSelectorBatch) - supported by IndexIDMap2 over
IndexFlatIP, IndexIVFFlat and IndexHNSWFlat in faiss-cpu 1.15 (the selector is translated to the
inner index's positions).

HNSW cannot delete: `remove()` rebuilds the graph from the remaining vectors, which
IndexHNSWFlat keeps in its own storage (no external copy needed); IVF is rebuilt the same way
(its cells trained again on what remains: seconds, not a graph).  The store can also
rebuild from the vectors it keeps in SQLite with `VectorIndex.build(ids, vecs, ...)`.

For HNSW and IVF with a small filter (fewer than `exact_filter_max` allowed ids) the search is
exact over just the allowed vectors (a filtered graph walk gets poor recall when
few nodes pass); the same exact path is the fallback if a filtered search comes
back short of k. IVF: `nlist` ≈ √n cells trained on the vectors themselves (k-means) when the index
is built, and again when it has grown past 4× what it was trained on or is rebuilt; `nprobe`
cells searched.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

FLAT, HNSW, IVF = "flat", "hnsw", "ivf"
IVF_NPROBE = 64          # cells searched (recall@10 0.995 on the 10k bench's questions with 1,024 cells)
IVF_MIN_LISTS = 16
IVF_TRAIN_PER_LIST = 64  # k-means sample: at most this many vectors per cell


def _ids(ids: Iterable[int] | np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))


def _vecs(vecs: np.ndarray, dim: int) -> np.ndarray:
    v = np.ascontiguousarray(np.asarray(vecs, dtype=np.float32))
    if v.ndim == 1:
        v = v.reshape(1, -1)
    if v.ndim != 2 or v.shape[1] != dim:
        raise ValueError(f"vectors must have shape [n, {dim}], got {v.shape}")
    return v


class VectorIndex:
    """`kind` is "flat" (exact), "ivf" or "hnsw"; chosen by `ann_threshold` when given:
    flat while ntotal <= ann_threshold, ivf above (converted on add / remove)."""

    def __init__(self, dim: int, kind: str | None = None, *, ann_threshold: int | None = None,
                 hnsw_m: int = 32, ef_construction: int = 200, ef_search: int = 512,
                 nprobe: int = IVF_NPROBE, exact_filter_max: int = 20_000):
        self.dim = int(dim)
        self.ann_threshold = ann_threshold
        self.hnsw_m, self.ef_construction, self.ef_search = hnsw_m, ef_construction, ef_search
        self.nprobe = nprobe
        self.exact_filter_max = exact_filter_max
        self.kind = kind or FLAT
        if self.kind not in (FLAT, HNSW, IVF):
            raise ValueError(f"kind must be 'flat', 'ivf' or 'hnsw', not {kind!r}")
        self._index = self._new(self.kind, np.zeros((0, self.dim), np.float32))
        self._idset: set[int] = set()
        self._pos: tuple[np.ndarray, np.ndarray] | None = None  # (sorted ids, positions)

    # ------------------------------------------------------------------ building
    def _new(self, kind: str, train: np.ndarray) -> faiss.IndexIDMap2:
        """An empty index of `kind`; IVF's cells trained on `train` (the vectors it is built over)."""
        if kind == FLAT:
            inner = faiss.IndexFlatIP(self.dim)
        elif kind == IVF:
            inner = _trained_ivf(self.dim, train)
            inner.nprobe = min(self.nprobe, inner.nlist)
        else:
            inner = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = self.ef_construction
            inner.hnsw.efSearch = self.ef_search
        idx = faiss.IndexIDMap2(inner)  # faiss's wrapper keeps a reference to inner
        self._pos = None
        return idx

    def _kind_for(self, n: int) -> str:
        if self.ann_threshold is None:
            return self.kind
        return IVF if n > self.ann_threshold else FLAT

    def _outgrown(self, n: int) -> bool:
        """An IVF index of `n` vectors whose cells were trained on a quarter of that or less (or on nothing)."""
        if self.kind != IVF:
            return False
        inner = faiss.downcast_index(self._index.index)
        return not inner.is_trained or ivf_lists(n) >= 2 * inner.nlist

    @classmethod
    def build(cls, ids, vecs, dim: int | None = None, *, ann_threshold: int | None = None,
              kind: str | None = None, **kw) -> "VectorIndex":
        """A fresh index over (ids, vecs); kind from ann_threshold unless given."""
        vecs = np.asarray(vecs, dtype=np.float32)
        dim = dim or (vecs.shape[1] if vecs.ndim == 2 else None)
        if dim is None:
            raise ValueError("dim is needed for an empty index")
        ids = _ids(ids)
        if kind is None:
            kind = IVF if ann_threshold is not None and len(ids) > ann_threshold else FLAT
        vecs = _vecs(vecs, dim) if len(ids) else np.zeros((0, dim), np.float32)
        vi = cls(dim, FLAT, ann_threshold=ann_threshold, **kw)
        vi._rebuild(ids, vecs, kind)
        return vi

    def _rebuild(self, ids: np.ndarray, vecs: np.ndarray, kind: str) -> None:
        self.kind = kind
        self._index = self._new(kind, vecs)
        self._idset = set()
        self._add(ids, vecs)

    def _add(self, ids: np.ndarray, vecs: np.ndarray) -> None:
        if len(ids) != len(vecs):
            raise ValueError(f"{len(ids)} ids for {len(vecs)} vectors")
        if len(np.unique(ids)) != len(ids):
            raise ValueError("duplicate ids in one add")
        dup = self._idset.intersection(ids.tolist())
        if dup:
            raise ValueError(f"ids already in the index: {sorted(dup)[:5]}")
        if len(ids):
            self._index.add_with_ids(vecs, ids)
            self._idset.update(ids.tolist())
            self._pos = None

    # --------------------------------------------------------------------- API
    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    def __len__(self) -> int:
        return self.ntotal

    def __contains__(self, id_: int) -> bool:
        return int(id_) in self._idset

    def without_vector(self, ids: Iterable[int]) -> set[int]:
        """Those of `ids` the index does not hold (chunks without a vector)."""
        return {int(i) for i in ids if int(i) not in self._idset}

    def ids(self) -> np.ndarray:
        """All ids, in insertion order."""
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vecs) of everything in the index (vectors read back from FAISS)."""
        n = self.ntotal
        if n == 0:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        inner = faiss.downcast_index(self._index.index)
        return self.ids(), inner.reconstruct_n(0, n)

    def reconstruct(self, id_: int) -> np.ndarray:
        return self._index.reconstruct(int(id_))

    def add(self, ids, vecs) -> None:
        ids = _ids(ids)
        vecs = _vecs(vecs, self.dim) if len(ids) else np.zeros((0, self.dim), np.float32)
        target = self._kind_for(self.ntotal + len(ids))
        if target != self.kind or self._outgrown(self.ntotal + len(ids)):
            # crossing ann_threshold: rebuilt as the other kind; an IVF grown 4×: its cells trained again
            old_ids, old_vecs = self.vectors()
            self._rebuild(np.concatenate([old_ids, ids]), np.concatenate([old_vecs, vecs]), target)
        else:
            self._add(ids, vecs)

    def remove(self, ids, remaining: tuple[np.ndarray, np.ndarray] | None = None) -> int:
        """Remove `ids`; returns how many were present.  Flat: in place.  HNSW: rebuilt
        from the remaining vectors - `remaining=(ids, vecs)` (e.g. from SQLite) if given,
        otherwise read back from the index's own storage."""
        ids = _ids(ids)
        present = [i for i in ids.tolist() if i in self._idset]
        if not present and remaining is None:
            return 0
        if self.kind == FLAT and remaining is None:
            n = int(self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(present, np.int64))))
            self._idset.difference_update(present)
            self._pos = None
            target = self._kind_for(self.ntotal)
            if target != self.kind:
                self._rebuild(*self.vectors(), target)
            return n
        if remaining is not None:
            keep_ids, keep_vecs = _ids(remaining[0]), _vecs(remaining[1], self.dim) \
                if len(remaining[0]) else np.zeros((0, self.dim), np.float32)
            mask = ~np.isin(keep_ids, ids)
            keep_ids, keep_vecs = keep_ids[mask], keep_vecs[mask]
        else:
            all_ids, all_vecs = self.vectors()
            mask = ~np.isin(all_ids, ids)
            keep_ids, keep_vecs = all_ids[mask], all_vecs[mask]
        self._rebuild(keep_ids, keep_vecs, self._kind_for(len(keep_ids)))
        return len(present)

    def search(self, vec: np.ndarray, k: int, allowed_ids: np.ndarray | None = None
               ) -> list[tuple[int, float]]:
        """Top-k (id, score) by inner product, best first; only `allowed_ids` if given
        (an empty array -> no results)."""
        q = _vecs(vec, self.dim)[:1]
        n = self.ntotal
        if k <= 0 or n == 0:
            return []
        if allowed_ids is None:
            return self._search(q, min(k, n), None)
        allowed = _ids(allowed_ids)
        if len(allowed) > 1 and not bool(np.all(allowed[1:] > allowed[:-1])):
            allowed = np.unique(allowed)             # (chunk ids come ascending: no sort then)
        if len(allowed) == 0:
            return []
        k = min(k, n, len(allowed))
        if self.kind != FLAT and len(allowed) <= self.exact_filter_max:
            return self._exact_subset(q, k, allowed)
        # a filter that every id in the index passes (a scope of every report) is no filter:
        # the same results without building a selector over half a million ids
        res = self._search(q, k, None if self._covers_all(allowed) else allowed)
        if len(res) < k and self.kind != FLAT:  # a filtered graph walk / cell scan came back short
            return self._exact_subset(q, k, allowed)
        return res

    def _search(self, q: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        if self.kind == HNSW:
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(self.ef_search, 2 * k)
        elif self.kind == IVF:
            params = faiss.SearchParametersIVF()
            params.nprobe = faiss.downcast_index(self._index.index).nprobe
        else:
            params = faiss.SearchParameters()
        sel = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(allowed)
            params.sel = sel
        D, I = self._index.search(q, k, params=params)
        del sel
        return [(int(i), float(d)) for i, d in zip(I[0], D[0]) if i != -1]

    def _sorted_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids ascending, their positions in the index), computed once per index state."""
        if self._pos is None:
            all_ids = self.ids()
            order = np.argsort(all_ids, kind="stable")
            self._pos = (all_ids[order], order)
        return self._pos

    def _covers_all(self, allowed: np.ndarray) -> bool:
        """`allowed` (ascending, unique) is every id in the index."""
        return len(allowed) == self.ntotal and bool(np.array_equal(allowed, self._sorted_ids()[0]))

    def _storage(self) -> np.ndarray:
        """[ntotal, dim] view (no copy) of the vectors held by the inner index (flat and HNSW)."""
        inner = faiss.downcast_index(self._index.index)
        flat = faiss.downcast_index(inner.storage) if isinstance(inner, faiss.IndexHNSW) else inner
        n = self.ntotal
        return faiss.rev_swig_ptr(flat.get_xb(), n * self.dim).reshape(n, self.dim)

    def _at(self, pos: np.ndarray) -> np.ndarray:
        """The vectors at index positions `pos` (IVF: read from its cells through the direct map)."""
        if self.kind != IVF:
            return self._storage()[pos]
        return faiss.downcast_index(self._index.index).reconstruct_batch(np.asarray(pos, dtype=np.int64))

    def _exact_subset(self, q: np.ndarray, k: int, allowed: np.ndarray) -> list[tuple[int, float]]:
        sorted_ids, order = self._sorted_ids()
        j = np.searchsorted(sorted_ids, allowed)  # allowed is sorted and unique
        ok = j < len(sorted_ids)
        ok[ok] = sorted_ids[j[ok]] == allowed[ok]
        j = j[ok]
        if len(j) == 0:
            return []
        ids, pos = sorted_ids[j], order[j]
        s = self._at(pos) @ q[0]
        top = np.argsort(-s, kind="stable")[:k]
        return [(int(ids[t]), float(s[t])) for t in top]

    # ----------------------------------------------------------------- storage
    def save(self, path: str | Path) -> None:
        """Write atomically (temp file in the same folder, then os.replace)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            faiss.write_index(self._index, tmp)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: str | Path, *, ann_threshold: int | None = None, **kw) -> "VectorIndex":
        idx = faiss.read_index(str(path))
        if not isinstance(idx, faiss.IndexIDMap2):
            idx = faiss.downcast_index(idx)
        if not isinstance(idx, faiss.IndexIDMap2):
            raise ValueError(f"{path}: not an IndexIDMap2 ({type(idx).__name__})")
        inner = faiss.downcast_index(idx.index)
        kind = HNSW if isinstance(inner, faiss.IndexHNSW) else IVF if isinstance(inner, faiss.IndexIVF) else FLAT
        vi = cls(idx.d, FLAT, ann_threshold=ann_threshold, **kw)
        vi.kind = kind
        if kind == HNSW:
            inner.hnsw.efSearch = vi.ef_search
        elif kind == IVF:
            inner.nprobe = min(vi.nprobe, inner.nlist)
            inner.make_direct_map(True)
        vi._index = idx
        vi._idset = set(vi.ids().tolist())
        return vi


def ivf_lists(n: int) -> int:
    """IVF cells for n vectors: about √n (1,000 at a million; 693 at the 10k bench's 480,000), at
    least 4 vectors a cell."""
    return max(1, min(max(IVF_MIN_LISTS, int(round(np.sqrt(max(n, 1))))), n // 4))


def _trained_ivf(dim: int, vecs: np.ndarray) -> faiss.IndexIVFFlat:
    """An IVF index (inner product) whose cells are k-means centroids of `vecs` (a sample of at most
    IVF_TRAIN_PER_LIST per cell, drawn with a fixed seed: the same vectors give the same index); its
    direct map lets the vectors of given positions be read back (the exact search of a small scope)."""
    nlist = ivf_lists(len(vecs))
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = vecs
    if len(vecs) > IVF_TRAIN_PER_LIST * nlist:
        pick = np.random.default_rng(0).choice(len(vecs), IVF_TRAIN_PER_LIST * nlist, replace=False)
        sample = vecs[np.sort(pick)]
    if len(sample):
        ivf.cp.min_points_per_centroid = 1      # a small index trains without warnings
        ivf.train(np.ascontiguousarray(sample, dtype=np.float32))
    ivf.set_direct_map_type(faiss.DirectMap.Array)
    return ivf
