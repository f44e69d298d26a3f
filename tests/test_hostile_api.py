"""Hostile uploads and requests over HTTP (in-process ASGI client, HashEmbedder store):
bad files end their job in status `error` with a message and leave the store unchanged;
wrong type / oversize / empty are refused up front (415 / 413 / 422); malformed /api/ask
bodies get 422 with the one error shape; report text is returned verbatim as JSON."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pdfgen  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from index.settings import Settings  # noqa: E402
from service.app import create_app  # noqa: E402
from test_hostile_files import BAD, page_count_bomb  # noqa: E402

TOKEN = "hostile-token"
AUTH = {"X-Admin-Token": TOKEN}
GOOD_TXT = "一、部门基本情况\n\n本部门公务接待费支出1.13万元，主要用于接待省局调研。\n"


def hash_settings(root: Path, **kw) -> Settings:
    empty = root / "no-corpus"
    empty.mkdir(exist_ok=True)
    return Settings(store=root / "store", corpus=empty, embed_backend="hash", query_backend="hash",
                    admin_token=TOKEN, max_upload_mb=1, max_pages=1000, **kw)


@pytest.fixture()
def client(tmp_path: Path):
    with TestClient(create_app(hash_settings(tmp_path)), raise_server_exceptions=False) as c:
        yield c


def upload(c: TestClient, name: str, data: bytes, headers=AUTH):
    return c.post("/api/reports", files={"file": (name, data, "application/octet-stream")}, headers=headers)


def wait_job(c: TestClient, job: str, limit: float = 60) -> dict:
    t = time.time()
    while time.time() - t < limit:
        j = c.get(f"/api/jobs/{job}").json()
        if j["status"] != "running":
            return j
        time.sleep(0.05)
    raise AssertionError(f"job {job} still running after {limit}s")


def counts(c: TestClient) -> dict:
    h = c.get("/api/health").json()
    return {k: h[k] for k in ("reports", "chunks", "facts")}


def assert_error_shape(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "status"}, body
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


# ------------------------------------------------------------------ uploads
UPLOAD_BAD = ["corrupt", "truncated", "encrypted", "zero_pages", "image_only", "blank_page", "png_named_pdf",
              "text_named_pdf", "binary_txt", "page_bomb"]


def test_bad_uploads_end_in_error_jobs_and_leave_store_unchanged(client, tmp_path: Path) -> None:
    r = upload(client, "good.txt", GOOD_TXT.encode("utf-8"))
    assert r.status_code == 202, r.text
    assert wait_job(client, r.json()["job"])["status"] == "done"
    before = counts(client)
    assert before["reports"] == 1
    folder = tmp_path / "files"
    folder.mkdir()
    for kind in UPLOAD_BAD:
        path = page_count_bomb(folder, kids=3000) if kind == "page_bomb" else BAD[kind][0](folder)
        r = upload(client, path.name, path.read_bytes())
        assert r.status_code == 202, (kind, r.status_code, r.text)
        j = wait_job(client, r.json()["job"])
        assert j["status"] == "error", (kind, j)
        assert j["error"]["code"] != "internal", (kind, j)
        assert j["error"]["message"], (kind, j)
        assert counts(client) == before, kind
    # nothing left behind in the upload folder
    assert not list((tmp_path / "store" / "uploads").glob("*"))


def test_upload_refusals_up_front(client) -> None:
    before = counts(client)
    assert_error_shape(upload(client, "report.docx", b"PK\x03\x04" + b"\x00" * 100), 415)
    assert_error_shape(upload(client, "photo.png", pdfgen._png_bytes()), 415)
    assert_error_shape(upload(client, "noext", b"hello"), 415)
    assert_error_shape(upload(client, "big.txt", b"a" * (1024 * 1024 + 10)), 413)
    assert_error_shape(upload(client, "empty.pdf", b""), 422)
    assert_error_shape(upload(client, "x.txt", b"hi", headers={}), 401)
    assert_error_shape(upload(client, "x.txt", b"hi", headers={"X-Admin-Token": "wrong"}), 401)
    r = client.post("/api/reports", headers=AUTH)           # no file part at all
    assert_error_shape(r, 422)
    assert counts(client) == before


def test_hostile_filename_is_sanitised(client) -> None:
    r = upload(client, "../../etc/passwd<script>.txt", GOOD_TXT.encode("utf-8"))
    assert r.status_code == 202, r.text
    name = r.json()["file"]
    assert "/" not in name and "<" not in name and ".." not in name
    assert wait_job(client, r.json()["job"])["status"] == "done"


def test_gb18030_upload_ingests(client) -> None:
    r = upload(client, "gbk.txt", GOOD_TXT.encode("gb18030"))
    assert wait_job(client, r.json()["job"])["status"] == "done"
    assert counts(client)["reports"] == 1


# ------------------------------------------------------------------ /api/ask malformed
@pytest.mark.parametrize("body,kw", [
    ({}, {}),
    ({"question": ""}, {}),
    ({"question": "   "}, {}),
    ({"question": "问" * 501}, {}),
    ({"question": 123}, {}),
    ({"question": None}, {}),
    ({"question": ["a"]}, {}),
    ({"question": "公务接待费", "top_k": 0}, {}),
    ({"question": "公务接待费", "top_k": 21}, {}),
    ({"question": "公务接待费", "top_k": "5"}, {}),
    ({"question": "公务接待费", "top_k": 2.5}, {}),
    ({"question": "公务接待费", "year": "2021"}, {}),
    ({"question": "公务接待费", "year": 1800}, {}),
    ({"question": "公务接待费", "city": 5}, {}),
    ({"question": "公务接待费", "city": "市" * 21}, {}),
    (None, {"content": b"not json", "headers": {"Content-Type": "application/json"}}),
    (None, {"content": b"{\"question\": ", "headers": {"Content-Type": "application/json"}}),
    (None, {"content": b"", "headers": {"Content-Type": "application/json"}}),
    (None, {}),
    (None, {"content": "question=hi".encode(), "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
    (None, {"content": b"[1, 2]", "headers": {"Content-Type": "application/json"}}),
    (None, {"content": b"\xff\xfe\x00garbage", "headers": {"Content-Type": "application/json"}}),
])
def test_malformed_ask_is_422_with_error_shape(client, body, kw) -> None:
    r = client.post("/api/ask", json=body, **kw) if body is not None else client.post("/api/ask", **kw)
    assert_error_shape(r, 422)


def test_ask_over_long_after_strip_and_valid_ask(client) -> None:
    r = client.post("/api/ask", json={"question": "公务接待费是多少？"})
    assert r.status_code == 200, r.text          # empty store: answered with route none
    assert r.json()["route"] == "none"


@pytest.mark.parametrize("path", [
    "/api/search?q=", "/api/search?q=a&k=0", "/api/search?q=a&year=abc", "/api/facts?page=0",
    "/api/facts?format=xml", "/api/facts?page_size=100000", "/api/facts/checks?status=bad",
    "/api/reports/x/pages/notanumber",
])
def test_bad_query_params_are_422(client, path: str) -> None:
    assert_error_shape(client.get(path), 422)


@pytest.mark.parametrize("path", ["/api/reports/nope", "/api/reports/nope/pages/1", "/api/reports/nope/file",
                                  "/api/jobs/nope", "/api/nothing-here"])
def test_unknown_things_are_404(client, path: str) -> None:
    assert_error_shape(client.get(path), 404)


# ------------------------------------------------------------------ report text is data, not markup
def test_page_text_is_returned_verbatim_as_json(client) -> None:
    evil = ("一、部门基本情况\n\n本部门公务接待费支出1.13万元。<script>alert('x')</script>\n\n"
            "二、其他情况\n\n<img src=x onerror=alert(1)> 说明 & \"引号\" </div>\n")
    r = upload(client, "evil.txt", evil.encode("utf-8"))
    j = wait_job(client, r.json()["job"])
    assert j["status"] == "done", j
    doc = j["result"]["doc_id"]
    r = client.get(f"/api/reports/{doc}/pages/1")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    text = r.json()["text"]
    assert "<script>alert('x')</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    r = client.get(f"/api/reports/{doc}/file")
    assert r.headers["content-type"].startswith("text/plain")


# ------------------------------------------------------------------ found by tests/test_api_fuzz.py
@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus-api")
    s = Settings(store=root / "store", corpus=Path(__file__).resolve().parents[1] / "corpus",
                 embed_backend="hash", query_backend="hash", admin_token=TOKEN)
    with TestClient(create_app(s), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("q", ["0", "a", "？", "0 1", "公", "<script>"])
def test_tiny_questions_do_not_500(corpus_client, q: str) -> None:
    """Regression: a question whose topic has no CJK bigram ("0") made qa/sentences.py
    weighted_overlap() call overlap() with a list -> TypeError -> HTTP 500."""
    r = corpus_client.post("/api/ask", json={"question": q})
    assert r.status_code == 200, r.text
    assert r.json()["route"] in ("fact", "computed", "passage", "comparison", "none")
