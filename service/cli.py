"""`qa` — a thin command line over the library (see ../shared/API.md)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from index.errors import IndexError_, NotFound
from index.ingest.report import Overrides, expand_paths
from index.search.prefixed import sleeping_waits
from index.search.vectorless import vector_rule
from index.settings import Settings
from index.store.identity import FIELD_LABEL, identity_changes, unsure_note

from .exports import FACT_FIELDS, fact_rows, write_csv


def build_settings(args: argparse.Namespace | None = None) -> Settings:
    settings = Settings()
    if os.environ.get("QA_STORE"):
        settings.store = Path(os.environ["QA_STORE"])
    if getattr(args, "ocr", None):
        settings.ocr = args.ocr
    return settings


def open_state(settings: Settings):
    from .state import State
    return State(settings)


def result_line(res) -> str:
    if res.status == "unchanged":
        return f"same  {res.path}: {res.summary()}"
    return (f"ok    {res.path}: {res.summary()} — "
            f"{res.pages} pages, {res.sections} sections, {res.chunks} chunks, {res.tables} tables, "
            f"{res.facts} facts{', %d conflicts' % res.conflicts if res.conflicts else ''}"
            f" in {res.seconds:.1f}s")


def ingest_files(settings: Settings, paths: list[Path], overrides_for, out=sys.stderr):
    """Ingest files with a process pool for parsing (index/ingest/bulk.py), a progress bar with
    pages/s and ETA, one line per report, then the FAISS file brought up to date."""
    from tqdm import tqdm

    from index.ingest.bulk import OcrConfig, bulk_ingest, default_workers
    from index.search.embed import make_embedder
    from index.search.retrieval import SearchIndex
    from index.store.backends import open_store
    workers = settings.ingest_workers or default_workers()
    # the passage embedder takes every core (settings.embed_threads 0): parsing is a few % of an
    # ingest and its worker mostly waits for the embedder
    embedder = make_embedder(settings, "passage")
    store = open_store(settings, model_name=embedder.name, dim=embedder.dim)
    files = expand_paths(paths)
    bar = tqdm(total=len(files), unit="file", desc="ingest", file=out, disable=not files)
    t0 = time.perf_counter()
    pages = [0]
    seen: set[Path] = set()

    def on_result(path: Path, res, err: str | None) -> None:
        if err is not None:
            bar.write(f"error {path.name}: {err}")
        else:
            bar.write(result_line(res))
            for w in res.warnings:
                bar.write(f"      warning: {w}")
            if res.status != "unchanged":
                pages[0] += res.pages
        if path not in seen:
            seen.add(path)
            bar.update(1)
        bar.set_postfix_str(f"{pages[0] / max(1e-9, time.perf_counter() - t0):.1f} pages/s")

    summary = bulk_ingest(store, embedder, files, overrides_for=overrides_for, max_pages=settings.max_pages,
                          workers=workers, batch_size=settings.embed_batch, on_result=on_result,
                          ocr=OcrConfig(settings.ocr, settings.ocr_dpi, settings.ocr_cache),
                          vector_rule=vector_rule(settings.embed_figure_tables))
    bar.close()
    if any(r.status != "unchanged" for r in summary.results):
        SearchIndex.load(store, ann_threshold=settings.ann_threshold)     # FAISS file up to date for serve
    return store, summary


def cmd_ingest(args) -> int:
    settings = build_settings(args)
    ov = Overrides(city=args.city, year=args.year, title=args.title, department=args.org, report_type=args.type)
    from .state import corpus_overrides
    shipped = corpus_overrides(settings.corpus)

    def overrides_for(path: Path) -> Overrides:
        base = shipped.get(path.name) if path.resolve().parent == settings.corpus.resolve() else None
        base = base or Overrides()
        return Overrides(city=ov.city or base.city, year=ov.year or base.year, title=ov.title or base.title,
                         department=ov.department or base.department, report_type=ov.report_type or base.report_type)

    store, summary = ingest_files(settings, [Path(p) for p in args.paths], overrides_for)
    done, failed = summary.results, summary.failed
    print(summary.line())
    for line in unsure_lines(store, done):
        print(line)
    c = store.counts()
    print(f"store {store.describe()}: {c['reports']} reports, {c['chunks']} chunks, {c['facts']} facts")
    return 1 if failed and not done else (2 if failed else 0)


def cmd_ask(args) -> int:
    settings = build_settings(args)
    state = open_state(settings)
    previous = json.loads(args.previous) if args.previous else None
    ans = state.snapshot.engine.ask(args.question, city=args.city, year=args.year, top_k=args.top_k,
                                    previous=previous)
    if args.json:
        print(json.dumps(ans.as_dict(), ensure_ascii=False, indent=1))
        return 0
    print(ans.answer)
    if ans.formula:
        print("公式:", ans.formula)
    for i, c in enumerate(ans.citations, 1):
        print(f"[{i}] 《{c.title}》 {c.city or ''} {c.year or ''} 第 {c.page} 页 — {c.section}")
        print("    " + (c.highlight or c.text)[:200].replace("\n", " "))
    return 0


def cmd_facts(args) -> int:
    from index.store.backends import open_store
    settings = build_settings(args)
    store = open_store(settings)
    facts = store.facts(city=args.city, year=args.year, q=args.q, limit=args.limit, org=args.org,
                        place=args.place, period=args.period, kind=args.kind)
    rows = fact_rows(store, facts)
    if args.csv:
        write_csv(sys.stdout, rows, FACT_FIELDS)
    else:
        for r in rows:
            print(f"{r['place'] or r['city'] or '?'}\t{r['organization'] or '?'}\t{r['period_year'] or '?'}"
                  f"{'(' + r['period_kind'] + ')' if r['period_kind'] else ''}\t{r['subject']}\t{r['measure']}\t{r['value']:g}\t{r['unit']}"
                  f"\tp{r['page']}\t{r['table'] or ''}")
        print(f"{len(rows)} fact(s)", file=sys.stderr)
    return 0


def cmd_achievements(args) -> int:
    """Statements across places (as GET /api/achievements): a table or CSV, sorted by place."""
    from index.store.backends import open_store
    from qa.achievements import STATEMENT_FIELDS, statement_row
    from qa.topic_box import picked_rows, read_topic
    store = open_store(build_settings(args))
    pick = read_topic(store, args.topic)           # a topic, a metric by any name (GDP), or words
    if pick.how in ("metric", "text"):
        print(f"主题“{pick.typed}” → {'指标' if pick.how == 'metric' else '关键词'}：{pick.label} {pick.note}",
              file=sys.stderr)
    rows = [statement_row(st, r) for st, r in picked_rows(
        pick, store.statements, metric=args.metric, q=args.q, claim=args.claim, place=args.place, level=args.level,
        year=args.year, kind=args.kind, limit=args.limit)]
    if args.csv:
        write_csv(sys.stdout, rows, STATEMENT_FIELDS)
    else:
        for r in rows:
            value = "" if r["value"] is None else f"{r['value']:g}{r['unit']}"
            print(f"{r['place']}\t{r['period_year'] or '?'}{'-' + str(r['period_end']) if r['period_end'] else ''}"
                  f"({r['period_kind'] or '?'})\t{r['claim']}\t{r['metric']}\t{value or r['rank']}\tp{r['page']}\t{r['text']}")
        print(f"{len(rows)} statement(s)", file=sys.stderr)
    return 0


def cmd_checks(args) -> int:
    from index.store.backends import open_store
    store = open_store(build_settings(args))
    checks = store.checks(status=None if args.all else "conflict")
    for c in checks:
        print(f"{c.status}\t{c.kind}\t{c.doc_id}\tp{c.page}\t{c.message}")
    print(f"{len(checks)} check(s)", file=sys.stderr)
    return 0


def cmd_reports(args) -> int:
    from index.store.backends import open_store
    store = open_store(build_settings(args))
    if args.versions:
        return print_versions(store)
    rows = store.report_rows()
    if args.json:
        print(json.dumps({"total": len(rows), "reports": rows}, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        unsure = "、".join(FIELD_LABEL.get(f, f) for f in r["unsure"])
        print(f"{r['doc_id']}\t{r['city'] or '?'}\t{r['year'] or '?'}\t{r['report_type'] or '?'}\t{r['pages']}p"
              f"\t{r['n_chunks']} chunks\t{r['n_facts']} facts\t{r['title']}"
              f"{chr(9) + '不确定: ' + unsure.replace('、', ', ') if unsure else ''}")
    print(f"{len(rows)} report(s)", file=sys.stderr)
    return 0


def unsure_lines(store, results) -> list[str]:
    """The reports just stored whose identity is 不确定 in some field, and why."""
    lines = []
    for res in results:
        if res.status == "unchanged":
            continue
        try:
            report = store.get_report(res.doc_id)
        except NotFound:          # replaced by a later file of the same run
            continue
        if report.unsure:
            lines.append(f"  {report.doc_id}  《{report.title}》 {unsure_note(report)}")
    head = "身份不确定的报告 (identity unsure; correct with `qa edit DOC_ID --city/--org/--year/--type`):"
    return [head, *lines] if lines else []


def cmd_edit(args) -> int:
    """Correct a stored report's identity without re-ingesting it; prints old → new."""
    from index.store.backends import open_store
    store = open_store(build_settings(args))
    old, new = store.set_identity(args.doc_id, place=args.place, organization=args.org, year=args.year,
                                  report_type=args.type, title=args.title)
    print(f"edited {new.doc_id}: 《{new.title}》")
    changes = identity_changes(old, new)
    for label, before, after in changes:
        print(f"  {label}: {before or '—'} → {after or '—'}")
    if not changes:
        print("  (no value changed: the fields given are confirmed)")
    print(f"  identity: {old.identity()} → {new.identity()}")
    beside = [r.doc_id for r in store.find_same_identity(new.identity()) if r.doc_id != new.doc_id]
    if beside:
        print(f"  与已存的 {len(beside)} 份报告身份相同，均保留 (same identity as {', '.join(beside)}: all kept)")
    if new.unsure:
        print(f"  {unsure_note(new)}")
    return 0


