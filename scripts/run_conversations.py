#!/usr/bin/env python3
"""Play the held-out multi-turn conversations (tests/questions/heldout/conversations.jsonl) turn by turn.

    .venv/bin/python scripts/run_conversations.py                        # all 54 conversations
    .venv/bin/python scripts/run_conversations.py --ids y01 y02 --json out.jsonl
    .venv/bin/python scripts/run_conversations.py --stores corpus        # the conversations of one store

Each conversation runs on the store it names (built or reused as scripts/eval_sets.py does:
depts → heldout_depts, provinces → heldout_provinces, corpus → dev, cities → conv_cities =
corpus + conversations-cities.docs). The first turn is asked alone; every later turn with
`previous` = the last turn's question and the `scope` its answer returned, as the page sends it to
POST /api/ask. The engine is called in-process (the one `qa ask` opens). Each turn is graded on its
own by grade() of ../shared/eval/run_eval.py. A measurement: exits 0 whatever it finds.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import defaultdict

from eval_engine import CONVERSATION_STORES, HELD, ask, cited_doc, commit, load_grader, open_engine, store_path

CONVERSATIONS = HELD / "conversations.jsonl"
# the kinds the summary counts failures of, in this order (a turn may be of several)
KINDS = ("first", "organization", "place", "year", "item", "english", "compare-last-two", "difference",
         "describe", "comparison-first", "none")


def turn_kinds(i: int, turn: dict) -> list[str]:
    kinds = ["first"] if i == 0 else []
    kinds += turn.get("changes") or []
    if turn["type"] == "none":
        kinds.append("none")
    return kinds


def play(engine, conv: dict, grade) -> list[dict]:
    """The turns of one conversation, each with its grade and what the engine resolved."""
    out, previous = [], None
    for i, turn in enumerate(conv["turns"]):
        try:
            r = ask(engine, turn["q"], previous)
            ok, why = grade(turn, r)
        except Exception as e:  # noqa: BLE001 — a measurement: a turn that raises is a failed turn
            r, ok, why = {}, False, f"error: {type(e).__name__}: {e}"
            traceback.print_exc(file=sys.stderr)
        scope = r.get("scope") or {}
        out.append({"conv": conv["id"], "turn": i + 1, "store": conv["store"], "q": turn["q"], "type": turn["type"],
                    "kinds": turn_kinds(i, turn), "ok": ok, "why": why,
                    "got": {"kind": r.get("kind"), "value": r.get("value"), "unit": r.get("unit"),
                            "route": r.get("route"), "doc": cited_doc(r)},
                    "scope": {"places": [p.get("name") for p in scope.get("places") or []],
                              "orgs": scope.get("orgs") or [], "years": scope.get("years") or [],
                              "topic": scope.get("topic"), "carried": scope.get("carried") or []},
                    "gold": {k: turn[k] for k in ("value", "unit", "city", "year", "pairs", "must") if k in turn}})
        previous = {"question": turn["q"], "scope": scope} if r else None     # the page sends none after an error
    return out


def table(rows: list[dict], key) -> dict[str, list[int]]:
    t: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        for k in key(r):
            t[k][0] += r["ok"]
            t[k][1] += 1
    return t


def summary(rows: list[dict], n_convs: int) -> list[str]:
    ok = sum(r["ok"] for r in rows)
    by_conv = defaultdict(list)
    for r in rows:
        by_conv[r["conv"]].append(r["ok"])
    whole = sum(all(v) for v in by_conv.values())
    kinds, types, stores = table(rows, lambda r: r["kinds"]), table(rows, lambda r: [r["type"]]), \
        table(rows, lambda r: [r["store"]])
    lines = [(f"turns: {ok}/{len(rows)} ({100 * ok / max(1, len(rows)):.0f}%)   "
              f"conversations whole: {whole}/{n_convs}"),
             "by type:  " + "  ".join(f"{k}={v[0]}/{v[1]}" for k, v in sorted(types.items())),
             "by store: " + "  ".join(f"{k}={v[0]}/{v[1]}" for k, v in sorted(stores.items())),
             "by kind (passed/turns, failed):"]
    for k in [*KINDS, *sorted(set(kinds) - set(KINDS))]:
        if k in kinds:
            p, n = kinds[k]
            lines.append(f"  {k:17s} {p:3d}/{n:<3d} failed {n - p}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ids", nargs="*", help="only these conversations (v01 …)")
    ap.add_argument("--stores", nargs="*", choices=sorted(CONVERSATION_STORES), help="only these stores")
    ap.add_argument("--json", help="write one JSON line per turn here")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the stores")
    args = ap.parse_args()
    convs = [json.loads(ln) for ln in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    convs = [c for c in convs if (not args.ids or c["id"] in args.ids) and (not args.stores or c["store"] in args.stores)]
    grade = load_grader().grade
    rows: list[dict] = []
    t0 = time.time()
    for store in sorted({c["store"] for c in convs}):
        engine = open_engine(store_path(CONVERSATION_STORES[store], args.rebuild), CONVERSATION_STORES[store])
        for conv in (c for c in convs if c["store"] == store):
            turns = play(engine, conv, grade)
            rows += turns
            for r in turns:
                print(f"{'PASS' if r['ok'] else 'FAIL'} {r['conv']}.{r['turn']} {r['type']:11s} "
                      f"{','.join(r['kinds']) or '-':24s} {r['q'][:36]} | {r['why']}", flush=True)
        del engine
    rows.sort(key=lambda r: (r["conv"], r["turn"]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"\nconversations ({commit()}, {time.strftime('%Y-%m-%d')}, {time.time() - t0:.0f}s)")
    print("\n".join(summary(rows, len(convs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
