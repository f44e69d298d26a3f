"""`scripts/bench.py --scale`: stores of 1,000 and 10,000 reports on one machine, measured side by side.

Stores: the shipped corpus (2 reports, real e5 vectors) plus real 部门预算 PDFs parsed once and
re-used under new organizations, real places (prefecture-level cities of index/places.py, with
their adcodes, so scope resolution works) and years; their vectors are HashEmbedder vectors
plus Gaussian noise (σ 0.05/dim, renormalised). The 10,000 store extends a copy of the 1,000 one.

Per size: build time, first server start (brings the FAISS file up to the store: the one-time
build), restart time and RSS, p50/p95 per route over HTTP (fixed questions of the shipped
corpus + scoped questions about synthetic reports), ANN recall@10 of the served FAISS index vs
exact search, and correctness: each scoped question must give the value and the report it gives
when that report is alone in a store.
"""
from __future__ import annotations

import shutil
import sqlite3
import time
from hashlib import sha1
from pathlib import Path

import numpy as np

from index.embed import HashEmbedder
from index.facts import extract_facts
from index.fact_index import FactIndex
from index.ingest import number_chunks, page_texts
from index.lexical import default_tokenizer
from index.metadata import place_fields, place_prefix
from index.parse import parse_file
from index.places import load_gazetteer
from index.records import Report
from index.retrieval import SearchIndex
from index.store import Store
from index.store_reader import StoreReader
from index.vectors import VectorIndex

EXCLUDE = {"汕头", "汕尾"}          # the shipped corpus' cities: its questions keep their answers
ITEMS = ("一般公共预算拨款收入", "基本支出", "项目支出", "公务接待费", "机关运行经费")


def parse_pool(pdfs: list[Path], log) -> list[dict]:
    """Real department budgets, parsed once: what every synthetic report is a copy of."""
    tok, hasher, out = default_tokenizer(), HashEmbedder(), []
    for path in pdfs:
        doc = parse_file(path)
        facts = extract_facts(doc.tables, doc.paragraphs)
        texts = [c.embed_text() for c in doc.chunks]
        out.append({"doc": doc, "facts": facts, "tokens": [" ".join(tok.tokenize(t)) for t in texts],
                    "vecs": hasher.embed_passages(texts), "core": path.name.split("_")[0], "name": path.name})
        log(f"scale pool: {path.name} {doc.pages} p, {len(doc.chunks)} chunks, {len(facts)} facts")
    return out


def city_places() -> list:
    gaz = load_gazetteer()
    cities = [p for p in gaz._by_code.values() if p.level == "city"]
    return sorted((p for p in cities if p.short not in EXCLUDE and len(gaz.lookup(p.short)) == 1),
                  key=lambda p: p.code)


