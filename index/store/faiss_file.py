"""The FAISS file of a store (in its local folder: beside SQLite, or each machine's own for PostgreSQL),
kept in step with the store: loaded, then brought up to the store's generation by adding the vectors
of new chunks and removing those of deleted ones."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from index.store.reader import StoreReader
from index.store.vectors import FLAT, IVF, VectorIndex

BATCH = 50_000


class FaissHost(Protocol):
    """What the FAISS file needs of its store: where the file is, the meta rows, params.json."""
    index_path: Path

    def meta(self, key: str) -> str | None: ...

    def read_params(self) -> dict: ...

    def write_params(self, params: dict) -> None: ...


def load_or_build_vectors(store: FaissHost, reader: StoreReader, generation: int, ann_threshold: int) -> VectorIndex:
    """The FAISS file, brought up to the store's generation by adding the vectors of new
    chunks and removing those of deleted ones (never a rebuild for an ingest); built from the
    vectors kept in the store when the file is missing or unreadable. A chunk without a vector
    (index/search/vectorless.py) is not in it: BM25 and the facts find it; nor is a chunk whose
    vector another chunk holds (index/store/vector_groups.py)."""
    params = store.read_params()
    dim = int(store.meta("dim") or params.get("dim") or 384)
    index = None
    if store.index_path.exists():
        try:
            index = VectorIndex.load(store.index_path, ann_threshold=ann_threshold)
        except RuntimeError:  # faiss cannot read the file: rebuilt from SQLite below
            index = None
    if index is not None and (index.dim != dim or index.kind != (IVF if index.ntotal > ann_threshold else FLAT)):
        index = None                  # another model's; an HNSW file of schema 5; built for another threshold
    if index is not None and params.get("store_id") != store.meta("store_id"):
        index = None                  # a file of another store (a database recreated under the same folder)
    if index is not None and params.get("generation") == generation and params.get("count") == index.ntotal:
        return index
    live = reader.indexed_vector_ids()
    loaded = index is not None
    if index is None:                 # built at once from every vector: IVF's cells are trained on them all
        stale, missing = np.zeros(0, np.int64), np.zeros(0, np.int64)
        vecs = [reader.vectors(live[i:i + BATCH].tolist(), dim) for i in range(0, len(live), BATCH)]
        index = VectorIndex.build(live, np.vstack(vecs) if vecs else np.zeros((0, dim), np.float32), dim,
                                  ann_threshold=ann_threshold)
    else:
        have = index.ids()
        stale, missing = np.setdiff1d(have, live), np.setdiff1d(live, have)
    if len(stale):
        index.remove(stale)
    for i in range(0, len(missing), BATCH):
        part = missing[i:i + BATCH]
        index.add(part, reader.vectors(part.tolist(), dim))
    if not loaded or len(stale) or len(missing):      # a change of metadata only (qa edit): the file stands
        index.save(store.index_path)
    store.write_params({"model_name": store.meta("model_name"), "dim": dim, "kind": index.kind,
                        "count": int(index.ntotal), "generation": generation, "store_id": store.meta("store_id")})
    return index
