"""A report's identity (organization, place, year, type) is shown with its evidence and 不确定
when weak, and the user corrects it — at ingest (`qa ingest --org/--type`, the upload's form
fields) and on a stored report (`Store.set_identity`, `qa edit`, PATCH /api/reports/{doc_id}) —
without re-ingesting: the report answers for its new place and year at once, not for the old
ones, and its figures are dated as a fresh ingest with the corrected year dates them."""
from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ADMIN_TOKEN, ROOT, LiveServer

from index.errors import InvalidIdentity, NotFound
from index.ingest.report import Overrides, Source, ingest_file, prepare_source, store_prepared
from index.read.parse import parse_text
from index.search.embed import HashEmbedder
from index.settings import Settings
from index.store.schema import SCHEMA
from index.store.sqlite import SqliteStore

SHANWEI = ROOT / "corpus" / "汕尾市政务服务数据管理局2021年部门决算.txt"
ORG = "汕尾市政务服务数据管理局"
QUESTION = "{place}{year}年社会保障和就业支出是多少？"      # 150.26 万元, table 1 of the 2021 决算
VALUE = 150.26
NEW_COLUMNS = ", evidence TEXT NOT NULL DEFAULT '[]', unsure TEXT NOT NULL DEFAULT '[]'"


@pytest.fixture(scope="module")
def emb():
    return HashEmbedder(384)


@pytest.fixture()
def store(make_store, tmp_path):
    return make_store(tmp_path / "store", model_name="hash-384", dim=384)


def hash_settings(root: Path, **kw) -> Settings:
    empty = root / "no-corpus"
    empty.mkdir(exist_ok=True)
    return Settings(store=root / "store", corpus=empty, embed_backend="hash", query_backend="hash",
                    embed_cache=None, ocr_cache=None, admin_token=ADMIN_TOKEN, **kw)


def dated(facts) -> Counter:
    return Counter((f.subject, f.measure, f.value, f.page, f.period_year, f.period_end, f.period_kind) for f in facts)


def statement_periods(store, doc_id: str) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute(
        "SELECT sentence, metric, value, period_year, period_end, period_kind FROM statements WHERE doc_id=? "
        "ORDER BY statement_id", (doc_id,))]


# ---- the store ----------------------------------------------------------------------------
def test_set_identity_moves_the_report_and_keeps_everything_else(store, emb):
    res = ingest_file(store, emb, SHANWEI)
    facts, chunks, gen = store.facts(doc_id=res.doc_id), store.count_chunks(), store.generation()
    old, new = store.set_identity(res.doc_id, place="青岛", year=2022)
    assert (old.place, old.year) == ("广东省汕尾市", 2021)
    assert (new.place, new.city, new.province, new.place_code, new.year) == ("山东省青岛市", "青岛", "山东", "370200", 2022)
    # an organization named after the old place follows it; a title composed from the identity too
    assert new.department == "青岛市政务服务数据管理局" and new.title == "青岛市政务服务数据管理局2022年部门决算"
    assert {"地点：用户更正", "年份：用户更正"} <= set(new.evidence) and not {"place", "year"} & set(new.unsure)
    stored = store.get_report(res.doc_id)
    assert stored == new and stored.identity() != old.identity()
    assert [r.doc_id for r in store.find_same_identity(new.identity())] == [res.doc_id]
    assert store.find_same_identity(old.identity()) == []
    assert store.generation() == gen + 1                       # the snapshots see the change
    assert store.count_chunks() == chunks
    assert [(f.fact_id, f.subject, f.value) for f in store.facts(doc_id=res.doc_id)] == \
        [(f.fact_id, f.subject, f.value) for f in facts]
    assert store.facts(place="青岛", period=2022, q="社会保障和就业支出")
    assert not store.facts(place="汕尾") and not store.facts(place="青岛", period=2021, q="社会保障和就业支出")
    store.set_identity(res.doc_id, organization="青岛市某局")
    _, again = store.set_identity(res.doc_id, place="济南")
    assert again.department == "青岛市某局" and again.place == "山东省济南市"    # what the user gave stays


