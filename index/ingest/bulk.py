"""Bulk ingest of many files: parsing, fact extraction and tokenising in a process pool,
embedding and the one-transaction write per report in this process, in file order.

Resumable: every report is its own transaction, and a file whose bytes are already stored is
skipped before it is parsed, so after a kill the same command finishes what is left. At most
`2 × workers` parsed files wait for the embedder, so memory stays bounded whatever the count.
"""
from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from index.errors import IngestError
from index.ingest.report import (
    IngestResult,
    Overrides,
    Prepared,
    merge,
    prepare_source,
    sources_of,
    store_prepared,
    unchanged_result,
)
from index.read.ocr import page_ocr_from
from index.records import Chunk
from index.search.embed import Embedder
from index.search.lexical import default_tokenizer
from index.search.vectorless import needs_vector
from index.store.base import Store

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Parsed:
    """What a worker sends back for one file: its reports prepared, or why it could not be read."""
    path: str
    reports: tuple[tuple[Prepared, bytes | None], ...] = ()   # bytes for a CSV row (the file's otherwise)
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Summary:
    results: list[IngestResult] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results if r.status != "unchanged")

    @property
    def chars(self) -> int:
        """Characters of text read (the reports stored in this run)."""
        return sum(r.chars for r in self.results if r.status != "unchanged")

    def rates(self) -> dict[str, float]:
        """pages/s, chunks/s, chars/s over the whole run, and the share of it spent embedding."""
        per_s = (lambda n: n / self.seconds if self.seconds else 0.0)
        return {"pages_s": per_s(self.pages), "chunks_s": per_s(sum(r.chunks for r in self.results)),
                "chars_s": per_s(self.chars),
                "embed_share": self.embed_seconds / self.seconds if self.seconds else 0.0}

    def chunks_line(self) -> str:
        """How many chunks, and how many of them have a vector (index/search/vectorless.py)."""
        n = sum(r.chunks for r in self.results)
        held = sum(r.embedded for r in self.results if r.status != "unchanged")
        fresh = sum(r.chunks for r in self.results if r.status != "unchanged")
        left = f"; {fresh - held} tables of figures without one (BM25 and the facts find them)" if held < fresh else ""
        return f"{n} chunks ({held} embedded{left})"

    def line(self) -> str:
        n = {s: sum(r.status == s for r in self.results) for s in ("new", "replaced", "unchanged")}
        rate = self.rates()
        return (f"ingested {len(self.results)} report(s): {n['new']} new, {n['replaced']} new version(s) replacing "
                f"stored ones, {n['unchanged']} already stored; {self.pages} pages, {self.chars} characters, "
                f"{sum(r.sections for r in self.results)} sections, {self.chunks_line()}, "
                f"{sum(r.tables for r in self.results)} tables, {sum(r.facts for r in self.results)} facts in "
                f"{self.seconds:.1f}s ({rate['pages_s']:.1f} pages/s, {rate['chunks_s']:.1f} chunks/s, "
                f"{rate['chars_s']:.0f} chars/s; embedding {self.embed_seconds:.1f}s = "
                f"{100 * rate['embed_share']:.0f} %)"
                + (f"; {len(self.failed)} failed" if self.failed else ""))


def default_workers() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


