"""Rendering numbers and answer sentences in Chinese or English (pure)."""
from __future__ import annotations

import re

from index.records import Report

from .records import FactRef

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
    pre = qualifier if (approx and qualifier in ("约", "近", "超", "超过")) or qualifier in ("≥", "≤", ">", "<") else ""
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


def fact_sentence(ref: FactRef, lang: str) -> str:
    f, r = ref.fact, ref.report
    amount = fmt_amount(f.value, f.unit, f.approx, f.qualifier)
    year = f"{r.year} 年" if r.year else ""
    if lang == "en":
        unit = UNIT_EN.get(f.unit, f.unit)
        num = f"{fmt_value(f.value)}{'+' if f.approx else ''} {unit}".strip()
        y = f" in {r.year}" if r.year else ""
        return (f"{r.city or r.title}{y}: {f.subject} ({f.measure}) = {num}." + source_en(ref)
                + f" Source text: “{f.text[:160]}”")
    measure = measure_phrase(ref)
    if f.source == "prose":
        return f"{who(r)} {year}：{f.subject}{measure} {amount}。原文：“{f.text[:200]}”{source_zh(ref)}"
    return f"{who(r)} {year}{subject_phrase(ref)}{measure}为 {amount}。{source_zh(ref)}"


def holdings_zh(reports: list[Report]) -> str:
    items = []
    for r in reports:
        items.append(f"{r.city or '?'} {r.year or '?'}（{r.report_type or r.title}）")
    return "、".join(dict.fromkeys(items))


def holdings_en(reports: list[Report]) -> str:
    return ", ".join(dict.fromkeys(f"{r.city or '?'} {r.year or '?'} ({r.report_type or r.title})"
                                   for r in reports))
