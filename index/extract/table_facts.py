"""Table → facts: one Fact per (row label, column) numeric cell."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from index.extract.numbers import parse_arabic
from index.extract.subjects import normalise_subject
from index.extract.text_tables import Column, Row, head_and_body, rows_from_grid, rows_from_lines
from index.extract.units import caption_unit, measure_default_unit, stated_unit, table_unit
from index.records import Fact, Table

_GENERIC_LABELS = {"", "合计", "总计", "小计", "金额", "部门", "单位"}


def _head_unit(head: Sequence[Sequence[str]]) -> str | None:
    """Unit stated in a table's header area: a unit line ("部门：XX 单位：万元"), a grid
    cell that is only a unit ("（万元）") or the row-label column's header ("项目（万元）").
    A unit inside a data column's name ("金额（万元）") is that column's (Column.unit)."""
    for cells in head:
        filled = [c.strip() for c in cells if c and c.strip()]
        if not filled:
            continue
        if len(cells) == 1:
            u = table_unit(filled)
        else:
            u = caption_unit(" ".join(filled)) or next(filter(None, map(caption_unit, filled)), None) \
                or (stated_unit(cells[0]) if cells[0] else None)
        if u:
            return u
    return None


def _row_states(cells: Sequence[str], unit: str) -> bool:
    """A row (not a mere unit line) states `unit` as its own: in a short cell (its label,
    a column name, a 计量单位 cell), not somewhere in a description."""
    filled = [c.strip() for c in cells if c and c.strip()]
    if not filled or caption_unit(" ".join(filled)):
        return False
    parts = filled[0].split() if len(cells) == 1 else filled
    return any(len(re.sub(r"\s+", "", c)) <= 24 and stated_unit(c) == unit for c in parts)


def _parser_unit(t: Table, head: Sequence[Sequence[str]], body: Sequence[Sequence[str]]) -> str | None:
    """The parser's Table.unit, unless a body row states it and the header area does not:
    the parser takes a unit from any line of a text table, a row's own unit too."""
    if not t.unit:
        return None
    in_head = any(stated_unit(c) == t.unit for r in head for c in r if c)
    if not in_head and any(_row_states(r, t.unit) for r in body):
        return None
    return t.unit


def _table_unit(t: Table) -> str | None:
    """The unit of the whole table: from its caption (Table.unit), title or header area.
    A unit stated inside the body belongs to its row (or the block below it)."""
    head, body = head_and_body(t.lines, t.cells)
    return _parser_unit(t, head, body) or _head_unit(head) or (table_unit([t.title]) if t.title else None)


def _facts_from_rows(rows: list[Row], t: Table, unit: str | None) -> list[Fact]:
    """Every row's cell facts (each key once), a period row's per-item totals after it."""
    out: list[Fact] = []
    seen: set[tuple] = set()
    for row in rows:
        label_norm = normalise_subject(row.label)
        for ci, (col, tok) in enumerate(row.cells):
            keyed = _cell_fact(row, label_norm, ci, col, tok, t, unit)
            if keyed is None or keyed[0] in seen:
                continue
            seen.add(keyed[0])
            out.append(keyed[1])
        if PERIOD_LABEL.match(label_norm):
            out.extend(_group_totals(row, t, out, unit))
    return out


def _cell_fact(row: Row, label_norm: str, ci: int, col: Column, tok: str, t: Table,
               unit: str | None) -> tuple[tuple, Fact] | None:
    """(dedup key, fact) of one numeric cell; None for a cell that is no number or has no subject."""
    v = parse_arabic(tok)
    if v is None:
        return None
    if row.extra is not None:
        return _form_cell_fact(row, ci, col, v, t, unit)
    return _grid_cell_fact(row, label_norm, col, v, t, unit)


def _form_cell_fact(row: Row, ci: int, col: Column, v: float, t: Table, unit: str | None) -> tuple[tuple, Fact] | None:
    """A form-like table's cell: it carries its own subject / unit / comparison (Row.extra)."""
    fsubj, funit, qualifier = row.extra[ci]
    subject = normalise_subject(fsubj)
    if not subject or re.fullmatch(r"[\d.,\s]+", subject):
        return None
    u = funit if funit is not None else (row.unit or row.scope_unit or unit or "")
    return (subject, col.measure, v), _row_fact(row, t, subject, row.label, col.measure, v, u, qualifier)


