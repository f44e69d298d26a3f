"""Metrics and topics of achievement statements: one name per measured quantity, however a
report writes it (地区生产总值 = 生产总值 = GDP = 经济总量), and units converted to one scale
per kind so places can be ranked (亿斤 ↔ 万吨, 万亿元 ↔ 亿元). Pure data and pure functions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str                 # canonical: 地区生产总值
    pattern: str              # how reports write it (regex alternatives)
    topic: str                # 经济增长, 粮食, 科技创新 …
    ratio: bool = False       # a level already in % (强度, 比率): "提高到3.3%" is no growth rate
    lower_is_better: bool = False
    units: tuple[str, ...] = ("亿元",)   # standard units (UNIT_SCALE) a level of it is stated in


# a qualifier written right before it makes another aggregate: 海洋生产总值, 单位地区生产总值能耗 …
OWN = "".join(f"(?<!{w})" for w in ("海洋", "农业", "渔业", "林业", "旅游", "文化", "单位", "人均", "县域", "园区",
                                    "民营", "产业", "服务业", "工业", "区域", "湾区"))

# Longest / most specific first where two overlap (城镇居民… before 居民…).
METRICS: tuple[Metric, ...] = (
    Metric("人均地区生产总值", r"人均(?:地区)?生产总值|人均GDP", "经济增长", units=("亿元", "万美元")),
    Metric("地区生产总值", OWN + r"(?:地区生产总值|地区生总值|生产总值|GDP|经济总量)", "经济增长"),
    Metric("一般公共预算收入", r"(?:地方)?一般公共预算收入|地方财政收入", "财政"),
    Metric("规模以上工业增加值", r"规模以上工业增加值|规上工业增加值|规模工业增加值|规上工业|规模以上工业", "工业"),
    Metric("固定资产投资", r"全社会固定资产投资|固定资产投资|全部投资", "投资"),
    Metric("社会消费品零售总额", r"社会消费品零售总额|社零总额|社零", "消费"),
    Metric("外贸进出口总额", r"(?<!服务)(?<!电商)(?<!对美)(?<!服务贸易)(?:(?:外贸|货物贸易)?进出口总额|外贸进出口|货物贸易进出口|货物进出口|进出口总值|外贸总额)", "对外开放", units=('亿元', '亿美元')),
    Metric("实际使用外资", r"实际使用外资|实际利用外资|利用外资", "对外开放", units=('亿元', '亿美元')),
    Metric("城镇居民人均可支配收入", r"城镇(?:常住)?居民人均可支配收入|城镇居民收入", "居民收入"),
    Metric("农村居民人均可支配收入", r"农村(?:常住)?居民人均可支配收入|农村居民收入|农民人均可支配收入", "居民收入"),
    Metric("居民人均可支配收入", r"(?:全体|全省|全市)?(?:常住)?居民人均可支配收入|居民收入", "居民收入"),
    Metric("城镇新增就业", r"城镇新增就业(?:人数)?|新增城镇就业", "就业", units=('万人',)),
    Metric("城镇调查失业率", r"城镇调查失业率|调查失业率|城镇登记失业率", "就业", ratio=True, lower_is_better=True),
    Metric("居民消费价格涨幅", r"居民消费价格(?:指数)?(?:涨幅)?|CPI", "物价", ratio=True, lower_is_better=True),
    Metric("粮食产量", r"粮食(?:总)?产量|粮食总产|粮食生产", "粮食", units=('万吨',)),
    Metric("研发经费投入强度", r"(?:全社会)?研发(?:经费)?投入强度|R&D经费投入强度|研究与试验发展经费投入强度", "科技创新", ratio=True),
    Metric("研发经费投入", r"(?:全社会)?研发(?:经费)?投入(?!强度)|R&D经费(?!投入强度)", "科技创新"),
    Metric("高新技术企业", r"(?:国家)?高新技术企业", "科技创新", units=('家', '个')),
    Metric("科技型中小企业", r"科技型中小企业", "科技创新", units=('家', '个')),
    Metric("专精特新企业", r"专精特新(?:中小)?企业", "科技创新", units=('家', '个')),
    Metric("技术合同成交额", r"技术合同成交额", "科技创新"),
    Metric("单位地区生产总值能耗", r"单位(?:地区)?生产总值能耗|单位GDP能耗", "生态环境", lower_is_better=True),
    Metric("空气质量优良天数比率", r"空气(?:质量)?优良天数(?:比[率例])?|优良天数比[率例]", "生态环境", ratio=True),
    Metric("PM2.5浓度", r"PM2\.5(?:平均)?浓度|细颗粒物(?:\(PM2\.5\))?(?:平均)?浓度", "生态环境", lower_is_better=True, units=('微克/立方米',)),
    Metric("森林覆盖率", r"森林覆盖率", "生态环境", ratio=True),
    Metric("常住人口城镇化率", r"常住人口城镇化率|城镇化率", "城镇化", ratio=True),
    Metric("数字经济核心产业增加值", r"数字经济核心产业增加值", "数字经济"),
    Metric("数字经济规模", r"数字经济(?:总量|规模)", "数字经济"),
    Metric("高技术制造业增加值", r"高技术制造业增加值", "工业"),
    Metric("战略性新兴产业", r"战略性新兴产业(?:产值|增加值)?", "工业"),
    Metric("制造业增加值", r"制造业增加值", "工业"),
    Metric("全员劳动生产率", r"全员劳动生产率", "经济增长"),
    Metric("接待游客", r"接待(?:国内)?游客|旅游接待人次|游客接待量", "文化旅游", units=('万人次',)),
    Metric("旅游收入", r"旅游(?:总)?收入|旅游花费", "文化旅游"),
    Metric("政务服务事项网办率", r"政务服务事项(?:全程)?网(?:上)?(?:可)?办率|网办率|全程网办率|网上可办率", "政务服务", ratio=True),
    Metric("粤智助自助机", r"“?粤智助”?(?:政府服务)?自助(?:服务)?机", "政务服务", units=('台',)),
)

# growth rates named as reports and supervisors say them ("外贸进出口增速", not "…总额增速")
RATE_BASE = {"外贸进出口总额": "外贸进出口"}


def rate_of(name: str) -> str:
    """The growth-rate metric of a listed quantity: 地区生产总值 → 地区生产总值增速."""
    return f"{RATE_BASE.get(name, name)}增速"


def base_of(name: str) -> "Metric | None":
    """The listed metric behind a metric name, its growth rate or decline (外贸进出口增速 → 外贸进出口总额)."""
    stem = name.removesuffix("增速").removesuffix("降幅")
    stem = next((k for k, v in RATE_BASE.items() if v == stem), stem)
    return BY_NAME.get(stem)


_COMPILED = tuple((m, re.compile(m.pattern)) for m in METRICS)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}

# Topics for statements whose subject is not a listed metric: keywords in the sentence.
TOPIC_WORDS: tuple[tuple[str, str], ...] = (
    ("粮食", r"粮食|耕地|高标准农田"),
    ("数字政府", r"数字政府|政务数据|数据资源|一网统管|政务云|数字化转型|电子证照|数据共享"),
    ("政务服务", r"政务服务|一网通办|网办|办事|粤省事|粤智助|便民服务|营商环境|一件事"),
    ("科技创新", r"科技|创新|研发|高新技术|专利|实验室|科创"),
    ("生态环境", r"生态|环境|空气|PM2\.5|碳排放|污染|水质|绿色|能耗|节能|森林"),
    ("低空经济", r"低空经济|低空"),
    ("对外开放", r"进出口|外贸|外资|开放|口岸|自贸"),
    ("就业", r"就业|失业"),
    ("居民收入", r"可支配收入"),
    ("消费", r"消费|零售"),
    ("投资", r"投资"),
    ("工业", r"工业|制造业|产业"),
    ("财政", r"财政|预算收入|税收|三公|经费"),
    ("教育", r"教育|学校|学位|高校"),
    ("医疗卫生", r"医疗|医院|卫生|医保|健康"),
    ("交通", r"交通|铁路|高铁|公路|机场|港口|航线"),
    ("社会保障", r"养老|社会保障|社保|救助|低保"),
    ("文化旅游", r"旅游|文化|游客"),
    ("经济增长", r"生产总值|经济|GDP"),
)
_TOPIC_RE = tuple((t, re.compile(p)) for t, p in TOPIC_WORDS)
TOPICS: tuple[str, ...] = tuple(dict.fromkeys(t for t, _ in TOPIC_WORDS))


@dataclass(frozen=True)
class MetricMention:
    start: int
    end: int
    metric: Metric


def find_metrics(text: str) -> list[MetricMention]:
    """Every listed metric written in `text`, left to right, longest match at a position."""
    hits: list[MetricMention] = []
    for m, rx in _COMPILED:
        for mt in rx.finditer(text):
            hits.append(MetricMention(mt.start(), mt.end(), m))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[MetricMention] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out


def metric_named(text: str) -> Metric | None:
    """The metric a question or topic names (the longest mention)."""
    found = find_metrics(text)
    return max(found, key=lambda h: h.end - h.start).metric if found else None


def topic_of(metric: str, sentence: str) -> str:
    """A listed metric's topic, else the first topic whose words the sentence uses."""
    base = base_of(metric)
    if base is not None:
        return base.topic
    for topic, rx in _TOPIC_RE:
        if rx.search(metric):
            return topic
    for topic, rx in _TOPIC_RE:
        if rx.search(sentence):
            return topic
    return "其他"


