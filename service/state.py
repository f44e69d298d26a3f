"""The loaded service state: one store, one embedder (or two), and the current
snapshot (search index + fact index + engine) that readers use while an ingest runs."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from index.ingest.report import IngestResult, Overrides, ingest_path
from index.ingest.restore import restore_version
from index.names import english
from index.names.places import load_gazetteer
from index.read.ocr import page_ocr_from
from index.search.embed import Embedder, embedder_name, make_embedder
from index.search.fact_index import FactIndex
from index.search.lexical import default_tokenizer
from index.search.retrieval import SearchIndex
from index.search.vectorless import vector_rule
from index.settings import Settings
from index.store.backends import open_store
from qa.router import Engine


@dataclass
class Snapshot:
    search: SearchIndex
    facts: FactIndex
    engine: Engine


class State:
    def __init__(self, settings: Settings, *, passage_embedder: Embedder | None = None,
                 query_embedder: Embedder | None = None):
        self.settings = settings
        self._passage = passage_embedder
        self._passage_lock = threading.Lock()
        self.query_embedder = query_embedder or (
            self.passage_embedder if settings.query_backend == settings.embed_backend
            else make_embedder(settings, "query"))
        self.embedder_name = passage_embedder.name if passage_embedder else embedder_name(settings, "passage")
        # the passage model is loaded when first needed (an ingest), not at start: the store is
        # checked against its name now, against its dimension then
        self.store = open_store(settings, model_name=self.embedder_name,
                           dim=self._passage.dim if self._passage is not None else None)
        self.ocr = page_ocr_from(settings.ocr, settings.ocr_dpi, settings.ocr_cache)   # engine built on first scan
        self._write_lock = threading.Lock()
        self.snapshot = self.load_snapshot()
        self._checked = time.monotonic()

    @property
    def passage_embedder(self) -> Embedder:
        with self._passage_lock:
            if self._passage is None:
                emb = make_embedder(self.settings, "passage")
                if getattr(self, "store", None) is not None:
                    self.store.check_dim(emb.dim)
                self._passage = emb
            return self._passage

    def load_snapshot(self) -> Snapshot:
        search = SearchIndex.load(self.store, ann_threshold=self.settings.ann_threshold)
        facts = FactIndex.load(self.store)
        engine = Engine(search=search, facts=facts, embedder=self.query_embedder, rrf_k=self.settings.rrf_k,
                        weights=(self.settings.dense_weight, self.settings.lexical_weight), store=self.store,
                        today=self.settings.today)
        default_tokenizer().tokenize("预热 warm-up")      # jieba loads its dictionary once, here
        english.prepare(load_gazetteer())                # the places' English names, once, here
        engine.catalog.org_index                         # the stored organizations' names (0.3 s at 10,000 reports)
        self.query_embedder.embed_query("预热 warm-up")
        return Snapshot(search, facts, engine)

    def current(self) -> Snapshot:
        """The snapshot to answer with. At most every `refresh_seconds` the store's generation is
        read: when another process changed the store (a `qa ingest` run, another replica on the
        same PostgreSQL database) a new snapshot is built first, by one request while the others
        keep the old one. Never while this process is writing (that write refreshes itself)."""
        now = time.monotonic()
        if now - self._checked < self.settings.refresh_seconds:
            return self.snapshot
        self._checked = now
        if self.store.generation() != self.snapshot.search.generation and self._write_lock.acquire(blocking=False):
            try:
                if self.store.generation() != self.snapshot.search.generation:
                    self.refresh()
            finally:
                self._write_lock.release()
        return self.snapshot

    def refresh(self) -> None:
        """Build a new snapshot from the store and swap it in (readers keep the old one)."""
        self.snapshot = self.load_snapshot()

    def ingest(self, path: Path, *, overrides: Overrides = Overrides(), display_name: str | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               refresh: bool = True) -> list[IngestResult]:
        """Every report of the file (a CSV export holds several), one transaction each."""
        with self._write_lock:
            results = ingest_path(self.store, self.passage_embedder, path, overrides=overrides,
                                  max_pages=self.settings.max_pages, display_name=display_name,
                                  progress=progress, ocr=self.ocr,
                                  vector_rule=vector_rule(self.settings.embed_figure_tables))
            if refresh and any(r.status != "unchanged" for r in results):
                self.refresh()
            return results

    def delete(self, doc_id: str):
        with self._write_lock:
            report = self.store.delete_report(doc_id)
            self.refresh()
            return report

    def restore(self, version_id: int) -> IngestResult:
        """An old version brought back (index/ingest/restore.py); the snapshot answers with it at once."""
        with self._write_lock:
            res = restore_version(self.store, self.passage_embedder, version_id, max_pages=self.settings.max_pages,
                                  ocr=self.ocr)
            self.refresh()
            return res

    def set_identity(self, doc_id: str, **fields):
        """A stored report's identity corrected (Store.set_identity); the snapshot answers with it at once."""
        with self._write_lock:
            old, new = self.store.set_identity(doc_id, **fields)
            self.refresh()
            return old, new


def corpus_overrides(corpus: Path) -> dict[str, Overrides]:
    """Metadata shipped with the corpus (corpus/corpus.json), by file name."""
    manifest = corpus / "corpus.json"
    if not manifest.exists():
        return {}
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {r["file"]: Overrides(city=r.get("city"), year=r.get("year"), title=r.get("title"),
                                 department=r.get("department"), report_type=r.get("report_type"),
                                 place=r.get("place"))
            for r in data.get("reports", [])}
