"""OCR layout, provenance, cache, settings and the answer note: pure functions on boxes (no engine)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index.read.ocr import needs_ocr, page_ocr_from
from index.read.ocr_cache import OcrCache
from index.read.ocr_layout import (Grid, OcrBox, box_from_quad, column_ranges, fix_digits, grid_cells,
                              grid_from_columns, group_rows, layout_page, split_box)
from index.extract.ocr_provenance import mark_ocr_facts
from index.records import Fact, OcrLine
from index.settings import Settings
from qa.format import ocr_note


def box(text: str, x0: float, top: float, x1: float, h: float = 10, conf: float = 0.99) -> OcrBox:
    return OcrBox(text=text, x0=x0, top=top, x1=x1, bottom=top + h, conf=conf)


@pytest.mark.parametrize("raw,fixed", [
    ("（二）本年其他资金收入〇万元", "（二）本年其他资金收入0万元"),
    ("二〇二四年", "二〇二四年"),
    ("1,2O3.5", "1,203.5"),
    ("〇", "0"),
    ("10〇", "100"),
    ("OCR", "OCR"),
    ("１２．５", "12.5"),
    ("（退役军人部发[2022】3号）", "（退役军人部发〔2022〕3号）"),
    ("粤退役军人规〔2024]2号", "粤退役军人规〔2024〕2号"),
])
def test_fix_digits(raw, fixed):
    assert fix_digits(raw) == fixed


def test_seal_and_low_confidence_boxes_are_dropped():
    level = [[0, 0], [100, 0], [100, 20], [0, 20]]
    tilted = [[0, 0], [100, 30], [90, 60], [-10, 30]]
    vertical = [[0, 0], [20, 0], [20, 90], [0, 90]]
    assert box_from_quad(level, "收入预算", 0.98, 2.0) == OcrBox("收入预算", 0, 0, 50, 10, 0.98)
    assert box_from_quad(tilted, "人力资", 0.98, 2.0) is None          # seal text runs round
    assert box_from_quad(vertical, "健康委", 0.9, 2.0) is None        # vertical stamp text
    assert box_from_quad(level, "口", 0.3, 2.0) is None               # noise
    assert box_from_quad(level, "、一般公共预算拨款收人", 0.98, 1.0).text == "一、一般公共预算拨款收入"


def test_rows_by_y_and_reading_order():
    rows = group_rows([box("B", 200, 101, 250), box("第二行", 10, 130, 90), box("A", 10, 100, 80)])
    assert [[b.text for b in r] for r in rows] == [["A", "B"], ["第二行"]]


def test_unruled_table_keeps_empty_cells_in_their_column():
    """Left-aligned headers, right-aligned figures, an empty cell in each data row."""
    rows = [[box("项目", 10, 0, 40), box("年初预算数", 200, 0, 260), box("决算数", 300, 0, 330)],
            [box("事业收入", 10, 20, 60), box("1,205.30", 220, 20, 270)],
            [box("政府性基金预算财政拨款收入", 10, 40, 150), box("0.00", 350, 40, 370)],
            [box("其他收入", 10, 60, 60), box("318.20", 235, 60, 270), box("402.16", 335, 60, 370)]]
    cells = grid_from_columns(rows, column_ranges(rows))
    assert cells == (("项目", "年初预算数", "决算数"), ("事业收入", "1,205.30", ""),
                     ("政府性基金预算财政拨款收入", "", "0.00"), ("其他收入", "318.20", "402.16"))


def test_box_run_over_a_rule_is_cut_at_the_change_from_figures_to_text():
    b = box("4,950.849947年终结转结余", 100, 0, 260)
    parts = split_box(b, [170.0])
    assert [p.text for p in parts] == ["4,950.849947", "年终结转结余"]
    assert split_box(box("年初预算数 决算数", 0, 0, 90), [52.0])[1].text == "决算数"


def test_ruled_grid_merged_header_goes_to_its_top_left_cell():
    # 3 columns, 3 rows; row 0: cells 1-2 merged (no rule between them), row 1-2: all drawn
    grid = Grid(xs=(0, 100, 200, 300), ys=(0, 20, 40, 60),
                vdrawn=((True, True, False), (True, True, True), (True, True, True)),
                hdrawn=((True, True, True), (True, True, True), (True, True, True)))
    cells = grid_cells([box("项目", 10, 5, 40), box("2026年预算", 170, 5, 230),
                        box("合计", 10, 25, 40), box("1.00", 150, 25, 190), box("2.00", 260, 25, 290),
                        box("小计", 10, 45, 40), box("3.00", 260, 45, 290)], grid)
    assert cells == (("项目", "2026年预算", ""), ("合计", "1.00", "2.00"), ("小计", "", "3.00"))


def test_layout_page_separates_prose_from_table_rows():
    boxes = [box("一、收入决算情况说明", 10, 0, 200),
             box("项目", 10, 30, 40), box("决算数", 300, 30, 330),
             box("事业收入", 10, 50, 60), box("1,205.30", 280, 50, 330),
             box("其他收入", 10, 70, 60), box("318.20", 290, 70, 330),
             box("以上为本年收入情况。", 10, 100, 200)]
    lay = layout_page(3, boxes)
    assert [ln.text for ln in lay.lines] == ["一、收入决算情况说明", "以上为本年收入情况。"]
    assert len(lay.tables) == 1 and lay.tables[0][1][1] == ("事业收入", "1,205.30")
    assert len(lay.all_lines) == 5 and all(ln.page == 3 for ln in lay.all_lines)


def test_needs_ocr_modes():
    assert not needs_ocr("off", 0, 1.0, True)
    assert needs_ocr("auto", 0, 1.0, True)
    assert not needs_ocr("auto", 0, 0.0, False)         # blank page: nothing to read
    assert needs_ocr("auto", 5, 0.95, True)             # a stray page number over a full-page image
    assert not needs_ocr("auto", 800, 0.95, True)       # a text layer over a background image
    assert needs_ocr("force", 800, 0.0, False)


def test_fact_origin_and_confidence_from_the_line_holding_the_figure():
    lines = [OcrLine(4, "公务接待费支出1.13万元", 0, 0, 100, 10, 0.97),
             OcrLine(4, "事业收入 1,205.30", 0, 20, 100, 30, 0.81)]
    facts = [Fact("事业收入", "事业收入", "决算数", 1205.3, "万元", 4, "事业收入 1,205.30", "table"),
             Fact("公务接待费", "公务接待费", "支出", 1.13, "万元", 4, "公务接待费支出1.13万元", "prose"),
             Fact("公务接待费", "公务接待费", "支出", 1.13, "万元", 5, "公务接待费支出1.13万元", "prose")]
    out = mark_ocr_facts(facts, lines)
    assert [(f.origin, f.confidence) for f in out] == [("ocr", 0.81), ("ocr", 0.97), ("", None)]


def test_answer_note_for_scanned_figures():
    assert ocr_note("", None) == ""
    assert ocr_note("ocr", 0.97) == "（数字识别自扫描件，置信度 0.97，请以原件为准）"
    assert "识别可能有误" in ocr_note("ocr", 0.83)
    assert "OCR" in ocr_note("ocr", 0.5, "en")


def test_cache_round_trip_and_keys(tmp_path: Path):
    cache = OcrCache(tmp_path / "ocr.sqlite")
    grid = Grid(xs=(0, 1, 2), ys=(0, 1, 2), vdrawn=((True, True), (True, False)), hdrawn=((True, True), (True, True)))
    raw = [([[0.0, 0.0], [10.0, 0.0], [10.0, 5.0], [0.0, 5.0]], "收入", 0.9)]
    cache.put("abc", 1, 200, "eng-1", raw, (grid,))
    assert cache.get("abc", 1, 200, "eng-1") == (raw, (grid,))
    assert cache.get("abc", 1, 150, "eng-1") is None and cache.get("abc", 1, 200, "eng-2") is None
    cache.close()
    assert sqlite3.connect(tmp_path / "ocr.sqlite").execute("SELECT COUNT(*) FROM ocr_pages").fetchone()[0] == 1


def test_settings_ocr(monkeypatch):
    assert Settings().ocr == "auto" and Settings().ocr_dpi == 200
    monkeypatch.setenv("QA_OCR", "OFF")
    assert Settings().ocr == "off"
    assert page_ocr_from("off", 200, None) is None
    monkeypatch.setenv("QA_OCR", "sometimes")
    with pytest.raises(ValueError):
        Settings()
    monkeypatch.setenv("QA_OCR", "force")
    monkeypatch.setenv("QA_OCR_CACHE", "off")
    s = Settings()
    assert s.ocr == "force" and s.ocr_cache is None and page_ocr_from(s.ocr, s.ocr_dpi, s.ocr_cache).mode == "force"


def test_one_warning_names_the_pages_read_by_ocr():
    from index.read.pdf_reader import RawPage, with_ocr_warning
    line = (OcrLine(2, "收入", 0, 0, 1, 1, 0.9),)
    pages = with_ocr_warning([RawPage(1, "x"), RawPage(2, "y", ocr_lines=line), RawPage(3, "z", ocr_lines=line)])
    assert [len(p.warnings) for p in pages] == [0, 1, 0] and "第2–3页" in pages[1].warnings[0]
    assert with_ocr_warning([RawPage(1, "x")]) == [RawPage(1, "x")]
