"""`scripts/bench.py --scale`: stores of 1,000 and 10,000 reports on one machine, measured side by side.

Stores: the shipped corpus (2 reports, real e5 vectors) plus real 部门预算 PDFs parsed once and
re-used under new organizations, real places (prefecture-level cities of index/names/places.py, with
their adcodes, so scope resolution works) and years. Their vectors are the service's own passage
vectors of the pool's chunks (embedded once), so a question's vector meets the store as it meets
a real one. A passage whose text two of the pool's organizations share word for word (a city's
template: 名词解释, table notes; 13–18 of each 深圳/广州/珠海 budget's 41–66 chunks) keeps its vector in
every copy, as a province store repeats it across every department; any other passage gets Gaussian
noise (σ `NOISE` per dimension, renormalised: cosine ≈ 0.98, another department's names and
figures in the same sentences). (Until session 12 they were
HashEmbedder vectors with σ 0.05: a question's e5 vector was orthogonal to every synthetic passage,
which made the HNSW recall on questions meaningless.) The 10,000 store extends a copy of the 1,000 one.

Per size: build time, first server start (brings the FAISS file up to the store: the one-time
build), restart time and RSS, p50/p95 per route over HTTP (fixed questions of the shipped
corpus + scoped questions about synthetic reports), ANN recall@10 of the served search vs exact
search over every stored vector (probes: stored vectors plus noise; and the bench's questions as the
service embeds them; a hit counts when it scores as high as the exact 10th, since copies of one
vector tie), and correctness: each scoped question must give the value and the report it gives
when that report is alone in a store.

PostgreSQL + pgvector, side by side: the same store copied row for row into a PgStore (one
database per size in a PostgreSQL 16 + pgvector server started here with pgserver, unix socket
only): schema created by `PgStore`, its secondary indexes dropped, every table loaded with COPY,
then the secondary indexes and VACUUM ANALYZE, each timed. The same questions are asked of `qa serve`
with QA_DATABASE_URL set (its first start builds the FAISS file in its local folder from the
database's vectors), and recall@10 is the served search against exact.
"""
from __future__ import annotations

import shutil
import sqlite3
import time
from hashlib import sha1
from pathlib import Path
from typing import Sequence

import numpy as np

from index.extract.facts import extract_facts
from index.ingest.report import number_chunks, page_texts
from index.names.metadata import place_fields, place_prefix
from index.names.places import load_gazetteer
from index.read.parse import parse_file
from index.records import Report
from index.search.embed import make_embedder
from index.search.fact_index import FactIndex
from index.search.lexical import default_tokenizer
from index.search.retrieval import SearchIndex
from index.settings import Settings
from index.store.base import Store
from index.store.reader import StoreReader
from index.store.sqlite import SqliteStore

EXCLUDE = {"汕头", "汕尾"}          # the shipped corpus' cities: its questions keep their answers
ITEMS = ("一般公共预算拨款收入", "基本支出", "项目支出", "公务接待费", "机关运行经费")
# figures across every city of the synthetic reports: a comparison or ranking of up to 200 parties, one
# figure each (the fixed questions' only one across every city asks for passages: 各市政务外网覆盖村居情况)
ACROSS_QUESTIONS = ("各市2016年公务接待费排名", "哪个市的信访局2016年一般公共预算拨款收入最多？",
                    "各市统计局2016年基本支出是多少？", "比较各市2016年项目支出")
NOISE = 0.01       # per dimension of a synthetic copy's vector (384 dims: ‖noise‖ ≈ 0.2, cosine ≈ 0.98)


def parse_pool(pdfs: list[Path], log, embedder) -> list[dict]:
    """Real department budgets, parsed once: what every synthetic report is a copy of. One budget per
    organization: two (苏州's and 烟台's 政务服务和数据管理局) would give two synthetic reports of one
    identity - city, organization, year, type - with different figures, and a scoped question about it
    two right answers (at 10,000 reports the reference, computed alone, disagreed with its twin).
    `embedder`: the service's passage embedder (its vectors are what the store would hold)."""
    tok, out = default_tokenizer(), []
    for path in pdfs:
        core = path.name.split("_")[0]
        if any(p["core"] == core for p in out):
            log(f"scale pool: {path.name} skipped (an organization already in the pool)")
            continue
        doc = parse_file(path)
        facts = extract_facts(doc.tables, doc.paragraphs)
        texts = [c.embed_text() for c in doc.chunks]
        out.append({"doc": doc, "facts": facts, "tokens": [" ".join(tok.tokenize(t)) for t in texts],
                    "vecs": np.asarray(embedder.embed_passages(texts), np.float32), "core": core, "name": path.name})
        log(f"scale pool: {path.name} {doc.pages} p, {len(doc.chunks)} chunks, {len(facts)} facts")
    return mark_template(out)