def _grid_cell_fact(row: Row, label_norm: str, col: Column, v: float, t: Table,
                    unit: str | None) -> tuple[tuple, Fact] | None:
    """A (row label, column) cell: subject from the row and column, measure from the column."""
    by_period = bool(col.group) and bool(PERIOD_LABEL.match(label_norm) or CHANGE_LABEL.match(label_norm))
    subject, subject_raw = _cell_subject(row, label_norm, col, t.title, by_period)
    if not subject or re.fullmatch(r"[\d.,\s]+", subject):
        return None
    measure = re.sub(r"\s+", "", col.measure)
    if not measure:
        return None
    if by_period and CHANGE_LABEL.match(label_norm):
        measure = f"{label_norm}（{measure}）"
    u = row.unit or col.unit or measure_default_unit(measure, row.scope_unit or unit)
    key = (subject, measure, v, label_norm if by_period else "")
    return key, _row_fact(row, t, subject, subject_raw, measure, v, u)


def _cell_subject(row: Row, label_norm: str, col: Column, title: str, by_period: bool) -> tuple[str, str]:
    """(subject, as written) of a cell: the row label, the column's group or its subject."""
    subject, subject_raw = label_norm, row.label
    if by_period:
        # a table whose rows are years ("2025年 | 2026年 | 增减变化") and whose columns are
        # the items: the item is the column's group, the period the row's
        subject, subject_raw = _group_subject(col.group, title), f"{row.label} {col.group}"
    elif not col.subject and not label_norm and col.group:
        parts = _group_parts(col.group)
        if parts:
            subject, subject_raw = normalise_subject(parts[-1]), parts[-1]
    if col.subject:
        if label_norm in _GENERIC_LABELS or re.search(r"(局|委|办|中心|部门|单位|政府|本级)$", label_norm):
            subject, subject_raw = normalise_subject(col.subject), col.subject
        else:
            subject = f"{label_norm}{normalise_subject(col.subject)}"
            subject_raw = f"{row.label} {col.subject}"
    elif not by_period and label_norm in GENERIC_ROWS and normalise_subject(row.parent):
        # （七）总计 under 三、本年度办理结果 is that group's total, not the table's nor another row's
        subject, subject_raw = f"{normalise_subject(row.parent)}{label_norm}", f"{row.parent} {row.label}"
    return subject, subject_raw


# a row label that names no item of its own: what it sums or holds is its group's (Row.parent)
GENERIC_ROWS = {"合计", "总计", "小计", "共计", "其他", "其中", "其它"}


def _row_fact(row: Row, t: Table, subject: str, subject_raw: str, measure: str, v: float, u: str,
              qualifier: str = "") -> Fact:
    """The Fact of one cell of a row."""
    return Fact(subject=subject, subject_raw=subject_raw.strip(), measure=measure, value=v, unit=u,
                page=row.page if row.page is not None else t.page, text=row.text.strip(),
                source="table", table=t.title, section_path=t.section_path, qualifier=qualifier)


CHANGE_LABEL = re.compile(r"^(?:增减变化金额|增减变化|增减额|增减|比上年增减|变动金额|增减金额)$")
PERIOD_LABEL = re.compile(r"^(?:\d{4}年度?|上年度?|本年度?|\d{4}年(?:年初)?(?:预算|决算)数?)$")
FUND_PART = re.compile(r"^(一般公共预算|政府性基金|国有资本经营|财政拨款|财政专户|单位资金|其他资金|事业收入)")


def _group_parts(group: str) -> list[str]:
    """A column group's levels ("收入/一般公共预算/合计"), a closing 合计 / 小计 / 总计 level dropped."""
    parts = [x for x in group.split("/") if x]
    if len(parts) > 1 and parts[-1] in ("合计", "小计", "总计"):
        parts = parts[:-1]
    return parts


