"""Choosing the fact that answers a figure question: subject, measure, unit and report
type together, with the candidates that lost kept for transparency."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from index.records import Fact, Report
from index.search.fact_index import FactHit, FactIndex, TotalsFilter, UnitFilter, squash, subject_score

from .question import MEASURES, NOT_MEASURE, Question

MONEY_UNITS = {"万元", "元", "亿元", "千元", "万亿元", "亿美元", "美元", "万美元"}
# what a quantity is counted in, by what the question asks about: a figure in another kind
# of unit is not its answer (地区生产总值 is never 800 万户)
MONEY_ITEM = re.compile(r"(支出|经费|资金|费|拨款|预算|决算)$")   # 社会保障和就业支出 is money, not people
RATE_TOPIC = re.compile(r"强度|比重|占比|比例|增速|增幅|率$")
TOPIC_UNITS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = (
    (re.compile(r"生产总值|GDP|经济总量|总产值|产值|增加值|营业收入|销售额|成交额|投资额|财政收入|预算收入"),
     ("元",)),
    (re.compile(r"产量|总产"), ("吨", "斤", "公斤", "千克")),
    (re.compile(r"就业|人口|人数|从业人员"), ("人",)),
)
TOTAL_SUBJECTS = {"合计", "总计", "小计", "本年收入合计", "本年支出合计", "收入合计", "支出合计"}
TOTAL_KEYS = {"合计", "总计", "小计", "合计数"}
MONEY_TOPIC = re.compile(r"(费|支出|收入|经费|资金|预算|决算|拨款|结余|结转|金额|总额|万元|元)")


def topic_query(q: Question) -> str:
    """The subject words of the question: topic minus measure and unit words."""
    keep = {m.group(0) for m in NOT_MEASURE.finditer(q.topic)}
    t = q.topic
    for i, k in enumerate(keep):
        t = t.replace(k, f"\x00{i}\x00")
    for word, _ in MEASURES:
        t = t.replace(word, " ")
    for i, k in enumerate(keep):
        t = t.replace(f"\x00{i}\x00", k)
    t = re.sub(r"(万元|亿元|(?<![单美])元|比较|对比|分别|两市|各市|各地|以来|累计|全市|得了|取得|情况|请|都)", " ", t)
    t = re.sub(r"比(上年|去年|上一年|\d{4}年)?(?:\s*[多少高低](?=\s|$))?|百分之[几多少]*|百分比|目标值|指标值", " ", t)
    # the period words are the scope's (qa.scope), not the subject's
    t = re.sub(r"“?十[三四五六]五”?(?:时期|期间)?|过去五年|五年来|时期|期间|预期目标|目标|预期|年均|全年", " ", t)
    t = re.sub(r"(^|\s)(在|为|和|与|及|到|还|又)", " ", t)
    return re.sub(r"\s+", " ", t).strip()


FUND_SOURCE = re.compile(r"^(一般公共预算|政府性基金预算|国有资本经营预算|财政拨款|财政专户|其他资金|单位资金|"
                         r"事业收入|上级补助|经营收入|附属单位|社会保险基金|专项资金|一般公共预算拨款|"
                         r"政府性基金|国有资本经营|财政拨款收入|其他收入)")


@lru_cache(maxsize=8192)
def canon_measure(m: str) -> str:
    """A column or verb phrase reduced to the measure it names ("part" for a funding-source split)."""
    m = m or ""
    if FUND_SOURCE.match(m):
        return "part"
    if re.search(r"完成率|执行率|完成预算的|预算完成", m):
        return "完成率"
    if re.search(r"增长率|增幅|下降率|降幅|增减率|变动率", m):
        return "增长率"
    if re.search(r"占|比例|比重", m):
        return "占比"
    if re.search(r"增减|增加|减少|比上年|较上年|变动|变化|增长|下降", m):
        return "增减"
    if "年初预算" in m:
        return "年初预算数"
    if "调整预算" in m:
        return "调整预算数"
    if "全年预算" in m:
        return "全年预算数"
    if "上年" in m:
        return "上年数"
    if re.search(r"决算|执行数|实际支出|实际", m):
        return "决算数"
    if "预算" in m:
        return "预算数"
    return ""          # 金额, 合计, 本年收入合计 ... : an amount with no budget/actual sense


@lru_cache(maxsize=8192)
def title_measure(table: str) -> str:
    """The measure a table's title implies: "…支出决算表" → 决算数, "…预算表" → 预算数."""
    t = re.sub(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算", "", table or "")
    if "决算" in t:
        return "决算数"
    if "预算" in t:
        return "年初预算数" if "年初" in t else "预算数"
    return ""


def measure_score(asked: str | None, measure: str, report: Report, source: str, table: str = "",
                  named: bool = False) -> float:
    """How well a fact's measure (its column) fits the measure asked; `named`: the question
    names the column itself, so it is no mere part of the row's figure."""
    m = canon_measure(measure)
    rt = report.report_type or ""
    # a category column (教育收费, 事业单位经营收入) is a part; 合计/金额 is the figure itself
    part = 0.95 if m == "" and not named and not re.search(r"合计|总计|小计|金额|^数$|总额", measure or "") else 1.0
    if m == "" and table:
        # a plain amount column takes its sense from the table ("…基本支出决算明细表" → 决算数),
        # or else from the report: every table of a 部门预算 states 预算数
        t = title_measure(table)
        m = t if t in ("决算数", "预算数", "年初预算数", "调整预算数") else (
            "预算数" if ("预算" in rt and "决算" not in rt and "绩效" not in rt) else "")
    if m == "part":
        return 0.6
    return part * _measure_score(asked, m, rt, source)


def _measure_score(asked: str | None, m: str, rt: str, source: str) -> float:
    if asked is None:
        default = "预算数" if ("预算" in rt and "决算" not in rt) else "决算数"
        if m == default:
            return 1.0
        if m == "":
            return 1.0 if source == "prose" else 0.95
        if default == "预算数" and m in ("年初预算数", "全年预算数"):
            return 0.95
        if m in ("完成率", "占比", "增长率", "增减", "上年数"):
            return 0.35
        return 0.75
    if m == asked:
        return 1.0
    if m == "":
        return 0.3 if asked in ("增减", "增长率", "完成率", "占比") else 0.9
    near = {("预算数", "全年预算数"): 0.95, ("预算数", "年初预算数"): 0.85, ("预算数", "调整预算数"): 0.75,
            ("全年预算数", "预算数"): 0.95, ("全年预算数", "调整预算数"): 0.85,
            ("年初预算数", "预算数"): 0.8, ("调整预算数", "预算数"): 0.6, ("执行数", "决算数"): 0.95,
            ("增长率", "增减"): 0.4, ("增减", "增长率"): 0.4}
    return near.get((asked, m), 0.3)


def unit_matches(unit: str, hint: str | None) -> bool:
    """"台(套)" counts 台; "万人次" counts 人次."""
    u = re.sub(r"[（(][^)）]*[)）]", "", unit or "")
    return bool(hint) and (u == hint or u.endswith(hint))


def kind_mismatch(q: Question, fact: Fact, topic: str) -> bool:
    """The question asks about a quantity counted in one kind of unit and the fact is in
    another: a rate asked and a level given, or 产量 asked and 个 given."""
    u = re.sub(r"[（(][^)）]*[)）]", "", fact.unit or "")
    if RATE_TOPIC.search(topic):
        return u != "%"
    if q.measure in ("完成率", "占比", "增长率", "增减") or MONEY_ITEM.search(topic):
        return False
    for rx, units in TOPIC_UNITS:
        if rx.search(topic):
            # a level (产量, 生产总值) asked: a percentage or a count in another unit is not it
            return not any(u.endswith(x) for x in units)
    return False


def unit_score(q: Question, fact: Fact, topic: str) -> float:
    u = fact.unit or ""
    if kind_mismatch(q, fact, topic):
        return 0.2
    if q.unit_hint:
        if unit_matches(u, q.unit_hint):
            return 1.0
        if q.unit_hint in MONEY_UNITS and u in MONEY_UNITS:
            return 0.95
        return 0.3
    if q.measure in ("完成率", "占比", "增长率"):
        return 1.0 if u == "%" else 0.4
    if MONEY_TOPIC.search(topic) and u not in MONEY_UNITS:
        return 0.5 if u != "%" else 0.35
    return 1.0


def number_span(fact: Fact) -> tuple[int, int]:
    """Where the fact's number stands in its sentence (-1, -1 if not found)."""
    text = fact.text or ""
    v = fact.value
    forms = {f"{v:,.2f}", f"{v:.2f}", str(v), f"{v:g}"}
    if float(v).is_integer():
        forms |= {str(int(v)), f"{int(v):,}"}
    for form in sorted(forms, key=len, reverse=True):
        for m in re.finditer(re.escape(form), text):
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if not (before.isdigit() or before == "." or after.isdigit()):
                return m.start(), m.end()
    return -1, -1


def local_context(fact: Fact) -> str:
    """The clause that holds the figure and the one before it: what the number counts."""
    text = fact.text or ""
    start, end = number_span(fact)
    if start < 0:
        return fact.subject
    clauses = [m.span() for m in re.finditer(r"[^,，;；。:：]+", text)]
    for i, (a, b) in enumerate(clauses):
        if a <= start < b:
            lo = clauses[i - 1][0] if i and b - a < 12 else a
            return text[lo:b]
    return text[max(0, start - 20): end + 8]


def coverage(part: str, whole: str) -> float:
    """Share of `part`'s bigrams found in `whole` (both squashed)."""
    p, w = squash(part), squash(whole)
    if len(p) < 2:
        return 1.0 if p and p in w else 0.0
    grams = {p[i:i + 2] for i in range(len(p) - 1)}
    return sum(g in w for g in grams) / len(grams)


UNIT_BONUS, TABLE_BONUS, TITLE_BONUS = 0.1, 0.01, 0.08      # score_fact: what a figure scores beyond its subject
PROSE_SUBJECT, PROSE_CLAUSE, PROSE_AROUND_MAX = 0.4, 0.3, 0.3  # prose_score: its subject, its clause, the text around


def prose_score(topic: str, fact: Fact, before: str = "", *, best_before: bool = False) -> float:
    """A figure read from a sentence answers a question when its subject is what the
    question asks about, and the question's words stand around the number, in the
    sentence, or just before it (`before`: the text preceding the sentence; `best_before`: the
    most that text could add, without reading it)."""
    specific = min(1.0, 0.5 + len(squash(fact.subject)) / 8)
    around = 1.0 if best_before else coverage(topic, before[-80:] + fact.text)
    return (PROSE_SUBJECT * coverage(fact.subject, topic) * specific
            + PROSE_CLAUSE * coverage(topic, local_context(fact))
            + PROSE_AROUND_MAX * around)


@dataclass(frozen=True)
class Scored:
    hit: FactHit
    score: float


@lru_cache(maxsize=8192)
def title_words(table: str) -> str:
    """A table title's words, squashed (title_topic): the same few titles recur in every report."""
    return squash(title_topic(table))


def title_topic(table: str) -> str:
    """What a table is about, from its title: "3.部门一般公共预算拨款“三公”经费支出情况。" → its words."""
    t = re.sub(r"^\s*(表\s*\d+|[\d.、]+|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", "", table or "")
    return re.sub(r"(情况|明细|统计|汇总)?(表|说明)?[。.]?$", "", t)


def rest_in_title(topic: str, fact: Fact) -> float:
    """Share of the question's words beyond the row label that the table title holds."""
    q, subj, title = squash(topic), squash(fact.subject), title_words(fact.table)
    rest = {q[i:i + 2] for i in range(len(q) - 1)} - {subj[i:i + 2] for i in range(len(subj) - 1)}
    rest = {g for g in rest if not (g[0] in subj and g[1] in subj)}
    return sum(g in title for g in rest) / len(rest) if rest and title else 0.0


def in_title_context(topic: str, fact: Fact) -> float | None:
    """A table row read under its table's title: the question's words beyond the row label that
    the title says are not missing from the row ("收到政府信息公开申请" and row 本年新收政府信息公开申请数量
    of 收到和处理政府信息公开申请情况: 收到 is the table's); the row's score for the rest of the
    question (a character the row shares kept: 收 of 新收); None when the title explains nothing
    or the row itself names less than most of the question."""
    q, subj, title = squash(topic), squash(fact.subject), title_words(fact.table)
    if fact.source != "table" or not title or len(subj) < 2:
        return None
    covered = covered_chars(q, subj)
    runs = [m.span() for m in re.finditer(r"0+", "".join("1" if c else "0" for c in covered))]
    explained = [(a, b) for a, b in runs if b - a >= 2 and q[a:b] in title]
    if not explained or not covers_most(q, subj):
        return None                       # the row itself names most of what is asked, or it is not the row
    keep = list(q)
    for a, b in explained:
        for i in range(a, b):
            keep[i] = q[i] if q[i] in subj else ""
    return subject_score("".join(keep), fact.subject)


def covered_chars(q: str, subj: str) -> list[bool]:
    """Which characters of q (squashed) stand in a bigram of the subject."""
    grams = {subj[i:i + 2] for i in range(len(subj) - 1)}
    covered = [False] * len(q)
    for i in range(len(q) - 1):
        if q[i:i + 2] in grams:
            covered[i] = covered[i + 1] = True
    return covered


def covers_most(q: str, subj: str) -> bool:
    """The subject names most of q: its bigrams cover at least 60% of q's characters."""
    return sum(covered_chars(q, subj)) >= 0.6 * len(q)


TOTAL_TITLE, TOTAL_ROW_MIN = 0.92, 0.6     # a total row's score for its table's title; the least that picks it


def total_row_score(topic: str, fact: Fact) -> float:
    """A 合计/小计 row answers for its table's topic: share of the question's words in the title."""
    title = title_words(fact.table)
    grams = total_grams(topic)
    if not title or not grams:
        return 0.0
    return TOTAL_TITLE * sum(g in title for g in grams) / len(grams)


def total_grams(topic: str) -> set[str]:
    """The bigrams of the topic a total row's table title is matched against (none under two characters)."""
    q = re.sub(r"合计|总计|小计|总额|一共|总共", "", squash(topic))
    return {q[i:i + 2] for i in range(len(q) - 1)} if len(q) >= 2 else set()


def totals_filter(topic: str) -> TotalsFilter:
    """The total rows a scan over many reports may pick (rank_facts): those whose table title may score
    TOTAL_ROW_MIN — its raw title holds both characters of enough of the topic's bigrams — and the
    prose ones (a sentence naming the topic verbatim)."""
    grams = sorted(total_grams(topic))
    need = math.ceil(TOTAL_ROW_MIN / TOTAL_TITLE * len(grams) - 1e-9) if grams else 0
    return TotalsFilter(tuple(grams), need)


def named_column(topic: str, f: Fact) -> float | None:
    """A table cell whose column the question names beside its row ("行政复议结果维持": row 行政复议,
    column 结果维持): how well the rest of the question names the row; None when the column
    is not named (outside the words that name the row)."""
    t, s, m = squash(topic), squash(f.subject), squash(f.measure)
    if f.source != "table" or len(m) < 2 or m == s:
        return None
    row_named = bool(s) and s in t
    rest = t.replace(s, "\x00", 1) if row_named else t
    if m not in rest:
        return None
    rest = rest.replace(m, "", 1).replace("\x00", s)
    return subject_score(rest, f.subject) if rest else None


FUNDING_TABLE = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本经营")
MONEY_MEASURES = {"预算数", "年初预算数", "调整预算数", "全年预算数", "决算数", "执行数", "增减"}


def score_fact(q: Question, topic: str, hit: FactHit, context=None, *, best_before: bool = False) -> float:
    """The fact's score as the answer to q; `best_before`: at most that, whatever the text before a
    prose figure's sentence says (the report's text not read)."""
    f = hit.fact
    if f.unit == "%" and canon_measure(f.measure) == "增减":
        f = replace(f, measure="增长率")       # "增长 4.0%" is a growth rate
    subj = hit.score
    if squash(f.subject) in TOTAL_KEYS:
        subj = max(min(subj, 0.6), total_row_score(topic, f))
    else:
        subj = max(subj, 0.97 * (in_title_context(topic, f) or 0.0))
    if f.source == "prose":
        # the text before the sentence can only add the question's words the sentence lacks:
        # when it holds them all, the report's text is not read
        before = context(f) if context and not best_before and coverage(topic, f.text) < 1.0 else ""
        subj = max(prose_score(topic, f, before, best_before=best_before), 0.95 * subj)
    by_column = named_column(topic, f)
    named = by_column is not None and by_column >= subj
    if named:
        subj = by_column
    u = unit_score(q, f, topic)
    if q.measure in MONEY_MEASURES and not q.unit_hint and f.unit not in MONEY_UNITS:
        u = min(u, 0.4)
    s = subj * measure_score(q.measure, f.measure, hit.report, f.source, f.table, named) * u
    if q.unit_hint and u == 1.0:
        s += UNIT_BONUS     # "多少台" and the fact counts 台: strong evidence of the right kind of figure
    if f.source == "table" and FUNDING_TABLE.search(f.table or "") and not FUNDING_TABLE.search(q.text):
        s *= 0.97       # a 财政拨款-only table is not the department's whole figure unless asked
    if f.source == "table":
        # the table's title agrees with what the question adds to the row label
        # ("数字政府运营中心 收入" and 表2 收入总体情况表)
        s += TABLE_BONUS + TITLE_BONUS * rest_in_title(topic, f)
    return s


def unit_filter(facts: FactIndex, topic: str, floor: float) -> UnitFilter | None:
    """Of the figures counted in the unit asked ("多少万元": nearly every figure of a budget), those that
    may score `floor` as the answer (rank_facts picks each by its unit). A table figure scores at most
    its subject's score plus the unit, table and title bonuses (score_fact), and its subject's score
    is above 0 only for a subject key near the topic (subject_score), reaches 1 only read under its
    table's title when the key covers most of the topic (in_title_context), or is the rest of the topic's
    score when a column named inside the topic is taken out (named_column: the figures of such a
    measure are all kept). A prose figure scores at most its prose_score plus the unit bonus; without a
    subject near the topic, its prose_score is what its clause holds of the topic's bigrams (which its
    sentence holds both characters of) and the text around it: it is read when the sentence holds
    enough of them. None (no narrowing) for a topic of one character."""
    return facts.derived(("unit_filter", topic, floor), lambda: _unit_filter(facts, topic, floor))


def _unit_filter(facts: FactIndex, topic: str, floor: float) -> UnitFilter | None:
    t = squash(topic)
    if len(t) < 2 or PROSE_AROUND_MAX + UNIT_BONUS >= floor:
        return None
    need = floor - UNIT_BONUS - TABLE_BONUS - TITLE_BONUS - 1e-9      # (a margin for rounding)
    near = facts.keys_near(t)
    keys = frozenset(k for k in near if subject_score(topic, k) >= need or (len(k) >= 2 and covers_most(t, k)))
    named = tuple(sorted(m for m in facts.measures if len(squash(m)) >= 2 and squash(m) != t and squash(m) in t))
    pairs = sorted({t[i:i + 2] for i in range(len(t) - 1)})
    # a prose figure whose subject is not near the topic needs its clause to hold this share of the topic's bigrams
    share = (floor - UNIT_BONUS - PROSE_AROUND_MAX - 1e-9) / PROSE_CLAUSE
    return UnitFilter(keys, named, frozenset(near), tuple(pairs), max(1, math.ceil(share * len(pairs))))


# "项目支出中租赁费" / "“三公”经费中公务接待费": the figure asked is the part after 中
PART_OF = re.compile(r"^(.{2,}?)(?:中的|之中|当中|中)(?![心国央小间期标介长层枢原部山医学])(.{2,})$")


FULL_SCAN_REPORTS = 60


SUB_UNIT = re.compile(r"^全?(村|镇|乡|社区|园区|开发区)")


# a unit inside the place named just before the figure's subject: "宜宾高新区独立运行,地区生产总值突破100亿元"
PART_BEFORE = re.compile(r"(高新区|高新技术产业开发区|经开区|经济技术开发区|开发区|产业园区?|新区|自贸区|综保区)[^。；;]{0,12}$")


def of_a_part(f: Fact, q: Question) -> bool:
    """"全村人均可支配收入达6.79万元" is one village's figure inside a city's report, "宜宾高新区…,
    地区生产总值突破100亿元" one zone's: never the place's own, unless the question asks about such a unit."""
    m = SUB_UNIT.match(f.subject)
    if m:
        return m.group(1) not in q.text
    if f.source != "prose" or not f.subject:
        return False
    i = (f.text or "").find(f.subject)
    before = (f.text or "")[max(0, i - 30):i] if i > 0 else ""
    zone = PART_BEFORE.search(before)
    return bool(zone) and "全市" not in before[zone.end():] and zone.group(1) not in q.text


def in_period(f: Fact, r: Report, year: int | None, asks_target: bool, asks_range: bool = False) -> bool:
    """The fact describes the year asked (its own period, else its report's year — for a
    政府工作报告 also the year it reviews), and is a
    target exactly when a target is asked: a target is never given as an actual. A figure of a
    span of years (十四五 年均, 累计) answers only a question about that span."""
    if asks_target != (f.period_kind == "target") and f.period_kind:
        return False
    spans = (f.period_end or 0) > (f.period_year or 0)
    if spans != asks_range:
        return False
    if year is None:
        return True
    if f.period_year is not None:
        end = f.period_end or f.period_year
        return f.period_year <= year <= end if f.period_kind in ("average", "cumulative") else f.period_year == year
    if not asks_target and "政府工作报告" in (r.report_type or "") and r.year is not None:
        # a work report published without headings leaves the figures of the year it reviews
        # undated: they may answer for that year as well as for the report's own
        return year in (r.year, r.year - 1)
    return r.year == year


def undated_may_answer(r: Report, year: int) -> bool:
    """An undated figure of report r may describe `year` (in_period): its own year's, or a work report's
    of the year before."""
    return r.year == year or ("政府工作报告" in (r.report_type or "") and r.year is not None and r.year == year + 1)


def scoped(facts: FactIndex, docs, key: str, unit: str | None, year: int | None,
           only: UnitFilter | None = None, totals: TotalsFilter | None = None) -> list[tuple[Fact, Report]]:
    """The facts of the reports in scope that the scan below may pick: every fact when they are held
    in memory; read from a store, only the total rows (those `totals` names), the prose figures holding
    every character of `key` and the facts counted in `unit` (those `only` names), of the year asked
    (FactIndex.candidates_in) — the others it passes over."""
    known = [d for d in docs if d in facts.reports]
    undated = None if year is None else (lambda r: undated_may_answer(r, year))
    return [(f, facts.reports[f.doc_id])
            for f in facts.candidates_in(known, "".join(dict.fromkeys(key)), unit, year, undated, only, totals)]


def rank_facts(q: Question, facts: FactIndex, *, docs, year, limit: int = 40, context=None,
               floor: float = 0.0) -> list[Scored]:
    """Facts of the reports `docs` (every report when empty and the store is small) that
    answer q, best first; only facts of the period asked. With `floor`, only those scoring at least
    that (the same list cut there): a fact that cannot reach it is not scored in full (a prose
    figure's report text is not read for it)."""
    if not docs:
        return []
    topic = topic_query(q) or q.topic
    m = PART_OF.match(topic.replace(" ", ""))
    if m and facts.subjects_for(m.group(2), limit=1, min_score=0.9):
        topic = m.group(2)
    hits = [h for h in facts.lookup(topic, doc_ids=docs, limit=400)
            if in_period(h.fact, h.report, year, q.asks_target, q.asks_range) and not of_a_part(h.fact, q)]
    seen_ids = {h.fact.fact_id for h in hits}
    key = squash(topic)
    # the whole-scope scan (total rows, verbatim prose, counted units) is for a few reports; over a
    # large scope only the subject index and the total rows are consulted
    if len(docs) <= FULL_SCAN_REPORTS:
        # with a floor, of the figures counted in the unit asked only those that may reach it are read
        # (not with a target asked: a target figure among the others would set the others aside)
        only = unit_filter(facts, topic, floor) if floor and q.unit_hint and not q.asks_target else None
        # of the total rows, only those whose table title may name the topic (totals_filter), the prose
        # ones and those counted in the unit asked: the others score below TOTAL_ROW_MIN, unpicked
        pool = scoped(facts, docs, key if len(key) >= 3 else "", q.unit_hint, year, only, totals_filter(topic))
    else:
        # of their total rows, those whose table title may name the topic, the prose ones and those
        # counted in the unit asked: what the scan below can pick of them
        pool = [(f, facts.reports[f.doc_id]) for f in facts.totals_in(docs, totals_filter(topic), q.unit_hint)
                if f.doc_id in facts.reports]
    in_scope = [(f, r) for f, r in pool if in_period(f, r, year, q.asks_target, q.asks_range) and not of_a_part(f, q)]
    for f, r in in_scope:
        if f.fact_id in seen_ids:
            continue
        if squash(f.subject) in TOTAL_KEYS and total_row_score(topic, f) >= TOTAL_ROW_MIN:
            seen_ids.add(f.fact_id)
            hits.append(FactHit(f, r, 0.0))
        elif (
                # prose figures whose sentence names the topic verbatim, whatever the extracted
                # subject ("整体支出完成率为100%" under subject 年度支出总额)
                (len(key) >= 3 and f.source == "prose" and key in facts.flat_text(f))
                # "多少台": every figure counted in 台 is a candidate
                or unit_matches(f.unit, q.unit_hint)):
            seen_ids.add(f.fact_id)
            hits.append(FactHit(f, r, subject_score(topic, f.subject)))
    if q.asks_target and any(h.fact.period_kind == "target" for h in hits):
        # a target asked and stated: the figures not dated as targets (last year's actuals) step aside
        hits = [h for h in hits if h.fact.period_kind == "target"]
    scored = [Scored(h, score_fact(q, topic, h, context)) for h in hits
              if not floor or reaches(q, topic, h, floor, context)]
    if floor:
        scored = [s for s in scored if s.score >= floor]
    # ties: a table cell before prose, an exact figure before "约 / 突破 …", then document order (never set order)
    scored.sort(key=lambda s: (-s.score, s.hit.fact.source != "table", s.hit.fact.approx, s.hit.fact.page,
                               s.hit.report.doc_id, s.hit.fact.fact_id or 0))
    return scored[:limit]


def reaches(q: Question, topic: str, hit: FactHit, floor: float, context) -> bool:
    """Whether the fact may score `floor`: a prose figure whose score stays below it whatever the
    text before its sentence says is passed over before that text is read."""
    if hit.fact.source != "prose" or context is None:
        return True
    return score_fact(q, topic, hit, best_before=True) >= floor




COMPETING = 0.05     # a figure this close to the best one is shown beside it (competitors)


def same_item(a: Fact, b: Fact) -> bool:
    return squash(a.subject) == squash(b.subject) and a.measure == b.measure


def twin_files(a: Report, b: Report) -> bool:
    """Two files of one report: the same organization, place, year and type (a report published
    in parts, or two files the store keeps side by side), not the same file."""
    return a.doc_id != b.doc_id and a.identity() == b.identity()


def competitors(best: Scored, ranked: list[Scored]) -> list[Scored]:
    """Other facts for the same subject and measure in the same report (other tables) or in another
    file of the same report (twin_files)."""
    return [s for s in ranked if s is not best and s.score >= best.score - COMPETING
            and same_item(s.hit.fact, best.hit.fact)
            and (s.hit.fact.doc_id == best.hit.fact.doc_id or twin_files(s.hit.report, best.hit.report))]
