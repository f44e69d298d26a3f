"""English (pinyin) names of every place of the division table (index/names/english.py), how a
name several places share is resolved (a province named with it, the store, else asking back),
and organizations distributed over the places / items named together ("深圳和广州信访局") —
from the names layer up to answers over real city reports and real department budgets (hash
embedder: the place and scope decisions do not depend on the embedding model)."""
from __future__ import annotations

import pytest
from conftest import REALDATA, realdata

from index.names.english import english_names, find_english, pinyin_name
from index.names.places import load_gazetteer
from index.records import Report
from qa.scope import Catalog, find_mentions, resolve, typed_places, without_english_places

GAZ = load_gazetteer()


def place(name: str, within: str = ""):
    """The one place of that full name (inside `within` when several share it)."""
    found = [p for p in GAZ.lookup(name) if p.name == name
             and (not within or any(within in (a.name, a.short) for a in GAZ.ancestors(p)))]
    assert len(found) == 1, (name, within, found)
    return found[0]


# ---- generated names ------------------------------------------------------------------
@pytest.mark.parametrize("name,within,english", [
    ("烟台市", "", "Yantai"), ("西安市", "陕西", "Xi'an"), ("普陀区", "上海", "Putuo"), ("金华市", "", "Jinhua"),
    ("重庆市", "", "Chongqing"), ("厦门市", "", "Xiamen"), ("长沙市", "", "Changsha"), ("蚌埠市", "", "Bengbu"),
    ("六安市", "", "Lu'an"), ("丽水市", "", "Lishui"), ("乐山市", "", "Leshan"), ("东莞市", "", "Dongguan"),
    ("番禺区", "", "Panyu"), ("莘县", "", "Shenxian"), ("长治市", "", "Changzhi"), ("朝阳区", "北京", "Chaoyang"),
    ("花都区", "", "Huadu"), ("成都市", "", "Chengdu"), ("乐清市", "", "Yueqing"), ("漯河市", "", "Luohe"),
    ("什邡市", "", "Shifang"), ("吕梁市", "", "Lüliang"), ("佛山市", "", "Foshan"), ("长宁区", "上海", "Changning"),
    ("浦东新区", "", "Pudong"), ("陕西省", "", "Shaanxi"), ("山西省", "", "Shanxi"),
    ("内蒙古自治区", "", "Inner Mongolia"), ("西藏自治区", "", "Tibet"), ("香港特别行政区", "", "Hong Kong"),
    ("澳门特别行政区", "", "Macau"),
])
def test_generated_names(name, within, english):
    assert english_names(place(name, within))[0] == english


def test_usual_english_names_beside_the_pinyin():
    assert set(english_names(place("哈尔滨市"))) == {"Ha'erbin", "Harbin"}
    assert "Urumqi" in english_names(place("乌鲁木齐市"))
    assert english_names(place("西藏自治区")) == ("Tibet", "Xizang")
    assert pinyin_name("长子") == "Zhangzi"            # 长 is zhang in this one


def names(text: str, **kw) -> list[tuple[str, list[str]]]:
    return [(m.text, [GAZ.label(p) for p in m.places]) for m in find_english(text, GAZ, **kw)]


@pytest.mark.parametrize("text,typed,label", [
    ("What was Yantai's GDP in 2023?", "Yantai", "山东省烟台市"),
    ("what was yantai’s gdp", "yantai", "山东省烟台市"),
    ("YANTAI CITY budget", "YANTAI CITY", "山东省烟台市"),
    ("GDP of Xi'an", "Xi'an", "陕西省西安市"),
    ("GDP of Xian", "Xian", "陕西省西安市"),
    ("Changsha County", "Changsha County", "湖南省长沙市长沙县"),
    ("Changsha", "Changsha", "湖南省长沙市"),                       # the city, not also the county inside it
    ("Lu'an City's target", "Lu'an City", "安徽省六安市"),
    ("Lvliang", "Lvliang", "山西省吕梁市"),
    ("Pudong New Area", "Pudong New Area", "上海市浦东新区"),
    ("Inner Mongolia's grain output", "Inner Mongolia", "内蒙古自治区"),
    ("Guangxi Zhuang Autonomous Region", "Guangxi Zhuang Autonomous Region", "广西壮族自治区"),
    ("Ganzi Tibetan Autonomous Prefecture", "Ganzi Tibetan Autonomous Prefecture", "四川省甘孜藏族自治州"),
    ("Shenzhen审计局2026年预算", "Shenzhen", "广东省深圳市"),
    ("He County", "He County", "安徽省马鞍山市和县"),
])
def test_english_names_in_text(text, typed, label):
    assert names(text) == [(typed, [label])]


