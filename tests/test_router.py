"""The router over the shipped corpus (fast: hash embedder; the real model is in test_e2e)."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.ingest.report import ingest_file
from index.search.retrieval import SearchIndex
from index.store.sqlite import SqliteStore
from qa.router import Engine

from backing import unbacked

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    emb = HashEmbedder(dim=384)
    store = SqliteStore(tmp_path_factory.mktemp("router") / "store", model_name=emb.name, dim=emb.dim)
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        ingest_file(store, emb, p)
    return Engine(search=SearchIndex.load(store, ann_threshold=10_000), facts=FactIndex.load(store), embedder=emb)


@pytest.mark.parametrize("question,city,value,unit", [
    ("汕尾2021年公务接待费是多少", "汕尾", 1.13, "万元"),
    ("汕头2024年公务接待费决算数", "汕头", 0.15, "万元"),
    ("汕頭市2024年公務接待費是多少", "汕头", 0.15, "万元"),
    ("汕头招待费多少钱", "汕头", 0.15, "万元"),
    ("汕头2024年项目支出的年初预算数是多少？", "汕头", 1369.59, "万元"),
    ("汕尾市政务服务数据管理局2021年科学技术支出决算数", "汕尾", 3610.14, "万元"),
    ("汕头市在全市铺设了多少台粤智助政府服务自助机？", "汕头", 1835, "台"),
    ("汕尾公务用车保有量是多少辆", "汕尾", 2, "辆"),
    ("How much did Shanwei spend on official receptions in 2021?", "汕尾", 1.13, "万元"),
])
def test_figures(engine, question, city, value, unit):
    a = engine.ask(question).as_dict()
    assert a["kind"] == "fact", a["answer"]
    assert a["value"] == pytest.approx(value) and a["unit"] == unit
    assert a["facts"][0]["city"] == city
    assert a["citations"] and a["citations"][0]["page"] >= 1
    assert not unbacked(a), a["answer"]


@pytest.mark.parametrize("question", [
    "汕头市政务服务和数据管理局2023年公务接待费是多少？",
    "广州市政务服务数据管理局2021年一般公共预算财政拨款收入是多少？",
    "What was Guangzhou's total expenditure in 2021?",
])
def test_unanswerable_says_what_store_holds(engine, question):
    a = engine.ask(question).as_dict()
    assert a["kind"] == "none" and a["value"] is None
    assert "汕头" in a["answer"] and "汕尾" in a["answer"]


def test_missing_year_suggests_other_year(engine):
    a = engine.ask("汕头2023年公务接待费是多少").as_dict()
    assert a["kind"] == "none"
    assert any("0.15" in s and "2024" in s for s in a["suggestions"])


def test_comparison_has_one_fact_per_city(engine):
    a = engine.ask("比较汕头和汕尾的公务接待费").as_dict()
    cities = {f["city"]: f["value"] for f in a["facts"]}
    assert cities == {"汕头": pytest.approx(0.15), "汕尾": pytest.approx(1.13)}
    assert {r["city"] for r in a["table"]} == {"汕头", "汕尾"}
    assert not unbacked(a)


def test_computed_rate_shows_formula_and_inputs(engine):
    a = engine.ask("汕尾2021年公务接待费的完成率是多少").as_dict()
    assert a["kind"] == "fact" and a["unit"] == "%"
    assert a["value"] == pytest.approx(56.5)
    assert a["formula"] and "÷" in a["formula"]
    assert len(a["facts"]) >= 2


def test_description_is_extractive_and_cited(engine):
    a = engine.ask("汕头市政务服务和数据管理局在履职中还存在哪些问题？").as_dict()
    assert a["kind"] == "passage"
    text = a["answer"] + "".join(c["text"] for c in a["citations"])
    assert "信息化资金不足" in text
    assert all(c["city"] == "汕头" for c in a["citations"])
    assert not unbacked(a)
