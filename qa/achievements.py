"""Achievements across places, from the statements read at ingest (index/extract/statements.py).

Three kinds of supervisor questions:
- one metric over every place in scope (各省2025年地区生产总值增速 / 哪个省粮食产量最高 / 前三):
  one row per place, sorted by the value on one scale (亿斤 → 万吨), each cited, the period stated,
  actuals and targets never mixed, places whose reports do not state it listed as such;
- targets vs results for a place (安徽2026年的预期目标和2025年实际完成比一比): each metric with
  both a target and an actual, the pair, and whether the target was met when both are of one year;
- which places say something (哪些省份提到了低空经济 / 哪些省实现了…全覆盖): one row per place whose
  report says it, with the sentence, and the places that do not.
Pure over what `Store.statements` / `Store.sentences_with` return; the router decides when it applies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from index.extract.metrics import base_of, find_metrics, metric_named, rate_of
from index.extract.statements import cn_number
from index.records import Fact, Report, Statement

from .format import fmt_value
from .records import Answer, Citation, FactRef

ACROSS = re.compile(r"各省|各市|各地|各区|各县|哪个|哪些|哪几个|哪一个|排名|排行|排序|前[一二三四五六七八九十\d]+|"
                    r"最高|最低|最多|最少|最快|最慢|最大|最小|对比|比较|比一比|相比|和.{1,8}比|谁|排一下|排个序|分别")
TARGET_WORDS = re.compile(r"目标|预期|计划|力争")
ACTUAL_WORDS = re.compile(r"实际|完成|实现|实绩|达成|结果")
GROWTH_WORDS = re.compile(r"增速|增长率|增幅|增长|增长了|涨幅|增加多少")
MENTION = re.compile(r"(?:提到|提及|提出|谈到|涉及|部署|布局|写到|说到|强调|包含|有)(?:了|过)?\s*[“\"]?(?P<phrase>[^“”\"？?。，,]{2,16}?)[”\"]?"
                     r"(?:的|这一|这个|工作|相关)?(?:内容|表述|目标|任务)?\s*[？?。]?$")
CLAIM_WORDS = (("coverage", re.compile(r"全覆盖|全面覆盖")), ("first", re.compile(r"全国首[个家批]|率先|首创|零的突破|历史新高")),
               ("rank", re.compile(r"全国第[一二三四五六七八九十\d]+|居全国|全国前列|全国首位")))
FIVE_YEAR = re.compile(r"十四五|年均|五年")
QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,16})[”\"」』]")


def mention_phrase(text: str) -> str:
    """The words a "which places say …" question looks for: quoted, a claim word, or what follows 提到."""
    q = QUOTED.search(text)
    if q:
        return q.group(1)
    for _, rx in CLAIM_WORDS:
        m = rx.search(text)
        if m:
            return m.group(0)
    m = MENTION.search(re.sub(r"[？?。，,]?(?:举几个例子|举例说明|请列出|列举一下|有哪些)[？?。]?$", "", text))
    return m.group("phrase").strip() if m else ""

OTHER_SCOPE = re.compile(r"全国|全球|世界|国家|大湾区|粤港澳|长三角|京津冀|成渝|城市群|都市圈|经济带|经济圈|"
                         r"(?<!全)(?<!本)[市县区州盟](?!场|民|委|政府)|个县|个市|城市|县域|企业|园区|开发区|新区")

StatementQuery = Callable[..., list[tuple[Statement, Report]]]


@dataclass(frozen=True)
class Ask:
    """What an across-place question asks, read from its text."""
    metric: str | None           # canonical metric (with 增速 / 降幅) or None
    kind: str                    # actual | target | average | pair | mention
    year: int | None
    order: str                   # desc | asc
    top: int | None              # 前三 → 3
    phrase: str = ""             # mention questions: the words looked for


def metric_of(text: str) -> str | None:
    """The metric a question asks for: 地区生产总值, or its growth rate when it asks 增速/增长."""
    m = metric_named(text)
    if m is None:
        # "经济增长目标" / "经济增速": the growth of 地区生产总值
        return rate_of("地区生产总值") if re.search(r"经济增长|经济增速", text) else None
    hit = re.search(m.pattern, text)
    after = text[hit.end():] if hit else text
    rest = text[:hit.start()] + " " + after if hit else text
    if m.lower_is_better and re.search(r"降低|下降|降幅", after):
        return f"{m.name}降幅"
    if not m.ratio and GROWTH_WORDS.search(after) and not re.search(r"总量|总额|规模|多少亿|多少万", rest):
        return rate_of(m.name)
    return m.name


def top_n(text: str) -> int | None:
    m = re.search(r"前([一二三四五六七八九十\d]+)", text)
    if not m:
        return None
    return cn_number(m.group(1))


def read_ask(text: str, years: Sequence[int], ranking: str | None, many_places: bool = False) -> Ask | None:
    """The across-place reading of a question, or None when it is not one."""
    year = max(years) if years else None
    order = "asc" if ranking == "asc" else "desc"
    metric = metric_of(text)
    if metric and TARGET_WORDS.search(text) and ACTUAL_WORDS.search(text):
        return Ask(metric, "pair", year, order, None)
    phrase = mention_phrase(text)
    says = re.search(r"提到|提及|提出|谈到|涉及|说|表述|字样", text) or any(rx.search(text) for _, rx in CLAIM_WORDS)
    if phrase and re.search(r"哪些|哪个|哪几个|各", text) and not re.fullmatch(r"十[一二三四五六]五", phrase) and \
            (says or not metric):
        return Ask(metric, "mention", year, order, None, phrase=phrase)
    if TARGET_WORDS.search(text) and ACTUAL_WORDS.search(text):
        return Ask(None, "pair", year, order, None)
    if not metric or not (ACROSS.search(text) or many_places):
        return None
    kind = "target" if TARGET_WORDS.search(text) else "average" if FIVE_YEAR.search(text) else "actual"
    return Ask(metric, kind, year, order, top_n(text))


# ------------------------------------------------------------------ picking statements

def own_place(st: Statement, report: Report, gazetteer) -> bool:
    """The statement is about its report's place, not a city or country it names ("深圳地区生产总值…")."""
    span = st.text
    head = span[: max(0, span.find(st.metric[:2]))] if st.metric[:2] in span else span[:8]
    if OTHER_SCOPE.search(head):
        return False
    if gazetteer is None or not head:
        return True
    for place in gazetteer.find(head):
        code = getattr(place, "code", "")
        if report.place_code and code and not (report.place_code.startswith(code.rstrip("0")) or
                                               code.startswith(report.place_code.rstrip("0"))):
            return False
    return True


