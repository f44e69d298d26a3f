"""Example questions built from what the store holds, for the chat page's chips: a figure of a
real organization / place / year / item that has a fact, a descriptive question from a real
section title, a comparison of two places holding the same item or metric, a 成效 question
across places, and an English figure question. Each is asked once before it is offered and
kept only when the engine answers it as asked (a figure: that report's figure of that item,
stated exactly). Deterministic for a store: reports visited in the engine's order, a sample
spread over them."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.extract.metrics import BY_NAME, METRICS, base_of, fits, standard
from index.extract.subject_keys import squash
from index.names.english import english_names
from index.names.places import code_level, load_gazetteer
from index.records import Fact, Report, Statement

from .achievements import inexact, own_place, place_label
from .glossary import EN_TERMS

SAMPLE = 40           # reports looked at
TRIES = 3             # candidates asked per kind
# report items a question can name: the glossary's terms and the listed metrics
KNOWN: tuple[str, ...] = tuple(dict.fromkeys(
    [squash(zh) for _, zh in EN_TERMS if " " not in zh and len(zh) >= 4] + [m.name for m in METRICS]))
NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]+部分[：:、]?|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|"
                       r"\d+[.、．]|[①-⑳])\s*")
DESCRIBED = re.compile(r"职责|职能|情况|问题|措施|举措|成效|目标|任务|做法|经验|建议|进展|亮点|改进|不足|概况|机构设置")
LEVEL_WORD = {"province": "省", "city": "市", "district": "区"}


@dataclass(frozen=True)
class Example:
    question: str
    kind: str        # figure | description | comparison | achievements | english


@dataclass(frozen=True)
class Candidate:
    """A question to try, and for a figure the report and item its answer must come from."""
    question: str
    doc_id: str = ""
    item: str = ""


@dataclass(frozen=True)
class Held:
    """A fact of a known item in a report: what a figure or comparison example names."""
    term: str
    fact: Fact
    report: Report


def sample(reports: Sequence[Report], n: int = SAMPLE) -> list[Report]:
    """Up to `n` reports spread evenly over the list (every place's share, not the first city's)."""
    if len(reports) <= n:
        return list(reports)
    return [reports[i * len(reports) // n] for i in range(n)]


def place_name(r: Report) -> str:
    return r.district or r.city or r.province or r.place or ""


def whose(r: Report, reports: Sequence[Report]) -> str:
    """How a question names a report's party: the place when its government's report or the only
    organization the store holds there, else the organization's full name."""
    place = place_name(r)
    if not r.department or (place and r.department.endswith("人民政府")):
        return place or r.title
    alone = len({x.department for x in reports if x.place_code == r.place_code}) == 1
    return place if alone and place else r.department


def clean(f: Fact, term: str, year: int | None) -> bool:
    """A figure an example may name: exact, of the report's year, in a unit its item is stated in."""
    if f.approx or f.qualifier or f.period_kind == "target" or f.period_year not in (None, year):
        return False
    metric = BY_NAME.get(term)
    return metric is None or fits(metric, term, standard(f.value, f.unit)[1])


def held_items(facts_of: Callable[[str], list[Fact]], reports: Sequence[Report]) -> list[Held]:
    """Facts of known items (公务接待费, 地区生产总值 …), the first of each item in each report."""
    out: list[Held] = []
    for r in reports:
        seen: set[str] = set()
        for f in facts_of(r.doc_id):
            key = squash(f.subject)
            if key in KNOWN and key not in seen and clean(f, key, r.year):
                seen.add(key)
                out.append(Held(key, f, r))
    return out


def by_spread(held: list[Held]) -> list[str]:
    """Items ordered by how many places hold them, then as the glossary lists them."""
    places: dict[str, set[str]] = {}
    for h in held:
        places.setdefault(h.term, set()).add(h.report.place_code or h.report.doc_id)
    return sorted(places, key=lambda t: (-len(places[t]), KNOWN.index(t)))


def year_of(h: Held) -> int | None:
    return h.fact.period_year or h.report.year


def in_year(year: int | None) -> str:
    return f"{year}年" if year else ""


def figure_candidates(held: list[Held], reports: Sequence[Report]) -> list[Candidate]:
    out = []
    for term in by_spread(held)[:TRIES]:
        h = next(x for x in held if x.term == term)
        out.append(Candidate(f"{whose(h.report, reports)}{in_year(year_of(h))}{h.fact.subject}是多少？",
                             h.report.doc_id, term))
    return out


