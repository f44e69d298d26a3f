"""Comparisons and rankings across many places read each party's figure through the indexed
lookups (subject key × report, and the total rows / prose / unit candidates by report) in one
read for every party, never every fact of every report; and they give what a read per party, or
every fact held in memory, gives."""
from __future__ import annotations

from dataclasses import replace
from hashlib import sha1
from pathlib import Path

import numpy as np
import pytest

from index.extract.facts import extract_facts
from index.ingest.report import number_chunks, page_texts
from index.names.metadata import place_fields, place_prefix
from index.names.places import load_gazetteer
from index.read.parse import parse_file
from index.records import Report
from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex, squash
from index.search.lexical import default_tokenizer
from index.search.retrieval import SearchIndex
from index.store.base import Store
from index.store.schema import SCHEMA_VERSION
from qa.figures import rank_facts
from qa.question import parse_question
from qa.router import Engine

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "corpus" / "汕尾市政务服务数据管理局2021年部门决算.txt"
PLACES = 12


def cities(n: int) -> list:
    gaz = load_gazetteer()
    found = sorted((p for p in gaz._by_code.values() if p.level == "city" and p.short not in ("汕头", "汕尾")
                    and len(gaz.lookup(p.short)) == 1), key=lambda p: p.code)
    return found[:n]


def put_copies(store: Store, n: int) -> list[Report]:
    """The 汕尾 决算 under n other cities' 政务服务数据管理局 (real facts, hash vectors)."""
    doc = parse_file(SOURCE)
    facts = extract_facts(doc.tables, doc.paragraphs)
    texts = [c.embed_text() for c in doc.chunks]
    tok, emb = default_tokenizer(), HashEmbedder(dim=384)
    tokens, vecs = [" ".join(tok.tokenize(t)) for t in texts], emb.embed_passages(texts)
    out = []
    for i, place in enumerate(cities(n)):
        fields = place_fields(place)
        h = sha1(f"compare-scale-{i}".encode()).hexdigest()
        dept = place_prefix(place) + "政务服务数据管理局"
        rep = Report(doc_id=h[:16], title=f"{dept}2021年部门决算", city=fields["city"], year=2021, department=dept,
                     report_type="部门决算", source_path=f"copy-{i}.txt", pages=doc.pages, sha1=h,
                     place_code=fields["place_code"], place=fields["place"], province=fields["province"],
                     district=fields["district"])
        store.put_report(rep, file_ext=".txt", pages=page_texts(doc), sections=doc.sections,
                         chunks=number_chunks(doc.chunks, rep.doc_id), tokens=tokens, vectors=vecs, facts=facts,
                         checks_fn=None, n_tables=len(doc.tables), warnings=())
        out.append(rep)
    return out


@pytest.fixture()
def many(make_store, tmp_path) -> Store:
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    put_copies(store, PLACES)
    return store


def engine_of(store: Store) -> Engine:
    return Engine(search=SearchIndex.load(store, ann_threshold=10_000), facts=FactIndex.load(store),
                  embedder=HashEmbedder(dim=384), store=store)


QUESTIONS = ("各市2021年公务接待费排名", "哪个市2021年一般公共预算财政拨款收入最多？", "各市2021年基本支出是多少万元？",
             "比较各市2021年科学技术支出")


def ranked(q, facts, docs) -> list[tuple]:
    return [(s.hit.fact.fact_id, s.hit.fact.subject, s.hit.fact.measure, round(s.score, 9))
            for s in rank_facts(q, facts, docs=docs, year=q.year, limit=40)]


@pytest.mark.parametrize("text", QUESTIONS)
def test_one_read_for_every_party_ranks_as_a_read_per_party(many, text):
    """Per party (one report each): the shared read (FactIndex.within), the store's read for that
    party alone, and every fact held in memory rank the same facts with the same scores."""
    stored = FactIndex.load(many)
    memory = FactIndex(many.facts(), {r.doc_id: r for r in many.reports()})
    docs = [r.doc_id for r in many.reports()]
    shared = stored.within(docs)
    q = parse_question(text, lambda t: [], [])
    for unit in {q.unit_hint, None}:
        one = replace(q, unit_hint=unit, kind="figure")
        for d in docs:
            want = ranked(one, memory, (d,))
            assert want, (text, d)
            assert ranked(one, stored, (d,)) == want
            assert ranked(one, shared, (d,)) == want


