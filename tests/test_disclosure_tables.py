"""政府信息公开工作年度报告: the national template tables (主动公开 / 收到和处理申请 / 行政复议、行政
诉讼) give facts with the row as subject and the column as measure, counted in 件, of the report's
year; two years of one organization answer a year-over-year question from both reports. Real PDFs
of 洪泽区 (2023, 2024) from ../shared/realdata, real pdfplumber, real FAISS, hash embedder."""
from __future__ import annotations

import pytest
from conftest import realdata

from index.extract.table_facts import facts_from_tables
from index.extract.text_tables import columns_from_header_rows
from index.ingest.report import ingest_path
from index.read.parse import parse_file
from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.search.retrieval import SearchIndex
from index.store.sqlite import SqliteStore
from qa.router import Engine

FOLDER = "gov-info-disclosure-annual-reports"
Y2023 = f"{FOLDER}/洪泽区人民政府2023年政府信息公开工作年度报告.pdf"
Y2024 = f"{FOLDER}/淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf"


def cells(path: str) -> dict[tuple[str, str], tuple[float, str]]:
    return {(f.subject, f.measure): (f.value, f.unit) for f in facts_from_tables(parse_file(realdata(path)).tables)}


def test_template_tables_give_row_column_facts_in_jian():
    got = cells(Y2023)
    assert got[("本年新收政府信息公开申请数量", "总计")] == (21, "件")
    assert got[("本年新收政府信息公开申请数量", "自然人")] == (21, "件")
    assert got[("本机关不掌握相关政府信息", "总计")] == (10, "件")
    assert got[("行政许可", "本年处理决定数量")] == (550, "件")
    assert got[("行政处罚", "本年处理决定数量")] == (4119, "件")
    assert got[("行政规范性文件", "本年废止件数")] == (5, "件")
    assert got[("行政事业性收费", "本年收费金额")] == (7730.28, "万元")      # its column states its unit
    # 四、行政复议、行政诉讼: three groups of five columns under a two-level header
    assert got[("行政复议", "结果维持")] == (10, "件") and got[("行政复议", "结果纠正")] == (1, "件")
    assert got[("复议后起诉", "结果维持")] == (5, "件")
    assert {m for s, m in got if s == "未经复议直接起诉"} == {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}


def test_an_upper_header_label_is_nested_over_the_group_it_spans():
    header = [["行政复议", "", "", "行政诉讼", "", "", "", ""],
              ["维持", "纠正", "总计", "直接起诉", "", "复议后起诉", "", ""],
              ["", "", "", "维持", "总计", "维持", "总计", ""]]
    header = [r[:7] for r in header]
    cols = columns_from_header_rows(header, 7, 0)
    assert [c.group for c in cols] == ["行政复议"] * 3 + ["行政诉讼/直接起诉"] * 2 + ["行政诉讼/复议后起诉"] * 2
    # the label already at the start of its group stays (三公: 公务接待费 is its own group)
    shifted = [["行政复议", "", "", "", "行政诉讼", "", ""], header[1], header[2]]
    cols = columns_from_header_rows(shifted, 7, 0)
    assert [c.group for c in cols][3:] == ["行政诉讼/直接起诉"] * 2 + ["行政诉讼/复议后起诉"] * 2


@pytest.fixture(scope="module")
def hongze(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("hongze") / "store")
    emb = HashEmbedder()
    for rel in (Y2023, Y2024):
        ingest_path(store, emb, realdata(rel))
    return Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb)


@pytest.mark.slow
def test_applications_of_one_year_and_year_over_year(hongze):
    ans = hongze.ask("洪泽区2023年收到政府信息公开申请多少件")
    assert ans.kind == "fact" and ans.value == 21 and ans.unit == "件", ans.answer
    assert ans.facts[0].report.year == 2023 and ans.facts[0].fact.source == "table"
    ans = hongze.ask("洪泽区2024年收到政府信息公开申请比2023年多多少件")
    assert "95 − 21 = 74" in ans.answer, ans.answer
    assert {c.year for c in ans.citations} == {2023, 2024}
