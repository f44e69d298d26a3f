"""Organisation names: split, aliases, matching questions to known orgs (fast, no model)."""
from __future__ import annotations

import time

import pytest

from index.names.orgs import (
    ABBREVIATIONS,
    ENGLISH,
    GENERIC,
    aliases,
    build_index,
    function_key,
    match_orgs,
    org_terms,
    place_variants,
    split_org,
    to_simplified,
)

PLACES = {
    "深圳": ["深圳市", "深圳"], "广州": ["广州市", "广州"], "汕头": ["汕头市", "汕头"],
    "汕尾": ["汕尾市", "汕尾"], "普陀": ["上海市", "普陀区", "上海", "普陀"],
    "洪泽": ["淮安市", "洪泽区", "淮安", "洪泽"], "湖南": ["湖南省", "湖南"],
}

REAL = [
    ("深圳", "深圳市住房和建设局"), ("广州", "广州市住房和城乡建设局"), ("深圳", "深圳市医疗保障局"),
    ("深圳", "深圳市人民政府口岸办公室"), ("深圳", "深圳市人民政府国有资产监督管理委员会"),
    ("深圳", "深圳市城市管理和综合执法局"), ("深圳", "中共深圳市委宣传部"), ("广州", "中共广州市委宣传部"),
    ("深圳", "深圳市工业和信息化局"), ("深圳", "深圳市应急管理局"), ("广州", "广州市应急管理局"),
    ("深圳", "深圳市民政局"), ("广州", "广州市民政局"), ("深圳", "深圳市退役军人事务局"),
    ("深圳", "深圳市财政局"), ("深圳", "深圳市信访局"), ("广州", "广州市信访局"),
    ("广州", "广州市市场监督管理局"), ("深圳", "深圳市公安局交通警察局"), ("深圳", "深圳市卫生健康委员会"),
    ("广州", "广州市卫生健康委员会"), ("深圳", "深圳市发展和改革委员会"), ("广州", "广州市发展和改革委员会"),
    ("深圳", "深圳市科技创新局"), ("广州", "广州市科学技术局"), ("广州", "广州市规划和自然资源局"),
    ("深圳", "深圳市规划和自然资源局大鹏管理局"), ("深圳", "深圳市规划和自然资源局宝安管理局"),
    ("深圳", "深圳市市场监督管理局深汕监管局"), ("深圳", "深圳市文化广电旅游体育局"),
    ("深圳", "深圳市人力资源和社会保障局"), ("深圳", "深圳市生态环境局"), ("广州", "广州市生态环境局"),
    ("深圳", "深圳市水务局"), ("深圳", "深圳市审计局"), ("深圳", "深圳市统计局"), ("深圳", "深圳市气象局"),
    ("深圳", "深圳市建筑工务署"), ("深圳", "深圳市人民政府办公厅"), ("广州", "广州市人民政府办公厅"),
    ("广州", "广州市政务服务和数据管理局"), ("汕头", "汕头市政务服务和数据管理局"),
    ("汕尾", "汕尾市政务服务数据管理局"), ("普陀", "上海市普陀区财政局"),
    ("普陀", "上海市普陀区规划和自然资源局"), ("普陀", "中共上海市普陀区委社会工作部"),
    ("普陀", "上海市普陀区人民政府万里街道办事处"), ("普陀", "上海市普陀区商务委员会"),
    ("普陀", "上海市普陀区社会福利院"), ("洪泽", "淮安市洪泽区人民政府"), ("湖南", "湖南省人民政府"),
    ("广州", "广州市公安局"),
]
KNOWN = tuple(split_org(full, PLACES[city]) for city, full in REAL)


def orgs_of(text: str, known=KNOWN) -> set[str]:
    return {m.org for m in match_orgs(text, known)}


# ---------------------------------------------------------------- split_org