def best_per_place(rows: list[tuple[Statement, Report]], ask: Ask, gazetteer) -> dict[str, tuple[Statement, Report]]:
    """One statement per place: its own, of the period asked, the first the report states."""
    out: dict[str, tuple[Statement, Report]] = {}
    for st, r in rows:
        if st.claim != "figure" or st.value is None:
            continue
        if not own_place(st, r, gazetteer):
            continue
        key = r.place_code or r.city or r.doc_id
        if key not in out or (inexact(out[key][0]) and not inexact(st)):
            out[key] = (st, r)      # the first stated, unless a later one is exact and it is not
    return out


def inexact(st: Statement) -> bool:
    """约 / 左右 / 预计, or a bound: a milestone passed ("突破1000亿元", "迈上万亿元台阶") is no level."""
    return st.approx or st.bound != ""


def wanted_kind(ask: Ask) -> tuple[str, ...]:
    return {"target": ("target",), "average": ("average",), "actual": ("actual", "change")}.get(ask.kind, ("actual",))


def latest_year(rows: list[tuple[Statement, Report]], kinds: tuple[str, ...]) -> int | None:
    years = [st.period_year for st, _ in rows if st.period_kind in kinds and st.period_year and st.period_end is None]
    return max(years) if years else None


# ------------------------------------------------------------------ answers

