"""The period a fact describes: real sentences from the 31 provincial 2026 政府工作报告 (checked
verbatim against the CSV texts), real 部门预算 / 决算 / 自评 sentences and column names (Shenzhen,
Guangzhou and Putuo budgets, the 汕尾 2021 决算 and 汕头 2024 自评 in corpus/), and the rules'
edge cases."""
from __future__ import annotations

import re
from functools import lru_cache

import pytest

from conftest import REALDATA
from index.extract.periods import Period, fact_period, number_position, report_family

WORK = "政府工作报告"
BUDGET = "部门预算"
FINAL = "部门决算"
SELF_EVAL = "部门整体支出绩效自评报告"
TARGET_FORM = "部门整体预算绩效目标申报表"

# (province, sentence, section) — sentences copied from the cleaned CSV texts
SH_GDP = ("上海市", "全市生产总值达到5.67万亿元、增长5.4%，好于预期。", "一、2025年工作回顾 > （一）全力促进经济平稳健康发展")
SH_PLAN = ("上海市", "综合各方面因素，建议今年全市经济社会发展的主要预期目标是：全市生产总值增长5%左右，地方一般公共预算收入"
           "增长2%，全社会研发经费支出相当于全市生产总值的比例达到4.6%左右，城镇调查失业率5%以内，居民人均可支配收入增长与"
           "经济增长保持基本同步，居民消费价格涨幅2%左右，单位生产总值二氧化碳排放量进一步下降，主要污染物重点工程减排量完成"
           "国家下达目标。", "三、2026年主要任务")
GX_GDP = ("广西壮族自治区", "全区地区生产总值增长5.1%，增速高于预期目标、高于上年同期、高于全国，取得多年未有的好成绩。",
          "一、2025年工作回顾")
SX_AVG = ("山西省", "地区生产总值超过2.5万亿元、年均增长5%。", "一、“十四五”时期工作回顾")
SX_GDP_PC = ("山西省", "人均GDP从2020年的5.2万元提高到2025年的7.4万元。", "一、“十四五”时期工作回顾")
HEB_5Y = ("河北省", "全省生产总值从2020年的3.68万亿元增长到2025年的4.93万亿元、实现万亿级跃升，一般公共预算收入从3826.5亿元"
          "增长到4398.6亿元，规上工业增加值年均增长6.5%，固定资产投资增速连续超过全国平均水平，社会消费品零售总额突破1.5万亿"
          "元，粮食产量稳定在760亿斤以上。", "一、“十四五”时期经济社会发展回顾")
FJ_2025 = ("福建省", "初步统计，2025年全省地区生产总值60199.45亿元、增长5%，地方一般公共预算收入3723.35亿元、增长3%，社会消费品"
           "零售总额增长4.4%，固定资产投资下降3.3%，进出口下降5.4%，城镇居民、农村居民人均可支配收入分别增长4.5%、5.7%，城镇"
           "调查失业率4.7%，居民消费价格与上年持平。", "")
SN_GRAIN = ("陕西省", "我们坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大和二十届历次全会精神，贯通落实习近"
            "平总书记历次来陕考察重要讲话重要指示，在省委坚强领导下，深化开展“三个年”活动，聚力打好“八场硬仗”，多措并举稳就"
            "业、稳企业、稳市场、稳预期，地区生产总值增长5.1％，城镇新增就业44.1万人，居民人均可支配收入增长5.6％，粮食产量1347"
            "万吨，单位生产总值能耗累计降幅完成“十四五”任务，全省高质量发展和现代化建设迈出坚实步伐。", "一、2025年工作回顾")
HLJ_PLAN = ("黑龙江省", "今年全省经济社会发展主要预期目标是：地区生产总值增长4.5-5%，在实际工作中争取更好结果，粮食产量1600亿斤"
            "以上，城镇新增就业30万人以上，城镇调查失业率5.7%左右，居民消费价格涨幅2%左右，城乡居民收入增长与经济增长同步，单位"
            "地区生产总值二氧化碳排放降低3.8%左右。", "三、2026年重点工作")
