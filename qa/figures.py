"""Choosing the fact that answers a figure question: subject, measure, unit and report
type together, with the candidates that lost kept for transparency."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.fact_index import FactHit, FactIndex, squash
from index.records import Fact, Report

from .question import MEASURES, NOT_MEASURE, Question
from .sentences import overlap

MONEY_UNITS = {"万元", "元", "亿元", "千元"}
TOTAL_SUBJECTS = {"合计", "总计", "小计", "本年收入合计", "本年支出合计", "收入合计", "支出合计"}
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
    t = re.sub(r"(^|\s)(在|为|和|与|及|到|还|又)", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def measure_score(asked: str | None, measure: str, report: Report, source: str) -> float:
    m = measure or ""
    if source == "prose" and not any(k in m for k in ("预算", "决算", "执行", "完成率", "占", "增")):
        return 0.9 if asked in (None, "决算数", "执行数") else 0.5
    if asked is None:
        rt = report.report_type or ""
        default = "预算数" if "预算" in rt and "决算" not in rt else "决算数"
        if default in m or (default == "决算数" and m in ("决算", "执行数", "本年决算数")):
            return 1.0
        if default == "预算数" and ("预算" in m and "年初" not in m and "调整" not in m):
            return 1.0
        if any(k in m for k in ("完成率", "占", "比例", "增", "率")):
            return 0.4
        return 0.75
    if m == asked:
        return 1.0
    if asked == "决算数":
        return 0.95 if ("决算" in m or m in ("执行数", "实际支出")) and "率" not in m else 0.3
    if asked == "预算数":
        if m in ("全年预算数", "预算", "本年预算数", "预算数（万元）"):
            return 0.95
        if "年初预算" in m:
            return 0.85
        if "调整预算" in m:
            return 0.75
        return 0.3
    if asked == "全年预算数":
        return 0.9 if m in ("预算数", "调整预算数", "预算") else 0.3
    if asked in ("年初预算数", "调整预算数"):
        return 0.3
    if asked == "完成率":
        return 1.0 if ("完成" in m or "执行率" in m) else 0.2
    if asked == "占比":
        return 1.0 if ("占" in m or "比例" in m or "比重" in m) else 0.2
    if asked == "增长率":
        return 1.0 if ("增长" in m and ("率" in m or "%" in m)) else 0.3
    return 0.5 if asked in m else 0.3


def unit_score(q: Question, fact: Fact, topic: str) -> float:
    u = fact.unit or ""
    if q.unit_hint:
        if u == q.unit_hint or u.endswith(q.unit_hint):
            return 1.0
        if q.unit_hint in MONEY_UNITS and u in MONEY_UNITS:
            return 0.95
        return 0.3
    if q.measure in ("完成率", "占比", "增长率"):
        return 1.0 if u == "%" else 0.4
    if MONEY_TOPIC.search(topic) and u not in MONEY_UNITS:
        return 0.5 if u != "%" else 0.35
    return 1.0


def local_context(fact: Fact, width: int = 24) -> str:
    """The words around the figure in its sentence: what the number counts."""
    text = fact.text or ""
    v = fact.value
    forms = {f"{v:,.2f}", f"{v:.2f}", str(v)}
    if float(v).is_integer():
        forms |= {str(int(v)), f"{int(v):,}"}
    pos = -1
    for form in sorted(forms, key=len, reverse=True):
        pos = text.find(form)
        if pos >= 0:
            break
    if pos < 0:
        return fact.subject
    return text[max(0, pos - width): pos + width]


@dataclass(frozen=True)
class Scored:
    hit: FactHit
    score: float


def score_fact(q: Question, topic: str, hit: FactHit) -> float:
    f = hit.fact
    subj = hit.score
    if f.source == "prose":
        ctx = overlap(topic, local_context(f))
        subj = max(subj * 0.8 + 0.2 * ctx, 0.45 * subj + 0.55 * ctx)
    s = subj * measure_score(q.measure, f.measure, hit.report, f.source) * unit_score(q, f, topic)
    if f.source == "table":
        s += 0.01
    return s


def rank_facts(q: Question, facts: FactIndex, *, cities, year, limit: int = 40) -> list[Scored]:
    topic = topic_query(q) or q.topic
    hits = facts.lookup(topic, cities=cities, year=year, limit=400)
    if q.unit_hint:
        seen = {h.fact.fact_id for h in hits}
        for f in facts.facts:
            if f.fact_id in seen or not (f.unit == q.unit_hint or f.unit.endswith(q.unit_hint)):
                continue
            r = facts.reports.get(f.doc_id)
            if r is None or (cities and r.city not in cities) or (year and r.year != year):
                continue
            hits.append(FactHit(f, r, 0.0))
    scored = [Scored(h, score_fact(q, topic, h)) for h in hits]
    scored.sort(key=lambda s: (-s.score, s.hit.fact.source != "table", s.hit.fact.page))
    return scored[:limit]


def same_figure(a: Fact, b: Fact) -> bool:
    return squash(a.subject) == squash(b.subject) and a.measure == b.measure and a.doc_id == b.doc_id


def competitors(best: Scored, ranked: list[Scored]) -> list[Scored]:
    """Other facts for the same subject and measure in the same report (other tables)."""
    return [s for s in ranked if s is not best and same_figure(s.hit.fact, best.hit.fact)
            and s.score >= best.score - 0.05]
