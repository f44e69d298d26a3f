"""Everyday words for budget items ("出国花了多少钱", "有几辆车"), read through the table of
qa.everyday_words that rests on the reports' 名词解释 (fast: hash embedder on the shipped corpus)."""
from __future__ import annotations

import pytest
from conftest import corpus_engine

from qa.everyday_words import TABLE, with_items
from qa.router import Engine


@pytest.mark.parametrize("question,item", [
    ("深圳审计局2026年出国花了多少钱", "因公出国（境）费"),
    ("汕尾2021年吃饭花了多少钱", "公务接待费"),
    ("汕尾2021年车花了多少钱", "公务用车购置及运行费"),
    ("汕尾2021年有几辆车", "公务用车保有量"),
    ("汕尾2021年公车有多少辆", "公务用车保有量"),
    ("汕尾2021年买车花了多少", "公务用车购置费"),
    ("汕头政数局编制多少", "编制数"),
    ("汕头政数局有多少人", "实有人员"),
])
def test_everyday_word_becomes_the_item(question, item):
    text, note = with_items(question)
    assert item in text and note and item in note


@pytest.mark.parametrize("question", [
    "汕尾2021年公务接待费是多少",      # the item already named
    "汕头有多少人",                    # a city's people: population, not a body's staff
    "汕头接待群众多少人次",            # a count of visitors, not a count of staff
    "粤智助自助机有多少台",
    "出国考察的情况如何",              # neither money nor a count asked
])
def test_left_alone(question):
    assert with_items(question) == (question, None)


def test_every_entry_names_its_basis():
    for e in TABLE:
        assert e.basis and e.item and e.asks in ("money", "count")


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return corpus_engine(tmp_path_factory.mktemp("everyday"))


@pytest.mark.parametrize("question,value,unit", [
    ("汕尾2021年有几辆车", 2, "辆"),
    ("汕尾2021年吃饭花了多少钱", 1.13, "万元"),
    ("汕尾2021年车花了多少钱", 5.8, "万元"),
    ("汕头政数局编制多少", 34, "名"),
])
def test_answered_from_the_item(engine, question, value, unit):
    a = engine.ask(question).as_dict()
    assert a["kind"] == "fact" and a["value"] == pytest.approx(value) and a["unit"] == unit
    assert any("名词解释" in n for n in a["notes"])


def test_quoted_basis_is_in_the_reports_名词解释():
    """Each entry marked as quoted says word for word what a real 部门预算's 名词解释 says."""
    import re

    import pdfplumber
    from conftest import realdata
    pdf = realdata("renwu-2026-dept-budgets-guangdong/005_广州/气象局_2026年部门预算.pdf")
    with pdfplumber.open(pdf) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages[-6:])
    squashed = re.sub(r"\s+|-\s*\d+\s*-", "", text).replace(":", "：")
    assert "名词解释" in squashed
    for e in TABLE:
        if e.quoted:
            assert e.basis.replace(":", "：") in squashed, e.basis
