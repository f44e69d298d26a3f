"""The period a fact describes (not only its report's year). Pure.

Rules, first hit wins (Y = report year):
  1. a column/measure naming a year: "2025年预算数", "上年预算数" (Y-1), "上年决算数", "本年收入合计" (Y);
     a comparison measure ("比上年减少", "比年初预算增加") is a change; "上年结转" is no period;
  2. a comparison right before the number: "较2025年年初预算减少27.07万元", "提高1.1个百分点" ->
     change, dated by what the sentence says before the comparison (2026 here). In a 政府工作报告 a
     growth rate ("比上年增长5%") is no change but the year's actual/target, and a planned change
     ("力争城镇化率提高0.9个百分点") is a target;
  3. the sentence before the number: a time mention in the number's own clause ("2025年", "今年",
     "过去一年", "“十四五”时期", "过去五年", "截至2026年1月31日"), else 年均增长 / 从A…到B / 累计 right
     before the number (average / cumulative over the sentence's or the section's five years), else
     the nearest mention earlier in the sentence. Mentions that are comparison bases ("比上年",
     "较2020年", "高于上年同期") or descriptions ("“十四五”收官之年") are no mentions;
  4. "目标是：" / "目标为：" before the number -> target of Y;
  5. a kind-only column ("决算数", "年初预算数", "年度指标值") or a kind word in the number's clause
     ("年初预算为 X", "支出决算为 X", "完成年初预算的 X%") -> Y with that kind (not 政府工作报告);
  6. a table title with a year or a kind ("2026年部门收支总体情况表", "收入支出决算总表");
  7. the section, 政府工作报告 only: "一、2025年工作回顾" / "一、工作回顾" -> (Y-1, actual) (年均 there
     -> the five years of its “十四五”), "三、2026年工作安排" / "三、全力抓好七项重点工作" -> (Y, target),
     "二、“十五五”时期主要目标任务" -> (2026..2030, target); below the top heading only years and
     five-year plans count; the document title is no section;
  8. "左右" / "以内" right after the number in a 政府工作报告 -> (Y, target);
  9. the report's family: a 部门预算 / 决算 / 绩效自评 / 目标表 / 年度报告 describes its own year (that is
     how they are written), so an unsignalled figure there is (Y, budget|actual|target); in a
     政府工作报告 (last year's review, this year's plan and two five-year plans side by side) it gets
     year None and kind "" — no period is better than a guessed one.
A single year's kind: 决算/执行数/实际/完成率 -> actual, 预算/安排/拟 -> budget (not in fund names like
一般公共预算收入), 目标/预期/指标值/力争/预计 -> target, nearest cue to the number first; else by family
(政府工作报告: before Y actual, from Y on target). Five-year plans are fixed spans (十四五 = 2021..2025,
十五五 = 2026..2030); a past span is average (年均) / cumulative (累计, 从…到) / actual, a future one
target. `year_end` is set for ranges only. Without `number_pos` the whole text counts as "before the
number": a time mention is used only when all mentions agree and a table cell's column decides its
kind; `number_position(text, value, unit)` finds the offset for callers that know the value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

KINDS = ("actual", "budget", "target", "average", "cumulative", "change", "")


@dataclass(frozen=True)
class Period:
    year: int | None          # the year the figure is about (2025 for "2025年…增长5.4%")
    year_end: int | None      # last year of a range (十四五 -> 2021..2025); None for one year
    kind: str                 # actual | budget | target | average | cumulative | change | ""
    basis: str                # short reason: "列名 2025年预算数", "预期目标", "“十四五”时期年均"


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    year: int | None
    year_end: int | None
    label: str                # as written: "2025年", "今年", "“十四五”时期"
    as_of: bool = False       # "截至2026年1月31日": a stock at a date (actual)


@dataclass(frozen=True)
class _Ctx:
    before: str               # the number's sentence up to the number
    after: str                # a few characters after the number
    measure: str
    table: str
    section: str
    year: int | None          # report year
    family: str
    located: bool             # number_pos was given


# ------------------------------------------------------------------ public API

def fact_period(*, text: str, measure: str, table: str, section_path: str, report_year: int | None,
                report_type: str | None, number_pos: int | None = None) -> Period:
    """The period a figure describes; see the module docstring for the rules."""
    ctx = _context(text, measure, table, section_path, report_year, report_type, number_pos)
    for rule in _RULES:
        period = rule(ctx)
        if period:
            return period
    return _default(ctx)


def report_family(report_type: str | None) -> str:
    """work_report | budget | final | self_eval | target_form | annual | "" (unknown)."""
    rt = report_type or ""
    if "政府工作报告" in rt:
        return "work_report"
    if "决算" in rt:
        return "final"
    if "绩效目标" in rt:
        return "target_form"
    if "自评" in rt or "绩效评价" in rt:
        return "self_eval"
    if "预算" in rt:
        return "budget"
    if "年度报告" in rt or "总结" in rt:
        return "annual"
    return ""


def number_position(text: str, value: float, unit: str = "") -> int | None:
    """Offset in `text` of the number written for `value` (first one followed by `unit` if given)."""
    hits = [m for m in _NUMBER_RE.finditer(_normalise(text))
            if abs(float(m.group(0).replace(",", "")) - value) <= 1e-9 * max(1.0, abs(value))]
    if not hits:
        return None
    if unit:
        for m in hits:
            if text[m.end():].lstrip().startswith(unit[:1]):
                return m.start()
    return hits[0].start()


# ------------------------------------------------------------------ patterns

_WIDTH = str.maketrans("０１２３４５６７８９，；：％（）．！？－～", "0123456789,;:%().!?-~")
_NUMBER_RE = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.])\d+(?:\.\d+)?")
_SENTENCE_END = "。!?;"
_CLAUSE_END = "。!?;,:"
_FYP_NUM = {"十一五": 11, "十二五": 12, "十三五": 13, "十四五": 14, "十五五": 15, "十六五": 16}
_FYP_RE = re.compile(r"[“\"‘']?(十[一二三四五六]五)[”\"’']?\s*(时期|期间|以来|这五年|五年来|五年|期末|末|,)")
_RANGE_RE = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:-|—|–|~|至|到)\s*((?:19|20)\d{2})\s*年")
_YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年度?")
_FIVE_YEARS_RE = re.compile(r"过去五年|过去的五年|五年来|这五年|近五年")
_LAST_YEAR_RE = re.compile(r"刚刚过去的一年|过去的一年|过去一年|一年来|去年|上一年度?|上年度?(?!同期|结[转余])")
_THIS_YEAR_RE = re.compile(r"今年|本年度?")
_NEXT_YEAR_RE = re.compile(r"明年")
_COMPARATOR_BEFORE = re.compile(r"(?:比|较|与|同|对比|相比|高于|低于|快于|慢于|多于|少于|好于|超过)\s*$")
_AS_OF_BEFORE = re.compile(r"截[至止]\s*$")

_ACTUAL_CUE = re.compile(r"决算|执行数|执行率|预算执行|实际|完成值|完成数|实现值|完成率")
_TARGET_CUE = re.compile(r"目标|预期|指标值|力争|预计")
_BUDGET_CUE = re.compile(r"(?<!公共)(?<!经营)(?<!基金)(?<!中央)(?<!资本)预算(?!收入|支出|内|拨款|财政|单位|管理|绩效|执行)"
                         r"|安排|拟")
_DONE_OF = re.compile(r"完成[^,;。]{0,12}的\s*$")
_CHANGE_VERB = r"(?:增加|减少|增长|下降|提高|降低|上升|下滑|回落|增减|变化|变动|增|减|多|少)了?"
_COMPARATOR = re.compile(r"同比|环比|(?<!占)比(?![例重率值])|较")
_COMPARISON = re.compile(r"(?:同比|环比|(?<!占)比(?![例重率值])|较)(?P<base>[^。;]{0,40}?)" + _CHANGE_VERB
                         + r"(?:[^。;]{0,30}?[,、]\s*(?P<second>" + _CHANGE_VERB + r"))?[^。;,、\d]{0,4}$")
_MEASURE_COMPARISON = re.compile(r"^(?:同比|环比|比(?!率|例|重)|较|与)|增减|变动|变化额")
_RATE_MEASURE = re.compile(r"增长率|下降率|增幅|降幅|增速")
# range cues are anchored at the number: "年均增长5.7%" yes, "年均增长5.7%、高于全国0.3个百分点" not for 0.3
_AVERAGE_CUE = re.compile(r"(?:年均|年平均)(?:增长|增速|递增|增幅|下降|降低|降幅|提高|增加|减少)[^,;:。、\d]{0,4}$"
                          r"|平均每年[^,;:。、\d]{0,8}$")
_SPAN_SENTENCE = re.compile(r"年均|五年来|过去五年|五年间|五年累计")
_FLOW_BEFORE = re.compile(r"(?:新增|新建|新开工|累计|建成|培育|引进|改造|减量|新创办)[^,，;；:：。、\d]{0,12}$")
_CUMULATIVE_CUE = re.compile(r"(?:累计|总计|共计)[^,;:。、\d]{0,12}$")
_FROM = r"(?:从(?![业事而严中容未来不头])|由)"
_FROM_TO = re.compile(_FROM + r"[^。;]{0,40}?(?:提高|增长|增加|提升|上升|扩大|下降|减少|降低|缩小)?"
                      r"(?<!达)(?<!截)(?:到|至)[^,;。、\d]{0,8}$")
_FROM_ONLY = re.compile(_FROM + r"[^,;。\d]{0,4}$")
_STRONG_TARGET = re.compile(r"目标(?:是|为)\s*:?")
_TARGET_SUFFIX = re.compile(r"^\s*[%％]?\s*[\u4e00-\u9fff/]{0,6}?(?:左右|以内)")

_DOC_TITLE = re.compile(r"(?:工作报告|部门预算|部门决算|单位预算|自评报告)\s*$")
_REVIEW_SECTION = re.compile(r"回顾|成就|总结|成绩|成效|进展|过去")
_PLAN_SECTION = re.compile(r"安排|重点工作|主要工作|重点任务|目标任务|主要任务|总体要求|主要目标|预期目标|发展目标"
                           r"|主要考虑|重要要求|战略举措|重大举措|重大任务|关于\d{4}年")


# ------------------------------------------------------------------ context

def _normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, one character for one (offsets kept)."""
    return text.translate(_WIDTH)


