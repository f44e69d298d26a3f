"""Compare the last two answers of a chat ("两个比一比", "哪个多？", "差多少？", "compare the two").

Each figure answer's scope carries the figures it answered (`scope["answered"]`: value, unit,
whose, period, where it is written), the last two kept, so the page's `previous` (the last
question and its scope) holds them. A comparison reads them back from the store (a stored
fact by id, a statement, or the cited page's text) and never states a figure that is not
there: both figures with their citations, the difference and the ratio when one unit holds
both, and what was compared. Fewer than two: says so and what is held.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from index.errors import NotFound
from index.extract.metrics import UNIT_SCALE
from index.extract.periods import number_position
from index.records import Fact, Report
from index.search.fact_index import TOTALS, column_total_view

from .achievements import as_fact
from .format import fmt_value
from .records import Answer, Citation, FactRef
from .route_fact import squash_text

KEEP = 2      # figures carried from answer to answer

_WHO = r"(?:这|那|后|最后|后面|最近)?(?:两个|两项|两者|二者|俩|它们|他们|两家|两地|两个单位|两个城市|两个数字?|两个答案|两个结果)?"
_ASK = (r"(?:比一比|比一下|比比|比较一下|对比一下|比较|对比|做个?(?:对比|比较)|"
        r"(?:哪个|哪一个|哪家|哪里|谁)(?:的)?(?:更|比较)?(?:多|少|高|低|大|小)(?:一些|一点)?|"
        r"(?:相)?差(?:了)?(?:多少钱?|几|多大)|差距(?:是|有)?(?:多少|多大)|差额(?:是)?(?:多少)?|"
        r"(?:多|少|高|低)(?:了)?多少)")
ZH_ASK = re.compile(rf"^(?:请|帮我|麻烦)?(?:再)?(?:把|将)?(?:上面|前面|刚才|以上|上述)?的?{_WHO}的?"
                    rf"(?:数字|金额|数据|结果)?(?:相互|互相)?{_ASK}(?:一下|呢|吧|啊|呀|如何|怎么样)?[？?。!！]*$")
EN_ASK = re.compile(
    r"^(?:please\s+|now\s+|and\s+)?(?:(?:compare|contrast)(?:\s+(?:the|these|those|them|both|it))?(?:\s+(?:two|2))?"
    r"(?:\s+(?:figures|numbers|answers|results|values|amounts))?|which\s+(?:one\s+)?(?:is\s+)?"
    r"(?:higher|larger|bigger|greater|more|lower|smaller|less)|(?:what(?:'s|\s+is)\s+)?(?:the\s+)?"
    r"(?:difference|gap)(?:\s+between\s+(?:them|the\s+two|these|those))?|how\s+(?:much|big)\s+is\s+the\s+"
    r"(?:difference|gap))[\s?.!]*$", re.IGNORECASE)


# "和汕头的差多少？": the other party named, when it is one of the figures answered before
ZH_WITH = re.compile(rf"^(?:那|那么)?(?:和|与|跟|同)(.{{1,16}}?)的?(?:相比|比)?的?{_ASK}(?:一下|呢|吧|啊|呀|如何|怎么样)?[？?。!！]*$")


def asks_compare_last(text: str, previous: dict | None = None) -> bool:
    """A bare request to compare what was answered before: it names nothing new (or names only
    the party of the other figure answered: "和汕头的差多少？")."""
    t = re.sub(r"\s+", "", text or "") if re.search(r"[\u4e00-\u9fff]", text or "") else (text or "").strip()
    if ZH_ASK.match(t) or EN_ASK.match(t):
        return True
    m = ZH_WITH.match(t)
    answered = (previous or {}).get("answered") or []
    return bool(m and len(answered) == KEEP and any(m.group(1) in (a.get("whose") or "") for a in answered[:-1]))


# ---------------------------------------------------------------- what an answer carries
def whose(r: Report) -> str:
    """The party a figure belongs to: a government's own report is its place's."""
    if r.department and not r.department.endswith("人民政府"):
        return r.department
    return r.place or r.city or r.province or r.department or r.title


def carried(ref: FactRef) -> dict:
    """One figure as the scope carries it (the page sends it back as `previous`)."""
    f, r = ref.fact, ref.report
    return {"value": f.value, "unit": f.unit, "subject": f.subject, "measure": f.measure, "whose": whose(r),
            "year": f.period_year or r.year, "period_kind": f.period_kind, "doc_id": r.doc_id,
            "page": f.page, "fact_id": f.fact_id, "text": f.text, "span": f.subject_raw}


def figures_of(ans: Answer) -> list[dict]:
    """The figures an answer states: its one figure (a fact answer), or the two of a two-party
    comparison; nothing for computed values, rankings, passages or none."""
    if ans.kind != "fact" or ans.route in ("computed", "ranking"):
        return []
    if ans.route == "comparison" or ans.table:
        refs = [x for x in ans.facts if x.fact.value is not None]
        return [carried(x) for x in refs] if len(refs) == 2 and len(ans.table) == 2 else []
    if ans.value is None:
        return []
    ref = next((x for x in ans.facts if x.fact.value == ans.value and x.fact.unit == ans.unit), None)
    return [carried(ref)] if ref is not None else []


def previous_scope(previous: Mapping | None) -> dict:
    """The previous turn's scope, given as the scope itself or as {question, scope}."""
    if not isinstance(previous, Mapping):
        return {}
    inner = previous.get("scope")
    return dict(inner) if isinstance(inner, Mapping) else dict(previous)