def mark_template(pool: list[dict]) -> list[dict]:
    """Each pool report's `template` mask: its passages whose text another report of the pool holds
    word for word (their copies keep one vector: see `put`)."""
    texts = [[c.embed_text() for c in p["doc"].chunks] for p in pool]
    owners: dict[str, set[int]] = {}
    for k, ts in enumerate(texts):
        for t in ts:
            owners.setdefault(t, set()).add(k)
    return [{**p, "template": np.array([len(owners[t]) > 1 for t in ts], dtype=bool)} for p, ts in zip(pool, texts)]


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
    noise = rng.normal(0, NOISE, p["vecs"].shape).astype(np.float32)
    noise[p["template"]] = 0                  # a template passage: the same vector in every copy
    vecs = p["vecs"] + noise
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
    store = SqliteStore(dest)
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


def scoped_questions(pool: list[dict], cities: list, picks: list[int], work: Path, log, emb) -> list[dict]:
    """Questions about single synthetic reports with the answer each gets when its report is
    alone in a store (value and doc_id): the reference a big store must reproduce. `emb`: the
    service's query embedder."""
    from qa.router import Engine
    out = []
    for i in picks:
        rep, _ = spec(i, pool, cities)
        d = work / f"ref-{i}"
        store = SqliteStore(d, model_name=emb.name, dim=emb.dim)
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


