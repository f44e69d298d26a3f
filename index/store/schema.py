"""The store's tables, written once for both backends (SQLite and PostgreSQL): the schema,
the meta-row upserts, the orders written out in full, and rows → records."""
from __future__ import annotations

import json
import sqlite3

from index.records import Chunk, Fact, Report, ReportVersion, Statement

SCHEMA_VERSION = 6          # 3: facts_doc_kind (SCALE_SCHEMA); 4: a chunk may have no vector (NULL embedding);
                            # 5: fact_measures (the distinct measures, filled once on open);
                            # 6: vec_key / vec_main, one index entry per distinct vector (vector_groups.py)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, city TEXT, year INTEGER,
    department TEXT, report_type TEXT, source_name TEXT NOT NULL, pages INTEGER NOT NULL,
    sha1 TEXT NOT NULL, file_ext TEXT NOT NULL, ingested_at REAL NOT NULL,
    n_sections INTEGER NOT NULL DEFAULT 0, n_chunks INTEGER NOT NULL DEFAULT 0,
    n_facts INTEGER NOT NULL DEFAULT 0, n_tables INTEGER NOT NULL DEFAULT 0,
    warnings TEXT NOT NULL DEFAULT '[]', place_code TEXT, place TEXT, province TEXT, district TEXT,
    org_level TEXT, identity TEXT, evidence TEXT NOT NULL DEFAULT '[]', unsure TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES reports(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (doc_id, page));
CREATE TABLE IF NOT EXISTS sections (
    doc_id TEXT NOT NULL REFERENCES reports(doc_id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL, path TEXT NOT NULL, title TEXT NOT NULL, level INTEGER NOT NULL,
    page_start INTEGER NOT NULL, page_end INTEGER NOT NULL, PRIMARY KEY (doc_id, section_id));
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL,
    doc_id TEXT NOT NULL REFERENCES reports(doc_id) ON DELETE CASCADE,
    section_path TEXT NOT NULL, page_start INTEGER NOT NULL, page_end INTEGER NOT NULL,
    kind TEXT NOT NULL, text TEXT NOT NULL, tokens TEXT NOT NULL, embedding BLOB,
    vec_key TEXT, vec_main INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS facts (
    fact_id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES reports(doc_id) ON DELETE CASCADE,
    subject TEXT NOT NULL, subject_raw TEXT NOT NULL, measure TEXT NOT NULL,
    value REAL NOT NULL, unit TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL,
    source TEXT NOT NULL, tbl TEXT NOT NULL, section_path TEXT NOT NULL,
    approx INTEGER NOT NULL, qualifier TEXT NOT NULL,
    period_year INTEGER, period_end INTEGER, period_kind TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id);
CREATE INDEX IF NOT EXISTS facts_subject ON facts(subject);
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES reports(doc_id) ON DELETE CASCADE,
    kind TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL, page INTEGER NOT NULL,
    fact_ids TEXT NOT NULL, expected REAL, actual REAL);
