"""Answers over several parties: comparisons and rankings.

When the scope holds several organizations (named, or not named but all stating the
measure) the answer is never one of them picked: it is one row per organization (or per
year for one organization across years), each from its own reports, each cited, sorted
by value when the question ranks or the figures share a unit.
"""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Protocol

from index.records import Report
from index.search.fact_index import FactIndex
from index.search.retrieval import SearchIndex, Timings

from .figures import Scored, topic_query
from .format import fmt_amount, fmt_value, ocr_note, who
from .question import FIGURE_TERMS, Question
from .records import Answer, Citation, FactRef
from .route_passage import QUANTIFIED
from .scope import Catalog, Scope
from .sentences import overlap
from .thresholds import FACT_MIN

# 2023年和2024年; 2024年…比2023年多多少
YEARS_COMPARED = re.compile(r"\d{2,4}年?(?:度)?(?:和|与|、|及|跟|同)\d{2,4}年|\d{4}年.{0,30}?比\d{2,4}年")
MAX_ROWS = 40          # rows in one comparison / ranking table
SHOWN = 12             # rows spelled out in the answer text
PARTY_THREADS = 2      # groups whose passages are searched at once
TO_WAN = {"万元": 1.0, "元": 1e-4, "千元": 0.1, "亿元": 1e4, "万亿元": 1e8}


@dataclass(frozen=True)
class Group:
    """One party of a comparison: its label and the reports it is answered from."""
    label: str
    docs: tuple[str, ...]
    year: int | None = None


def answer_groups(q: Question, scope: Scope, catalog: Catalog) -> list[Group]:
    """The parties a question compares, or [] when it asks about one party.

    - two or more organizations named (深圳市财政局、应急管理局; 深圳和广州的民政局);
    - no organization named while the reports in scope belong to several organizations and
      the question asks for a figure, a ranking or a comparison (各部门 / 哪个部门最多 /
      深圳2026年三公经费): one row each, never one of them picked;
    - one organization across several years (2023年和2024年对比).
    """
    in_scope = set(scope.doc_ids)           # once: at 10,000 reports, per report it was 10⁸ steps
    reports = [r for r in catalog.reports if r.doc_id in in_scope]
    by_org: dict[str, list[Report]] = {}
    for r in reports:
        by_org.setdefault(catalog.body_of.get(r.department or "", r.department) or r.title, []).append(r)
    figure_like = asks_figures(q)
    asks_many = bool(q.ranking) or scope.every_org or scope.every_place or q.kind == "comparison"
    if len(by_org) >= 2 and (len(scope.orgs) >= 2 or asks_many or (figure_like and not scope.orgs)):
        if q.kind == "description" and not asks_many:
            return []
        return [Group(label_of(org, rs), tuple(r.doc_id for r in rs), pick_year(q, rs)) for org, rs in by_org.items()]
    if len(by_org) == 1 and len(q.years) >= 2 and (q.kind == "comparison" or YEARS_COMPARED.search(q.text)):
        rs = next(iter(by_org.values()))
        return [Group(f"{who(rs[0])} {y}", tuple(r.doc_id for r in rs if r.year in (y, y + 1)), y)
                for y in q.years if any(r.year in (y, y + 1) for r in rs)]
    return []


def label_of(org: str, reports: list[Report]) -> str:
    """A government's own report is the place's: 湖南 rather than 湖南省人民政府."""
    if all((r.report_type or "") == "政府工作报告" for r in reports) and reports[0].city:
        return reports[0].city
    return org


def asks_figures(q: Question) -> bool:
    """A figure question, or a comparison / ranking of figures (not of passages)."""
    return q.kind in ("figure", "computation") or (
        (q.kind == "comparison" or bool(q.ranking)) and bool(FIGURE_TERMS.search(q.topic)))


def pick_year(q: Question, reports: list[Report]) -> int | None:
    """The year a party is compared on: the one asked when its reports cover it."""
    if q.year and any(r.year in (q.year, q.year + 1) for r in reports):
        return q.year
    return None


