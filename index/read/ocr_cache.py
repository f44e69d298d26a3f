"""Per-page OCR results on disk (SQLite, JSON values, no pickle), keyed by the file's sha1, the
page, the resolution and the engine version: a long scan interrupted half-way resumes from
the first page not yet read, and a re-ingest OCRs nothing."""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from index.read.ocr_layout import Grid

# What the engine returned for a page, before any cleaning: (quad in pixels, text, confidence).
# Cleaning and layout run after the cache, so improving them needs no new OCR.
RawResult = list[tuple[list[list[float]], str, float]]


def encode(raw: RawResult, grids: tuple[Grid, ...]) -> str:
    return json.dumps({"raw": [[[[float(x), float(y)] for x, y in quad], text, float(conf)] for quad, text, conf in raw],
                       "grids": [[g.xs, g.ys, g.vdrawn, g.hdrawn] for g in grids]}, ensure_ascii=False)


def decode(value: str) -> tuple[RawResult, tuple[Grid, ...]]:
    d = json.loads(value)
    raw = [(quad, text, conf) for quad, text, conf in d["raw"]]
    grids = tuple(Grid(xs=tuple(xs), ys=tuple(ys), vdrawn=tuple(tuple(r) for r in vd), hdrawn=tuple(tuple(r) for r in hd))
                  for xs, ys, vd, hd in d["grids"])
    return raw, grids


class OcrCache:
    """sha1 + page + dpi + engine → the engine's raw result and the ruling grids of that page."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        with self.conn:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("CREATE TABLE IF NOT EXISTS ocr_pages (sha1 TEXT NOT NULL, page INTEGER NOT NULL, "
                              "dpi INTEGER NOT NULL, engine TEXT NOT NULL, value TEXT NOT NULL, "
                              "PRIMARY KEY (sha1, page, dpi, engine))")

    def get(self, sha1: str, page: int, dpi: int, engine: str) -> tuple[RawResult, tuple[Grid, ...]] | None:
        with self._lock:
            row = self.conn.execute("SELECT value FROM ocr_pages WHERE sha1=? AND page=? AND dpi=? AND engine=?",
                                    (sha1, page, dpi, engine)).fetchone()
        return decode(row[0]) if row else None

    def put(self, sha1: str, page: int, dpi: int, engine: str, raw: RawResult, grids: tuple[Grid, ...]) -> None:
        """Committed at once: what was read survives an interruption."""
        with self._lock, self.conn:
            self.conn.execute("INSERT OR REPLACE INTO ocr_pages VALUES (?,?,?,?,?)",
                              (sha1, page, dpi, engine, encode(raw, grids)))

    def count(self, sha1: str | None = None) -> int:
        with self._lock:
            if sha1 is None:
                return self.conn.execute("SELECT COUNT(*) FROM ocr_pages").fetchone()[0]
            return self.conn.execute("SELECT COUNT(*) FROM ocr_pages WHERE sha1=?", (sha1,)).fetchone()[0]

    def close(self) -> None:
        self.conn.close()
