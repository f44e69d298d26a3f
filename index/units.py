"""Units: money units, table unit lines ("单位：万元"), header units ("(万元)"),
and the measure words that follow a number in prose (台, 项, 个, 人次 ...).
Nothing is converted: a fact keeps the unit of its source."""
from __future__ import annotations

import re

from index.numbers import to_halfwidth

MONEY_UNITS = ("亿元", "万元", "千元", "元")
PERCENT = "%"

# counted-thing units seen after numbers in prose (longest first when matching)
COUNT_UNITS = (
    "人次", "户次", "件次", "批次", "家次", "台（套）", "台(套)", "台套",
    "平方米", "平方公里", "公里", "千米", "GB", "TB", "PB",
    "台", "项", "个", "件", "家", "辆", "分", "条", "次", "人", "名", "类", "份", "期", "张",
    "套", "座", "所", "处", "宗", "笔", "场", "篇", "册", "本", "部", "间", "栋", "户",
    "万人次", "亿次", "天", "小时", "个工作日", "倍", "种", "只", "块", "幅", "路", "门", "批",
)
COUNT_UNITS = tuple(sorted(set(COUNT_UNITS), key=len, reverse=True))

UNIT_LINE_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元|%|个|人)")
HEADER_UNIT_RE = re.compile(r"\s*[（(]\s*(亿元|万元|千元|元|%|％|个|人|人次|辆|台|项|次|件)\s*[）)]\s*")


def table_unit(lines) -> str | None:
    """The unit declared by a table's unit line ("单位：万元"), if any."""
    for ln in lines:
        m = UNIT_LINE_RE.search(to_halfwidth(ln))
        if m:
            return m.group(1)
    return None


def split_header_unit(header: str) -> tuple[str, str | None]:
    """'年初预算数 (万元)' → ('年初预算数', '万元'); '占比（%）' → ('占比', '%')."""
    h = to_halfwidth(header or "")
    m = HEADER_UNIT_RE.search(h)
    if not m:
        return (header or "").strip(), None
    unit = m.group(1).replace("％", "%")
    name = (h[: m.start()] + h[m.end():]).strip()
    return name, unit


def measure_default_unit(measure: str, table_unit_: str | None) -> str:
    """Unit for a table cell when the header carries none."""
    m = measure or ""
    if any(k in m for k in ("率", "比例", "占比", "比重", "百分比", "增长率", "增幅")):
        return "%"
    if any(k in m for k in ("得分", "分值", "权重", "评分")):
        return "分"
    return table_unit_ or ""