HN_GDP = ("湖南省", "全省地区生产总值达到5.53万亿元、稳居全国前十强、增长4.8%", "一、2025年和“十四五”时期工作回顾")
AH_GDP = ("安徽省", "全省地区生产总值5.3万亿元、增长5.5%，规上工业增加值增长9.4%，社会消费品零售总额增长4.2%，进出口总额增长"
          "17.3%，一般公共预算收入增长2.9%，城镇、农村常住居民人均可支配收入分别增长4.4%、5.9%。",
          "一、2025年工作和“十四五”发展回顾")
JS_PLAN = ("江苏省", "今年经济社会发展主要预期目标是：地区生产总值按增长5%安排，在实际工作中努力争取更好结果；", "")
SC_GDP = ("四川省", "实现地区生产总值67665亿元，增长5.5%，总量和增速均居全国第5位；",
          "一、2025年工作回顾和“十四五”发展主要成绩")
SC_PLAN_TAIL = ("四川省", "粮食产量730亿斤以上；", "三、2026年工作安排")
YN_PLAN = ("云南省", "经济社会发展的主要预期目标为：地区生产总值增长4.5%左右，产业投资占比保持在50%以上，地方一般公共预算收入增长"
           "2%，城镇调查失业率5.5%以内，城镇新增就业50万人以上，居民人均可支配收入增长与经济增长同步，粮食总产量稳定在1955万吨"
           "以上，单位地区生产总值二氧化碳排放降低完成经国家审核衔接后确定的目标。", "")
NX_AVG = ("宁夏回族自治区", "地区生产总值跨越5000亿元大关，年均增长5.7%。", "一、2025年工作总结和“十四五”发展成就")
ZJ_FROM_TO = ("浙江省", "一般公共预算收入从7248亿元提高到8865亿元，跃居全国第3位。", "一、2025年主要工作和“十四五”发展成就")
HN_5Y = ("湖南省", "民生支出占比持续保持在70%以上，连续部署推进“十大重点民生实事”、近五年累计投入资金2562亿元。",
         "一、2025年和“十四五”时期工作回顾")
HN_PP = ("湖南省", "促进农业转移人口市民化，深化户籍制度改革，强化进城农民工保障性住房供给，力争全省城镇化率提高0.9个百分点以上。",
         "三、关于2026年工作 > （五）")
LN_PP = ("辽宁省", "PM2.5浓度下降19%，优良天数比例提高6.1个百分点，地表水国考断面优良水质比例提高15.6个百分点，重污染天气、城市"
         "黑臭水体基本消除。", "一、2025年和“十四五”时期工作回顾")
HI_PP = ("海南省", "2025年四大主导产业［2］占GDP比重较2020年提高约14个百分点。", "一、2025年和“十四五”时期工作回顾")
SN_15 = ("陕西省", "坚持以经济建设为中心，统筹质量、规模、效率的关系，以适当经济增速支撑高质量发展，为推进现代化建设提供坚实物质"
         "技术基础，力争“十五五”时期地区生产总值年均增长5％左右。", "二、“十五五”时期主要目标和重大举措")
XJ_15 = ("新疆维吾尔自治区", "按照新疆快于全国平均水平，并给“十六五”预留一定空间的思路，建议“十五五”时期地区生产总值增速目标设定为"
         "年均增长5.5%—6%。", "二、“十五五”时期经济社会发展的主要目标和战略举措")
BJ_5Y = ("北京市", "过去五年，我们坚定疏解非首都功能，城乡建设用地规模减量约50平方公里，地区生产总值年均增长5.2%，经济总量连续迈"
         "上4万亿、5万亿两个台阶，蹚出一条减量背景下超大城市转型发展的新路子，实现“十四五”圆满收官。",
         "二、“十四五”时期发展成就和“十五五”时期主要目标任务")