def place_label(r: Report) -> str:
    return r.province if r.place_code and r.place_code.endswith("0000") and r.province else (
        r.district or r.city or r.province or r.place or r.department or r.title)


def citation(st: Statement, r: Report, score: float = 1.0) -> Citation:
    return Citation(doc_id=r.doc_id, title=r.title, city=r.city, year=r.year, page=st.page,
                    section=st.section_path, text=st.sentence, score=score, highlight=st.text,
                    organization=r.department, place=r.place)


def as_fact(st: Statement) -> Fact:
    """A figure statement as the fact it is (what answers and the grader read)."""
    return Fact(subject=st.metric, subject_raw=st.text, measure=kind_word(st), value=float(st.value or 0),
                unit=st.unit, page=st.page, text=st.sentence, source="prose", section_path=st.section_path,
                approx=st.approx, doc_id=st.doc_id, fact_id=None, period_year=st.period_year,
                period_end=st.period_end, period_kind=st.period_kind)


KIND_WORDS = {"actual": "实际", "target": "目标", "average": "年均", "cumulative": "累计", "change": "变化",
              "budget": "预算", "": ""}


def kind_word(st: Statement) -> str:
    return KIND_WORDS.get(st.period_kind, st.period_kind)


def period_text(st: Statement) -> str:
    if st.period_end and st.period_year:
        return f"{st.period_year}—{st.period_end}年{kind_word(st)}"
    return f"{st.period_year}年{kind_word(st)}" if st.period_year else kind_word(st)


def value_text(st: Statement) -> str:
    rng = re.search(r"\d+(?:\.\d+)?%?\s*(?:—|–|-|~|～|至)\s*\d+(?:\.\d+)?\s*" + re.escape(st.unit), st.text)
    if rng:
        return rng.group(0)
    suffix = "左右" if st.approx and st.bound == "" and "左右" in st.text else ("以上" if st.bound == "min" else
                                                                              "以内" if st.bound == "max" else "")
    return f"{fmt_value(st.value)}{st.unit}{suffix}"


def row_of(st: Statement | None, r: Report, label: str, metric: str, rank: int | None = None) -> dict:
    if st is None:
        return {"label": label, "organization": r.department, "city": r.city, "place": r.place, "year": None,
                "subject": metric, "measure": "", "value": None, "unit": None, "doc_id": r.doc_id, "page": None,
                "text": "", "title": r.title, "missing": True}
    row = {"label": label, "organization": r.department, "city": r.city, "place": r.place,
           "year": st.period_year, "period_end": st.period_end, "kind": st.period_kind, "subject": st.metric,
           "measure": kind_word(st), "value": st.value, "unit": st.unit, "value_std": st.value_std,
           "unit_std": st.unit_std, "doc_id": r.doc_id, "page": st.page, "text": st.sentence,
           "highlight": st.text, "section": st.section_path, "title": r.title}
    if rank is not None:
        row["rank"] = rank
    return row