def print_versions(store) -> int:
    """`qa reports --versions`: the replaced reports kept, newest first."""
    versions = store.versions()
    titles = {r.doc_id: r.title for r in store.reports()}
    for v in versions:
        by = f"{titles[v.current]} ({v.current})" if v.current in titles else f"{v.replaced_by} (deleted since)"
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(v.replaced_at))
        kept = "" if v.has_file else "\t(file not kept)"
        print(f"{v.version_id}\t{v.title}\t{v.source_name}\t{v.doc_id}\treplaced by {by}\t{when}{kept}")
    print(f"{len(versions)} old version(s); `qa restore VERSION_ID` brings one back", file=sys.stderr)
    return 0


def cmd_restore(args) -> int:
    """Bring an old version back: it replaces the report that holds its identity now (kept as a version)."""
    from index.ingest.restore import restore_version
    from index.read.ocr import page_ocr_from
    from index.search.embed import make_embedder
    from index.search.retrieval import SearchIndex
    from index.store.backends import open_store
    settings = build_settings(args)
    embedder = make_embedder(settings, "passage")
    store = open_store(settings, model_name=embedder.name, dim=embedder.dim)
    res = restore_version(store, embedder, args.version_id, max_pages=settings.max_pages,
                          ocr=page_ocr_from(settings.ocr, settings.ocr_dpi, settings.ocr_cache))
    SearchIndex.load(store, ann_threshold=settings.ann_threshold)     # FAISS file up to date for serve
    print(result_line(res))
    return 0


