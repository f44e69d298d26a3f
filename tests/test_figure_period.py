"""Which facts may answer a question's year (qa/figures.in_period), and figures of a part of the
place (a village inside a city's report) that never answer for the place."""
from __future__ import annotations

from index.records import Fact, Report
from qa.figures import in_period, of_a_part
from qa.question import parse_question


def report(kind: str, year: int) -> Report:
    return Report(doc_id="d", title="t", city="绵阳", year=year, department="绵阳市人民政府", report_type=kind,
                  source_path="绵阳.txt", pages=1, sha1="x")


def fact(subject: str = "地区生产总值", **kw) -> Fact:
    return Fact(subject=subject, subject_raw=subject, measure="金额", value=4038.73, unit="亿元", page=1,
                text="", source="prose", **kw)


def test_an_undated_work_report_figure_answers_for_the_year_it_reviews_too():
    r = report("政府工作报告", 2024)
    assert in_period(fact(), r, 2023, asks_target=False)
    assert in_period(fact(), r, 2024, asks_target=False)
    assert not in_period(fact(), r, 2022, asks_target=False)
    assert not in_period(fact(), r, 2023, asks_target=True)          # a target is the report's own year
    assert not in_period(fact(period_year=2024, period_kind="actual"), r, 2023, asks_target=False)


def test_other_reports_keep_their_own_year():
    assert not in_period(fact(), report("部门预算", 2024), 2023, asks_target=False)
    assert in_period(fact(), report("部门预算", 2024), 2024, asks_target=False)


def test_a_village_figure_is_not_the_city_figure():
    q = parse_question("绵阳2023年居民人均可支配收入是多少？")
    assert of_a_part(fact("全村人均可支配收入"), q)
    assert not of_a_part(fact("居民人均可支配收入"), q)
    assert not of_a_part(fact("全村人均可支配收入"), parse_question("石椅村全村人均可支配收入是多少？"))
