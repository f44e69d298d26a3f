"""The web page's source view of a scanned page: the page image with the cited line boxed
(headless Chromium against `qa serve`, a store holding one OCR'd fixture scan)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pdfgen
from conftest import ROOT, LiveServer, OUTPUT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (make browser)")]
sync_api = pytest.importorskip("playwright.sync_api")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def test_source_view_shows_the_scan_with_the_cited_line_marked(tmp_path: Path):
    env = {"QA_EMBED_BACKEND": "hash", "QA_QUERY_BACKEND": "hash", "QA_EMBED_CACHE": "off",
           "QA_OCR_CACHE": str(tmp_path / "ocr.sqlite")}
    store = tmp_path / "store"
    scan = pdfgen.scan_table_pdf(tmp_path)
    p = subprocess.run([sys.executable, "-m", "service.cli", "ingest", str(scan)], cwd=ROOT,
                       env={**os.environ, **env, "QA_STORE": str(store)}, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    server = LiveServer(store, env=env)
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(server.base)
            page.click("#tab-facts")
            row = page.locator("#facts-body tr", has_text="事业收入").first
            row.wait_for(timeout=20_000)
            row.click()
            page.wait_for_selector("#source-view .scan-page img", timeout=20_000)
            page.wait_for_function("document.querySelector('#source-view .scan-page img').naturalWidth > 0",
                                   timeout=20_000)
            marks = page.locator("#source-view .scan-box.cited")
            assert marks.count() >= 1
            assert "事业收入" in (marks.first.get_attribute("title") or "")
            box = marks.first.bounding_box()
            img = page.locator("#source-view .scan-page img").bounding_box()
            assert box and img and img["x"] <= box["x"] < img["x"] + img["width"] and box["width"] > 20
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / "ocr_source_view.png"))
            browser.close()
    finally:
        server.stop()