def comparison_candidates(held: list[Held], reports: Sequence[Report]) -> list[Candidate]:
    """Two places holding the same item, of one year when they can be: "比较汕头和汕尾的公务接待费"."""
    out = []
    for term in by_spread(held):
        holders = [h for h in held if h.term == term]
        for a in holders:
            others = [h for h in holders if h.report.place_code != a.report.place_code]
            b = next((h for h in others if year_of(h) == year_of(a)), others[0] if others else None)
            if b is not None:
                year = in_year(year_of(a)) if year_of(a) == year_of(b) else ""
                out.append(Candidate(f"比较{whose(a.report, reports)}和{whose(b.report, reports)}{year}的{a.fact.subject}"))
                break
        if len(out) >= TRIES:
            break
    return out


# ---------------------------------------------------------------- from the statements
Stated = tuple[str, int, list[tuple[Statement, Report]]]      # metric, year, one statement per place


def metric_order(metric: str) -> tuple[int, bool]:
    base = base_of(metric)
    return (METRICS.index(base) if base in METRICS else len(METRICS), base is None or metric != base.name)


def stated_metrics(store) -> list[Stated]:
    """Listed metrics two places or more state exactly for one year (those more places state first,
    up to five; then in the list's order): the latest such year, each place's own first statement."""
    gaz = load_gazetteer()
    spread = {m: n for m, _, n in store.shared_metrics(min_places=2) if base_of(m) is not None}
    shared = sorted(spread, key=lambda m: (-min(spread[m], 5), metric_order(m)))
    out: list[Stated] = []
    for metric in shared:
        by_year: dict[int, dict[str, tuple[Statement, Report]]] = {}
        for st, r in store.statements(metric=metric, claim="figure", limit=2000):
            if st.period_kind in ("actual", "change") and st.period_year and st.period_end is None \
                    and not inexact(st) and own_place(st, r, gaz):
                by_year.setdefault(st.period_year, {}).setdefault(r.place_code or r.doc_id, (st, r))
        years = [y for y, places in by_year.items() if len(places) >= 2]
        if years:
            out.append((metric, max(years), list(by_year[max(years)].values())))
        if len(out) >= TRIES:
            break
    return out


def stated_figures(stated: list[Stated]) -> list[Candidate]:
    """"合肥2023年地区生产总值是多少？"."""
    return [Candidate(f"{place_label(rows[0][1])}{year}年{metric}是多少？", rows[0][1].doc_id, metric)
            for metric, year, rows in stated]


def stated_comparisons(stated: list[Stated]) -> list[Candidate]:
    return [Candidate(f"比较{place_label(rows[0][1])}和{place_label(rows[1][1])}{year}年的{metric}")
            for metric, year, rows in stated]


def rankings(stated: list[Stated]) -> list[Candidate]:
    """"哪个市2023年地区生产总值最高？" at the level most of its places are."""
    out = []
    for metric, year, rows in stated:
        levels = [code_level(r.place_code) for _, r in rows]
        word = LEVEL_WORD.get(max(set(levels), key=levels.count), "地方")
        out.append(Candidate(f"哪个{word}{year}年{metric}最高？"))
    return out


QUOTED = re.compile(r"“([\u4e00-\u9fff]{2,8})”")


def mentions(store) -> list[Candidate]:
    """"哪些地方提到了“不见面审批”？": a quoted name the statements use, those more places write
    first, then firsts and coverage."""
    places: dict[str, set[str]] = {}
    claimed: set[str] = set()
    for st, r in store.statements(limit=1000):
        for phrase in QUOTED.findall(st.sentence):
            places.setdefault(phrase, set()).add(r.place_code or r.doc_id)
            if st.claim in ("first", "coverage"):
                claimed.add(phrase)
    order = list(places)
    ranked = sorted(order, key=lambda p: (-len(places[p]), p not in claimed, order.index(p)))
    return [Candidate(f"哪些地方提到了“{p}”？") for p in ranked[:TRIES]]


# ---------------------------------------------------------------- descriptive, English
def section_title(title: str) -> str:
    """"（一）部门主要职责。" → "部门主要职责"; "" when it is no descriptive heading."""
    t = NUMBERING.sub("", (title or "").strip()).strip("。.：: ")
    if not (4 <= len(t) <= 14) or not DESCRIBED.search(t) or re.search(r"\d|表|报告|[（(]", t):
        return ""
    return t


