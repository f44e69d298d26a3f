"""Gold evaluation: precision / recall of (subject, measure, value, unit) per gold file.

Subject match: equal after normalise_subject, or one contains the other (≥ 2 chars);
measure and unit must be equal, value within 0.005.  Table gold lists every cell of
its table, so precision is over all facts extracted from that table; prose gold lists
every figure of its sentences, so precision is over facts extracted from them."""
from __future__ import annotations

import difflib
import functools
import json
import re
from pathlib import Path

import pytest

from index.extract.facts import extract_facts
from index.extract.numbers import to_halfwidth
from index.records import Paragraph, Table
from index.extract.subjects import normalise_subject

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _subj_eq(a: str, b: str) -> bool:
    a, b = normalise_subject(a), normalise_subject(b)
    return a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a))


def _match(g: dict, f) -> bool:
    return (_subj_eq(g["subject"], f.subject) and g["measure"] == f.measure and g["unit"] == f.unit
            and abs(float(g["value"]) - f.value) <= 0.005)


def score(gold: list[dict], facts: list) -> tuple[int, int, int]:
    """(true positives on gold side, matched extracted facts, ...) → tp_recall, tp_precision."""
    rec = sum(1 for g in gold if any(_match(g, f) for f in facts))
    prec = sum(1 for f in facts if any(_match(g, f) for g in gold))
    return rec, prec, len(facts)


def _facts_for(spec: dict) -> list:
    if spec["kind"] == "table":
        path = SHARED / spec["source"]
        if not path.exists():
            pytest.skip(f"missing {path}")
        lines = path.read_text(encoding="utf-8").splitlines()
        a, b = spec["lines"]
        t = Table(page=1, page_end=1, title=spec.get("title", ""), unit=None, lines=tuple(lines[a - 1:b]))
        return extract_facts([t], [])
    if spec["kind"] == "pdf_table":
        import pdfplumber
        path = SHARED / spec["source"]
        if not path.exists():
            pytest.skip(f"missing {path}")
        with pdfplumber.open(path) as pdf:
            grids = [g for p in spec["pages"] for g in pdf.pages[p - 1].extract_tables()]
        i = spec.get("table_index", 0)
        grids = grids[i:i + spec.get("n_tables", 1)]
        ts = [Table(page=spec["pages"][0], page_end=spec["pages"][-1], title=spec.get("title", ""), unit=spec.get("unit"),
                    lines=tuple("\t".join(c or "" for c in r) for r in g), cells=tuple(tuple(r) for r in g)) for g in grids]
        return extract_facts(ts, [])
    if spec["kind"] == "parsed_pdf_table":
        doc = _parsed(spec["source"])
        pages = spec["pages"]
        ts = [t for t in doc.tables if pages[0] <= t.page <= pages[-1] and spec["title_contains"] in t.title]
        assert ts, f"no table {spec['title_contains']} on pages {pages}"
        return extract_facts(ts, [])
    raise ValueError(spec["kind"])


@functools.lru_cache(maxsize=None)
def _parsed(rel: str):
    """The REAL parser on a real PDF (cached: several gold files share a document)."""
    from index.read.parse import parse_file
    path = SHARED / rel
    if not path.exists():
        pytest.skip(f"missing {path}")
    return parse_file(path)


@functools.lru_cache(maxsize=None)
def _prose_facts(rel: str) -> tuple:
    doc = _parsed(rel)
    return tuple(extract_facts([], list(doc.paragraphs)))


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(s)).replace("（", "(").replace("）", ")")


def _in_passage(fact_text: str, passage: str) -> bool:
    """A fact belongs to a gold passage when its source sentence lies inside the passage
    (most of it: the parser may glue a heading in front of the first sentence)."""
    a, b = _norm(fact_text), _norm(passage)
    if not a:
        return False
    if a in b:
        return True
    m = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    # the sentence = something glued in front + the start of the passage
    return m.b == 0 and m.a + m.size == len(a) and m.size >= max(12, 0.6 * len(a))


