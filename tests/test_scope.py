"""Whose figure is it: a store of many departments of one city (and the same department in
two cities) answers each from its own report — real PDFs, real pdfplumber, real FAISS
(hash embedder: the scope decisions do not depend on the embedding model)."""
from __future__ import annotations

import re

import pytest

from conftest import REALDATA, realdata
from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.ingest.report import ingest_file
from index.search.retrieval import SearchIndex
from index.store.base import Store
from index.store.sqlite import SqliteStore
from qa.format import fmt_value
from qa.router import Engine

SZ = "renwu-2026-dept-budgets-guangdong/003_深圳"
GZ = "renwu-2026-dept-budgets-guangdong/005_广州"
SZ_DEPTS = ["住房和建设局", "信访局", "医疗保障局", "口岸办公室", "国有资产监督管理委员会", "城市管理和综合执法局",
            "宣传部", "工业和信息化局", "应急管理局", "民政局", "财政局", "退役军人事务局", "审计局", "水务局",
            "司法局", "气象局"]
GZ_DEPTS = ["民政局", "信访局"]
MEASURES = ("“三公”经费", "机关运行经费")

pytestmark = pytest.mark.slow


def squash(text: str) -> str:
    return re.sub(r"[\s,，]", "", text or "")


@pytest.fixture(scope="module")
def depts_store(tmp_path_factory):
    if not (REALDATA / SZ).exists():
        pytest.skip("realdata not available")
    store = SqliteStore(tmp_path_factory.mktemp("depts") / "store")
    emb = HashEmbedder()
    results = []
    for folder, names in ((SZ, SZ_DEPTS), (GZ, GZ_DEPTS)):
        for name in names:
            results.append(ingest_file(store, emb, realdata(f"{folder}/{name}_2026年部门预算.pdf")))
    search = SearchIndex.load(store, ann_threshold=50_000)
    engine = Engine(search=search, facts=FactIndex.load(store), embedder=emb)
    return store, engine, results


def report_text(store: Store, doc_id: str) -> str:
    """Everything the report's passages say (tables included), squashed."""
    rows = store.conn.execute("SELECT text FROM chunks WHERE doc_id=?", (doc_id,)).fetchall()
    return squash("".join(r[0] for r in rows))


def test_same_named_files_from_two_folders_both_stay(depts_store):
    store, engine, results = depts_store
    reports = store.reports()
    assert len(reports) == len(SZ_DEPTS) + len(GZ_DEPTS), [r.title for r in reports]
    mz = [r for r in reports if r.department and r.department.endswith("民政局")]
    assert {r.city for r in mz} == {"深圳", "广州"}
    assert all(r.status == "new" for r in results)
    identities = [r.identity() for r in reports]
    assert len(set(identities)) == len(identities)


def test_reingest_same_bytes_is_reported_unchanged(depts_store):
    store, engine, results = depts_store
    again = ingest_file(store, HashEmbedder(), realdata(f"{SZ}/民政局_2026年部门预算.pdf"))
    assert again.status == "unchanged" and again.doc_id == results[SZ_DEPTS.index("民政局")].doc_id
    assert len(store.reports()) == len(SZ_DEPTS) + len(GZ_DEPTS)


def test_reports_know_their_organization_and_place(depts_store):
    store, _, _ = depts_store
    for r in store.reports():
        assert r.department and r.place_code, r
        assert r.place in ("广东省深圳市", "广东省广州市")
        assert r.department.startswith(("深圳市", "广州市", "中共深圳市委", "中共广州市委")), r.department


@pytest.mark.parametrize("measure", MEASURES)
def test_each_department_answers_from_its_own_report(depts_store, measure):
    store, engine, _ = depts_store
    wrong = []
    for r in store.reports():
        if r.city != "深圳":
            continue
        ans = engine.ask(f"{r.department}2026年{measure}预算是多少？")
        if ans.kind == "none":
            continue          # a report that does not state it may say so; never another's figure
        docs = {f.report.doc_id for f in ans.facts[:1]}
        if docs != {r.doc_id}:
            wrong.append((r.department, [f.report.department for f in ans.facts[:1]]))
            continue
        # the stated number is printed in that department's own report
        fact = ans.facts[0].fact
        assert squash(fact.text)[:20] in report_text(store, r.doc_id), (r.department, fact.text)
        # the figure is printed in that line, or is the sum of its funding-source parts (合计)
        assert fmt_value(ans.value) in squash(fact.text) or fact.measure == "合计", (r.department, ans.value)
        assert r.department in ans.answer
    assert not wrong, wrong
    answered = sum(engine.ask(f"{r.department}2026年{measure}预算是多少？").kind == "fact"
                   for r in store.reports() if r.city == "深圳")
    assert answered >= len(SZ_DEPTS) - 2


