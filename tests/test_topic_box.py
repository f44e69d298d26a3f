"""The 成效 view's topic box (qa/topic_box.py): a topic, a metric by any of its names (the synonyms
of index/extract/metrics.py, English through qa/glossary.py), a stored metric name, or words."""
from __future__ import annotations

import pytest

from index.extract.metrics import TOPICS
from qa.topic_box import alias_of, pick_topic

HELD = ["地区生产总值", "地区生产总值增速", "粮食产量", "研发经费投入强度", "高标准农田", "居民消费价格涨幅"]


@pytest.mark.parametrize("typed,metric,label", [
    ("GDP", "地区生产总值", "地区生产总值（GDP）"),
    ("地区生产总值", "地区生产总值", "地区生产总值（GDP）"),
    ("经济总量", "地区生产总值", "地区生产总值（经济总量）"),
    ("GDP growth", "地区生产总值增速", "地区生产总值增速（GDP growth）"),
    ("GDP增速", "地区生产总值增速", "地区生产总值增速（GDP增速）"),
    ("粮食产量", "粮食产量", "粮食产量"),
    ("grain output", "粮食产量", "粮食产量（grain output）"),
    ("R&D intensity", "研发经费投入强度", "研发经费投入强度（R&D intensity）"),
    ("CPI", "居民消费价格涨幅", "居民消费价格涨幅（CPI）"),
    ("  高标准农田 ", "高标准农田", "高标准农田"),          # a metric name as stored
])
def test_metric_by_any_name(typed, metric, label):
    pick = pick_topic(typed, TOPICS, HELD)
    assert (pick.how, pick.metric, pick.label) == ("metric", metric, label)
    assert pick.as_dict()["metric"] == metric


def test_topics_stay_topics():
    for typed in ("经济增长", "粮食", "科技创新"):
        pick = pick_topic(typed, TOPICS, HELD)
        assert (pick.how, pick.topic, pick.metric) == ("topic", typed, None)


def test_a_metric_the_store_states_otherwise():
    # only the growth rate is held: the level asked shows the rate, and says so
    pick = pick_topic("GDP", TOPICS, ["地区生产总值增速"])
    assert pick.metric == "地区生产总值增速" and "库中没有“地区生产总值”" in pick.note
    # a listed metric the store never states: its words are looked for instead
    pick = pick_topic("研发投入", TOPICS, HELD)
    assert pick.how == "text" and pick.words == ("研发投入",) and "研发经费投入" in pick.note


def test_free_words_and_nothing():
    pick = pick_topic("老旧小区 改造", TOPICS, HELD)
    assert pick.how == "text" and pick.words == ("老旧小区", "改造") and pick.metric is None
    assert pick_topic("", TOPICS, HELD).how == "" and pick_topic("   ", TOPICS, HELD).how == ""


def test_alias_names_its_metric_alone():
    assert alias_of("地区生产总值") == "GDP" and alias_of("居民消费价格涨幅") == "CPI"
    assert alias_of("人均地区生产总值") == "" and alias_of("粮食产量") == "" and alias_of("高标准农田") == ""


def test_a_year_in_the_topic_box_filters_like_the_year_box():
    from datetime import date

    from qa.topic_box import topic_year
    today = date(2026, 12, 2)
    assert topic_year("去年GDP", today)[:2] == ("GDP", 2025)
    assert "2025" in topic_year("去年GDP", today)[2]
    assert topic_year("2023年粮食产量", today) == ("粮食产量", 2023, "")
    assert topic_year("GDP last year", today)[:2] == ("GDP", 2025)
    assert topic_year("GDP", today) == ("GDP", None, "")