def _init_worker() -> None:
    """A worker ends with its parent (a killed `qa ingest` leaves no parser behind), and loads
    jieba's dictionary once."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    default_tokenizer().tokenize("预热")


@dataclass(frozen=True)
class OcrConfig:
    """How workers read scanned pages (index/read/ocr.py): mode off | auto | force, dpi, page cache."""
    mode: str = "off"
    dpi: int = 200
    cache: Path | None = None


def ocr_progress(name: str):
    """A per-page OCR bar on stderr, drawn by the worker reading the scan."""
    from tqdm import tqdm
    bar: dict = {}

    def progress(stage: str, n: int, total: int) -> None:
        if stage != "ocr":
            return
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit="page", desc=f"  ocr {name[:24]}", leave=False, file=sys.stderr)
        bar["bar"].n = n
        bar["bar"].refresh()

    def close() -> None:
        if "bar" in bar:
            bar["bar"].close()
    return progress, close


def prepare_file(path: str, overrides: Overrides, max_pages: int, ocr: OcrConfig = OcrConfig()) -> Parsed:
    """Worker: every report of one file, prepared (parse — scanned pages by OCR —, facts, tokens)."""
    t0 = time.perf_counter()
    p = Path(path)
    progress, close = ocr_progress(p.name)
    try:
        if not p.exists():
            raise IngestError(f"{p}: 文件不存在 (no such file)")
        out = []
        reader = page_ocr_from(ocr.mode, ocr.dpi, ocr.cache)
        for src in sources_of(p, p.name, max_pages=max_pages, ocr=reader, progress=progress, folder=p.parent.name):
            prep = prepare_source(src, merge(overrides, src.hints), corrected=overrides != Overrides())
            out.append((prep, src.data if src.ext != p.suffix.lower() else None))
        return Parsed(path, tuple(out), seconds=time.perf_counter() - t0)
    except IngestError as e:
        return Parsed(path, error=str(e), seconds=time.perf_counter() - t0)
    finally:
        close()


def already_stored(store: Store, path: Path, overrides: Overrides) -> IngestResult | None:
    """A single-report file whose bytes are stored (and no metadata given to correct it)."""
    if path.suffix.lower() == ".csv" or overrides != Overrides() or not path.exists():
        return None
    same = store.find_same_bytes(hashlib.sha1(path.read_bytes()).hexdigest())
    return unchanged_result(path.name, same, 0.0) if same is not None else None


class TimedEmbedder:
    """Wraps an embedder to add up the time spent embedding."""

    def __init__(self, inner: Embedder):
        self.inner, self.seconds = inner, 0.0
        self.name, self.dim = inner.name, inner.dim

    def embed_passages(self, texts, batch_size: int = 32, progress=None):
        t = time.perf_counter()
        try:
            return self.inner.embed_passages(texts, batch_size, progress)
        finally:
            self.seconds += time.perf_counter() - t

    def embed_query(self, text: str):
        return self.inner.embed_query(text)


def bulk_ingest(store: Store, embedder: Embedder, files: Sequence[Path], *,
                overrides_for: Callable[[Path], Overrides] = lambda p: Overrides(),
                max_pages: int = 2000, workers: int | None = None, batch_size: int = 32,
                on_result: Callable[[Path, IngestResult | None, str | None], None] | None = None,
                ocr: OcrConfig = OcrConfig(), vector_rule: Callable[[Chunk], bool] = needs_vector) -> Summary:
    """Ingest `files` (already expanded) in order; `on_result(path, result, error)` after each report
    or failed file. `vector_rule`: which chunks get a vector (index/search/vectorless.py)."""
    t0 = time.perf_counter()
    summary = Summary()
    timed = TimedEmbedder(embedder)
    report = on_result or (lambda path, res, err: None)
    todo: list[Path] = []
    for p in files:
        same = already_stored(store, p, overrides_for(p))
        if same is not None:
            summary.results.append(same)
            report(p, same, None)
        else:
            todo.append(p)
    workers = workers or default_workers()
    window = 2 * workers
    ctx = multiprocessing.get_context("spawn")     # no fork of a process that holds torch threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as pool:
        pending: deque[tuple[Path, Future]] = deque()
        queue = deque(todo)
        while queue or pending:
            while queue and len(pending) < window:
                p = queue.popleft()
                pending.append((p, pool.submit(prepare_file, str(p), overrides_for(p), max_pages, ocr)))
            p, fut = pending.popleft()
            parsed: Parsed = fut.result()
            if parsed.error is not None:
                summary.failed.append((p, parsed.error))
                report(p, None, parsed.error)
                continue
            for prep, data in parsed.reports:
                res = store_prepared(store, timed, prep, data if data is not None else p.read_bytes(),
                                     batch_size=batch_size, vector_rule=vector_rule)
                summary.results.append(res)
                report(p, res, None)
    summary.seconds = time.perf_counter() - t0
    summary.embed_seconds = timed.seconds
    return summary
