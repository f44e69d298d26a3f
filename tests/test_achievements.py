"""Achievements across places (qa/achievements.py over the statements table): one metric over
every province in scope, sorted and cited, actuals and targets never mixed, provinces that do
not state it listed; targets beside results; which provinces say something; and the statement
extraction scored against the hand-made gold. Real CSV reports from ../shared/realdata, real
SQLite store, real FAISS (hash embedder: these answers do not depend on the embedding model)."""
from __future__ import annotations

import json
import sys

import pytest

from conftest import ROOT, realdata
from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.ingest.report import ingest_path
from index.search.retrieval import SearchIndex
from index.store.sqlite import SqliteStore
from qa.router import Engine

FOLDER = "gov-work-reports-2026-provincial"
PROVINCES = ("湖南省", "安徽省", "广东省", "江苏省", "河南省", "黑龙江省", "四川省", "浙江省", "山东省", "甘肃省")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    store = SqliteStore(tmp_path_factory.mktemp("ach") / "store")
    emb = HashEmbedder()
    for name in PROVINCES:
        ingest_path(store, emb, realdata(f"{FOLDER}/2026_{name}_政府工作报告.csv"))
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        ingest_path(store, emb, p)
    return Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store),
                  embedder=emb, store=store)


def cited_places(ans) -> list[str]:
    return [c.place for c in ans.citations]


def test_ranking_is_sorted_cited_and_one_period(engine):
    ans = engine.ask("2025年各省地区生产总值增速排名")
    assert ans.route == "achievements" and ans.kind == "fact"
    stated = [r for r in ans.table if r["value"] is not None]
    assert len(stated) >= 8
    values = [r["value"] for r in stated]
    assert values == sorted(values, reverse=True)
    assert {r["year"] for r in stated} == {2025} and {r["kind"] for r in stated} <= {"actual", "change"}
    for r in stated:       # every row its own province's sentence, with the figure in it
        assert r["label"] in r["place"] and str(r["value"]).rstrip("0").rstrip(".") in r["highlight"]
    assert ans.value == stated[0]["value"] and ans.facts[0].report.province == stated[0]["label"]
    assert not any(r.get("label") in ("汕头", "汕尾") for r in ans.table)   # 各省: provinces only


def test_totals_compare_on_one_scale_and_five_year_flows_are_not_last_years(engine):
    grain = engine.ask("哪个省粮食产量最高")
    assert grain.route == "achievements" and grain.facts[0].report.province == "黑龙江"
    assert grain.unit == "亿斤"
    jobs = engine.ask("2025年城镇新增就业最多的省份")
    henan = next(r for r in jobs.table if r["label"] == "河南")
    assert henan["value"] != 603.7            # the 十四五 five-year total is not 2025's figure
    assert jobs.facts[0].report.province == "广东"


def test_targets_never_mixed_with_actuals(engine):
    ans = engine.ask("各省2026年地区生产总值增长预期目标对比")
    stated = [r for r in ans.table if r["value"] is not None]
    assert stated and {r["kind"] for r in stated} == {"target"} and {r["year"] for r in stated} == {2026}


def test_missing_places_are_listed_not_skipped(engine):
    ans = engine.ask("湖南、安徽、江苏、河南2025年规上工业增加值增速对比")
    labels = {r["label"] for r in ans.table}
    assert {"湖南", "安徽", "江苏", "河南"} <= labels
    assert len(ans.table) == 4


def test_region_names_expand_to_their_provinces(engine):
    ans = engine.ask("长三角2025年地区生产总值增速对比")
    assert {r["label"] for r in ans.table} == {"江苏", "浙江", "安徽"}   # 上海 is not in this store


def test_targets_beside_results(engine):
    ans = engine.ask("安徽2026年的预期目标和2025年实际完成比一比")
    assert ans.route == "achievements"
    gdp = next(r for r in ans.table if r["subject"] == "地区生产总值增速")
    assert (gdp["target_year"], gdp["year"]) == (2026, 2025)
    assert gdp["met"] is None                   # different years: shown side by side, not judged
    assert "5%—5.5%" in ans.answer


