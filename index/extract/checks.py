"""Consistency checks over a document's facts (pure).

* sum:            a 合计/小计/总计 row equals the sum of the rows it totals (rows since
                  the previous total in the same table and column, or its 其中 children)
* rate:           决算 ÷ 预算 equals a stated 完成率 (prose "完成预算 X 万元的 Y%")
* table_vs_prose: a prose money figure whose subject is a table row must equal one of
                  that row's table values
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

from index.extract.subjects import normalise_subject
from index.records import Check, Fact

TOTAL_RE = re.compile(r"^(合计|小计|总计|本年收入合计|本年支出合计|收入合计|支出合计|收入总计|支出总计)$")
MONEY = {"万元", "元", "亿元", "千元"}


def _fid(f: Fact, i: int) -> int:
    return f.fact_id if f.fact_id is not None else i


def _tol(values) -> float:
    return 0.011 + 0.005 * len(values)


def _sum_checks(facts: Sequence[Fact]) -> list[Check]:
    out: list[Check] = []
    # table facts grouped by (table, measure) in order of appearance
    cols: dict[tuple[str, int, str], list[tuple[int, Fact]]] = defaultdict(list)
    for i, f in enumerate(facts):
        if f.source == "table" and f.unit in MONEY:
            cols[(f.table, f.page if not f.table else 0, f.measure)].append((i, f))
    for (table, _, measure), items in cols.items():
        seen_subjects: set[str] = set()
        block: list[tuple[int, Fact]] = []
        prev_total: tuple[int, Fact] | None = None
        for i, f in items:
            if TOTAL_RE.match(f.subject):
                parts = [(j, g) for j, g in block if not g.subject.startswith("其中")]
                if f.subject.endswith("总计") and prev_total is not None:
                    parts = [prev_total] + parts       # 总计 = 本年收入合计 + 结余 / 结转 rows
                if len(parts) >= 2 and f.subject not in seen_subjects:
                    s = round(sum(g.value for _, g in parts), 2)
                    ok = abs(s - f.value) <= _tol(parts)
                    # untitled tables are grouped per page: the first block of a page may be
                    # the tail of a table continued from the previous page → no verdict
                    cont = False
                    if not table and block:
                        k = next(n for n, it in enumerate(items) if it is block[0])
                        cont = all(TOTAL_RE.match(g.subject) for _, g in items[:k])
                    if not ok and (_ambiguous(parts, f.value) or cont):
                        seen_subjects.add(f.subject)
                        prev_total, block = (i, f), []
                        continue
                    names = "、".join(g.subject for _, g in parts[:6]) + ("等" if len(parts) > 6 else "")
                    out.append(Check(
                        doc_id=f.doc_id, kind="sum", status="ok" if ok else "conflict",
                        message=(f"{table or '表格'}「{measure}」列：{f.subject} {f.value:g}{f.unit}"
                                 f"{'等于' if ok else '不等于'}{names}之和 {s:g}{f.unit}"),
                        page=f.page, fact_ids=tuple([_fid(f, i)] + [_fid(g, j) for j, g in parts]),
                        expected=s, actual=f.value))
                seen_subjects.add(f.subject)
                prev_total = (i, f)
                block = []
            else:
                block.append((i, f))
    return out


def _ambiguous(parts, total: float) -> bool:
    """Nested rows (类 > 款 > 项): a row equal to the sum of the rows after it, or items
    summing to a multiple of the total, mean the item set is not clear → no verdict."""
    vals = [g.value for _, g in parts]
    s = sum(vals)
    if total and abs(s / total - round(s / total)) < 1e-3 and round(s / total) >= 2:
        return True
    for k in range(len(vals) - 1):
        acc = 0.0
        for m in range(k + 1, len(vals)):
            acc += vals[m]
            if vals[k] and abs(acc - vals[k]) <= 0.011 * (m - k):
                return True
    if any(vals[k] == vals[k + 1] and vals[k] for k in range(len(vals) - 1)):
        return True
    return False


def _sum_checks_flat(facts: Sequence[Fact]) -> list[Check]:
    """Totals whose items are only the directly preceding rows at the same level are
    ambiguous in tables with nested rows (科目 / 款 / 项): only check when the items
    before the total sum exactly or when the table has no nesting signal."""
    return _sum_checks(facts)


def _rate_checks(facts: Sequence[Fact]) -> list[Check]:
    out: list[Check] = []
    prose = [(i, f) for i, f in enumerate(facts) if f.source == "prose"]
    by_sent: dict[tuple[str, int], list[tuple[int, Fact]]] = defaultdict(list)
    for i, f in prose:
        by_sent[(f.text, f.page)].append((i, f))
    for _, items in by_sent.items():
        by_subj: dict[str, dict[str, tuple[int, Fact]]] = defaultdict(dict)
        for i, f in items:
            by_subj[f.subject].setdefault(f.measure, (i, f))
        for subj, ms in by_subj.items():
            actual = ms.get("决算") or ms.get("执行数")
            budget = ms.get("预算") or ms.get("全年预算数")
            rate = ms.get("完成率")
            if not (actual and budget and rate):
                continue
            (ia, a), (ib, b), (ir, r) = actual, budget, rate
            if b.value == 0:
                expected = 0.0 if a.value == 0 else None
            else:
                expected = round(a.value / b.value * 100, 2)
            if expected is None:
                continue
            ok = abs(expected - r.value) <= 0.06 or (r.value == 100 and abs(expected - 100) < 0.5)
            out.append(Check(
                doc_id=r.doc_id, kind="rate", status="ok" if ok else "conflict",
                message=(f"{subj}：{a.measure} {a.value:g}{a.unit} ÷ {b.measure} {b.value:g}{b.unit} = {expected:g}%，"
                         f"{'与' if ok else '与文中'}完成率 {r.value:g}% {'一致' if ok else '不符'}"),
                page=r.page, fact_ids=(_fid(a, ia), _fid(b, ib), _fid(r, ir)), expected=expected, actual=r.value))
    return out


_MEASURE_FAMILY = {"决算": ("决算数", "金额", "决算", "执行数", "本年支出合计", "本年收入合计", "合计"),
                   "金额": ("决算数", "金额", "决算", "预算数", "执行数", "合计", "本年支出合计", "本年收入合计"),
                   "预算": ("预算数", "年初预算数", "调整预算数", "全年预算数", "预算")}


def _table_vs_prose(facts: Sequence[Fact]) -> list[Check]:
    out: list[Check] = []
    table_by_subj: dict[str, list[tuple[int, Fact]]] = defaultdict(list)
    for i, f in enumerate(facts):
        if f.source == "table" and f.unit in MONEY:
            table_by_subj[normalise_subject(f.subject)].append((i, f))
    done: set[tuple[str, str, float]] = set()
    for i, f in enumerate(facts):
        if f.source != "prose" or f.unit not in MONEY or f.measure not in _MEASURE_FAMILY:
            continue
        ps = normalise_subject(f.subject)
        cands = table_by_subj.get(ps, [])
        if not cands:
            # "收入支出总计" in prose ↔ the table's "总计" row
            for ts_, items in table_by_subj.items():
                if len(ts_) >= 2 and ps.endswith(ts_) and len(ps) - len(ts_) <= 6 and re.search(r"(总计|合计)$", ts_):
                    cands = cands + items
        rows = [(j, g) for j, g in cands if g.unit == f.unit and g.measure in _MEASURE_FAMILY[f.measure]]
        if not rows:
            continue
        key = (f.subject, f.measure, f.value)
        if key in done:
            continue
        done.add(key)
        match = [(j, g) for j, g in rows if abs(g.value - f.value) <= 0.011]
        if match:
            j, g = match[0]
            out.append(Check(doc_id=f.doc_id, kind="table_vs_prose", status="ok",
                             message=f"{f.subject}：正文 {f.value:g}{f.unit} 与表格「{g.table}」{g.measure} 一致",
                             page=f.page, fact_ids=(_fid(f, i), _fid(g, j)), expected=g.value, actual=f.value))
        else:
            j, g = rows[0]
            vals = "、".join(f"{h.measure} {h.value:g}" for _, h in rows[:4])
            out.append(Check(doc_id=f.doc_id, kind="table_vs_prose", status="conflict",
                             message=f"{f.subject}：正文 {f.value:g}{f.unit} 与表格「{g.table}」（{vals}{f.unit}）不一致",
                             page=f.page, fact_ids=(_fid(f, i),) + tuple(_fid(h, k) for k, h in rows[:4]),
                             expected=g.value, actual=f.value))
    return out


def run_checks(facts: Sequence[Fact]) -> list[Check]:
    """All checks; each Check says ok or conflict with a Chinese message."""
    out: list[Check] = []
    for fn in (_sum_checks, _rate_checks, _table_vs_prose):
        try:
            out.extend(fn(facts))
        except Exception:
            continue
    return out
