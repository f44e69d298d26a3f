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
from index.search.fact_index import FactIndex
from index.search.lexical import default_tokenizer
from index.search.retrieval import SearchIndex
from index.store.base import Store
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
    assert again.meta("schema") == "3"


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
