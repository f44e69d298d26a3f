"""Relative time through the HTTP API, against the server's clock (QA_TODAY): the chat's
answers state the year used, and the 成效 view's topic box reads "去年GDP" as 2025's GDP.
Real provincial CSVs of ../shared/realdata, real FAISS, hash embedder, FastAPI TestClient."""
from __future__ import annotations

import pytest
from conftest import realdata
from fastapi.testclient import TestClient

from index.settings import Settings
from service.app import create_app
from service.state import State

FOLDER = "gov-work-reports-2026-provincial"
PROVINCES = ("湖南省", "安徽省", "江苏省")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    s = Settings(store=tmp_path_factory.mktemp("reltime") / "store", embed_backend="hash", query_backend="hash",
                 today="2026-06-30", embed_cache="off")
    state = State(s)
    for name in PROVINCES:
        state.ingest(realdata(f"{FOLDER}/2026_{name}_政府工作报告.csv"))
    with TestClient(create_app(s, state=state)) as c:
        yield c


def test_achievements_topic_with_a_relative_year(client):
    d = client.get("/api/achievements", params={"topic": "去年GDP"}).json()
    assert d["filters"]["year"] == 2025
    assert "2025" in d["resolved"]["note"]
    assert d["resolved"]["metric"]
    assert d["rows"] if "rows" in d else d.get("total", 0) > 0


def test_chat_states_the_year_it_used(client):
    d = client.post("/api/ask", json={"question": "江苏去年地区生产总值是多少？"}).json()
    assert d["scope"]["years"] == [2025]
    assert any("“去年”" in n and "2025" in n for n in d["notes"])
