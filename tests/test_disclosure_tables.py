"""政府信息公开工作年度报告: the national template tables (主动公开 / 收到和处理申请 / 行政复议、行政
诉讼) give facts with the row as subject and the column as measure, counted in 件, of the report's
year; two years of one organization answer a year-over-year question from both reports. Real PDFs
of 洪泽区 (2023, 2024) from ../shared/realdata, real pdfplumber, real FAISS, hash embedder."""
from __future__ import annotations

import re

import pytest
from conftest import realdata

from index.extract.table_facts import facts_from_tables
from index.extract.text_tables import columns_from_header_rows
from index.ingest.report import ingest_path
from index.read.parse import parse_file
from index.records import Table
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


GENERIC = {"总计", "合计", "小计", "其他", "其中"}


def test_a_generic_row_carries_its_parent_group():
    """（七）总计 sums the rows of 三、本年度办理结果: its subject says so, and no fact of the
    template is a bare 总计 that could stand in for another row (本年新收 = 21 = 办理结果总计)."""
    for path, total in ((Y2023, 21), (Y2024, 95)):
        facts = facts_from_tables(parse_file(realdata(path)).tables)
        got = {(f.subject, f.measure): f.value for f in facts}
        assert got[("本年度办理结果总计", "总计")] == total
        assert got[("本年新收政府信息公开申请数量", "总计")] == total
        assert not [f for f in facts if f.subject in GENERIC], path


def test_generic_rows_under_a_label_column_group():
    """A 小计 / 其他 row under a group label (merged down the first column) is that group's; a 合计
    row of its own (nothing above it in the label columns) stays the table's total."""
    grid = (("项目", "", "金额（万元）"),
            ("一、基本支出", "人员经费", "1.50"),
            ("", "公用经费", "2.00"),
            ("", "小计", "3.50"),
            ("二、项目支出", "其他", "4.00"),
            ("", "专项业务费", "5.00"),
            ("合计", "", "12.50"))
    t = Table(page=1, page_end=1, title="支出表", unit=None, lines=tuple("\t".join(r) for r in grid), cells=grid)
    got = {f.subject: f.value for f in facts_from_tables([t])}
    assert got == {"人员经费": 1.5, "公用经费": 2.0, "基本支出小计": 3.5, "项目支出其他": 4.0, "专项业务费": 5.0,
                   "合计": 12.5}


def _subjects(grid) -> dict[str, float]:
    t = Table(page=1, page_end=1, title="", unit="万元", lines=tuple("\t".join(r) for r in grid), cells=grid)
    return {f.subject: f.value for f in facts_from_tables([t])}


def test_a_group_label_read_downwards_only_when_set_at_the_top_of_its_span():
    """A label set in the middle of its merged span (江苏 收入预算总表: 小计 above 一般公共预算资金) or
    repeated on every row (北京 基本支出表: 50999-… then the table's 合 计) is not carried down:
    those 小计 / 合计 rows keep their own label rather than take a wrong group."""
    middle = (("项目名称", "", "金额"),
              ("收入总计", "", "21,955.35"),
              ("", "小计", "21,940.96"),
              ("一般公共预算资金", "公共财政拨款(补助)资金", "21,940.96"),
              ("", "专项收入", "0.00"))
    assert _subjects(middle)["小计"] == 21940.96
    repeated = (("政府支出经济分类科目", "部门支出经济分类科目", "合计"),
                ("50101-工资奖金津补贴", "30101-基本工资", "1,077.77"),
                ("50101-工资奖金津补贴", "30102-津贴补贴", "2,298.33"),
                ("50999-其他对个人和家庭的补助", "30399-其他对个人和家庭的补助", "748.96"),
                ("", "合 计", "4,125.06"))
    assert _subjects(repeated)["合计"] == 4125.06


@pytest.mark.slow
def test_a_question_naming_a_column_gets_that_column(hongze):
    """行政复议 has five columns (结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计): the one named answers."""
    for text, value, measure in (("洪泽区2023年行政复议结果维持多少件", 10, "结果维持"),
                                 ("洪泽区2023年行政复议结果纠正多少件", 1, "结果纠正"),
                                 ("洪泽区2024年复议后起诉其他结果多少件", 1, "其他结果"),
                                 ("洪泽区2024年行政复议总计多少件", 2, "总计")):
        ans = hongze.ask(text)
        f = ans.facts[0].fact if ans.facts else None
        assert ans.kind == "fact" and ans.value == value and f.measure == measure, (text, ans.answer)


@pytest.mark.slow
def test_received_applications_come_from_their_row(hongze):
    """The row of the template that counts them (本年新收…, in 收到和处理政府信息公开申请情况), not the
    sentence "区政府办代表区政府受理政府信息公开申请17件" nor a total of another row; a change
    asked is the answer's figure, in the direction asked."""
    ans = hongze.ask("洪泽区2024年收到政府信息公开申请多少件")
    assert ans.value == 95 and ans.facts[0].fact.subject == "本年新收政府信息公开申请数量", ans.answer
    for text, value in (("洪泽区2024年收到政府信息公开申请比2023年多多少件", 74),
                        ("洪泽区2023年收到政府信息公开申请比2024年少多少件", 74),
                        ("洪泽区2023年收到政府信息公开申请比2024年多多少件", -74)):
        ans = hongze.ask(text)
        assert ans.value == value and ans.unit == "件" and ans.formula, (text, ans.answer)


@pytest.mark.slow
def test_a_year_row_cites_only_its_own_year(hongze):
    """A year comparison groups a year with the next year's report (a 2024 budget prints 2023
    figures), but the 2023 row never quotes the 2024 report as 2023's: a figure of 2023 or a
    passage of the 2023 report, else 未载明."""
    years = {r.doc_id: r.year for r in hongze.reports}
    for text in ("洪泽区2023年和2024年解读信息发布多少条", "洪泽区2023年和2024年政府信息公开平台建设情况对比",
                 "洪泽区2023年和2024年公开政府常务会议多少期"):
        ans = hongze.ask(text)
        assert ans.route == "comparison", (text, ans.answer)
        for row in ans.table:
            asked = int(re.search(r"(\d{4})$", row["label"]).group(1))
            if row.get("missing"):
                continue
            assert years[row["doc_id"]] == asked or row["value"] is not None and row["year"] == asked, (text, row)
            if row["value"] is not None:
                ref = next(f for f in ans.facts if f.fact.doc_id == row["doc_id"] and f.fact.page == row["page"])
                assert ref.fact.period_year == asked, (text, row)
