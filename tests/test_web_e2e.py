"""End-to-end tests of the web page in headless Chromium against a live `qa serve`.

Each step saves a screenshot under test-output/ (web-*.png). Runs against the shipped
corpus with the real embedding model (fixture `live_server`).
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

ADMIN_TOKEN = "test-admin-token"                 # as in conftest.py (live_server)

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (make browser)"),
]
sync_api = pytest.importorskip("playwright.sync_api")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
ANSWER = ".turn .answer-card[data-kind]"      # a finished answer card (not the loading one)


def squash(s: str) -> str:
    """Whitespace removed, full-width forms folded (the page keeps the PDF's own punctuation)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """A page plus the JavaScript errors it raised."""

    def __init__(self, browser, base: str, **ctx):
        self.context = browser.new_context(locale="zh-CN", accept_downloads=True, **ctx)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.base = base

    def open(self, view: str = "ask"):
        self.page.goto(f"{self.base}/#{view}")
        self.page.wait_for_selector(f"#view-{view}:not([hidden])")
        # reports metadata filled the selects
        self.page.wait_for_function("document.querySelector('#ask-city').options.length > 1")
        return self.page

    def close(self):
        self.context.close()
        assert not self.errors, f"JavaScript errors on the page: {self.errors}"


@pytest.fixture
def web(browser, live_server):
    w = Page(browser, live_server.base, viewport={"width": 1366, "height": 900})
    yield w
    w.close()


@pytest.fixture
def phone(browser, live_server):
    w = Page(browser, live_server.base, viewport={"width": 390, "height": 844}, device_scale_factor=2,
             is_mobile=True, has_touch=True)
    yield w
    w.close()


def ask(page, question: str) -> tuple[dict, object]:
    """Type a question, submit, wait for the answer card; returns (API JSON, card locator)."""
    page.fill("#ask-input", question)
    with page.expect_response(lambda r: r.url.endswith("/api/ask") and r.request.method == "POST") as resp:
        page.click("#ask-submit")
    data = resp.value.json()
    assert resp.value.status == 200, data
    page.wait_for_selector(ANSWER)
    card = page.locator(ANSWER).first            # newest answer is on top
    assert question in page.locator(".turn .question-bubble").first.inner_text()
    return data, card


def upload(page, path: Path, token: str = ADMIN_TOKEN, output: Path | None = None, shot: str = "") -> str:
    """Upload through the 报告 tab; returns the status line once the job finished (ok or error)."""
    page.fill("#admin-token", token)
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-submit")
    page.wait_for_selector("#upload-status:not([hidden])")
    if output and shot:
        page.screenshot(path=str(output / shot))
    page.wait_for_selector("#upload-text.ok, #upload-text.error", timeout=300_000)
    return page.inner_text("#upload-text")


# ---------------------------------------------------------------- (a) + (b) a figure and its source
def test_figure_answer_and_source_view(web, phone, output_dir):
    page = web.open("ask")
    page.wait_for_function("document.querySelectorAll('#example-chips .chip').length >= 4")   # built from the store
    page.screenshot(path=str(output_dir / "web-01-home.png"))

    data, card = ask(page, "汕尾2021年公务接待费是多少？")
    assert data["kind"] == "fact", data["answer"]
    num = card.locator(".big-value .num").inner_text()
    assert "1.13" in num                                           # gold value
    assert data["value"] is not None and float(num.replace(",", "")) == pytest.approx(data["value"])
    assert card.locator(".big-value .unit").inner_text() == (data["unit"] or "")
    assert data["answer"] in card.locator(".answer-text").inner_text()
    cards = card.locator(".cite-card")
    assert cards.count() == len(data["citations"]) >= 1
    first = data["citations"][0]
    assert first["title"] in cards.first.inner_text()
    assert f"第 {first['page']} 页" in cards.first.inner_text()
    # the citation card marks the highlighted sentence
    if first.get("highlight"):
        assert cards.first.locator("mark").count() >= 1
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "web-02-answer-figure.png"))

    # (b) click the citation: the source view shows the cited page with the sentence marked
    with page.expect_response(lambda r: "/pages/" in r.url) as presp:
        cards.first.click()
    pdata = presp.value.json()
    assert presp.value.status == 200, pdata
    page.wait_for_selector("#source-view:not([hidden])")
    assert pdata["doc_id"] == first["doc_id"] and pdata["page"] == first["page"]
    assert page.inner_text("#source-page").startswith(f"第 {first['page']} /")
    assert page.get_attribute("#source-text", "data-page") == str(first["page"])
    page.wait_for_selector("#source-text mark")
    mark = page.locator("#source-text mark").first.inner_text()
    wanted = squash(first.get("highlight") or first["text"])
    assert squash(mark) and (squash(mark) in wanted or wanted in squash(mark)), (mark, wanted)
    assert "1.13" in page.inner_text("#source-text")
    href = page.get_attribute("#source-file", "href")
    assert href.endswith(f"/api/reports/{first['doc_id']}/file#page={first['page']}")
    page.screenshot(path=str(output_dir / "web-03-source-view.png"))

    # prev / next page buttons move through the report
    if pdata["pages"] > 1:
        button = "#source-prev" if first["page"] > 1 else "#source-next"
        expect_page = first["page"] - 1 if first["page"] > 1 else first["page"] + 1
        page.click(button)
        page.wait_for_function(f"document.querySelector('#source-text').dataset.page === '{expect_page}'")
        assert page.inner_text("#source-page").startswith(f"第 {expect_page} /")
    page.keyboard.press("Escape")
    assert page.locator("#source-view").is_hidden()

    # the session history survives a reload (sessionStorage)
    page.reload()
    page.wait_for_selector(ANSWER)
    assert "1.13" in page.locator(ANSWER).first.locator(".big-value .num").inner_text()

    # phone width: the same answer, readable at 390 px
    p = phone.open("ask")
    _, pcard = ask(p, "汕尾2021年公务接待费是多少？")
    assert "1.13" in pcard.locator(".big-value .num").inner_text()
    width = p.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at phone width ({width}px)"
    p.screenshot(path=str(output_dir / "web-04-answer-phone.png"))
    pcard.locator(".cite-card").first.click()
    p.wait_for_selector("#source-text mark")
    p.screenshot(path=str(output_dir / "web-05-source-phone.png"))


