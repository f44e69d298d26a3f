"""Statements read from prose (index/extract/statements.py): metrics written many ways, several figures
in one sentence, 分别 / 城乡 lists, growth rates vs levels, targets, ranges, five-year spans, rank /
coverage / first claims, unit scales for ranking. Pure functions: no store, no model."""
from __future__ import annotations

import pytest

from index.extract.metrics import base_of, find_metrics, metric_named, standard, topic_of
from index.records import Paragraph
from index.extract.statements import statements_from_paragraphs, statements_from_sentence

REVIEW = "一、2025年工作和“十四五”发展回顾"
PLAN = "三、2026年工作安排"


def figures(sentence: str, section: str = REVIEW, year: int = 2026, rtype: str = "政府工作报告"):
    return [(s.metric, s.value, s.unit, s.period_kind, s.period_year, s.period_end)
            for s in statements_from_sentence(sentence, 1, section, year, rtype) if s.claim == "figure"]


def test_one_sentence_many_metrics_each_its_own():
    got = figures("全省地区生产总值5.3万亿元、增长5.5%，规上工业增加值增长9.4%，社会消费品零售总额增长4.2%，"
                  "进出口总额增长17.3%，一般公共预算收入增长2.9%。")
    assert got == [
        ("地区生产总值", 5.3, "万亿元", "actual", 2025, None),
        ("地区生产总值增速", 5.5, "%", "actual", 2025, None),
        ("规模以上工业增加值增速", 9.4, "%", "actual", 2025, None),
        ("社会消费品零售总额增速", 4.2, "%", "actual", 2025, None),
        ("外贸进出口增速", 17.3, "%", "actual", 2025, None),
        ("一般公共预算收入增速", 2.9, "%", "actual", 2025, None),
    ]


@pytest.mark.parametrize("sentence, names", [
    ("城镇、农村常住居民人均可支配收入分别增长4.4%、5.9%。", ["城镇居民人均可支配收入增速", "农村居民人均可支配收入增速"]),
    ("城镇居民、农村居民人均可支配收入分别增长4.5%、5.7%。", ["城镇居民人均可支配收入增速", "农村居民人均可支配收入增速"]),
    ("城乡居民人均可支配收入分别增长6%、8.3%。", ["城镇居民人均可支配收入增速", "农村居民人均可支配收入增速"]),
])
def test_parallel_lists_give_each_number_its_subject(sentence, names):
    assert [g[0] for g in figures(sentence)] == names


def test_targets_ranges_and_bounds():
    s = statements_from_sentence("经济社会发展的主要预期目标是：全省地区生产总值增长5%—5.5%，城镇新增就业68万人左右，"
                                 "城镇调查失业率5.5%左右，粮食产量稳定在800亿斤以上。", 1, PLAN, 2026, "政府工作报告")
    by = {x.metric: x for x in s if x.claim == "figure"}
    assert {x.period_kind for x in by.values()} == {"target"} and {x.period_year for x in by.values()} == {2026}
    assert by["地区生产总值增速"].value == 5 and by["地区生产总值增速"].approx
    assert by["城镇新增就业"].value == 68 and by["城镇新增就业"].unit == "万人"
    assert by["粮食产量"].bound == "min" and by["粮食产量"].value_std == 4000.0      # 800 亿斤 = 4000 万吨


def test_level_reached_from_to_and_ratio_level():
    got = statements_from_sentence("研发经费投入强度从2.77%提高到3.3%，地区生产总值从11.37万亿元提高到14.58万亿元。",
                                   1, REVIEW, 2026, "政府工作报告")
    figs = [(x.metric, x.value, x.start, x.period_kind) for x in got if x.claim == "figure"]
    assert ("研发经费投入强度", 3.3, 2.77, "change") in figs      # a ratio's level, not a growth rate
    assert ("地区生产总值", 14.58, 11.37, "change") in figs
    assert not any(v == 2.77 for _, v, _, _ in figs)              # the start rides on the end value


def test_other_units_of_a_metric_are_not_that_metric():
    got = figures("GDP超万亿元城市3个，人均地区生产总值达16.7万元。")
    assert ("地区生产总值", 3.0, "个", "actual", 2025, None) not in got
    assert any(m == "人均地区生产总值" and v == 16.7 for m, v, *_ in got)