@pytest.mark.parametrize("full,places,place,core,parent,kind", [
    ("中共深圳市委宣传部", PLACES["深圳"], "深圳市", "宣传部", "", "部"),
    ("深圳市人民政府口岸办公室", PLACES["深圳"], "深圳市", "口岸办公室", "", "办公室"),
    ("深圳市人民政府国有资产监督管理委员会", PLACES["深圳"], "深圳市", "国有资产监督管理委员会", "", "委员会"),
    ("深圳市公安局交通警察局", PLACES["深圳"], "深圳市", "公安局交通警察局", "公安局", "局"),
    ("深圳市规划和自然资源局大鹏管理局", PLACES["深圳"], "深圳市", "规划和自然资源局大鹏管理局", "规划和自然资源局", "局"),
    ("深圳市市场监督管理局深汕监管局", PLACES["深圳"], "深圳市", "市场监督管理局深汕监管局", "市场监督管理局", "局"),
    ("上海市普陀区财政局", PLACES["普陀"], "上海市普陀区", "财政局", "", "局"),
    ("中共上海市普陀区委社会工作部", PLACES["普陀"], "上海市普陀区", "社会工作部", "", "部"),
    ("上海市普陀区人民政府万里街道办事处", PLACES["普陀"], "上海市普陀区", "万里街道办事处", "", "办事处"),
    ("上海市普陀区社会福利院", PLACES["普陀"], "上海市普陀区", "社会福利院", "", "院"),
    ("深圳市人民政府办公厅", PLACES["深圳"], "深圳市", "人民政府办公厅", "", "办公厅"),
    ("淮安市洪泽区人民政府", PLACES["洪泽"], "淮安市洪泽区", "人民政府", "", "政府"),
    ("湖南省人民政府", (), "湖南省", "人民政府", "", "政府"),
    ("深圳市建筑工务署", PLACES["深圳"], "深圳市", "建筑工务署", "", "署"),
    ("广州市政务服务和数据管理局", PLACES["广州"], "广州市", "政务服务和数据管理局", "", "局"),
    ("深圳市卫生健康委员会", PLACES["深圳"], "深圳市", "卫生健康委员会", "", "委员会"),
    # without place names: 省/市/区/县 segments are stripped, body words are not
    ("深圳市城市管理和综合执法局", (), "深圳市", "城市管理和综合执法局", "", "局"),
    ("深圳市市场监督管理局深汕监管局", (), "深圳市", "市场监督管理局深汕监管局", "市场监督管理局", "局"),
    ("上海市普陀区人民政府万里街道办事处", (), "上海市普陀区", "万里街道办事处", "", "办事处"),
    ("中共深圳市委宣传部", (), "深圳市", "宣传部", "", "部"),
    ("洪泽区人民政府", (), "洪泽区", "人民政府", "", "政府"),
    ("内蒙古自治区人民政府", (), "内蒙古自治区", "人民政府", "", "政府"),
    ("城市管理和综合执法局", (), "", "城市管理和综合执法局", "", "局"),
    ("广州市南沙开发区管理委员会", (), "广州市", "南沙开发区管理委员会", "", "委员会"),
])
def test_split_org(full, places, place, core, parent, kind):
    o = split_org(full, places)
    assert (o.full, o.place_prefix, o.core, o.parent_core, o.kind) == (full, place, core, parent, kind)


def test_split_org_short_place_name_and_spaces():
    o = split_org(" 深圳 市财政局 ", ["深圳"])
    assert (o.place_prefix, o.core) == ("深圳市", "财政局")
    assert split_org("深圳市场监督管理局", ["深圳"]).core == "市场监督管理局"
    assert split_org("深圳市政府办公厅", PLACES["深圳"]).core == "人民政府办公厅"
    assert split_org("深圳市政府", PLACES["深圳"]).kind == "政府"
    assert split_org("上海市数据局本级", ["上海市"]).core == "数据局"


def test_traffic_police_two_spellings_same_parent():
    a = split_org("深圳市公安局交通管理局", PLACES["深圳"])
    b = split_org("深圳市公安局交通警察局", PLACES["深圳"])
    assert a.parent_core == b.parent_core == "公安局"
    assert {"交警", "交管局", "交通警察局", "公安局交通警察局", "公安局交通管理局"} <= aliases(a) & aliases(b)


