"""Scans generated here (reportlab → rasterised, no text layer) through the real OCR engine and
the same pipeline as text PDFs: facts with row and column, origin and confidence, stored OCR
lines, the page image in the source view, interrupted OCR resumed from the per-page cache."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import pdfgen
from index.search.embed import HashEmbedder
from index.errors import EmptyDocument, NoTextLayer
from index.ingest.report import ingest_file
from index.read.ocr import PageOcr
from index.store.base import Store
from index.store.sqlite import SqliteStore

pytestmark = pytest.mark.slow     # the real OCR engine (a few seconds a page)


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    return pdfgen.scan_table_pdf(tmp_path_factory.mktemp("scan"))


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ocrcache") / "ocr.sqlite"


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = SqliteStore(tmp_path / "store", model_name="hash-384", dim=384)
    yield s
    s.close()


def test_scan_has_no_text_layer(scan):
    import pdfplumber
    with pdfplumber.open(scan) as pdf:
        assert len(pdf.pages) == 2 and all(not p.chars and p.images for p in pdf.pages)


def test_fixture_scan_round_trips_every_number_with_row_and_column(scan, ocr_cache, store):
    ocr = PageOcr(mode="auto", dpi=200, cache_path=ocr_cache)
    seen = []
    res = ingest_file(store, HashEmbedder(), scan, ocr=ocr, progress=lambda s, n, t: seen.append((s, n, t)))
    assert ("ocr", 1, 2) in seen and ("ocr", 2, 2) in seen         # progress per OCR'd page
    assert res.tables == 2 and res.year == 2021 and res.report_type == "部门决算"
    assert any("扫描件" in w and "OCR" in w for w in res.warnings), res.warnings   # the user is told
    facts = store.facts(doc_id=res.doc_id)
    table = {(f.page, f.subject, f.measure, round(f.value, 2)) for f in facts if f.source == "table"}
    for page in (1, 2):                       # page 1: ruled table; page 2: the same, unruled
        for label, budget, actual in pdfgen.SCAN_ROWS:
            for measure, cell in (("年初预算数", budget), ("决算数", actual)):
                if cell:
                    key = (page, label, measure, round(float(cell.replace(",", "")), 2))
                    assert key in table, (key, sorted(table))
    n_numbers = 2 * sum(1 for r in pdfgen.SCAN_ROWS for c in r[1:] if c)
    assert len(table) == n_numbers, sorted(table)                   # no figure in a wrong column
    prose = {(f.measure, f.value, f.unit) for f in facts if f.source == "prose"}
    assert ("决算", 20848.99, "万元") in prose and any(v == 6.87 for _, v, _ in prose)
    assert all(f.origin == "ocr" and 0.5 <= f.confidence <= 1.0 for f in facts)
    lines = store.ocr_lines(res.doc_id, 1)
    assert any("收入决算情况说明" in ln.text for ln in lines)
    assert all(0 <= ln.x0 < ln.x1 <= 600 and 0 <= ln.top < ln.bottom <= 850 for ln in lines)
    assert "表1 收入决算表" in " ".join(s["title"] for s in store.sections(res.doc_id)) or \
        any("表1" in (f.table or "") for f in facts)


def test_interrupted_ocr_resumes_from_the_cache(scan, tmp_path, store):
    cache = tmp_path / "ocr.sqlite"
    store_before = store.counts()

    class Stop(BaseException):      # an interruption (Ctrl-C, SIGTERM), not a parse failure
        pass

    def stop_after_first(stage: str, n: int, total: int) -> None:
        if stage == "ocr" and n == 1:
            raise Stop()

    with pytest.raises(Stop):
        ingest_file(store, HashEmbedder(), scan, ocr=PageOcr(dpi=200, cache_path=cache), progress=stop_after_first)
    assert store.counts() == store_before                                   # nothing half-stored
    assert sqlite3.connect(cache).execute("SELECT COUNT(*) FROM ocr_pages").fetchone()[0] == 1
    again = PageOcr(dpi=200, cache_path=cache)
    res = ingest_file(store, HashEmbedder(), scan, ocr=again)
    assert again.pages_read == 1 and res.facts > 20                         # only page 2 was read
    third = PageOcr(dpi=200, cache_path=cache)
    store.delete_report(res.doc_id)
    ingest_file(store, HashEmbedder(), scan, ocr=third)
    assert third.pages_read == 0


def test_ocr_off_keeps_the_no_text_layer_message(scan, store):
    with pytest.raises(NoTextLayer, match="没有文字层"):
        ingest_file(store, HashEmbedder(), scan)
    with pytest.raises(NoTextLayer):
        ingest_file(store, HashEmbedder(), scan, ocr=None)
    assert store.counts()["reports"] == 0


def test_blank_and_textless_scans_with_ocr_on(tmp_path, store, ocr_cache):
    ocr = PageOcr(mode="auto", dpi=150, cache_path=ocr_cache)
    with pytest.raises(EmptyDocument):
        ingest_file(store, HashEmbedder(), pdfgen.blank_pdf(tmp_path), ocr=ocr)
    with pytest.raises(NoTextLayer, match="OCR"):                # a picture with no writing in it
        ingest_file(store, HashEmbedder(), pdfgen.image_only_pdf(tmp_path), ocr=ocr)
    assert store.counts()["reports"] == 0


def test_force_ocr_reads_a_text_pdf_from_its_image(tmp_path, store, ocr_cache):
    path = pdfgen.report_pdf(tmp_path)
    res = ingest_file(store, HashEmbedder(), path, ocr=PageOcr(mode="force", dpi=200, cache_path=ocr_cache))
    facts = store.facts(doc_id=res.doc_id)
    assert {f.origin for f in facts} == {"ocr"}
    assert any(f.subject == "一般公共预算财政拨款收入" and f.value == 20864.64 for f in facts)


def test_old_store_gains_ocr_columns(tmp_path):
    root = tmp_path / "old"
    root.mkdir()
    conn = sqlite3.connect(root / "qa.sqlite")
    conn.executescript("""CREATE TABLE facts (fact_id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL,
        subject TEXT NOT NULL, subject_raw TEXT NOT NULL, measure TEXT NOT NULL, value REAL NOT NULL,
        unit TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL, tbl TEXT NOT NULL,
        section_path TEXT NOT NULL, approx INTEGER NOT NULL, qualifier TEXT NOT NULL);""")
    conn.close()
    s = SqliteStore(root)
    cols = {r[1] for r in s.conn.execute("PRAGMA table_info(facts)")}
    assert {"origin", "confidence", "period_kind"} <= cols
    assert s.conn.execute("SELECT COUNT(*) FROM ocr_lines").fetchone()[0] == 0
    s.close()


def test_source_view_of_a_scanned_page(scan, ocr_cache, tmp_path):
    from fastapi.testclient import TestClient

    from index.settings import Settings
    from service.app import create_app
    from service.state import State
    settings = Settings(store=tmp_path / "store", corpus=tmp_path / "no-corpus", embed_backend="hash",
                        query_backend="hash", embed_cache=None, ocr="auto", ocr_cache=ocr_cache)
    st = State(settings)
    try:
        res = st.ingest(scan)[0]
        fact = next(f for f in st.store.facts(doc_id=res.doc_id) if f.value == 1205.3 and f.page == 1)
        with TestClient(create_app(settings, state=st)) as client:
            d = client.get(f"/api/reports/{res.doc_id}/pages/1", params={"highlight": fact.text}).json()
            assert d["scanned"] is True and d["image"].endswith("/pages/1/image")
            assert d["page_size"][0] == pytest.approx(595.3, abs=1)
            marked = [d["boxes"][i]["text"] for i in d["marked"]]
            assert marked and all("1,205.30" in t for t in marked), marked
            img = client.get(d["image"])
            assert img.status_code == 200 and img.headers["content-type"] == "image/png"
            assert img.content[:8] == b"\x89PNG\r\n\x1a\n"
            assert client.get(f"/api/reports/{res.doc_id}/pages/9/image").status_code == 404
            facts = client.get("/api/facts", params={"doc_id": res.doc_id}).json()["facts"]
            assert facts and all(f["origin"] == "ocr" and f["confidence"] for f in facts)
    finally:
        st.store.close()