GS_NONE = ("甘肃省", "一是继续实施“强县中增学位”工程，支持20所普通高中改善办学条件、提升办学能力，在14个市州城区和兰州新区增补"
           "义务教育学位2万个。", "")
JL_REVIEW = ("吉林省", "我们牢记嘱托、感恩奋进、顶压前行，地区生产总值增长5%，一般公共预算收入增长13.3%，一产增加值增幅高于全国0.7个"
             "百分点，规上工业增加值增幅居全国第7位，社会消费品零售总额增幅高于全国0.2个百分点，发展韧性明显增强，创新动能日益提升，"
             "重点改革持续深化，民生保障更加有力。", "一、工作回顾")

# (sentence, number as written, occurrence, expected (year, year_end, kind))
WORK_CASES = [
    (SH_GDP, "5.67", 0, (2025, None, "actual")),
    (SH_GDP, "5.4", 0, (2025, None, "actual")),
    (SH_PLAN, "5", 0, (2026, None, "target")),
    (SH_PLAN, "2", 0, (2026, None, "target")),
    (GX_GDP, "5.1", 0, (2025, None, "actual")),         # "高于预期目标" after the number: no target
    (SX_AVG, "2.5", 0, (2021, 2025, "actual")),
    (SX_AVG, "5", 0, (2021, 2025, "average")),
    (SX_GDP_PC, "5.2", 0, (2020, None, "actual")),      # explicit years win over the section
    (SX_GDP_PC, "7.4", 0, (2025, None, "actual")),
    (HEB_5Y, "3.68", 0, (2020, None, "actual")),
    (HEB_5Y, "4.93", 0, (2025, None, "actual")),
    (HEB_5Y, "3826.5", 0, (2021, 2025, "cumulative")),  # 从A增长到B without years
    (HEB_5Y, "4398.6", 0, (2021, 2025, "cumulative")),
    (HEB_5Y, "6.5", 0, (2021, 2025, "average")),        # not the 2025 of an earlier clause
    (HEB_5Y, "760", 0, (2025, None, "actual")),        # the nearest earlier year wins over the section
    (FJ_2025, "60199.45", 0, (2025, None, "actual")),   # no section at all: the sentence's 2025年
    (FJ_2025, "3", 0, (2025, None, "actual")),
    (FJ_2025, "4.7", 0, (2025, None, "actual")),
    (SN_GRAIN, "1347", 0, (2025, None, "actual")),
    (SN_GRAIN, "5.1", 0, (2025, None, "actual")),       # full-width ％
    (HLJ_PLAN, "1600", 0, (2026, None, "target")),
    (HLJ_PLAN, "3.8", 0, (2026, None, "target")),
    (HN_GDP, "4.8", 0, (2025, None, "actual")),
    (AH_GDP, "5.5", 0, (2025, None, "actual")),
    (AH_GDP, "17.3", 0, (2025, None, "actual")),
    (JS_PLAN, "5", 0, (2026, None, "target")),
    (SC_GDP, "67665", 0, (2025, None, "actual")),
    (SC_PLAN_TAIL, "730", 0, (2026, None, "target")),   # a clause split off the 预期目标 sentence
    (YN_PLAN, "1955", 0, (2026, None, "target")),
    (NX_AVG, "5.7", 0, (2021, 2025, "average")),
    (NX_AVG, "5000", 0, (2025, None, "actual")),
    (ZJ_FROM_TO, "7248", 0, (2021, 2025, "cumulative")),
    (HN_5Y, "2562", 0, (2021, 2025, "cumulative")),
    (HN_5Y, "70", 0, (2025, None, "actual")),
    (HN_PP, "0.9", 0, (2026, None, "target")),          # a planned change is a target
    (LN_PP, "6.1", 0, (2025, None, "change")),
    (LN_PP, "19", 0, (2025, None, "actual")),
    (HI_PP, "14", 0, (2025, None, "change")),           # 较2020年: a comparison base, not the period
    (SN_15, "5", 0, (2026, 2030, "target")),
    (XJ_15, "5.5", 0, (2026, 2030, "target")),
    (BJ_5Y, "5.2", 0, (2021, 2025, "average")),
    (BJ_5Y, "50", 0, (2021, 2025, "actual")),
    (GS_NONE, "20", 0, (None, None, "")),               # no signal in a 政府工作报告: no period
    (JL_REVIEW, "5", 0, (2025, None, "actual")),
    (JL_REVIEW, "0.7", 0, (2025, None, "actual")),
]