def test_shaanxi_is_not_shanxi():
    assert names("Shaanxi vs Shanxi") == [("Shaanxi", ["陕西省"]), ("Shanxi", ["山西省"])]


@pytest.mark.parametrize("text", [
    "What was the total budget?", "Compare the two", "change", "long", "How did the bureau change its spending?",
    "Which departments spent the most on official receptions?", "What is the growth target?", "he county",
    "The dean gave a lean budget", "How many yuan per mile?", "What does the guide say about boxing?",
    "What was the general public budget revenue in 2024?", "What problems does the Finance Bureau report?",
    "Minqing map coverage", "Did he leave an area for the new district?",
])
def test_no_place_in_ordinary_english(text):
    assert names(text) == []


# ---- a name several places share --------------------------------------------------------
SUZHOU_JS, SUZHOU_AH = place("苏州市"), place("宿州市")


def test_shared_name_without_anything_to_tell_stays_open():
    [m] = find_english("What was Suzhou's GDP?", GAZ)
    assert m.how == "ambiguous" and {SUZHOU_JS, SUZHOU_AH} <= set(m.places)
    [m] = find_english("Fuzhou", GAZ)
    assert {p.name for p in m.places} == {"福州市", "抚州市"}
    [m] = find_english("Putuo District", GAZ)
    assert {GAZ.label(p) for p in m.places} == {"上海市普陀区", "浙江省舟山市普陀区"}


def test_shared_name_read_by_a_province_named_with_it():
    for text in ("Suzhou, Anhui", "Suzhou (Anhui)", "Suzhou in Anhui", "Anhui's Suzhou", "Anhui Suzhou"):
        assert names(text) == [(text, ["安徽省宿州市"])], text        # one place: the province qualifies it
    assert names("Taizhou, Zhejiang") == [("Taizhou, Zhejiang", ["浙江省台州市"])]
    # a province joined by "and" is a second place, and still tells which Suzhou
    assert names("Jiangsu and Suzhou") == [("Jiangsu", ["江苏省"]), ("Suzhou", ["江苏省苏州市"])]
    assert names("宿州 Suzhou", around={SUZHOU_AH.code}) == [("Suzhou", ["安徽省宿州市"])]


def test_shared_name_read_by_the_store():
    ah = find_english("Suzhou", GAZ, held={SUZHOU_AH.code}, prefer={SUZHOU_AH.code, "340000"})
    assert [p.name for p in ah[0].places] == ["宿州市"] and ah[0].how == "store" and SUZHOU_JS in ah[0].others
    # the store holds both: still open
    both = find_english("Suzhou", GAZ, held={SUZHOU_AH.code, SUZHOU_JS.code})
    assert len(both[0].places) == 2
    # a province's own report is evidence for the province, not for a city of the same name elsewhere
    provinces = {p.code for p in GAZ.places() if p.level == "province"}
    assert names("Hainan", held=provinces, prefer=provinces) == [("Hainan", ["海南省"])]
    # a place inside the store's place: 上海's 普陀
    assert names("Putuo", held={"310000"}, prefer={"310000"}) == [("Putuo", ["上海市普陀区"])]
    # 北京's 朝阳区 held: Chaoyang is that one; nothing held: the city 朝阳市 before the districts
    chaoyang_bj = place("朝阳区", "北京")
    assert names("Chaoyang", held={chaoyang_bj.code}, prefer={chaoyang_bj.code, "110000"}) == \
        [("Chaoyang", ["北京市朝阳区"])]
    assert names("Chaoyang") == [("Chaoyang", ["辽宁省朝阳市"])]


# ---- the scope: asking back, distributing organizations ----------------------------------
def report(doc_id: str, place_code: str, department: str | None = None, year: int = 2026,
           report_type: str = "部门预算") -> Report:
    p = GAZ.get(place_code)
    return Report(doc_id=doc_id, title=f"{department or p.name}{year}年{report_type}", city=p.short, year=year,
                  department=department, report_type=report_type, source_path=f"{doc_id}.pdf", pages=1, sha1=doc_id,
                  place_code=place_code, place=GAZ.label(p), province=GAZ.province_of(p).short)


SZ, GZ = "440300", "440100"
DEPTS = Catalog((report("a", SZ, "深圳市信访局"), report("b", GZ, "广州市信访局"), report("c", SZ, "深圳市民政局"),
                 report("d", GZ, "广州市民政局")))