# ---------------------------------------------------------------- aliases

EXPECTED_ALIASES = {
    "深圳市卫生健康委员会": {"卫生健康委员会", "卫健委", "卫生健康委"},
    "深圳市发展和改革委员会": {"发改委", "发展改革委"},
    "深圳市人民政府国有资产监督管理委员会": {"国资委", "国有资产监督管理委员会", "市国资委"},
    "深圳市住房和建设局": {"住建局", "住房和建设局"},
    "广州市住房和城乡建设局": {"住建局", "住房城乡建设局"},
    "深圳市医疗保障局": {"医保局", "医疗保障局", "市医保局"},
    "深圳市城市管理和综合执法局": {"城管局", "城管执法局"},
    "深圳市人力资源和社会保障局": {"人社局"},
    "广州市市场监督管理局": {"市场监管局", "市场监督管理局"},
    "广州市科学技术局": {"科技局"},
    "深圳市科技创新局": {"科创局", "科技局"},
    "广州市规划和自然资源局": {"规划资源局", "规自局"},
    "深圳市公安局交通警察局": {"交警", "交警局", "交管局", "交通警察局"},
    "中共深圳市委宣传部": {"宣传部", "市委宣传部"},
    "广州市政务服务和数据管理局": {"政数局", "政务服务数据局", "政务服务和数据局"},
    "汕尾市政务服务数据管理局": {"政数局", "政务服务和数据管理局"},
    "深圳市退役军人事务局": {"退役军人局", "退役军人事务局"},
    "深圳市工业和信息化局": {"工信局"},
    "深圳市文化广电旅游体育局": {"文广旅体局", "文旅局"},
    "深圳市人民政府口岸办公室": {"口岸办", "口岸办公室", "市政府口岸办公室"},
    "深圳市人民政府办公厅": {"政府办公厅", "市政府办公厅"},
    "深圳市应急管理局": {"应急局", "应急管理局"},
    "深圳市建筑工务署": {"工务署", "建筑工务署"},
    "中共上海市普陀区委社会工作部": {"社会工作部", "区委社会工作部", "社工部"},
    "上海市普陀区人民政府万里街道办事处": {"万里街道办事处", "万里街道"},
    "上海市普陀区商务委员会": {"商务委", "区商务委员会"},
    "深圳市规划和自然资源局大鹏管理局": {"规划和自然资源局大鹏管理局", "大鹏管理局", "规划资源局大鹏管理局"},
    "深圳市市场监督管理局深汕监管局": {"深汕监管局", "市场监管局深汕监管局"},
}


@pytest.mark.parametrize("full", sorted(EXPECTED_ALIASES))
def test_aliases_contain_short_forms(full):
    org = next(o for o in KNOWN if o.full == full)
    assert EXPECTED_ALIASES[full] <= aliases(org)


def test_aliases_never_generic_or_short_or_parent_alone():
    for o in KNOWN:
        al = aliases(o)
        assert all(len(a) >= 2 for a in al), o.full
        assert not al & GENERIC, (o.full, al & GENERIC)
        assert not al & {"政府", "办公室", "管理局", "中心", "局", "委员会", "部门", "单位", "宣传", "住建"}
        if o.parent_core:
            assert o.parent_core not in al        # 大鹏管理局 is not 规划和自然资源局
    assert "环保局" not in aliases(split_org("深圳市生态环境局", PLACES["深圳"]))  # conservative
    assert "生环局" not in aliases(split_org("深圳市生态环境局", PLACES["深圳"]))
    assert "农农局" not in aliases(split_org("深圳市农业农村局", PLACES["深圳"]))
    assert "住城局" not in aliases(split_org("广州市住房和城乡建设局", PLACES["广州"]))


