#!/usr/bin/env python
"""Ingest before / after (issue 21), side by side in one run on the same files: `bulk_ingest` (the
code `qa ingest` runs) into a fresh store, wall time for the same files, pages/s for the budget
PDFs and characters/s for the city work reports, and the share spent embedding.

* before — the defaults before issue 21: sentence-transformers fp32, one embedding thread beside
  the parsing worker, every chunk embedded, no embedding cache;
* after — today's defaults (Settings()): sentence-transformers in bfloat16 where the CPU computes it
  natively (AMX / AVX512-BF16; fp32 elsewhere) on every core (one batch per core at once, a thread
  each), in batches of texts of about one length (long and short passages apart, not 32 padded to
  the longest), a text repeated
  within the run embedded once, the embedding cache on (an empty file: nothing from an earlier run),
  tables of figures left without a vector (index/search/vectorless.py).

The models are loaded before the clock starts, in both. Run by scripts/bench.py (`make bench`,
section 1b); alone:

    .venv/bin/python scripts/bench_speed.py [--quick] [--steps]    # prints Markdown, JSON to --json
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.ingest.bulk import bulk_ingest, default_workers  # noqa: E402
from index.search.embed import SentenceTransformerEmbedder, cpu_threads, make_embedder  # noqa: E402
from index.search.vectorless import every_chunk, needs_vector  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.store.sqlite import SqliteStore  # noqa: E402

REAL = ROOT.parent / "shared" / "realdata"
SZ = REAL / "renwu-2026-dept-budgets-guangdong" / "003_深圳"
BUDGETS = [SZ / f"{n}_2026年部门预算.pdf" for n in ("信访局", "审计局", "统计局", "司法局", "民政局")]
CITIES = REAL / "city-gov-work-reports-2024"


SPEED_NOTE = ("`bulk_ingest` (what `qa ingest` runs: one parsing worker, this process embeds and writes) into a "
              "fresh store, on the same files, back to back. **before** = the defaults before issue 21: "
              "sentence-transformers fp32 with one thread beside the parsing worker, every chunk embedded, no "
              "embedding cache. **after** = today's defaults: sentence-transformers in bfloat16 (the CPU's AMX / "
              "AVX512-BF16; fp32 where it has neither) on every core (one batch per core at once, a thread "
              "each), in batches of texts of about one length "
              "(not padded to the longest of a file), a text "
              "repeated within the run embedded once (through the embedding cache, an empty file here), tables of "
              "figures left without a vector (BM25 and the fact table answer them). Models "
              "loaded before the clock starts. Wall time for the same files; pages/s for the PDFs, characters/s "
              "for the text reports; CPU s = this process and its parsing worker (load-independent); the "
              "machine's 2 cores are shared, so the load average is given.")


def city_reports() -> list[Path]:
    """The 山东 / 江苏 / 浙江 entries of INDEX.txt (tests/questions/heldout/conversations.md)."""
    out = []
    for line in (CITIES / "INDEX.txt").read_text(encoding="utf-8").splitlines():
        if re.match(r"^(山东|江苏|浙江) ", line):
            out.append(CITIES / (line.split(" | ")[1] + ".txt"))
    return [p for p in out if p.exists()]


def before_embedder(settings: Settings, workers: int):
    """The passage embedder `qa ingest` built before issue 21."""
    return SentenceTransformerEmbedder(settings.model_path, name=settings.model_name,
                                       num_threads=max(1, cpu_threads() - workers))


def step_embedders(settings: Settings, workers: int, cache: Path) -> dict:
    """The pipelines measured: before, the steps one at a time, after (builders, called when run)."""
    from index.search.onnx_embed import OnnxEmbedder
    one = max(1, cpu_threads() - workers)
    st = lambda precision, threads=None, streams=1: SentenceTransformerEmbedder(  # noqa: E731
        settings.model_path, name=settings.model_name, num_threads=threads, precision=precision,
        streams=streams)
    return {
        "before": lambda: before_embedder(settings, workers),
        "st fp32, every core": lambda: st("fp32"),
        "st bf16, one thread": lambda: st("bf16", one),
        "st bf16, every core": lambda: st("bf16"),
        "st bf16, a batch per core at once": lambda: st("bf16", None, cpu_threads()),
        "ONNX int8, every core": lambda: OnnxEmbedder(settings.model_path, settings.onnx_model,
                                                      name=settings.model_name),
        "after, tables of figures embedded too": lambda: make_embedder(
            settings.model_copy(update={"embed_cache": cache}), "passage"),
        "after": lambda: make_embedder(settings.model_copy(update={"embed_cache": cache}), "passage"),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the parsing pool, once shut down)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(files: list[Path], embedder, work: Path, workers: int, vector_rule=needs_vector) -> dict:
    """One bulk ingest of `files` into a fresh store; the embedder is built already."""
    store = SqliteStore(work, model_name=embedder.name, dim=embedder.dim)
    cpu0 = cpu_seconds()
    try:
        s = bulk_ingest(store, embedder, files, workers=workers, vector_rule=vector_rule)
    finally:
        store.close()
    cpu = cpu_seconds() - cpu0
    if s.failed:
        raise RuntimeError(f"ingest failed: {s.failed[:2]}")
    return {"files": len(files), "pages": s.pages, "chars": s.chars, "chunks": sum(r.chunks for r in s.results),
            "seconds": s.seconds, "embed_s": s.embed_seconds, "cpu_s": cpu, "load": os.getloadavg()[0], **s.rates()}


def measure(sets: dict[str, list[Path]], names: list[str], settings: Settings, log=print) -> dict:
    """Every pipeline of `names` on every set of files, sets outermost (before and after back to back)."""
    workers = default_workers()
    out: dict = {"workers": workers, "cores": cpu_threads(), "runs": {},
                 "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(prefix="qa-speed-") as tmp:
        for set_name, files in sets.items():
            for name in names:
                work = Path(tmp) / f"{set_name}-{name}".replace(" ", "_").replace(",", "")
                build = step_embedders(settings, workers, work / "cache.sqlite")[name]
                emb = build()
                emb.embed_passages(["预热 warm-up"])
                res = run(files, emb, work / "store", workers, needs_vector if name == "after" else every_chunk)  # noqa: E501
                out["runs"].setdefault(set_name, {})[name] = res
                log(f"  {set_name} / {name}: {res['seconds']:.1f} s, {res['pages_s']:.2f} pages/s, "
                    f"{res['chars_s']:.0f} chars/s, embedding {100 * res['embed_share']:.0f} %")
                del emb
    return out


def markdown(res: dict) -> str:
    head = ["files", "pipeline", "pages", "characters", "chunks", "wall s", "pages/s", "chars/s",
            "embedding s (share)", "speed-up (wall, same files)", "CPU s", "CPU ÷", "load avg at end"]
    rows = []
    for set_name, runs in res["runs"].items():
        base = runs.get("before", {}).get("seconds")
        base_cpu = runs.get("before", {}).get("cpu_s")
        for name, r in runs.items():
            rows.append([set_name, name, r["pages"], r["chars"], r["chunks"], f"{r['seconds']:.1f}",
                         f"{r['pages_s']:.2f}", f"{r['chars_s']:.0f}",
                         f"{r['embed_s']:.1f} ({100 * r['embed_share']:.0f} %)",
                         f"{base / r['seconds']:.2f}×" if base else "", f"{r['cpu_s']:.0f}",
                         f"{base_cpu / r['cpu_s']:.2f}×" if base_cpu else "", f"{r['load']:.1f}"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def file_sets(quick: bool) -> dict[str, list[Path]]:
    budgets = [p for p in BUDGETS if p.exists()]
    cities = city_reports()
    if quick:
        budgets, cities = budgets[:2], cities[:6]
    return {f"{len(budgets)} 深圳 budget PDFs": budgets, f"{len(cities)} city work reports": cities}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 PDFs and 6 city reports")
    ap.add_argument("--steps", action="store_true", help="also each step alone (on the PDFs only; every chunk embedded)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--only", choices=("budgets", "cities"), help="one set of files")
    args = ap.parse_args()
    settings = Settings()
    sets = file_sets(args.quick)
    if args.only:
        sets = {k: v for k, v in sets.items() if ("budget" in k) == (args.only == "budgets")}
    res = measure(sets, ["before", "after"], settings)
    if args.steps:
        first = next(iter(sets))
        steps = measure({first: sets[first]}, list(step_embedders(settings, 1, Path("x")))[1:7], settings)
        res["runs"][first].update(steps["runs"][first])
    print(markdown(res))
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