def _passage_facts(spec: dict, passage: dict) -> list:
    pg = passage["page"]
    return [f for f in _prose_facts(spec["source"]) if abs(f.page - pg) <= 1 and _in_passage(f.text, passage["text"])]


def _gold_files():
    return sorted(GOLD.glob("*.json"))


def evaluate_all(verbose=True):
    total = [0, 0, 0, 0]   # gold n, recall tp, extracted n, precision tp
    rows = []
    for p in _gold_files():
        spec = json.loads(p.read_text(encoding="utf-8"))
        if spec["kind"] == "parsed_pdf_prose":
            if not (SHARED / spec["source"]).exists():
                continue
            fr = [0, 0, 0, 0]
            for s in spec["passages"]:
                facts = _passage_facts(spec, s)
                r, pr, n = score(s["facts"], facts)
                fr[0] += len(s["facts"]); fr[1] += r; fr[2] += n; fr[3] += pr
                if verbose and (r < len(s["facts"]) or pr < n):
                    for g in s["facts"]:
                        if not any(_match(g, f) for f in facts):
                            print("  MISS", p.stem, g)
                    for f in facts:
                        if not any(_match(g, f) for g in s["facts"]):
                            print("  EXTRA", p.stem, f.subject, f.measure, f.value, f.unit, "|", f.text[:40])
            for k in range(4):
                total[k] += fr[k]
            rows.append((p.stem, fr[0], fr[1], fr[2], fr[3]))
            continue
        if spec["kind"] == "prose":
            for s in spec["sentences"]:
                facts = extract_facts([], [Paragraph(text=s["text"], page=1, page_end=1)])
                r, pr, n = score(s["facts"], facts)
                total[0] += len(s["facts"]); total[1] += r; total[2] += n; total[3] += pr
                rows.append((p.stem + ":" + s["text"][:12], len(s["facts"]), r, n, pr))
                if verbose and (r < len(s["facts"]) or pr < n):
                    for g in s["facts"]:
                        if not any(_match(g, f) for f in facts):
                            print("  MISS", g)
                    for f in facts:
                        if not any(_match(g, f) for g in s["facts"]):
                            print("  EXTRA", f.subject, f.measure, f.value, f.unit)
            continue
        try:
            facts = _facts_for(spec)
        except pytest.skip.Exception:
            continue
        r, pr, n = score(spec["facts"], facts)
        total[0] += len(spec["facts"]); total[1] += r; total[2] += n; total[3] += pr
        rows.append((p.stem, len(spec["facts"]), r, n, pr))
        if verbose:
            for g in spec["facts"]:
                if not any(_match(g, f) for f in facts):
                    print("  MISS", p.stem, g)
            for f in facts:
                if not any(_match(g, f) for g in spec["facts"]):
                    print("  EXTRA", p.stem, f.subject, f.measure, f.value, f.unit)
    if verbose:
        for name, gn, r, n, pr in rows:
            print(f"{name:40s} recall {r}/{gn} = {r / max(gn, 1):.1%}   precision {pr}/{n} = {pr / max(n, 1):.1%}")
        print(f"OVERALL recall {total[1]}/{total[0]} = {total[1] / max(total[0], 1):.1%}   "
              f"precision {total[3]}/{total[2]} = {total[3] / max(total[2], 1):.1%}")
    return total


def test_gold_precision_recall():
    total = evaluate_all()
    assert total[0] > 0
    assert total[1] / total[0] >= 0.95
    assert total[3] / max(total[2], 1) >= 0.98


def test_real_pdf_gold_present():
    """At least three real PDFs (budget, performance form, final accounts) carry gold,
    with ≥ 20 prose figures among them."""
    specs = [json.loads(p.read_text(encoding="utf-8")) for p in _gold_files()]
    real = [s for s in specs if s["kind"].startswith("parsed_pdf")]
    assert len({s["source"] for s in real}) >= 3
    assert sum(len(x["facts"]) for s in real if s["kind"] == "parsed_pdf_prose" for x in s["passages"]) >= 20


if __name__ == "__main__":
    evaluate_all()