def metric_ranking(ask: Ask, rows: list[tuple[Statement, Report]], reports: Sequence[Report],
                   gazetteer, ranking: str | None) -> Answer | None:
    """One metric over every place in scope, sorted, cited; places without it listed."""
    kinds = wanted_kind(ask)
    picked = [(st, r) for st, r in rows if st.period_kind in kinds]
    if ask.kind == "average":
        picked = [(st, r) for st, r in picked if st.period_end]
    else:
        year = ask.year or latest_year(picked, kinds)
        picked = [(st, r) for st, r in picked if st.period_year == year and st.period_end is None]
    best = best_per_place(picked, ask, gazetteer)
    if len(best) < 1:
        return None
    units = {st.unit_std for st, _ in best.values()}
    main_unit = max(units, key=lambda u: sum(st.unit_std == u for st, _ in best.values()))
    stated = sorted(((st, r) for st, r in best.values() if st.unit_std == main_unit),
                    key=lambda x: (x[0].value_std or 0) * (1 if ask.order == "asc" else -1))
    out_rows = [row_of(st, r, place_label(r), st.metric, i) for i, (st, r) in enumerate(stated, 1)]
    seen = set(best)
    missing_places = []
    for r in reports:
        key = r.place_code or r.city or r.doc_id
        if key in seen:
            continue
        seen.add(key)
        missing_places.append(place_label(r))
        out_rows.append(row_of(None, r, place_label(r), ask.metric or ""))
    if not stated:
        return None
    top = stated[0][0]
    shown = stated[: ask.top] if ask.top else stated
    metric = ask.metric or top.metric
    head_period = period_text(top)
    lines = [f"{i}. {place_label(r)} {value_text(st)}（《{r.title}》第 {st.page} 页：“{st.text}”）"
             for i, (st, r) in enumerate(shown, 1)]
    word = "最低" if ask.order == "asc" else "最高"
    text = (f"{metric}（{head_period}），按报告所述排序，{word}的是{place_label(stated[0][1])}："
            f"{value_text(top)}。\n" + "\n".join(lines))
    if ask.top and len(stated) > ask.top:
        text += f"\n（共 {len(stated)} 个地方载明，表中列出全部）"
    if missing_places:
        text += f"\n未载明此项（{head_period}）：" + "、".join(missing_places) + "。"
    others = [(st, r) for st, r in best.values() if st.unit_std != main_unit]
    if others:
        text += "\n单位不同未参与排序：" + "；".join(f"{place_label(r)} {value_text(st)}" for st, r in others) + "。"
    refs = tuple(FactRef(as_fact(st), r, 1.0) for st, r in stated)
    cits = tuple(citation(st, r) for st, r in stated)
    return Answer(kind="fact", answer=text, value=top.value, unit=top.unit, facts=refs, citations=cits,
                  confidence=0.9, route="achievements", table=tuple(out_rows),
                  notes=(f"口径：{metric}，{head_period}；各地数据均引自其本地报告原文，目标与实际不混排。",))


def met(target: Statement, actual: Statement) -> bool | None:
    """Was the target met? Only when both are of one year and one unit."""
    if target.period_year != actual.period_year or target.unit_std != actual.unit_std:
        return None
    if target.value is None or actual.value is None:
        return None
    base = base_of(target.metric)
    lower = target.bound == "max" or (base is not None and base.lower_is_better and not target.metric.endswith("降幅"))
    return actual.value_std <= target.value_std if lower else actual.value_std >= target.value_std - 1e-9