def cmd_delete(args) -> int:
    settings = build_settings(args)
    state = open_state(settings)
    for doc_id in args.doc_ids:
        rep = state.store.delete_report(doc_id)
        print(f"deleted {doc_id}: {rep.title}")
    state.refresh()
    return 0


def cmd_reindex(args) -> int:
    """Re-embed every chunk with the current model (after a model change); a table of figures
    keeps no vector unless QA_EMBED_FIGURE_TABLES, as at ingest (index/search/vectorless.py)."""
    from tqdm import tqdm

    from index.ingest.report import spread
    from index.search.embed import make_embedder
    from index.store.backends import open_store
    settings = build_settings(args)
    emb = make_embedder(settings, "passage")
    store = open_store(settings)
    ids, chunks, _, _ = store.all_chunks()
    rule = vector_rule(settings.embed_figure_tables)
    wanted = [i for i, c in enumerate(chunks) if rule(c)]
    bar = tqdm(total=len(wanted), unit="chunk", desc="reindex", file=sys.stderr)
    vecs = emb.embed_passages([chunks[i].embed_text() for i in wanted], progress=lambda n: bar.update(n)) \
        if wanted else []
    bar.close()
    store.clear_vectors_model(emb.name, emb.dim)
    store.replace_vectors(ids, spread(vecs, wanted, len(chunks)))
    print(f"re-embedded {len(wanted)} of {len(chunks)} chunks with {emb.name} ({emb.dim}-d); "
          f"{len(chunks) - len(wanted)} tables of figures keep BM25 and facts, no vector")
    return 0


def cmd_schema(args) -> int:
    """The SQL a PostgreSQL database needs for QA_DATABASE_URL (for a DBA to run beforehand)."""
    from index.store.postgres import schema_sql
    print(schema_sql(args.dim), end="")
    return 0