def _context(text: str, measure: str, table: str, section_path: str, report_year: int | None,
             report_type: str | None, number_pos: int | None) -> _Ctx:
    t = _normalise(text or "")
    located = number_pos is not None and 0 <= number_pos <= len(t)
    before = t[:number_pos] if located else t
    if located:
        cut = max(before.rfind(ch) for ch in _SENTENCE_END)
        before = before[cut + 1:]
    after = t[number_pos:number_pos + 24] if located else ""
    after = re.sub(r"^[\d.,]+", "", after)
    return _Ctx(before=before, after=after, measure=_normalise(measure or "").replace(" ", ""),
                table=_normalise(table or ""), section=_normalise(section_path or ""), year=report_year,
                family=report_family(report_type), located=located)


def _shift(year: int | None, delta: int) -> int | None:
    return None if year is None else year + delta


def _fyp_name(start: int) -> str:
    return next(k for k, v in _FYP_NUM.items() if 2006 + 5 * (v - 11) == start)


def _fyp_range(label: str) -> tuple[int, int]:
    start = 2006 + 5 * (_FYP_NUM[label] - 11)
    return start, start + 4


# ------------------------------------------------------------------ time mentions

def _mentions(s: str, y: int | None) -> list[_Mention]:
    """Time mentions in s, in order; comparison bases ("比上年", "较2025年") are not mentions."""
    out: list[_Mention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, year: int | None, end_year: int | None, as_of: bool = False) -> None:
        if any(a < m.end() and m.start() < b for a, b in taken):
            return
        if _COMPARATOR_BEFORE.search(s[:m.start()]):
            return
        taken.append((m.start(), m.end()))
        out.append(_Mention(m.start(), m.end(), year, end_year, m.group(0), as_of))

    for m in _RANGE_RE.finditer(s):
        add(m, int(m.group(1)), int(m.group(2)))
    for m in _FYP_RE.finditer(s):
        start, end = _fyp_range(m.group(1))
        if m.group(2) in ("末", "期末"):
            add(m, end, None)
        else:
            add(m, start, end)
    for m in _YEAR_RE.finditer(s):
        add(m, int(m.group(1)), None, as_of=bool(_AS_OF_BEFORE.search(s[:m.start()])))
    for m in _FIVE_YEARS_RE.finditer(s):
        add(m, _shift(y, -5), _shift(y, -1))
    for m in _LAST_YEAR_RE.finditer(s):
        add(m, _shift(y, -1), None)
    for m in _THIS_YEAR_RE.finditer(s):
        add(m, y, None)
    for m in _NEXT_YEAR_RE.finditer(s):
        add(m, _shift(y, 1), None)
    return sorted(out, key=lambda mm: mm.start)


