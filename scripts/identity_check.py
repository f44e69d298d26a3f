#!/usr/bin/env python3
"""Report identity as ingest reads it, against the hand-written manifest (tests/identity/).

For every file of ../shared/realdata the manifest lists (every row of a CSV export): the place,
organization, year and type ingest gives it (parsed, not embedded: fast), compared field by field;
files the manifest says are not reports; and the files whose identity collides with another's —
under a replace-on-same-identity rule, those would replace one another.

    .venv/bin/python scripts/identity_check.py [--json OUT] [FOLDER ...]

A measurement: exits 0 whatever it finds. Scanned pages are not read (OCR off), so a scanned
report counts as unread.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from index.ingest.bulk import prepare_file
from index.ingest.report import Overrides
from index.ingest.versions import same_document
from index.names.metadata import canonical_org, resolve_place

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
MANIFEST = ROOT / "tests" / "identity"
FIELDS = ("place", "organization", "year", "type")


def manifest(folders: list[str]) -> list[dict]:
    files = sorted(MANIFEST.glob("*.jsonl"))
    rows = [json.loads(ln) for f in files if not folders or f.stem in folders
            for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return rows


def read_identities(path: Path) -> dict[str, dict]:
    """Source name ("x.csv#3" for a CSV row) → the identity ingest gives it, or its error."""
    parsed = prepare_file(str(path), Overrides(), 2000)      # as an ingest worker does, OCR off
    if parsed.error:
        return {path.name: {"error": parsed.error}}
    return {prep.name: {"place": prep.report.place, "organization": prep.report.department,
                        "year": prep.report.year, "type": prep.report.report_type,
                        "identity": prep.report.identity(), "unsure": list(prep.report.unsure),
                        "evidence": list(prep.report.evidence), "text": "\n".join(t for _, t in prep.pages)}
            for prep, _ in parsed.reports}


def same(field: str, want: dict, got: dict) -> bool:
    """One field as the manifest has it. Organizations compare by their canonical form: the
    manifest writes a document's own spelling ("中国共产党广州市委员会宣传部", "洪泽区人民政府"),
    the store one form per organization ("中共广州市委宣传部", "淮安市洪泽区人民政府")."""
    if field != "organization" or not want.get(field) or not got.get(field):
        return got.get(field) == want.get(field)
    place = resolve_place(want.get("place"))
    return canonical_org(want[field], place) == canonical_org(got[field], place)


def compare(rows: list[dict], jobs: int = 2) -> dict:
    by_file: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_file[row["path"].split("#")[0]].append(row)
    results, identities, texts = [], defaultdict(list), {}
    files = sorted(by_file)
    ctx = multiprocessing.get_context("spawn")     # no fork of a process that may hold torch threads
    with ProcessPoolExecutor(max(1, min(jobs, os.cpu_count() or 1)), mp_context=ctx) as pool:
        read = dict(zip(files, pool.map(read_identities, [REALDATA / rel for rel in files])))
    for rel, group in sorted(by_file.items()):
        got = read[rel]
        print(f"{rel}: {len(got)} source(s)", file=sys.stderr, flush=True)
        for row in group:
            name = Path(row["path"]).name
            seen = got.get(name) or (got.get(Path(rel).name) if "#" not in row["path"] else None) or {}
            texts[row["path"]] = seen.get("text", "")
            res = {"path": row["path"], "report": row["report"],
                   "got": {k: v for k, v in seen.items() if k != "text"}}
            if row["report"]:
                res["fields"] = {k: same(k, row, seen) for k in FIELDS}
            else:
                res["refused"] = "error" in seen
            if seen.get("identity"):       # a non-report taken in collides like a report
                identities[seen["identity"]].append(row["path"])
            results.append(res)
    collisions = {k: v for k, v in identities.items() if len(v) > 1}
    # ingested in path order, a file replaces an earlier one of its identity only when it is the same document
    replaced = [p for group in collisions.values() for i, p in enumerate(group)
                if any(same_document(texts[q], texts[p]) for q in group[:i])]
    return {"results": results, "collisions": collisions, "replacing": replaced}


def summary(out: dict) -> str:
    reports = [r for r in out["results"] if r["report"]]
    others = [r for r in out["results"] if not r["report"]]
    exact = sum(all(r["fields"].values()) for r in reports)
    per_field = Counter(k for r in reports for k, ok in r["fields"].items() if ok)
    wrong = [r for r in reports if not all(r["fields"].values()) and "error" not in r["got"]]
    unread = [r for r in reports if "error" in r["got"]]
    confident = [r for r in wrong if not set(k for k, ok in r["fields"].items() if not ok) <= unsure_fields(r)]
    lost = sum(len(v) - 1 for v in out["collisions"].values())
    versions = out["replacing"]
    kept_other = [r for r in others if "error" not in r["got"]]
    lines = [f"reports {len(reports)}: identical on all four fields {exact} ({100 * exact / max(1, len(reports)):.1f} %)",
             "  per field: " + ", ".join(f"{k} {per_field[k]}" for k in FIELDS),
             f"  differing {len(wrong)}: marked unsure {len(wrong) - len(confident)}, confidently wrong "
             f"{len(confident)} ({', '.join(r['path'] for r in confident) or 'none'})",
             f"  refused (not read: {len(unread)}): {', '.join(r['path'] for r in unread) or 'none'}",
             f"not reports {len(others)}: refused {sum(r['refused'] for r in others)}; kept: "
             + (", ".join(f"{r['path']} as {r['got'].get('type')}" for r in kept_other) or "none"),
             f"identity collisions: {len(out['collisions'])} groups: {lost} file(s) replace-on-identity would drop; "
             f"{len(versions)} replace a version of the same document now ({', '.join(versions) or 'none'})"]
    return "\n".join(lines)


def unsure_fields(result: dict) -> set[str]:
    return set(result["got"].get("unsure", ()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", help="manifest names (folder names); default every one")
    ap.add_argument("--json", type=Path, help="write every comparison here")
    args = ap.parse_args()
    out = compare(manifest(args.folders))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(summary(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
