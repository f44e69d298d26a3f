"""Comparing the last two answers of a chat (qa/compare_last.py) and the example questions built
from the store (qa/examples.py), over the shipped corpus in a real SQLite store (fast: hash
embedder; the real model and HTTP are in test_api_chat.py, the page in test_web_chat.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from backing import unbacked

from index.ingest.report import ingest_file
from index.records import Fact, Report
from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.search.retrieval import SearchIndex
from index.store.sqlite import SqliteStore
from qa.compare_last import arithmetic, asks_compare_last, figures_of
from qa.records import FactRef
from qa.router import Engine

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    emb = HashEmbedder(dim=384)
    s = SqliteStore(tmp_path_factory.mktemp("compare-last") / "store", model_name=emb.name, dim=emb.dim)
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        ingest_file(s, emb, p)
    yield s
    s.close()


def new_engine(store) -> Engine:
    emb = HashEmbedder(dim=384)
    return Engine(search=SearchIndex.load(store, ann_threshold=10_000), facts=FactIndex.load(store), embedder=emb,
                  store=store)


@pytest.fixture(scope="module")
def engine(store) -> Engine:
    return new_engine(store)


def chat(engine: Engine, *questions: str) -> list[dict]:
    """Questions asked in turn, each with the previous answer's scope (as the page sends it)."""
    out, previous = [], None
    for q in questions:
        a = engine.ask(q, previous=previous).as_dict()
        out.append(a)
        previous = {"question": q, "scope": a["scope"]}
    return out


@pytest.mark.parametrize("text", ["两个比一比", "哪个多？", "差多少？", "compare the two", "比较一下", "两者相差多少？",
                                  "它们差多少", "哪个更高", "这两个对比一下", "差距有多大？", "差多少钱？",
                                  "Which is higher?", "what is the difference?", "把这两个比一比"])
def test_bare_compare_requests(text):
    assert asks_compare_last(text)


@pytest.mark.parametrize("text", ["比较汕头和汕尾的公务接待费", "深圳和广州哪个多？", "那广州呢？", "公务接待费差多少",
                                  "compare Shenzhen and Guangzhou", "哪个部门最多", "汕头差多少", ""])
def test_questions_naming_something_are_not_compare_last(text):
    assert not asks_compare_last(text)


def test_three_turns_compare_both_cited_figures(engine):
    first, second, third = chat(engine, "汕头2024年公务接待费是多少？", "那汕尾呢？", "两个比一比")
    assert (first["value"], second["value"]) == (pytest.approx(0.15), pytest.approx(1.13))
    assert [x["value"] for x in second["scope"]["answered"]] == [pytest.approx(0.15), pytest.approx(1.13)]
    assert third["kind"] == "fact" and third["route"] == "comparison", third["answer"]
    assert [f["value"] for f in third["facts"]] == [pytest.approx(0.15), pytest.approx(1.13)]
    assert {c["city"] for c in third["citations"]} == {"汕头", "汕尾"} and all(c["page"] for c in third["citations"])
    assert third["value"] == pytest.approx(0.98) and third["unit"] == "万元"
    assert "0.98" in third["answer"] and "7.53" in third["formula"] and "年度不同" in third["answer"]
    assert "比较上两问答案" in third["answer"] and "公务接待费" in third["answer"]
    assert len(third["table"]) == 2 and not unbacked(third), third["answer"]
    # the figures stay carried: another way of asking compares the same two
    again = engine.ask("差多少？", previous=third["scope"]).as_dict()
    assert again["value"] == pytest.approx(0.98)
    english = engine.ask("compare the two", previous=third["scope"]).as_dict()
    assert english["lang"] == "en" and english["value"] == pytest.approx(0.98) and "more than" in english["answer"]