def cmd_serve(args) -> int:
    import uvicorn

    from .app import create_app
    settings = build_settings(args)
    app = create_app(settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def add_reading_commands(sub) -> None:
    """ingest, ask."""
    s = sub.add_parser("ingest", help="add reports (PDF, TXT, MD, CSV exports; folders) to the store")
    s.add_argument("--ocr", choices=("off", "auto", "force"),
                   help="scanned pages: off / auto (pages without a text layer, default) / force (every page); QA_OCR")
    s.add_argument("paths", nargs="+")
    s.add_argument("--city", help="place of the report, any level (深圳, 上海市普陀区, 湖南省)")
    s.add_argument("--year", type=int)
    s.add_argument("--title")
    s.add_argument("--org", help="issuing organization (full name: 深圳市民政局)")
    s.add_argument("--type", help="report type: 部门决算, 部门预算, 政府工作报告 …")
    s.set_defaults(fn=cmd_ingest)
    s = sub.add_parser("ask", help="answer one question")
    s.add_argument("question")
    s.add_argument("--json", action="store_true")
    s.add_argument("--city")
    s.add_argument("--year", type=int)
    s.add_argument("--top-k", type=int, default=5)
    s.add_argument("--previous", help="the previous turn as JSON: its `scope` from --json output")
    s.set_defaults(fn=cmd_ask)


def add_listing_commands(sub) -> None:
    """facts, achievements, checks, reports."""
    s = sub.add_parser("facts", help="list facts from the fact table")
    s.add_argument("--city")
    s.add_argument("--year", type=int)
    s.add_argument("--q")
    s.add_argument("--org", help="organization (part of its full name)")
    s.add_argument("--place", help="place at any level: 广东, 深圳, 普陀")
    s.add_argument("--period", type=int, help="the year the figure describes")
    s.add_argument("--kind", help="period kind: actual, budget, target, average, cumulative, change")
    s.add_argument("--csv", action="store_true")
    s.add_argument("--limit", type=int)
    s.set_defaults(fn=cmd_facts)
    s = sub.add_parser("achievements", help="achievement / target statements across places (results, ranks, coverage, firsts)")
    s.add_argument("--topic", help="经济增长, 粮食, 科技创新 … or a metric by any name (GDP, 地区生产总值, 'GDP growth') or words")
    s.add_argument("--metric", help="地区生产总值增速, 粮食产量 … (a trailing * matches a prefix)")
    s.add_argument("--claim", choices=("figure", "rank", "coverage", "first"))
    s.add_argument("--place", help="place at any level: 湖南, 深圳")
    s.add_argument("--level", choices=("province", "city", "district"))
    s.add_argument("--year", type=int, help="the year a statement describes")
    s.add_argument("--kind", help="actual, target, average, cumulative, change")
    s.add_argument("--q", help="words in the metric or the sentence")
    s.add_argument("--csv", action="store_true")
    s.add_argument("--limit", type=int, default=5000)
    s.set_defaults(fn=cmd_achievements)
    s = sub.add_parser("checks", help="consistency-check conflicts (--all for every check)")
    s.add_argument("--all", action="store_true")
    s.set_defaults(fn=cmd_checks)
    s = sub.add_parser("reports", help="list stored reports (--versions: the old versions kept)")
    s.add_argument("--versions", action="store_true", help="list the replaced reports kept as old versions")
    s.add_argument("--json", action="store_true", help="as GET /api/reports (with each report's evidence and unsure)")
    s.set_defaults(fn=cmd_reports)
    s = sub.add_parser("edit", help="correct a stored report's place, organization, year, type or title "
                                    "(no re-ingest)")
    s.add_argument("doc_id")
    s.add_argument("--city", "--place", dest="place", help="place of any level: 深圳, 上海市普陀区, 湖南省, 440300")
    s.add_argument("--org", help="issuing organization (full name)")
    s.add_argument("--year", type=int)
    s.add_argument("--type", help="report type: 部门决算, 部门预算, 政府工作报告 …")
    s.add_argument("--title")
    s.set_defaults(fn=cmd_edit)


def add_store_commands(sub) -> None:
    """delete, restore, reindex, serve, schema."""
    s = sub.add_parser("delete", help="delete reports by doc_id")
    s.add_argument("doc_ids", nargs="+")
    s.set_defaults(fn=cmd_delete)
    s = sub.add_parser("restore", help="bring an old version back (qa reports --versions lists them)")
    s.add_argument("version_id", type=int)
    s.set_defaults(fn=cmd_restore)
    s = sub.add_parser("reindex", help="re-embed all chunks with the current model")
    s.set_defaults(fn=cmd_reindex)
    s = sub.add_parser("serve", help="start the web service (ingests corpus/ into an empty store)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(fn=cmd_serve)
    s = sub.add_parser("schema", help="print the SQL a PostgreSQL database needs (QA_DATABASE_URL): "
                                      "extension, tables, indexes")
    s.add_argument("--dim", type=int, default=384, help="embedding dimension (multilingual-e5-small: 384)")
    s.set_defaults(fn=cmd_schema)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="报告问答 — question answering over government reports")
    sub = p.add_subparsers(dest="cmd", required=True)
    add_reading_commands(sub)
    add_listing_commands(sub)
    add_store_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    sleeping_waits()              # before anything imports torch
    args = parser().parse_args(argv)
    try:
        return args.fn(args)
    except IndexError_ as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