def test_whole_government_aliases_need_a_place():
    hunan = split_org("湖南省人民政府", PLACES["湖南"])
    assert aliases(hunan) == {"省人民政府", "省政府"}
    assert orgs_of("湖南省政府2026年工作目标") == {"湖南省人民政府"}
    assert orgs_of("洪泽区人民政府信息公开年度报告") == {"淮安市洪泽区人民政府"}
    assert orgs_of("省政府工作报告") == set()


def test_org_terms_and_table_size():
    org = split_org("深圳市医疗保障局", PLACES["深圳"])
    assert {"深圳市医疗保障局", "医保局", "医疗保障局"} <= org_terms(org)
    assert len(ABBREVIATIONS) <= 20       # reviewed short forms; rules produce the rest
    assert ENGLISH["Audit Bureau"] == "审计局"


def test_place_variants():
    assert set(place_variants("上海市普陀区")) == {"上海市普陀区", "上海普陀区", "上海市普陀", "上海普陀", "普陀区", "普陀"}
    assert place_variants("深圳市") == ("深圳市", "深圳")
    assert place_variants("") == ()


# ---------------------------------------------------------------- match_orgs

@pytest.mark.parametrize("question,expected", [
    ("深圳医保局2026年“三公”经费预算是多少？", {"深圳市医疗保障局"}),
    ("深圳国资委2026年部门预算收入", {"深圳市人民政府国有资产监督管理委员会"}),
    ("深圳宣传部2026年一般公共预算支出", {"中共深圳市委宣传部"}),
    ("中共深圳市委宣传部2026年三公经费", {"中共深圳市委宣传部"}),
    ("深圳市委宣传部的机关运行经费", {"中共深圳市委宣传部"}),
    ("广州住建局2026年预算", {"广州市住房和城乡建设局"}),
    ("深圳住建局2026年预算", {"深圳市住房和建设局"}),
    ("广州市场监管局2026年项目支出", {"广州市市场监督管理局"}),
    ("深圳退役军人局的部门预算", {"深圳市退役军人事务局"}),
    ("深圳交警2026年预算", {"深圳市公安局交通警察局"}),
    ("深圳市公安局交通管理局2026年部门预算", {"深圳市公安局交通警察局"}),
    ("深圳市卫生健康委员会2026年预算", {"深圳市卫生健康委员会"}),
    ("深圳市规划和自然资源局大鹏管理局2026年部门预算", {"深圳市规划和自然资源局大鹏管理局"}),
    ("深圳市政府口岸办2026年预算", {"深圳市人民政府口岸办公室"}),
    ("深圳市政府办公厅三公经费", {"深圳市人民政府办公厅"}),
    ("广州市政务服务和数据局2026年绩效目标", {"广州市政务服务和数据管理局"}),
    ("汕尾政数局2026年预算", {"汕尾市政务服务数据管理局"}),
    ("普陀区财政局2024年决算", {"上海市普陀区财政局"}),
    ("上海市普陀区人民政府万里街道办事处23年预算", {"上海市普陀区人民政府万里街道办事处"}),
    ("普陀区委社会工作部2024年度部门决算", {"中共上海市普陀区委社会工作部"}),
    ("深圳科技局的预算", {"深圳市科技创新局"}),
    ("深圳市委宣传部门预算", {"中共深圳市委宣传部"}),
    ("深汕监管局2026年部门预算", {"深圳市市场监督管理局深汕监管局"}),
])
def test_match_resolves_place_qualified(question, expected):
    assert orgs_of(question) == expected


def test_traditional_chinese_after_t2s():
    q = to_simplified("深圳市衛生健康委員會2026年預算")
    assert q.startswith("深圳市卫生健康委员会")
    assert orgs_of(q) == {"深圳市卫生健康委员会"}
    assert orgs_of(to_simplified("廣州市場監管局")) == {"广州市市场监督管理局"}