def test_which_provinces_mention_something(engine):
    ans = engine.ask("哪些省份提到了低空经济")
    assert ans.route == "achievements" and ans.kind == "passage"
    assert all("低空经济" in c.text for c in ans.citations)
    counts = [r["count"] for r in ans.table]
    assert counts == sorted(counts, reverse=True)
    assert "未提到" in ans.answer or len(ans.table) == len(PROVINCES)


def test_one_province_rank_claim(engine):
    ans = engine.ask("广东经济总量在全国排第几")
    assert ans.citations and "居全国首位" in ans.answer and ans.citations[0].place.startswith("广东")


def test_statement_gold_precision_and_recall():
    """Hand-made gold (tests/gold/statements_gold.jsonl, 348 statements in 86 sentences of 9
    provincial reports and 3 department reports): scored as ingest extracts them."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import statements_gold as sg
    lines = [json.loads(x) for x in sg.GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    missing = {l["doc"] for l in lines if not l["doc"].startswith("corpus/") and not (sg.REALDATA / l["doc"]).exists()}
    if missing:
        pytest.skip(f"realdata not available: {sorted(missing)[:2]}")
    res = sg.score(lines)
    print(f"\nstatement gold: P {res['precision']:.1%} R {res['recall']:.1%} fields {res['fields']} "
          f"by source {json.dumps(res['by_source'], ensure_ascii=False)}")
    prov = res["by_source"]["provincial"]
    assert prov["precision"] >= 0.95 and prov["recall"] >= 0.93
    assert res["precision"] >= 0.90
    assert res["fields"]["place"] == 1.0 and res["fields"]["value"] >= 0.97 and res["fields"]["period_kind"] >= 0.9


def test_last_years_targets_judged_by_this_years_results(tmp_path):
    """A 2025 report's 2025 targets and the 2026 report's 2025 results: paired, and judged."""
    from index.ingest.report import Overrides
    store = SqliteStore(tmp_path / "store")
    emb = HashEmbedder()
    ingest_path(store, emb, realdata(f"{FOLDER}/2026_湖南省_政府工作报告.csv"))
    earlier = tmp_path / "湖南2025.txt"
    earlier.write_text("2025年湖南省政府工作报告\n一、2024年工作回顾\n过去一年，全省地区生产总值增长4.8%。\n"
                       "二、2025年工作安排\n今年经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，"
                       "城镇新增就业70万人以上。\n", encoding="utf-8")
    ingest_path(store, emb, earlier, overrides=Overrides(city="湖南", year=2025, report_type="政府工作报告",
                                                          department="湖南省人民政府", place="湖南省"))
    engine = Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store),
                    embedder=emb, store=store)
    ans = engine.ask("湖南2025年目标完成情况：目标和实际比一比")
    by = {r["subject"]: r for r in ans.table}
    gdp, jobs = by["地区生产总值增速"], by["城镇新增就业"]
    assert (gdp["target"], gdp["target_year"], gdp["value"], gdp["year"], gdp["met"]) == (5.5, 2025, 4.8, 2025, False)
    assert jobs["target"] == 70 and jobs["year"] == 2025 and jobs["met"] is True
    assert "未达到目标" in ans.answer and "完成目标" in ans.answer
    assert {c.year for c in ans.citations} == {2025, 2026}     # each side cited from its own report


def test_cli_exports_statements_as_csv(engine):
    import csv
    import io
    import os
    import subprocess
    env = dict(os.environ, QA_STORE=str(engine.store.root))
    res = subprocess.run([sys.executable, "-m", "service.cli", "achievements", "--metric", "粮食产量",
                          "--level", "province", "--kind", "actual", "--year", "2025", "--csv"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and {r["metric"] for r in rows} == {"粮食产量"} and {r["period_year"] for r in rows} == {"2025"}
    assert all(r["sentence"] and r["page"] and r["title"] for r in rows)
    assert "黑龙江" in {r["place"] for r in rows}
