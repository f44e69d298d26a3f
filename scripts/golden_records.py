#!/usr/bin/env python3
"""Every record an ingest derives from a set of files, without embedding: a canonical JSON line
per report (identity, sections, chunks, tokens, facts, statements), to compare two versions of
the code (`diff` the outputs). Scanned pages are not read (OCR off): a refactor check, not a bench.

    PYTHONPATH=. .venv/bin/python scripts/golden_records.py OUT.jsonl FILE_OR_DIR...
    PYTHONPATH=. .venv/bin/python scripts/golden_records.py OUT.jsonl @LIST   # one path a line
"""
from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

try:
    from index.ingest.bulk import prepare_file
    from index.ingest.report import Overrides, expand_paths
except ImportError:  # the flat layout before index/ became packages
    from index.bulk_ingest import prepare_file

    from index.ingest import Overrides, expand_paths


def plain(obj):
    if dataclasses.is_dataclass(obj):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if f.name not in ("ingested_at",)}
    if isinstance(obj, (list, tuple)):
        return [plain(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, float):
        return round(obj, 9)
    return obj if isinstance(obj, (str, int, type(None), bool)) else repr(obj)


def main() -> int:
    out, args = Path(sys.argv[1]), sys.argv[2:]
    if len(args) == 1 and args[0].startswith("@"):
        args = [ln for ln in Path(args[0][1:]).read_text(encoding="utf-8").splitlines() if ln.strip()]
    paths = [Path(p) for p in args]
    with out.open("w", encoding="utf-8") as fh:
        for path in expand_paths(paths):
            parsed = prepare_file(str(path), Overrides(), 2000)      # as an ingest worker does, OCR off
            for prep, _ in parsed.reports:
                fh.write(json.dumps({"file": str(path), "source": prep.name, "prepared": plain(prep)},
                                    ensure_ascii=False, sort_keys=True) + "\n")
            if parsed.error:
                fh.write(json.dumps({"file": str(path), "error": parsed.error}, ensure_ascii=False) + "\n")
            print(path.name, file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