def exact_top10(store_dir: Path, queries: int = 80, seed: int = 1, questions: Sequence[str] = ()) -> dict:
    """Recall queries (stored vectors plus noise, then the `questions` as the service embeds them) and
    the 10th best inner product of each over every stored vector: the reference the served search
    (the FAISS file, on both backends) is measured against. A question's vector lies farther from
    every passage than a stored vector plus noise: an index that strands it (a small report among
    thousands of near-copies) is seen there."""
    store = SqliteStore(store_dir)
    dim = int(store.meta("dim") or 384)
    reader = StoreReader(store.db_path)
    ids = reader.vector_ids()          # a table of figures has no vector (index/search/vectorless.py)
    rng = np.random.default_rng(seed)
    pick = ids[rng.integers(0, len(ids), queries)]
    q = reader.vectors(pick.tolist(), dim) + rng.normal(0, 0.05, (queries, dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    if questions:
        embedder = make_embedder(Settings(), "query")
        q = np.vstack([q, np.stack([embedder.embed_query(t) for t in questions])]).astype(np.float32)
    best = np.full((len(q), 0), -np.inf, np.float32)
    for s in range(0, len(ids), 100_000):       # the exact top 10 in slices: bounded memory
        sc = q @ reader.vectors(ids[s:s + 100_000].tolist(), dim).T
        best = -np.sort(-np.hstack([best, -np.partition(-sc, min(9, sc.shape[1] - 1), axis=1)[:, :10]]), axis=1)[:, :10]
    store.close()
    return {"q": q, "tenth": best[:, -1].astype(float).tolist(), "chunks": int(len(ids)), "questions": len(questions)}


def served_recall(ref: dict, search, kind: str) -> dict:
    """recall@10 of `search(qvec, 10) -> [(chunk id, score)]` against `exact_top10`'s reference."""
    lat, got = [], []
    search(ref["q"][0], 10)                     # warm-up (connection, first pages)
    for j in range(len(ref["q"])):
        t = time.perf_counter()
        r = search(ref["q"][j], 10)
        lat.append(time.perf_counter() - t)
        got.append(r)
    # a hit counts when it scores as high as the exact 10th: identical vectors (a template passage in
    # every department) tie, and any 10 of their copies are an exact top 10
    each = [min(10, sum(1 for _, s in hits if s >= tenth - 1e-5)) / 10 for hits, tenth in zip(got, ref["tenth"])]
    asked = ref.get("questions", 0)
    recall = float(np.mean(each[:len(each) - asked]))
    return {"kind": kind, "chunks": ref["chunks"], "recall@10": recall,
            "questions_recall@10": float(np.mean(each[len(each) - asked:])) if asked else None,
            "p50_ms": float(np.percentile(lat, 50) * 1000), "p95_ms": float(np.percentile(lat, 95) * 1000)}


def ann_recall(store_dir: Path, queries: int = 80, seed: int = 1, ref: dict | None = None) -> dict:
    """recall@10 of the search the server runs over the FAISS file (one entry per distinct vector,
    copies expanded) vs exact inner product over every stored vector."""
    ref = ref or exact_top10(store_dir, queries, seed)
    store = SqliteStore(store_dir)
    try:
        served = store.search_vectors(store.reader(), store.generation(), Settings().ann_threshold)
        return {**served_recall(ref, lambda v, k: served.search(v, k), served.kind), "entries": served.entries}
    finally:
        store.close()


def pg_recall(url: str, root: Path, ref: dict) -> dict:
    """recall@10 of the search `qa serve` runs over a PostgreSQL store (the FAISS file in its local
    folder, kept in step with the database; one entry per distinct vector, copies expanded) vs exact."""
    from index.store.postgres import PgStore
    store = PgStore(url, root)
    try:
        served = store.search_vectors(store.reader(), store.generation(), Settings().ann_threshold)
        return {**served_recall(ref, lambda v, k: served.search(v, k), served.kind), "entries": served.entries}
    finally:
        store.close()


# --------------------------------------------------------------------------- PostgreSQL side
PG_SETTINGS = {"shared_buffers": "1GB", "maintenance_work_mem": "2GB", "max_parallel_maintenance_workers": "2",
               "max_wal_size": "8GB", "checkpoint_timeout": "30min"}


def start_postgres(datadir: Path, log):
    """A PostgreSQL 16 + pgvector server of the `pgserver` wheel, unix socket only (no TCP),
    with PG_SETTINGS; stopped when this process exits. Returns (server handle, admin URL)."""
    import pgserver
    import psycopg
    from pgserver._commands import pg_ctl
    datadir.mkdir(parents=True, exist_ok=True)
    srv = pgserver.get_server(datadir, cleanup_mode="stop")
    url = srv.get_uri()
    with psycopg.connect(url, autocommit=True) as c:
        for k, v in PG_SETTINGS.items():
            c.execute(f"ALTER SYSTEM SET {k} = '{v}'")
    pg_ctl(["-w", "-l", str(srv.log), "restart"], pgdata=srv.pgdata, user=srv.system_user)  # shared_buffers
    with psycopg.connect(url, autocommit=True) as c:
        got = {k: c.execute(f"SHOW {k}").fetchone()[0] for k in PG_SETTINGS}
        listen = c.execute("SHOW listen_addresses").fetchone()[0]
        version = c.execute("SELECT version()").fetchone()[0]
        pgv = c.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'").fetchone()[0]
    log(f"postgres: {version.split(' on ')[0]}, pgvector {pgv}, listen_addresses {listen!r}, {got}")
    return srv, url, {"version": version.split(" on ")[0], "pgvector": pgv, "listen_addresses": listen, **got}


def stop_postgres(srv) -> None:
    """Stop the server start_postgres started (pgserver's own stop at exit does not follow a restart)."""
    from pgserver._commands import pg_ctl
    if (srv.pgdata / "postmaster.pid").exists():
        pg_ctl(["-w", "stop"], pgdata=srv.pgdata, user=srv.system_user)


def postmaster_pid(datadir: Path) -> int:
    return int((datadir / "postmaster.pid").read_text().split()[0])


def pg_memory(datadir: Path) -> dict:
    """The PostgreSQL server's processes (postmaster + its children): summed RSS (counts the
    shared buffers once per process that touched them) and summed PSS (shared pages split)."""
    root = postmaster_pid(datadir)
    pids = [root]
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == root:
                    pids.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    rss = pss = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            pass
    return {"processes": len(pids), "rss_mb": rss, "pss_mb": pss}


def db_url(admin_url: str, db: str) -> str:
    head, _, tail = admin_url.partition("@/")
    return f"{head}@/{db}?{tail.split('?', 1)[1]}" if "?" in tail else f"{head}@/{db}"


def _clean(row):
    """PostgreSQL text holds no NUL (PgStore drops them the same way)."""
    return tuple(v.replace("\x00", "") if type(v) is str and "\x00" in v else v for v in row)


def copy_to_postgres(sqlite_dir: Path, admin_url: str, db: str, root: Path, log) -> dict:
    """The SQLite store at `sqlite_dir`, row for row, into a new database `db` as a PgStore."""
    import psycopg
    from pgvector.psycopg import register_vector

    from index.store.postgres import SCHEMA as PG_SCHEMA
    from index.store.postgres import PgStore
    out: dict = {}
    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {db}")
        c.execute(f"CREATE DATABASE {db}")
    url = db_url(admin_url, db)
    src = sqlite3.connect(f"file:{sqlite_dir / 'qa.sqlite'}?mode=ro", uri=True)
    model, dim = (src.execute("SELECT value FROM meta WHERE key = ?", (k,)).fetchone()[0] for k in ("model_name", "dim"))
    if root.exists():
        shutil.rmtree(root)
    PgStore(url, root, model_name=model, dim=int(dim)).close()      # the schema, as `qa serve` would make it
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as c:
        register_vector(c)
        idx = [r[0] for r in c.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)").fetchall()]
        for name in idx:                         # secondary indexes: built after the load
            c.execute(f"DROP INDEX {name}")
        c.execute("SET session_replication_role = replica")   # the rows are consistent: no FK trigger per row
        rows_total = 0
        tables = ["reports", "pages", "sections", "chunks", "facts", "fact_subjects", "fact_measures", "lex_df",
                  "checks", "statements", "ocr_lines"]
        for t in tables:
            pg_cols = [r[0] for r in c.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                (t,)).fetchall()]
            lite_cols = {r[1] for r in src.execute(f"PRAGMA table_info({t})")}
            cols = [x for x in pg_cols if x in lite_cols]
            tt = time.perf_counter()
            n = 0
            cur = src.execute(f"SELECT {', '.join(cols)} FROM {t}")
            with c.cursor() as pc:
                if t == "chunks":        # binary COPY: the vectors as pgvector's binary format
                    types = {r[0]: r[1] for r in c.execute(
                        "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
                        "WHERE a.attrelid = 'chunks'::regclass AND a.attnum > 0").fetchall()}
                    with pc.copy(f"COPY chunks ({', '.join(cols)}) FROM STDIN (FORMAT BINARY)") as cp:
                        cp.set_types([types[x] for x in cols])
                        e = cols.index("embedding")
                        for row in cur:
                            row = list(_clean(row))
                            row[e] = None if row[e] is None else np.frombuffer(row[e], dtype="<f4")
                            cp.write_row(row)
                            n += 1
                else:
                    with pc.copy(f"COPY {t} ({', '.join(cols)}) FROM STDIN") as cp:
                        for row in cur:
                            cp.write_row(_clean(row))
                            n += 1
            rows_total += n
            log(f"postgres {db}: {t} {n} rows in {time.perf_counter() - tt:.1f}s")
            out[f"rows_{t}"] = n
        c.execute("INSERT INTO meta SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT (key) DO UPDATE "
                  "SET value = excluded.value",
                  list(map(list, zip(*[(k, v) for k, v in src.execute("SELECT key, value FROM meta")
                                        if k != "schema"]))))
        for f in sorted((sqlite_dir / "files").glob("*")):       # the original files (the shipped corpus)
            c.execute("INSERT INTO files (doc_id, ext, data) VALUES (%s, %s, %s)", (f.stem, f.suffix, f.read_bytes()))
        for t, col in (("chunks", "id"), ("facts", "fact_id"), ("checks", "id"), ("statements", "statement_id"),
                       ("ocr_lines", "id")):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{t}', '{col}'), COALESCE((SELECT max({col}) FROM {t}), 0) + 1, false)")
        c.execute("SET session_replication_role = origin")
        out["copy_s"] = time.perf_counter() - t0
        out["rows"] = rows_total
        t = time.perf_counter()
        c.execute("SET maintenance_work_mem = '2GB'")
        for stmt in PG_SCHEMA.split(";"):              # the secondary indexes, as the schema declares them
            if "CREATE INDEX" in stmt:
                c.execute(stmt)
        out["index_s"] = time.perf_counter() - t
        t = time.perf_counter()
        c.execute("VACUUM ANALYZE")
        out["vacuum_analyze_s"] = time.perf_counter() - t
        c.execute("CHECKPOINT")
        out["build_s"] = time.perf_counter() - t0
        out["db_mb"] = c.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
    # the copy holds what the SQLite store holds
    store = PgStore(url, root)
    lite = SqliteStore(sqlite_dir)
    out["counts"] = store.counts()
    same = out["counts"] == lite.counts()
    ids = [r[0] for r in lite.conn.execute("SELECT id FROM chunks WHERE embedding IS NOT NULL ORDER BY random() LIMIT 200")]
    d = int(dim)
    same_vecs = bool(np.array_equal(StoreReader(lite.db_path).vectors(ids, d), store.reader().vectors(ids, d)))
    out["same_as_sqlite"] = bool(same and same_vecs)
    lite.close()
    store.close()
    src.close()
    out["url"] = url
    log(f"postgres {db}: copy {out['copy_s']:.0f}s, indexes {out['index_s']:.0f}s, "
        f"{out['db_mb']:.0f} MB, same as SQLite: {out['same_as_sqlite']} {out['counts']}")
    return out