def well_formed(x: object) -> bool:
    if not isinstance(x, Mapping):
        return False
    num = x.get("value")
    return (isinstance(num, (int, float)) and not isinstance(num, bool) and isinstance(x.get("doc_id"), str)
            and isinstance(x.get("page"), int) and not isinstance(x.get("page"), bool))


def answered_before(previous: Mapping | None) -> list[dict]:
    held = previous_scope(previous).get("answered")
    return [dict(x) for x in held if well_formed(x)][-KEEP:] if isinstance(held, list) else []


def answered_after(previous: Mapping | None, ans: Answer) -> list[dict]:
    """The figures carried after this answer: the last two answered, this answer's last."""
    return (answered_before(previous) + figures_of(ans))[-KEEP:]


# ---------------------------------------------------------------- read back from the store
def stored_fact(x: dict, store) -> Fact | None:
    """The carried figure as the store holds it: a fact by id (a 合计 row as its column's figure
    when that was answered), a statement of its page, or a figure its cited page writes in the
    cited words; None when the store does not."""
    fid, subject = x.get("fact_id"), x.get("subject") if isinstance(x.get("subject"), str) else ""
    if isinstance(fid, int) and not isinstance(fid, bool):
        found = [f for f in store.facts_by_ids([fid]) if f.doc_id == x["doc_id"]]
        if found and squash_text(found[0].subject) in TOTALS and squash_text(found[0].measure) == squash_text(subject):
            return column_total_view(found[0])
        return found[0] if found else None
    for st, _ in store.statements(metric=subject, doc_ids=[x["doc_id"]]) if subject else []:
        if st.page == x["page"] and st.value == x["value"] and st.text == x.get("span"):
            return as_fact(st)
    text = x.get("text") if isinstance(x.get("text"), str) else ""
    written = text and number_position(text, float(x["value"])) is not None
    if not (written and squash_text(text) in squash_text(page_text(store, x))):
        return None
    return Fact(subject=subject, subject_raw=subject, measure=str(x.get("measure") or ""), value=float(x["value"]),
                unit=str(x.get("unit") or ""), page=x["page"], text=text, source="prose", doc_id=x["doc_id"],
                period_year=x["year"] if isinstance(x.get("year"), int) else None,
                period_kind=str(x.get("period_kind") or ""))


def page_text(store, x: dict) -> str:
    try:
        return store.page_text(x["doc_id"], x["page"])
    except NotFound:
        return ""


def read_back(held: list[dict], reports: Mapping[str, Report], store) -> tuple[list[FactRef], int]:
    """The carried figures the store still holds, as facts with their reports; and how many it does not."""
    out = []
    for x in held:
        r = reports.get(x["doc_id"])
        f = stored_fact(x, store) if r is not None else None
        if f is not None:
            out.append(FactRef(f, r))
    return out, len(held) - len(out)


# ---------------------------------------------------------------- the comparison
def in_unit(value: float, unit: str, target: str) -> float | None:
    """`value unit` in `target` (元 → 万元) when one scale holds both, else None."""
    if unit == target:
        return value
    a, b = UNIT_SCALE.get(unit), UNIT_SCALE.get(target)
    if a is None or b is None or a[0] != b[0]:
        return None
    return value * a[1] / b[1]


def decimals(v: float) -> int:
    s = fmt_value(v)
    return len(s.split(".")[1]) if "." in s else 0


PLAIN = {"": "", "金额": "", "合计": "", "总计": "", "数额": "", "决算": "决算数", "预算": "预算数"}


def measure_of(f: Fact) -> str:
    """The measure that tells figures apart (决算数 / 预算数), not a plain amount column."""
    return PLAIN.get(f.measure or "", f.measure or "")