def comparable(unit: str) -> tuple[str, float]:
    """(base unit, factor) so 万元 / 亿元 / 元 sort together."""
    u = unit or ""
    if u in TO_WAN:
        return "万元", TO_WAN[u]
    return u, 1.0


class Routes(Protocol):
    """What a comparison asks of the answering engine (qa.router.Engine): the facts of a scope
    ranked, a passage answer, a `none` answer, a fact's citation, and the reports it searches."""
    search: SearchIndex
    facts: FactIndex

    def rank(self, q: Question, *, facts: FactIndex | None = None, floor: float = 0.0) -> list[Scored]: ...

    def passage(self, q: Question, top_k: int, timings: Timings) -> Answer: ...

    def none(self, q: Question, zh: str, en: str) -> Answer: ...

    def fact_citation(self, ref: FactRef) -> Citation: ...


def about_year(s: Scored, year: int | None) -> bool:
    """The fact describes `year` itself (its own period, else its report's year): a row of a year
    never shows another year's figure — an undated figure of the next year's report neither."""
    f, r = s.hit.fact, s.hit.report
    if year is None:
        return True
    if f.period_year is None:
        return r.year == year
    return f.period_year <= year <= (f.period_end or f.period_year)


def best_fact(engine: Routes, q: Question, sub: Question, facts: FactIndex | None = None) -> FactRef | None:
    """The group's best fact of its year, retried without the unit hint when none scores well enough;
    `facts`: the lookups of every group, read once (FactIndex.within). Only a fact scoring FACT_MIN
    is taken, so only those are ranked (the ranking cut at FACT_MIN: the same first fact of the year)."""
    ranked = [s for s in engine.rank(sub, facts=facts, floor=FACT_MIN) if about_year(s, sub.year)]
    if q.unit_hint and not (ranked and ranked[0].score >= FACT_MIN):
        ranked = [s for s in engine.rank(replace(sub, unit_hint=None), facts=facts, floor=FACT_MIN)
                  if about_year(s, sub.year)]
    if ranked and ranked[0].score >= FACT_MIN:
        best = ranked[0]
        return FactRef(best.hit.fact, best.hit.report, best.score)
    return None


def fact_row(g: Group, ref: FactRef) -> dict:
    """A row stating the group's figure, from its own report."""
    f, r = ref.fact, ref.report
    return {"label": g.label, "organization": r.department, "city": r.city, "place": r.place,
            "year": f.period_year or r.year, "subject": f.subject, "measure": f.measure,
            "value": f.value, "unit": f.unit, "doc_id": r.doc_id, "page": f.page, "text": f.text,
            "title": r.title, "origin": f.origin, "confidence": f.confidence, "_ref": ref}


def passage_pick(q: Question, ans: Answer, figure_like: bool) -> tuple[Citation | None, list[Citation]]:
    """The passage that states a figure answers "情况" best; else the best passage."""
    cands = list(ans.citations) if ans.kind == "passage" else []
    topic = topic_query(q) or q.topic
    scored = sorted(cands, key=lambda x: -(overlap(topic, x.highlight or "")
                                           + (0.15 if QUANTIFIED.search(x.highlight or "") else 0.0)))
    c = next((x for x in scored if QUANTIFIED.search(x.highlight or "")), None) if figure_like else (
        scored[0] if scored else None)
    return c, cands


def passage_row(g: Group, q: Question, c: Citation, r: Report) -> dict:
    """A row citing the group's passage (no figure)."""
    return {"label": g.label, "organization": r.department, "city": r.city, "place": r.place,
            "year": c.year, "subject": topic_query(q) or q.topic, "measure": "", "value": None,
            "unit": None, "doc_id": c.doc_id, "page": c.page, "text": c.highlight or c.text[:200],
            "title": c.title}


def missing_row(g: Group, q: Question, r: Report | None) -> dict:
    """A row saying the group's reports do not state it."""
    return {"label": g.label, "organization": r.department if r else None,
            "city": r.city if r else None, "place": r.place if r else None,
            "year": g.year or (r.year if r else None), "subject": topic_query(q) or q.topic,
            "measure": "", "value": None, "unit": None, "doc_id": g.docs[0] if g.docs else "",
            "page": None, "text": "", "title": r.title if r else "", "missing": True}


