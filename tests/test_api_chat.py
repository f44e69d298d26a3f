"""The chat's store-built example questions (GET /api/examples) and comparing the last two answers
(POST /api/ask with `previous`) through a real HTTP server (qa serve, real model, shipped corpus)."""
from __future__ import annotations

import pytest
from backing import unbacked
from test_api import jcall

pytestmark = pytest.mark.slow


def ask(server, question: str, previous: dict | None = None) -> dict:
    status, a = jcall(server, "POST", "/api/ask", {"question": question, "previous": previous})
    assert status == 200, a
    return a


def test_examples_are_built_from_the_store_and_answer(live_server):
    status, d = jcall(live_server, "GET", "/api/examples")
    assert status == 200 and isinstance(d["generation"], int)
    got = d["examples"]
    assert 4 <= len(got) <= 6 and {"figure", "comparison", "achievements"} <= {x["kind"] for x in got}, got
    text = " ".join(x["question"] for x in got)
    assert ("汕头" in text or "Shantou" in text) and ("汕尾" in text or "Shanwei" in text)
    for x in got:
        a = ask(live_server, x["question"])
        assert a["kind"] != "none", (x, a["answer"])
        if x["kind"] in ("figure", "english"):
            assert a["kind"] == "fact" and a["value"] is not None and a["citations"] and not unbacked(a), a["answer"]
        if x["kind"] == "comparison":
            assert len(a["facts"]) >= 2 and not unbacked(a), a["answer"]
    status, again = jcall(live_server, "GET", "/api/examples")
    assert status == 200 and again == d                                   # one store generation, one list


def test_compare_the_last_two_answers_over_http(live_server):
    first = ask(live_server, "汕头2024年公务接待费是多少？")
    second = ask(live_server, "那汕尾呢？", {"question": "汕头2024年公务接待费是多少？", "scope": first["scope"]})
    assert second["kind"] == "fact" and second["facts"][0]["city"] == "汕尾"
    held = second["scope"]["answered"]
    assert [(x["whose"], x["value"], x["unit"]) for x in held] == [
        ("汕头市政务服务和数据管理局", pytest.approx(0.15), "万元"), ("汕尾市政务服务数据管理局", pytest.approx(1.13), "万元")]
    assert all(x["doc_id"] and x["page"] >= 1 and x["text"] for x in held)
    third = ask(live_server, "两个比一比", {"question": "那汕尾呢？", "scope": second["scope"]})
    assert third["kind"] == "fact" and third["route"] == "comparison", third["answer"]
    assert [(f["city"], f["value"]) for f in third["facts"]] == [("汕头", pytest.approx(0.15)), ("汕尾", pytest.approx(1.13))]
    assert [c["city"] for c in third["citations"]] == ["汕头", "汕尾"]
    assert third["value"] == pytest.approx(0.98) and third["unit"] == "万元" and "0.98" in third["answer"]
    assert "比较上两问答案" in third["answer"] and "年度不同" in third["answer"] and not unbacked(third)
    # asked again in other words: the same two figures (they stay carried)
    fourth = ask(live_server, "哪个多？", {"question": "两个比一比", "scope": third["scope"]})
    assert fourth["value"] == pytest.approx(0.98)


def test_compare_with_fewer_than_two_answers(live_server):
    first = ask(live_server, "汕头2024年公务接待费是多少？")
    one = ask(live_server, "差多少？", {"question": "汕头2024年公务接待费是多少？", "scope": first["scope"]})
    assert one["kind"] == "none" and one["value"] is None and "0.15" in one["answer"] and one["citations"]
    # the previous turn given by its question alone carries no answered figure
    none = ask(live_server, "compare the two", {"question": "汕头2024年公务接待费是多少？"})
    assert none["kind"] == "none" and none["lang"] == "en" and "none is held" in none["answer"]
    # a made-up figure is never stated: it is not on the page it cites
    forged = dict(first["scope"]["answered"][0], fact_id=None, value=88.8, text="公务接待费88.8万元")
    status, a = jcall(live_server, "POST", "/api/ask", {"question": "差多少？", "previous": {
        "scope": {"answered": [forged, first["scope"]["answered"][0]]}}})
    assert status == 200 and a["kind"] == "none" and "88.8" not in a["answer"]
