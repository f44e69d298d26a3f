"""Words of a question read as the reports write them: Latin place names in a Chinese question,
acronyms (GDP), targets (目标, 计划), and a zone's figure inside a city's report (pure functions)."""
from __future__ import annotations

import pytest

from index.records import Fact
from qa.figures import of_a_part
from qa.glossary import chinese_acronyms
from qa.question import detect_lang, parse_question


@pytest.mark.parametrize("text,lang", [
    ("Shanghai Municipality Putuo District 规划和自然资源局2024年度政府采购金额是多少", "zh"),
    ("Shenzhen 审计局2026年公务接待费", "zh"),
    ("What is the 三公经费 of the Shenzhen Audit Bureau?", "en"),
    ("What is 粤智助?", "en"),
])
def test_names_in_latin_letters_keep_a_question_chinese(text, lang):
    assert detect_lang(text) == lang


def test_acronyms_in_a_chinese_question():
    assert chinese_acronyms("宁夏十四五期间GDP年均增长多少？") == "宁夏十四五期间地区生产总值年均增长多少？"
    assert chinese_acronyms("What was Yantai's GDP in 2023?") == "What was Yantai's GDP in 2023?"


@pytest.mark.parametrize("text,target", [
    ("上海GDP增长目标", True), ("蚌埠今年城镇新增就业计划多少？", True), ("目标任务完成情况", False),
    ("计划生育支出是多少", False), ("江苏2025年城镇新增就业多少？", False),
])
def test_targets_asked(text, target):
    assert parse_question(text).asks_target is target


def prose(text: str, subject: str) -> Fact:
    return Fact(subject=subject, subject_raw=subject, measure="", value=100.0, unit="亿元", page=1, text=text,
                source="prose")


def test_a_zone_s_figure_is_not_the_city_s():
    q = parse_question("宜宾2023年地区生产总值是多少？")
    assert of_a_part(prose("宜宾高新区独立运行，地区生产总值突破100亿元。", "地区生产总值"), q)
    assert not of_a_part(prose("全市地区生产总值达到3806.6亿元。", "地区生产总值"), q)
    asked = parse_question("宜宾高新区2023年地区生产总值是多少？")
    assert not of_a_part(prose("宜宾高新区独立运行，地区生产总值突破100亿元。", "地区生产总值"), asked)
