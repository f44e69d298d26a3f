"""The `Store` interface: every record of every report, one report per transaction, and the
reads the service and the answering snapshots make. The SQL is written once for both backends
(standard upserts, `?` parameters, orders written out in full); what differs — connections,
transactions, how a vector is held, where originals are kept, the vector search — is behind the
abstract methods that `index.store.sqlite.SqliteStore` and `index.store.postgres.PgStore` implement.
"""
from __future__ import annotations

import json
import sqlite3
import time
import uuid
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Sequence, Union

import numpy as np

from index.errors import NotFound, StoreMismatch
from index.extract.subject_keys import subject_key, view_key
from index.names.places import LEVEL_SQL
from index.records import Check, Chunk, Fact, OcrLine, Report, ReportVersion, Section, Statement
from index.store.faiss_file import load_or_build_vectors
from index.store.files import atomic_write_text
from index.store.identity import corrected, fact_periods, statement_periods
from index.store.schema import (
    ADD_META,
    FACT_ORDER,
    INIT_META,
    REPORT_ORDER,
    SCHEMA_VERSION,
    SET_META,
    STATEMENT_COLS,
    VERSION_COLS,
    chunk_from_row,
    fact_from_row,
    report_from_row,
    statement_from_row,
    version_from_row,
)
from index.store.vector_groups import GroupedVectors, main_flags, vector_key

Vectors = Union[np.ndarray, Sequence["np.ndarray | None"]]   # one per chunk; None: the chunk has no vector