CITIES = Catalog((report("s1", SUZHOU_JS.code, report_type="政府工作报告", year=2024),
                  report("s2", SUZHOU_AH.code, report_type="政府工作报告", year=2024),
                  report("y", place("烟台市").code, report_type="政府工作报告", year=2024)))


def test_a_shared_name_the_store_cannot_tell_is_asked_back():
    scope = resolve("What was Suzhou's GDP in 2023?", [2023], CITIES)
    assert scope.choices == (("Suzhou", (SUZHOU_JS.code, SUZHOU_AH.code)),) and not scope.doc_ids
    assert "Suzhou 可能指 苏州市（江苏） 或 宿州市（安徽）" in scope.missing
    assert "苏州市 (Suzhou City, Jiangsu)" in scope.missing_en and "宿州市 (Suzhou City, Anhui)" in scope.missing_en
    told = resolve("What was the GDP of Suzhou, Anhui in 2023?", [2023], CITIES)
    assert told.places == (SUZHOU_AH.code,) and told.doc_ids == ("s2",) and not told.choices
    assert typed_places("Compare Yantai and Suzhou, Anhui", CITIES) == ["烟台", "宿州"]


@pytest.mark.parametrize("question", [
    "比较深圳和广州信访局的公务接待费", "广州和深圳信访局2026年公务接待费", "深圳市和广州市的信访局公务接待费",
    "深圳、广州两市信访局的公务接待费", "深圳市、广州市信访局的公务接待费", "深圳和广州的信访局公务接待费",
    "Official reception costs of the Shenzhen and Guangzhou Petition Bureaus",
    "Compare official receptions: Shenzhen and Guangzhou Petition Bureau",
])
def test_a_body_named_after_places_joined_is_each_ones(question):
    scope = resolve(question, [], DEPTS)
    assert set(scope.orgs) == {"深圳市信访局", "广州市信访局"}, scope.how
    assert set(scope.doc_ids) == {"a", "b"}


@pytest.mark.parametrize("question,orgs", [
    ("信访局和民政局的公务接待费", {"深圳市信访局", "广州市信访局", "深圳市民政局", "广州市民政局"}),
    ("深圳信访局和民政局的公务接待费", {"深圳市信访局", "深圳市民政局"}),
    ("深圳市信访局和广州市民政局的公务接待费", {"深圳市信访局", "广州市民政局"}),
])
def test_an_item_named_after_bodies_joined_is_each_ones(question, orgs):
    scope = resolve(question, [], DEPTS)
    assert set(scope.orgs) == orgs


def test_a_body_is_the_same_body_under_another_name_in_each_place():
    st, sw = "440500", "441500"      # 汕头 / 汕尾: one body, named 政务服务和数据管理局 / 政务服务数据管理局
    catalog = Catalog((report("t", st, "汕头市政务服务和数据管理局"), report("w", sw, "汕尾市政务服务数据管理局")))
    scope = resolve("汕头和汕尾政数局的公务接待费", [], catalog)
    assert set(scope.orgs) == {"汕头市政务服务和数据管理局", "汕尾市政务服务数据管理局"}


def test_an_english_place_name_is_not_part_of_the_topic():
    assert without_english_places("Deyang 去年地区生产总值", CITIES) == "去年地区生产总值"
    assert without_english_places("Yantai's 城镇新增就业", CITIES) == "城镇新增就业"


def test_a_body_after_one_place_stays_that_places():
    assert set(resolve("广州信访局的公务接待费", [], DEPTS).orgs) == {"广州市信访局"}
    m = find_mentions("深圳的预算和广州信访局的公务接待费", DEPTS)     # not joined: 深圳 is not the body's
    assert {o for o, _, _ in m.orgs} == {"广州市信访局"}


# ---- end to end: real reports, real store ---------------------------------------------------
CITY_REPORTS = "city-gov-work-reports-2024"


@pytest.fixture(scope="module")
def city_engine(tmp_path_factory):
    from index.ingest.report import ingest_file
    from index.search.embed import HashEmbedder
    from index.search.fact_index import FactIndex
    from index.search.retrieval import SearchIndex
    from index.store.sqlite import SqliteStore
    from qa.router import Engine
    if not (REALDATA / CITY_REPORTS).exists():
        pytest.skip("realdata not available")
    emb = HashEmbedder()
    store = SqliteStore(tmp_path_factory.mktemp("en_cities") / "store")
    for city in ("烟台", "金华", "泰安", "杭州", "苏州", "宿州", "抚州"):
        ingest_file(store, emb, realdata(f"{CITY_REPORTS}/{city}.txt"))
    yield Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb,
                 store=store)
    store.close()