@lru_cache(maxsize=1)
def _provincial_texts() -> dict[str, str]:
    from index.read.csv_reports import read_csv_reports
    folder = REALDATA / "gov-work-reports-2026-provincial"
    return {p.name.split("_")[1]: read_csv_reports(p.read_bytes(), p.name)[0].text
            for p in sorted(folder.glob("2026_*.csv"))}


def _pos(text: str, number: str, occurrence: int = 0) -> int:
    hits = [m.start() for m in re.finditer(r"(?<![\d.,])" + re.escape(number) + r"(?![\d.])", text)]
    return hits[occurrence]


def _period(text: str, number: str | None, *, section: str = "", measure: str = "", table: str = "",
            year: int | None = 2026, report_type: str | None = WORK, occurrence: int = 0) -> Period:
    pos = None if number is None else _pos(text, number, occurrence)
    return fact_period(text=text, measure=measure, table=table, section_path=section, report_year=year,
                       report_type=report_type, number_pos=pos)


def _triple(p: Period) -> tuple:
    return p.year, p.year_end, p.kind


@pytest.mark.parametrize("case", WORK_CASES, ids=lambda c: f"{c[0][0]}-{c[1]}")
def test_work_report_sentences(case):
    (province, sentence, section), number, occurrence, expected = case
    p = _period(sentence, number, section=section, occurrence=occurrence)
    assert _triple(p) == expected, p.basis
    assert p.basis


def test_work_report_sentences_are_real():
    if not (REALDATA / "gov-work-reports-2026-provincial").exists():
        pytest.skip("provincial CSVs not available")
    texts = _provincial_texts()
    sentences = {c[0] for c in WORK_CASES}
    assert len({s[1] for s in sentences}) >= 15
    for province, sentence, _ in sentences:
        assert sentence in texts[province], (province, sentence[:30])


def test_sections_of_real_reports():
    """Section titles as parse_text finds them in the CSV reports."""
    cases = {
        "一、2025年和“十四五”时期工作回顾": (2025, None, "actual"),
        "一、“十四五”时期工作回顾": (2021, 2025, "actual"),
        "一、工作回顾": (2025, None, "actual"),
        "一、一年接着一年干，新福建建设持续取得新进展新成效": (2025, None, "actual"),
        "二、“十五五”时期主要目标任务": (2026, 2030, "target"),
        "二、关于《上海市国民经济和社会发展第十五个五年规划纲要（草案）》的说明": (2026, 2030, "target"),
        "三、关于2026年工作": (2026, None, "target"),
        "二、2026年工作安排": (2026, None, "target"),
        "三、全力抓好七项重点工作": (2026, None, "target"),
        "三、2026年重点工作 > （五）加快释放改革开放成效": (2026, None, "target"),
        "2026年湖南省政府工作报告": (None, None, ""),       # the document title is no section
        "四、全面加强政府自身建设": (None, None, ""),
    }
    for section, expected in cases.items():
        p = _period("新建城市公园13座。", "13", section=section)
        assert _triple(p) == expected, (section, p)


def test_work_report_without_number_pos():
    """Without the number's offset the section still dates it; mixed mentions give no year."""
    assert _triple(_period(SH_GDP[1], None, section=SH_GDP[2])) == (2025, None, "actual")
    assert _triple(_period(SX_GDP_PC[1], None)) == (None, None, "")
    assert _triple(_period(SN_15[1], None)) == (2026, 2030, "target")