def test_ranking_across_places_reads_lookups_not_every_fact(tmp_path):
    """A ranking over 12 places: a fixed number of fact queries (not one per report, not one per
    place), none reading a report's every fact, each through an index."""
    from index.store.sqlite import SqliteStore
    store = SqliteStore(tmp_path / "store", model_name="hash-384", dim=384)
    put_copies(store, PLACES)
    engine = engine_of(store)
    seen: list[str] = []
    engine.facts.reader.conn.set_trace_callback(seen.append)
    ans = engine.ask("各市2021年公务接待费排名")
    assert ans.route == "ranking" and len([r for r in ans.table if r["value"] is not None]) == PLACES
    fact_reads = [s for s in seen if " FROM facts" in s]
    assert 0 < len(fact_reads) <= 4, fact_reads
    assert not any("WHERE doc_id=?" in s or "WHERE doc_id='" in s for s in fact_reads)
    conn = engine.facts.reader.conn
    for sql in fact_reads:
        plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SCAN facts" not in plan, plan
        assert "facts_key" in plan or "facts_doc_kind" in plan or "facts_view" in plan, plan
    store.close()


def test_scan_candidates_read_through_the_doc_kind_index(tmp_path):
    """Prose figures and facts counted in a unit are found through facts_doc_kind (report, source,
    unit), total rows through facts_key: no pass over the facts table."""
    from index.store.sqlite import SqliteStore
    store = SqliteStore(tmp_path / "store", model_name="hash-384", dim=384)
    put_copies(store, 3)
    reader = FactIndex.load(store).reader
    docs = [r.doc_id for r in store.reports()]
    seen: list[str] = []
    reader.conn.set_trace_callback(seen.append)
    got = reader.scan_candidates(docs, "公务接待费", "个")
    assert got and any(f.source == "prose" for f in got)
    plan = " | ".join(r[3] for r in reader.conn.execute("EXPLAIN QUERY PLAN " + seen[-1]))
    assert "SCAN facts" not in plan and "facts_doc_kind" in plan and "facts_key" in plan, plan
    store.close()


