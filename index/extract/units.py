"""Units: money units, table unit lines ("单位：万元"), header units ("(万元)"),
and the measure words that follow a number in prose (台, 项, 个, 人次 ...).
Nothing is converted: a fact keeps the unit of its source."""
from __future__ import annotations

import re

from index.extract.numbers import to_halfwidth

MONEY_UNITS = ("亿元", "万元", "千元", "元")
PERCENT = "%"

# counted-thing units seen after numbers in prose (longest first when matching)
COUNT_UNITS = (
    "人次", "户次", "件次", "批次", "家次", "台（套）", "台(套)", "台套",
    "平方米", "平方公里", "公里", "千米", "GB", "TB", "PB",
    "台", "项", "个", "件", "家", "辆", "分", "条", "次", "人", "名", "类", "份", "期", "张",
    "套", "座", "所", "处", "宗", "笔", "场", "篇", "册", "本", "部", "间", "栋", "户",
    "万人次", "亿次", "天", "小时", "个工作日", "倍", "种", "只", "块", "幅", "路", "门", "批",
    # quantities of economies and harvests (政府工作报告): 620亿斤, 1640.06万吨, 0.3个百分点
    "个百分点", "百分点", "吨", "斤", "公斤", "千克", "亩", "公顷", "千瓦", "千瓦时", "立方米", "标准箱", "美元",
)
COUNT_UNITS = tuple(sorted(set(COUNT_UNITS), key=len, reverse=True))

UNIT_LINE_RE = re.compile(r"(?:金额|计量)?单位\s*[:：]\s*(?:人民币)?(?:(亿元|万元|千元|元|%)|(人次|个|人|件|项|家|户|条)(?![\u4e00-\u9fff]))")
HEADER_UNIT_RE = re.compile(
    r"\s*[（(]\s*(?:(?:金额|计量)?单位\s*[:：]\s*)?(亿元|万元|千元|元|%|％|个|人|人次|辆|台|项|次|件|家|户|条)\s*[）)]\s*")
# a table cell that is nothing but a unit (a 计量单位 column); not 项 (类 | 款 | 项 code columns)
_BARE_UNITS = frozenset(MONEY_UNITS + (PERCENT, "％", "个", "人", "人次", "件", "家", "户", "条", "辆", "台", "次"))
# what else a caption line holds besides its unit: 部门：XX / 编制单位：XX / 表N / 年度
_CAPTION_REST_RE = re.compile(r"^(?:(?:编制|填报|预算|决算)?(?:部门|单位|单位名称)\s*[:：]\S*|表\s*\d+(?:[-—]\d+)?|\d{4}\s*年度?|[\s\-—:：;；,，、()（）])*$")


def table_unit(lines) -> str | None:
    """The unit declared by a table's unit line ("单位：万元"), if any."""
    for ln in lines:
        m = UNIT_LINE_RE.search(to_halfwidth(ln))
        if m:
            return m.group(1) or m.group(2)
    return None


def stated_unit(text: str) -> str | None:
    """The unit a piece of a table states: "单位：万元", "（单位：万元）", "收费（万元）",
    or a cell holding only a unit ("万元", "%")."""
    t = to_halfwidth(text or "").strip()
    if not t:
        return None
    if t in _BARE_UNITS:
        return t.replace("％", "%")
    m = UNIT_LINE_RE.search(t)
    if m:
        return m.group(1) or m.group(2)
    m = HEADER_UNIT_RE.search(t)
    return m.group(1).replace("％", "%") if m else None


def strip_unit_statement(text: str) -> str:
    """A label without its "单位：万元" / "（单位：万元）" statement."""
    t = re.sub(r"[（(]\s*(?:金额|计量)?单位\s*[:：][^（）()]*[）)]", "", text or "")
    return UNIT_LINE_RE.sub("", t).strip()


def caption_unit(text: str) -> str | None:
    """The unit of a line or cell that is only a unit caption: "单位：万元", "（万元）",
    "部门：XX局  金额单位：万元"; None when it also names something (a column header
    "本年收费金额（单位：万元）", a row "行政事业性收费 单位：万元")."""
    t = to_halfwidth(text or "").strip()
    u = stated_unit(t)
    if u is None:
        return None
    rest = HEADER_UNIT_RE.sub(" ", UNIT_LINE_RE.sub(" ", t))
    if t in _BARE_UNITS or _CAPTION_REST_RE.fullmatch(rest.strip()):
        return u
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


_COUNT_MEASURE_RE = re.compile(r"(件|个|项|人|户|家|次)数$")


def measure_default_unit(measure: str, table_unit_: str | None) -> str:
    """Unit for a table cell when the header carries none."""
    m = measure or ""
    if any(k in m for k in ("率", "比例", "占比", "比重", "百分比", "增长率", "增幅")):
        return "%"
    if any(k in m for k in ("得分", "分值", "权重", "评分")):
        return "分"
    if not table_unit_:
        c = _COUNT_MEASURE_RE.search(re.sub(r"\s+", "", m))     # 本年制发件数 → 件
        return c.group(1) if c else ""
    return table_unit_
