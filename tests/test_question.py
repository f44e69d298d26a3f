"""The question parser: cities, years, measures, kind and language, as people type them."""
import pytest

from qa.question import detect_lang, parse_question, parse_year
from qa.scope import Catalog, typed_places

EMPTY = Catalog(())


def parse(text: str):
    return parse_question(text, lambda t: typed_places(t, EMPTY))

CASES = [
    # question, cities, year, measure, kind, lang
    ("汕头市政务服务和数据管理局2024年公务接待费决算数是多少？", ("汕头",), 2024, "决算数", "figure", "zh"),
    ("汕尾2021年“三公”经费的预算数是多少？", ("汕尾",), 2021, "预算数", "figure", "zh"),
    ("汕头2024年项目支出的年初预算数是多少？", ("汕头",), 2024, "年初预算数", "figure", "zh"),
    ("汕头2024年人员经费的调整预算数", ("汕头",), 2024, "调整预算数", "figure", "zh"),
    ("粤智助覆盖情况", (), None, None, "description", "zh"),
    ("汕尾“无证明城市”建设取得了哪些成效？", ("汕尾",), None, None, "description", "zh"),
    ("比较汕头和汕尾的公务接待费", ("汕头", "汕尾"), None, None, "comparison", "zh"),
    ("各市政务外网覆盖村居情况", (), None, None, "comparison", "zh"),
    ("汕頭市2024年公務接待費是多少", ("汕头",), 2024, None, "figure", "zh"),
    ("二〇二四年汕头招待费", ("汕头",), 2024, None, "figure", "zh"),
    ("24年汕头公务接待费完成率是多少", ("汕头",), 2024, "完成率", "computation", "zh"),
    ("汕头市在全市铺设了多少台粤智助政府服务自助机？", ("汕头",), None, None, "figure", "zh"),
    ("How much did Shanwei's government service and data administration spend on official receptions in 2021?",
     ("汕尾",), 2021, None, "figure", "en"),
    ("Compare official reception expenses of Shantou and Shanwei", ("汕头", "汕尾"), None, None, "comparison", "en"),
    ("What problems does the Shantou bureau still have?", ("汕头",), None, None, "description", "en"),
    ("广州市政务服务数据管理局2021年一般公共预算财政拨款收入是多少？", ("广州",), 2021, None, "figure", "zh"),
    ("上海市普陀区财政局2024年基本支出", ("上海",), 2024, None, "figure", "zh"),
]


@pytest.mark.parametrize("text,cities,year,measure,kind,lang", CASES)
def test_parse_question(text, cities, year, measure, kind, lang):
    q = parse(text)
    assert q.cities == cities
    assert q.year == year
    assert q.measure == measure
    assert q.kind == kind
    assert q.lang == lang


@pytest.mark.parametrize("text,years", [
    ("2024年", [2024]), ("24年的预算", [2024]), ("二〇二一年决算", [2021]), ("2021 年度", [2021]),
    ("共 1835 台", []), ("增长 12.5 年", []), ("2024年和2023年", [2024, 2023]),
])
def test_years(text, years):
    assert parse_year(text) == years


@pytest.mark.parametrize("text,cities", [
    ("汕尾市和汕头市", ["汕尾", "汕头"]), ("全市已铺设", []), ("Shantou and Foshan", ["汕头", "佛山"]),
    ("各市情况", []), ("某某市政务", []), ("大理的预算", ["大理"]), ("广东省深圳市财政局", ["广东"]),
    ("汕尾陆丰市", ["汕尾"]), ("上海市普陀区财政局", ["上海"]), ("烟台和淮安", ["烟台", "淮安"]),
])
def test_places_the_gazetteer_finds(text, cities):
    """Any place of the division table, not a hand list; a place inside another counts once."""
    assert typed_places(text, EMPTY) == cities


@pytest.mark.parametrize("text,lang", [("公务接待费", "zh"), ("official receptions in 2021", "en"),
                                       ("What is 粤智助?", "en"), ("粤智助 kiosks 覆盖情况", "zh")])
def test_lang(text, lang):
    assert detect_lang(text) == lang