def test_shared_alias_returns_all_orgs_for_the_caller_to_filter():
    assert orgs_of("比较深圳和广州的信访局") == {"深圳市信访局", "广州市信访局"}
    assert orgs_of("深圳和广州的民政局") == {"深圳市民政局", "广州市民政局"}
    ms = match_orgs("深圳和广州的民政局", KNOWN)
    assert {(m.start, m.end, m.alias, m.how) for m in ms} == {(6, 9, "民政局", "core")}
    # the bare alias does not bring in sub-bodies when their place has no parent known
    assert orgs_of("卫健委") == {"深圳市卫生健康委员会", "广州市卫生健康委员会"}


def test_list_of_three_orgs():
    ms = match_orgs("深圳市财政局、应急管理局、宣传部2026年三公经费", KNOWN)
    spans = sorted({(m.start, m.end, m.alias) for m in ms})
    assert [a for _, _, a in spans] == ["深圳市财政局", "应急管理局", "宣传部"]
    assert {"深圳市财政局", "深圳市应急管理局", "中共深圳市委宣传部"} <= {m.org for m in ms}
    assert [m.start for m in ms] == sorted(m.start for m in ms)


def test_english_names():
    ms = match_orgs("Shenzhen Audit Bureau 2026 budget", KNOWN)
    assert [(m.org, m.how, m.alias) for m in ms] == [("深圳市审计局", "english", "Audit Bureau")]
    assert orgs_of("What is the Bureau of Audit budget?") == {"深圳市审计局"}
    assert orgs_of("shenzhen health commission") == {"深圳市卫生健康委员会", "广州市卫生健康委员会"}
    assert orgs_of("Shenzhen Traffic Police spending") == {"深圳市公安局交通警察局"}
    assert orgs_of("Guangzhou Housing and Urban-Rural Development Bureau") >= {"广州市住房和城乡建设局"}
    assert "深圳市科技创新局" in orgs_of("Shenzhen Science and Technology Bureau")
    assert orgs_of("Development & Reform Commission") == {"深圳市发展和改革委员会", "广州市发展和改革委员会"}
    assert orgs_of("SASAC of Shenzhen") == {"深圳市人民政府国有资产监督管理委员会"}
    assert orgs_of("Auditing is boring") == set()          # no word-boundary match
    assert orgs_of("深圳Audit Bureau预算") == {"深圳市审计局"}


def test_sub_bodies_and_parents():
    # parent not known for 深圳 → its sub-bodies, how="parent"
    ms = match_orgs("深圳市规划和自然资源局2026年预算", KNOWN)
    assert {m.org for m in ms} == {"深圳市规划和自然资源局大鹏管理局", "深圳市规划和自然资源局宝安管理局"}
    assert {m.how for m in ms} == {"parent"}
    # parent known for 广州 → only the parent, never a 深圳 sub-body through the full name
    assert orgs_of("广州市规划和自然资源局2026年预算") == {"广州市规划和自然资源局"}
    # bare parent name: the known parent plus sub-bodies of places whose parent is unknown
    bare = match_orgs("规划和自然资源局的预算", KNOWN)
    assert {(m.org, m.how) for m in bare} >= {("广州市规划和自然资源局", "core"),
                                              ("深圳市规划和自然资源局大鹏管理局", "parent")}
    assert ("上海市普陀区规划和自然资源局", "core") in {(m.org, m.how) for m in bare}
    # when the parent IS known for that place the sub-body is not returned for it
    known = KNOWN + (split_org("深圳市规划和自然资源局", PLACES["深圳"]),)
    assert orgs_of("深圳市规划和自然资源局2026年预算", known) == {"深圳市规划和自然资源局"}
    assert orgs_of("深圳市规划和自然资源局大鹏管理局", known) == {"深圳市规划和自然资源局大鹏管理局"}
    # 广州市公安局 is known, so 广州公安局 is the bureau itself
    assert orgs_of("广州市公安局") == {"广州市公安局"}
    # 深圳市公安局 is not known: its traffic police is returned as a sub-body
    assert {(m.org, m.how) for m in match_orgs("深圳市公安局", KNOWN)} == {("深圳市公安局交通警察局", "parent")}