def _clause_start(s: str) -> int:
    return max(s.rfind(ch) for ch in _CLAUSE_END) + 1


def _single_kind(ctx: _Ctx, year: int | None, span: str, as_of: bool = False) -> tuple[str, str]:
    """(kind, cue) of a one-year figure from the words before it, else from the report family."""
    if as_of or _DONE_OF.search(span):
        return "actual", "截至/完成"
    clause = span[_clause_start(span):]
    for part in (clause, span) if ctx.family != "work_report" else (clause,):
        cue = _nearest_cue(part, ctx.family)
        if cue:
            return cue
    if ctx.family == "work_report" and _STRONG_TARGET.search(span):
        return "target", "目标是"
    return _family_kind(ctx.family, year, ctx.year), ""


def _nearest_cue(s: str, family: str) -> tuple[str, str] | None:
    """The kind cue closest to the end of s."""
    best: tuple[int, str, str] | None = None
    patterns = [("actual", _ACTUAL_CUE), ("target", _TARGET_CUE)]
    if family != "work_report":
        patterns.append(("budget", _BUDGET_CUE))
    for kind, pat in patterns:
        for m in pat.finditer(s):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind, m.group(0))
    return (best[1], best[2]) if best else None


def _family_kind(family: str, year: int | None, report_year: int | None) -> str:
    past = year is not None and report_year is not None and year < report_year
    future = year is not None and report_year is not None and year > report_year
    if family == "budget":
        return "" if past else "budget"
    if family == "final":
        return "actual"
    if family in ("self_eval", "annual"):
        return "target" if future else "actual"
    if family == "target_form":
        return "target"
    if family == "work_report":
        return "actual" if past else "target" if report_year is not None else ""
    return "actual" if past else ""