@pytest.mark.parametrize("english,chinese,city", [
    ("What was Yantai's GDP in 2023?", "烟台2023年地区生产总值是多少", "烟台"),
    ("What is Jinhua's GDP growth target for 2024?", "金华2024年地区生产总值增长目标是多少", "金华"),
    ("What was the GDP of Suzhou, Anhui in 2023?", "宿州2023年地区生产总值是多少", "宿州"),
    ("What was Fuzhou's GDP in 2023?", "抚州2023年地区生产总值是多少", "抚州"),     # the store holds 抚州, not 福州
    ("Jinhua City 2023年地区生产总值是多少", "金华2023年地区生产总值是多少", "金华"),  # an English name in a Chinese question
])
def test_english_question_gets_the_chinese_questions_figure(city_engine, english, chinese, city):
    zh, en = city_engine.ask(chinese).as_dict(), city_engine.ask(english).as_dict()
    assert zh["kind"] == "fact" and zh["value"] is not None, zh["answer"]
    assert en["kind"] == "fact", en["answer"]
    assert (en["value"], en["unit"]) == (zh["value"], zh["unit"])
    assert {f["city"] for f in en["facts"]} == {city}
    assert [p["name"] for p in en["scope"]["places"]] == [p["name"] for p in zh["scope"]["places"]]


def test_english_question_on_a_shared_name_is_asked_back(city_engine):
    a = city_engine.ask("What was Suzhou's GDP in 2023?").as_dict()
    assert a["kind"] == "none" and a["value"] is None and not a["facts"]
    assert "苏州市" in a["answer"] and "宿州市" in a["answer"] and "Jiangsu" in a["answer"]
    assert [c["typed"] for c in a["scope"]["choices"]] == ["Suzhou"]
    # each suggestion names one of them, and asked, answers for that one
    assert len(a["suggestions"]) == 2
    picked = city_engine.ask(a["suggestions"][0]).as_dict()
    assert picked["kind"] == "fact" and {f["city"] for f in picked["facts"]} == {"苏州"}
    zh = city_engine.ask("Suzhou 2023年地区生产总值是多少").as_dict()
    assert zh["kind"] == "none" and "Suzhou 可能指" in zh["answer"]


DEPT_REPORTS = "renwu-2026-dept-budgets-guangdong"


@pytest.fixture(scope="module")
def dept_engine(tmp_path_factory):
    from index.ingest.report import ingest_file
    from index.search.embed import HashEmbedder
    from index.search.fact_index import FactIndex
    from index.search.retrieval import SearchIndex
    from index.store.sqlite import SqliteStore
    from qa.router import Engine
    if not (REALDATA / DEPT_REPORTS).exists():
        pytest.skip("realdata not available")
    emb = HashEmbedder()
    store = SqliteStore(tmp_path_factory.mktemp("en_depts") / "store")
    for folder in ("003_深圳", "005_广州"):
        for dept in ("信访局", "民政局"):
            ingest_file(store, emb, realdata(f"{DEPT_REPORTS}/{folder}/{dept}_2026年部门预算.pdf"))
    yield Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb,
                 store=store)
    store.close()


def single(engine, org: str) -> float:
    a = engine.ask(f"{org}2026年公务接待费是多少").as_dict()
    assert a["kind"] == "fact", a["answer"]
    return a["value"]


@pytest.mark.slow
@pytest.mark.parametrize("question,orgs", [
    ("比较深圳和广州信访局的公务接待费", ("深圳市信访局", "广州市信访局")),
    ("深圳、广州两市信访局2026年的公务接待费", ("深圳市信访局", "广州市信访局")),
    ("深圳市和广州市的信访局2026年公务接待费", ("深圳市信访局", "广州市信访局")),
    ("深圳市信访局和民政局2026年的公务接待费", ("深圳市信访局", "深圳市民政局")),
    ("Compare the official reception expenses of the Shenzhen and Guangzhou Petition Bureaus",
     ("深圳市信访局", "广州市信访局")),
])
def test_comparison_answers_every_body_named(dept_engine, question, orgs):
    a = dept_engine.ask(question).as_dict()
    rows = {r["organization"]: r["value"] for r in a["table"] if r["value"] is not None}
    assert set(rows) == set(orgs), a["answer"]
    for org in orgs:
        assert rows[org] == pytest.approx(single(dept_engine, org))
