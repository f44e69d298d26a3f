"""Metric names of statements are metrics (index/extract/metric_names.py, statements.py): no rank
word, verb, bare place or fragment; a milestone (突破 / 迈上…台阶 / “1万亿方阵”) is a bound, never
the year's level, and the exact figure wins; a total and its growth give both. Real sentences
of the 2024 city 政府工作报告 (../shared/realdata/city-gov-work-reports-2024)."""
from __future__ import annotations

from collections import defaultdict

import pytest
from conftest import REALDATA

from index.extract.metric_names import flaw
from index.extract.statements import statements_from_paragraphs, statements_from_sentence
from index.read.parse import parse_file
from index.records import Statement
from qa.achievements import inexact

REVIEW = "一、2023年工作回顾"


def stated(sentence: str) -> list[Statement]:
    return statements_from_sentence(sentence, 1, REVIEW, 2024, "政府工作报告")


def figures(sentence: str) -> list[tuple]:
    return [(s.metric, s.value, s.unit, s.approx, s.bound) for s in stated(sentence) if s.claim == "figure"]


@pytest.mark.parametrize("name, why", [
    ("前三", "rank"), ("高于全省", "comparison"), ("行政村", "admin"), ("省级", "admin"), ("县(市", "admin"),
    ("出台“民营经济", "fragment"), ("四上”企业", "fragment"), ("粮食播种面积稳定在", "fragment"),
    ("新开工", "verb"), ("竣工投产", "verb"), ("亿元", "unit"), ("前三季度增速", "period"),
    ("高标准农田", ""), ("“四上”企业", ""), ("行政村生活污水治理率", ""), ("和美乡村", ""), ("开工率", ""),
    ("规模以上工业增加值增速高于全国", ""),
])
def test_what_names_a_metric(name, why):
    assert flaw(name) == why


def test_a_milestone_is_a_bound_and_the_exact_figure_follows():
    got = figures("地区生产总值迈上3万亿元新台阶、达到30145.79亿元、增长6.1%，规上工业增加值增长6.6%。")   # 重庆
    assert ("地区生产总值", 3.0, "万亿元", True, "min") in got
    assert ("地区生产总值", 30145.79, "亿元", False, "") in got
    assert ("地区生产总值增速", 6.1, "%", False, "") in got
    got = figures("全年地区生产总值突破1600亿元，增长5.5%左右。")                                         # 淮南
    assert got == [("地区生产总值", 1600.0, "亿元", True, "min"), ("地区生产总值增速", 5.5, "%", True, "")]


def test_a_number_inside_a_quoted_name_is_no_figure():
    assert figures("——经济总量上新台阶，实现从“1万亿方阵”到“2万亿方阵”的大跨越。") == []                   # 杭州
    assert figures("开展“爱企行动”系列活动，出台“民营经济33条”，设立中小企业投资基金。") == []              # 绍兴


def test_total_and_growth_in_one_sentence_give_both():
    assert figures("预计全市地区生产总值近1.55万亿元、增长6%左右，人均GDP有望保持全国大中城市首位。") == [  # 无锡
        ("地区生产总值", 1.55, "万亿元", True, ""), ("地区生产总值增速", 6.0, "%", True, "")]
    got = figures("预计全年完成地区生产总值3800亿元，增长7%；规上工业增加值增长9%。")                      # 滁州
    assert got[:2] == [("地区生产总值", 3800.0, "亿元", True, ""), ("地区生产总值增速", 7.0, "%", True, "")]
    assert figures("全市地区生产总值达到8500亿元，增长6%。") == [
        ("地区生产总值", 8500.0, "亿元", False, ""), ("地区生产总值增速", 6.0, "%", False, "")]
    assert figures("预计全年地区生产总值增长5 . 5%以上。")[0][:3] == ("地区生产总值增速", 5.5, "%")      # 日照


@pytest.mark.parametrize("sentence, metric, value", [
    ("在可获取全省排名的19项主要经济指标中，有13项增幅进入全省前六，其中10项前三。", None, 10),        # 淮安
    ("力争村集体收入过20万元的行政村超过75%，过50万元的超过45%。", "村集体收入过20万元的行政村", 75),    # 临沂
    ("新增国家级“专精特新”企业8家、省级66家。", "省级“专精特新”企业", 66),                               # 咸宁
    ("民生支出204.98亿元，占一般公共预算支出的66.4%。", "民生支出占一般公共预算支出比重", 66.4),         # 内江
    ("其中一、二、三产分别增长3.3％、0.6％、5.7％。", "二产增速", 0.6),                                   # 六盘水
    ("持牌金融机构新增47家、总数达到1771家。", "持牌金融机构", 1771),                                    # 上海
    ("规上工业增加值增长6.2%、高于全国平均0.3个百分点。", "规模以上工业增加值增速高于全国平均", 0.3),
    ("新开工10亿元以上工业项目30个。", "新开工10亿元以上工业项目", 30),                                  # 合肥
])
def test_junk_subjects_are_repaired_or_dropped(sentence, metric, value):
    got = {s.value: s.metric for s in stated(sentence) if s.claim == "figure"}
    assert got.get(value) == metric
    assert all(not flaw(m) for m in got.values())
    assert 20 not in got                                # a threshold (过20万元) is no figure of its own


def test_the_exact_figure_wins_over_a_milestone():
    sts = [s for s in stated("地区生产总值突破6000亿元，达到6105亿元，增长6.1%。") if s.metric == "地区生产总值"]   # 临沂
    assert [(s.value, inexact(s)) for s in sts] == [(6000, True), (6105, False)]
    assert min(sts, key=inexact).value == 6105      # what place_statement / best_per_place answer with


@pytest.mark.skipif(not (REALDATA / "city-gov-work-reports-2024").exists(), reason="realdata not present")
def test_no_metric_two_city_reports_share_is_junk():
    """What the 成效 view offers (metrics stated by two places or more) over the 140 city reports."""
    places: dict[str, set] = defaultdict(set)
    for path in sorted((REALDATA / "city-gov-work-reports-2024").glob("*.txt")):
        if path.stem in ("INDEX", "SOURCE"):
            continue
        doc = parse_file(path)
        for st in statements_from_paragraphs(doc.paragraphs, year=2024, report_type="政府工作报告",
                                             section_of=lambda s, p: ""):
            if st.claim == "figure":
                places[st.metric].add(path.stem)
    shared = [m for m, ps in places.items() if len(ps) >= 2]
    assert len(shared) > 1000
    assert [m for m in shared if flaw(m)] == []
    assert not {"前三", "行政村", "省级", "高于全省", "新开工"} & set(places)