def test_english_question(web, output_dir):
    page = web.open("ask")
    with page.expect_response(lambda r: r.url.endswith("/api/ask")) as resp:
        page.click("#example-chips .chip[data-kind=english]")
    data = resp.value.json()
    page.wait_for_selector(ANSWER)
    card = page.locator(ANSWER).first
    assert data["lang"] == "en" and card.locator(".badge", has_text="English").count() == 1
    assert data["answer"] in card.locator(".answer-text").inner_text()     # shown as it comes, in English
    if data["value"] is not None:
        assert card.locator(".big-value .num").count() == 1
    page.screenshot(path=str(output_dir / "web-06-answer-english.png"))


# ---------------------------------------------------------------- (c) comparison table
def test_comparison_table(web, output_dir):
    page = web.open("ask")
    data, card = ask(page, "比较汕头和汕尾的公务接待费")
    assert data["route"] == "comparison", data
    table = card.locator(".compare-table")
    table.wait_for()
    cities = [c.strip() for c in table.locator("tbody th[scope=row]").all_inner_texts()]
    # one row per organization, named in full (its city in its name)
    assert any(c.startswith("汕头市") for c in cities) and any(c.startswith("汕尾市") for c in cities), cities
    assert len(cities) == len(data["table"])
    shanwei = table.locator("tbody tr[data-city='汕尾']")
    assert "1.13" in shanwei.inner_text()
    page.screenshot(path=str(output_dir / "web-07-comparison.png"))
    # each figure links to its source page
    row = next(r for r in data["table"] if r["city"] == "汕尾")
    with page.expect_response(lambda r: "/pages/" in r.url) as presp:
        shanwei.locator(".cell-link").click()
    assert presp.value.json()["page"] == row["page"]
    page.wait_for_selector("#source-view:not([hidden])")
    assert page.inner_text("#source-page").startswith(f"第 {row['page']} /")
    page.click("#source-close")