def description_candidates(sections: Callable[[str], list[dict]], reports: Sequence[Report],
                           every: Sequence[Report]) -> list[Candidate]:
    """"介绍一下汕尾市政务服务数据管理局的部门主要职责": a heading of a report, with whose it is."""
    out = []
    for r in reports:
        for s in sections(r.doc_id):
            t = section_title(s.get("title", ""))
            if t and s.get("level", 9) <= 3 and not any(w and w in t for w in (r.department, place_name(r)[:2])):
                w = r.department if r.department and re.search(r"部门|单位", t) else whose(r, every)
                out.append(Candidate(f"介绍一下{w}的{t}"))
                break
        if len(out) >= TRIES:
            break
    return out


def english_phrase(term: str) -> str:
    """The glossary's first English wording of a report item ("official receptions")."""
    for pattern, zh in EN_TERMS:
        if squash(zh) != term:
            continue
        first = pattern.split("|")[0].replace("\\b", "")
        first = re.sub(r"\(\?:([^|)]*)[^)]*\)\??", r"\1", first).replace("?", "").strip()
        if re.fullmatch(r"[a-z][a-z '&-]*", first):
            return first.upper() if len(first) <= 3 else first
    return ""


def english_place(r: Report) -> str:
    """The report's place by its English name (index.names.english), "" when it has none."""
    if not r.place_code:
        return ""
    names = english_names(load_gazetteer().get(r.place_code))
    return names[0] if names else ""


def english_candidates(held: list[Held], reports: Sequence[Report]) -> list[Candidate]:
    """"How much did Shanwei spend on official receptions in 2021?" — a place the store holds one
    organization of, an item the glossary names in English."""
    out = []
    for term in by_spread(held):
        for h in (x for x in held if x.term == term):
            place, phrase, year = place_name(h.report), english_phrase(term), year_of(h)
            en = english_place(h.report) if phrase and year and whose(h.report, reports) == place else ""
            if en:
                out.append(Candidate(f"How much did {en} spend on {phrase} in {year}?" if re.search(r"(费|支出|经费)$", term)
                                     else f"What was {en}'s {phrase} in {year}?", h.report.doc_id, term))
        if len(out) >= 2 * TRIES:
            break
    return out


# ---------------------------------------------------------------- asked once, kept when answered
def answers_as(a, c: Candidate, kind: str) -> bool:
    """The engine answered the example as asked: a figure is the named report's figure of the item
    named, stated exactly; a comparison has two figures or more; …"""
    if kind in ("figure", "english"):
        f = a.facts[0] if a.facts else None
        base = base_of(c.item)
        items = {c.item, base.name} if base is not None else {c.item}      # 地区生产总值增速: 地区生产总值 × 增长率
        return (a.kind == "fact" and a.value is not None and a.route in ("fact", "achievements") and f is not None
                and f.report.doc_id == c.doc_id and squash(f.fact.subject) in items and not f.fact.approx)
    if kind == "comparison":
        return a.kind == "fact" and a.route in ("comparison", "achievements") and len(a.facts) >= 2
    if kind == "description":
        return a.kind == "passage"
    return a.route == "achievements" and a.kind != "none"


def candidates(engine) -> list[tuple[str, Callable[[], list[Candidate]]]]:
    """Per kind, what to try (computed when that kind is reached)."""
    reports = list(engine.reports)
    picked = sample(reports)
    store = engine.store
    held = held_items(engine.facts.facts_of, picked)
    stated = stated_metrics(store) if store is not None else []
    return [
        ("figure", lambda: stated_figures(stated) + figure_candidates(held, reports)),
        ("description", lambda: description_candidates(store.sections, picked, reports) if store else []),
        ("comparison", lambda: stated_comparisons(stated) + comparison_candidates(held, reports)),
        ("achievements", lambda: rankings(stated) + (mentions(store) if store else [])),
        ("english", lambda: english_candidates(held, reports)),
    ]


def store_examples(engine) -> tuple[Example, ...]:
    """4–6 example questions the engine answers, from what its store holds (qa.router.Engine)."""
    if not engine.reports:
        return ()
    out, named = [], set()
    for kind, tries in candidates(engine):
        fresh = [c for c in tries() if not (c.doc_id and (c.doc_id, c.item) in named)][: 2 * TRIES]
        found = next((c for c in fresh if answers_as(engine.ask(c.question), c, kind)), None)
        if found is not None:
            out.append(Example(found.question, kind))
            named.add((found.doc_id, found.item))     # the English one asks another report's figure
    return tuple(out)
