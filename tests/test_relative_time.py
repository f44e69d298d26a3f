"""Relative time (今年 / 去年 / 前年 / 目前 …) read against a settable clock, the same way in
figures, comparisons and follow-ups, and stated in the answer (fast: hash embedder)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import corpus_engine

from index.settings import Settings
from qa.relative_time import resolve
from qa.router import Engine

CLOCK = date(2026, 12, 2)


@pytest.mark.parametrize("question,expected", [
    ("去年实际完成多少？", "2025年实际完成多少？"),
    ("今年的目标呢？", "2026年的目标呢？"),
    ("那黑龙江前年实际产量呢？", "那黑龙江2024年实际产量呢？"),
    ("上海今年GDP增长目标和去年实际增长分别是多少", "上海2026年GDP增长目标和2025年实际增长分别是多少"),
    ("本年度三公经费预算", "2026年度三公经费预算"),
    ("明年的目标", "2027年的目标"),
    ("What was Yantai's GDP last year?", "What was Yantai's GDP in 2025?"),
    ("Jinhua's growth target for this year", "Jinhua's growth target in 2026"),
])
def test_relative_years_written_out(question, expected):
    r = resolve(question, CLOCK)
    assert r.text == expected
    assert r.notes and all("2026-12-02" in n for n in r.notes)


@pytest.mark.parametrize("question", [
    "比去年增长多少", "较上年减少了多少", "和去年相比呢", "与上年度相比增长多少",
    "2021年上年结转是多少", "本年收入合计是多少", "上年决算数", "去年同期",
    "主要体现在哪些方面", "实现在线办理",
])
def test_not_relative_years(question):
    r = resolve(question, CLOCK)
    assert r.text == question and not r.notes and r.latest is None


def test_latest_words_ask_for_the_latest_figure():
    r = resolve("目前粤智助有多少台", CLOCK)
    assert r.latest == "目前" and r.text == "粤智助有多少台" and not r.years


def test_clock_setting_reads_dates_and_years():
    assert Settings(today="2024-06-30").today == date(2024, 6, 30)
    assert Settings(today="2024").today == date(2024, 7, 1)
    assert Settings(today="").today is None
    with pytest.raises(ValueError, match="QA_TODAY"):
        Settings(today="last tuesday")


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return corpus_engine(tmp_path_factory.mktemp("relative"), today=date(2022, 5, 1))


def test_last_year_is_the_clock_s_last_year(engine):
    a = engine.ask("汕尾去年公务接待费是多少").as_dict()
    assert a["kind"] == "fact" and a["value"] == pytest.approx(1.13) and a["facts"][0]["year"] == 2021
    assert any("“去年”" in n and "2021" in n for n in a["notes"])
    assert a["scope"]["years"] == [2021]


def test_same_words_another_clock_another_year(engine):
    later = replace(engine, today=date(2026, 12, 2))
    a = later.ask("汕尾去年公务接待费是多少").as_dict()
    assert a["kind"] == "none" and a["value"] is None
    assert "2025" in a["answer"]
    assert any("2025" in n for n in a["notes"])


def test_follow_up_with_a_relative_year(engine):
    clock_2025 = replace(engine, today=date(2025, 3, 1))
    first = clock_2025.ask("汕头2024年公务接待费是多少").as_dict()
    a = clock_2025.ask("去年的呢？", previous=first["scope"]).as_dict()
    assert a["kind"] == "fact" and a["value"] == pytest.approx(first["value"])
    b = clock_2025.ask("前年的呢？", previous=first["scope"]).as_dict()
    assert b["kind"] == "none" and "2023" in b["answer"]


def test_comparison_base_is_not_a_year(engine):
    a = engine.ask("汕尾2021年公务接待费比上年增加多少").as_dict()
    assert not any("“上年”" in n for n in a["notes"])
    assert a["scope"]["years"] == [2021]


def test_latest_names_the_year_used(engine):
    a = engine.ask("汕头目前铺设了多少台粤智助自助机").as_dict()
    assert a["kind"] == "fact" and a["value"] == pytest.approx(1835)
    assert any("目前" in n and "2024" in n for n in a["notes"])
