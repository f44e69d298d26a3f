"""Provincial 政府工作报告 from a crawler's CSV export (one report per row): places are
provinces, a 2026 report reviews 2025 (actuals) and sets 2026 targets, and a target is never
given as an actual. Real CSVs from ../shared/realdata, real pdfplumber-free text path, real
FAISS (hash embedder: periods and scope do not depend on the embedding model)."""
from __future__ import annotations

import pytest

from conftest import realdata
from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.ingest.report import ingest_path
from index.search.retrieval import SearchIndex
from index.store.sqlite import SqliteStore
from qa.router import Engine

FOLDER = "gov-work-reports-2026-provincial"
PROVINCES = ("湖南省", "安徽省", "广东省", "江苏省")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def provinces(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("prov") / "store")
    emb = HashEmbedder()
    results = []
    for name in PROVINCES:
        results += ingest_path(store, emb, realdata(f"{FOLDER}/2026_{name}_政府工作报告.csv"))
    engine = Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb)
    return store, engine, results


def test_each_csv_row_is_a_provincial_report(provinces):
    store, _, results = provinces
    assert len(results) == len(PROVINCES) and all(r.status == "new" for r in results)
    by_place = {r.place: r for r in store.reports()}
    assert set(by_place) == set(PROVINCES)
    for name, r in by_place.items():
        assert r.department == f"{name}人民政府"
        assert r.report_type == "政府工作报告" and r.year == 2026
        assert r.city == name[:2] and r.province == name[:2]


def test_a_non_report_csv_is_refused(tmp_path):
    from index.errors import UnsupportedFile
    store = SqliteStore(tmp_path / "store")
    with pytest.raises(UnsupportedFile):
        ingest_path(store, HashEmbedder(), realdata(f"{FOLDER}/run_manifest_2026.csv"))
    assert store.counts()["reports"] == 0


def test_facts_know_their_period(provinces):
    store, _, _ = provinces
    hunan = [f for f in store.facts(place="湖南") if "地区生产总值" in f.subject]
    kinds = {(f.period_year, f.period_kind) for f in hunan}
    assert (2025, "actual") in kinds and (2026, "target") in kinds


def test_a_2026_report_answers_for_2025(provinces):
    _, engine, _ = provinces
    ans = engine.ask("湖南2025年地区生产总值增长多少？")
    assert ans.kind == "fact" and ans.value == 4.8 and ans.unit == "%", ans.answer
    assert ans.facts[0].report.province == "湖南"
    assert ans.facts[0].fact.period_year == 2025


def test_target_is_never_given_as_actual(provinces):
    _, engine, _ = provinces
    target = engine.ask("湖南2026年地区生产总值增长预期目标是多少？")
    assert target.kind == "fact" and target.value == 5 and "预期目标" in target.answer, target.answer
    assert target.facts[0].fact.period_kind == "target"
    actual = engine.ask("湖南2025年地区生产总值增长多少？")
    assert actual.facts[0].fact.period_kind != "target"
    # 2026 has no actual yet: never the target stated as the year's growth
    ans = engine.ask("湖南2026年地区生产总值增长了多少？")
    assert ans.kind != "fact" or all(f.fact.period_kind != "target" for f in ans.facts), ans.answer


def test_provinces_compared_one_row_each_sorted_and_cited(provinces):
    _, engine, _ = provinces
    ans = engine.ask("各省2025年地区生产总值增速对比")
    rows = [r for r in ans.table if r["value"] is not None]
    assert {r["label"] for r in rows} <= {"湖南", "安徽", "广东", "江苏"} and len(rows) >= 3
    assert all(r["unit"] == "%" for r in rows)
    cited = {c.doc_id for c in ans.citations}
    assert all(r["doc_id"] in cited for r in rows)


def test_a_city_question_on_provincial_reports_is_none(provinces):
    _, engine, _ = provinces
    ans = engine.ask("长沙市2025年地区生产总值是多少？")
    assert ans.kind == "none" and ans.value is None
