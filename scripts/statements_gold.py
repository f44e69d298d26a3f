#!/usr/bin/env python3
"""Score statement extraction (index/extract/statements.py, as ingest runs it) against the hand-made gold
in tests/gold/statements_gold.jsonl: precision and recall of statements within the gold sentences,
and, over matched pairs, the share right of place, period kind, year, metric, value and unit.

    .venv/bin/python scripts/statements_gold.py            # table
    .venv/bin/python scripts/statements_gold.py --json     # machine-readable

A gold sentence lists every statement in it; an extracted statement of the same sentence counts
against precision when no gold statement matches it. Figures match on claim and value (the same
quantity, 万亿 = 万亿元); rank / coverage / first claims on claim and overlapping text.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.extract.metrics import standard  # noqa: E402
from index.extract.statements import statements_from_paragraphs  # noqa: E402
from index.ingest.report import Overrides, build_report, merge, number_chunks, section_finder, sources_of  # noqa: E402
from index.records import Report, Statement  # noqa: E402

GOLD = ROOT / "tests" / "gold" / "statements_gold.jsonl"
REALDATA = ROOT.parent / "shared" / "realdata"
FIELDS = ("place", "period_kind", "year", "metric", "value", "unit")


def squash(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def unit_of(u: str | None) -> str:
    u = unicodedata.normalize("NFKC", u or "")
    return {"万亿": "万亿元", "亿": "亿元"}.get(u, u)


def corpus_overrides() -> dict[str, Overrides]:
    manifest = ROOT / "corpus" / "corpus.json"
    data = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {"reports": []}
    return {r["file"]: Overrides(city=r.get("city"), year=r.get("year"), title=r.get("title"),
                                 department=r.get("department"), report_type=r.get("report_type"),
                                 place=r.get("place")) for r in data.get("reports", [])}


def extract(doc: str) -> list[tuple[Statement, Report]]:
    """What ingest stores for the document: its reports' statements."""
    path = ROOT / doc if doc.startswith("corpus/") else REALDATA / doc
    user = corpus_overrides().get(path.name, Overrides())
    out = []
    for src in sources_of(path, path.name, max_pages=2000):
        parsed = src.parse()
        report = build_report(parsed, src.data, src.name, merge(user, src.hints))
        chunks = number_chunks(parsed.chunks, report.doc_id)
        sts = statements_from_paragraphs(parsed.paragraphs, year=report.year, report_type=report.report_type,
                                         section_of=section_finder(chunks))
        out += [(st, report) for st in sts]
    return out


def same_sentence(gold: str, ours: str) -> bool:
    g, o = squash(gold), squash(ours)
    return bool(g and o) and (g == o or (len(o) >= 12 and o in g) or (len(g) >= 12 and g in o))


def overlap(a: str, b: str) -> bool:
    a, b = squash(a), squash(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return any(a[i:i + 4] in b for i in range(0, max(1, len(a) - 3)))


def matches(g: dict, st: Statement) -> bool:
    if g["claim"] != st.claim:
        return False
    if g["claim"] == "figure":
        if g.get("value") is None or st.value is None:
            return False
        gv, gu = standard(float(g["value"]), unit_of(g.get("unit")))
        sv, su = standard(abs(st.value), unit_of(st.unit))
        return abs(abs(gv) - sv) <= 1e-6 * max(1.0, abs(gv)) and (gu == su or unit_of(g.get("unit")) == unit_of(st.unit))
    return overlap(g.get("text") or g.get("rank") or "", st.text) or overlap(g.get("rank") or "", st.rank)


@dataclass
class Score:
    gold: int = 0
    extracted: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0


def place_ok(g: dict, r: Report) -> bool:
    return g["place"] in {r.province, r.city, r.district, r.place} or (r.place or "").endswith(g["place"])


def field_ok(field: str, g: dict, st: Statement, r: Report) -> bool:
    if field == "place":
        return place_ok(g, r)
    if field == "period_kind":
        return (g.get("period_kind") or "") == st.period_kind
    if field == "year":
        return g.get("year") == st.period_year and (g.get("year_end") or None) == st.period_end
    if field == "metric":
        return squash(g.get("metric")) == squash(st.metric)
    if field == "value":
        return g.get("value") is None or abs(float(g["value"]) - abs(st.value or 0)) < 1e-9 or \
            abs(float(g["value"]) - (st.value or 0)) < 1e-9
    if field == "unit":
        return g.get("unit") is None or unit_of(g.get("unit")) == unit_of(st.unit)
    raise ValueError(field)


def score(gold_lines: list[dict]) -> dict:
    cache: dict[str, list[tuple[Statement, Report]]] = {}
    total, by_source = Score(), {}
    right = {f: 0 for f in FIELDS}
    misses, extras = [], []
    for line in gold_lines:
        doc = line["doc"]
        if doc not in cache:
            cache[doc] = extract(doc)
        ours = [(st, r) for st, r in cache[doc] if same_sentence(line["sentence"], st.sentence)]
        source = "provincial" if "gov-work-reports" in doc else Path(doc).stem[:12]
        s = by_source.setdefault(source, Score())
        used: set[int] = set()
        for g in line["statements"]:
            hit = next((i for i, (st, _) in enumerate(ours) if i not in used and matches(g, st)), None)
            if hit is None:
                misses.append({"doc": doc, "gold": g})
                continue
            used.add(hit)
            st, r = ours[hit]
            for f in FIELDS:
                right[f] += field_ok(f, {**g, "place": line["place"]}, st, r)
        extras += [{"doc": doc, "text": st.text, "metric": st.metric, "value": st.value}
                   for i, (st, _) in enumerate(ours) if i not in used]
        for sc in (total, s):
            sc.gold += len(line["statements"])
            sc.extracted += len(ours)
            sc.matched += len(used)
    fields = {f: round(right[f] / total.matched, 3) if total.matched else 0.0 for f in FIELDS}
    return {"sentences": len(gold_lines), "gold": total.gold, "extracted": total.extracted,
            "matched": total.matched, "precision": round(total.precision, 3), "recall": round(total.recall, 3),
            "fields": fields,
            "by_source": {k: {"gold": v.gold, "extracted": v.extracted, "matched": v.matched,
                              "precision": round(v.precision, 3), "recall": round(v.recall, 3)}
                          for k, v in by_source.items()},
            "misses": misses, "extras": extras}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print this many misses and extras")
    args = ap.parse_args()
    lines = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    res = score(lines)
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if k not in ("misses", "extras")}, ensure_ascii=False, indent=1))
        return 0
    print(f"statements gold: {res['sentences']} sentences, {res['gold']} gold statements, "
          f"{res['extracted']} extracted in those sentences, {res['matched']} matched")
    print(f"precision {res['precision']:.1%}  recall {res['recall']:.1%}")
    print("over matched pairs: " + ", ".join(f"{k} {v:.1%}" for k, v in res["fields"].items()))
    for k, v in res["by_source"].items():
        print(f"  {k:14s} gold {v['gold']:4d} extracted {v['extracted']:4d} matched {v['matched']:4d} "
              f"P {v['precision']:.1%} R {v['recall']:.1%}")
    for m in res["misses"][: args.show]:
        print("MISS", m["doc"][-24:], json.dumps(m["gold"], ensure_ascii=False)[:200])
    for e in res["extras"][: args.show]:
        print("EXTRA", e["doc"][-24:], e["metric"], e["value"], e["text"][:60])
    return 0


if __name__ == "__main__":
    sys.exit(main())
