"""Rendering numbers and answer sentences in Chinese or English (pure)."""
from __future__ import annotations

import re

from index.extract.numbers import PREFIX_QUALIFIERS
from index.records import Report

from .records import FactRef
from .thresholds import OCR_CONFIDENCE_MIN

UNIT_EN = {"万元": "万元 (ten-thousand yuan)", "元": "yuan", "亿元": "亿元 (hundred-million yuan)", "%": "%", "台": "units",
           "项": "items", "个": "", "件": "cases", "家": "organisations", "辆": "vehicles", "分": "points",
           "人次": "person-times", "人": "people", "次": "times", "条": "records"}


def fmt_value(v: float) -> str:
    """Numbers as the reports write them: no trailing zeros, thousands kept plain."""
    if v is None:
        return ""
    if float(v).is_integer():
        return str(int(v))
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return s


def fmt_amount(v: float, unit: str, approx: bool = False, qualifier: str = "") -> str:
    q = qualifier if approx and qualifier in ("多", "余", "以上", "左右") else ""
    pre = qualifier if (approx and qualifier in PREFIX_QUALIFIERS) or qualifier in ("≥", "≤", ">", "<") else ""
    unit = unit or ""
    if unit.startswith("万") and unit != "万元" and q:
        return f"{pre}{fmt_value(v)} 万{q}{unit[1:]}"
    return f"{pre}{fmt_value(v)}{q} {unit}".strip()


def who(report: Report) -> str:
    return report.department or (f"{report.city}市" if report.city else report.title)


def source_zh(ref: FactRef) -> str:
    f, r = ref.fact, ref.report
    where = f.table or f.section_path
    return f"（来源：《{r.title}》第 {f.page} 页{('，' + where) if where else ''}）"


def source_en(ref: FactRef) -> str:
    f, r = ref.fact, ref.report
    return f" (source: 《{r.title}》, p. {f.page}{(', ' + (f.table or f.section_path)) if (f.table or f.section_path) else ''})"


TOTAL_WORDS = ("合计", "总计", "小计")


def subject_phrase(ref: FactRef) -> str:
    """The row label, with the table's topic for a bare 合计 row."""
    f = ref.fact
    if f.subject in TOTAL_WORDS and f.table:
        topic = re.sub(r"^\s*(表\s*\d+|[\d.、]+|[一二三四五六七八九十]+、)\s*", "", f.table).rstrip("。.")
        return f"{topic}{f.subject}"
    return f.subject


def measure_phrase(ref: FactRef) -> str:
    f = ref.fact
    if f.source == "prose":
        return f.measure if re.search(r"预算|决算|执行|完成|占|增|减", f.measure or "") else ""
    if f.measure in ("金额", "合计", "总计", "数额"):
        # a plain amount column says what it is through its table: "…决算明细表" → 决算数
        t = re.sub(r"一般公共预算|政府性基金预算|国有资本经营预算", "", f.table or "")
        return "决算数" if "决算" in t else ("预算数" if "预算" in t else ("" if f.measure == "合计" else f.measure))
    return f.measure


KIND_ZH = {"target": "预期目标", "budget": "", "actual": "", "average": "年均", "cumulative": "累计", "change": ""}


def period_phrase(f, r: Report) -> str:
    """"2025 年" for the period the figure describes ("2021—2025 年" for a range), with
    "（预期目标）" for a target."""
    y = f.period_year or r.year
    if not y:
        return ""
    span = f"{y}—{f.period_end} 年" if f.period_end and f.period_end != y else f"{y} 年"
    return span + ("（预期目标）" if f.period_kind == "target" else "")


def ocr_note(origin: str, confidence: float | None, lang: str = "zh") -> str:
    """A figure read from a scanned page says so, with the recogniser's confidence; a low one
    is flagged as uncertain. "" for a figure from a text layer."""
    if origin != "ocr":
        return ""
    conf = f"{confidence:.2f}" if confidence is not None else "未知"
    low = confidence is None or confidence < OCR_CONFIDENCE_MIN
    if lang == "en":
        return (f" (figure read by OCR from a scanned page, confidence {conf}"
                f"{' — low, may be misread' if low else ''}; check the original)")
    return f"（数字识别自扫描件，置信度 {conf}{'，识别可能有误' if low else ''}，请以原件为准）"


def fact_sentence(ref: FactRef, lang: str) -> str:
    return _fact_sentence(ref, lang) + ocr_note(ref.fact.origin, ref.fact.confidence, lang)


def _fact_sentence(ref: FactRef, lang: str) -> str:
    f, r = ref.fact, ref.report
    amount = fmt_amount(f.value, f.unit, f.approx, f.qualifier)
    year = period_phrase(f, r)
    if lang == "en":
        unit = UNIT_EN.get(f.unit, f.unit)
        num = f"{fmt_value(f.value)}{'+' if f.approx else ''} {unit}".strip()
        py = f.period_year or r.year
        y = (f" in {py}" + (f"–{f.period_end}" if f.period_end and f.period_end != py else "")
             + (" (target)" if f.period_kind == "target" else "")) if py else ""
        return (f"{who(r)}{y}: {f.subject} ({f.measure}) = {num}." + source_en(ref)
                + f" Source text: “{excerpt(f.text, f.value, 160)}”")
    measure = measure_phrase(ref)
    if f.source == "prose":
        return f"{who(r)} {year}：{f.subject}{measure} {amount}。原文：“{excerpt(f.text, f.value)}”{source_zh(ref)}"
    return f"{who(r)} {year}{subject_phrase(ref)}{measure}为 {amount}。{source_zh(ref)}"


def excerpt(text: str, value: float, width: int = 200) -> str:
    """The source sentence, cut to `width` characters around the figure (not from its start:
    a long sentence states its figures at the end too)."""
    text = text or ""
    if len(text) <= width:
        return text
    flat = text.replace(",", "")
    i = -1
    for form in (fmt_value(value), f"{value:.2f}"):
        i = flat.find(form)
        if i >= 0:
            break
    if i < 0:
        return text[:width] + "…"
    # map the position back to `text` (thousands separators removed above)
    k = n = 0
    while k < len(text) and n < i:
        n += text[k] != ","
        k += 1
    start = max(0, min(k - width * 2 // 3, len(text) - width))
    return ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")


def holdings(reports: list[Report], limit: int = 12) -> list[tuple[str, str, int, str]]:
    """(place, years, count) groups of the store's reports, largest first."""
    groups: dict[str, dict] = {}
    for r in reports:
        g = groups.setdefault(r.place or r.city or "?", {"years": set(), "n": 0, "types": set()})
        g["years"].add(r.year or 0)
        g["n"] += 1
        g["types"].add(r.report_type or "报告")
    items = sorted(groups.items(), key=lambda kv: (-kv[1]["n"], kv[0]))[:limit]
    return [(k, "、".join(str(y) for y in sorted(v["years"]) if y), v["n"], "、".join(sorted(v["types"])))
            for k, v in items]


def holdings_zh(reports: list[Report]) -> str:
    groups = holdings(reports)
    text = "、".join(f"{place} {years}（{types}，{n} 份）" for place, years, n, types in groups)
    rest = len({r.place or r.city for r in reports}) - len(groups)
    return text + (f"等（另有 {rest} 个地方）" if rest > 0 else "")


def holdings_en(reports: list[Report]) -> str:
    groups = holdings(reports)
    text = ", ".join(f"{place} {years} ({types}, {n})" for place, years, n, types in groups)
    rest = len({r.place or r.city for r in reports}) - len(groups)
    return text + (f" and {rest} more places" if rest > 0 else "")