@pytest.mark.parametrize("wrong, right", [(2019, 2021), (2021, 2023)])
def test_figures_are_dated_as_a_fresh_ingest_dates_them(emb, tmp_path, wrong, right):
    """Facts and statements after a corrected year equal those of an ingest given that year."""
    edited = SqliteStore(tmp_path / "edited", model_name="hash-384", dim=384)
    fresh = SqliteStore(tmp_path / "fresh", model_name="hash-384", dim=384)
    a = ingest_file(edited, emb, SHANWEI, overrides=Overrides(year=wrong))
    b = ingest_file(fresh, emb, SHANWEI, overrides=Overrides(year=right))
    assert dated(edited.facts(doc_id=a.doc_id)) != dated(fresh.facts(doc_id=b.doc_id))
    edited.set_identity(a.doc_id, year=right)
    assert dated(edited.facts(doc_id=a.doc_id)) == dated(fresh.facts(doc_id=b.doc_id))
    assert statement_periods(edited, a.doc_id) == statement_periods(fresh, b.doc_id)


def test_bad_corrections_change_nothing(store, emb):
    res = ingest_file(store, emb, SHANWEI)
    before, gen = store.get_report(res.doc_id), store.generation()
    for fields, message in (({"place": "火星"}, "不认识的地点"), ({"year": 1800}, "年份"), ({}, "没有要更正"),
                            ({"organization": "  "}, "机构"), ({"place": "朝阳区"}, "不唯一.*北京市朝阳区"),
                            ({"place": "999999"}, "行政区划代码")):
        with pytest.raises(InvalidIdentity, match=message):
            store.set_identity(res.doc_id, **fields)
    with pytest.raises(NotFound):
        store.set_identity("0" * 16, year=2022)
    assert store.get_report(res.doc_id) == before and store.generation() == gen


def test_onto_an_identity_already_stored_both_are_kept(store, emb, tmp_path):
    a = ingest_file(store, emb, SHANWEI)
    other = tmp_path / "汕头市政务服务和数据管理局2024年部门整体支出绩效自评报告.txt"
    other.write_bytes((ROOT / "corpus" / other.name).read_bytes())
    b = ingest_file(store, emb, other)
    target = store.get_report(a.doc_id)
    store.set_identity(b.doc_id, place=target.place, organization=target.department, year=target.year,
                       report_type=target.report_type)
    assert store.get_report(b.doc_id).identity() == target.identity()
    assert {r.doc_id for r in store.find_same_identity(target.identity())} == {a.doc_id, b.doc_id}
    assert store.counts()["reports"] == 2 and store.facts(doc_id=a.doc_id) and store.facts(doc_id=b.doc_id)


def unsure_report(store, emb, name: str = "报告.txt") -> str:
    """A report stored with its place and year 不确定 (as index/names/metadata.py marks weak evidence)."""
    text = SHANWEI.read_text(encoding="utf-8")
    src = Source(name=name, data=text.encode("utf-8"), ext=".txt", parse=lambda: parse_text(text))
    prep = prepare_source(src, Overrides())
    evidence = ("地点：正文多处提到“汕尾”", "年份：只有文件名", "机构：首页")
    prep = replace(prep, report=replace(prep.report, evidence=evidence, unsure=("place", "year")))
    return store_prepared(store, emb, prep, src.data).doc_id


def test_unsure_fields_are_listed_and_a_confirmation_makes_them_certain(store, emb):
    from service.cli import unsure_lines
    doc = unsure_report(store, emb)
    row = store.report_row(doc)
    assert row["unsure"] == ["place", "year"] and "年份：只有文件名" in row["evidence"]
    assert store.report_rows()[0]["unsure"] == ["place", "year"]
    lines = unsure_lines(store, [SimpleNamespace(status="new", doc_id=doc)])
    assert len(lines) == 2 and doc in lines[1] and "不确定: 地点, 年份 — 地点：正文多处提到“汕尾”；年份：只有文件名" in lines[1]
    old, new = store.set_identity(doc, place=row["place"])       # the place as read, confirmed
    assert new.place == old.place and new.unsure == ("year",)
    assert "地点：用户确认" in new.evidence and "地点：正文多处提到“汕尾”" not in new.evidence
    assert "机构：首页" in new.evidence                                   # other fields keep their evidence