def test_work_report_year_unknown():
    p = _period("今年经济社会发展主要预期目标是：地区生产总值增长5%左右", "5", year=None)
    assert (p.year, p.kind) == (None, "target")
    # the year is still read; whether 2020 is past or plan is unknown without the report year
    assert _triple(_period(SX_GDP_PC[1], "5.2", year=None, section=SX_GDP_PC[2])) == (2020, None, "")


# ------------------------------------------------------------------ budgets, 决算, 自评

BUDGET_SENTENCES = [
    # 深圳市统计局 2026 部门预算
    ("2026年深圳市统计局(本级)部门预算收入5,417.80万元,较2025年年初预算增加206.09万元,增长4.0%。",
     [("5,417.80", (2026, None, "budget")), ("206.09", (2026, None, "change")), ("4.0", (2026, None, "change"))]),
    ("2026年财政拨款“三公”经费预算32.56万元，较2025年年初预算减少27.07万元。",
     [("32.56", (2026, None, "budget")), ("27.07", (2026, None, "change"))]),
    ("2026年本单位机关运行经费财政拨款预算742.77万元,较2025年年初预算减少0.52万元,下降0.07%。",
     [("742.77", (2026, None, "budget")), ("0.52", (2026, None, "change")), ("0.07", (2026, None, "change"))]),
    # 广州市政务服务和数据管理局 2026 部门预算
    ("2026年本部门收入预算98,880.78万元，比上年减少1,560.77万元，下降1.6%，主要原因是：一是受人员新增、职级调整、"
     "政策性变动等因素影响，各单位的人员经费略有增加；",
     [("98,880.78", (2026, None, "budget")), ("1,560.77", (2026, None, "change")), ("1.6", (2026, None, "change"))]),
    ("截至2026年1月31日，本部门固定资产金额21,675.88万元，分布构成情况为：房屋12,118.18平方米，车辆7辆，"
     "单价在100万元以上的设备14台等。",
     [("21,675.88", (2026, None, "actual")), ("7", (2026, None, "actual"))]),
    # 上海市普陀区司法局 2026 部门预算
    ("。2025年当年预算执行数为198.34万元，2026年预算安排201.50万元，比2025年预算执行数增加5.27%。主要原因是：支出增加。",
     [("198.34", (2025, None, "actual")), ("201.50", (2026, None, "budget")), ("5.27", (2026, None, "change"))]),
    ("2026年“三公”经费预算数为10.81万元，比2025年预算持平。", [("10.81", (2026, None, "budget"))]),
    # the brief's own examples
    ("2026年“三公”经费预算为53.09万元。", [("53.09", (2026, None, "budget"))]),
    ("2025年年初预算为60.00万元。", [("60.00", (2025, None, "budget"))]),
]


@pytest.mark.parametrize("sentence,checks", BUDGET_SENTENCES, ids=lambda v: v[:14] if isinstance(v, str) else "")
def test_budget_sentences(sentence, checks):
    for number, expected in checks:
        p = _period(sentence, number, report_type=BUDGET)
        assert _triple(p) == expected, (number, p)