def own_year_docs(engine: Routes, g: Group) -> tuple[str, ...]:
    """The group's reports a passage may be quoted from: a passage speaks for its report's year, so
    the next year's report (grouped with a year for the figures it prints of it) is not quoted as
    this year's."""
    if g.year is None:
        return g.docs
    return tuple(d for d in g.docs if d in engine.search.reports and engine.search.reports[d].year == g.year)


def party_question(q: Question, g: Group, figure_like: bool) -> Question:
    """The question asked of one group's reports."""
    sub = replace(q, docs=g.docs, year=g.year, years=(g.year,) if g.year else (),
                  kind="figure" if figure_like else "description")
    if g.year and q.measure == "增减" and YEARS_COMPARED.search(q.text):
        sub = replace(sub, measure=None)      # each year's level; the change is computed from the rows
    return sub


def passage_row_of(engine: Routes, q: Question, g: Group, sub: Question, figure_like: bool,
                   timings) -> tuple[dict, list[Citation]]:
    """A group's row from its passage (else missing) and the passages it cites."""
    own = own_year_docs(engine, g)
    if not own:
        return missing_row(g, q, engine.search.reports.get(g.docs[0]) if g.docs else None), []
    c, cands = passage_pick(q, engine.passage(replace(sub, docs=own, kind="description"), 5, timings), figure_like)
    if c is not None:
        return passage_row(g, q, c, engine.search.reports[c.doc_id]), [c] + [x for x in cands if x is not c][:2]
    return missing_row(g, q, engine.search.reports.get(g.docs[0]) if g.docs else None), []


def compare_groups(engine: Routes, q: Question, groups: list[Group], top_k: int, timings) -> Answer:
    """One row per group, each from its own reports; sorted when the figures share a unit.

    Figures: every group's lookups are read at once (one indexed read for all of them, then each
    group's share: FactIndex.within), never each group's every fact (figure_rows). Passages (no
    figure asked): passage_rows."""
    refs = []
    parties = groups[:200]
    if asks_figures(q):
        rows, cits = figure_rows(engine, q, parties, top_k, timings)
    else:
        rows, cits = passage_rows(engine, q, parties, top_k, timings)
    stated = [x for x in rows if x["value"] is not None]
    if not stated and not any(x["value"] is None and not x.get("missing") for x in rows):
        return engine.none(q, "所涉报告中都没有找到可比较的数字。", "None of the reports in scope states this figure.")
    rows = sort_rows(rows, q)[:MAX_ROWS]
    for x in rows:
        ref = x.pop("_ref", None)
        if ref is not None:
            refs.append(ref)
            cits.append(engine.fact_citation(ref))
    text = render(q, rows)
    formula = None
    change = year_change(groups, rows)
    if change is not None:
        formula, note = change[:2]
        text += note
    top = refs[0] if refs and q.ranking else (refs[0] if len(refs) == 1 else None)
    value, unit = (top.fact.value, top.fact.unit) if top else (None, None)
    if change is not None and q.measure == "增减" and change_asked(q.text, change[2]) is not None:
        value, unit = change_asked(q.text, change[2]), change[3]    # the change asked, computed
    return Answer(kind="fact" if refs else "passage", answer=text, value=value, unit=unit,
                  facts=tuple(refs), citations=tuple(dict.fromkeys(cits))[: max(top_k, len(refs))],
                  confidence=min((x.score for x in refs), default=0.5),
                  route="ranking" if q.ranking else "comparison", table=tuple(rows), formula=formula)


