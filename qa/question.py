"""Question understanding: year, measure, kind and language of a question as typed. Pure
functions; the places it names are found by the gazetteer (qa.scope.typed_places) and passed in."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from .glossary import translate_terms

# measure words → canonical column names, longest first
MEASURES: tuple[tuple[str, str], ...] = (
    ("年初预算数", "年初预算数"), ("年初预算", "年初预算数"), ("调整预算数", "调整预算数"),
    ("调整预算", "调整预算数"), ("全年预算数", "全年预算数"), ("全年预算", "全年预算数"),
    ("预算执行率", "完成率"), ("执行率", "完成率"), ("完成率", "完成率"),
    ("决算数", "决算数"), ("决算", "决算数"), ("实际支出", "决算数"), ("执行数", "执行数"),
    ("预算数", "预算数"), ("预算", "预算数"), ("增长率", "增长率"), ("增幅", "增长率"), ("增速", "增长率"),
    ("增减", "增减"), ("增长", "增长率"), ("占比", "占比"), ("比例", "占比"), ("比重", "占比"),
)

COMPARE_WORDS = ("比较", "对比", "各市", "各地", "分别", "两市", "两地", "哪个市", "哪个城市", "哪些市",
                 "相比", "差异", "排名", "compare", "versus", " vs")
DESCRIBE_WORDS = ("情况", "成效", "哪些", "如何", "怎样", "怎么", "原因", "问题", "措施", "做法", "什么",
                  "介绍", "举措", "经验", "进展", "工作", "职能", "职责", "内容", "为什么", "有何", "亮点")
FIGURE_WORDS = ("多少", "几", "金额", "数额", "是多少", "多大", "多长", "多久", "多远", "多高", "多重", "how much", "how many", "what was the",
                "what is the", "amount", "total", "数是", "分数", "得分", "总额", "总量")
COMPUTE_WORDS = {"完成率": "rate", "执行率": "rate", "完成预算": "rate", "增长率": "growth", "增幅": "growth",
                 "占比": "share", "比重": "share", "比例": "share", "百分比": "share", "百分之": "share",
                 "差额": "diff", "相差": "diff", "差多少": "diff"}
# unit words in "多少台" / "几个" / "how many X"
COUNT_UNITS = ("台", "项", "个", "件", "家", "辆", "分", "人次", "人", "条", "次", "部", "类", "座",
               "套", "名", "户", "万元", "元", "亿元", "核", "款")

QUESTION_NOISE = re.compile(
    r"(请问|(?<!申)请(?!示)|一下|告诉我|(?:是|有|为|共|达|达到)?(?:多少|几)(?:万元|亿元|元|人次|个|项|台|件|家|辆|名|次|条|部|类|座|套|户|"
    r"核|款|种|所|分|天|倍|平方米|公里|米|亿条|万条|万次|万人|万件|钱)?|那边|这边|那里|那儿|这里|"
    r"是多少|有多少|多少钱|是几|多少|几个|几项|是什么|什么|哪些|如何|怎样|怎么样|"
    r"情况如何|共有|总共|一共|共计|合计是|花了|花费|花掉|用了|吗|呢|呀|啊|(?<=[\u4e00-\u9fff])的|了(?!解)|？|\?|。|，|,|！|!|“|”|"
    r"\"|'|\s)")

_DIGITS = str.maketrans("０１２３４５６７８９％．，", "0123456789%.,")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}


@dataclass(frozen=True)
class Question:
    raw: str
    text: str                    # simplified, half-width
    lang: str                    # "zh" | "en"
    cities: tuple[str, ...]      # places named, as typed, in order (the outermost of nested ones)
    year: int | None
    years: tuple[int, ...]
    measure: str | None          # canonical measure named
    kind: str                    # "figure" | "description" | "comparison" | "computation"
    compute: str | None          # "rate" | "growth" | "share" | "diff"
    unit_hint: str | None        # "台" from 多少台
    topic: str                   # the question minus city, year, department, question words
    terms: tuple[str, ...] = field(default_factory=tuple)  # Chinese terms (English glossary)
    all_cities: bool = False     # 各市 / every city
    docs: tuple[str, ...] = ()   # the reports in scope (qa.scope), set by the router
    asks_target: bool = False    # 预期目标 / 目标值: a target, never an actual (and the reverse)
    asks_range: bool = False     # 十四五 / 五年 / 年均 / 累计: a figure of a span of years
    ranking: str | None = None   # "desc" (最多/最高/前三) | "asc" (最少/最低) for rankings

    @property
    def city(self) -> str | None:
        return self.cities[0] if len(self.cities) == 1 else None

    @property
    def search_text(self) -> str:
        """The text to search with: Chinese terms added to an English question."""
        if self.lang == "en" and self.terms:
            return " ".join(self.terms) + " " + self.text
        return self.text


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalise(text: str) -> str:
    text = text.translate(_DIGITS).replace("（", "（").strip()
    return to_simplified(re.sub(r"\s+", " ", text))


def detect_lang(text: str) -> str:
    """"en" when the question is written in English; names in Latin letters ("Shanghai Municipality
    Putuo District 规划和自然资源局…") do not make a Chinese question English."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    if cjk:
        text = re.sub(r"\b(?!(?:What|How|Which|Who|Where|When|Why|Is|Are|Was|Were|Do|Does|Did|The|And|Compare|Please|"
                      r"Tell|Show|List|Give|In|Of|For)\b)[A-Z][A-Za-z'’-]*\b", "", text)
    latin = len(re.findall(r"[A-Za-z]", text))
    return "en" if latin > 1.5 * cjk or (cjk == 0 and latin > 0) else "zh"


def parse_year(text: str) -> list[int]:
    years: list[int] = []
    for m in re.finditer(r"(?<!\d)(20\d{2})(?!\d)", text):
        years.append(int(m.group(1)))
    for m in re.finditer(r"([〇○零一二三四五六七八九]{4})年", text):
        years.append(int("".join(str(_CN_DIGITS[c]) for c in m.group(1))))
    for m in re.finditer(r"(?<![\d.])(\d{2})年(?!度?\d)", text):
        n = int(m.group(1))
        if 10 <= n <= 40:
            years.append(2000 + n)
    out: list[int] = []
    for y in years:
        if 2000 <= y <= 2100 and y not in out:
            out.append(y)
    return out


NOT_MEASURE = re.compile(r"(一般公共|政府性基金|国有资本经营|社会保险基金)预算|预算(财政)?拨款|预算单位|预算管理|"
                         r"预算编制|部门预算|单位预算|预算绩效|决算报表|部门决算")


RATIO_WORDS = re.compile(r"占比|比例|比重|百分比|百分之|所占|占[^，。？?]{1,20}的?(比|%)")
RATE_WORDS = re.compile(r"完成率|执行率|完成预算的?(百分之|比例|%)|完成了?预算的|预算完成")
CHANGE_WORDS = re.compile(r"比上年|较上年|比\d{4}年|较\d{4}年|同比|上年|增减|增加|减少|增长|下降|增幅|降幅")
PERCENT_ASKED = re.compile(r"百分之|百分比|%|率|幅|几成")


def find_measure(text: str, terms: Iterable[str] = ()) -> str | None:
    """The measure a question asks for: a rate or share first, then a change, then the
    budget column named (预算数 / 年初预算数 / 决算数 …)."""
    hay = NOT_MEASURE.sub(" ", text + " " + " ".join(terms))
    if RATE_WORDS.search(hay):
        return "完成率"
    if CHANGE_WORDS.search(hay) and re.search(r"比上年|较上年|比\d{4}年|较\d{4}年|同比|增加|减少|增长|下降|增减", hay):
        if PERCENT_ASKED.search(hay):
            return "增长率"
        # "地区生产总值增长多少": 增长 / 增速 of an economy is a rate unless an amount is asked
        if re.search(r"增长|增速|下降", hay) and not re.search(r"万元|亿元|元|金额|增加|减少|多少钱", hay):
            return "增长率"
        return "增减"
    if RATIO_WORDS.search(hay):
        return "占比"
    best: tuple[int, str] | None = None
    for word, canon in MEASURES:
        i = hay.find(word)
        if i >= 0 and (best is None or len(word) > len(best[1]) and i <= best[0] + 2):
            best = (i, word)
    if best is None:
        return None
    return dict(MEASURES)[best[1]]


def find_unit_hint(text: str) -> str | None:
    if re.search(r"百分之(几|多少)|百分比|多少%|几成", text):
        return "%"
    m = re.search(r"(?:多少|几)(%s)" % "|".join(COUNT_UNITS), text)
    if m:
        return m.group(1)
    m = re.search(r"(?:是|有|为)多少(万元|元|亿元)", text)
    return m.group(1) if m else None


def classify(text: str, cities: list[str], lang: str, all_cities: bool,
             terms: Iterable[str] = ()) -> tuple[str, str | None]:
    low = text.lower()
    compute = next((v for k, v in COMPUTE_WORDS.items() if k in text), None)
    if len(cities) >= 2 or all_cities or any(w in low for w in COMPARE_WORDS):
        return "comparison", compute
    if compute and re.search(r"(多少|几|计算|算|比例|百分比|占比|比重|完成率|执行率)", text):
        return "computation", compute
    figure = any(w in low for w in FIGURE_WORDS) or bool(re.search(r"(数|费|额|金|收入|支出)[？?]?$", text))
    describe = any(w in text for w in DESCRIBE_WORDS) and not re.search(r"多少|几", text)
    if lang == "en":
        figure = bool(re.search(r"\bhow (much|many)\b|\bwhat (was|is|were|are) (the|its|their|\w+'s) .*"
                                r"(total|amount|number|score|budget|expenditure|spending|income|revenue|cost|rate)",
                                low)) or english_figure(low, terms)
        describe = not figure
    if figure and not describe:
        return "figure", compute
    if describe:
        return "description", compute
    # bare noun phrases: "公务接待费决算数" / "项目支出预算" are figures, "粤智助覆盖" a description
    if FIGURE_TERMS.search(text):
        return "figure", compute
    return "description", compute


def english_figure(low: str, terms: Iterable[str]) -> bool:
    """"What was Yantai's GDP in 2023?": a what-question about a quantity the glossary names
    (地区生产总值, 粮食产量 …) asks for a figure, as its Chinese wording does."""
    return bool(re.match(r"\s*what(?:'s| (?:was|is|were|are|will))\b", low)) and any(
        FIGURE_TERMS.search(t) for t in terms) and not re.search(r"\b(how did|why|describe|measures?|steps)\b", low)


FIGURE_TERMS = re.compile(r"预算|决算|支出|收入|经费|费用|费|资金|金额|拨款|结余|结转|合计|总计|总额|比例|占比|"
                          r"产量|总产|生产总值|GDP|总值|产值|增加值|增速|增幅|总量|就业|投资|人口|"
                          r"增长|减少|完成率|得分|分数|数量|人数|目标值|指标值|(值|率)[？?]?$")


def strip_to_topic(text: str, cities: Iterable[str], departments: Iterable[str] = ()) -> str:
    t = text
    for d in sorted(departments, key=len, reverse=True):
        if d:
            t = t.replace(d, " ")
    t = re.sub(r"[\u4e00-\u9fff]{0,12}(政务服务和数据管理局|政务服务数据管理局|数据管理局|政数局|管理局|"
               r"委员会|办公室|办公厅)", " ", t)
    for c in sorted(cities, key=len, reverse=True):
        t = re.sub(re.escape(c) + "(市)?", " ", t)
    # a year range belongs to a project's name ("2026-2029年…服务项目"); a single year is a filter
    t = re.sub(r"(?<![\d\-—至到~])(20\d{2}|[〇○零一二三四五六七八九]{4}|\d{2})\s*年度?", " ", t)
    t = QUESTION_NOISE.sub(" ", t)
    return re.sub(r"\s+", " ", t).strip()


def parse_question(raw: str, places: Callable[[str], list[str]] = lambda text: [],
                   departments: Iterable[str] = ()) -> Question:
    """`places(text)`: the places the (normalised) text names, as typed, in order."""
    text = normalise(raw)
    lang = detect_lang(text)
    terms = tuple(translate_terms(text)) if lang == "en" else ()
    cities = places(text)
    all_cities = bool(re.search(r"各市|各地|各城市|所有城市|全部城市|每个城市|哪个市|哪个城市|哪些城市|"
                                r"\b(each|every|all) cit(y|ies)\b|\bwhich cit(y|ies)\b|across cities",
                                text, re.I))
    years = parse_year(text)
    measure = find_measure(text, terms)
    kind, compute = classify(text, cities, lang, all_cities, terms)
    unit_hint = find_unit_hint(text)
    if lang == "en":
        # department names ("finance bureau" → 财政局) say who, not what: not part of the topic
        topic = " ".join(t for t in terms if t not in {"比较", "部门", "预算数", "决算数", "财政局", "统计局"})
    else:
        # the places are taken out of the topic once the scope is known (qa.scope.narrow)
        topic = strip_to_topic(text, (), departments)
    return Question(raw=raw, text=text, lang=lang, cities=tuple(cities), year=years[0] if years else None,
                    years=tuple(years), measure=measure, kind=kind, compute=compute, unit_hint=unit_hint,
                    topic=topic, terms=terms, all_cities=all_cities, asks_target=bool(TARGET_WORDS.search(text)),
                    asks_range=bool(RANGE_WORDS.search(text)),
                    ranking=ranking_order(text))


RANGE_WORDS = re.compile(r"十[三四五六]五|[五三两]年来|过去[五三]年|五年间|年均")
TARGET_WORDS = re.compile(r"预期目标|目标值|指标值|目标是|目标为|计划目标|预期|目标(?!任务|责任|体系)|计划(?!单列|生育|外|内|经济)|\btargets?\b|\bgoals?\b", re.I)
RANK_DESC = re.compile(r"最多|最高|最大|最快|最强|前[一二三四五六七八九十\d]+(名|位)?|排名|排行|排序|居首|第一|top|highest|most|largest", re.I)
RANK_ASC = re.compile(r"最少|最低|最小|最慢|倒数|lowest|least|smallest", re.I)


def ranking_order(text: str) -> str | None:
    """"desc" / "asc" when the question asks for an order, None otherwise."""
    if RANK_ASC.search(text):
        return "asc"
    if RANK_DESC.search(text):
        return "desc"
    return None