FINAL_SENTENCES = [
    # 上海市普陀区规划和自然资源局 2024 部门决算
    (2024, "一般公共预算财政拨款支出年初预算为 10210.34 万元，支出决算为 9746.50 万元，完成年初预算的 95.45%。",
     [("10210.34", (2024, None, "budget")), ("9746.50", (2024, None, "actual")), ("95.45", (2024, None, "actual"))]),
    (2024, "“三公”经费财政拨款支出年初预算为 0.95 万元，支出决算为 0.00 万元，完成预算的 0%，",
     [("0.95", (2024, None, "budget")), ("0.00", (2024, None, "actual"))]),
    # 汕尾市政务服务数据管理局 2021 部门决算
    (2021, "1.基本支出1,277.36万元,比上年决算数增加6.93万元,增长0.55%。",
     [("1,277.36", (2021, None, "actual")), ("6.93", (2021, None, "change")), ("0.55", (2021, None, "change"))]),
    (2021, "汕尾市5G+智慧政务服务中心建设项目绩效自评综述:全年预算数为1545.16万元,执行数为1440.24万元,完成预算的93.21%。",
     [("1545.16", (2021, None, "budget")), ("1440.24", (2021, None, "actual")), ("93.21", (2021, None, "actual"))]),
    (2021, "2021年本部门机关运行经费支出199.31万元,比上年决算数增加87.70万元,增长78.58%。",
     [("199.31", (2021, None, "actual")), ("87.70", (2021, None, "change"))]),
    (2021, "4.满意度评价:截止2022年7月,广东省“数字政府”政务云平台汕尾节点共计为汕尾市人社局、市监局、商务局、气象局等47个"
           "单位提供云服务", [("47", (2022, None, "actual"))]),
]


@pytest.mark.parametrize("year,sentence,checks", FINAL_SENTENCES, ids=lambda v: v[:14] if isinstance(v, str) else "")
def test_final_account_sentences(year, sentence, checks):
    for number, expected in checks:
        p = _period(sentence, number, year=year, report_type=FINAL)
        assert _triple(p) == expected, (number, p)


def test_self_evaluation():
    s = "2024年度实际收入总额（年度财政拨款收入）2766.64万元，年度支出总额2766.64万元，整体支出完成率为100%。"
    for number, occ in (("2766.64", 0), ("2766.64", 1), ("100", 0)):
        p = _period(s, number, year=2024, report_type=SELF_EVAL, occurrence=occ)
        assert _triple(p) == (2024, None, "actual"), p
    s = "已完成全市 1659 项政务服务事项统筹清单工作，并建立了 1.3 万多条依申请事项实施清单。"
    assert _triple(_period(s, "1659", year=2024, report_type=SELF_EVAL)) == (2024, None, "actual")
    s = "2024年预期目标为新增上线事项 300 项。"
    assert _triple(_period(s, "300", year=2024, report_type=SELF_EVAL)) == (2024, None, "target")


COLUMNS = [
    # 部门预算 2026: 深圳 / 广州 / 普陀 table headers
    (BUDGET, "预算数", (2026, None, "budget")),
    (BUDGET, "本年预算", (2026, None, "budget")),
    (BUDGET, "2026年预算数", (2026, None, "budget")),
    (BUDGET, "收入预算", (2026, None, "budget")),
    (BUDGET, "上年预算数", (2025, None, "budget")),
    (BUDGET, "上年年初预算", (2025, None, "budget")),
    (BUDGET, "2025年预算数", (2025, None, "budget")),
    (BUDGET, "2025年年初预算", (2025, None, "budget")),
    (BUDGET, "上年执行数", (2025, None, "actual")),
    (BUDGET, "上年结余、结转", (2026, None, "budget")),      # carried into this year's budget
    (BUDGET, "一般公共预算拨款", (2026, None, "budget")),     # a fund name, no period
    (BUDGET, "比上年增减", (2026, None, "change")),
    # 部门决算 2024 (普陀) / 2021 (汕尾)
    (FINAL, "决算数", (2024, None, "actual")),
    (FINAL, "本年决算", (2024, None, "actual")),
    (FINAL, "年初预算数", (2024, None, "budget")),
    (FINAL, "调整预算数", (2024, None, "budget")),
    (FINAL, "全年预算数", (2024, None, "budget")),
    (FINAL, "预算数", (2024, None, "budget")),
    (FINAL, "上年决算数", (2023, None, "actual")),
    (FINAL, "2023年决算", (2023, None, "actual")),
    (FINAL, "本年支出合计", (2024, None, "actual")),
    (FINAL, "比上年增长率", (2024, None, "change")),
    # 绩效目标申报表 / 自评
    (TARGET_FORM, "年度指标值", (2024, None, "target")),
    (TARGET_FORM, "实施周期指标值", (2024, None, "target")),
    (TARGET_FORM, "预算金额", (2024, None, "budget")),
    (SELF_EVAL, "年度目标值", (2024, None, "target")),
    (SELF_EVAL, "实际完成值", (2024, None, "actual")),
]