# ---------------------------------------------------------------- (d) facts browser + CSV
def test_facts_browser_and_csv(web, output_dir, tmp_path):
    page = web.open("facts")
    page.wait_for_selector("#facts-body tr.clickable")
    page.select_option("#facts-city", "汕尾")
    page.fill("#facts-q", "接待")
    with page.expect_response(lambda r: "/api/facts?" in r.url and "q=" in r.url) as fresp:
        page.click("#facts-form button[type=submit]")
    data = fresp.value.json()
    assert data["total"] >= 1
    page.wait_for_function("document.querySelectorAll('#facts-body tr.clickable').length > 0")
    rows = page.locator("#facts-body tr.clickable")
    assert rows.count() == len(data["facts"])
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").first.inner_text() == "广东省汕尾市"
        assert rows.nth(i).locator("td").nth(1).inner_text() == "汕尾市政务服务数据管理局"
    assert "接待" in page.inner_text("#facts-body")
    assert any(abs(f["value"] - 1.13) < 1e-9 and "接待" in f["subject"] for f in data["facts"])
    assert f"共 {data['total']} 条" in page.inner_text("#facts-summary")
    # conflicts, if any, are flagged
    n_conflict = sum(1 for f in data["facts"] if f.get("conflict"))
    assert page.locator("#facts-body .badge.danger", has_text="冲突").count() == n_conflict
    # sortable columns (current page, client side)
    page.click("#facts-table th[data-key=value]")
    assert page.get_attribute("#facts-table th[data-key=value]", "aria-sort") == "ascending"
    values = [float(v.replace(",", "")) for v in page.locator("#facts-body td.num:nth-child(6)").all_inner_texts()]
    assert values == sorted(values)
    page.click("#facts-table th[data-key=value]")
    assert page.get_attribute("#facts-table th[data-key=value]", "aria-sort") == "descending"
    page.screenshot(path=str(output_dir / "web-08-facts.png"), full_page=True)

    # CSV download with the same filters
    href = page.get_attribute("#facts-csv", "href")
    assert "format=csv" in href and "city=%E6%B1%95%E5%B0%BE" in href and "q=%E6%8E%A5%E5%BE%85" in href
    with page.expect_download() as dl:
        page.click("#facts-csv")
    target = tmp_path / "facts.csv"
    dl.value.save_as(target)
    text = target.read_text(encoding="utf-8-sig")
    reader = list(csv.DictReader(io.StringIO(text)))
    assert {"city", "year", "subject", "value", "unit", "page"} <= set(reader[0].keys())
    assert reader and all(r["city"] == "汕尾" for r in reader)
    assert len(reader) == data["total"]

    # conflicts panel lists /api/facts/checks?status=conflict
    checks = json.loads(page.evaluate("fetch('/api/facts/checks?status=conflict').then(r => r.text())"))
    assert page.inner_text("#checks-count") == str(len(checks["checks"]))


# ---------------------------------------------------------------- (e) upload a PDF, then ask about it
def make_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    c.setFont("STSong-Light", 20)
    c.drawCentredString(w / 2, h - 90, "珠海市测试局2025年部门决算")
    c.setFont("STSong-Light", 14)
    c.drawString(72, h - 150, "一、基本情况")
    c.setFont("STSong-Light", 12)
    c.drawString(72, h - 180, "本年度共建成 321 个智慧服务站点。")
    c.drawString(72, h - 200, "站点覆盖全市各镇街，为群众提供政务服务。")
    c.showPage()
    c.save()
    return path


def test_upload_pdf_then_ask(web, output_dir, tmp_path):
    pdf = make_pdf(tmp_path / "珠海市测试局2025年部门决算.pdf")
    page = web.open("reports")
    page.wait_for_selector("#reports-body tr[data-doc]")
    before = page.locator("#reports-body tr[data-doc]").count()

    # a wrong token: the API's error message is shown
    status = upload(page, pdf, token="wrong-token")
    assert "令牌" in status and page.locator("#upload-progress.error").count() == 1

    status = upload(page, pdf, output=output_dir, shot="web-09-upload-progress.png")
    assert "完成" in status, status
    page.wait_for_function(f"document.querySelectorAll('#reports-body tr[data-doc]').length > {before}")
    row = page.locator("#reports-body tr[data-doc]", has_text="珠海")
    assert row.count() == 1
    page.screenshot(path=str(output_dir / "web-10-upload-done.png"), full_page=True)

    # the section tree of the new report
    row.locator("button", has_text="目录").click()
    page.wait_for_selector("#tree .node")
    assert "基本情况" in page.inner_text("#tree")
    page.screenshot(path=str(output_dir / "web-11-section-tree.png"), full_page=True)

    page.click("#tab-ask")
    page.wait_for_selector("#view-ask:not([hidden])")
    data, card = ask(page, "珠海测试局建成了多少个智慧服务站点？")
    shown = (card.locator(".big-value .num").all_inner_texts() or [""])[0] + card.locator(".answer-text").inner_text()
    assert "321" in shown, data
    assert any("珠海" in c["title"] for c in data["citations"]), data["citations"]
    page.screenshot(path=str(output_dir / "web-12-upload-answer.png"))


