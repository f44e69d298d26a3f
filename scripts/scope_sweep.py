#!/usr/bin/env python3
"""Whose figure is it, over a whole store: ask every organization (and every place) for a
list of common figures and check that every fact in every answer belongs to the scope the
question named. Prints the violations and a summary line; exits 1 if any.

    QA_STORE=store-eval/dev_depts .venv/bin/python scripts/scope_sweep.py
    QA_STORE=... .venv/bin/python scripts/scope_sweep.py --items 三公经费 公务接待费
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.settings import Settings  # noqa: E402
from service.state import State  # noqa: E402

ITEMS = ("“三公”经费", "公务接待费", "机关运行经费", "政府采购", "一般公共预算拨款收入", "收入合计", "项目支出",
         "地区生产总值", "粮食产量")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", nargs="*", default=list(ITEMS))
    args = ap.parse_args()
    state = State(Settings())
    engine = state.snapshot.engine
    reports = engine.reports
    asked = answered = facts = 0
    bad: list[str] = []
    for r in reports:
        if not r.department:
            continue
        years = sorted({y for y in (r.year, (r.year or 0) - 1) if y})
        for item in args.items:
            for year in years:
                q = f"{r.department}{year}年{item}是多少"
                ans = engine.ask(q)
                asked += 1
                answered += ans.kind == "fact"
                for f in ans.facts:
                    facts += 1
                    period = f.fact.period_year or f.report.year
                    if f.report.department != r.department:
                        bad.append(f"{q} → {f.report.department} {f.fact.subject} {f.fact.value}")
                    elif ans.route == "fact" and period != year:
                        bad.append(f"{q} → period {period}: {f.fact.subject} {f.fact.value}")
    for line in bad[:50]:
        print("VIOLATION", line)
    print(f"scope sweep: {len(reports)} reports, {asked} questions, {answered} fact answers, {facts} facts cited, "
          f"{len(bad)} outside the named organization or year")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