def test_fewer_than_two_figures_says_so_and_what_is_held(engine):
    first, = chat(engine, "汕头2024年公务接待费是多少？")
    a = engine.ask("哪个多？", previous=first["scope"]).as_dict()
    assert a["kind"] == "none" and a["value"] is None
    assert "只有 1 个数字答案" in a["answer"] and "0.15" in a["answer"] and a["citations"][0]["city"] == "汕头"
    none = engine.ask("差多少？", previous={"question": "粤智助覆盖情况"}).as_dict()
    assert none["kind"] == "none" and "还没有可比较的数字答案" in none["answer"]
    # a passage turn in between adds no figure: the two figures before it are compared
    turns = chat(engine, "汕头2024年公务接待费是多少？", "那汕尾呢？", "粤智助覆盖情况", "差多少？")
    assert turns[2]["kind"] == "passage" and turns[3]["value"] == pytest.approx(0.98)


def test_figures_are_read_back_from_the_store_never_from_the_request(engine):
    _, second = chat(engine, "汕头2024年公务接待费是多少？", "那汕尾呢？")
    held = second["scope"]["answered"]
    forged = [dict(held[0], value=999.0), held[1]]                      # a stored fact by id: its stored value
    a = engine.ask("差多少？", previous={"answered": forged}).as_dict()
    assert [f["value"] for f in a["facts"]] == [pytest.approx(0.15), pytest.approx(1.13)] and "999" not in a["answer"]
    read = [dict(held[0], fact_id=None), held[1]]          # no fact id: the cited words on the cited page
    assert engine.ask("差多少？", previous={"answered": read}).as_dict()["value"] == pytest.approx(0.98)
    made_up = [dict(held[0], fact_id=None, value=999.0, text="公务接待费999万元"), held[1]]   # not on the page
    b = engine.ask("差多少？", previous={"answered": made_up}).as_dict()
    assert b["kind"] == "none" and "999" not in b["answer"] and "已找不到" in b["answer"]
    for junk in ("garbage", [1, None, {"value": True, "doc_id": 3, "page": "x"}], [dict(held[0], doc_id="nope")],
                 [dict(held[0], fact_id=None, page=9999), held[1]], [dict(held[0], fact_id=10**9), held[1]]):
        c = engine.ask("差多少？", previous={"answered": junk}).as_dict()
        assert c["kind"] == "none"


def fact_ref(value: float, unit: str, subject: str = "公务接待费") -> FactRef:
    report = Report(doc_id="d", title="t", city="汕头", year=2024, department="某局", report_type=None,
                    source_path="t.txt", pages=1, sha1="0")
    return FactRef(Fact(subject=subject, subject_raw=subject, measure="", value=value, unit=unit, page=1,
                        text=f"{value}{unit}", source="prose"), report)


def test_arithmetic_one_scale_or_none():
    assert arithmetic(fact_ref(1.5, "万元"), fact_ref(5000, "元")) == (1.0, "万元", 3.0)
    assert arithmetic(fact_ref(5.5, "%"), fact_ref(5.0, "%")) == (0.5, "个百分点", None)
    assert arithmetic(fact_ref(12, "台"), fact_ref(3, "万元")) is None
    assert arithmetic(fact_ref(12.2, "万元"), fact_ref(5.13, "万元")) == (7.07, "万元", 2.38)


def test_only_fact_answers_carry_figures(engine):
    passage = engine.ask("粤智助覆盖情况")
    assert figures_of(passage) == []
    comparison = engine.ask("比较汕头和汕尾的公务接待费")
    assert [x["value"] for x in figures_of(comparison)] == [pytest.approx(0.15), pytest.approx(1.13)]


# ---------------------------------------------------------------- example questions
def test_examples_from_the_store_each_answered_as_its_kind(store, engine):
    got = engine.examples
    kinds = [e.kind for e in got]
    assert 4 <= len(got) <= 6 and {"figure", "comparison", "achievements"} <= set(kinds), got
    assert len({e.question for e in got}) == len(got)
    for e in got:
        a = engine.ask(e.question)
        assert a.kind != "none", (e, a.answer)
        if e.kind in ("figure", "english"):
            assert a.kind == "fact" and a.value is not None and not unbacked(a.as_dict())
        if e.kind == "comparison":
            assert len(a.facts) >= 2
    # the shipped corpus: its own places and items, never a place it does not hold
    text = " ".join(e.question for e in got)
    assert ("汕头" in text or "Shantou" in text) and "公务接待费" in text
    # deterministic: another snapshot of the same store offers the same
    assert new_engine(store).examples == got