def _range_kind(span: str, end_year: int | None, report_year: int | None) -> str:
    future = end_year is not None and report_year is not None and end_year >= report_year
    if future:
        return "target"
    if _AVERAGE_CUE.search(span):
        return "average"
    if _CUMULATIVE_CUE.search(span) or _FROM_TO.search(span):
        return "cumulative"
    return "actual"


def _period_of(ctx: _Ctx, m: _Mention, span: str, basis: str) -> Period:
    if m.year_end is not None:
        return Period(m.year, m.year_end, _range_kind(span if ctx.located else "", m.year_end, ctx.year), basis)
    measure_cue = None if ctx.located else _nearest_cue(ctx.measure, ctx.family)
    if measure_cue:          # a table cell: its column says what it is, the row only dates it
        return Period(m.year, None, measure_cue[0], f"{basis}，列名 {ctx.measure}")
    kind, cue = _single_kind(ctx, m.year, span, m.as_of)
    return Period(m.year, None, kind, basis + (f"，{cue}" if cue else ""))


# ------------------------------------------------------------------ rules

def _from_measure(ctx: _Ctx) -> Period | None:
    """A column or measure naming a year, 上年/本年, or a comparison."""
    ms = ctx.measure
    if not ms:
        return None
    if _MEASURE_COMPARISON.search(ms):
        if ctx.family == "work_report" and _RATE_MEASURE.search(ms):
            return None          # prose_facts labels every growth rate 比上年增长率: not a change here
        return _change(ctx, f"列名 {ms}")
    year = _measure_year(ms, ctx.year)
    if year is None:
        return None
    cue = _nearest_cue(ms, ctx.family)
    kind = cue[0] if cue else _family_kind(ctx.family, year, ctx.year)
    return Period(year, None, kind, f"列名 {ms}")