# ---------------------------------------------------------------- (f) report text is never run as HTML
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def test_xss_in_report_text_is_shown_literally(web, output_dir, tmp_path):
    txt = tmp_path / "珠海市网络安全测试中心2025年部门决算.txt"
    txt.write_text(
        "珠海市网络安全测试中心2025年部门决算\n\n"
        "一、基本情况\n"
        f"本段用于网页注入安全测试：{XSS}以上标记必须按原样显示为文字。\n"
        "本年度开展网页注入安全测试 12 次，全部通过。\n", encoding="utf-8")
    page = web.open("reports")
    status = upload(page, txt)
    assert "完成" in status, status

    page.click("#tab-search")
    page.fill("#search-q", "网页注入安全测试")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector(".result-card")
    card = page.locator(".result-card", has_text="网页注入安全测试").first
    card.wait_for()
    shown = card.inner_text()
    # the tags are shown as text (the backend's text cleaning may drop the "__" of "window.__xss")
    assert re.search(r"<script>window\.(__)?xss=1</script>", shown), shown
    assert re.search(r'<img src=x onerror="window\.(__)?xss=2">', shown), shown
    # facets: counts by city and year, clicking one filters
    assert page.locator("#facet-city .facet").count() >= 2
    page.screenshot(path=str(output_dir / "web-13-search-xss.png"), full_page=True)

    card.click()
    page.wait_for_selector("#source-view:not([hidden])")
    page.wait_for_function("document.querySelector('#source-text').textContent.includes('网页注入安全测试')")
    src = page.inner_text("#source-text")
    assert re.search(r"<script>window\.(__)?xss=1</script>", src), src
    assert re.search(r'<img src=x onerror="window\.(__)?xss=2">', src), src
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__xss + typeof window.xss") == "undefinedundefined"
    assert page.evaluate("typeof window.xss") == "undefined"
    assert page.locator("#source-text img, #source-text script, .result-card img, .result-card script").count() == 0
    page.screenshot(path=str(output_dir / "web-14-source-xss.png"))
    page.click("#source-close")

    # the answer path renders it as text too
    page.click("#tab-ask")
    _, acard = ask(page, "网页注入安全测试开展了多少次？")
    assert page.evaluate("typeof window.__xss + typeof window.xss") == "undefinedundefined"
    assert acard.locator("img, script").count() == 0

    # delete it again (admin, with confirm)
    page.click("#tab-reports")
    row = page.locator("#reports-body tr[data-doc]", has_text="网络安全测试中心")
    row.wait_for()
    page.once("dialog", lambda d: d.accept())
    with page.expect_response(lambda r: r.request.method == "DELETE") as dresp:
        row.locator("button", has_text="删除").click()
    assert dresp.value.status == 200, dresp.value.text()
    page.wait_for_function("![...document.querySelectorAll('#reports-body tr')].some(r => r.textContent.includes('网络安全测试中心'))")
    assert page.evaluate("typeof window.__xss + typeof window.xss") == "undefinedundefined"


# ---------------------------------------------------------------- search facets filter
def test_search_facets_filter(web, output_dir):
    page = web.open("search")
    page.fill("#search-q", "公务接待费")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector(".result-card")
    groups = page.locator(".city-group")
    assert groups.count() >= 1
    facet = page.locator("#facet-city .facet[data-value='汕尾']")
    facet.wait_for()
    with page.expect_response(lambda r: "/api/search?" in r.url and "city=" in r.url):
        facet.click()
    page.wait_for_selector("#facet-city .facet.active[data-value='汕尾']")
    assert page.input_value("#search-city") == "汕尾"
    assert set(page.locator(".city-group").evaluate_all("gs => gs.map(g => g.dataset.city)")) == {"汕尾"}
    page.screenshot(path=str(output_dir / "web-15-search-facet.png"), full_page=True)