def figure_rows(engine: Routes, q: Question, parties: list[Group], top_k: int,
                timings) -> tuple[list[dict], list[Citation]]:
    """Each group's figure (the lookups of every group read at once: FactIndex.within), then, in the
    groups' order, the passage of each group without one. With MAX_ROWS figures found, the rows
    without one are not shown (sort_rows puts them last, the table keeps MAX_ROWS): their passages
    are not searched, and the answer cites the figures it shows."""
    facts = engine.facts.within({d for g in parties for d in g.docs})
    found = [best_fact(engine, q, party_question(q, g, True), facts) for g in parties]
    all_shown = sum(ref is not None for ref in found) >= MAX_ROWS
    rows: list[dict] = []
    cits: list[Citation] = []
    for g, ref in zip(parties, found):
        if ref is not None:
            rows.append(fact_row(g, ref))
        elif not all_shown:
            row, cited = passage_row_of(engine, q, g, party_question(q, g, True), True, timings)
            rows.append(row)
            cits.extend(cited)
    return rows, cits


def passage_rows(engine: Routes, q: Question, parties: list[Group], top_k: int,
                 timings) -> tuple[list[dict], list[Citation]]:
    """Each group's passage (no figure asked): the rows stand in the groups' order and only the first
    MAX_ROWS are shown, so groups are answered until those rows, a passage found and `top_k`
    citations are settled. The groups are searched PARTY_THREADS at a time (each search mostly
    waits on the store: at 10,000 reports a city's ~50 reports are ~2,750 chunks), in order, and
    the rows taken in the groups' order until settled - what one group at a time gives."""
    rows: list[dict] = []
    cits: list[Citation] = []
    one = lambda g: passage_row_of(engine, q, g, party_question(q, g, False), False, timings)  # noqa: E731
    pool = party_pool()
    for start in range(0, len(parties), PARTY_THREADS):
        for row, cited in pool.map(one, parties[start:start + PARTY_THREADS]):
            rows.append(row)
            cits.extend(cited)
            if settled(rows, cits, top_k):
                return rows, cits
    return rows, cits


_POOL: list[ThreadPoolExecutor] = []
_POOL_LOCK = threading.Lock()


def party_pool() -> ThreadPoolExecutor:
    """The threads parties are searched on, kept for the life of the process: each keeps its own
    store connection (a PostgreSQL connection per thread), so an ask opens none (a pool per ask would
    open two connections each time and leave them to the store)."""
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(PARTY_THREADS, thread_name_prefix="qa-parties"))
        return _POOL[0]


def settled(rows: list[dict], cits: list[Citation], top_k: int) -> bool:
    """Rows without figures keep the groups' order: once MAX_ROWS of them, one passage among them and
    `top_k` distinct citations are in, the groups after change nothing in the answer."""
    return (len(rows) >= MAX_ROWS and any(not x.get("missing") for x in rows)
            and len(dict.fromkeys(cits)) >= top_k)


FALL = re.compile(r"减少|下降|降低|缩减|少了?多少|低了?多少")
THAN = re.compile(r"(\d{4})年.{0,30}?比(\d{4})年")


def change_asked(text: str, by_year: dict[int, float]) -> float | None:
    """The change the question asks for, in its direction: "2018年…比2017年减少了多少" is 2017 − 2018,
    "2024年…比2023年多多少" 2024 − 2023; without 比, the later year − the earlier."""
    m = THAN.search(text)
    first, then = (int(m.group(1)), int(m.group(2))) if m else (max(by_year), min(by_year))
    if first not in by_year or then not in by_year:
        return None
    diff = by_year[first] - by_year[then]
    return round(-diff if FALL.search(text) else diff, 4)