def described(ref: FactRef) -> str:
    """"深圳市司法局 2026 年公务接待费（预算数）": whose, when, what."""
    f, year = ref.fact, ref.fact.period_year or ref.report.year
    m = measure_of(f)
    return f"{whose(ref.report)}" + (f" {year} 年" if year else "") + f.subject + (f"（{m}）" if m else "")


def label(ref: FactRef, other: FactRef) -> str:
    """What tells one figure from the other: whose, the year, the item, as they differ."""
    f, g = ref.fact, other.fact
    who, year = whose(ref.report), f.period_year or ref.report.year
    same_who = who == whose(other.report)
    parts = [who]
    if year and (year != (g.period_year or other.report.year) or same_who):
        parts.append(f" {year} 年")
    if f.subject != g.subject or same_who:
        parts.append(f.subject)
    return "".join(parts)


def arithmetic(a: FactRef, b: FactRef) -> tuple[float, str, float | None] | None:
    """(difference a − b, unit, ratio a ÷ b or None) in a's unit, or None when no scale holds both."""
    bv = in_unit(b.fact.value, b.fact.unit, a.fact.unit)
    if bv is None:
        return None
    unit = a.fact.unit
    places = max(decimals(a.fact.value), decimals(bv), 0)
    diff = round(a.fact.value - bv, min(places, 6))
    percent = unit in ("%", "个百分点")
    ratio = round(a.fact.value / bv, 2) if not percent and a.fact.value > 0 and bv > 0 else None
    return diff, ("个百分点" if percent else unit), ratio


def cautions(a: FactRef, b: FactRef) -> list[str]:
    """What makes the two figures less than like for like."""
    out = []
    if a.fact.subject != b.fact.subject:
        out.append(f"两个数字的项目不同（{a.fact.subject} / {b.fact.subject}），仅作数值对照")
    elif measure_of(a.fact) != measure_of(b.fact) and measure_of(a.fact) and measure_of(b.fact):
        out.append(f"口径不同（{measure_of(a.fact)} / {measure_of(b.fact)}）")
    ya, yb = a.fact.period_year or a.report.year, b.fact.period_year or b.report.year
    if ya and yb and ya != yb:
        out.append(f"年度不同（{ya} 年 / {yb} 年）")
    if a.fact.unit != b.fact.unit:
        out.append(f"单位不同（{a.fact.unit or '无'} / {b.fact.unit or '无'}）")
    return out


def citation_of(ref: FactRef) -> Citation:
    f, r = ref.fact, ref.report
    return Citation(doc_id=r.doc_id, title=r.title, city=r.city, year=r.year, page=f.page,
                    section=f.section_path or f.table, text=f.text, score=1.0, highlight=f.text,
                    organization=r.department, place=r.place)


def row_of(ref: FactRef, name: str) -> dict:
    """A table row as comparisons show it (qa.compare.fact_row), its figure linked to its page."""
    f, r = ref.fact, ref.report
    return {"label": name, "organization": r.department, "city": r.city, "place": r.place,
            "year": f.period_year or r.year, "subject": f.subject, "measure": f.measure, "value": f.value,
            "unit": f.unit, "doc_id": r.doc_id, "page": f.page, "text": f.text, "title": r.title}


def amount(ref: FactRef, lang: str = "zh") -> str:
    """"5.13 万元（《title》第 26 页）"."""
    f, r = ref.fact, ref.report
    if lang == "en":
        return f"{fmt_value(f.value)} {f.unit} (p. {f.page} of 《{r.title}》)"
    return f"{fmt_value(f.value)} {f.unit}（《{r.title}》第 {f.page} 页）"


def ordered(a: FactRef, b: FactRef) -> tuple[FactRef, FactRef]:
    """(larger, smaller) on the scale of a's unit; as asked when no scale holds both."""
    bv = in_unit(b.fact.value, b.fact.unit, a.fact.unit)
    return (b, a) if bv is not None and bv > a.fact.value else (a, b)


