"""Table → facts: one Fact per (row label, column) numeric cell."""
from __future__ import annotations

import re
from typing import Sequence

from index.numbers import parse_arabic
from index.records import Fact, Table
from index.subjects import normalise_subject
from index.text_tables import Row, rows_from_grid, rows_from_lines
from index.units import measure_default_unit, table_unit

_GENERIC_LABELS = {"", "合计", "总计", "小计", "金额", "部门", "单位"}


def _table_unit(t: Table) -> str | None:
    return t.unit or table_unit(t.lines) or (table_unit([t.title]) if t.title else None)


def _facts_from_rows(rows: list[Row], t: Table, unit: str | None) -> list[Fact]:
    out: list[Fact] = []
    seen: set[tuple[str, str, float]] = set()
    for row in rows:
        label_norm = normalise_subject(row.label)
        for ci, (col, tok) in enumerate(row.cells):
            v = parse_arabic(tok)
            if v is None:
                continue
            subject, subject_raw = label_norm, row.label
            qualifier = ""
            if row.extra is not None:
                # form-like table: the cell carries its own subject / unit / comparison
                fsubj, funit, qualifier = row.extra[ci]
                subject = normalise_subject(fsubj)
                if not subject or re.fullmatch(r"[\d.,\s]+", subject):
                    continue
                u = funit if funit is not None else (unit or "")
                key = (subject, col.measure, v)
                if key in seen:
                    continue
                seen.add(key)
                out.append(Fact(subject=subject, subject_raw=row.label.strip(), measure=col.measure, value=v, unit=u,
                                page=row.page if row.page is not None else t.page, text=row.text.strip(),
                                source="table", table=t.title, section_path=t.section_path, qualifier=qualifier))
                continue
            if not col.subject and not label_norm and col.group:
                parts = [x for x in col.group.split("/") if x]
                if parts and parts[-1] in ("合计", "小计", "总计") and len(parts) > 1:
                    parts = parts[:-1]
                if parts:
                    subject, subject_raw = normalise_subject(parts[-1]), parts[-1]
            if col.subject:
                if label_norm in _GENERIC_LABELS or re.search(r"(局|委|办|中心|部门|单位|政府|本级)$", label_norm):
                    subject, subject_raw = normalise_subject(col.subject), col.subject
                else:
                    subject = f"{label_norm}{normalise_subject(col.subject)}"
                    subject_raw = f"{row.label} {col.subject}"
            if not subject or re.fullmatch(r"[\d.,\s]+", subject):
                continue
            measure = re.sub(r"\s+", "", col.measure)
            if not measure:
                continue
            u = col.unit or measure_default_unit(measure, unit)
            key = (subject, measure, v)
            if key in seen:
                continue
            seen.add(key)
            out.append(Fact(subject=subject, subject_raw=subject_raw.strip(), measure=measure, value=v, unit=u,
                            page=row.page if row.page is not None else t.page, text=row.text.strip(),
                            source="table", table=t.title, section_path=t.section_path))
    return out


def facts_from_table(t: Table, prev_header: list | None = None, prev_unit: str | None = None) -> tuple[list[Fact], list]:
    """Facts of one table; returns (facts, header rows) so that a table continued on
    the next page without its header can reuse the header (and the unit line)."""
    unit = _table_unit(t) or prev_unit
    if t.cells:
        grid = [list(r) for r in t.cells]
        rows, hdr = rows_from_grid(grid, t.page, prev_header)
        return _facts_from_rows(rows, t, unit), hdr
    rows = rows_from_lines(t.lines, t.title, t.page)
    return _facts_from_rows(rows, t, unit), []


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