def pairs(ask: Ask, rows: list[tuple[Statement, Report]], gazetteer) -> Answer | None:
    """Targets beside results, per place and metric."""
    by: dict[tuple[str, str], dict[str, tuple[Statement, Report]]] = {}
    for st, r in rows:
        if st.claim != "figure" or st.value is None or st.period_end or not own_place(st, r, gazetteer):
            continue
        if ask.metric and st.metric != ask.metric:
            continue
        kind = "target" if st.period_kind == "target" else "actual" if st.period_kind in ("actual", "change") else ""
        if not kind:
            continue
        slot = by.setdefault((r.place_code or r.city or r.doc_id, st.metric), {})
        key = f"{kind}:{st.period_year}"
        slot.setdefault(key, (st, r))
    out_rows, refs, cits, lines = [], [], [], []
    for (place, metric), found in by.items():
        targets = sorted((v for k, v in found.items() if k.startswith("target:")), key=lambda x: -(x[0].period_year or 0))
        actuals = sorted((v for k, v in found.items() if k.startswith("actual:")), key=lambda x: -(x[0].period_year or 0))
        if not targets or not actuals:
            continue
        same = [(t, a) for t in targets for a in actuals if t[0].period_year == a[0].period_year]
        if ask.year and not same:
            t = next((t for t in targets if t[0].period_year == ask.year), targets[0])
            a = next((a for a in actuals if a[0].period_year in (ask.year, ask.year - 1)), actuals[0])
        else:
            t, a = same[0] if same else (targets[0], actuals[0])
        (ts, tr), (acs, ar) = t, a
        verdict = met(ts, acs)
        label = place_label(tr)
        row = row_of(acs, ar, label, metric)
        row.update({"target": ts.value, "target_unit": ts.unit, "target_year": ts.period_year,
                    "target_text": ts.text, "target_page": ts.page, "target_doc_id": tr.doc_id,
                    "met": verdict})
        out_rows.append(row)
        refs += [FactRef(as_fact(ts), tr), FactRef(as_fact(acs), ar)]
        cits += [citation(ts, tr), citation(acs, ar)]
        verdict_text = "" if verdict is None else ("，完成目标" if verdict else "，未达到目标")
        lines.append(f"{label} {metric}：{ts.period_year}年目标 {value_text(ts)}（第 {ts.page} 页：“{ts.text}”）；"
                     f"{acs.period_year}年实际 {value_text(acs)}（第 {acs.page} 页：“{acs.text}”）{verdict_text}")
    if not out_rows:
        return None
    different = any(x["target_year"] != x["year"] for x in out_rows)
    text = "目标与实际对照：\n" + "\n".join(lines)
    if different:
        text += "\n注：目标与实际年度不同的，只列出对照，不判断是否完成。"
    first = refs[0].fact
    return Answer(kind="fact", answer=text, value=first.value, unit=first.unit, facts=tuple(refs),
                  citations=tuple(cits), confidence=0.85, route="achievements", table=tuple(out_rows))


def mentions(ask: Ask, reports: Sequence[Report], sentences_with) -> Answer | None:
    """Which places say it: one row per place whose reports do — those that say it most first —
    with its most focused sentence (the shortest that holds the words); the rest listed."""
    by_doc = {r.doc_id: r for r in reports}
    found: dict[str, list[tuple[Report, int, str, str]]] = {}
    base = base_of(ask.metric) if ask.metric else None
    for doc_id, page, sentence, section in sentences_with(ask.phrase, [r.doc_id for r in reports]):
        if base is not None and base not in {h.metric for h in find_metrics(sentence)}:
            continue      # "哪些省份粮食产量创历史新高": the words and the metric in one sentence
        r = by_doc[doc_id]
        found.setdefault(r.place_code or r.city or r.doc_id, []).append((r, page, sentence, section))
    if not found:
        return None
    rows, cits, lines = [], [], []
    ordered = sorted(found.values(), key=lambda hits: -len(hits))
    for hits in ordered:
        r, page, sentence, section = min(hits, key=lambda h: (len(h[2]) < 10, len(h[2])))
        rows.append({"label": place_label(r), "organization": r.department, "city": r.city, "place": r.place,
                     "year": r.year, "subject": ask.phrase, "measure": "", "value": None, "unit": None,
                     "count": len(hits), "doc_id": r.doc_id, "page": page, "text": sentence, "title": r.title,
                     "section": section})
        cits.append(Citation(doc_id=r.doc_id, title=r.title, city=r.city, year=r.year, page=page, section=section,
                             text=sentence, score=1.0, highlight=sentence, organization=r.department, place=r.place))
        lines.append(f"{place_label(r)}（{len(hits)} 处）：“{window(sentence, ask.phrase)}”（《{r.title}》第 {page} 页）")
    absent = sorted({place_label(r) for r in reports if (r.place_code or r.city or r.doc_id) not in found})
    what = f"{base.name}“{ask.phrase}”" if base is not None else f"“{ask.phrase}”"
    text = f"提到{what}的有 {len(found)} 个地方（按提及次数排序）：\n" + "\n".join(lines)
    if absent:
        text += f"\n报告中未提到的：{'、'.join(absent)}。"
    return Answer(kind="passage", answer=text, citations=tuple(cits), confidence=0.8, route="achievements",
                  table=tuple(rows))


