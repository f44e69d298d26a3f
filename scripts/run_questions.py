#!/usr/bin/env python3
"""Run the project's own question sets (tests/questions/*.jsonl) against the service.

    .venv/bin/python scripts/run_questions.py                       # both files
    .venv/bin/python scripts/run_questions.py --questions tests/questions/seeds.jsonl
    .venv/bin/python scripts/run_questions.py --json-out test-output/questions

1. Builds (or reuses) a store in store-questions/ holding corpus/ plus the real PDFs
   listed in REAL_PDFS: `qa ingest corpus <pdfs>` with QA_STORE=store-questions.
   The store is reused while the list of ingested files and their mtimes/sizes is
   unchanged (recorded in store-questions/questions-key.json); --rebuild forces it.
2. For each question file runs ../shared/eval/run_eval.py with
   --serve ".venv/bin/qa serve --port {port}" (QA_STORE set), which starts the
   service, asks every question and grades it.
3. Prints run_eval's per-file summary line and a breakdown by the questions' own
   "kind" field (joined on id with run_eval's --json-out results).

It is a measurement: it exits 0 however many questions fail. It exits non-zero only
when the store cannot be built or the service cannot start.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
STORE = ROOT / "store-questions"
KEY_FILE = STORE / "questions-key.json"
QA = ROOT / ".venv" / "bin" / "qa"
RUN_EVAL = SHARED / "eval" / "run_eval.py"
DEFAULT_QUESTIONS = ["tests/questions/seeds.jsonl", "tests/questions/realdata.jsonl"]

_GD = "realdata/renwu-2026-dept-budgets-guangdong"
REAL_PDFS = [
    # 广州 2026 部门预算 (政务服务和数据管理局)
    _GD + "/005_广州/政务服务和数据管理局_2026年广州市政务服务和数据管理局部门预算.pdf.pdf",
    # 广州 2026 部门整体预算绩效目标申报表
    _GD + "/005_广州/政务服务和数据管理局_广州市政务服务和数据局2026年部门整体预算绩效目标申报表.pdf.pdf",
    # 佛山 2019 部门决算 (轨道交通局)
    _GD + "/022_佛山/交通运输局_2019年佛山市轨道交通局部门决算.pdf",
    # 上海 2024 部门决算 (普陀区财政局)
    "realdata/putuo-shanghai-budgets/上海市普陀区财政局2024年度部门决算.pdf",
    # 深圳 2026 部门预算 (统计局)
    _GD + "/003_深圳/统计局_2026年部门预算.pdf",
]


def rel(p):
    try:
        return str(Path(p).relative_to(ROOT))
    except ValueError:
        return str(p)


def log(msg):
    print("[run_questions] " + msg, flush=True)


def ingest_inputs():
    """Every file `qa ingest` will read, as absolute paths."""
    corpus = sorted(p for p in (ROOT / "corpus").iterdir() if p.is_file())
    pdfs = [SHARED / p for p in REAL_PDFS]
    missing = [str(p) for p in pdfs if not p.exists()]
    if missing:
        sys.exit("run_questions: real PDFs not found: %s" % missing)
    return corpus, pdfs


def store_key(files):
    key = []
    for p in files:
        st = p.stat()
        key.append([rel(p), st.st_mtime_ns, st.st_size])
    return {"files": key}


def build_store(env, rebuild):
    corpus, pdfs = ingest_inputs()
    key = store_key(corpus + pdfs)
    if not rebuild and KEY_FILE.exists():
        try:
            if json.loads(KEY_FILE.read_text(encoding="utf-8")) == key:
                log("reusing %s (inputs unchanged)" % rel(STORE))
                return
        except (OSError, ValueError):
            pass
    if STORE.exists():
        shutil.rmtree(STORE)
    STORE.mkdir(parents=True)
    cmd = [str(QA), "ingest", "corpus"] + [str(p) for p in pdfs]
    log("building %s: qa ingest corpus + %d PDFs" % (rel(STORE), len(pdfs)))
    t = time.time()
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    if rc != 0:
        sys.exit("run_questions: `qa ingest` failed with exit code %d" % rc)
    KEY_FILE.write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    log("store built in %.0fs" % (time.time() - t))


def load_questions(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def breakdown(questions, results):
    """{kind: [passed, total]} and {(type, kind): ...} joined on id."""
    by_id = {r["id"]: r for r in results}
    kinds, types = {}, {}
    for q in questions:
        r = by_id.get(q["id"])
        ok = bool(r and r.get("ok"))
        for table, k in ((kinds, q.get("kind", "?")), (types, q["type"])):
            table.setdefault(k, [0, 0])
            table[k][0] += ok
            table[k][1] += 1
    return kinds, types


def fmt(table):
    return "  ".join("%s=%d/%d" % (k, v[0], v[1]) for k, v in sorted(table.items()))


def run_file(qfile, env, json_dir, start_timeout):
    questions = load_questions(qfile)
    out_json = (json_dir / (qfile.stem + ".json")) if json_dir else \
        Path(tempfile.mkstemp(prefix="questions-", suffix=".json")[1])
    cmd = [sys.executable, str(RUN_EVAL), "--questions", str(qfile),
           "--serve", "%s serve --port {port}" % os.path.relpath(QA, ROOT),
           "--start-timeout", str(start_timeout), "--json-out", str(out_json)]
    log("%s: %d questions" % (rel(qfile), len(questions)))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    summary = next((l for l in reversed(proc.stdout.splitlines()) if l.startswith("eval:")), None)
    if proc.returncode != 0 or summary is None or not out_json.exists():
        return None
    results = json.loads(out_json.read_text(encoding="utf-8"))
    if not json_dir:
        out_json.unlink()
    kinds, types = breakdown(questions, results)
    return {"file": qfile.name, "summary": summary, "kinds": kinds, "types": types,
            "failed": [r for r in results if not r["ok"]]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", nargs="+", default=DEFAULT_QUESTIONS,
                    help="question files (JSONL), relative to the repo root")
    ap.add_argument("--json-out", help="directory for per-question results (<file stem>.json)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild store-questions/ even if unchanged")
    ap.add_argument("--start-timeout", type=int, default=600)
    a = ap.parse_args()

    if not QA.exists():
        sys.exit("run_questions: %s not found (run `make install`)" % QA)
    env = dict(os.environ, QA_STORE=str(STORE))
    build_store(env, a.rebuild)

    json_dir = None
    if a.json_out:
        json_dir = Path(a.json_out)
        if not json_dir.is_absolute():
            json_dir = ROOT / json_dir
        json_dir.mkdir(parents=True, exist_ok=True)

    reports, broken = [], []
    for q in a.questions:
        qfile = Path(q)
        if not qfile.is_absolute():
            qfile = ROOT / qfile
        rep = run_file(qfile, env, json_dir, a.start_timeout)
        (reports if rep else broken).append(rep or qfile.name)

    print()
    print("=" * 72)
    for rep in reports:
        print("%-16s %s" % (rep["file"], rep["summary"]))
        print("%-16s by kind: %s" % ("", fmt(rep["kinds"])))
    if len(reports) > 1:
        allk = {}
        for rep in reports:
            for k, (p, n) in rep["kinds"].items():
                allk.setdefault(k, [0, 0])
                allk[k][0] += p
                allk[k][1] += n
        tot_p = sum(v[0] for v in allk.values())
        tot_n = sum(v[1] for v in allk.values())
        print("%-16s %d/%d passed (%.0f%%)" % ("ALL", tot_p, tot_n, 100.0 * tot_p / max(1, tot_n)))
        print("%-16s by kind: %s" % ("", fmt(allk)))
    if broken:
        print("service did not start / run_eval failed for: %s" % ", ".join(broken))
        sys.exit(1)


if __name__ == "__main__":
    main()
