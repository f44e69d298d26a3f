"""Two files of one report (same organization, place, year and type: a report published in parts,
or two files the store keeps side by side) that state one item with different values: the answer
gives its figure and says, citing it, that the other file states another - never one of them
silently. Pure: facts and reports built here, qa.figures / qa.route_fact functions."""
from __future__ import annotations

from index.records import Fact, Report
from index.search.fact_index import FactHit
from qa.figures import Scored, competitors, twin_files
from qa.records import FactRef
from qa.route_fact import differing_notes


def report(doc_id: str, source: str, *, org: str = "长春市政务服务和数据管理局", year: int = 2016) -> Report:
    return Report(doc_id=doc_id, title=f"{org}{year}年部门预算", city="长春", year=year, department=org,
                  report_type="部门预算", source_path=source, pages=30, sha1=doc_id * 2,
                  place_code="220100", place="吉林省长春市", province="吉林")


def scored(rep: Report, value: float, score: float = 0.9, table: str = "财政拨款收支总体情况表",
           subject: str = "一般公共预算拨款收入") -> Scored:
    f = Fact(subject=subject, subject_raw=subject, measure="预算数", value=value, unit="万元", page=11,
             text=f"{subject} {value}", source="table", table=table, doc_id=rep.doc_id)
    return Scored(FactHit(f, rep, score), score)


A = report("a" * 16, "公开文件.pdf")
B = report("b" * 16, "公开表格.pdf")


def test_twin_files_share_an_identity_and_are_not_one_file():
    assert twin_files(A, B)
    assert not twin_files(A, A)
    assert not twin_files(A, report("c" * 16, "x.pdf", year=2017))
    assert not twin_files(A, report("d" * 16, "y.pdf", org="长春市财政局"))


def test_the_other_file_of_the_report_competes_another_report_does_not():
    best = scored(A, 7503.31)
    twin = scored(B, 64090.74)
    other_year = scored(report("c" * 16, "x.pdf", year=2017), 100.0)
    other_item = scored(B, 55.0, subject="基本支出")
    far = scored(B, 1.0, score=0.5)
    got = competitors(best, [best, twin, other_year, other_item, far])
    assert got == [twin]


def test_the_answer_names_the_other_file_and_its_figure():
    best, twin = scored(A, 7503.31), scored(B, 64090.74)
    same_doc = scored(A, 7500.0, table="一般公共预算支出表")
    notes = differing_notes(FactRef(best.hit.fact, A, best.score), [same_doc, twin])
    assert len(notes) == 2
    assert "其他表中" in notes[0] and ("7,500" in notes[0] or "7500" in notes[0])
    assert "另一份文件" in notes[1] and "公开表格.pdf" in notes[1] and "64" in notes[1]
    assert "公开文件.pdf" in notes[1]
    assert differing_notes(FactRef(best.hit.fact, A, best.score), []) == []
