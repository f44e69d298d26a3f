from pathlib import Path

import pytest

from index.extract.checks import run_checks
from index.extract.facts import extract_facts
from index.records import Fact, Paragraph, Table

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED2 = SHARED / "seeds" / "002_dc7a5076e66a3ca6.txt"
PUTUO = SHARED / "realdata" / "putuo-shanghai-budgets"


def F(subject, measure, value, unit="万元", source="table", table="t", text="", page=1):
    return Fact(subject=subject, subject_raw=subject, measure=measure, value=value, unit=unit, page=page,
                text=text, source=source, table=table)


def test_sum_ok_and_conflict():
    ok = run_checks([F("a", "决算数", 1.0), F("b", "决算数", 2.5), F("合计", "决算数", 3.5)])
    assert [c.status for c in ok if c.kind == "sum"] == ["ok"]
    bad = run_checks([F("a", "决算数", 1.0), F("b", "决算数", 2.5), F("合计", "决算数", 4.5)])
    c = [c for c in bad if c.kind == "sum"][0]
    assert c.status == "conflict" and "不等于" in c.message and c.expected == 3.5


def test_nested_rows_give_no_verdict():
    facts = [F("一般公共服务支出", "合计", 10), F("财政事务", "合计", 10), F("行政运行", "合计", 6),
             F("其他", "合计", 4), F("合计", "合计", 10)]
    assert not [c for c in run_checks(facts) if c.status == "conflict"]


def test_rate_check_from_prose():
    p = Paragraph(text="公务接待费支出决算为1.13 万元，完成预算 2.00 万元的 56.50% 。", page=3, page_end=3)
    cs = run_checks(extract_facts([], [p]))
    assert [(c.kind, c.status) for c in cs] == [("rate", "ok")]
    p2 = Paragraph(text="公务接待费支出决算为1.13 万元，完成预算 2.00 万元的 65.50% 。", page=3, page_end=3)
    assert [c.status for c in run_checks(extract_facts([], [p2]))] == ["conflict"]


def test_table_vs_prose():
    t = F("机关运行经费", "决算数", 199.31)
    good = F("机关运行经费", "金额", 199.31, source="prose")
    bad = F("机关运行经费", "金额", 198.31, source="prose")
    assert [c.status for c in run_checks([t, good]) if c.kind == "table_vs_prose"] == ["ok"]
    assert [c.status for c in run_checks([t, bad]) if c.kind == "table_vs_prose"] == ["conflict"]


def test_fact_ids_used_when_present():
    facts = [F("a", "决算数", 1.0), F("b", "决算数", 2.0), F("合计", "决算数", 3.0)]
    facts = [Fact(**{**f.__dict__, "fact_id": 100 + i}) for i, f in enumerate(facts)]
    c = run_checks(facts)[0]
    assert set(c.fact_ids) == {100, 101, 102}


@pytest.mark.skipif(not SEED2.exists(), reason="seed missing")
def test_seed_table1_sums_ok():
    lines = SEED2.read_text(encoding="utf-8").splitlines()
    t = Table(page=1, page_end=1, title="表1 收入支出决算总表", unit=None, lines=tuple(lines[76:186]))
    cs = run_checks(extract_facts([t], []))
    assert cs and all(c.status == "ok" for c in cs)


def _load_pdf(path):
    pdfplumber = pytest.importorskip("pdfplumber")
    ts, ps = [], []
    with pdfplumber.open(path) as pdf:
        for pn, pg in enumerate(pdf.pages, 1):
            for g in pg.extract_tables():
                ts.append(Table(page=pn, page_end=pn, title="", unit="万元",
                                lines=tuple("\t".join(c or "" for c in r) for r in g), cells=tuple(tuple(r) for r in g)))
            ps.append(Paragraph(text=pg.extract_text() or "", page=pn, page_end=pn))
    return ts, ps


@pytest.mark.skipif(not (PUTUO / "24年普陀区财政局（测试问题版本）.pdf").exists(), reason="realdata missing")
def test_altered_putuo_report_flags_conflicts_original_does_not():
    orig = run_checks(extract_facts(*_load_pdf(PUTUO / "上海市普陀区财政局2024年度部门决算.pdf")))
    alt = run_checks(extract_facts(*_load_pdf(PUTUO / "24年普陀区财政局（测试问题版本）.pdf")))
    assert not [c for c in orig if c.status == "conflict"]
    conflicts = [c for c in alt if c.status == "conflict"]
    assert conflicts, "the altered copy has injected errors"
    assert any("总计" in c.message for c in conflicts)
