"""Run-in headings end to end: a generated 部门预算 PDF whose 三公 items are named in a heading
sentence ("2.公务接待费。") or a heading line ("（三）公务用车购置及运行费。") and stated in the next
sentence; ingested into a real SQLite store (hash embedder) and asked through the real engine."""
from __future__ import annotations

import hashlib

import pdfgen
import pytest
from conftest import ROOT, realdata

from index.extract.facts import extract_facts
from index.extract.ocr_provenance import mark_ocr_facts
from index.extract.periods import fact_period, number_position
from index.ingest.report import ingest_file
from index.read.ocr import PageOcr
from index.read.parse import parse_pages, parse_text
from index.records import Paragraph
from index.search.embed import HashEmbedder
from index.search.fact_index import FactIndex
from index.search.retrieval import SearchIndex
from index.store.sqlite import SqliteStore
from qa.router import Engine


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runin")
    store = SqliteStore(folder / "store", model_name="hash-384", dim=384)
    emb = HashEmbedder(384)
    res = ingest_file(store, emb, pdfgen.run_in_budget_pdf(folder))
    engine = Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb)
    yield store, engine, res
    store.close()


def test_run_in_items_are_facts_with_their_period(ingested):
    store, _, res = ingested
    facts = {(f.subject, f.measure): f for f in store.facts(doc_id=res.doc_id) if f.source == "prose"}
    f = facts[("公务接待费", "预算")]
    assert (f.value, f.unit, f.page, f.period_year, f.period_kind) == (6.88, "万元", 1, 2026, "budget")
    assert f.text.startswith("2.公务接待费。2026年预算数6.88万元")          # the citation names the item
    change = facts[("公务接待费", "比年初预算减少")]
    assert (change.value, change.period_year, change.period_kind) == (1.2, 2026, "change")
    car = facts[("公务用车购置及运行费", "预算")]                          # heading on its own line
    assert (car.value, car.period_year, car.period_kind) == (5.62, 2026, "budget")
    assert facts[("公务用车购置及运行费", "比上年减少")].value == 0.38
    assert facts[("因公出国（境）费用", "预算")].value == 20.0
    # the list sentence "…和公务接待费。" names no figure: nothing else is a 公务接待费 figure
    assert {f.value for f in store.facts(doc_id=res.doc_id) if f.subject == "公务接待费"} == {6.88, 1.2}


@pytest.mark.parametrize("question,value,words", [
    ("韶关市审计局2026年公务接待费是多少", 6.88, "公务接待费"),
    ("韶关市审计局2026年公务用车购置及运行费预算是多少？", 5.62, "5.62"),
    ("韶关市审计局2026年因公出国（境）费用预算", 20.0, "因公出国"),
])
def test_questions_answered_from_the_run_in_sentence(ingested, question, value, words):
    _, engine, res = ingested
    ans = engine.ask(question)
    assert ans.kind == "fact" and ans.value == pytest.approx(value) and ans.unit == "万元", ans.answer
    cit = ans.citations[0]
    assert cit.doc_id == res.doc_id and cit.page == 1, ans.citations
    assert words in cit.text.replace("(", "（").replace(")", "）"), cit.text


def test_heading_lines_give_their_item_and_their_figures():
    """The read layer: a heading line above a paragraph is given with it; a heading that states an
    amount (北京 说明 p5 as OCR reads it) is read as a paragraph too."""
    doc = parse_text("北京市测试局2026年部门预算\n二、收入预算情况说明\n"
                     "（三）上年结转结余4,950.85万元\n10.上年结转结余4,950.85万元。\n"
                     "四、财政拨款“三公”经费预算情况说明\n（二）公务接待费。\n"
                     "2026年预算数7.25万元，主要用于按照相关规定开支的各类公务接待等方面。\n")
    assert "（二）公务接待费。" in [h.title for h in doc.headings]              # still a heading
    assert [p.heading for p in doc.paragraphs if p.text.startswith("2026年预算数")] == ["（二）公务接待费。"]
    facts = {(f.subject, f.measure, f.value) for f in extract_facts([], doc.paragraphs)}
    assert facts == {("上年结转结余", "金额", 4950.85), ("公务接待费", "预算", 7.25)}


@pytest.mark.parametrize("text,value,year,kind", [
    ("2.公务接待费。2025年预算数6.88万元，主要是保障公务接待。", 6.88, 2025, "budget"),      # the year it states
    ("2.公务接待费。上年预算数6万元，本年预算数5万元。", 6, 2025, "budget"),                  # 上年 of a 2026 budget
    ("2.公务接待费。上年预算数6万元，本年预算数5万元。", 5, 2026, "budget"),
    ("2.公务接待费。2026年预算数5.10万元，较2025年年初预算减少10.01万元。", 10.01, 2026, "change"),
])
def test_run_in_figures_are_dated_by_their_sentence(text, value, year, kind):
    [f] = [f for f in extract_facts([], [Paragraph(text=text, page=1, page_end=1)]) if f.value == value]
    assert f.subject == "公务接待费"
    p = fact_period(text=f.text, measure=f.measure, table=f.table, section_path="", report_year=2026,
                    report_type="部门预算", number_pos=number_position(f.text, f.value, f.unit))
    assert (p.year, p.kind) == (year, kind), p


BEIJING = "renwu-2026-dept-budgets-guangdong/002_北京/政务服务和数据管理局_附件1：北京市政务服务和数据管理局2026年度部门预算情况说明.pdf"


@pytest.mark.slow
def test_scanned_budget_prose_gives_facts_with_ocr_provenance():
    """The real scan (no text layer): pages 5 and 7 read by OCR state the 三公 items as run-in
    headings and 上年结转结余 in a heading line; they become facts like a text PDF's, marked as OCR
    with the recogniser's confidence on the line that holds the figure."""
    path = realdata(BEIJING)
    ocr = PageOcr(mode="force", dpi=200, cache_path=ROOT / ".cache" / "ocr.sqlite")    # shared per-page cache
    sha1 = hashlib.sha1(path.read_bytes()).hexdigest()
    doc = parse_pages([ocr.page(path, sha1, n) for n in (5, 7)])
    facts = mark_ocr_facts(extract_facts(doc.tables, doc.paragraphs), doc.ocr_lines)
    got = {(f.page, f.subject, f.measure, f.value): f for f in facts}
    for key in [(7, "公务接待费", "预算", 7.25), (7, "因公出国（境）费用", "预算", 51.3),
                (7, "公务用车购置和运行维护费", "预算", 21.56), (7, "公务用车购置费", "预算", 12.53),
                (5, "上年结转结余", "金额", 4950.85), (5, "一般公共预算拨款收入", "金额", 101673.03)]:
        assert key in got, (key, sorted(got))
        f = got[key]
        assert f.origin == "ocr" and f.confidence is not None and 0.5 <= f.confidence <= 1.0, f
        p = fact_period(text=f.text, measure=f.measure, table=f.table, section_path="", report_year=2026,
                        report_type="部门预算", number_pos=number_position(f.text, f.value, f.unit))
        assert (p.year, p.kind) == (2026, "budget"), (key, p)
    assert got[(7, "公务接待费", "预算", 7.25)].text.startswith("(二)公务接待费。2026年预算数7.25万元")
    # the base of a comparison (2025年年初预算数99,003.18万元) is no figure of the subject
    assert not [f for f in facts if f.value == 99003.18]
    assert not [f for f in facts if "万元" in f.subject or f.subject.startswith(("比", "较"))]
