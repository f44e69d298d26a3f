"""Real table pages WITH a text layer, rasterised here and read back as scans: the tables OCR
rebuilds must match the text layer's tables cell by cell, and the facts drawn from them must
match the facts drawn from the text layer of the same pages.

The share of cells that match exactly is printed (and written to test-output/ocr_tables.txt)."""
from __future__ import annotations

import time

import pytest

from conftest import ROOT, realdata
from index.extract.facts import extract_facts
from index.read.ocr import PageOcr
from index.read.parse import parse_file
from ocr_compare import compare_cells, rasterize_pdf, subset_pdf

pytestmark = pytest.mark.slow

BEIJING_TABLES = ("renwu-2026-dept-budgets-guangdong/002_北京/"
                  "政务服务和数据管理局_附件2：北京市政务服务和数据管理局2026年度部门预算报表.pdf")
SHENZHEN = "renwu-2026-dept-budgets-guangdong/003_深圳/交通运输局_2026年部门预算.pdf"
# pages: 收支总表 / 收入总表 / … (北京); 收支总表, 支出总表, 政府采购, 基本支出, 项目支出 (深圳)
CASES = [(BEIJING_TABLES, [1, 2, 7, 8]), (SHENZHEN, [22, 27, 32, 37, 40])]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    """(name, text-layer parse, OCR parse) for each case, and the OCR seconds per page."""
    out, seconds, pages = [], 0.0, 0
    for rel, page_list in CASES:
        src = realdata(rel)
        folder = tmp_path_factory.mktemp("tables")
        text = parse_file(subset_pdf(src, page_list, folder / "text.pdf"))
        scan = rasterize_pdf(src, page_list, folder / "scan.pdf", dpi=200)
        ocr = PageOcr(mode="auto", dpi=200, cache_path=ROOT / ".cache" / "ocr.sqlite")
        t0 = time.perf_counter()
        read = parse_file(scan, ocr=ocr)
        if ocr.pages_read:
            seconds += time.perf_counter() - t0
            pages += ocr.pages_read
        out.append((src.name, text, read))
    return out, (pages / seconds if seconds else None)


def test_cells_match_the_text_layer(pairs, output_dir):
    cases, pages_per_s = pairs
    equal = total = 0
    lines = []
    for name, text, read in cases:
        assert len(read.tables) == len(text.tables), name
        e, t, diffs = compare_cells(list(text.tables), list(read.tables))
        equal, total = equal + e, total + t
        lines.append(f"{name}: {e}/{t} cells exact ({e / t:.2%})" + "".join(f"\n    {d}" for d in diffs[:20]))
    share = equal / total
    lines.append(f"all: {equal}/{total} cells exact = {share:.2%}"
                 + (f"; OCR {pages_per_s:.2f} pages/s" if pages_per_s else " (pages from the OCR cache)"))
    report = "\n".join(lines)
    print("\n" + report)
    (output_dir / "ocr_tables.txt").write_text(report + "\n", encoding="utf-8")
    assert total > 900
    assert share >= 0.98, report


def _facts(doc, strict: bool) -> list[tuple]:
    facts = [f for f in extract_facts(doc.tables, doc.paragraphs) if f.source == "table"]
    if strict:
        return sorted((f.page, f.subject, f.measure, round(f.value, 6), f.unit) for f in facts)
    return sorted((f.page, round(f.value, 6), f.unit) for f in facts)


def test_facts_match_the_text_layer(pairs):
    """深圳: the same facts (page, row, column, value, unit). 北京: pdfplumber's grid of these
    pages takes the page title and 单位 line in as table rows (the page is framed), which
    changes the row labels it gives; OCR's grid starts at the ruled table. So there every
    figure of the text layer must be found on the same page with its unit."""
    cases, _ = pairs
    for name, text, read in cases:
        strict = "深圳" in name or "交通运输局" in name
        a, b = _facts(text, strict), _facts(read, strict)
        missing = [k for k in a if k not in b]
        share = 1 - len(missing) / len(a)
        print(f"\n{name}: {len(a) - len(missing)}/{len(a)} text-layer facts found from the images "
              f"({'row+column+value' if strict else 'page+value+unit'})")
        assert len(a) > 50 and share >= 0.98, missing[:20]