def spec(i: int, pool: list[dict], cities: list) -> tuple[Report, dict]:
    """Synthetic report i: organization × city × year, identities unique for i < cities × pool × 10."""
    c, k = len(cities), len(pool)
    place = cities[i % c]
    p = pool[(i // c) % k]
    year = 2016 + (i // (c * k)) % 10
    fields = place_fields(place)
    dept = place_prefix(place) + p["core"]
    h = sha1(f"scale-{i}".encode()).hexdigest()
    rep = Report(doc_id=h[:16], title=f"{dept}{year}年部门预算", city=fields["city"], year=year, department=dept,
                 report_type="部门预算", source_path=f"scale-{i}.pdf", pages=p["doc"].pages, sha1=h,
                 place_code=fields["place_code"], place=fields["place"], province=fields["province"],
                 district=fields["district"])
    return rep, p


def put(store: Store, i: int, pool: list[dict], cities: list, rng) -> Report:
    rep, p = spec(i, pool, cities)
    doc = p["doc"]
    vecs = p["vecs"] + rng.normal(0, 0.05, p["vecs"].shape).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    store.put_report(rep, file_ext=".pdf", pages=page_texts(doc), sections=doc.sections,
                     chunks=number_chunks(doc.chunks, rep.doc_id), tokens=p["tokens"], vectors=vecs,
                     facts=p["facts"], checks_fn=None, n_tables=len(doc.tables), warnings=())
    return rep


def build(start_from: Path, dest: Path, n: int, pool: list[dict], cities: list, log) -> dict:
    """Copy `start_from` (a smaller store of the same series, or the base store) and add reports to n."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    src, dst = sqlite3.connect(start_from / "qa.sqlite"), sqlite3.connect(dest / "qa.sqlite")
    src.backup(dst)
    src.close()
    dst.close()
    for name in ("vectors.faiss", "params.json"):
        if (start_from / name).exists():
            shutil.copy(start_from / name, dest / name)
    store = Store(dest)
    have = int(store.conn.execute("SELECT COUNT(*) FROM reports WHERE source_name LIKE 'scale-%'").fetchone()[0])
    rng = np.random.default_rng(have)
    t = time.perf_counter()
    for i in range(have, n):
        put(store, i, pool, cities, rng)
        if (i + 1) % 1000 == 0:
            log(f"scale build: {i + 1} reports, {time.perf_counter() - t:.0f}s")
    counts = store.counts()
    store.close()
    return {**counts, "build_s": time.perf_counter() - t, "added": n - have,
            "db_mb": (dest / "qa.sqlite").stat().st_size / 2**20}


def scoped_questions(pool: list[dict], cities: list, picks: list[int], work: Path, log) -> list[dict]:
    """Questions about single synthetic reports with the answer each gets when its report is
    alone in a store (value and doc_id): the reference a big store must reproduce."""
    from qa.router import Engine
    emb = HashEmbedder()
    out = []
    for i in picks:
        rep, _ = spec(i, pool, cities)
        d = work / f"ref-{i}"
        store = Store(d, model_name=emb.name, dim=emb.dim)
        put(store, i, pool, cities, np.random.default_rng(0))
        engine = Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb)
        for item in ITEMS:
            q = f"{rep.department}{rep.year}年{item}是多少？"
            a = engine.ask(q)
            if a.kind == "fact" and a.value is not None:
                out.append({"q": q, "value": a.value, "doc_id": rep.doc_id, "route": a.route})
                break
        store.close()
        shutil.rmtree(d, ignore_errors=True)
    log(f"scale: {len(out)} scoped questions with a reference answer")
    return out


def check_answers(server, questions: list[dict], timeout: float = 120) -> dict:
    conn = server.conn(timeout)
    right, wrong, samples = 0, [], []
    for item in questions:
        status, data, dt = server.ask(conn, item["q"])
        samples.append((data.get("route", "?"), dt))
        cited = {c.get("doc_id") for c in data.get("citations", [])}
        ok = status == 200 and data.get("value") is not None and abs(data["value"] - item["value"]) < 1e-6 \
            and item["doc_id"] in cited
        if ok:
            right += 1
        else:
            wrong.append({"q": item["q"], "want": item["value"], "got": data.get("value"), "answer": data.get("answer", "")[:120]})
    conn.close()
    return {"right": right, "asked": len(questions), "wrong": wrong, "samples": samples}


def ann_recall(store_dir: Path, queries: int = 80, seed: int = 1) -> dict:
    """recall@10 of the FAISS file the server uses vs exact inner product over the stored vectors."""
    store = Store(store_dir)
    dim = int(store.meta("dim") or 384)
    served = VectorIndex.load(store.index_path)
    reader = StoreReader(store.db_path)
    ids = reader.chunk_ids()
    rng = np.random.default_rng(seed)
    pick = ids[rng.integers(0, len(ids), queries)]
    q = reader.vectors(pick.tolist(), dim) + rng.normal(0, 0.05, (queries, dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    exact = [[] for _ in range(queries)]
    best = [np.full((0,), 0.0, np.float32) for _ in range(queries)]
    for s in range(0, len(ids), 100_000):       # exact top-10 in slices: bounded memory
        part = ids[s:s + 100_000]
        v = reader.vectors(part.tolist(), dim)
        sc = q @ v.T
        for j in range(queries):
            top = np.argsort(-sc[j])[:10]
            cand = np.concatenate([np.array(exact[j], dtype=np.int64), part[top]])
            cs = np.concatenate([best[j], sc[j][top]])
            keep = np.argsort(-cs)[:10]
            exact[j], best[j] = cand[keep].tolist(), cs[keep]
    lat, got = [], []
    for j in range(queries):
        t = time.perf_counter()
        r = served.search(q[j], 10)
        lat.append(time.perf_counter() - t)
        got.append([i for i, _ in r])
    store.close()
    recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, exact)]))
    return {"kind": served.kind, "chunks": int(len(ids)), "recall@10": recall,
            "p50_ms": float(np.percentile(lat, 50) * 1000), "p95_ms": float(np.percentile(lat, 95) * 1000)}