def test_rank_coverage_first_and_record_claims():
    s = statements_from_sentence("规上工业增加值增速居全国第4位，进出口总额突破万亿元、增速居全国第5位，"
                                 "已铺设1835台“粤智助”自助机，实现7个区（县）全覆盖，建成全国首个量子计算平台，"
                                 "粮食产量突破620亿斤、创历史新高。", 1, REVIEW, 2026, "政府工作报告")
    ranks = {(x.metric, x.rank_no) for x in s if x.claim == "rank" and x.rank_no}
    assert ("规模以上工业增加值增速", 4) in ranks and ("外贸进出口增速", 5) in ranks
    assert any(x.claim == "figure" and x.metric == "外贸进出口总额" and x.value == 1 and x.unit == "万亿元" for x in s)
    assert any(x.claim == "figure" and x.metric == "粤智助自助机" and x.value == 1835 for x in s)
    assert any(x.claim == "coverage" and x.metric == "粤智助自助机" for x in s)
    assert any(x.claim == "first" and x.metric == "量子计算平台" for x in s)
    assert any(x.claim == "rank" and x.metric == "粮食产量" and "历史新高" in x.rank for x in s)


def test_paragraph_context_one_year_and_five_years():
    paras = [Paragraph("刚刚过去的2025年，全省上下顺利完成全年目标任务。地区生产总值增长5.8%，增速居全国第2位。", 1, 1),
             Paragraph("2025年是“十四五”收官之年。五年来，我们砥砺奋进。", 1, 1),
             Paragraph("——经济实力实现新跃升。一般公共预算收入累计完成3.7万亿元，5年增长18.7%，城镇新增就业603.7万人，"
                       "地区生产总值年均增长5.9%。", 1, 1)]
    got = statements_from_paragraphs(paras, year=2026, report_type="政府工作报告", section_of=lambda s, p: "")
    by = {(x.metric, x.value): x for x in got if x.claim == "figure"}
    assert (by[("地区生产总值增速", 5.8)].period_year, by[("地区生产总值增速", 5.8)].period_kind) == (2025, "actual")
    five = by[("一般公共预算收入增速", 18.7)]
    assert (five.period_year, five.period_end, five.period_kind) == (2021, 2025, "cumulative")
    jobs = by[("城镇新增就业", 603.7)]
    assert (jobs.period_year, jobs.period_end) == (2021, 2025)          # never ranked as 2025's
    avg = by[("地区生产总值增速", 5.9)]
    assert (avg.period_year, avg.period_end, avg.period_kind) == (2021, 2025, "average")


def test_account_reports_keep_money_figures_as_facts_only():
    paras = [Paragraph("2021 年度总收入 28,855.11 万元，建成政务服务驿站 52 个，实现全市镇街全覆盖。", 3, 3)]
    got = statements_from_paragraphs(paras, year=2021, report_type="部门决算", section_of=lambda s, p: "")
    assert not any(x.unit == "万元" for x in got)
    assert any(x.value == 52 for x in got) and any(x.claim == "coverage" for x in got)


def test_full_width_text_is_quoted_as_written():
    s = statements_from_sentence("地区生产总值增长5.1％。", 1, REVIEW, 2026, "政府工作报告")[0]
    assert (s.metric, s.value, s.unit) == ("地区生产总值增速", 5.1, "%") and s.text == "地区生产总值增长5.1％"


def test_metric_names_and_scales():
    assert metric_named("2025年各省GDP增速") .name == "地区生产总值"
    assert metric_named("哪个省经济总量最大").name == "地区生产总值"
    assert metric_named("人均GDP").name == "人均地区生产总值"
    assert [h.metric.name for h in find_metrics("服务进出口总额增长22%")] == []      # services trade is not 外贸
    assert base_of("外贸进出口增速").name == "外贸进出口总额"
    assert standard(1400, "亿斤") == (7000.0, "万吨") and standard(5.3, "万亿元") == (53000.0, "亿元")
    assert standard(45000, "元")[1] == standard(4.5, "万元")[1]
    assert topic_of("粮食产量", "") == "粮食" and topic_of("低空经济产业规模", "") == "低空经济"
