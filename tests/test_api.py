"""Every endpoint through a real HTTP server (qa serve on loopback, real model, shipped corpus)."""
from __future__ import annotations

import csv
import io
import json
import time
import urllib.error
import urllib.request

import pytest

from backing import unbacked
from conftest import ADMIN_TOKEN

pytestmark = pytest.mark.slow


def call(server, method: str, path: str, body=None, headers=None, raw: bytes | None = None,
         content_type: str = "application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(server.base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def jcall(server, method, path, body=None, **kw):
    status, headers, data = call(server, method, path, body, **kw)
    return status, json.loads(data)


def assert_error_shape(payload: dict, status: int):
    assert set(payload) == {"error"}
    assert payload["error"]["status"] == status
    assert payload["error"]["message"] and payload["error"]["code"]


def multipart(filename: str, content: bytes, fields: dict | None = None) -> tuple[bytes, str]:
    boundary = "----qa-test-boundary"
    parts = []
    for k, v in (fields or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_health(live_server):
    status, body = jcall(live_server, "GET", "/api/health")
    assert status == 200 and body["status"] == "ok"
    assert body["reports"] == 2 and body["chunks"] > 100 and body["facts"] > 500


def test_ask_fact_contract(live_server):
    status, a = jcall(live_server, "POST", "/api/ask", {"question": "汕头市政务服务和数据管理局2024年公务接待费决算数是多少？"})
    assert status == 200
    assert a["kind"] == "fact" and a["value"] == pytest.approx(0.15) and a["unit"] == "万元"
    f = a["facts"][0]
    assert f["subject"] == "公务接待费" and f["city"] == "汕头" and f["year"] == 2024 and f["text"]
    c = a["citations"][0]
    assert {"doc_id", "title", "city", "year", "page", "section", "text", "score"} <= set(c)
    assert not unbacked(a)


def test_ask_filters_city_and_year(live_server):
    _, a = jcall(live_server, "POST", "/api/ask", {"question": "公务接待费是多少", "city": "汕尾", "year": 2021})
    assert a["kind"] == "fact" and a["value"] == pytest.approx(1.13)
    _, a = jcall(live_server, "POST", "/api/ask", {"question": "公务接待费是多少", "city": "汕尾", "year": 2024})
    assert a["kind"] == "none" and a["value"] is None


def test_ask_passage_and_none(live_server):
    _, a = jcall(live_server, "POST", "/api/ask", {"question": "粤智助覆盖情况", "top_k": 5})
    assert a["kind"] in ("passage", "fact")
    assert {c["city"] for c in a["citations"]} >= {"汕头", "汕尾"}
    assert not unbacked(a)
    _, a = jcall(live_server, "POST", "/api/ask", {"question": "广州2021年一般公共预算财政拨款收入是多少？"})
    assert a["kind"] == "none" and "汕头" in a["answer"]


@pytest.mark.parametrize("body,status", [
    ({"question": ""}, 422), ({"question": "   "}, 422), ({"question": "问" * 600}, 422),
    ({"question": 123}, 422), ({}, 422), ({"question": "x", "top_k": 0}, 422), ({"question": "x", "top_k": 99}, 422),
    ({"question": "x", "year": "2024"}, 422), ({"question": "x", "city": ["汕头"]}, 422),
])
def test_ask_bad_input_is_422(live_server, body, status):
    s, payload = jcall(live_server, "POST", "/api/ask", body)
    assert s == status
    assert_error_shape(payload, status)


def test_ask_not_json_is_422(live_server):
    s, _, data = call(live_server, "POST", "/api/ask", raw=b"{not json", content_type="application/json")
    assert s == 422
    assert_error_shape(json.loads(data), 422)


def test_search_with_facets(live_server):
    s, body = jcall(live_server, "GET", "/api/search?q=%E6%94%BF%E5%8A%A1%E4%BA%91&k=5")
    assert s == 200 and len(body["results"]) == 5
    assert set(body["facets"]["city"]) <= {"汕头", "汕尾"} and sum(body["facets"]["city"].values()) >= 5
    r = body["results"][0]
    assert r["section"] is not None and r["page"] >= 1 and r["text"]
    s, body = jcall(live_server, "GET", "/api/search?q=%E6%94%BF%E5%8A%A1%E4%BA%91&city=%E6%B1%95%E5%B0%BE&k=5")
    assert all(x["city"] == "汕尾" for x in body["results"])
    s, body = jcall(live_server, "GET", "/api/search?q=&k=5")
    assert s == 422


def test_facts_json_paged_and_csv(live_server):
    s, body = jcall(live_server, "GET", "/api/facts?city=%E6%B1%95%E5%B0%BE&q=%E6%8E%A5%E5%BE%85&page_size=5")
    assert s == 200 and body["total"] >= 1 and len(body["facts"]) <= 5
    assert all(f["city"] == "汕尾" for f in body["facts"])
    # synonym lookup with its match score: 招待费 → 公务接待费
    s, body = jcall(live_server, "GET", "/api/facts?q=%E6%8B%9B%E5%BE%85%E8%B4%B9")
    assert s == 200 and body["subjects"] and body["subjects"][0]["subject"] == "公务接待费"
    assert 0 < body["subjects"][0]["score"] <= 1
    s, headers, data = call(live_server, "GET", "/api/facts?city=%E6%B1%95%E5%B0%BE&format=csv")
    assert s == 200 and "text/csv" in headers["Content-Type"]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and all(r["city"] == "汕尾" for r in rows)
    assert any(r["subject"] == "公务接待费" for r in rows)
    s, body = jcall(live_server, "GET", "/api/facts?page=0")
    assert s == 422


def test_checks(live_server):
    s, body = jcall(live_server, "GET", "/api/facts/checks")
    assert s == 200 and body["total"] >= 1
    assert {"kind", "status", "message", "page", "fact_ids"} <= set(body["checks"][0])


def test_reports_detail_page_file(live_server):
    s, body = jcall(live_server, "GET", "/api/reports")
    assert s == 200 and body["total"] == 2
    sw = next(r for r in body["reports"] if r["city"] == "汕尾")
    s, detail = jcall(live_server, "GET", f"/api/reports/{sw['doc_id']}")
    assert s == 200 and detail["report_type"] == "部门决算" and len(detail["sections"]) > 10
    assert any("收入支出决算总表" in x["title"] for x in detail["sections"])
    _, a = jcall(live_server, "POST", "/api/ask", {"question": "汕尾2021年公务接待费是多少"})
    cit = a["citations"][0]
    from urllib.parse import quote
    s, page = jcall(live_server, "GET", f"/api/reports/{cit['doc_id']}/pages/{cit['page']}?highlight={quote(cit['text'][:80])}")
    assert s == 200 and page["highlights"], page
    start, end = page["highlights"][0]
    assert "1.13" in page["text"][start:end + 20]
    s, headers, data = call(live_server, "GET", f"/api/reports/{sw['doc_id']}/file")
    assert s == 200 and "公务接待费" in data.decode("utf-8")
    for path in ("/api/reports/nope", f"/api/reports/{sw['doc_id']}/pages/9999", "/api/reports/nope/file"):
        s, payload = jcall(live_server, "GET", path)
        assert s == 404
        assert_error_shape(payload, 404)


def test_upload_requires_admin_and_checks_type(live_server):
    body, ctype = multipart("x.txt", "珠海市测试局2025年工作总结。".encode())
    s, _, data = call(live_server, "POST", "/api/reports", raw=body, content_type=ctype)
    assert s == 401
    s, _, data = call(live_server, "POST", "/api/reports", raw=body, content_type=ctype,
                      headers={"X-Admin-Token": "wrong"})
    assert s == 401
    body, ctype = multipart("evil.exe", b"MZ\x90\x00")
    s, _, data = call(live_server, "POST", "/api/reports", raw=body, content_type=ctype,
                      headers={"X-Admin-Token": ADMIN_TOKEN})
    assert s == 415
    assert_error_shape(json.loads(data), 415)
    s, _, _ = call(live_server, "DELETE", "/api/reports/whatever")
    assert s == 401


ZHUHAI = ("珠海市测试局2025年部门工作总结\n\n一、主要成效\n\n本年度共建成 321 个智慧服务站点，"
          "覆盖全市 5 个区。\n\n二、存在问题\n\n基层站点运维人员不足。\n").encode("utf-8")


def upload(server, filename: str, content: bytes) -> tuple[dict, dict]:
    """POST /api/reports as admin, then the job polled until it ends: (upload reply, finished job)."""
    body, ctype = multipart(filename, content)
    s, _, data = call(server, "POST", "/api/reports", raw=body, content_type=ctype,
                      headers={"X-Admin-Token": ADMIN_TOKEN})
    assert s == 202, data
    job = json.loads(data)
    for _ in range(240):
        s, j = jcall(server, "GET", f"/api/jobs/{job['job']}")
        if j["status"] != "running":
            break
        time.sleep(0.5)
    assert j["status"] == "done", j
    return job, j


def test_upload_ask_delete_roundtrip(live_server):
    job, j = upload(live_server, "../../etc/zhuhai test.txt", ZHUHAI)
    assert "/" not in job["file"] and ".." not in job["file"]
    doc_id = j["result"]["doc_id"]
    _, a = jcall(live_server, "POST", "/api/ask", {"question": "珠海测试局建成了多少个智慧服务站点？"})
    assert a["value"] == pytest.approx(321) and a["facts"][0]["city"] == "珠海"
    s, body = jcall(live_server, "DELETE", f"/api/reports/{doc_id}", headers={"X-Admin-Token": ADMIN_TOKEN})
    assert s == 200 and body["deleted"] == doc_id
    _, a = jcall(live_server, "POST", "/api/ask", {"question": "珠海测试局建成了多少个智慧服务站点？"})
    assert a["kind"] == "none"
    s, _ = jcall(live_server, "GET", "/api/health")
    assert s == 200


def test_openapi_and_page(live_server):
    s, spec = jcall(live_server, "GET", "/openapi.json")
    assert s == 200 and "/api/ask" in spec["paths"]
    s, headers, data = call(live_server, "GET", "/")
    assert s == 200 and "text/html" in headers["Content-Type"]
    s, _, _ = call(live_server, "GET", "/docs")
    assert s == 200


# ---------------------------------------------------------------- scope over HTTP
def test_ask_names_its_scope_and_follow_up_inherits_it(live_server):
    status, first = jcall(live_server, "POST", "/api/ask", {"question": "汕头2024年公务接待费是多少？"})
    assert status == 200 and first["kind"] == "fact"
    assert first["scope"]["orgs"] == ["汕头市政务服务和数据管理局"] or first["facts"][0]["organization"]
    assert first["facts"][0]["organization"] == "汕头市政务服务和数据管理局"
    assert first["facts"][0]["place"] == "广东省汕头市"
    status, second = jcall(live_server, "POST", "/api/ask",
                           {"question": "那汕尾呢？", "previous": {"question": "汕头2024年公务接待费是多少？",
                                                                  "scope": first["scope"]}})
    assert status == 200 and second["kind"] == "fact", second["answer"]
    assert second["facts"][0]["city"] == "汕尾" and second["scope"]["carried"]
    # the previous turn given by its question alone works too
    status, third = jcall(live_server, "POST", "/api/ask",
                          {"question": "那汕尾呢？", "previous": {"question": "汕头2024年公务接待费是多少？"}})
    assert status == 200 and third["kind"] == "fact" and third["facts"][0]["city"] == "汕尾"


def test_malformed_previous_turn_is_a_4xx(live_server):
    status, payload = jcall(live_server, "POST", "/api/ask", {"question": "那汕尾呢？", "previous": "汕头"})
    assert status == 422
    assert_error_shape(payload, 422)


def test_facts_filters_by_organization_place_and_period(live_server):
    status, d = jcall(live_server, "GET", "/api/facts?place=%E6%B1%95%E5%B0%BE&org=%E6%94%BF%E5%8A%A1&period=2021"
                                          "&page_size=20")
    assert status == 200 and d["total"] > 0
    for f in d["facts"]:
        assert f["city"] == "汕尾" and "政务" in f["organization"] and f["period_year"] == 2021
    status, none = jcall(live_server, "GET", "/api/facts?org=%E7%A8%8E%E5%8A%A1%E5%B1%80")   # 税务局
    assert status == 200 and none["total"] == 0
    status, bad = jcall(live_server, "GET", "/api/facts?kind=guess")
    assert status == 422