class Store(ABC):
    """A store of reports: the interface every caller uses, whichever backend is behind it.
    `conn` is the backend's connection (an `execute` / `executemany` taking `?` parameters)."""

    backend = ""
    ROW_ORDER = ""          # insertion order of ocr_lines
    CONTAINS = ""           # chunk text holds a phrase (one `?`)
    root: Path              # the folder of the store (SQLite: everything; PostgreSQL: a file cache)
    conn: object

    # ---- what each backend provides ------------------------------------------------
    @abstractmethod
    def describe(self) -> str:
        """Where the store is, for messages."""

    @abstractmethod
    def tx(self):
        """A plain transaction (meta writes, re-tokenising): committed on exit, rolled back on error."""

    @abstractmethod
    def transaction(self):
        """One report in or out: all or nothing, and the generation moves with it."""

    @abstractmethod
    def reader(self):
        """Indexed reads for the answering snapshots."""

    def search_vectors(self, reader, generation: int, ann_threshold: int) -> GroupedVectors:
        """The vector index a snapshot searches: the FAISS file kept in the store's local folder
        (`root`), brought up to the store's generation; one entry per distinct vector, with the
        chunks that copy one. On PostgreSQL each machine keeps its own file, built from the
        database's vectors once and then kept in step by generation (index/store/faiss_file.py)."""
        return GroupedVectors(load_or_build_vectors(self, reader, generation, ann_threshold), reader.vector_groups())

    @property
    def params_path(self) -> Path:
        return self.root / "params.json"

    @property
    def index_path(self) -> Path:
        return self.root / "vectors.faiss"

    def read_params(self) -> dict:
        """The FAISS file's parameters (model, dimension, kind, count, generation, the store's id)."""
        if not self.params_path.exists():
            return {}
        return json.loads(self.params_path.read_text(encoding="utf-8"))

    def write_params(self, params: dict) -> None:
        atomic_write_text(self.params_path, json.dumps(params, ensure_ascii=False, indent=1))

    @staticmethod
    @abstractmethod
    def _vector_value(vec: np.ndarray) -> object:
        """A vector as the chunks table holds it."""

    def _nullable_vector(self, vec: np.ndarray | None) -> object:
        """A chunk's vector as its column holds it; NULL for a chunk without one."""
        return None if vec is None else self._vector_value(np.asarray(vec, dtype=np.float32))

    @staticmethod
    @abstractmethod
    def _vectors_of(values: Sequence[object], dim: int) -> np.ndarray:
        """Vectors as the chunks table held them → one array."""

    @abstractmethod
    def _save_file(self, c, doc_id: str, ext: str, data: bytes) -> None:
        """The original file, kept with the report, inside its transaction."""

    @abstractmethod
    def _file_bytes(self, c, doc_id: str, ext: str) -> bytes | None:
        """The report's kept original file, read inside a transaction (None: not kept)."""

    @abstractmethod
    def file_path(self, doc_id: str) -> Path:
        """A local path of the report's original file."""

    @abstractmethod
    def close(self) -> None:
        """Close the connections."""

    # ---- the same SQL on every backend ------------------------------------------------
    def _drop_files(self, doc_ids: Sequence[str]) -> None:
        for doc_id in doc_ids:
            for f in (self.root / "files").glob(f"{doc_id}.*"):
                f.unlink(missing_ok=True)

    def _fill_lookup_tables(self) -> None:
        """A store written before the lookup tables existed gets them filled once."""
        c = self.conn
        if c.execute("SELECT 1 FROM facts WHERE subject_key IS NULL LIMIT 1").fetchone():
            with self.tx() as c:
                rows = c.execute("SELECT fact_id, subject, measure FROM facts WHERE subject_key IS NULL").fetchall()
                c.executemany("UPDATE facts SET subject_key=?, view_key=? WHERE fact_id=?",
                              [(subject_key(r[1]), view_key(r[1], r[2]), r[0]) for r in rows])
                c.execute("INSERT INTO fact_subjects SELECT DISTINCT subject_key FROM facts WHERE subject_key IS NOT NULL "
                          "ON CONFLICT DO NOTHING")
                c.execute("INSERT INTO fact_subjects SELECT DISTINCT view_key FROM facts "
                          "WHERE view_key IS NOT NULL ON CONFLICT DO NOTHING")
        if c.execute("SELECT 1 FROM fact_measures LIMIT 1").fetchone() is None and \
                c.execute("SELECT 1 FROM facts LIMIT 1").fetchone() is not None:
            with self.tx() as c:       # schema 5: the distinct measures of a store written before
                c.execute("INSERT INTO fact_measures SELECT DISTINCT measure FROM facts WHERE true "
                          "ON CONFLICT DO NOTHING")
        if c.execute("SELECT value FROM meta WHERE key='lex_docs'").fetchone() is None:
            with self.tx() as c:
                self._rebuild_lex_stats(c)
        if c.execute("SELECT value FROM meta WHERE key='vector_keys'").fetchone() is None:
            self._fill_vector_keys()

    def _fill_vector_keys(self, batch: int = 20_000) -> None:
        """A store written before schema 6 (meta `vector_keys` unset; a new store passes through at
        once): each vector's digest, and its first chunk made its main, in one transaction (a store
        opened meanwhile sees all of it or none)."""
        with self.tx() as c:
            c.execute(SET_META, ("vector_keys", "1"))
            last = filled = 0
            while True:
                rows = c.execute("SELECT id, embedding FROM chunks WHERE id > ? AND embedding IS NOT NULL "
                                 "AND vec_key IS NULL ORDER BY id LIMIT ?", (last, batch)).fetchall()
                if not rows:
                    break
                vecs = self._vectors_of([r[1] for r in rows], 0)
                c.executemany("UPDATE chunks SET vec_key=? WHERE id=?",
                              [(vector_key(v), int(r[0])) for r, v in zip(rows, vecs)])
                last, filled = int(rows[-1][0]), filled + len(rows)
            if filled:
                self._regroup_vectors(c)
                c.execute(ADD_META, (1, "generation"))       # the vector index holds mains only now

    @staticmethod
    def _rebuild_lex_stats(c: sqlite3.Connection) -> None:
        c.execute("DELETE FROM lex_df")
        n, length, df = 0, 0, Counter()
        for (tokens,) in c.execute("SELECT tokens FROM chunks"):
            toks = tokens.split()
            n += 1
            length += max(1, len(toks))
            df.update(set(toks))
        c.executemany("INSERT INTO lex_df VALUES (?,?)", df.items())
        c.execute(SET_META, ("lex_docs", str(n)))
        c.execute(SET_META, ("lex_tokens", str(length)))

    @staticmethod
    def _move_lex_stats(c: sqlite3.Connection, token_rows: Sequence[str], sign: int) -> None:
        """Add (sign 1) or take away (sign -1) chunks' tokens from the BM25 statistics."""
        if not token_rows:
            return
        df: Counter = Counter()
        length = 0
        for tokens in token_rows:
            toks = tokens.split()
            length += max(1, len(toks))
            df.update(set(toks))
        c.executemany("INSERT INTO lex_df VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = lex_df.df + excluded.df",
                      sorted((t, sign * n) for t, n in df.items()))
        if sign < 0:
            c.execute("DELETE FROM lex_df WHERE df <= 0")
        c.execute(ADD_META, (sign * len(token_rows), "lex_docs"))
        c.execute(ADD_META, (sign * length, "lex_tokens"))

    def _forget_reports(self, c: sqlite3.Connection, doc_ids: Sequence[str]) -> None:
        """Delete reports (cascading to their rows), their tokens taken out of the BM25 statistics."""
        for doc_id in doc_ids:
            tokens = [r[0] for r in c.execute("SELECT tokens FROM chunks WHERE doc_id=?", (doc_id,))]
            self._move_lex_stats(c, tokens, -1)
            held = [r[0] for r in c.execute("SELECT DISTINCT vec_key FROM chunks WHERE doc_id=? AND vec_main=1 "
                                            "AND vec_key IS NOT NULL", (doc_id,))]
            c.execute("DELETE FROM reports WHERE doc_id=?", (doc_id,))
            self._promote_copies(c, held)

    # ---- versions: replaced reports kept, listed, restorable ------------------------
    def _keep_versions(self, c, doc_ids: Sequence[str], replaced_by: str) -> dict[str, int]:
        """Each replaced report's row and original bytes copied to `versions`, inside the replacing
        transaction and before the report is deleted; a version stored again is a version no more.
        Returns {replaced doc_id: its version id}."""
        c.execute("DELETE FROM versions WHERE doc_id=?", (replaced_by,))
        cols, now, ids = ",".join(VERSION_COLS), time.time(), {}
        for doc_id in doc_ids:
            row = c.execute(f"SELECT {cols} FROM reports WHERE doc_id=?", (doc_id,)).fetchone()
            if row is None:
                continue
            c.execute(f"INSERT INTO versions ({cols},replaced_by,replaced_at,data) "
                      f"VALUES ({','.join('?' * (len(VERSION_COLS) + 3))})",
                      (*row, replaced_by, now, self._file_bytes(c, doc_id, row["file_ext"])))
            # writers hold the store's write lock (transaction()): the largest id is the one just given
            ids[doc_id] = int(c.execute("SELECT MAX(version_id) FROM versions").fetchone()[0])
        return ids

    def versions(self, *, doc_id: str | None = None, identity: str | None = None) -> list[ReportVersion]:
        """The kept versions, newest first: all, those whose identity's current holder is `doc_id`
        (following replacements: v1 → v2 → the stored v3), or those of one identity key."""
        rows = self.conn.execute(f"SELECT {VERSION_META} FROM versions ORDER BY version_id DESC").fetchall()
        stored = {r[0] for r in self.conn.execute(
            "SELECT doc_id FROM reports WHERE doc_id IN (SELECT replaced_by FROM versions)")}
        by_doc: dict[str, str] = {}
        for r in reversed(rows):            # oldest first: a doc replaced twice follows its latest replacement
            by_doc[r["doc_id"]] = r["replaced_by"]
        out = [version_from_row(r, version_holder(r["replaced_by"], stored, by_doc)) for r in rows]
        return [v for v in out if (doc_id is None or v.current == doc_id)
                and (identity is None or v.identity == identity)]

    def version(self, version_id: int) -> tuple[ReportVersion, bytes | None]:
        """One version's metadata and original bytes (None when they were not kept). Raises NotFound."""
        found = [v for v in self.versions() if v.version_id == version_id] if 0 < version_id < 2 ** 63 else []
        if not found:
            raise NotFound(f"no version {version_id} in the store (qa reports --versions lists them)")
        row = self.conn.execute("SELECT data FROM versions WHERE version_id=?", (version_id,)).fetchone()
        if row is None:
            raise NotFound(f"no version {version_id} in the store")
        return found[0], (bytes(row[0]) if row[0] is not None else None)

    def remove_version(self, version_id: int) -> ReportVersion:
        """Forget a version (after it was restored: the report is stored again). Raises NotFound."""
        meta, _ = self.version(version_id)
        with self.tx() as c:
            c.execute("DELETE FROM versions WHERE version_id=?", (version_id,))
        return meta

    # ---- meta / params -------------------------------------------------
    def _init_meta(self, model_name: str | None, dim: int | None) -> None:
        with self.tx():
            self.conn.execute(INIT_META, ("schema", str(SCHEMA_VERSION)))
            self.conn.execute(INIT_META, ("generation", "0"))
            self.conn.execute(INIT_META, ("store_id", uuid.uuid4().hex))   # a FAISS file names the store it is of
            if model_name is not None:
                self.conn.execute(INIT_META, ("model_name", model_name))
            if dim is not None:
                self.conn.execute(INIT_META, ("dim", str(dim)))
        stored_model, stored_dim = self.meta("model_name"), self.meta("dim")
        if model_name is not None and stored_model != model_name and self.count_chunks():
            raise StoreMismatch(
                f"store {self.describe()} was built with model {stored_model!r}, not {model_name!r}: "
                f"run `qa reindex` to rebuild the vectors with the current model")
        if dim is not None and stored_dim is not None and int(stored_dim) != dim and self.count_chunks():
            raise StoreMismatch(
                f"store {self.describe()} holds {stored_dim}-d vectors, the model gives {dim}-d: run `qa reindex`")

    def check_dim(self, dim: int) -> None:
        """The vectors' dimension, checked against (or recorded in) the store."""
        stored = self.meta("dim")
        if stored is None:
            self.set_meta("dim", str(dim))
        elif int(stored) != dim and self.count_chunks():
            raise StoreMismatch(
                f"store {self.describe()} holds {stored}-d vectors, the model gives {dim}-d: run `qa reindex`")

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.tx():
            self.conn.execute(SET_META, (key, value))

    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    def find_same_bytes(self, sha1: str) -> Report | None:
        row = self.conn.execute("SELECT * FROM reports WHERE sha1=?", (sha1,)).fetchone()
        return report_from_row(row) if row else None

    def find_same_identity(self, identity: str) -> list[Report]:
        """Earlier versions of a report: same organization, place, year and type."""
        rows = self.conn.execute("SELECT * FROM reports WHERE identity=?", (identity,)).fetchall()
        return [report_from_row(r) for r in rows]

    def put_report(self, report: Report, *, file_ext: str, pages: Sequence[tuple[int, str]],
                   sections: Sequence[Section], chunks: Sequence[Chunk], tokens: Sequence[str],
                   vectors: Vectors, facts: Sequence[Fact], checks_fn, n_tables: int,
                   warnings: Sequence[str], replace: Sequence[str] = (),
                   statements: Sequence[Statement] = (),
                   ocr_lines: Sequence[OcrLine] = (), data: bytes | None = None) -> dict:
        """Insert a whole report, replacing `replace` doc_ids, in one transaction.

        `checks_fn(facts_with_ids) -> list[Check]` runs inside, once fact ids are known.
        `vectors`: one per chunk, None for a chunk without one (index/search/vectorless.py).
        """
        if len(chunks) != len(vectors) or len(chunks) != len(tokens):
            raise ValueError("chunks, tokens and vectors differ in length")
        vecs = [None if v is None else np.ascontiguousarray(v, dtype=np.float32) for v in vectors]
        gone = sorted(set(replace) - {report.doc_id})
        with self.transaction() as c:
            kept = self._keep_versions(c, gone, report.doc_id)
            self._forget_reports(c, sorted(set(replace) | {report.doc_id}))
            self._insert_report(c, report, file_ext, (len(sections), len(chunks), len(facts), n_tables), warnings)
            self._insert_text(c, report.doc_id, pages, sections, chunks, tokens, vecs)
            stored = self._insert_facts(c, report.doc_id, facts)
            self._insert_extras(c, report.doc_id, statements, ocr_lines)
            checks = checks_fn(stored) if checks_fn else []
            self._insert_checks(c, report.doc_id, checks)
            if data is not None:
                self._save_file(c, report.doc_id, file_ext, data)
        self._drop_files(gone)
        return {"facts": len(stored), "checks": len(checks), "statements": len(statements),
                "conflicts": sum(k.status == "conflict" for k in checks), "versions": kept}

    @staticmethod
    def _insert_report(c, report: Report, file_ext: str, counts: tuple[int, int, int, int],
                       warnings: Sequence[str]) -> None:
        """The report's row; `counts` = sections, chunks, facts, tables."""
        c.execute(
            "INSERT INTO reports (doc_id,title,city,year,department,report_type,source_name,pages,"
            "sha1,file_ext,ingested_at,n_sections,n_chunks,n_facts,n_tables,warnings,place_code,place,"
            "province,district,org_level,identity,evidence,unsure) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (report.doc_id, report.title, report.city, report.year, report.department,
             report.report_type, report.source_path, report.pages, report.sha1, file_ext,
             time.time(), *counts,
             json.dumps(list(warnings), ensure_ascii=False), report.place_code, report.place,
             report.province, report.district, report.org_level, report.identity(),
             json.dumps(list(report.evidence), ensure_ascii=False), json.dumps(list(report.unsure))))

    def _insert_text(self, c, doc_id: str, pages: Sequence[tuple[int, str]], sections: Sequence[Section],
                     chunks: Sequence[Chunk], tokens: Sequence[str], vecs: Vectors) -> None:
        """Pages, sections, and chunks with their BM25 tokens (counted into the statistics) and vectors."""
        c.executemany("INSERT INTO pages VALUES (?,?,?)", [(doc_id, n, text) for n, text in pages])
        c.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?)",
                      [(doc_id, s.section_id, s.path, s.title, s.level, s.page_start,
                        s.page_end) for s in sections])
        keys = [vector_key(v) for v in vecs]
        mains = main_flags(keys, self._held_keys(c, keys))
        c.executemany(
            "INSERT INTO chunks (chunk_id,doc_id,section_path,page_start,page_end,kind,text,tokens,"
            "embedding,vec_key,vec_main) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(ch.chunk_id, doc_id, ch.section_path, ch.page_start, ch.page_end, ch.kind,
              ch.text, tok, self._nullable_vector(vecs[i]), keys[i], mains[i])
             for i, (ch, tok) in enumerate(zip(chunks, tokens))])
        self._move_lex_stats(c, list(tokens), 1)

    @staticmethod
    def _held_keys(c, keys: Sequence[str | None]) -> set[str]:
        """Of the vector digests `keys`, those whose vector is already in the index (a stored chunk holds it)."""
        return {k for k in dict.fromkeys(keys) if k is not None and c.execute(
            "SELECT 1 FROM chunks WHERE vec_key=? AND vec_main=1 LIMIT 1", (k,)).fetchone()}

    @staticmethod
    def _promote_copies(c, keys: Sequence[str]) -> None:
        """After their main chunks were deleted: the first remaining copy of each vector holds its entry."""
        c.executemany("UPDATE chunks SET vec_main=1 WHERE id=(SELECT MIN(id) FROM chunks WHERE vec_key=?)",
                      [(k,) for k in keys])

    @staticmethod
    def _regroup_vectors(c) -> None:
        """Every vector's main chunk set again from the digests: the first chunk holding it."""
        c.execute("UPDATE chunks SET vec_main=0 WHERE vec_key IS NOT NULL AND vec_main=1 AND id > "
                  "(SELECT MIN(m.id) FROM chunks m WHERE m.vec_key = chunks.vec_key)")
        c.execute("UPDATE chunks SET vec_main=1 WHERE vec_main=0 AND (vec_key IS NULL OR id = "
                  "(SELECT MIN(m.id) FROM chunks m WHERE m.vec_key = chunks.vec_key))")

    @staticmethod
    def _insert_facts(c, doc_id: str, facts: Sequence[Fact]) -> list[Fact]:
        """The facts with their lookup keys; returned with the ids the store gave them."""
        c.executemany(
            "INSERT INTO facts (doc_id,subject,subject_raw,measure,value,unit,page,text,source,"
            "tbl,section_path,approx,qualifier,period_year,period_end,period_kind,origin,confidence,"
            "subject_key,view_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, f.subject, f.subject_raw, f.measure, float(f.value), f.unit,
              f.page, f.text, f.source, f.table, f.section_path, int(f.approx), f.qualifier,
              f.period_year, f.period_end, f.period_kind, f.origin, f.confidence, subject_key(f.subject),
              view_key(f.subject, f.measure)) for f in facts])
        # rowids are given in insert order: the report's facts are its rows, in order
        ids = [r[0] for r in c.execute("SELECT fact_id FROM facts WHERE doc_id=? ORDER BY fact_id", (doc_id,))]
        stored = [_with(f, doc_id=doc_id, fact_id=i) for f, i in zip(facts, ids)]
        keys = {subject_key(f.subject) for f in stored} | {view_key(f.subject, f.measure) for f in stored}
        c.executemany("INSERT INTO fact_subjects VALUES (?) ON CONFLICT DO NOTHING", [(k,) for k in keys if k is not None])
        c.executemany("INSERT INTO fact_measures VALUES (?) ON CONFLICT DO NOTHING",
                      [(m,) for m in sorted({f.measure for f in stored})])
        return stored

    @staticmethod
    def _insert_extras(c, doc_id: str, statements: Sequence[Statement], ocr_lines: Sequence[OcrLine]) -> None:
        """Achievement statements and the lines of pages read by OCR."""
        c.executemany(
            f"INSERT INTO statements (doc_id,{','.join(STATEMENT_COLS)}) VALUES (?{',?' * len(STATEMENT_COLS)})",
            [(doc_id, *(_db(getattr(st, k)) for k in STATEMENT_COLS)) for st in statements])
        c.executemany("INSERT INTO ocr_lines (doc_id,page,text,x0,y0,x1,y1,conf) VALUES (?,?,?,?,?,?,?,?)",
                      [(doc_id, ln.page, ln.text, ln.x0, ln.top, ln.x1, ln.bottom, ln.conf) for ln in ocr_lines])

    @staticmethod
    def _insert_checks(c, doc_id: str, checks: Sequence[Check]) -> None:
        """The consistency checks' results."""
        c.executemany(
            "INSERT INTO checks (doc_id,kind,status,message,page,fact_ids,expected,actual) "
            "VALUES (?,?,?,?,?,?,?,?)",
            [(doc_id, k.kind, k.status, k.message, k.page, json.dumps(list(k.fact_ids)),
              k.expected, k.actual) for k in checks])

    def delete_report(self, doc_id: str) -> Report:
        report = self.get_report(doc_id)
        with self.transaction() as c:
            self._forget_reports(c, [doc_id])
        self._drop_files([doc_id])
        return report

    # ---- identity corrected by the user (index/store/identity.py) ------------------------
    def set_identity(self, doc_id: str, *, place: str | None = None, organization: str | None = None,
                     year: int | None = None, report_type: str | None = None,
                     title: str | None = None) -> tuple[Report, Report]:
        """Correct a stored report's identity in one transaction, the generation moving with it:
        its row (place through the gazetteer, identity key, the edited fields certain) and the
        periods its figures were read with; chunks, vectors and everything else stay. Another
        report of the new identity stays too (parts of one report). Returns (old, new)."""
        with self.transaction() as c:
            row = c.execute("SELECT * FROM reports WHERE doc_id=?", (doc_id,)).fetchone()
            if row is None:
                raise NotFound(f"no report {doc_id!r} in the store")
            old = report_from_row(row)
            new = corrected(old, place=place, organization=organization, year=year, report_type=report_type,
                            title=title)
            c.execute("UPDATE reports SET title=?, city=?, year=?, department=?, report_type=?, place_code=?, "
                      "place=?, province=?, district=?, identity=?, evidence=?, unsure=? WHERE doc_id=?",
                      (new.title, new.city, new.year, new.department, new.report_type, new.place_code, new.place,
                       new.province, new.district, new.identity(), json.dumps(list(new.evidence), ensure_ascii=False),
                       json.dumps(list(new.unsure)), doc_id))
            if (new.year, new.report_type) != (old.year, old.report_type):
                self._read_periods_again(c, old, new)
        return old, new

    @staticmethod
    def _read_periods_again(c, old: Report, new: Report) -> None:
        """The report's figures and statements dated again for its corrected year and type."""
        facts = c.execute("SELECT fact_id, text, measure, tbl, section_path, value, unit, source FROM facts "
                          "WHERE doc_id=? ORDER BY fact_id", (new.doc_id,)).fetchall()
        c.executemany("UPDATE facts SET period_year=?, period_end=?, period_kind=? WHERE fact_id=?",
                      fact_periods(facts, new.year, new.report_type))
        statements = c.execute("SELECT * FROM statements WHERE doc_id=? ORDER BY statement_id", (new.doc_id,)).fetchall()
        c.executemany("UPDATE statements SET period_year=?, period_end=?, period_kind=? WHERE statement_id=?",
                      statement_periods(statements, old, new))

    def clear_vectors_model(self, model_name: str, dim: int) -> None:
        with self.tx():
            self.conn.execute(SET_META, ("model_name", model_name))
            self.conn.execute(SET_META, ("dim", str(dim)))

    def replace_tokens(self, ids: Sequence[int], tokens: Sequence[str], signature: str) -> None:
        """Re-tokenised chunks (the tokenizer changed); not a content change, generation stays."""
        with self.tx():
            self.conn.executemany("UPDATE chunks SET tokens=? WHERE id=?",
                                  [(t, int(i)) for i, t in zip(ids, tokens)])
            self.conn.execute(SET_META, ("tokenizer", signature))
            self._rebuild_lex_stats(self.conn)

    def replace_vectors(self, ids: Sequence[int], vectors: Vectors) -> None:
        """New vectors of chunks (`qa reindex`); None: the chunk keeps none."""
        with self.transaction() as c:
            c.executemany("UPDATE chunks SET embedding=?, vec_key=?, vec_main=1 WHERE id=?",
                          [(self._nullable_vector(v), vector_key(v), int(i)) for i, v in zip(ids, vectors)])
            self._regroup_vectors(c)

    # ---- reads ---------------------------------------------------------
    def count_chunks(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def count_vectors(self) -> int:
        """Chunks that have a vector (a table of figures has none: index/search/vectorless.py)."""
        return self.conn.execute("SELECT COUNT(*) FROM chunks WHERE embedding IS NOT NULL").fetchone()[0]

    def counts(self) -> dict:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {"reports": q("SELECT COUNT(*) FROM reports"), "chunks": q("SELECT COUNT(*) FROM chunks"),
                "facts": q("SELECT COUNT(*) FROM facts")}

    def reports(self) -> list[Report]:
        rows = self.conn.execute("SELECT * FROM reports ORDER BY " + REPORT_ORDER).fetchall()
        return [report_from_row(r) for r in rows]

    def report_rows(self) -> list[dict]:
        rows = self.conn.execute("SELECT * FROM reports ORDER BY " + REPORT_ORDER).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d.update(warnings=json.loads(d["warnings"]), **identity_lists(d))
            d["conflicts"] = self.conn.execute(
                "SELECT COUNT(*) FROM checks WHERE doc_id=? AND status='conflict'", (r["doc_id"],)).fetchone()[0]
            out.append(d)
        return out

    def get_report(self, doc_id: str) -> Report:
        row = self.conn.execute("SELECT * FROM reports WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no report {doc_id!r} in the store")
        return report_from_row(row)

    def report_row(self, doc_id: str) -> dict:
        row = self.conn.execute("SELECT * FROM reports WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no report {doc_id!r} in the store")
        d = dict(row)
        d.update(warnings=json.loads(d["warnings"]), **identity_lists(d))
        return d

    def sections(self, doc_id: str) -> list[dict]:
        rows = self.conn.execute("SELECT * FROM sections WHERE doc_id=? ORDER BY section_id", (doc_id,))
        return [dict(r) for r in rows]

    def report_text(self, doc_id: str) -> str:
        """The report's whole text, page after page."""
        return "\n".join(r[0] for r in self.conn.execute("SELECT text FROM pages WHERE doc_id=? ORDER BY page",
                                                           (doc_id,)))

    def page_text(self, doc_id: str, page: int) -> str:
        self.get_report(doc_id)
        row = self.conn.execute("SELECT text FROM pages WHERE doc_id=? AND page=?", (doc_id, page)).fetchone()
        if row is None:
            raise NotFound(f"report {doc_id!r} has no page {page}")
        return row[0]

    def ocr_lines(self, doc_id: str, page: int) -> list[OcrLine]:
        """The OCR lines of a scanned page (empty for a page with a text layer)."""
        rows = self.conn.execute("SELECT * FROM ocr_lines WHERE doc_id=? AND page=? ORDER BY " + self.ROW_ORDER,
                                 (doc_id, page)).fetchall()
        return [OcrLine(page=r["page"], text=r["text"], x0=r["x0"], top=r["y0"], x1=r["x1"], bottom=r["y1"],
                        conf=r["conf"]) for r in rows]

    def all_chunks(self) -> tuple[np.ndarray, list[Chunk], list[str], np.ndarray]:
        """(ids, chunks, tokens, vectors) of every chunk, in id order; a chunk without a vector
        (index/search/vectorless.py) has a row of zeros."""
        rows = self.conn.execute(
            "SELECT id,chunk_id,doc_id,section_path,page_start,page_end,kind,text,tokens,embedding "
            "FROM chunks ORDER BY id").fetchall()
        ids = np.array([r["id"] for r in rows], dtype=np.int64)
        chunks = [chunk_from_row(r) for r in rows]
        tokens = [r["tokens"] for r in rows]
        dim = int(self.meta("dim") or 0)
        vecs = np.zeros((len(rows), dim), dtype=np.float32)
        held = [i for i, r in enumerate(rows) if r["embedding"] is not None]
        if held:
            vecs[held] = self._vectors_of([rows[i]["embedding"] for i in held], dim)
        return ids, chunks, tokens, vecs

    def facts(self, *, city: str | None = None, year: int | None = None, doc_id: str | None = None,
              q: str | None = None, limit: int | None = None, offset: int = 0, org: str | None = None,
              place: str | None = None, period: int | None = None, kind: str | None = None) -> list[Fact]:
        """Facts filtered by report (city, year, doc, organization, place at any level) and by
        the period the fact describes (`period` year, `kind`: actual / budget / target …)."""
        sql, args = self._facts_where(city, year, doc_id, q, org, place, period, kind)
        sql = "SELECT facts.* FROM facts JOIN reports USING(doc_id)" + sql + \
              FACT_ORDER
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [fact_from_row(r) for r in self.conn.execute(sql, args)]

    def count_facts(self, *, city=None, year=None, doc_id=None, q=None, org=None, place=None, period=None,
                    kind=None) -> int:
        sql, args = self._facts_where(city, year, doc_id, q, org, place, period, kind)
        return self.conn.execute("SELECT COUNT(*) FROM facts JOIN reports USING(doc_id)" + sql, args).fetchone()[0]

    @staticmethod
    def _facts_where(city, year, doc_id, q, org=None, place=None, period=None, kind=None) -> tuple[str, list]:
        """SQL WHERE of the fact filters that are given."""
        conds = (
            (city, "reports.city = ?", [city]),
            (year, "reports.year = ?", [year]),
            (doc_id, "facts.doc_id = ?", [doc_id]),
            (org, "reports.department LIKE ?", [f"%{org}%"]),
            (place, "(reports.place LIKE ? OR reports.city = ? OR reports.province = ? OR reports.district = ?)",
             [f"%{place}%", place, place, place]),
            (period, "COALESCE(facts.period_year, reports.year) = ?", [period]),
            (kind, "facts.period_kind = ?", [kind]),
            (q, "(facts.subject LIKE ? OR facts.subject_raw LIKE ? OR facts.measure LIKE ? OR facts.text LIKE ?)",
             [f"%{q}%"] * 4),
        )
        where = [sql for given, sql, _ in conds if given]
        args = [a for given, _, values in conds if given for a in values]
        return (" WHERE " + " AND ".join(where)) if where else "", args

    def statements(self, *, topic: str | None = None, metric: str | None = None, claim: str | None = None,
                   place: str | None = None, level: str | None = None, year: int | None = None,
                   kind: str | None = None, q: str | None = None, doc_ids: Sequence[str] | None = None,
                   limit: int = 5000) -> list[tuple[Statement, Report]]:
        """Statements with their reports, filtered by topic, metric (exact; "x*" = prefix), claim,
        place (any level), place level (province | city | district), the year described, kind and text."""
        conds = (
            (topic, "statements.topic = ?", [topic]),
            (metric and not metric.endswith("*"), "statements.metric = ?", [metric]),
            (metric and metric.endswith("*"), "statements.metric LIKE ?", [(metric or "").rstrip("*") + "%"]),
            (claim, "statements.claim = ?", [claim]),
            (place, "(reports.place LIKE ? OR reports.city = ? OR reports.province = ? OR reports.district = ?)",
             [f"%{place}%", place, place, place]),
            (level in LEVEL_SQL, LEVEL_SQL.get(level or "", ""), []),
            (year, "(statements.period_year = ? OR (statements.period_year <= ? AND statements.period_end >= ?))",
             [year, year, year]),
            (kind, "statements.period_kind = ?", [kind]),
            (q, "(statements.metric LIKE ? OR statements.sentence LIKE ?)", [f"%{q}%"] * 2),
            (doc_ids is not None, f"statements.doc_id IN ({','.join('?' * len(doc_ids or ()))})", list(doc_ids or ())),
        )
        where = [sql for given, sql, _ in conds if given]
        args = [a for given, _, values in conds if given for a in values]
        sql = ("SELECT statements.*, reports.* FROM statements JOIN reports USING(doc_id)"
               + ((" WHERE " + " AND ".join(where)) if where else "")
               + " ORDER BY reports.place_code NULLS FIRST, statements.doc_id, statements.statement_id LIMIT ?")
        return [(statement_from_row(r), report_from_row(r)) for r in self.conn.execute(sql, args + [limit])]

    def sentences_with(self, phrase: str, doc_ids: Sequence[str], per_doc: int = 50) -> list[tuple[str, int, str, str]]:
        """(doc_id, page, sentence, section) of the first sentences of each report that contain `phrase`."""
        if not phrase or not doc_ids:
            return []
        marks = ",".join("?" * len(doc_ids))
        out: list[tuple[str, int, str, str]] = []
        count: dict[str, int] = {}
        seen: set[tuple[str, str]] = set()
        for r in self.conn.execute(
                f"SELECT doc_id, page_start, section_path, text FROM chunks WHERE kind='text' AND doc_id IN ({marks}) "
                f"AND {self.CONTAINS} ORDER BY id", [*doc_ids, phrase]):
            if count.get(r[0], 0) >= per_doc:
                continue
            for sentence in sentences_around(r[3].replace("\n", ""), phrase):
                if (r[0], sentence) in seen:
                    continue      # chunks overlap: one sentence once
                seen.add((r[0], sentence))
                out.append((r[0], r[1], sentence, r[2]))
                count[r[0]] = count.get(r[0], 0) + 1
        return out

    def shared_metrics(self, *, level: str | None = None, min_places: int = 2) -> list[tuple[str, str, int]]:
        """(metric, topic, places) of figure statements stated by at least `min_places` places."""
        level_sql = f" AND {LEVEL_SQL[level]}" if level in LEVEL_SQL else ""
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT metric, topic, COUNT(DISTINCT COALESCE(reports.place_code, reports.doc_id)) AS n FROM statements "
            "JOIN reports USING(doc_id) WHERE claim='figure'" + level_sql +
            " GROUP BY metric, topic HAVING COUNT(DISTINCT COALESCE(reports.place_code, reports.doc_id)) >= ? "
            "ORDER BY n DESC, metric", (min_places,))]

    def statement_topics(self) -> list[tuple[str, int, int]]:
        """(topic, statements, places) over the store, most places first."""
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT topic, COUNT(*), COUNT(DISTINCT COALESCE(reports.place_code, reports.city)) FROM statements "
            "JOIN reports USING(doc_id) GROUP BY topic ORDER BY 3 DESC, 2 DESC")]

    def facts_by_ids(self, ids: Sequence[int]) -> list[Fact]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return [fact_from_row(r) for r in self.conn.execute(
            f"SELECT * FROM facts WHERE fact_id IN ({marks})", list(ids))]

    def checks(self, *, doc_id: str | None = None, status: str | None = None) -> list[Check]:
        where, args = [], []
        if doc_id:
            where.append("doc_id=?")
            args.append(doc_id)
        if status:
            where.append("status=?")
            args.append(status)
        sql = "SELECT * FROM checks" + ((" WHERE " + " AND ".join(where)) if where else "") + " ORDER BY id"
        return [Check(doc_id=r["doc_id"], kind=r["kind"], status=r["status"], message=r["message"],
                      page=r["page"], fact_ids=tuple(json.loads(r["fact_ids"])), expected=r["expected"],
                      actual=r["actual"]) for r in self.conn.execute(sql, args)]



