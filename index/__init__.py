"""The index: a report file in, records in a store out, and the lookups that answer from them.

Packages in the order data flows (each imports only from the ones above it, and from the three
modules here: `records` — the frozen dataclasses every stage passes on —, `errors`, `settings`):

    read/     file → pages, lines, tables, blocks, headings, sections, chunks (PDF, text, CSV, OCR)
    extract/  numbers, units, periods, subjects, metrics → facts, statements, checks
    names/    places (the division table), organizations, the report's identity
    store/    the Store: SQLite + FAISS file, or PostgreSQL + pgvector; readers for snapshots
    search/   embedders, BM25, fusion, hybrid retrieval, fact lookups over a snapshot
    ingest/   one file or many: read → extract → name → embed → one transaction in the store

It may import nothing from `qa` or `service` (tests/test_layers.py checks every import).
"""
