"""The question variants of scripts/consistency.py (scripts/variants.py): pure text, no store."""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("variants", ROOT / "scripts" / "variants.py")
V = sys.modules.setdefault("variants", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(V)

POOL_QS = [
    {"id": "a", "type": "numeric", "q": "深圳市审计局2026年“三公”经费预算是多少？", "city": "深圳"},
    {"id": "b", "type": "numeric", "q": "广州市司法局2026年“三公”经费预算是多少？", "city": "广州"},
    {"id": "c", "type": "numeric", "q": "深圳司法局2026年机关运行经费财政拨款预算多少？", "city": "深圳"},
    {"id": "d", "type": "numeric", "q": "湖南省2025年地区生产总值增长多少？", "city": "湖南"},
    {"id": "e", "type": "numeric", "q": "陕西2025年粮食产量是多少？", "city": "陕西"},
]


def by_form(q, clock=2026):
    return {(v.kind, v.form): v for v in V.variants(q, V.make_pool(POOL_QS), clock)}


def test_parse_finds_place_organisation_and_year():
    p = V.parse("深圳市审计局2026年“三公”经费预算是多少？", "深圳")
    assert [s.typed for s in p.places] == ["深圳市"]
    assert p.org.typed == "审计局"
    assert [y.typed for y in p.years] == ["2026年"]
    p = V.parse("中共深圳市委宣传部2026年机关运行经费财政拨款预算多少", "深圳")
    assert [s.typed for s in p.places] == ["深圳"] and p.places[0].committee and p.org.typed == "市委宣传部"
    p = V.parse("广州市场监管局2026年公务接待费多少", "广州")
    assert [s.typed for s in p.places] == ["广州"] and p.org.typed == "市场监管局"
    p = V.parse("上海市普陀区规划和自然资源局2024年度“三公”经费决算数是多少？", "上海")
    assert [s.typed for s in p.places] == ["上海市", "普陀区"] and p.org.typed == "规划和自然资源局"


def test_english_names():
    div = {d.name: d for d in V.divisions()}
    assert V.english_names(div["陕西省"]) == ("Shaanxi", "Shaanxi Province")
    assert V.english_names(div["内蒙古自治区"]) == ("Inner Mongolia",)
    assert V.english_names(div["六安市"]) == ("Lu'an", "Lu'an City")
    assert V.english_names(div["甘孜藏族自治州"]) == ("Ganzi", "Ganzi Prefecture")


def test_every_kind_of_variant_of_a_department_question():
    got = by_form(POOL_QS[0])
    assert got["english", "pinyin"].q == "Shenzhen 审计局2026年“三公”经费预算是多少？"
    assert got["traditional", "s2t"].q == "深圳市審計局2026年“三公”經費預算是多少？"
    assert got["short-name", "place-short"].q == "深圳审计局2026年“三公”经费预算是多少？"
    assert got["relative-year", "今年"].q == "深圳市审计局今年“三公”经费预算是多少？"
    assert got["word-order", "year-first"].q == "2026年深圳市审计局“三公”经费预算是多少？"
    assert got["word-order", "year-late"].q == "深圳市审计局“三公”经费预算2026年是多少？"
    fu = got["follow-up", "org-switch"]
    assert fu.first == "深圳市司法局2026年“三公”经费预算是多少？" and fu.q == "那审计局呢？"


def test_short_names_and_follow_ups_of_places():
    got = by_form({"id": "x", "type": "numeric", "q": "深圳市发展和改革委员会2026年公务接待费预算是多少？",
                   "city": "深圳"})
    assert got["short-name", "org-short"].q == "深圳发改委2026年公务接待费预算是多少？"
    got = by_form(POOL_QS[3])
    assert got["relative-year", "去年"].q == "湖南省去年地区生产总值增长多少？"
    assert got["word-order", "year-first"].q == "2025年湖南省的地区生产总值增长多少？"
    assert got["follow-up", "place-switch"].first == "陕西省2025年地区生产总值增长多少？"
    assert got["follow-up", "place-switch"].q == "那湖南呢？"
    assert ("english", "pinyin+level") in got and got["english", "pinyin+level"].q.startswith("Hunan Province ")


def test_across_place_questions_name_no_place_and_variants_are_deterministic():
    q = {"id": "r", "type": "numeric", "q": "绵阳、宜宾、德阳中，2023年地区生产总值最高的是哪个？", "city": "绵阳"}
    kinds = {k for k, _ in by_form(q)}
    assert kinds <= {"traditional", "relative-year", "word-order"}
    assert V.variants(POOL_QS[0], V.make_pool(POOL_QS), 2026) == V.variants(POOL_QS[0], V.make_pool(POOL_QS), 2026)
    assert V.variants({"id": "t", "type": "numeric", "q": "廣西2025年糧食產量是多少？", "city": "广西"},
                      V.make_pool(POOL_QS), 2026) == []