@pytest.mark.parametrize("report_type,measure,expected", COLUMNS, ids=lambda v: v if isinstance(v, str) else "")
def test_table_columns(report_type, measure, expected):
    year = 2026 if report_type == BUDGET else 2024
    row = "一、一般公共预算财政拨款收入\t3269.57\t2766.64\t2766.64\t84.62"
    p = fact_period(text=row, measure=measure, table="表1 收支总表", section_path="", report_year=year,
                    report_type=report_type)
    assert _triple(p) == expected, p
    assert "列名" in p.basis or "默认" in p.basis


def test_table_without_period_signal_takes_report_year():
    """Budget/决算 tables are written about the report year: an unsignalled cell is that year."""
    row = "社会保障和就业支出\t76.23"
    assert _triple(fact_period(text=row, measure="合计", table="表8 “三公”经费支出预算表", section_path="",
                               report_year=2026, report_type=BUDGET)) == (2026, None, "budget")
    assert _triple(fact_period(text=row, measure="占总支出比例", table="表3 支出决算表", section_path="",
                               report_year=2021, report_type=FINAL)) == (2021, None, "actual")
    assert _triple(fact_period(text=row, measure="金额", table="", section_path="", report_year=2021,
                               report_type="部门决算")) == (2021, None, "actual")
    # a table row whose text mentions a plan: the column decides (深圳统计局 重点项目表)
    row = "深圳市统计局（本级）\t统计管理\t352.27\t为统计管理工作提供支持保障，2026年预计完成不少于10项统计调查"
    p = fact_period(text=row, measure="预算数", table="第七部分 重点项目预算绩效情况说明", section_path="",
                    report_year=2026, report_type=BUDGET)
    assert _triple(p) == (2026, None, "budget")


# ------------------------------------------------------------------ helpers

def test_number_position():
    s = "2026年深圳市统计局(本级)部门预算收入5,417.80万元,较2025年年初预算增加206.09万元,增长4.0%。"
    assert s[number_position(s, 5417.8, "万元"):].startswith("5,417.80")
    assert s[number_position(s, 4.0, "%"):].startswith("4.0%")
    assert number_position(s, 99.9) is None
    s = "新建绿道137公里、累计达到2136公里，建成口袋公园137个。"
    assert s[number_position(s, 137, "个"):].startswith("137个")


def test_report_family():
    assert report_family("政府工作报告") == "work_report"
    assert report_family("部门预算") == report_family("单位预算") == "budget"
    assert report_family("部门决算") == "final"
    assert report_family("部门整体支出绩效自评报告") == report_family("项目支出绩效自评报告") == "self_eval"
    assert report_family("部门整体预算绩效目标申报表") == report_family("项目支出绩效目标表") == "target_form"
    assert report_family("政府信息公开工作年度报告") == "annual"
    assert report_family(None) == report_family("其他") == ""


def test_unknown_report_type_keeps_explicit_years_only():
    assert _triple(_period("2025年全市完成投资120亿元。", "120", report_type=None)) == (2025, None, "actual")
    assert _triple(_period("全市完成投资120亿元。", "120", report_type=None)) == (None, None, "")


def test_number_pos_out_of_range_is_ignored():
    p = fact_period(text="全市完成投资120亿元。", measure="", table="", section_path="一、2025年工作回顾",
                    report_year=2026, report_type=WORK, number_pos=999)
    assert _triple(p) == (2025, None, "actual")