VERSION_META = ("version_id," + ",".join(VERSION_COLS) + ",replaced_by,replaced_at,"
                "CASE WHEN data IS NULL THEN 0 ELSE 1 END AS has_file")


def version_holder(start: str, stored: set[str], replaced_by: dict[str, str]) -> str | None:
    """The stored report at the end of a chain of replacements (None: the chain ends in a deletion)."""
    seen: set[str] = set()
    doc = start
    while doc not in stored and doc in replaced_by and doc not in seen:
        seen.add(doc)
        doc = replaced_by[doc]
    return doc if doc in stored else None


def sentences_around(text: str, phrase: str) -> list[str]:
    """Each sentence of `text` (up to 。！？；) that holds `phrase`."""
    out, i = [], text.find(phrase)
    while i >= 0:
        start = max(text.rfind(c, 0, i) for c in "。！？；") + 1
        ends = [j for j in (text.find(c, i + len(phrase)) for c in "。！？；") if j >= 0]
        end = min(ends) + 1 if ends else len(text)
        out.append(text[start:end].strip())
        i = text.find(phrase, end)
    return out


def identity_lists(row: dict) -> dict:
    """A report row's evidence and unsure fields as lists."""
    return {k: json.loads(row.get(k) or "[]") for k in ("evidence", "unsure")}


def _db(v: object) -> object:
    return int(v) if isinstance(v, bool) else v


def _with(fact: Fact, **changes) -> Fact:
    return replace(fact, **changes)