def window(sentence: str, phrase: str, reach: int = 50) -> str:
    """The part of a long sentence around the words looked for."""
    i = sentence.find(phrase) if phrase else -1
    if i < 0 or len(sentence) <= 2 * reach + len(phrase):
        return sentence[: 2 * reach + 20]
    a, b = max(0, i - reach), min(len(sentence), i + len(phrase) + reach)
    return ("…" if a else "") + sentence[a:b] + ("…" if b < len(sentence) else "")


def answer(ask: Ask, reports: Sequence[Report], statements: StatementQuery,
           sentences_with, gazetteer, ranking: str | None) -> Answer | None:
    """The across-place answer, or None (the router then answers as before)."""
    doc_ids = [r.doc_id for r in reports]
    if ask.kind == "mention":
        return mentions(ask, reports, sentences_with)
    if ask.kind == "pair":
        return pairs(ask, statements(metric=ask.metric, doc_ids=doc_ids) if ask.metric
                     else statements(claim="figure", doc_ids=doc_ids), gazetteer)
    rows = statements(metric=ask.metric, doc_ids=doc_ids)
    return metric_ranking(ask, rows, reports, gazetteer, ranking)


RANK_ASK = re.compile(r"第几|排第|排名|位次|排在|居全国|全国第")


def place_statement(text: str, years: Sequence[int], reports: Sequence[Report], statements: StatementQuery,
                    gazetteer) -> Answer | None:
    """One place's figure or rank claim for a listed metric, from its statements (十四五年均, 目标,
    排第几 …) — used when the fact route has no answer, and for rank questions."""
    metric = metric_of(text)
    if metric is None or not reports:
        return None
    doc_ids = [r.doc_id for r in reports]
    if RANK_ASK.search(text):
        base = base_of(metric).name if base_of(metric) else metric.removesuffix("增速")
        rows = [(st, r) for st, r in statements(claim="rank", doc_ids=doc_ids)
                if st.metric.startswith(base) or st.metric.startswith(metric.removesuffix("增速"))]
        rows = [(st, r) for st, r in rows
                if own_place(st, r, gazetteer)]
        if rows:
            st, r = rows[0]
            return Answer(kind="passage", answer=f"{place_label(r)}：{st.text}（{period_text(st)}，《{r.title}》第 {st.page} 页）。",
                          citations=tuple(citation(s2, r2) for s2, r2 in rows[:5]), confidence=0.8,
                          route="achievements")
    kind = ("target",) if TARGET_WORDS.search(text) else ("average",) if re.search(r"年均|平均", text) else \
        ("cumulative", "average") if FIVE_YEAR.search(text) else ("actual", "change")
    rows = [(st, r) for st, r in statements(metric=metric, doc_ids=doc_ids)
            if st.claim == "figure" and st.period_kind in kind and own_place(st, r, gazetteer)]
    if years and kind[0] in ("actual", "target"):
        rows = [(st, r) for st, r in rows if st.period_year in years and st.period_end is None]
    if not rows:
        return None
    rows.sort(key=lambda x: (inexact(x[0]), -(x[0].period_year or 0)))
    st, r = rows[0]
    return Answer(kind="fact", answer=f"{place_label(r)}{metric}（{period_text(st)}）：{value_text(st)}。"
                                      f"（《{r.title}》第 {st.page} 页：“{st.text}”）",
                  value=st.value, unit=st.unit, facts=(FactRef(as_fact(st), r),), citations=(citation(st, r),),
                  confidence=0.8, route="achievements")


# ------------------------------------------------------------------ the 成效 view (GET /api/achievements)

STATEMENT_FIELDS = ("place", "place_code", "province", "organization", "claim", "metric", "topic", "value", "unit",
                    "value_std", "unit_std", "start", "rank", "period_year", "period_end", "period_kind",
                    "approx", "bound", "text", "sentence", "page", "section", "title", "doc_id", "statement_id")


