"""Nothing is lost (on both backends): a new version replaces only a version of the same
document; parts of one report, and files that merely share an identity, are all kept; a file
that is not a report is refused and changes nothing stored."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import NotAReport
from index.ingest.report import Overrides, ingest_file
from index.ingest.versions import same_document, similarity
from index.read.listing import is_record, listing_reason, not_a_report
from index.search.embed import HashEmbedder

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))
REALDATA = ROOT.parent / "shared" / "realdata"
MANIFEST = ROOT / "tests" / "identity"


@pytest.fixture()
def store(make_store, tmp_path):
    return make_store(tmp_path / "store", model_name="hash-384", dim=384)


@pytest.fixture(scope="module")
def emb():
    return HashEmbedder(384)


def split_seed(tmp_path: Path) -> tuple[Path, Path]:
    """One report published in two parts: the same title lines, then each half of the body."""
    lines = SEEDS[0].read_text(encoding="utf-8").splitlines()
    head, body = lines[:30], lines[30:]
    half = len(body) // 2
    a, b = tmp_path / "公开文件.txt", tmp_path / "公开表格.txt"
    a.write_text("\n".join(head + body[:half]), encoding="utf-8")
    b.write_text("\n".join(head + body[half:]), encoding="utf-8")
    return a, b


def test_parts_of_one_report_are_both_kept(store, emb, tmp_path):
    a, b = split_seed(tmp_path)
    first = ingest_file(store, emb, a, overrides=Overrides(city="汕头", year=2024))
    second = ingest_file(store, emb, b, overrides=Overrides(city="汕头", year=2024))
    assert store.get_report(first.doc_id).identity() == store.get_report(second.doc_id).identity()
    assert second.status == "new" and second.replaced == 0
    assert second.kept_beside == (first.doc_id,) and "均保留" in second.summary()
    assert {r.doc_id for r in store.reports()} == {first.doc_id, second.doc_id}
    # both answer: each part's own figures are in the fact table
    assert store.facts(doc_id=first.doc_id) and store.facts(doc_id=second.doc_id)


def test_a_corrected_version_still_replaces(store, emb, tmp_path):
    p = tmp_path / "v1.txt"
    text = SEEDS[0].read_text(encoding="utf-8")
    p.write_text(text, encoding="utf-8")
    first = ingest_file(store, emb, p)
    q = tmp_path / "v2.txt"
    q.write_text(text.replace("1835", "1836") + "\n更正说明：自助机数量更正。\n", encoding="utf-8")
    second = ingest_file(store, emb, q)
    assert second.status == "replaced" and second.replaced_titles == (first.title,)
    assert [r.doc_id for r in store.reports()] == [second.doc_id]


def test_a_listing_is_refused_and_changes_nothing(store, emb, tmp_path):
    ingest_file(store, emb, SEEDS[1])
    before = (store.counts(), [r.doc_id for r in store.reports()])
    listing = tmp_path / "SOURCE.txt"
    listing.write_text("汕头市政务服务和数据管理局2024年部门整体支出绩效自评报告.txt\trepo=x/y\tpath=a/b.txt\n"
                       "汕尾市政务服务数据管理局2021年部门决算.txt\trepo=x/y\tpath=c/d.txt\n"
                       "上海市人民政府2020年政府工作报告.txt\thttps://example.org/a.txt\n", encoding="utf-8")
    with pytest.raises(NotAReport, match="不是报告"):
        ingest_file(store, emb, listing)
    readme = tmp_path / "README.md"
    readme.write_text("# 报告\n\n本目录收录汕头市2024年部门整体支出绩效自评报告。\n", encoding="utf-8")
    with pytest.raises(NotAReport):
        ingest_file(store, emb, readme)
    assert (store.counts(), [r.doc_id for r in store.reports()]) == before


def test_similarity_separates_versions_from_other_documents():
    text = SEEDS[0].read_text(encoding="utf-8")
    assert same_document(text, text.replace("1835", "1836"))
    assert not same_document(text, SEEDS[1].read_text(encoding="utf-8"))
    assert similarity("", text) == 0.0


@pytest.mark.parametrize("line, record", [
    ("上海市普陀区财政局2024年度部门决算.pdf\trepo=a/b\tpath=X/y.pdf", True),
    ("其他 | 三亚 | 18938", True),
    ("https://www.gov.cn/zhengce/a.html", True),
    ("一、2023年工作回顾", False),
    ("全市地区生产总值达到1.2万亿元、增长6.1%。", False),
])
def test_what_a_record_line_is(line, record):
    assert is_record(line) is record


def manifest_text_files() -> list[dict]:
    rows = [json.loads(ln) for f in sorted(MANIFEST.glob("*.jsonl"))
            for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [r for r in rows if Path(r["path"]).suffix.lower() in (".txt", ".md")]


@pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata not present")
def test_every_real_text_file_is_told_right():
    """Against the hand-written manifest: every report text of ../shared/realdata is taken, every
    SOURCE / PDF_CHECK / INDEX listing is refused."""
    rows = manifest_text_files()
    assert len(rows) > 150
    wrong = []
    for row in rows:
        path = REALDATA / row["path"]
        reason = not_a_report(path.name, path.read_text(encoding="utf-8", errors="replace").splitlines())
        if (reason is None) != row["report"]:
            wrong.append((row["path"], reason))
    assert wrong == []
    assert all(listing_reason(p.read_text(encoding="utf-8").splitlines()) is None for p in SEEDS)


JIANGSU = "jiangsu-prov-dept-budgets-2017-2019/江苏省委办公厅/江苏省委办公厅2018年度部门预算公开{}.pdf"


@pytest.mark.skipif(not REALDATA.exists(), reason="../shared/realdata not present")
def test_a_real_budget_in_two_files_keeps_both(make_store, tmp_path, emb):
    """江苏省委办公厅 2018: the text (公开文件) and the tables (公开表) are one identity, two files."""
    store = make_store(tmp_path / "store", model_name="hash-384", dim=384)
    text = ingest_file(store, emb, REALDATA / JIANGSU.format("文件"))
    tables = ingest_file(store, emb, REALDATA / JIANGSU.format("表"))
    assert tables.status == "new" and tables.replaced == 0 and tables.kept_beside == (text.doc_id,)
    assert {r.doc_id for r in store.reports()} == {text.doc_id, tables.doc_id}
    assert store.facts(doc_id=text.doc_id) and store.facts(doc_id=tables.doc_id)