CREATE INDEX IF NOT EXISTS checks_doc ON checks(doc_id);
CREATE TABLE IF NOT EXISTS statements (
    statement_id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES reports(doc_id) ON DELETE CASCADE,
    claim TEXT NOT NULL, metric TEXT NOT NULL, topic TEXT NOT NULL, text TEXT NOT NULL,
    sentence TEXT NOT NULL, page INTEGER NOT NULL, section_path TEXT NOT NULL,
    value REAL, unit TEXT NOT NULL, value_std REAL, unit_std TEXT NOT NULL, start REAL,
    rank TEXT NOT NULL, rank_no INTEGER, period_year INTEGER, period_end INTEGER,
    period_kind TEXT NOT NULL, approx INTEGER NOT NULL, bound TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS statements_doc ON statements(doc_id);
CREATE INDEX IF NOT EXISTS statements_metric ON statements(metric, period_year);
CREATE INDEX IF NOT EXISTS statements_topic ON statements(topic);
CREATE TABLE IF NOT EXISTS ocr_lines (
    doc_id TEXT NOT NULL REFERENCES reports(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL, text TEXT NOT NULL, x0 REAL NOT NULL, y0 REAL NOT NULL,
    x1 REAL NOT NULL, y1 REAL NOT NULL, conf REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ocr_lines_page ON ocr_lines(doc_id, page);
"""
STATEMENT_COLS = ("claim", "metric", "topic", "text", "sentence", "page", "section_path", "value", "unit",
                  "value_std", "unit_std", "start", "rank", "rank_no", "period_year", "period_end",
                  "period_kind", "approx", "bound")
INDEXES = """
CREATE INDEX IF NOT EXISTS reports_identity ON reports(identity);
CREATE INDEX IF NOT EXISTS reports_sha1 ON reports(sha1);
CREATE INDEX IF NOT EXISTS reports_place ON reports(place_code, year);
"""
# What lookups need at scale without holding the store in memory: facts by subject key within
# the reports in scope, the prose facts of a report and its facts by unit (facts_doc_kind, schema 3:
# a comparison across every place reads those, never every fact of every report), the distinct
# subject keys and the distinct measures (columns: fact_measures, schema 5 — whether any figure's
# column may be named inside a question's topic), and the BM25 corpus statistics (document frequency
# per token, chunk count and total length in meta) kept in step with every write; the chunks by vector
# digest and the copies of a vector (schema 6: index/store/vector_groups.py). Created on open when
# missing (a store of an earlier schema gains them then, once).
SCALE_SCHEMA = """
CREATE INDEX IF NOT EXISTS facts_key ON facts(subject_key, doc_id);
CREATE INDEX IF NOT EXISTS facts_view ON facts(view_key, doc_id) WHERE view_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_doc_kind ON facts(doc_id, source, unit, fact_id);
CREATE TABLE IF NOT EXISTS fact_subjects (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fact_measures (measure TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lex_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS chunks_vec_key ON chunks(vec_key, vec_main, id) WHERE vec_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS chunks_copies ON chunks(id, vec_key) WHERE vec_main = 0;
"""
# every replaced report, kept: its metadata and its original bytes, written in the transaction
# that replaces it (a store written before gains the table on open). AUTOINCREMENT: a version id
# once printed (`qa restore N`) never names another version later.
VERSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    version_id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, identity TEXT, title TEXT NOT NULL,
    department TEXT, place TEXT, city TEXT, place_code TEXT, org_level TEXT, year INTEGER, report_type TEXT,
    source_name TEXT NOT NULL, sha1 TEXT NOT NULL, file_ext TEXT NOT NULL, pages INTEGER NOT NULL,
    ingested_at REAL NOT NULL, replaced_by TEXT NOT NULL, replaced_at REAL NOT NULL, data BLOB);
CREATE INDEX IF NOT EXISTS versions_doc ON versions(doc_id);
CREATE INDEX IF NOT EXISTS versions_identity ON versions(identity);
"""
# the columns a version copies from its report row (all but the version's own)
VERSION_COLS = ("doc_id", "identity", "title", "department", "place", "city", "place_code", "org_level", "year",
                "report_type", "source_name", "sha1", "file_ext", "pages", "ingested_at")

# columns added after schema 1: a store written by an older version gains them on open
ADDED_COLUMNS = {
    "reports": (("place_code", "TEXT"), ("place", "TEXT"), ("province", "TEXT"), ("district", "TEXT"),
                ("org_level", "TEXT"), ("identity", "TEXT"),
                ("evidence", "TEXT NOT NULL DEFAULT '[]'"), ("unsure", "TEXT NOT NULL DEFAULT '[]'")),
    "chunks": (("vec_key", "TEXT"), ("vec_main", "INTEGER NOT NULL DEFAULT 1")),
    "facts": (("period_year", "INTEGER"), ("period_end", "INTEGER"), ("period_kind", "TEXT NOT NULL DEFAULT ''"),
              ("origin", "TEXT NOT NULL DEFAULT ''"), ("confidence", "REAL"),
              ("subject_key", "TEXT"), ("view_key", "TEXT")),
}

# meta rows: set, set once, add to a counter (written once for both backends: standard upserts)
SET_META = "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
INIT_META = "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO NOTHING"
ADD_META = "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + ? AS TEXT) WHERE key = ?"

# orders written out in full: NULLS FIRST is SQLite's default, PostgreSQL's is the opposite
REPORT_ORDER = "place NULLS FIRST, department NULLS FIRST, year NULLS FIRST, title"
FACT_ORDER = (" ORDER BY reports.place NULLS FIRST, reports.department NULLS FIRST, reports.year NULLS FIRST, "
              "facts.doc_id, facts.fact_id")

REPORT_COLS = ("doc_id", "title", "city", "year", "department", "report_type",
               "source_name", "pages", "sha1")


def report_from_row(row: sqlite3.Row) -> Report:
    return Report(doc_id=row["doc_id"], title=row["title"], city=row["city"], year=row["year"],
                  department=row["department"], report_type=row["report_type"],
                  source_path=row["source_name"], pages=row["pages"], sha1=row["sha1"],
                  place_code=row["place_code"], place=row["place"], province=row["province"],
                  district=row["district"], org_level=row["org_level"],
                  evidence=tuple(json.loads(row["evidence"] or "[]")), unsure=tuple(json.loads(row["unsure"] or "[]")))


def fact_from_row(row: sqlite3.Row) -> Fact:
    return Fact(subject=row["subject"], subject_raw=row["subject_raw"], measure=row["measure"],
                value=row["value"], unit=row["unit"], page=row["page"], text=row["text"],
                source=row["source"], table=row["tbl"], section_path=row["section_path"],
                approx=bool(row["approx"]), qualifier=row["qualifier"], doc_id=row["doc_id"],
                fact_id=row["fact_id"], period_year=row["period_year"], period_end=row["period_end"],
                period_kind=row["period_kind"] or "", origin=row["origin"] or "", confidence=row["confidence"])


def facts_from_rows(cursor) -> list[Fact]:
    """Every row of a query over the facts table (`SELECT facts.*`), as fact_from_row reads them: the
    columns found by name once per query, then read by position (a fact read is ~2× faster)."""
    at: dict[str, int] = {}
    for i, d in enumerate(cursor.description or ()):
        at.setdefault(getattr(d, "name", None) or d[0], i)     # a column named twice: the first
    (subject, subject_raw, measure, value, unit, page, text, source, tbl, section_path, approx, qualifier, doc_id,
     fact_id, period_year, period_end, period_kind, origin, confidence) = (at[k] for k in (
        "subject", "subject_raw", "measure", "value", "unit", "page", "text", "source", "tbl", "section_path",
        "approx", "qualifier", "doc_id", "fact_id", "period_year", "period_end", "period_kind", "origin",
        "confidence"))
    return [Fact(subject=r[subject], subject_raw=r[subject_raw], measure=r[measure], value=r[value], unit=r[unit],
                 page=r[page], text=r[text], source=r[source], table=r[tbl], section_path=r[section_path],
                 approx=bool(r[approx]), qualifier=r[qualifier], doc_id=r[doc_id], fact_id=r[fact_id],
                 period_year=r[period_year], period_end=r[period_end], period_kind=r[period_kind] or "",
                 origin=r[origin] or "", confidence=r[confidence]) for r in cursor]


def chunk_from_row(row: sqlite3.Row) -> Chunk:
    return Chunk(chunk_id=row["chunk_id"], doc_id=row["doc_id"], section_path=row["section_path"],
                 page_start=row["page_start"], page_end=row["page_end"], text=row["text"],
                 kind=row["kind"])


def statement_from_row(row: sqlite3.Row) -> Statement:
    vals = {k: row[k] for k in STATEMENT_COLS}
    vals["approx"] = bool(vals["approx"])
    return Statement(**vals, doc_id=row["doc_id"], statement_id=row["statement_id"])


def version_from_row(row: sqlite3.Row, current: str | None = None) -> ReportVersion:
    """A versions row (without its bytes; `has_file` read as a column) → the record."""
    return ReportVersion(version_id=row["version_id"], doc_id=row["doc_id"], identity=row["identity"],
                         title=row["title"], department=row["department"], place=row["place"], city=row["city"],
                         year=row["year"], report_type=row["report_type"], source_name=row["source_name"],
                         sha1=row["sha1"], file_ext=row["file_ext"], pages=row["pages"],
                         ingested_at=row["ingested_at"], replaced_by=row["replaced_by"],
                         replaced_at=row["replaced_at"], has_file=bool(row["has_file"]), current=current)