def _group_subject(group: str, title: str) -> str:
    """The item a column group names; the table's own topic for its 总计 / 合计 group."""
    parts = _group_parts(group)
    item = parts[-1] if parts else ""
    if item in ("合计", "小计", "总计", ""):
        topic = re.sub(r"^\s*(表\s*\d+(?:[-—]\d+)?|[\d.、]+)\s*", "", title or "")
        item = re.sub(r"(支出|收入)?(情况|明细|统计|汇总)?表?[。.]?$", "", topic) or item
    return normalise_subject(item)


def _group_totals(row: Row, t: Table, facts: list[Fact], unit: str | None) -> list[Fact]:
    """A period row split by funding source under each item (一般公共预算 | 政府性基金 | 国有资本经营):
    the item's figure for the period is the sum of its parts, stated as one more fact."""
    parts: dict[str, list[Fact]] = {}
    text = row.text.strip()
    for f in facts:
        if f.text == text and f.table == t.title and FUND_PART.match(f.measure):
            parts.setdefault(f.subject, []).append(f)
    out = []
    for subject, fs in parts.items():
        if len(fs) < 2 or any(f.measure == "合计" for f in fs):
            continue
        total = round(sum(f.value for f in fs), 2)
        out.append(Fact(subject=subject, subject_raw=f"{row.label} {subject} 合计", measure="合计", value=total,
                        unit=fs[0].unit, page=fs[0].page, text=text, source="table", table=t.title,
                        section_path=t.section_path))
    return out


def facts_from_table(t: Table, prev_header: list | None = None, prev_unit: str | None = None) -> tuple[list[Fact], list]:
    """Facts of one table; returns (facts, header rows) so that a table continued on
    the next page without its header can reuse the header (and the unit line)."""
    unit = _table_unit(t) or prev_unit
    if t.cells:
        grid = [list(r) for r in t.cells]
        rows, hdr = rows_from_grid(grid, t.page, prev_header)
    else:
        rows, hdr = rows_from_lines(t.lines, t.title, t.page), []
    if unit:
        return _facts_from_rows(rows, t, unit), hdr
    return not_money_counted(_facts_from_rows(rows, t, _count_unit(rows))), hdr


MONEY = re.compile(r"金额|费|资金|经费|收入|支出|价")


def not_money_counted(facts: list[Fact]) -> list[Fact]:
    """A table that counts cases (件) may hold a money column without its unit ("采购总金额"):
    that column is not counted in 件."""
    return [replace(f, unit="") if f.unit == "件" and MONEY.search(f.measure + f.subject) else f for f in facts]


COUNTED = re.compile(r"(?:申请|决定|案件|文件|提案|建议|事项)(?:数量|件数|数)$|^(?:行政复议|行政诉讼)$")


def _count_unit(rows: list[Row]) -> str | None:
    """A table without a unit that counts applications, decisions or cases (a row "本年新收政府信息公开
    申请数量", a column "本年处理决定数量", a column group 行政复议 / 行政诉讼) counts them in 件."""
    names = {normalise_subject(r.label) for r in rows}
    for r in rows:
        for col, _ in r.cells:
            names.add(re.sub(r"\s+", "", col.measure))
            names.update(p for p in col.group.split("/") if p)
    return "件" if any(COUNTED.search(n) for n in names if n) else None


def facts_from_tables(tables: Sequence[Table]) -> list[Fact]:
    out: list[Fact] = []
    prev_hdr: list | None = None
    prev_title = None
    prev_unit: str | None = None
    for t in tables:
        reuse = prev_hdr
        # a continuation page (same or no title, no unit line of its own) keeps the unit
        carry = prev_unit if (not t.title or t.title == prev_title) else None
        try:
            facts, hdr = facts_from_table(t, reuse, carry)
        except Exception:   # a malformed table never stops ingest
            facts, hdr = [], []
        out.extend(facts)
        prev_hdr = hdr or prev_hdr
        prev_unit = _table_unit(t) or carry
        prev_title = t.title or prev_title
    return out
