"""A unit stated inside one row belongs to that row only; the table's unit comes from its
title / header area.  Real case: the 政府信息公开工作年度报告 table whose 行政事业性收费
block says 本年收费金额（单位：万元） while the 行政处罚 / 行政许可 rows above are counts."""
from __future__ import annotations

import functools

import pytest

from conftest import realdata
from index.extract.facts import extract_facts
from index.records import Table

REPORTS = {  # file → (行政处罚 decisions, 行政事业性收费 in 万元)
    "gov-info-disclosure-annual-reports/洪泽区人民政府2023年政府信息公开工作年度报告.pdf": (4119, 7730.28),
    "gov-info-disclosure-annual-reports/淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf": (2776, 7545),
}


@functools.lru_cache(maxsize=None)
def _facts(rel: str) -> tuple:
    """The real path: parse_file → tables → extract_facts."""
    from index.read.parse import parse_file
    doc = parse_file(realdata(rel))
    return tuple(extract_facts(doc.tables, []))


def _grid(*rows, title="", unit=None) -> Table:
    return Table(page=1, page_end=1, title=title, unit=unit, lines=tuple("\t".join(c or "" for c in r) for r in rows),
                 cells=tuple(tuple(r) for r in rows))


def _text(*lines, title="", unit=None) -> Table:
    return Table(page=1, page_end=1, title=title, unit=unit, lines=tuple(lines))


def _one(facts, subject, value):
    got = [f for f in facts if f.subject == subject and abs(f.value - value) < 1e-6]
    assert len(got) == 1, (subject, value, [(f.subject, f.value, f.unit) for f in facts])
    return got[0]


# ------------------------------------------------------------------ the real report
@pytest.mark.parametrize("rel", sorted(REPORTS))
def test_real_report_counts_are_not_money(rel):
    penalties, fees = REPORTS[rel]
    fs = _facts(rel)
    counts = [f for f in fs if f.subject in ("行政处罚", "行政强制", "行政许可")]
    assert len(counts) == 3 and not any(f.unit == "万元" for f in counts)
    p = _one(fs, "行政处罚", penalties)
    assert p.unit == "件" and p.measure == "本年处理决定数量"      # a count of decisions
    fee = _one(fs, "行政事业性收费", fees)
    assert fee.unit == "万元" and fee.measure == "本年收费金额"
    # nothing else in the report is money
    assert {f.subject for f in fs if f.unit == "万元"} == {"行政事业性收费"}


# ------------------------------------------------------------------ synthetic grids
def test_subheader_block_unit_stays_in_its_block():
    t = _grid(["信息内容", "本年处理决定数量"],
              ["行政许可", "550"],
              ["行政处罚", "4119"],
              ["第二十条第（八）项", ""],
              ["信息内容", "本年收费金额（单位：万元）"],
              ["行政事业性收费", "7730.28"],
              ["第二十条第（九）项", ""],
              ["信息内容", "采购总金额"],
              ["政府集中采购", "12.5"])
    fs = extract_facts([t], [])
    assert _one(fs, "行政处罚", 4119).unit == "件"            # decisions are counted
    assert _one(fs, "行政许可", 550).unit == "件"
    fee = _one(fs, "行政事业性收费", 7730.28)
    assert (fee.unit, fee.measure) == ("万元", "本年收费金额")
    assert _one(fs, "政府集中采购", 12.5).unit == ""         # a later block without a unit


def test_unit_in_a_row_label_or_cell_is_that_rows():
    t = _grid(["项目", "本年数"],
              ["行政处罚", "4119"],
              ["行政事业性收费（万元）", "7730.28"],
              ["行政强制", "195"])
    fs = extract_facts([t], [])
    assert _one(fs, "行政处罚", 4119).unit == ""
    assert _one(fs, "行政强制", 195).unit == ""
    assert _one(fs, "行政事业性收费", 7730.28).unit == "万元"
    # a 计量单位 column, or a "单位：万元" cell in the row
    t = _grid(["项目", "计量单位", "本年数"],
              ["行政处罚", "件", "4119"],
              ["罚没收入", "单位：万元", "15.60"],
              ["行政强制", "", "195"])
    fs = extract_facts([t], [])
    assert _one(fs, "行政处罚", 4119).unit == "件"
    assert _one(fs, "罚没收入", 15.6).unit == "万元"
    assert _one(fs, "行政强制", 195).unit == ""


def test_parser_unit_taken_from_a_row_is_not_the_tables():
    # the parser's Table.unit came from the row "收费金额（万元）": the other rows keep none
    t = _grid(["项目", "本年数"], ["行政处罚", "4119"], ["收费金额（万元）", "7730.28"], unit="万元")
    fs = extract_facts([t], [])
    assert _one(fs, "行政处罚", 4119).unit == ""
    assert _one(fs, "收费金额", 7730.28).unit == "万元"


def test_table_level_units_still_apply_to_every_row():
    # a caption unit (Table.unit, not in the lines), a unit line above the header, the title
    rows = (["项目", "决算数"], ["基本支出", "12.50"], ["项目支出", "3.25"])
    for t in (_grid(*rows, unit="万元"), _grid(["单位：万元", None], *rows),
              _grid(*rows, title="支出决算表（单位：万元）")):
        fs = extract_facts([t], [])
        assert {f.unit for f in fs} == {"万元"}, t
    # a row's own unit still beats the table's
    fs = extract_facts([_grid(*rows, ["人数（人）", "35"], unit="万元")], [])
    assert _one(fs, "人数（人）", 35).unit == "人" and _one(fs, "基本支出", 12.5).unit == "万元"


def test_count_header_gives_a_count_unit():
    t = _grid(["信息内容", "本年制发件数", "现行有效件数"], ["规章", "0", "3"], ["行政规范性文件", "5", "8"])
    fs = extract_facts([t], [])
    assert {f.unit for f in fs} == {"件"}
    t = _grid(["项目", "金额", "数量（个）"], ["服务器", "35.00", "12"], unit=None)
    fs = extract_facts([t], [])
    assert {(f.measure, f.unit) for f in fs} == {("数量", "个"), ("金额", "")}


# ------------------------------------------------------------------ synthetic text tables
def test_text_table_unit_line_in_a_row_and_between_blocks():
    t = _text("部门：某区政府办公室  单位：万元",
              "项目 决算数",
              "基本支出 12.50",
              "项目支出 3.25")
    assert {f.unit for f in extract_facts([t], [])} == {"万元"}
    t = _text("项目 本年数",
              "行政处罚 4119",
              "行政事业性收费 单位：万元 7730.28",
              "行政强制 195",
              "单位：亿元",
              "政府债务余额 1.25")
    fs = extract_facts([t], [])
    assert _one(fs, "行政处罚", 4119).unit == ""
    assert _one(fs, "行政强制", 195).unit == ""
    assert _one(fs, "行政事业性收费", 7730.28).unit == "万元"
    assert _one(fs, "政府债务余额", 1.25).unit == "亿元"       # the unit line applies below it