# ---- an old store ---------------------------------------------------------------------------
def test_an_old_store_gains_the_columns_on_open(backend, database_url, make_store, tmp_path):
    row = ("d" * 16, "汕尾市某局2021年部门决算", "汕尾", 2021, "汕尾市某局", "部门决算", "a.txt", 3, "s" * 40, ".txt",
           time.time())
    insert = ("INSERT INTO reports (doc_id,title,city,year,department,report_type,source_name,pages,sha1,file_ext,"
              "ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
    if backend == "sqlite":
        (tmp_path / "store").mkdir()
        with sqlite3.connect(tmp_path / "store" / "qa.sqlite") as c:
            c.executescript(SCHEMA.replace(NEW_COLUMNS, ""))
            assert "evidence" not in {r[1] for r in c.execute("PRAGMA table_info(reports)")}
            c.execute(insert, row)
    else:
        import psycopg

        from index.store.postgres import SCHEMA as PG_SCHEMA
        from index.store.postgres import T
        old = PG_SCHEMA.replace(NEW_COLUMNS.replace("TEXT", T), "")
        assert old != PG_SCHEMA
        with psycopg.connect(database_url, autocommit=True) as c:
            c.execute("CREATE EXTENSION IF NOT EXISTS vector")
            c.execute(old)
            c.execute(insert.replace("?", "%s"), row)
    store = make_store(tmp_path / "store")
    report = store.get_report("d" * 16)
    assert report.evidence == () and report.unsure == () and report.department == "汕尾市某局"
    assert store.report_rows()[0]["evidence"] == [] and store.report_rows()[0]["unsure"] == []
    _, new = store.set_identity("d" * 16, year=2022)
    assert make_store(tmp_path / "store").get_report("d" * 16).evidence == ("年份：用户更正",) == new.evidence


# ---- questions: the snapshot answers for the new identity at once ---------------------------------
def test_a_question_scoped_to_the_new_place_and_year_finds_the_report(database_url, tmp_path):
    from service.state import State
    st = State(hash_settings(tmp_path, database_url=database_url))
    try:
        doc = st.ingest(SHANWEI)[0].doc_id
        ask = lambda place, year: st.snapshot.engine.ask(QUESTION.format(place=place, year=year))
        assert ask("汕尾", 2021).value == VALUE
        faiss = tmp_path / "store" / "vectors.faiss"
        before = faiss.stat().st_mtime_ns if database_url is None else None
        st.set_identity(doc, place="青岛", year=2022)
        if database_url is None:        # the FAISS file stands (no vector changed); its params follow
            assert faiss.stat().st_mtime_ns == before
            assert st.store.read_params()["generation"] == st.store.generation()
        now = ask("青岛", 2022)
        assert now.kind == "fact" and now.value == VALUE and "青岛" in now.answer and "2022" in now.answer
        assert ask("汕尾", 2021).kind == "none"
        assert ask("青岛", 2021).value != VALUE          # the figure is 2022's now, not the old year's
    finally:
        st.store.close()


# ---- the command line ------------------------------------------------------------------------
@pytest.fixture()
def cli(tmp_path, monkeypatch, capsys):
    from service.cli import main
    (tmp_path / "no-corpus").mkdir()
    for k, v in {"QA_STORE": tmp_path / "store", "QA_EMBED_BACKEND": "hash", "QA_QUERY_BACKEND": "hash",
                 "QA_CORPUS": tmp_path / "no-corpus", "QA_EMBED_CACHE": "off", "QA_OCR_CACHE": "off",
                 "QA_INGEST_WORKERS": "1"}.items():
        monkeypatch.setenv(k, str(v))

    def run(*argv: str) -> tuple[int, str, str]:
        rc = main(list(argv))
        out = capsys.readouterr()
        return rc, out.out, out.err
    return run


def test_cli_ingest_overrides_edit_and_reports(cli, tmp_path):
    rc, out, err = cli("ingest", str(SHANWEI), "--org", "汕尾市政务服务数据管理局（测试）", "--type", "部门预算")
    assert rc == 0, err
    report = json.loads(cli("reports", "--json")[1])["reports"][0]
    assert (report["department"], report["report_type"]) == ("汕尾市政务服务数据管理局（测试）", "部门预算")
    assert {"机构：用户指定", "类型：用户指定"} <= set(report["evidence"])
    assert not {"organization", "type"} & set(report["unsure"])
    doc = report["doc_id"]
    rc, out, err = cli("edit", doc, "--city", "青岛", "--year", "2022", "--type", "部门决算", "--org", ORG)
    assert rc == 0, err
    assert f"edited {doc}" in out and "地点: 广东省汕尾市 → 山东省青岛市" in out and "年份: 2021 → 2022" in out
    assert "类型: 部门预算 → 部门决算" in out and "identity: " in out and "|370200|2022|部门决算|" in out
    line = next(ln for ln in cli("reports")[1].splitlines() if ln.startswith(doc))
    assert "\t青岛\t2022\t部门决算\t" in line and "不确定" not in line
    report = json.loads(cli("reports", "--json")[1])["reports"][0]
    assert report["place"] == "山东省青岛市" and {"地点：用户更正", "年份：用户更正", "类型：用户更正"} <= set(report["evidence"])
    rc, _, err = cli("edit", "0" * 16, "--year", "2022")
    assert rc == 2 and "no report" in err
    rc, _, err = cli("edit", doc, "--city", "火星")
    assert rc == 2 and "不认识的地点" in err


def test_cli_reports_and_ingest_summary_show_what_is_unsure(cli, emb, tmp_path):
    from index.store.sqlite import SqliteStore as Store
    store = Store(tmp_path / "store", model_name="hash-384", dim=384)
    doc = unsure_report(store, emb)
    store.close()
    line = next(ln for ln in cli("reports")[1].splitlines() if ln.startswith(doc))
    assert line.endswith("\t不确定: 地点, 年份")
    report = json.loads(cli("reports", "--json")[1])["reports"][0]
    assert report["unsure"] == ["place", "year"] and "年份：只有文件名" in report["evidence"]
    # a report whose text names no place nor organization: the summary says so, and why
    bare = tmp_path / "说明.txt"
    bare.write_text("一、部门基本情况\n\n本部门公务接待费支出1.13万元，主要用于接待省局调研。\n", encoding="utf-8")
    rc, out, err = cli("ingest", str(bare))
    assert rc == 0, err
    assert "身份不确定的报告" in out and "不确定: " in out and "地点" in out.split("身份不确定的报告")[1]


# ---- HTTP --------------------------------------------------------------------------------------
@pytest.fixture()
def client(tmp_path):
    from fastapi.testclient import TestClient

    from service.app import create_app
    with TestClient(create_app(hash_settings(tmp_path)), raise_server_exceptions=False) as c:
        yield c


AUTH = {"X-Admin-Token": ADMIN_TOKEN}


def error_of(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "status"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


def upload(client, path: Path, **fields) -> dict:
    r = client.post("/api/reports", files={"file": (path.name, path.read_bytes(), "text/plain")}, data=fields,
                    headers=AUTH)
    assert r.status_code == 202, r.text
    t = time.time()
    while time.time() - t < 120:
        job = client.get(f"/api/jobs/{r.json()['job']}").json()
        if job["status"] != "running":
            assert job["status"] == "done", job
            return job["result"]
        time.sleep(0.05)
    raise AssertionError("upload job still running")


def test_upload_with_org_and_type_then_patch(client):
    result = upload(client, SHANWEI, org=ORG, type="部门决算")
    doc = result["doc_id"]
    assert {"机构：用户指定", "类型：用户指定"} <= set(result["evidence"]) and "unsure" in result
    patch = lambda body, headers=AUTH, d=doc: client.patch(f"/api/reports/{d}", json=body, headers=headers)
    assert error_of(patch({"year": 2022}, headers={}), 401)["code"] == "unauthorized"
    assert error_of(patch({"year": 2022}, d="0" * 16), 404)["code"] == "not_found"
    assert error_of(patch({"year": "abc"}), 422)["code"] == "invalid_request"
    error_of(patch({"year": 1800}), 422)
    error_of(patch({"colour": "red"}), 422)
    error_of(patch({"city": "青岛", "place": "济南"}), 422)
    assert error_of(patch({}), 422)["code"] == "invalid_identity"
    assert error_of(patch({"place": "火星"}), 422)["code"] == "invalid_identity"
    ask = lambda place, year: client.post("/api/ask", json={"question": QUESTION.format(place=place, year=year)}).json()
    assert ask("汕尾", 2021)["value"] == VALUE
    r = patch({"city": "青岛", "year": 2022})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"field": "地点", "old": "广东省汕尾市", "new": "山东省青岛市"} in body["changed"]
    assert {"field": "年份", "old": 2021, "new": 2022} in body["changed"]
    assert body["identity"]["new"].endswith("|370200|2022|部门决算|") and body["same_identity"] == []
    listed = next(x for x in client.get("/api/reports").json()["reports"] if x["doc_id"] == doc)
    assert (listed["place"], listed["year"]) == ("山东省青岛市", 2022)
    assert {"地点：用户更正", "年份：用户更正", "机构：用户指定"} <= set(listed["evidence"])
    assert listed["unsure"] == [] or "place" not in listed["unsure"]
    now = ask("青岛", 2022)
    assert now["kind"] == "fact" and now["value"] == VALUE
    assert ask("汕尾", 2021)["kind"] == "none"


# ---- the 报告 page -------------------------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (make browser)")
def test_reports_page_shows_unsure_and_corrects_it(emb, tmp_path, output_dir):
    sync_api = pytest.importorskip("playwright.sync_api")
    store = SqliteStore(tmp_path / "store", model_name="hash-384", dim=384)
    doc = unsure_report(store, emb)
    store.close()
    (tmp_path / "no-corpus").mkdir()
    server = LiveServer(tmp_path / "store", env={"QA_EMBED_BACKEND": "hash", "QA_QUERY_BACKEND": "hash",
                                                 "QA_CORPUS": str(tmp_path / "no-corpus"), "QA_EMBED_CACHE": "off"})
    errors: list[str] = []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{server.base}/#reports")
            row = page.locator(f'#reports-body tr[data-doc="{doc}"]')
            badge = row.locator(".badge.unsure")
            badge.wait_for()
            assert badge.inner_text() == "不确定" and "年份：只有文件名" in badge.get_attribute("title")
            assert "地点、年份" in row.locator(".identity-note summary").inner_text()
            page.screenshot(path=str(output_dir / "identity-unsure.png"))
            page.fill("#admin-token", ADMIN_TOKEN)
            row.locator("button.edit-identity").click()
            form = page.locator(f'form.edit-form[data-doc="{doc}"]')
            form.locator("input[name=place]").fill("青岛")
            page.screenshot(path=str(output_dir / "identity-form.png"))
            form.locator("button[type=submit]").click()
            page.locator("#reports-body tr.group-row", has_text="山东省青岛市").wait_for()
            row = page.locator(f'#reports-body tr[data-doc="{doc}"]')
            assert row.locator(".badge.unsure").count() == 0        # the year shown in the form is confirmed too
            page.screenshot(path=str(output_dir / "identity-corrected.png"))
            browser.close()
        with urllib.request.urlopen(f"{server.base}/api/reports/{doc}") as r:
            evidence = json.loads(r.read())["evidence"]
        assert {"地点：用户更正", "年份：用户确认"} <= set(evidence)
    finally:
        server.stop()
    assert not errors, errors