def difference_text(a: FactRef, b: FactRef, names: dict[int, str], lang: str) -> tuple[str, str | None, float | None, str | None]:
    """The sentence, the formula, the difference and its unit (None when units do not match)."""
    if a.fact == b.fact and a.report.doc_id == b.report.doc_id:
        return ("Both answers are the same figure." if lang == "en" else "两问答出的是同一个数字。"), None, 0.0, a.fact.unit
    big, small = ordered(a, b)
    calc = arithmetic(big, small)
    if calc is None:
        zh = f"两者单位不同（{a.fact.unit or '无'} / {b.fact.unit or '无'}），不能直接相减。"
        return ("The units differ; they cannot be subtracted." if lang == "en" else zh), None, None, None
    diff, unit, ratio = calc
    fb, fs = fmt_value(big.fact.value), fmt_value(in_unit(small.fact.value, small.fact.unit, big.fact.unit))
    formula = f"差额 = {fb} − {fs} = {fmt_value(diff)} {unit}" + (f"；倍数 = {fb} ÷ {fs} = {fmt_value(ratio)}" if ratio else "")
    if small.fact.unit != big.fact.unit:
        formula = f"{fmt_value(small.fact.value)} {small.fact.unit} = {fs} {big.fact.unit}；" + formula
    if diff == 0:
        return ("They are equal." if lang == "en" else "两者相等。"), formula, 0.0, unit
    nb, ns = names[id(big)], names[id(small)]
    if lang == "en":
        text = f"{nb} is {fmt_value(diff)} {unit} more than {ns}" + (f", {fmt_value(ratio)} times as much." if ratio else ".")
    else:
        text = f"{nb}比{ns}多 {fmt_value(diff)} {unit}" + (f"，是后者的 {fmt_value(ratio)} 倍。" if ratio else "。")
    return text, formula, diff, unit


def compared(a: FactRef, b: FactRef, lost: int, lang: str) -> Answer:
    """Both figures with their sources, the difference (and ratio), what was compared."""
    names = {id(a): label(a, b), id(b): label(b, a)}
    text, formula, diff, unit = difference_text(a, b, names, lang)
    notes = cautions(a, b)
    if lang == "en":
        head = (f"Comparing the figures of the last two answers: (1) {described(a)}: {amount(a, lang)}; "
                f"(2) {described(b)}: {amount(b, lang)}. ")
    else:
        head = f"比较上两问答案中的数字：①{described(a)}：{amount(a)}；②{described(b)}：{amount(b)}。"
    if lost:
        notes.append(f"先前答案中有 {lost} 个数字在库中已找不到（报告已删除或更新），未参与比较")
    tail = ("注意：" + "；".join(notes) + "。") if notes and lang != "en" else ""
    return Answer(kind="fact", answer=head + text + tail, value=diff, unit=unit, facts=(a, b),
                  citations=(citation_of(a), citation_of(b)), confidence=0.9, route="comparison",
                  formula=formula, table=(row_of(a, names[id(a)]), row_of(b, names[id(b)])), notes=tuple(notes),
                  lang=lang)


def too_few(refs: list[FactRef], lost: int, lang: str) -> Answer:
    """Fewer than two figures to compare: say so, and what is held."""
    gone = f"（另有 {lost} 个先前的数字在库中已找不到）" if lost else ""
    if lang == "en":
        text = ("Comparing needs two earlier answers that each state a figure; " +
                (f"only one is held: {described(refs[0])}: {amount(refs[0], lang)}. "
                 if refs else "none is held yet. ") + "Ask for another figure first (e.g. “and X?”).")
    elif refs:
        text = (f"对话中只有 1 个数字答案可比较：{described(refs[0])}：{amount(refs[0])}{gone}。"
                f"请再问一个同类的数字（如“那……呢？”）后再比较。")
    else:
        text = (f"对话中还没有可比较的数字答案{gone}：比较需要前面两问各答出一个数字"
                f"（先问一个数字，再问“那……呢？”）。")
    return Answer(kind="none", answer=text, facts=tuple(refs), citations=tuple(citation_of(r) for r in refs),
                  route="none", lang=lang)


def compare_last(previous: Mapping | None, reports: Mapping[str, Report], store, lang: str = "zh") -> Answer:
    """The last two figures answered in this chat, compared (or why they cannot be)."""
    refs, lost = read_back(answered_before(previous), reports, store)
    if len(refs) < 2:
        return too_few(refs, lost, lang)
    return compared(refs[-2], refs[-1], lost, lang)


def kept_scope(previous: Mapping | None, ans: Answer) -> dict:
    """The scope a comparison answers with: the previous turn's, its figures still carried
    ("差多少？" after "哪个多？"), naming both parties compared (a follow-up "那2025年呢？"
    then asks it of both)."""
    scope = previous_scope(previous)
    scope["answered"] = answered_before(previous)
    reports = [x.report for x in ans.facts]
    if len(reports) >= 2:
        scope.update(orgs=list(dict.fromkeys(r.department for r in reports if r.department)),
                     places=[{"code": c, "name": n} for c, n in dict.fromkeys(
                         (r.place_code, r.place or r.city or r.place_code) for r in reports if r.place_code)],
                     years=sorted({x.fact.period_year or x.report.year for x in ans.facts} - {None}),
                     doc_ids=list(dict.fromkeys(r.doc_id for r in reports)), carried=["答案数字（比较）"])
    return scope
