"""OCR benchmark: pages/s of the real scans and of rasterised table pages (no cache), and the
share of table cells OCR reads exactly as the text layer has them. Writes section "## 6. OCR
of scanned pages" of docs/benchmarks.md (replacing it when present).

    nice -n 10 .venv/bin/python scripts/bench_ocr.py [--dpi 200]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from ocr_compare import compare_cells, rasterize_pdf, subset_pdf  # noqa: E402

from index.read.ocr import PageOcr, build_engine, engine_version  # noqa: E402
from index.read.parse import parse_file  # noqa: E402

REAL = ROOT.parent / "shared" / "realdata" / "renwu-2026-dept-budgets-guangdong"
SCANS = [REAL / "002_北京" / "政务服务和数据管理局_附件1：北京市政务服务和数据管理局2026年度部门预算情况说明.pdf",
         REAL / "080_江门" / "退役军人事务局_2026年部门预算.pdf"]
TABLES = [(REAL / "002_北京" / "政务服务和数据管理局_附件2：北京市政务服务和数据管理局2026年度部门预算报表.pdf", [1, 2, 7, 8]),
          (REAL / "003_深圳" / "交通运输局_2026年部门预算.pdf", [22, 27, 32, 37, 40])]
SECTION = "## 6. OCR of scanned pages"


def timed_parse(path: Path, ocr: PageOcr) -> tuple[object, float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    doc = parse_file(path, ocr=ocr)
    return doc, time.perf_counter() - w0, time.process_time() - c0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=200)
    args = ap.parse_args()
    ocr = PageOcr(mode="auto", dpi=args.dpi, cache_path=None)     # no cache: every page recognised
    rows = []
    t0 = time.perf_counter()
    ocr.engine = build_engine()
    load_s = time.perf_counter() - t0
    for path in SCANS:
        before = ocr.pages_read
        _, wall, cpu = timed_parse(path, ocr)
        n = ocr.pages_read - before
        rows.append((f"scan: {path.parent.name}/{path.name[:28]}…", n, wall, cpu, ""))
    equal = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for src, pages in TABLES:
            text = parse_file(subset_pdf(src, pages, Path(tmp) / "text.pdf"))
            scan = rasterize_pdf(src, pages, Path(tmp) / "scan.pdf", dpi=args.dpi)
            before = ocr.pages_read
            doc, wall, cpu = timed_parse(scan, ocr)
            e, t, _ = compare_cells(list(text.tables), list(doc.tables))
            equal, total = equal + e, total + t
            rows.append((f"tables: {src.parent.name}/{src.name[:24]}… p{','.join(map(str, pages))}",
                         ocr.pages_read - before, wall, cpu, f"{e}/{t} = {e / t:.2%}"))
    pages = sum(r[1] for r in rows)
    wall = sum(r[2] for r in rows)
    cpu = sum(r[3] for r in rows)
    load = os.getloadavg()[0]
    md = [SECTION, "",
          f"- command: `nice -n 10 .venv/bin/python scripts/bench_ocr.py --dpi {args.dpi}` "
          f"({time.strftime('%Y-%m-%dT%H:%M:%S%z')}; engine {engine_version()}, loaded in {load_s:.1f} s; "
          f"load average at the end {load:.1f} on 2 cores)",
          "- render (pypdfium2) + recognise (RapidOCR PP-OCRv4, bundled models) + ruling grid, per page, no cache; "
          "then the same parsing as a text PDF",
          "- exact cells: tables rebuilt from the images vs pdfplumber's tables of the same pages with their "
          "text layer (whitespace ignored; page-frame columns and title rows dropped on both sides)", "",
          "| input | pages | wall s | s/page | pages/s | CPU s/page | exact cells |", "|---|---|---|---|---|---|---|"]
    for name, n, w, c, cells in rows:
        md.append(f"| {name} | {n} | {w:.1f} | {w / max(n, 1):.1f} | {n / w:.3f} | {c / max(n, 1):.1f} | {cells} |")
    md.append(f"| **all** | {pages} | {wall:.1f} | {wall / pages:.1f} | {pages / wall:.3f} | {cpu / pages:.1f} | "
              f"{equal}/{total} = {equal / total:.2%} |")
    md.append("")
    text = "\n".join(md)
    print(text)
    out = ROOT / "docs" / "benchmarks.md"
    doc = out.read_text(encoding="utf-8")
    if SECTION in doc:
        doc = re.sub(re.escape(SECTION) + r".*?(?=\n## |\Z)", lambda m: text.rstrip() + "\n", doc, flags=re.S)
    else:
        doc = doc.rstrip() + "\n\n" + text
    out.write_text(doc, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