@pytest.mark.parametrize("question,org", [
    ("深圳医保局2026年“三公”经费预算是多少？", "深圳市医疗保障局"),
    ("深圳国资委2026年“三公”经费预算是多少？", "国有资产监督管理委员会"),
    ("深圳宣传部2026年机关运行经费多少", "中共深圳市委宣传部"),
    ("深圳市城管局2026年机关运行经费", "深圳市城市管理和综合执法局"),
    ("How much is the Shenzhen Audit Bureau 2026 budget for official reception?", "深圳市审计局"),
    ("深圳市退役軍人事務局2026年機關運行經費", "深圳市退役军人事务局"),
])
def test_short_english_and_traditional_names(depts_store, question, org):
    _, engine, _ = depts_store
    ans = engine.ask(question)
    assert ans.kind == "fact", ans.answer
    assert org in ans.facts[0].report.department


@pytest.mark.parametrize("question,held", [
    ("深圳市税务局2026年三公经费预算是多少？", "深圳"),
    ("广州市财政局2026年机关运行经费是多少？", "广州"),
    ("深圳市民政局2023年三公经费预算是多少？", "2023"),
    ("杭州市民政局2026年三公经费是多少", "杭州"),
])
def test_an_organization_or_year_the_store_lacks_gets_none(depts_store, question, held):
    _, engine, _ = depts_store
    ans = engine.ask(question)
    assert ans.kind == "none" and ans.value is None, ans.answer
    assert held in ans.answer
    assert not ans.facts


def test_lacking_organization_lists_what_the_place_holds(depts_store):
    _, engine, _ = depts_store
    ans = engine.ask("深圳市税务局2026年三公经费预算是多少？")
    assert "库中广东省深圳市的报告" in ans.answer and "民政局" in ans.answer


def test_ranking_is_sorted_cited_and_names_the_top(depts_store):
    _, engine, _ = depts_store
    ans = engine.ask("深圳哪个部门2026年机关运行经费预算最多？")
    assert ans.route == "ranking"
    rows = [r for r in ans.table if r["value"] is not None]
    assert len(rows) >= 10
    assert all(r["city"] == "深圳" for r in rows)
    values = [r["value"] for r in rows]
    assert values == sorted(values, reverse=True)
    assert rows[0]["label"] in ans.answer
    cited = {c.doc_id for c in ans.citations}
    assert all(r["doc_id"] in cited for r in rows)
    assert len({r["organization"] for r in rows}) == len(rows)   # one row per organization


def test_comparison_across_organizations_of_one_place(depts_store):
    _, engine, _ = depts_store
    ans = engine.ask("深圳市财政局、应急管理局、宣传部2026年三公经费预算分别是多少？")
    orgs = [r["organization"] for r in ans.table if r["value"] is not None]
    assert sorted(orgs) == sorted(["深圳市财政局", "深圳市应急管理局", "中共深圳市委宣传部"])
    for f in ans.facts:
        assert f.report.department in orgs


def test_same_kind_of_organization_across_places(depts_store):
    _, engine, _ = depts_store
    ans = engine.ask("深圳市民政局和广州市民政局2026年机关运行经费对比")
    cities = {r["city"] for r in ans.table if r["value"] is not None}
    assert cities == {"深圳", "广州"}
    for r in ans.table:
        assert r["organization"].endswith("民政局")


def test_no_organization_named_answers_per_organization(depts_store):
    _, engine, _ = depts_store
    ans = engine.ask("深圳2026年机关运行经费是多少？")
    assert ans.route in ("comparison", "ranking")
    assert len({r["organization"] for r in ans.table}) >= 10
    assert ans.value is None


def test_follow_up_inherits_the_previous_scope(depts_store):
    _, engine, _ = depts_store
    first = engine.ask("深圳市民政局2026年机关运行经费是多少？")
    assert first.kind == "fact"
    second = engine.ask("那广州呢？", previous=first.scope)
    assert second.kind == "fact", second.answer
    assert second.facts[0].report.department == "广州市民政局"
    assert second.scope["carried"]
    third = engine.ask("公务接待费呢？", previous=second.scope)
    assert third.kind == "fact" and third.facts[0].report.department == "广州市民政局"


def test_follow_up_that_changes_the_organization(depts_store):
    """"那财政局呢？" after a question about 深圳市民政局: 深圳's 财政局, the item and year carried —
    not 广州's, not a passage."""
    _, engine, _ = depts_store
    first = engine.ask("深圳市民政局2026年机关运行经费是多少？")
    second = engine.ask("那财政局呢？", previous=first.scope)
    assert second.kind == "fact", second.answer
    assert second.facts[0].report.department == "深圳市财政局"
    assert second.scope["orgs"] == ["深圳市财政局"]
    assert any(c.startswith("问题：") for c in second.scope["carried"])


def test_sweep_every_fact_answer_stays_in_its_scope(depts_store):
    """Over the whole store: every figure answered for a named organization is that
    organization's (the check the closing note describes)."""
    store, engine, _ = depts_store
    bad = []
    n = 0
    for r in store.reports():
        for item in ("“三公”经费", "公务接待费", "机关运行经费", "政府采购预算", "一般公共预算拨款收入"):
            ans = engine.ask(f"{r.department}2026年{item}是多少")
            for f in ans.facts:
                n += 1
                if f.report.department != r.department:
                    bad.append((r.department, item, f.report.department))
    assert n > 50
    assert not bad, bad[:5]