def test_store_of_an_earlier_schema_gains_the_doc_kind_index(make_store, tmp_path):
    """A store written before facts_doc_kind gets it when opened (SQLite and PostgreSQL)."""
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    put_copies(store, 1)
    with store.tx() as c:
        c.execute("DROP INDEX facts_doc_kind")
    store.close()
    again = make_store(tmp_path / "store")
    if again.backend == "sqlite":
        names = {r[0] for r in again.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    else:
        names = {r[0] for r in again.conn.execute("SELECT indexname FROM pg_indexes")}
    assert "facts_doc_kind" in names
    assert again.meta("schema") == str(SCHEMA_VERSION)


def test_engine_answers_the_same_with_the_shared_read(many):
    """The ranking's rows, values and citations equal those of a comparison read party by party."""
    engine = engine_of(many)
    text = "各市2021年公务接待费排名"
    a = engine.ask(text)
    per_party = engine_of(many)
    per_party.facts.within = lambda docs: per_party.facts       # every party read on its own
    b = per_party.ask(text)
    assert [(r["label"], r["value"], r["doc_id"], r["page"]) for r in a.table] == \
        [(r["label"], r["value"], r["doc_id"], r["page"]) for r in b.table]
    assert a.answer == b.answer and a.citations == b.citations
    assert np.isclose(a.value, b.value)


UNIT_QUESTIONS = ("各市2021年基本支出是多少万元？", "各市2021年公务接待费是多少万元？", "各市2021年机关运行经费是多少万元？",
                  "各市2021年一般公共预算财政拨款收入是多少万元？", "各市2021年在职人员有多少人？")


@pytest.mark.parametrize("text", UNIT_QUESTIONS)
def test_a_floor_keeps_the_ranking_above_it(many, text):
    """rank_facts with a floor (a comparison takes a party's figure from FACT_MIN up) gives the ranking
    without it cut at the floor — though of the figures counted in the unit asked it reads only those
    that may reach the floor, and scores no prose figure in full that cannot."""
    from qa.thresholds import FACT_MIN
    stored = FactIndex.load(many)
    memory = FactIndex(many.facts(), {r.doc_id: r for r in many.reports()})
    docs = [r.doc_id for r in many.reports()]
    shared = stored.within(docs)
    q = replace(parse_question(text, lambda t: [], []), kind="figure")
    assert q.unit_hint
    def ranking(facts, d, floor=0.0) -> list[tuple]:
        return [(s.hit.fact.fact_id, s.hit.fact.subject, s.hit.fact.measure, s.score)
                for s in rank_facts(q, facts, docs=(d,), year=q.year, limit=40, floor=floor)]

    found = 0
    for d in docs:
        whole = [s for s in ranking(memory, d) if s[3] >= FACT_MIN]
        found += bool(whole)
        for facts in (memory, stored, shared):
            assert ranking(facts, d, FACT_MIN) == whole, (text, d)
    assert found or text.endswith("多少人？")


def test_unit_filter_reads_the_figures_that_may_answer(many):
    """"多少万元": of a budget's figures counted in 万元 (nearly all) the scan reads those whose subject is
    near the topic and the prose ones whose sentence may name it, not the rest."""
    from qa.figures import unit_filter
    from qa.thresholds import FACT_MIN
    stored = FactIndex.load(many)
    docs = [r.doc_id for r in many.reports()][:2]
    only = unit_filter(stored, "公务接待费", FACT_MIN)
    assert only is not None and "公务接待费" in only.keys and "一般公共服务支出" not in only.keys
    every = stored.candidates_in(docs, "", "万元")
    narrowed = stored.candidates_in(docs, "", "万元", only=only)
    assert {f.fact_id for f in narrowed} < {f.fact_id for f in every}
    assert len(narrowed) < len(every) / 3
    kept = {f.fact_id for f in narrowed}
    assert all(f.fact_id in kept for f in every if squash(f.subject) in only.keys
               or (f.source == "prose" and squash(f.subject) in only.prose_keys))


def test_prose_figure_below_the_floor_reads_no_report_text(many):
    """A prose figure that cannot reach the floor whatever precedes its sentence is passed over before
    the report's text is read (the context callable is asked only for the others)."""
    from qa.thresholds import FACT_MIN
    stored = FactIndex.load(many)
    d = many.reports()[0].doc_id
    q = replace(parse_question("各市2021年公务接待费是多少万元？", lambda t: [], []), kind="figure")
    asked: list = []
    out = rank_facts(q, stored, docs=(d,), year=q.year, limit=40, floor=FACT_MIN,
                     context=lambda f: asked.append(f) or "")
    every: list = []
    rank_facts(q, stored, docs=(d,), year=q.year, limit=40, context=lambda f: every.append(f) or "")
    assert out and len(asked) < len(every)


def test_fact_measures_filled_on_write_and_on_open(make_store, tmp_path):
    """The distinct measures are kept on write; a store written before schema 5 gains them on open."""
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    put_copies(store, 1)
    want = {f.measure for f in store.facts()}
    assert set(store.reader().measures()) == want
    with store.tx() as c:
        c.execute("DELETE FROM fact_measures")
    store.close()
    again = make_store(tmp_path / "store")
    assert set(again.reader().measures()) == want


@pytest.mark.parametrize("text", ["各市2021年公务接待费排名", "各市2021年公务接待费是多少万元？"])
def test_ranking_across_places_reads_through_indexes_on_both_backends(make_store, tmp_path, monkeypatch, text):
    """A ranking or a figure in a money unit over 12 places: a fixed number of fact queries (not one per
    place), each of which an index serves (PostgreSQL: planned with sequential scans disabled, none
    of the facts table is left)."""
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    put_copies(store, PLACES)
    engine = engine_of(store)
    conn = engine.facts.reader.conn
    seen: list[tuple[str, tuple]] = []
    if store.backend == "sqlite":
        conn.set_trace_callback(lambda sql: seen.append((sql, ())))
    else:
        from index.store.postgres import PgConn
        run = PgConn.execute
        monkeypatch.setattr(PgConn, "execute", lambda self, sql, args=(): seen.append((sql, tuple(args))) or
                            run(self, sql, args))
    ans = engine.ask(text)
    assert ans.route in ("ranking", "comparison")
    assert len([r for r in ans.table if r["value"] is not None]) == PLACES
    reads = [(sql, args) for sql, args in seen if " FROM facts" in sql and not sql.startswith("EXPLAIN")]
    assert 0 < len(reads) <= 6, [s for s, _ in reads]
    for sql, args in reads:
        if store.backend == "sqlite":
            plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN facts" not in plan, plan
        else:
            with conn.raw.transaction():
                conn.raw.execute("SET LOCAL enable_seqscan = off")
                plan = " | ".join(r[0] for r in conn.execute("EXPLAIN " + sql, args).fetchall())
            assert "Seq Scan on facts" not in plan, plan


@pytest.mark.parametrize("text", ["2021年本年支出合计是多少？", "2021年公务接待费是多少？", "2021年基本支出是多少万元？"])
def test_many_reports_read_the_total_rows_the_scan_may_pick(many, monkeypatch, text):
    """Over more reports than FULL_SCAN_REPORTS the scan looks at their total rows only: of those, the
    ones whose table title may name the topic, the prose ones and those in the unit asked are read —
    the ranking is the one every total row gives (held in memory)."""
    from qa import figures
    monkeypatch.setattr(figures, "FULL_SCAN_REPORTS", 5)
    stored = FactIndex.load(many)
    memory = FactIndex(many.facts(), {r.doc_id: r for r in many.reports()})
    docs = tuple(r.doc_id for r in many.reports())
    q = replace(parse_question(text, lambda t: [], []), kind="figure")
    assert ranked(q, stored, docs) == ranked(q, memory, docs)
    only = figures.totals_filter(figures.topic_query(q) or q.topic)
    read, every = stored.totals_in(docs, only), stored.totals_in(docs)
    assert {f.fact_id for f in read} <= {f.fact_id for f in every}
    if "合计" not in text:
        assert len(read) < len(every)


def test_total_rows_read_are_those_whose_title_may_name_the_topic(many):
    """Of the total rows of the reports in scope, the scan reads those whose table title may name the
    topic (totals_filter), the prose ones and those counted in the unit asked: every total row that
    can be picked (total_row_score ≥ TOTAL_ROW_MIN) is among them, and far from every total row."""
    from qa.figures import TOTAL_ROW_MIN, total_row_score, totals_filter
    stored = FactIndex.load(many)
    docs = [r.doc_id for r in many.reports()][:3]
    for topic in ("公务接待费", "基本支出", "一般公共预算财政拨款支出"):
        every = [f for f in stored.candidates_in(docs, "", None) if squash(f.subject) in ("合计", "总计", "小计")]
        named = {f.fact_id for f in stored.candidates_in(docs, "", None, totals=totals_filter(topic))}
        assert named < {f.fact_id for f in every} or not every
        assert all(f.fact_id in named for f in every
                   if total_row_score(topic, f) >= TOTAL_ROW_MIN or f.source == "prose"), topic
    assert len(named) < len(every) / 2


def test_text_before_a_figure_is_read_from_its_page(many):
    """The text before a prose figure's sentence, read from its page and the page before, is what the
    report's whole text gives (the 100 characters before the sentence's first place in it)."""
    import re as re_
    from index.extract.numbers import to_halfwidth
    store = many
    engine = Engine(search=SearchIndex.load(store, ann_threshold=10_000), facts=FactIndex.load(store),
                    embedder=HashEmbedder(dim=384), store=store)
    d = store.reports()[0].doc_id
    whole = re_.sub(r"\s+", "", to_halfwidth(engine.search.doc_text(d)))
    prose = [f for f in FactIndex.load(store).reader.facts_of(d) if f.source == "prose"]
    assert len(prose) > 20
    for f in prose:
        key = re_.sub(r"\s+", "", to_halfwidth(f.text))[:16]
        i = whole.find(key)
        assert engine.before_text(f) == (whole[max(0, i - 100):i] if i > 0 else ""), f.text
    heads = engine.__dict__.get("_head_cache", {})
    assert d in heads and len(heads[d][2]) < len(whole)        # most were found in the report's first pages


@pytest.mark.parametrize("text", ["公务接待费是多少？", "一般公共预算财政拨款收入是多少万元？"])
def test_every_report_in_scope_reads_without_a_list_of_them(many, text):
    """A question naming no place has every report in scope: the store is read without a list of
    every report's id (scope_arg), and ranks what the facts held in memory rank."""
    stored = FactIndex.load(many)
    memory = FactIndex(many.facts(), {r.doc_id: r for r in many.reports()})
    docs = tuple(r.doc_id for r in many.reports())
    assert stored.scope_arg(docs) is None and stored.scope_arg(docs[:3]) == sorted(docs[:3])
    q = replace(parse_question(text, lambda t: [], []), kind="figure")

    def ranking(facts) -> list[tuple]:
        return [(s.hit.fact.fact_id, s.score) for s in rank_facts(q, facts, docs=docs, year=None, limit=40)]
    assert ranking(stored) == ranking(memory) and ranking(stored)


def test_passage_comparisons_keep_their_threads_and_connections(many):
    """A comparison of passages searches its parties on threads kept for the process: later asks open
    no new thread, nor (PostgreSQL) a new connection."""
    import threading
    from qa.compare import PARTY_THREADS
    engine = engine_of(many)
    question = "各市政务服务热线建设情况"
    assert engine.ask(question).route == "comparison"
    conns = getattr(getattr(many, "_conns", None), "_all", [])

    def held() -> tuple[int, int]:
        return sum(t.name.startswith("qa-parties") for t in threading.enumerate()), len(conns)
    before = held()
    for _ in range(3):
        engine.ask(question)
    assert held() == before and 1 <= before[0] <= PARTY_THREADS