def statement_row(st: Statement, r: Report) -> dict:
    """One statement as the API and CSV export show it: whose, what, when, and where it is written."""
    return {"place": place_label(r), "place_code": r.place_code, "province": r.province,
            "organization": r.department, "claim": st.claim, "metric": st.metric, "topic": st.topic,
            "value": st.value, "unit": st.unit, "value_std": st.value_std, "unit_std": st.unit_std,
            "start": st.start, "rank": st.rank, "period_year": st.period_year, "period_end": st.period_end,
            "period_kind": st.period_kind, "approx": st.approx, "bound": st.bound, "text": st.text,
            "sentence": st.sentence, "page": st.page, "section": st.section_path, "title": r.title,
            "doc_id": r.doc_id, "statement_id": st.statement_id}


def shared_metric(rows: Sequence[tuple[Statement, Report]]) -> str | None:
    """The metric most places state as a figure (for the chart), when at least two do."""
    places: dict[str, set[str]] = {}
    for st, r in rows:
        if st.claim == "figure" and st.value is not None:
            places.setdefault(st.metric, set()).add(r.place_code or r.doc_id)
    best = max(places.items(), key=lambda kv: len(kv[1]), default=(None, set()))
    return best[0] if len(best[1]) >= 2 else None


def chart(rows: Sequence[tuple[Statement, Report]], metric: str, kind: str | None, year: int | None,
          gazetteer) -> dict:
    """One bar per place for one metric and one period (the latest stated unless asked), sorted;
    targets and actuals never in one chart."""
    kinds = (kind,) if kind else ("actual", "change")
    same = [(st, r) for st, r in rows if st.metric == metric and st.period_kind in kinds and st.period_end is None]
    if not same and not kind:
        kinds = ("target",)
        same = [(st, r) for st, r in rows if st.metric == metric and st.period_kind in kinds and st.period_end is None]
    period = year or latest_year(same, kinds)
    best = best_per_place([(st, r) for st, r in same if st.period_year == period], Ask(metric, "actual", period, "desc", None),
                          gazetteer)
    units = [st.unit_std for st, _ in best.values()]
    unit = max(set(units), key=units.count) if units else ""
    bars = sorted(({"place": place_label(r), "value": st.value_std, "unit": unit, "shown": value_text(st),
                    "approx": st.approx, "page": st.page, "doc_id": r.doc_id, "text": st.text,
                    "statement_id": st.statement_id}
                   for st, r in best.values() if st.unit_std == unit), key=lambda b: -(b["value"] or 0))
    lower = base_of(metric)
    return {"metric": metric, "period_year": period, "period_kind": kinds[0], "unit": unit, "bars": bars,
            "lower_is_better": bool(lower and lower.lower_is_better and not metric.endswith("降幅"))}


def achievement_view(rows: Sequence[tuple[Statement, Report]], *, metric: str | None, kind: str | None,
                     year: int | None, gazetteer) -> dict:
    """Places × statements, each cited, and a chart when the statements share a metric."""
    by_place: dict[str, dict] = {}
    for st, r in rows:
        key = r.place_code or r.doc_id
        entry = by_place.setdefault(key, {"place": place_label(r), "place_code": r.place_code,
                                          "province": r.province, "statements": []})
        entry["statements"].append(statement_row(st, r))
    chart_metric = metric or shared_metric(rows)
    return {"total": len(rows), "places": sorted(by_place.values(), key=lambda p: p["place_code"] or ""),
            "chart": chart(rows, chart_metric, kind, year, gazetteer) if chart_metric else None,
            "targets": target_pairs(rows, gazetteer)}


def target_pairs(rows: Sequence[tuple[Statement, Report]], gazetteer) -> list[dict]:
    """Targets beside results of one year, per place and metric, and whether each was met."""
    ans = pairs(Ask(None, "pair", None, "desc", None), list(rows), gazetteer)
    if ans is None:
        return []
    return [{k: x.get(k) for k in ("label", "subject", "value", "unit", "year", "page", "doc_id", "highlight",
                                   "target", "target_unit", "target_year", "target_text", "target_page",
                                   "target_doc_id", "met")} for x in ans.table]
