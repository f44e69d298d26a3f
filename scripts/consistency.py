#!/usr/bin/env python3
"""Metamorphic consistency: the same question typed another way must get the same figure from the
same report.

    .venv/bin/python scripts/consistency.py                          # every set
    .venv/bin/python scripts/consistency.py --sets dev --limit 5     # a quick look
    .venv/bin/python scripts/consistency.py --json disagree.jsonl --all variants.jsonl

For every question answered with a figure (`numeric`) of the question sets — dev, dev_depts and
the held-out sets of scripts/eval_sets.py, plus the first turns of conversations.jsonl — the
canonical question is asked first (in-process, on the store eval_sets builds for its set) and its
figure and first cited report are kept; a question the product answers without a figure has no
variants. Then its variants (scripts/variants.py) are asked and each must give the same figure
(run_eval's same_quantity) citing the same report first:
  english        place names in pinyin / usual English (Shenzhen 审计局…, Hunan Province …)
  traditional    繁體 (OpenCC s2t, s2tw)
  short-name     汕尾市 ↔ 汕尾, 深圳市发展和改革委员会 ↔ 深圳发改委
  relative-year  今年 / 去年 / 前年 against the store's clock (QA_TODAY = eval_sets.as_of: 2026, the
                 2024 city reports 2024; --clock overrides the variants' year); the year used is recorded
  follow-up      a first turn on another place / organisation, then 那<X>呢？ with `previous`
  word-order     2021年汕尾的… / 汕尾…2021年是多少
Prints the agreement rate per kind and overall. A measurement: exits 0 whatever it finds.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

from eval_engine import (
    CONVERSATION_STORES,
    HELD,
    ask,
    canonical_store,
    cited_doc,
    commit,
    load_grader,
    open_engine,
    store_path,
)
from eval_sets import as_of
from eval_sets import SETS
from variants import KINDS, Variant, make_pool, variants


def question_sets() -> list[tuple[str, str, list[dict]]]:
    """(set, store, questions) for every eval set and the conversations' first turns."""
    out = []
    for name, (_, _, qfile) in SETS.items():
        qs = [json.loads(ln) for ln in Path(qfile).read_text(encoding="utf-8").splitlines() if ln.strip()]
        out.append((name, name, qs))
    convs = [json.loads(ln) for ln in (HELD / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
             if ln.strip()]
    for store, name in CONVERSATION_STORES.items():
        firsts = [dict(c["turns"][0], id=c["id"] + ".1") for c in convs if c["store"] == store]
        out.append((f"conversations_{store}", name, firsts))
    return out


def brief(r: dict) -> dict:
    cit = ((r.get("facts") or [])[:1] + (r.get("citations") or [])[:1] or [{}])[0]
    scope = r.get("scope") or {}
    return {"kind": r.get("kind"), "value": r.get("value"), "unit": r.get("unit"), "doc": cited_doc(r),
            "title": cit.get("title"), "years": scope.get("years") or []}


def safe_ask(engine, q: str, previous: dict | None = None) -> dict:
    try:
        return ask(engine, q, previous)
    except Exception as e:  # noqa: BLE001 — a measurement: a question that raises disagrees
        traceback.print_exc(file=sys.stderr)
        return {"kind": "error", "answer": f"{type(e).__name__}: {e}"}


def judge(canon: dict, got: dict, same_quantity) -> tuple[bool, str]:
    if got["kind"] == "error":
        return False, "error"
    if got["value"] is None:
        return False, f"no figure ({got['kind']})"
    if not same_quantity(got["value"], got["unit"], canon["value"], canon["unit"]):
        return False, "other figure"
    if got["doc"] != canon["doc"]:
        return False, "same figure, other report"
    return True, "agree"


def run_variant(engine, v: Variant, canon: dict, same_quantity) -> dict:
    first = None
    previous = None
    if v.first is not None:
        r1 = safe_ask(engine, v.first)
        first = brief(r1)
        previous = {"question": v.first, "scope": r1.get("scope") or {}}
    got = brief(safe_ask(engine, v.q, previous))
    ok, why = judge(canon, got, same_quantity)
    return {"kind": v.kind, "form": v.form, "q": v.q, "first": v.first, "first_got": first, "meta": v.meta,
            "got": got, "agree": ok, "why": why}


def run_store(store: str, groups: list[tuple[str, list[dict]]], args, grader) -> tuple[list[dict], list[dict]]:
    """Canonical answers and variant results for the chosen sets of one store. The places and
    organisations follow-ups switch to come from every set of the store, whichever are chosen."""
    pool = make_pool([q for _, qs in groups for q in qs])
    engine = open_engine(store_path(store, args.rebuild), store)
    clock = args.clock or int(as_of(store)[:4])
    canons, rows = [], []
    for set_name, qs in groups:
        if args.sets and set_name not in args.sets:
            continue
        numeric = [q for q in qs if q["type"] == "numeric"][: args.limit or None]
        for q in numeric:
            r = safe_ask(engine, q["q"])
            canon = dict(brief(r), set=set_name, id=q["id"], q=q["q"], correct=bool(r.get("kind") != "error"
                                                                                  and grader.grade(q, r)[0]))
            canons.append(canon)
            if canon["value"] is None:
                continue
            vs = [v for v in variants(q, pool, clock) if not args.kinds or v.kind in args.kinds]
            for v in vs:
                row = run_variant(engine, v, canon, grader.same_quantity)
                rows.append(dict(row, set=set_name, id=q["id"], canonical={
                    k: canon[k] for k in ("q", "value", "unit", "doc", "title", "correct", "years")}))
            agree = sum(r["agree"] for r in rows if r["id"] == q["id"] and r["set"] == set_name)
            print(f"{set_name:22s} {q['id']:6s} {canon['value']!s:>10s} {agree:2d}/{len(vs):<2d} {q['q'][:40]}",
                  flush=True)
    del engine
    return canons, rows


def rate(rows: list[dict]) -> str:
    n = len(rows)
    a = sum(r["agree"] for r in rows)
    return f"{a}/{n} ({100 * a / n:.0f}%)" if n else "0/0"


def summary(canons: list[dict], rows: list[dict], clock: int) -> list[str]:
    answered = [c for c in canons if c["value"] is not None]
    lines = [(f"canonical: {len(canons)} numeric questions, {len(answered)} answered with a figure "
              f"({sum(c['correct'] for c in answered)} of them right by the gold)"),
             (f"variants: {len(rows)}   agree overall: {rate(rows)}   "
              f"on right canonicals: {rate([r for r in rows if r['canonical']['correct']])}"),
             f"{'kind':14s} {'agree':>16s}  {'right canonicals':>16s}  disagreements"]
    for kind in KINDS:
        rs = [r for r in rows if r["kind"] == kind]
        whys = Counter(r["why"] for r in rs if not r["agree"])
        lines.append(f"{kind:14s} {rate(rs):>16s}  {rate([r for r in rs if r['canonical']['correct']]):>16s}  "
                     + ", ".join(f"{w} {n}" for w, n in whys.most_common()))
        forms = defaultdict(list)
        for r in rs:
            forms[r["form"]].append(r)
        lines.append("    " + "  ".join(f"{f}={rate(v)}" for f, v in sorted(forms.items())))
    rel = [r for r in rows if r["kind"] == "relative-year"]
    used = Counter((r["meta"]["year"], tuple(r["got"]["years"])) for r in rel)
    lines.append(f"relative-year (clock {clock}): meant year → year the product used: "
                 + ", ".join(f"{y}→{list(u) or 'none'} {n}" for (y, u), n in sorted(used.items())))
    fu = [r for r in rows if r["kind"] == "follow-up"]
    lines.append(f"follow-up: first turn answered with a figure {sum(1 for r in fu if r['first_got']['value'] is not None)}"
                 f"/{len(fu)}; agree when it was: "
                 f"{rate([r for r in fu if r['first_got']['value'] is not None])}")
    by_set = defaultdict(list)
    for r in rows:
        by_set[r["set"]].append(r)
    lines.append("by set: " + "  ".join(f"{s}={rate(v)}" for s, v in by_set.items()))
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [n for n, _, _ in question_sets()]
    ap.add_argument("--sets", nargs="*", choices=names, help="only these sets")
    ap.add_argument("--kinds", nargs="*", choices=KINDS, help="only these kinds of variant")
    ap.add_argument("--limit", type=int, default=0, help="at most N numeric questions per set (0: all)")
    ap.add_argument("--clock", type=int, default=0,
                    help="the year 今年 means in the variants (default: the year of the store's clock, eval_sets.as_of)")
    ap.add_argument("--json", help="write the disagreements here (JSON lines)")
    ap.add_argument("--all", help="write every variant's result here (JSON lines)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the stores")
    args = ap.parse_args()
    grader = load_grader()
    by_store: dict[str, list] = defaultdict(list)
    for name, store, qs in question_sets():
        by_store[canonical_store(store)].append((name, qs))
    by_store = {s: g for s, g in by_store.items() if not args.sets or any(n in args.sets for n, _ in g)}
    t0 = time.time()
    canons, rows = [], []
    for store, groups in by_store.items():
        c, r = run_store(store, groups, args, grader)
        canons += c
        rows += r
    for path, keep in ((args.json, [r for r in rows if not r["agree"]]), (args.all, rows)):
        if path:
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in keep)
    print(f"\nconsistency ({commit()}, {time.strftime('%Y-%m-%d')}, clock {args.clock or 'per store'}, "
          f"{time.time() - t0:.0f}s)")
    print("\n".join(summary(canons, rows, args.clock or "per store")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
