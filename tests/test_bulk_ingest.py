"""Bulk ingest (index.ingest.bulk): a process pool parses, this process embeds and stores,
in file order; a restart skips what is stored and finishes the rest."""
from __future__ import annotations

import shutil
from pathlib import Path

from index.ingest.bulk import bulk_ingest
from index.search.embed import HashEmbedder
from index.ingest.report import ingest_file
from index.store.sqlite import SqliteStore
from index.store.reader import StoreReader

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


def test_bulk_ingest_equals_one_by_one_and_resumes(tmp_path):
    emb = HashEmbedder(dim=384)
    one = SqliteStore(tmp_path / "one", model_name=emb.name, dim=emb.dim)
    for p in SEEDS:
        ingest_file(one, emb, p)
    bulk = SqliteStore(tmp_path / "bulk", model_name=emb.name, dim=emb.dim)
    # a first run that stopped after one report (as after a kill): the rerun skips it
    ingest_file(bulk, emb, SEEDS[0])
    seen = []
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 garbage")
    summary = bulk_ingest(bulk, emb, [*SEEDS, bad], workers=2, on_result=lambda p, r, e: seen.append((p.name, e)))
    assert [r.status for r in summary.results] == ["unchanged", "new"]
    assert [p for p, _ in summary.failed] == [bad] and seen[-1][1]
    assert summary.pages == summary.results[1].pages and "1 failed" in summary.line()
    assert bulk.counts() == one.counts()
    a, b = StoreReader(one.db_path), StoreReader(bulk.db_path)
    assert a.lex_totals() == b.lex_totals()
    assert sorted(f.subject for f in one.facts()) == sorted(f.subject for f in bulk.facts())
    again = bulk_ingest(bulk, emb, SEEDS, workers=1)
    assert {r.status for r in again.results} == {"unchanged"} and bulk.counts() == one.counts()


def test_bulk_ingest_csv_rows_each_a_report(tmp_path):
    emb = HashEmbedder(dim=384)
    csvs = sorted((ROOT / "tests").rglob("*.csv"))
    if not csvs:
        return
    store = SqliteStore(tmp_path / "s", model_name=emb.name, dim=emb.dim)
    src = tmp_path / csvs[0].name
    shutil.copy(csvs[0], src)
    first = bulk_ingest(store, emb, [src], workers=1)
    again = bulk_ingest(store, emb, [src], workers=1)
    assert first.results and {r.status for r in again.results} == {"unchanged"}