def _from_measure_kind(ctx: _Ctx) -> Period | None:
    """A column naming a kind only ("决算数", "年初预算数", "年度指标值"): the report year."""
    if not ctx.measure or ctx.family == "work_report":
        return None
    cue = _nearest_cue(ctx.measure, ctx.family)
    if not cue:
        return None
    return Period(ctx.year, None, cue[0], f"列名 {ctx.measure}")


def _from_clause_cue(ctx: _Ctx) -> Period | None:
    """"年初预算为 10210.34 万元，支出决算为 9000.5 万元": a kind word in the number's clause
    (budget/决算/自评 reports; the year is the report's)."""
    if not ctx.located or ctx.family in ("work_report", ""):
        return None
    if _DONE_OF.search(ctx.before):
        return Period(ctx.year, None, "actual", "完成…的")
    cue = _nearest_cue(ctx.before[_clause_start(ctx.before):], ctx.family)
    return Period(ctx.year, None, cue[0], f"句中“{cue[1]}”") if cue else None


def _measure_year(ms: str, report_year: int | None) -> int | None:
    m = _YEAR_RE.search(ms)
    if m:
        return int(m.group(1))
    if re.search(r"上年(?!结[转余])|上一年|去年", ms):
        return _shift(report_year, -1)
    if re.search(r"本年|当年|今年", ms):
        return report_year
    return None


def _head(ctx: _Ctx) -> _Ctx:
    """The context cut before the last comparator ("…预算32.56万元，较2025年…" -> "…预算32.56万元，")."""
    cmps = list(_COMPARATOR.finditer(ctx.before))
    return replace(ctx, before=ctx.before[:cmps[-1].start()]) if cmps else ctx


def _change(ctx: _Ctx, basis: str) -> Period:
    """A difference, dated by what the sentence says before the comparison. In a 政府工作报告 a
    planned change ("力争城镇化率提高0.9个百分点") is a target."""
    head = _head(ctx)
    if ctx.family == "work_report":
        base = _from_text(head) or _from_target_words(head) or _from_section(ctx) or _from_suffix(ctx)
        if base and base.kind == "target":
            return Period(base.year, base.year_end, "target", f"{base.basis}（变化量）")
        return Period(base.year if base and base.year_end is None else None, None, "change", basis)
    found = [m for m in _mentions(head.before, ctx.year) if m.year_end is None]
    if found and (ctx.located or len({m.year for m in found}) == 1):
        return Period(found[-1].year, None, "change", basis)
    return Period(ctx.year, None, "change", basis)


def _from_comparison(ctx: _Ctx) -> Period | None:
    """"较2025年年初预算减少27.07万元", "比上年增加…，增长4.0%": a change."""
    if not ctx.located:
        return None
    m = _COMPARISON.search(ctx.before)
    if not m:
        if ctx.after.lstrip().startswith("个百分点") and re.search(_CHANGE_VERB + r"[^,;。\d]{0,3}$", ctx.before):
            return _change(ctx, "百分点变化")
        return None
    verb = re.findall(_CHANGE_VERB, m.group(0))[-1]
    rate = ctx.after.lstrip().startswith("%")
    if ctx.family == "work_report" and rate and re.match(r"增长|下降|增|降|回落|下滑", verb):
        return None              # a growth rate of the reviewed / planned year, not a difference
    return _change(ctx, "比较：" + m.group(0)[:12])


