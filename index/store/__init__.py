"""The store: every record of every report, written one report per transaction.

`schema` (the tables, written once for both backends, and rows → records), `sqlite` (the
`Store`: SQLite with a FAISS file beside it — the interface every caller uses), `postgres`
(`PgStore`, the same interface over PostgreSQL + pgvector), `reader` (indexed reads for the
answering snapshots), `vectors` (the FAISS index), `faiss_file` (the FAISS file kept in step
with SQLite), `files` (atomic writes), `backends` (which store the settings point at).

May import: `index.records`, `index.errors`, `index.settings`, `index.extract` (subject keys),
`index.names` (place levels). Not `search` or `ingest`.
"""
