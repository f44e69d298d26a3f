"""Indexed reads of a store for the snapshots that answer questions: facts by subject key
within the reports in scope, chunk rows by id (text read when cited), chunk ids and BM25
tokens of the reports in scope, corpus statistics. Nothing is held in memory here.

Each thread gets its own read connection (SQLite WAL: readers never wait for the writer
and see committed data only), so an ingest's open transaction is never visible.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from index.extract.subject_keys import TOTALS
from index.records import Chunk, Fact
from index.store.schema import FACT_ORDER, chunk_from_row, facts_from_rows
from index.store.vector_groups import VectorGroups

CHUNK_COLS = "id, chunk_id, doc_id, section_path, page_start, page_end, kind, text"


def as_json(values: Iterable) -> str:
    """A list bound as one parameter (`IN (SELECT value FROM json_each(?))`): no variable limit."""
    return json.dumps(list(values), ensure_ascii=False)


@dataclass(frozen=True)
class UnitFilter:
    """Of the facts counted in the unit asked, those a scan reads (StoreReader.scan_candidates): the
    facts of the subject keys `keys`, those of the measures `measures` (as stored), and the prose
    figures of the subject keys `prose_keys` or whose text holds both characters of `min_pairs` of `pairs`."""
    keys: frozenset[str]
    measures: tuple[str, ...] = ()
    prose_keys: frozenset[str] = frozenset()
    pairs: tuple[str, ...] = ()
    min_pairs: int = 1


@dataclass(frozen=True)
class TotalsFilter:
    """Of the total rows of many reports, those a scan reads (StoreReader.totals_in): the ones whose table
    title holds both characters of `min_pairs` of `pairs`, the prose ones, and those counted in a unit."""
    pairs: tuple[str, ...]
    min_pairs: int


class StoreReader:
    IN_LIST = "IN (SELECT value FROM json_each(?))"     # a column's value is one of a list bound as one parameter
    HOLDS = "instr({col}, ?) > 0"                        # a text column holds a string
    AS_NUMBER = "({})"                                   # a condition counted as 1 (true) or 0

    @staticmethod
    def list_arg(values: Iterable) -> object:
        return as_json(values)

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._local = threading.local()

    @property
    def conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
            c.row_factory = sqlite3.Row
            c.execute("PRAGMA query_only=ON")
            c.execute("PRAGMA cache_size=-32000")      # 32 MB page cache per connection
            self._local.conn = c
        return c

    # ---- facts -----------------------------------------------------------
    def subject_keys(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT key FROM fact_subjects ORDER BY key")]   # one order, any backend

    def measures(self) -> list[str]:
        """The distinct measures (column names) of the store's figures, as stored."""
        return [r[0] for r in self.conn.execute("SELECT measure FROM fact_measures ORDER BY measure")]

    def count_facts(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0]

    def facts_by_key(self, column: str, keys: Sequence[str], doc_ids: Sequence[str] | None) -> list[Fact]:
        """Facts whose `column` (subject_key or view_key) is one of `keys`, within `doc_ids`
        (None: every report), in store order."""
        if column not in ("subject_key", "view_key") or not keys:
            return []
        sql = (f"SELECT facts.* FROM facts JOIN reports USING(doc_id) "
               f"WHERE facts.{column} {self.IN_LIST}")
        args: list = [self.list_arg(keys)]
        if doc_ids is not None:
            sql += f" AND facts.doc_id {self.IN_LIST}"
            args.append(self.list_arg(doc_ids))
        return facts_from_rows(self.conn.execute(sql + FACT_ORDER, args))

    def facts_of(self, doc_id: str) -> list[Fact]:
        return facts_from_rows(self.conn.execute("SELECT * FROM facts WHERE doc_id=? ORDER BY fact_id", (doc_id,)))

    def scan_candidates(self, doc_ids: Sequence[str], chars: str, unit: str | None,
                        dated: int | None = None, only: UnitFilter | None = None,
                        totals: TotalsFilter | None = None) -> list[Fact]:
        """The facts of the reports `doc_ids` that a look at every one of their facts can pick
        besides the facts of a subject key (qa.figures.rank_facts): their total rows (with `totals`,
        those it names, the prose ones and those whose unit holds `unit`: totals_named), their prose
        figures whose text holds every character of `chars` (none when `chars` is empty), their
        facts whose unit holds `unit` (with `only`, of those the ones it names); with `dated`,
        only those whose own period covers that year. Ordered by fact_id. Read through facts_key
        and facts_doc_kind (doc, source, unit): the other facts of those reports are never read."""
        docs = self.list_arg(doc_ids)
        period = "" if dated is None else " AND (period_year = ? OR (period_year <= ? AND period_end >= ?))"
        years = [] if dated is None else [dated, dated, dated]
        named, named_args = self.totals_named(totals, unit, "tbl", "source", "unit")
        parts = [f"SELECT * FROM facts WHERE doc_id {self.IN_LIST} AND subject_key {self.IN_LIST}{named}{period}"]
        args: list = [docs, self.list_arg(TOTALS), *named_args, *years]
        if chars:
            parts.append(f"SELECT * FROM facts WHERE doc_id {self.IN_LIST} AND source = 'prose' AND "
                         + " AND ".join([self.HOLDS.format(col="text")] * len(chars)) + period)
            args += [docs, *chars, *years]
        if unit and only is None:
            parts.append(f"SELECT * FROM facts WHERE fact_id IN (SELECT fact_id FROM facts "
                         f"WHERE doc_id {self.IN_LIST} AND {self.HOLDS.format(col='unit')}{period})")
            args += [docs, unit, *years]
        elif unit:
            for sql, more in self._unit_parts(only):
                parts.append(sql + period)
                args += [docs, unit, *more, *years]
        return facts_from_rows(self.conn.execute(" UNION ".join(parts) + " ORDER BY fact_id", args))

    def totals_named(self, only: TotalsFilter | None, unit: str | None, tbl: str, source: str,
                     unit_col: str) -> tuple[str, list]:
        """(" AND (…)", its arguments): of the total rows, those whose table title holds both characters
        of `only.min_pairs` of its pairs, the prose ones and, with `unit`, those whose unit holds it
        ("" and no arguments without `only`)."""
        if only is None:
            return "", []
        holds = self.HOLDS.format(col=tbl)
        named = [" + ".join([self.AS_NUMBER.format(f"{holds} AND {holds}")] * len(only.pairs)) + " >= ?"] \
            if only.pairs else []
        args: list = [c for p in only.pairs for c in p] + ([only.min_pairs] if only.pairs else [])
        named.append(f"{source} = 'prose'")
        if unit:
            named.append(self.HOLDS.format(col=unit_col))
            args.append(unit)
        return f" AND ({' OR '.join(named)})", args

    def _unit_parts(self, only: UnitFilter) -> list[tuple[str, list]]:
        """(SQL, its arguments after the reports and the unit) of each part of `only`."""
        head = f"SELECT * FROM facts WHERE doc_id {self.IN_LIST} AND {self.HOLDS.format(col='unit')}"
        out = []
        if only.keys:
            out.append((f"{head} AND subject_key {self.IN_LIST}", [self.list_arg(sorted(only.keys))]))
        if only.measures:
            out.append((f"{head} AND measure {self.IN_LIST}", [self.list_arg(only.measures)]))
        holds = self.HOLDS.format(col="text")
        pairs = " + ".join([self.AS_NUMBER.format(f"{holds} AND {holds}")] * len(only.pairs)) or "0"
        out.append((f"{head} AND source = 'prose' AND (subject_key {self.IN_LIST} OR {pairs} >= ?)",
                    [self.list_arg(sorted(only.prose_keys)), *[c for p in only.pairs for c in p], only.min_pairs]))
        return out

    def totals_in(self, doc_ids: Sequence[str] | None, only: TotalsFilter | None = None,
                  unit: str | None = None) -> list[Fact]:
        """The 合计/总计/小计 rows of the reports `doc_ids` (None: every report), in store order; with
        `only`, those it names (and those whose unit holds `unit`)."""
        if only is None:
            return self.facts_by_key("subject_key", TOTALS, doc_ids)
        named, args = self.totals_named(only, unit, "facts.tbl", "facts.source", "facts.unit")
        within = "" if doc_ids is None else f"AND facts.doc_id {self.IN_LIST}"
        sql = f"SELECT facts.* FROM facts JOIN reports USING(doc_id) WHERE facts.subject_key {self.IN_LIST} {within}{named}"
        docs = [] if doc_ids is None else [self.list_arg(doc_ids)]
        return facts_from_rows(self.conn.execute(sql + FACT_ORDER, [self.list_arg(TOTALS), *docs, *args]))

    # ---- chunks ----------------------------------------------------------
    def chunk_ids(self, doc_ids: Sequence[str] | None = None) -> np.ndarray:
        """Row ids of the chunks of `doc_ids` (every chunk when None), ascending."""
        if doc_ids is None:
            rows = self.conn.execute("SELECT id FROM chunks ORDER BY id")
        else:
            rows = self.conn.execute(f"SELECT id FROM chunks WHERE doc_id {self.IN_LIST} "
                                     "ORDER BY id", (self.list_arg(doc_ids),))
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def vector_ids(self) -> np.ndarray:
        """Row ids of the chunks that have a vector (a table of figures has none), ascending."""
        rows = self.conn.execute("SELECT id FROM chunks WHERE embedding IS NOT NULL ORDER BY id")
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def indexed_vector_ids(self) -> np.ndarray:
        """Row ids of the chunks whose vector is in the vector index: one per distinct vector
        (index/store/vector_groups.py), ascending."""
        rows = self.conn.execute("SELECT id FROM chunks WHERE embedding IS NOT NULL AND vec_main = 1 ORDER BY id")
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def vector_groups(self) -> VectorGroups:
        """The chunks whose vector another chunk holds in the index, with that chunk's id."""
        rows = self.conn.execute("SELECT c.id, m.id FROM chunks c JOIN chunks m ON m.vec_key = c.vec_key "
                                 "AND m.vec_main = 1 WHERE c.vec_main = 0").fetchall()
        return VectorGroups.from_pairs((r[0] for r in rows), (r[1] for r in rows))

    def without_vector(self, ids: Sequence[int]) -> set[int]:
        """Those of the chunk rows `ids` that have no vector."""
        if not len(ids):
            return set()
        rows = self.conn.execute(f"SELECT id FROM chunks WHERE id {self.IN_LIST} AND embedding IS NULL",
                                 (self.list_arg(int(i) for i in ids),))
        return {int(r[0]) for r in rows}

    def chunk_tokens(self, doc_ids: Sequence[str] | None, holding: Sequence[str] = ()) -> tuple[np.ndarray, list[str]]:
        """(ids, BM25 token strings) of the chunks of `doc_ids` (every chunk when None); with
        `holding`, only the chunks whose tokens hold one of those strings (the others score 0)."""
        where = " OR ".join([self.HOLDS.format(col="tokens")] * len(holding))
        if doc_ids is None:
            rows = self.conn.execute("SELECT id, tokens FROM chunks " + (f"WHERE ({where}) " if where else "")
                                     + "ORDER BY id", list(holding)).fetchall()
        else:
            rows = self.conn.execute(f"SELECT id, tokens FROM chunks WHERE doc_id {self.IN_LIST} "
                                     + (f"AND ({where}) " if where else "") + "ORDER BY id",
                                     [self.list_arg(doc_ids), *holding]).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows]

    def chunk_tokens_by_id(self, ids: Sequence[int]) -> tuple[np.ndarray, list[str]]:
        rows = self.conn.execute(f"SELECT id, tokens FROM chunks WHERE id {self.IN_LIST} "
                                 "ORDER BY id", (self.list_arg(int(i) for i in ids),)).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows]

    def chunks_by_id(self, ids: Sequence[int]) -> dict[int, Chunk]:
        rows = self.conn.execute(f"SELECT {CHUNK_COLS} FROM chunks WHERE id {self.IN_LIST}",
                                 (self.list_arg(int(i) for i in ids),))
        return {r["id"]: chunk_from_row(r) for r in rows}

    def chunk_texts(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT text FROM chunks WHERE doc_id=? ORDER BY id", (doc_id,))]

    def chunk_texts_to_page(self, doc_id: str, page: int, after_id: int = 0) -> list[tuple[int, str]]:
        """(id, text) of a report's chunks in order, after chunk `after_id` up to the last one that starts
        on or before `page`: the start of the report's text, as far as that page."""
        # the bounds first, then the rows by them: with a bound PostgreSQL knows only while running,
        # its planner walked the primary key from `after_id` (10 s at 10,000 reports)
        lo, hi = self.conn.execute("SELECT MIN(id), MAX(CASE WHEN page_start<=? THEN id END) FROM chunks "
                                   "WHERE doc_id=? AND id>?", (page, doc_id, after_id)).fetchone()
        if hi is None:
            return []
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT id, text FROM chunks WHERE doc_id=? AND id BETWEEN ? AND ? ORDER BY id", (doc_id, lo, hi))]

    def vectors(self, ids: Sequence[int], dim: int) -> np.ndarray:
        """Stored vectors of chunk rows `ids`, in that order."""
        if not len(ids):
            return np.zeros((0, dim), np.float32)
        got = {r[0]: r[1] for r in self.conn.execute(
            f"SELECT id, embedding FROM chunks WHERE id {self.IN_LIST}",
            (self.list_arg(int(i) for i in ids),))}
        return np.frombuffer(b"".join(got[int(i)] for i in ids), dtype=np.float32).reshape(len(ids), dim)

    # ---- BM25 statistics -------------------------------------------------
    def lex_totals(self) -> tuple[int, int]:
        """(chunks, tokens) the BM25 statistics count."""
        get = lambda k: int((self.conn.execute("SELECT value FROM meta WHERE key=?", (k,)).fetchone() or [0])[0])  # noqa: E731
        return get("lex_docs"), get("lex_tokens")

    def doc_freqs(self, terms: Iterable[str]) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute(
            f"SELECT term, df FROM lex_df WHERE term {self.IN_LIST}", (self.list_arg(set(terms)),))}

    def close(self) -> None:
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
            self._local.conn = None