# ------------------------------------------------------------------ units

# unit -> (standard unit, factor): value * factor is in the standard unit
UNIT_SCALE: dict[str, tuple[str, float]] = {
    "万亿元": ("亿元", 1e4), "亿元": ("亿元", 1.0), "千亿元": ("亿元", 1e3), "万元": ("亿元", 1e-4),
    "元": ("亿元", 1e-8), "亿美元": ("亿美元", 1.0), "万亿美元": ("亿美元", 1e4),
    "亿斤": ("万吨", 5.0), "万斤": ("万吨", 5e-4), "万吨": ("万吨", 1.0), "亿吨": ("万吨", 1e4),
    "吨": ("万吨", 1e-4), "亿公斤": ("万吨", 10.0), "亿千克": ("万吨", 10.0),
    "万人": ("万人", 1.0), "人": ("万人", 1e-4), "万人次": ("万人次", 1.0), "亿人次": ("万人次", 1e4),
    "%": ("%", 1.0), "个百分点": ("个百分点", 1.0),
    "万户": ("万户", 1.0), "户": ("万户", 1e-4), "万家": ("家", 1e4), "家": ("家", 1.0),
    "万个": ("个", 1e4), "个": ("个", 1.0), "项": ("项", 1.0), "台": ("台", 1.0), "万台": ("台", 1e4),
    "公里": ("公里", 1.0), "千米": ("公里", 1.0), "万公里": ("公里", 1e4),
    "万亩": ("万亩", 1.0), "亩": ("万亩", 1e-4), "亿亩": ("万亩", 1e4),
    "万千瓦": ("万千瓦", 1.0), "亿千瓦": ("万千瓦", 1e4), "千瓦": ("万千瓦", 1e-4),
    "亿千瓦时": ("亿千瓦时", 1.0), "万千瓦时": ("亿千瓦时", 1e-4),
    "天": ("天", 1.0), "微克/立方米": ("微克/立方米", 1.0), "倍": ("倍", 1.0),
    "万美元": ("万美元", 1.0), "美元": ("万美元", 1e-4), "万元/人": ("万元/人", 1.0),
    "万头": ("万头", 1.0), "头": ("万头", 1e-4), "斤": ("斤", 1.0), "公斤": ("斤", 2.0),
    "条": ("条", 1.0), "万条": ("条", 1e4), "亿条": ("条", 1e8), "类": ("类", 1.0), "份": ("份", 1.0),
    "期": ("期", 1.0), "次": ("次", 1.0), "万次": ("次", 1e4), "分": ("分", 1.0), "件": ("件", 1.0),
    "万件": ("件", 1e4), "张": ("张", 1.0), "万张": ("张", 1e4), "套": ("套", 1.0), "万套": ("套", 1e4),
    "座": ("座", 1.0), "所": ("所", 1.0), "辆": ("辆", 1.0), "万辆": ("辆", 1e4), "场": ("场", 1.0),
    "名": ("名", 1.0), "篇": ("篇", 1.0), "批": ("批", 1.0), "人次": ("万人次", 1e-4),
    "小时": ("小时", 1.0),
}


def fits(metric: Metric, name: str, std_unit: str) -> bool:
    """A figure in this unit can be this metric: a growth rate is a %, a ratio a % or 个百分点,
    a level one of the metric's units (地区生产总值 is never 3个)."""
    if name.endswith("增速") or name.endswith("降幅"):
        return std_unit in ("%", "个百分点")
    if metric.ratio:
        return std_unit in ("%", "个百分点", "天", "微克/立方米")
    return std_unit in metric.units

UNITS_RE = "|".join(sorted(map(re.escape, UNIT_SCALE), key=len, reverse=True))


def standard(value: float, unit: str) -> tuple[float, str]:
    """(value, unit) on the ranking scale of its kind: 5.3 万亿元 → (53000, 亿元); 1400 亿斤 → (7000, 万吨)."""
    std_unit, factor = UNIT_SCALE.get(unit, (unit, 1.0))
    return round(value * factor, 6), std_unit