def test_longest_alias_no_overlap():
    ms = match_orgs("广州市场监管局和深汕监管局", KNOWN)
    assert [(m.org, m.alias) for m in ms] == [("广州市市场监督管理局", "广州市场监管局"),
                                             ("深圳市市场监督管理局深汕监管局", "深汕监管局")]
    ms = match_orgs("市场监管局深汕监管局", KNOWN)
    assert [m.org for m in ms] == ["深圳市市场监督管理局深汕监管局"]
    spans = [(m.start, m.end) for m in match_orgs("深圳市财政局部门预算", KNOWN)]
    assert spans == [(0, 6)]
    assert orgs_of("深圳交警支队") == {"深圳市公安局交通警察局"}    # documented: substring match


@pytest.mark.parametrize("question", [
    "汕尾2021年公务接待费是多少",
    "政府工作报告中GDP增长",
    "各部门三公经费",
    "本单位办公室的支出",
    "市政府工作报告提出的目标",
    "宣传工作经费",
    "住建领域的投资",
    "管理局和中心的预算",
    "宣传部门的经费",
    "",
])
def test_negatives(question):
    assert match_orgs(question, KNOWN) == []


def test_empty_known_and_index_reuse():
    assert match_orgs("深圳市财政局", []) == []
    idx = build_index(KNOWN)
    assert match_orgs("深圳医保局", idx) == match_orgs("深圳医保局", KNOWN)


def test_timing_2000_known_orgs():
    bodies = sorted({o.core for o in KNOWN if o.core != "人民政府"} | {
        "教育局", "司法局", "商务局", "农业农村局", "林业局", "体育局", "机关事务管理局", "人民防空办公室",
        "外事办公室", "地方金融监督管理局", "国家安全局", "民族宗教事务局", "粮食和物资储备局"})
    cities = [f"{a}{b}市" for a in "东西南北中金银铜铁锡" for b in "安宁平江山阳州海川林"]
    known = tuple(split_org(c + b, [c, c[:-1]]) for c in cities for b in bodies)[:2000]
    assert len(known) == 2000
    t0 = time.perf_counter()
    idx = build_index(known)
    build = time.perf_counter() - t0
    qs = ["东安市医保局2026年“三公”经费预算是多少？", "比较西宁市和南海市的信访局", "Audit Bureau budget",
          "东安市财政局、应急管理局、宣传部2026年三公经费", "政府工作报告中GDP增长"] * 40
    t0 = time.perf_counter()
    for q in qs:
        match_orgs(q, known)
    per_q = (time.perf_counter() - t0) / len(qs)
    assert {m.org for m in match_orgs(qs[0], idx)} == {"东安市医疗保障局"}
    assert build < 10 and per_q < 0.02, (build, per_q)
    print(f"build {build * 1000:.0f} ms, {per_q * 1000:.2f} ms/question")


@pytest.mark.parametrize("typed,full", [
    ("江苏人大办公厅2019年机关运行经费", "江苏省人大常委会办公厅"),
    ("江苏政协2019年收入预算", "江苏省政协办公厅"),
    ("江苏检察院2019年政府采购", "江苏省人民检察院"),
    ("江苏高院2019年收入预算总计", "江苏省高级人民法院"),
])
def test_short_forms_of_the_congress_cppcc_and_courts(typed, full):
    places = ["江苏省", "江苏"]
    known = tuple(split_org(o, places) for o in ("江苏省人大常委会办公厅", "江苏省政协办公厅", "江苏省人民检察院",
                                                 "江苏省高级人民法院", "江苏省财政厅"))
    assert orgs_of(typed, known) == {full}


def test_bodies_of_the_same_function_share_a_key():
    assert function_key("科技创新局") == function_key("科学技术局")
    assert function_key("政务服务数据管理局") == function_key("政务服务和数据管理局")
    assert function_key("审计局") != function_key("司法局")