def year_change(groups: list[Group], rows: list[dict]) -> tuple[str, str, dict[int, float], str] | None:
    """One organization in two years: (formula, sentence, each year's figure, unit), computed from
    the two cited figures."""
    years = [g.year for g in groups]
    stated = [x for x in rows if x["value"] is not None]
    if len(groups) != 2 or None in years or len(set(years)) != 2 or len(stated) != 2:
        return None
    if len({x["organization"] for x in stated}) != 1 or len({comparable(x["unit"])[0] for x in stated}) != 1:
        return None
    new, old = sorted(stated, key=lambda x: -(x["year"] or 0))
    if new["year"] == old["year"]:
        return None
    a = new["value"] * comparable(new["unit"])[1]
    b = old["value"] * comparable(old["unit"])[1]
    unit = comparable(new["unit"])[0]
    diff = round(a - b, 4)
    pct = f"，{'增长' if diff >= 0 else '下降'} {fmt_value(round(abs(diff) / b * 100, 2))}%" if b else ""
    formula = f"{new['year']} 年 − {old['year']} 年 = {fmt_value(a)} − {fmt_value(b)} = {fmt_value(diff)} {unit}"
    word = "增加" if diff >= 0 else "减少"
    note = (f"{new['year']} 年比 {old['year']} 年{word} {fmt_value(abs(diff))} {unit}{pct}"
            f"（计算：{formula}，按所引两年数据计算）。")
    return formula, note, {new["year"]: a, old["year"]: b}, unit


def sort_rows(rows: list[dict], q: Question) -> list[dict]:
    """By value (largest first unless asked for the least) when the stated figures share a
    base unit; rows without the figure last. Otherwise in the order named."""
    stated = [x for x in rows if x["value"] is not None]
    units = {comparable(x["unit"])[0] for x in stated}
    if len(units) != 1 or not (q.ranking or len(stated) > 2 or q.kind != "comparison"):
        return stated + [x for x in rows if x["value"] is None]
    sign = 1 if q.ranking == "asc" else -1
    stated.sort(key=lambda x: sign * x["value"] * comparable(x["unit"])[1])
    for i, x in enumerate(stated, 1):
        x["rank"] = i
    return stated + [x for x in rows if x["value"] is None]


def row_text(x: dict) -> str:
    if x["value"] is None:
        return f"{x['label']}：" + (f"“{x['text'][:100]}”（第 {x['page']} 页）" if x["text"] else "报告未载明")
    measure = "" if x["measure"] in ("", None, "金额", "合计") else x["measure"]
    year = f"（{x['year']} 年）" if x.get("year") else ""
    return (f"{x['label']}{year}：{x['subject']}{measure} {fmt_amount(x['value'], x['unit'])}"
            f"（《{x['title']}》第 {x['page']} 页）{ocr_note(x.get('origin', ''), x.get('confidence'))}")


def render(q: Question, rows: list[dict]) -> str:
    stated = [x for x in rows if x["value"] is not None]
    missing = [x["label"] for x in rows if x.get("missing")]
    if q.lang == "en":
        body = "; ".join(f"{x['label']}: " + (f"{fmt_value(x['value'])} {x['unit']} (p. {x['page']})"
                                               if x["value"] is not None else "not stated") for x in rows[:SHOWN])
        head = "Ranking — " if q.ranking else "Comparison — "
        if q.ranking and stated:
            head += f"{'lowest' if q.ranking == 'asc' else 'highest'}: {stated[0]['label']} " \
                    f"{fmt_value(stated[0]['value'])} {stated[0]['unit']}. "
        return head + body
    parts = [f"{x.get('rank', i)}. {row_text(x)}" if x.get("rank") else row_text(x)
             for i, x in enumerate(rows[:SHOWN], 1) if not x.get("missing")]
    if q.ranking and stated:
        top = stated[0]
        word = "最少" if q.ranking == "asc" else "最多"
        head = f"{word}的是{top['label']}：{fmt_amount(top['value'], top['unit'])}" \
               f"（{top['subject']}{'' if top['measure'] in ('', None, '金额', '合计') else top['measure']}，" \
               f"《{top['title']}》第 {top['page']} 页）。排序（共 {len(stated)} 个）："
    else:
        head = "对比：" if len(rows) > 1 else ""
    text = head + "；".join(parts) + "。"
    if len(rows) > SHOWN:
        text += f"（另有 {len(rows) - SHOWN} 项见表）"
    if missing:
        text += "未载明此项：" + "、".join(missing) + "。"
    years = {x["year"] for x in stated if x.get("year")}
    if len(years) > 1 and len(q.years) < 2:
        text += "注意：各项年度不同（" + "、".join(f"{x['label']} {x['year']}" for x in stated) + "）。"
    return re.sub(r"；。", "。", text)
