#!/usr/bin/env python3
"""Score every evaluation set on the store it needs, through HTTP (../shared/eval/run_eval.py).

    .venv/bin/python scripts/eval_sets.py                  # all sets
    .venv/bin/python scripts/eval_sets.py dev dev_depts    # some
    .venv/bin/python scripts/eval_sets.py --rebuild        # rebuild the stores
    .venv/bin/python scripts/eval_sets.py --postgres       # the same on PostgreSQL + pgvector

With --postgres each set gets a fresh database on a PostgreSQL + pgvector server started here
(the pgserver wheel, data in store-eval-pg/), always rebuilt; the scores should equal SQLite's.
Each set names the documents its store holds (the shipped corpus and/or a `.docs` list of
paths under ../shared/realdata). Stores live in store-eval/<set>/ and are reused while the
documents and the ingest code (index/**/*.py) are unchanged; a rebuild re-embeds nothing the
embedding cache already holds. A measurement: exits 0 whatever the score; non-zero only when
a store cannot be built or the service does not start.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
QA = ROOT / ".venv" / "bin" / "qa"
STORES = ROOT / "store-eval"
STORES_PG = ROOT / "store-eval-pg"

# name: (with corpus/, docs list or None, question file)
SETS = {
    "dev": (True, None, SHARED / "eval" / "dev.jsonl"),
    "dev_depts": (True, SHARED / "eval" / "dev_depts.docs", SHARED / "eval" / "dev_depts.jsonl"),
    "heldout_depts": (True, ROOT / "tests/questions/heldout/depts.docs", ROOT / "tests/questions/heldout/depts.jsonl"),
    "heldout_provinces": (True, ROOT / "tests/questions/heldout/provinces.docs",
                          ROOT / "tests/questions/heldout/provinces.jsonl"),
    "heldout_achievements": (True, ROOT / "tests/questions/heldout/achievements.docs",
                             ROOT / "tests/questions/heldout/achievements.jsonl"),
    "heldout_cities": (True, ROOT / "tests/questions/heldout/cities.docs", ROOT / "tests/questions/heldout/cities.jsonl"),
    "heldout_jiangsu": (True, ROOT / "tests/questions/heldout/jiangsu.docs", ROOT / "tests/questions/heldout/jiangsu.jsonl"),
    "heldout_runin": (True, ROOT / "tests/questions/heldout/runin.docs", ROOT / "tests/questions/heldout/runin.jsonl"),
}

# The clock each set is asked against (QA_TODAY): the sets are written as of the year their
# reports were current, so "今年" in a question about the 2024 city reports means 2024.
AS_OF_DEFAULT = "2026-06-30"
AS_OF = {"heldout_cities": "2024-06-30", "conv_cities": "2024-06-30"}


def as_of(name: str) -> str:
    return AS_OF.get(name, AS_OF_DEFAULT)


def documents(with_corpus: bool, docs: Path | None) -> list[Path]:
    files = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".pdf", ".md")) if with_corpus else []
    if docs is not None:
        files += [SHARED / "realdata" / line.strip() for line in docs.read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        sys.exit(f"eval_sets: documents not found: {missing[:3]}")
    return files


EMBED_ENV = ("QA_EMBED_BACKEND", "QA_EMBED_PRECISION", "QA_EMBED_FIGURE_TABLES", "QA_MODEL_PATH")


def key_of(files: list[Path]) -> str:
    """Documents (path, size, mtime), the ingest code and the embedding settings: a change rebuilds."""
    h = hashlib.sha256()
    h.update("".join(f"{k}={os.environ.get(k, '')}\n" for k in EMBED_ENV).encode())
    for p in files:
        st = p.stat()
        h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    for p in sorted((ROOT / "index").rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:20]


def postgres_env(name: str) -> dict:
    """A fresh database for the set on a local PostgreSQL + pgvector (started once)."""
    import pgserver
    import psycopg
    STORES_PG.mkdir(exist_ok=True)
    server = pgserver.get_server(STORES_PG / "pgdata", cleanup_mode=None)
    uri = server.get_uri()
    db = f"qa_eval_{name}"
    with psycopg.connect(uri, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{db}"')
    head, _, query = uri.partition("?")
    return {"QA_DATABASE_URL": head.rsplit("/", 1)[0] + "/" + db + ("?" + query if query else "")}


def build(name: str, files: list[Path], rebuild: bool, postgres: bool = False) -> tuple[Path, dict]:
    if postgres:
        store, env = STORES_PG / name, postgres_env(name)
        shutil.rmtree(store, ignore_errors=True)
        print(f"[eval_sets] {name}: building {env['QA_DATABASE_URL'].split('?')[0]} from {len(files)} documents",
              flush=True)
        ingest(name, store, files, env)
        return store, env
    store = STORES / name
    key = key_of(files)
    key_file = store / "eval-key.json"
    if not rebuild and key_file.exists() and json.loads(key_file.read_text())["key"] == key:
        print(f"[eval_sets] {name}: reusing {store.relative_to(ROOT)}", flush=True)
        return store, {}
    shutil.rmtree(store, ignore_errors=True)
    print(f"[eval_sets] {name}: building {store.relative_to(ROOT)} from {len(files)} documents", flush=True)
    ingest(name, store, files, {})
    key_file.write_text(json.dumps({"key": key}))
    return store, {}


def ingest(name: str, store: Path, files: list[Path], extra_env: dict) -> None:
    env = dict(os.environ, QA_STORE=str(store), **extra_env)
    res = subprocess.run([str(QA), "ingest", *map(str, files)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tail = [ln for ln in res.stdout.splitlines() if ln.startswith(("ingested", "store", "error"))]
    print("\n".join("    " + ln for ln in tail), flush=True)
    if res.returncode not in (0, 2):
        sys.exit(f"eval_sets: ingest for {name} failed ({res.returncode})")


def run(name: str, store: Path, questions: Path, out: Path | None, extra_env: dict) -> str:
    cmd = [sys.executable, str(SHARED / "eval" / "run_eval.py"), "--questions", str(questions),
           "--serve", f"{QA} serve --host 127.0.0.1 --port {{port}}"]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        cmd += ["--json-out", str(out / f"{name}.json")]
    res = subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, QA_STORE=str(store), QA_TODAY=as_of(name), **extra_env),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = res.stdout.strip().splitlines()
    for ln in lines:
        if ln.startswith("FAIL"):
            print("    " + ln, flush=True)
    summary = lines[-1] if lines else "(no output)"
    print(f"[eval_sets] {name}: {summary}", flush=True)
    return summary


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*", choices=[[], *SETS], default=[])
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--postgres", action="store_true", help="PostgreSQL + pgvector stores (fresh each run)")
    args = ap.parse_args()
    names = args.sets or list(SETS)
    results = {}
    for name in names:
        with_corpus, docs, questions = SETS[name]
        store, env = build(name, documents(with_corpus, docs), args.rebuild, args.postgres)
        results[name] = run(name, store, questions, args.json_out, env)
    print("\n".join(f"{n:18s} {s}" for n, s in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
