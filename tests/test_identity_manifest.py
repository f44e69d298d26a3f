"""Every report file of ../shared/realdata gets the identity its manifest (tests/identity/, written
from the documents by someone who had not seen the ingest's output) gives it: place, organization,
year and type; a wrong field is only ever a field the ingest marks 不确定; nothing that is not a
report is taken in as one; and a file replaces another only when the two are versions of one
document. Identity is read without embedding (scripts/identity_check.py), so this stays minutes."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is not beside the checkout")]
# the same report published in two collections (a city list and a per-city series)
SAME_REPORT_ELSEWHERE = {"shanghai-gov-work-reports-2020-2024/2024_上海市_政府工作报告.txt"}


@pytest.fixture(scope="module")
def checked():
    # imported by name (the workers it starts import it again: spawn, with this sys.path)
    sys.path.insert(0, str(ROOT / "scripts"))
    module = importlib.import_module("identity_check")
    rows = module.manifest([])
    return rows, module.compare(rows)


def test_identity_matches_manifest(checked):
    _, out = checked
    reports = [r for r in out["results"] if r["report"] and "error" not in r["got"]]
    exact = [r for r in reports if all(r["fields"].values())]
    assert len(reports) >= 280
    assert len(exact) >= 0.99 * len(reports), [r["path"] for r in reports if r not in exact]


def test_no_confident_wrong_identity(checked):
    _, out = checked
    confident = [(r["path"], r["got"]) for r in out["results"] if r["report"] and "error" not in r["got"]
                 and not {k for k, ok in r["fields"].items() if not ok} <= set(r["got"].get("unsure", ()))]
    assert confident == []


def test_only_scans_go_unread(checked):
    """With OCR off a scanned report is refused with its reason; every other report is read."""
    _, out = checked
    unread = [r for r in out["results"] if r["report"] and "error" in r["got"]]
    assert all("没有文字层" in r["got"]["error"] for r in unread), unread
    assert len(unread) <= 2


def test_non_reports_are_not_taken_as_reports(checked):
    """Listings, data files and blank templates are refused; an official notice (通知) is kept,
    typed 政策文件, never as a report."""
    _, out = checked
    for r in out["results"]:
        if not r["report"]:
            assert "error" in r["got"] or r["got"].get("type") == "政策文件", r


def test_replacements_are_versions(checked):
    rows, out = checked
    # either file of a version pair may come second and replace the other
    versions = {p for r in rows if r.get("version_of") for p in (r["path"], r["version_of"])} | SAME_REPORT_ELSEWHERE
    assert set(out["replacing"]) <= versions
