"""The 成效 view in headless Chromium against a live `qa serve` holding provincial 政府工作报告
(real CSVs, real model): pick a topic and a metric, see the chart and the table sorted, open a
statement's source with the sentence marked, download the CSV; plus GET /api/achievements over
HTTP. Screenshots: test-output/ach-*.png."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, LiveServer, realdata

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
FOLDER = "gov-work-reports-2026-provincial"
PROVINCES = ("湖南省", "安徽省", "广东省", "江苏省", "河南省", "黑龙江省", "四川省", "浙江省")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ach_server(tmp_path_factory):
    store = tmp_path_factory.mktemp("ach-live") / "store"
    files = [str(realdata(f"{FOLDER}/2026_{p}_政府工作报告.csv")) for p in PROVINCES]
    env = dict(os.environ, QA_STORE=str(store))
    res = subprocess.run([sys.executable, "-m", "service.cli", "ingest", "corpus/", *files], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert res.returncode == 0, res.stdout[-2000:]
    server = LiveServer(store)
    yield server
    server.stop()


def get(base: str, path: str, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read()


def test_api_achievements_over_http(ach_server):
    status, _, body = get(ach_server.base, "/api/achievements/topics", level="province")
    topics = json.loads(body)["topics"]
    assert status == 200 and {"经济增长", "粮食", "科技创新"} <= {t["topic"] for t in topics}
    assert "地区生产总值增速" in next(t for t in topics if t["topic"] == "经济增长")["metrics"]
    status, _, body = get(ach_server.base, "/api/achievements", metric="地区生产总值增速", level="province", year=2025)
    d = json.loads(body)
    assert status == 200 and d["chart"]["metric"] == "地区生产总值增速" and d["chart"]["period_year"] == 2025
    bars = d["chart"]["bars"]
    assert len(bars) >= 6 and [b["value"] for b in bars] == sorted((b["value"] for b in bars), reverse=True)
    for p in d["places"]:
        for s in p["statements"]:
            assert s["doc_id"] and s["page"] and s["text"] and s["sentence"] and s["metric"] == "地区生产总值增速"
    status, ctype, body = get(ach_server.base, "/api/achievements", topic="粮食", format="csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert status == 200 and "text/csv" in ctype and rows and all(r["topic"] == "粮食" for r in rows)
    status, ctype, body = get(ach_server.base, "/api/achievements", level="country")
    assert status == 422 and json.loads(body)["error"]["code"] == "invalid_request"
    status, _, body = get(ach_server.base, "/api/achievements", year="abc")
    assert status == 422


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (make browser)")
def test_achievements_view(ach_server, output_dir, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        ctx = browser.new_context(locale="zh-CN", accept_downloads=True, viewport={"width": 1366, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(ach_server.base + "/#achievements")
        page.wait_for_selector("#view-achievements:not([hidden])")
        page.wait_for_function("document.querySelector('#ach-topics').options.length > 3")
        page.screenshot(path=str(output_dir / "ach-01-topics.png"))

        # pick a topic and its metric: the chart and the table, sorted
        page.select_option("#ach-level", "province")
        page.fill("#ach-topic", "经济增长")
        page.dispatch_event("#ach-topic", "change")
        page.wait_for_function("Array.from(document.querySelectorAll('#ach-metric option')).some(o => o.value === '地区生产总值增速')")
        with page.expect_response(lambda r: "/api/achievements?" in r.url and "metric=" in r.url) as resp:
            page.select_option("#ach-metric", "地区生产总值增速")
        data = resp.value.json()
        page.wait_for_selector("#ach-chart svg .bar")
        bars = page.locator("#ach-chart svg .bar")
        assert bars.count() == len(data["chart"]["bars"]) >= 6
        shown = [bars.nth(i).get_attribute("data-place") for i in range(bars.count())]
        assert shown == [b["place"] for b in data["chart"]["bars"]]
        values = [b["value"] for b in data["chart"]["bars"]]
        assert values == sorted(values, reverse=True)
        assert "地区生产总值增速" in page.inner_text("#ach-chart-title")
        rows = page.locator("#ach-body tr")
        assert rows.count() == data["total"] > 0
        page.screenshot(path=str(output_dir / "ach-02-chart-table.png"), full_page=True)

        # open a statement's source: the sentence is marked
        first = data["places"][0]["statements"][0]
        with page.expect_response(lambda r: "/pages/" in r.url) as presp:
            rows.first.click()
        assert presp.value.status == 200
        page.wait_for_selector("#source-view:not([hidden])")
        page.wait_for_selector("#source-text mark")
        mark = page.locator("#source-text mark").first.inner_text()
        assert first["text"].replace(" ", "")[:6] in mark.replace(" ", "").replace("\n", "")
        page.screenshot(path=str(output_dir / "ach-03-source.png"))
        page.click("#source-close")

        # targets (a 2026 report's 2026 targets beside its 2025 results)
        page.select_option("#ach-kind", "")
        assert not page.locator("#ach-targets-card").is_hidden()
        assert page.locator("#ach-targets tbody tr").count() >= 1

        # CSV export of what is shown
        with page.expect_download() as dl:
            page.click("#ach-csv")
        target = tmp_path / "achievements.csv"
        dl.value.save_as(target)
        got = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
        assert len(got) == data["total"] and all(r["metric"] == "地区生产总值增速" for r in got)
        assert {"place", "value", "unit", "period_year", "period_kind", "page", "sentence", "title"} <= set(got[0])
        page.screenshot(path=str(output_dir / "ach-04-after-csv.png"))
        ctx.close()
        browser.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_api_topic_box_reads_metrics_by_any_name(ach_server):
    """`topic` as typed: a metric by a synonym or in English goes straight to its chart; a topic stays
    a topic; words no metric has find the statements that use them."""
    for typed in ("GDP", "地区生产总值", "经济总量"):
        status, _, body = get(ach_server.base, "/api/achievements", topic=typed)
        d = json.loads(body)
        assert status == 200 and d["resolved"]["how"] == "metric" and d["resolved"]["metric"] == "地区生产总值"
        assert d["resolved"]["label"].startswith("地区生产总值（") and d["chart"]["metric"] == "地区生产总值"
        assert len(d["chart"]["bars"]) >= 4 and all(b["doc_id"] and b["page"] and b["text"] for b in d["chart"]["bars"])
        assert all(s["metric"] == "地区生产总值" for p in d["places"] for s in p["statements"])
    status, _, body = get(ach_server.base, "/api/achievements", topic="GDP growth")
    d = json.loads(body)
    assert d["resolved"]["metric"] == "地区生产总值增速" and d["chart"]["metric"] == "地区生产总值增速"
    status, _, body = get(ach_server.base, "/api/achievements", topic="粮食产量")
    d = json.loads(body)
    assert d["resolved"]["metric"] == "粮食产量" and d["chart"]["unit"] == "万吨" and len(d["chart"]["bars"]) >= 2
    status, _, body = get(ach_server.base, "/api/achievements", topic="经济增长")
    d = json.loads(body)
    assert d["resolved"]["how"] == "topic" and {s["topic"] for p in d["places"] for s in p["statements"]} == {"经济增长"}
    status, _, body = get(ach_server.base, "/api/achievements", topic="人工智能")
    d = json.loads(body)
    assert d["resolved"]["how"] == "text" and d["total"] > 0
    assert all("人工智能" in s["metric"] or "人工智能" in s["sentence"] for p in d["places"] for s in p["statements"])
    status, _, body = get(ach_server.base, "/api/achievements", topic="GDP", format="csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert status == 200 and rows and {r["metric"] for r in rows} == {"地区生产总值"}


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (make browser)")
def test_achievements_view_topic_box_takes_gdp(ach_server, output_dir):
    """Typing "GDP" in the topic box goes straight to the 地区生产总值 chart (no topic, no metric picked)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(ach_server.base + "/#achievements")
        page.wait_for_selector("#view-achievements:not([hidden])")
        page.wait_for_function("document.querySelector('#ach-topics').options.length > 3")
        page.fill("#ach-topic", "GDP")
        with page.expect_response(lambda r: "/api/achievements?" in r.url and "topic=GDP" in r.url) as resp:
            page.press("#ach-topic", "Enter")
        data = resp.value.json()
        assert data["resolved"]["metric"] == "地区生产总值" and data["chart"]["metric"] == "地区生产总值"
        page.wait_for_selector("#ach-chart svg .bar")
        bars = page.locator("#ach-chart svg .bar")
        assert bars.count() == len(data["chart"]["bars"]) >= 4
        assert [bars.nth(i).get_attribute("data-place") for i in range(bars.count())] == \
            [b["place"] for b in data["chart"]["bars"]]
        assert "地区生产总值（GDP）" in page.inner_text("#ach-chart-title")
        assert "指标：地区生产总值（GDP）" in page.inner_text("#ach-summary")
        assert page.input_value("#ach-metric") == "地区生产总值"
        assert page.locator("#ach-body tr").count() == data["total"] > 0
        page.screenshot(path=str(output_dir / "ach-05-topic-gdp.png"), full_page=True)
        # a bar opens its source with the statement marked
        with page.expect_response(lambda r: "/pages/" in r.url) as presp:
            bars.first.click()
        assert presp.value.status == 200
        page.wait_for_selector("#source-text mark")
        page.screenshot(path=str(output_dir / "ach-06-topic-gdp-source.png"))
        page.click("#source-close")
        # free words the metrics do not name: the statements that use them
        page.fill("#ach-topic", "人工智能")
        with page.expect_response(lambda r: "/api/achievements?" in r.url and "topic=" in r.url) as resp2:
            page.press("#ach-topic", "Enter")
        assert resp2.value.json()["resolved"]["how"] == "text"
        page.wait_for_function("document.querySelector('#ach-summary').textContent.includes('关键词')")
        assert page.input_value("#ach-metric") == ""
        ctx.close()
        browser.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
