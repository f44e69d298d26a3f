"""The embedded store: SQLite + a FAISS file in a folder (the default backend).

SQLite is the source of truth. Every report goes in (or out) in one transaction that
also bumps a generation counter; the FAISS file is derived and carries the generation
it was built from in params.json, so a crash between the two is repaired on load by
rebuilding the index from the vectors held in SQLite. No pickle anywhere.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from index.errors import NotFound
from index.store.base import Store
from index.store.files import atomic_write_bytes
from index.store.reader import StoreReader
from index.store.schema import (
    ADD_META,
    ADDED_COLUMNS,
    INDEXES,
    SCALE_SCHEMA,
    SCHEMA,
    SCHEMA_VERSION,
    SET_META,
    VERSIONS_SCHEMA,
)


class SqliteStore(Store):
    """The embedded store: SQLite + a FAISS file in a folder. Opens one SQLite connection per
    store object; the shared SQL is `Store`'s (index/store/base.py)."""

    backend = "sqlite"
    ROW_ORDER = "rowid"                                            # insertion order of ocr_lines
    CONTAINS = "instr(replace(text, char(10), ''), ?) > 0"          # chunk text holds a phrase

    def __init__(self, root: Path, *, model_name: str | None = None, dim: int | None = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "files").mkdir(exist_ok=True)
        self.db_path = self.root / "qa.sqlite"
        self.conn = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.executescript(SCHEMA)
        self._migrate()
        self.conn.executescript(INDEXES)
        self.conn.executescript(SCALE_SCHEMA)
        self.conn.executescript(VERSIONS_SCHEMA)      # replaced reports, kept
        self._fill_lookup_tables()
        self._init_meta(model_name, dim)

    def describe(self) -> str:
        """Where the store is, for messages."""
        return str(self.root)

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A plain transaction (meta writes, re-tokenising): committed on exit, rolled back on error."""
        with self.conn:
            yield self.conn

    def reader(self):
        """Indexed reads for the answering snapshots (one read connection per thread)."""
        return StoreReader(self.db_path)

    # ---- vectors and original files ---------------------------------------
    @staticmethod
    def _vector_value(vec: np.ndarray) -> object:
        """A vector as the chunks table holds it (SQLite: float32 bytes)."""
        return np.ascontiguousarray(vec, dtype=np.float32).tobytes()

    @staticmethod
    def _vectors_of(values: Sequence[object], dim: int) -> np.ndarray:
        vecs = np.frombuffer(b"".join(values), dtype=np.float32)
        return vecs.reshape(len(values), dim or vecs.size // max(1, len(values)))

    def _save_file(self, c, doc_id: str, ext: str, data: bytes) -> None:
        """The original file, kept with the report (here: beside the database, written atomically)."""
        atomic_write_bytes(self.root / "files" / f"{doc_id}{ext}", data)

    def _file_bytes(self, c, doc_id: str, ext: str) -> bytes | None:
        """The original file kept beside the database (None: not kept)."""
        path = self.root / "files" / f"{doc_id}{ext}"
        return path.read_bytes() if path.is_file() else None

    def _migrate(self) -> None:
        """Add the columns a newer schema has to a store written by an older version."""
        with self.tx():
            for table, cols in ADDED_COLUMNS.items():
                have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
                for name, decl in cols:
                    if name not in have:
                        self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
            self._vectors_nullable()
            self.conn.execute(SET_META, ("schema", str(SCHEMA_VERSION)))

    def _vectors_nullable(self) -> None:
        """A store written before schema 4 holds `embedding BLOB NOT NULL`: its chunks table is
        copied into one whose vectors may be NULL (SQLite alters no constraint in place). Inside
        the migration's transaction: all of it or nothing."""
        cols = self.conn.execute("PRAGMA table_info(chunks)").fetchall()
        if not any(r[1] == "embedding" and r[3] for r in cols):
            return
        names = ", ".join(r[1] for r in cols)
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("DROP TABLE IF EXISTS chunks_v4")
        create = next(s for s in SCHEMA.split(";") if "CREATE TABLE IF NOT EXISTS chunks" in s)
        self.conn.execute(create.replace("IF NOT EXISTS chunks", "chunks_v4"))
        self.conn.execute(f"INSERT INTO chunks_v4 ({names}) SELECT {names} FROM chunks")
        self.conn.execute("DROP TABLE chunks")
        self.conn.execute("ALTER TABLE chunks_v4 RENAME TO chunks")
        self.conn.execute("CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id)")

    # ---- writes --------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One report in or out: all or nothing, and the generation moves with it."""
        with self.tx():
            self.conn.execute("BEGIN IMMEDIATE")
            yield self.conn
            self.conn.execute(ADD_META, (1, "generation"))

    def file_path(self, doc_id: str) -> Path:
        row = self.report_row(doc_id)
        path = self.root / "files" / f"{doc_id}{row['file_ext']}"
        if not path.exists():
            raise NotFound(f"the original file of {doc_id!r} is not kept")
        return path

    def close(self) -> None:
        self.conn.close()