def _from_text(ctx: _Ctx) -> Period | None:
    """Time mentions and range constructions in the number's sentence."""
    before = ctx.before
    found = _mentions(before, ctx.year)
    if not ctx.located:
        periods = {(m.year, m.year_end) for m in found}
        if len(periods) != 1:
            return None
        m = found[-1]
        return _period_of(ctx, m, before[m.end:], f"句中“{m.label.strip()}”")
    clause_at = _clause_start(before)
    if found and found[-1].start >= clause_at:
        m = found[-1]
        return _period_of(ctx, m, before[m.end:], f"句中“{m.label.strip()}”")
    construction = _range_construction(ctx, found)
    if construction:
        return construction
    if found:
        m = found[-1]
        return _period_of(ctx, m, before[m.end:], f"句中“{m.label.strip()}”")
    return None


def _range_construction(ctx: _Ctx, found: list[_Mention]) -> Period | None:
    """年均 / 从A…到B / 累计 in the number's clause: a figure about a span of years."""
    if not ctx.located:
        return None
    if _AVERAGE_CUE.search(ctx.before):
        kind, label = "average", "年均"
    elif _FROM_TO.search(ctx.before) or _FROM_ONLY.search(ctx.before):
        kind, label = "cumulative", "从…到"
    elif _CUMULATIVE_CUE.search(ctx.before) and any(m.year_end is not None for m in found):
        kind, label = "cumulative", "累计"
    elif ctx.family == "work_report" and _SPAN_SENTENCE.search(ctx.before) and _FLOW_BEFORE.search(ctx.before) \
            and _section_range(ctx):
        # "人均可支配收入年均增长6%，城镇新增就业超690万人": in a five-year sentence a flow (新增, 新建,
        # 累计 …) counts the span's years, not the last one's
        kind, label = "actual", "五年句"
    else:
        return None
    ranges = [m for m in found if m.year_end is not None]
    if ranges:
        r = ranges[-1]
        kind = "target" if ctx.year is not None and r.year_end >= ctx.year else kind
        return Period(r.year, r.year_end, kind, f"{r.label.strip()}{label}")
    sec = _section_range(ctx)
    if sec:
        start, end, where = sec
        kind = "target" if ctx.year is not None and end >= ctx.year else kind
        return Period(start, end, kind, f"{where}{label}")
    if ctx.family == "work_report" and kind == "average":
        return Period(None, None, "average", label)
    return None


def _fyps_in(part: str) -> list[tuple[int, int]]:
    """Five-year plans named in a heading: "“十四五”", "第十五个五年规划"."""
    spans = [(m.start(), _fyp_range(m.group(0))) for m in re.finditer(r"十[一二三四五六]五", part)]
    spans += [(m.start(), _fyp_range(m.group(1) + "五")) for m in re.finditer(r"第(十[一二三四五六])个五年", part)]
    return [r for _, r in sorted(spans)]


def _section_range(ctx: _Ctx) -> tuple[int, int, str] | None:
    """A five-year range named by the section path (innermost first)."""
    for part in reversed(_path_parts(ctx)):
        fyps = _fyps_in(part)
        if fyps:
            start, end = fyps[0] if _REVIEW_SECTION.search(part) else fyps[-1]
            return start, end, f"“{_fyp_name(start)}”期间"
        if _FIVE_YEARS_RE.search(part) and ctx.year is not None:
            return ctx.year - 5, ctx.year - 1, "过去五年"
    return None


def _from_target_words(ctx: _Ctx) -> Period | None:
    """"主要预期目标是：…增长5%左右" -> a target of the report year."""
    if ctx.family not in ("budget", "final") and _STRONG_TARGET.search(ctx.before):
        return Period(ctx.year, None, "target", "预期目标")
    return None


