"""Follow-ups in a chat (`previous` = the last answer's scope, as the page sends it): a column
named alone, another item, a body the store lacks, the other party of a difference, a turn that
names nothing, a target or an actual of the last item. Hash embedder, real FAISS, real reports."""
from __future__ import annotations

import pytest
from conftest import corpus_engine, realdata

from index.search.fact_index import FactIndex
from index.search.retrieval import SearchIndex
from qa.router import Engine


def chat(engine: Engine, *questions: str) -> list[dict]:
    out, previous = [], None
    for q in questions:
        a = engine.ask(q, previous=previous).as_dict()
        out.append(a)
        previous = a["scope"]
    return out


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return corpus_engine(tmp_path_factory.mktemp("followups"))


def test_a_column_named_alone_keeps_the_item(engine):
    first, second = chat(engine, "汕头市政务服务和数据管理局2024年一般公共预算财政拨款收入决算数是多少？", "年初预算数呢？")
    assert first["kind"] == "fact" and second["kind"] == "fact"
    assert second["facts"][0]["measure"] == "年初预算数"
    assert "一般公共预算财政拨款收入" in second["facts"][0]["subject"]


def test_another_item_keeps_the_kind_and_the_money(engine):
    _, second = chat(engine, "汕尾市政务服务数据管理局2021年机关运行经费支出多少？", "政府采购呢？")
    assert second["kind"] == "fact" and second["unit"] == "万元"
    assert "采购" in second["facts"][0]["subject"]


def test_a_body_the_store_lacks_is_none_not_the_last_body(engine):
    _, second = chat(engine, "汕头市政务服务和数据管理局2024年“三公”经费决算合计是多少？", "那汕头市财政局呢？")
    assert second["kind"] == "none" and second["value"] is None
    assert "财政局" in second["answer"]


def test_difference_with_the_other_party_named(engine):
    turns = chat(engine, "汕头市政务服务和数据管理局2024年“三公”经费决算合计是多少？",
                 "汕尾市政务服务数据管理局2021年“三公”经费决算合计是多少？", "和汕头的差多少？")
    a, b, diff = turns
    assert diff["route"] == "comparison" and diff["value"] == pytest.approx(abs(a["value"] - b["value"]), abs=0.01)


def test_a_turn_naming_nothing_leans_on_the_last(engine):
    _, second = chat(engine, "汕头市政务服务和数据管理局核定的行政编制数是多少？", "实有财拨在职人员呢？")
    assert second["kind"] == "fact" and second["facts"][0]["organization"] == "汕头市政务服务和数据管理局"


@pytest.fixture(scope="module")
def provinces(tmp_path_factory) -> Engine:
    from index.ingest.report import ingest_path
    from index.search.embed import HashEmbedder
    from index.store.sqlite import SqliteStore
    emb = HashEmbedder(dim=384)
    store = SqliteStore(tmp_path_factory.mktemp("fu-prov") / "store", model_name=emb.name, dim=emb.dim)
    for name in ("湖南省", "江苏省"):
        ingest_path(store, emb, realdata(f"gov-work-reports-2026-provincial/2026_{name}_政府工作报告.csv"))
    return Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb,
                  store=store)


@pytest.mark.slow
def test_the_target_of_the_last_item(provinces):
    first, second, third = chat(provinces, "湖南省2025年地区生产总值增长多少？", "2026年的目标呢？", "江苏呢？")
    assert "地区生产总值" in second["scope"]["topic"]
    for a in (second, third):
        assert a["scope"]["asks_target"] is True and a["scope"]["years"] == [2026]
        for f in a["facts"]:
            assert f["period"]["kind"] == "target" and f["period"]["year"] == 2026
    assert third["scope"]["places"][0]["name"] == "江苏省"


@pytest.mark.slow
def test_the_actual_of_the_last_item_for_a_place_named(provinces):
    _, second = chat(provinces, "湖南省2026年城镇新增就业目标是多少？", "江苏2025年实际完成了多少？")
    assert "城镇新增就业" in second["scope"]["topic"] and second["scope"]["asks_target"] is False
    for f in second["facts"]:
        assert f["period"]["kind"] != "target"
