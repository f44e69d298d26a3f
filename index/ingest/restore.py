"""Bring a replaced report back: its kept original bytes ingested again under the identity it was
stored with (given as the user's word, so it lands with that identity), replacing the report that
holds the identity now — which is kept as a version in turn, in the same transaction that takes
the restored version's row away (`Store.put_report`)."""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from index.errors import NotFound
from index.ingest.report import IngestResult, Overrides, Source, prepare_source, store_prepared, unchanged_result
from index.read.parse import parse_file
from index.read.pdf_reader import PageReader
from index.records import ReportVersion
from index.search.embed import Embedder
from index.store.base import Store


def version_overrides(v: ReportVersion) -> Overrides:
    """The identity and title the version was stored with."""
    return Overrides(city=v.city, year=v.year, title=v.title, department=v.department,
                     report_type=v.report_type, place=v.place or v.city)


def restore_version(store: Store, embedder: Embedder, version_id: int, *, max_pages: int = 2000,
                    ocr: PageReader | None = None,
                    progress: Callable[[str, int, int], None] | None = None) -> IngestResult:
    """Restore version `version_id`: the result says what replaced what (`summary()`), and the
    version the replaced report is kept as. Raises NotFound (no such version, or kept without
    its file) and the ingest errors."""
    t0 = time.perf_counter()
    v, data = store.version(version_id)
    if data is None:
        raise NotFound(f"version {version_id} ({v.title}) was kept without its original file: it cannot be restored")
    same = store.find_same_bytes(v.sha1)
    if same is not None:                 # its bytes are stored again already: only the row is left over
        store.remove_version(version_id)
        return replace(unchanged_result(v.source_name, same, time.perf_counter() - t0), restored_from=version_id)
    with tempfile.TemporaryDirectory(prefix="qa-restore-") as tmp:
        path = Path(tmp) / f"version{v.version_id}{v.file_ext}"
        path.write_bytes(data)
        src = Source(v.source_name, data, v.file_ext,
                     lambda: parse_file(path, max_pages=max_pages, ocr=ocr, progress=progress))
        prep = prepare_source(src, version_overrides(v), corrected=True)
    res = store_prepared(store, embedder, prep, data, progress=progress, t0=t0,
                         replacing=[v.current] if v.current else [])
    return replace(res, status="restored", restored_from=version_id)


__all__ = ["restore_version", "version_overrides"]