def _from_table_title(ctx: _Ctx) -> Period | None:
    """A table title naming a year or a kind: "2026年部门收支总体情况表", "收入支出决算总表"."""
    title = ctx.table
    if not title or ctx.family == "work_report" or title == ctx.section:
        return None
    m = _YEAR_RE.search(title)
    cue = _nearest_cue(title, ctx.family)
    if not m and not cue:
        return None
    year = int(m.group(1)) if m else ctx.year
    kind = cue[0] if cue else _family_kind(ctx.family, year, ctx.year)
    return Period(year, None, kind, f"表名 {title[:20]}")


def _path_parts(ctx: _Ctx) -> list[str]:
    """Section path elements, outermost first; the document title ("2026年…政府工作报告") is no section."""
    path = ctx.section or (ctx.table if ctx.family == "work_report" else "")
    return [p.strip() for p in path.split(">") if p.strip() and not _DOC_TITLE.search(p)]


def _from_section(ctx: _Ctx) -> Period | None:
    """政府工作报告 sections: review of last year, plan for this year, five-year plans."""
    if ctx.family != "work_report":
        return None
    parts = _path_parts(ctx)
    for i in range(len(parts) - 1, -1, -1):
        p = _section_period(ctx, parts[i], top=i == 0)
        if p:
            return p
    return None


def _section_period(ctx: _Ctx, part: str, *, top: bool) -> Period | None:
    """One heading's period; below the top heading only years and five-year plans count
    ("（五）加快释放改革开放成效" is no review)."""
    y = ctx.year
    years = [int(v) for v in re.findall(r"((?:19|20)\d{2})\s*年", part)]
    fyps = _fyps_in(part)
    future = [r for r in fyps if y is not None and r[1] >= y]
    past = [r for r in fyps if y is not None and r[1] < y]
    review = top and bool(_REVIEW_SECTION.search(part))
    plan = top and bool(_PLAN_SECTION.search(part))
    where = f"章节 {part[:24]}"
    if y is not None and any(v >= y for v in years) and not review:
        return Period(max(years), None, "target", where)
    if future and (past or review):
        if _TARGET_CUE.search(ctx.before) or _TARGET_SUFFIX.search(ctx.after):
            return Period(future[0][0], future[0][1], "target", where)
        if past:
            return Period(past[0][0], past[0][1], _range_kind(_located_before(ctx), past[0][1], y), where)
        return None
    if future:
        return Period(future[0][0], future[0][1], "target", where)
    if review or (years and y is not None and max(years) < y):
        if past and (not years or ctx.located and _AVERAGE_CUE.search(ctx.before)):
            return Period(past[0][0], past[0][1], _range_kind(_located_before(ctx), past[0][1], y), where)
        year = max(years) if years else _shift(y, -1)
        return Period(year, None, "actual", where)
    if plan:
        return Period(y, None, "target", where)
    return None


def _located_before(ctx: _Ctx) -> str:
    """The text up to the number, or "" when the number's place is unknown."""
    return ctx.before if ctx.located else ""


def _from_suffix(ctx: _Ctx) -> Period | None:
    """"增长5%左右", "控制在5.5%以内" in a 政府工作报告: a target."""
    if ctx.family == "work_report" and _TARGET_SUFFIX.search(ctx.after):
        return Period(ctx.year, None, "target", "数字后“左右/以内”")
    return None


_DEFAULT_BASIS = {"budget": "预算报告默认本年", "final": "决算报告默认本年", "self_eval": "自评报告默认本年",
                  "target_form": "绩效目标表默认本年", "annual": "年度报告默认本年"}


def _default(ctx: _Ctx) -> Period:
    """Budget/决算/自评/年度 reports describe their own year; elsewhere no signal means no period."""
    if ctx.family in _DEFAULT_BASIS:
        return Period(ctx.year, None, _family_kind(ctx.family, ctx.year, ctx.year), _DEFAULT_BASIS[ctx.family])
    return Period(None, None, "", "无期间信号")


_RULES = (_from_measure, _from_comparison, _from_text, _from_target_words, _from_measure_kind, _from_clause_cue,
          _from_table_title, _from_section, _from_suffix)
