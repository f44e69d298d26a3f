import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # until pyproject sets pythonpath
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

import pdfgen  # noqa: E402
from index.errors import (  # noqa: E402
    CorruptFile, EmptyDocument, EncryptedFile, NoTextLayer, TooLarge, UnsupportedFile,
)
from index.read.parse import parse_file  # noqa: E402

from conftest import realdata as real  # noqa: E402

GD = "renwu-2026-dept-budgets-guangdong"


# ------------------------------------------------------------------ generated fixtures

@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdfs")


def test_generated_report(fixture_dir):
    d = parse_file(pdfgen.report_pdf(fixture_dir))
    assert d.pages == 3
    paths = {s.path: s for s in d.sections}
    part1 = "第一部分 测试市政务服务数据管理局概况"
    assert f"{part1} > 一、部门主要职责" in paths
    duties = paths[f"{part1} > 一、部门主要职责"]
    assert duties.page_start == 1
    jigou = paths[f"{part1} > 二、部门机构设置"]
    assert (jigou.page_start, jigou.page_end) == (1, 2)        # paragraphs run over to page 2
    assert f"{part1} > 二、部门机构设置 > （一）公务接待费支出情况" in paths
    assert "- 1 -" not in "\n".join(s.text for s in d.sections)  # footers dropped
    assert "公务接待费支出1.13万元" in paths[f"{part1} > 二、部门机构设置 > （一）公务接待费支出情况"].text
    (t,) = d.tables
    assert t.title == "表1 收入支出总表" and t.unit == "万元" and t.page == 3
    assert t.cells[0] == ("项目", "决算数", "项目", "决算数")
    assert t.cells[1] == ("一般公共预算财政拨款收入", "20,864.64", "一般公共服务支出", "17,007.34")
    assert t.lines[3] == "本年收入合计\t20,864.64\t本年支出合计\t20,864.64"
    assert t.section_path == "第二部分 2021年部门决算表 > 表1 收入支出总表"
    # table text is not repeated as prose
    prose = "\n".join(p.text for p in d.paragraphs)
    assert "17,007.34" not in prose
    chunk_pages = {(c.page_start, c.page_end) for c in d.chunks}
    assert (3, 3) in chunk_pages and any(c.kind == "table" for c in d.chunks)


@pytest.mark.parametrize("make,exc", [
    (pdfgen.corrupt_pdf, CorruptFile),
    (pdfgen.truncated_pdf, CorruptFile),
    (pdfgen.encrypted_pdf, EncryptedFile),
    (pdfgen.zero_page_pdf, EmptyDocument),
    (pdfgen.blank_pdf, EmptyDocument),
    (pdfgen.image_only_pdf, NoTextLayer),
    (pdfgen.png_named_pdf, UnsupportedFile),
    (pdfgen.binary_txt, UnsupportedFile),
    (pdfgen.docx_file, UnsupportedFile),
])
def test_bad_files(tmp_path, make, exc):
    with pytest.raises(exc) as info:
        parse_file(make(tmp_path))
    assert info.value.args[0]          # a message (Chinese + English) is given


def test_too_large(tmp_path):
    with pytest.raises(TooLarge):
        parse_file(pdfgen.report_pdf(tmp_path), max_pages=2)


def test_gb18030_text(tmp_path):
    d = parse_file(pdfgen.gb18030_text(tmp_path))
    assert d.sections[0].title == "一、部门基本情况"
    assert "公务接待费支出1.13万元" in d.sections[0].text


def test_no_text_layer_message(tmp_path):
    with pytest.raises(NoTextLayer, match="OCR"):
        parse_file(pdfgen.image_only_pdf(tmp_path))


# ------------------------------------------------------------------ real documents
# Ground truth read off the documents with pdfplumber (page text and extract_tables()).

def test_guangzhou_zhengshuju_budget():
    d = parse_file(real(f"{GD}/005_广州/政务服务和数据管理局_2026年广州市政务服务和数据管理局部门预算.pdf.pdf"))
    assert d.pages == 53
    by_path = {s.path: s for s in d.sections}
    s = by_path["第一部分 广州市政务服务和数据管理局概况 > 一、主要职责"]     # title wrapped "…概" / "况"
    assert s.page_start == 3
    assert "负责组织起草全市政务服务和政务信息化管理相关政策和地方性法规" in s.text
    t1 = next(t for t in d.tables if t.title == "表1 收支总体情况表")
    assert (t1.page, t1.page_end) == (6, 7) and t1.unit == "万元"
    assert t1.cells[1] == ("项目", "预算", "项目", "预算")
    assert t1.cells[2] == ("一、预算拨款", "98,880.78", "一、一般公共服务支出", "0.00")
    assert t1.section_path == "第二部分 2026年部门预算表 > 表1 收支总体情况表"


def test_foshan_2019_final_accounts():
    d = parse_file(real(f"{GD}/022_佛山/交通运输局_2019年佛山市轨道交通局部门决算.pdf"))
    assert d.pages == 31
    paths = [s.path for s in d.sections]
    assert "第一部分 佛山市轨道交通局概况 > （一）部门主要职责" in paths
    t1 = next(t for t in d.tables if t.title == "表1 收入支出决算总表")
    assert (t1.page, t1.page_end) == (5, 7)                    # one table over 3 pages
    assert t1.cells[1] == ("项 目", "行次", "决算数", "项 目", "行次", "决算数")
    assert sum(1 for r in t1.cells if r[0] == "项 目") == 1     # repeated page headers dropped
    assert any(r[0] == "一、一般公共预算财政拨款收入" and r[2] == "1668.14" for r in t1.cells)
    assert len([t for t in d.tables if t.title == "表1 收入支出决算总表"]) == 1


def test_putuo_2024_final_accounts():
    d = parse_file(real("putuo-shanghai-budgets/上海市普陀区财政局2024年度部门决算.pdf"))
    assert d.pages == 25
    s = next(s for s in d.sections if s.path == "第一部分 上海市普陀区财政局概况 > 一、主要职能")
    assert s.page_start == 4
    assert "上海市普陀区财政局是主管全区财政工作的区政府工作部门" in s.text
    t = next(t for t in d.tables if t.title == "收入支出决算总表")
    assert t.page == 6 and t.unit == "万元"
    assert t.cells[2] == ("一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66")


@pytest.mark.slow
def test_shenzhen_241_pages():
    d = parse_file(real(f"{GD}/003_深圳/生态环境局_2026年部门预算.pdf"))
    assert d.pages == 241
    assert d.tables and d.chunks
    assert max(c.page_end for c in d.chunks) > 200
    assert all(1 <= c.page_start <= c.page_end <= 241 for c in d.chunks)


def test_jiangmen_scanned():
    with pytest.raises(NoTextLayer, match="OCR"):
        parse_file(real(f"{GD}/080_江门/退役军人事务局_2026年部门预算.pdf"))


def test_huizhou_doubled_glyphs_repaired():
    d = parse_file(real(f"{GD}/048_惠州/民政局_2026年部门预算.pdf"))
    text = "\n".join(ln.text for ln in d.lines)
    assert "2026年第2期" in text and "惠州市人民政府公报" in text
    assert "22002266" not in text and "惠惠州州" not in text
    assert any("字形重复" in w for w in d.warnings)


def test_digits_set_below_their_line_stay_in_their_sentence():
    """普陀 决算: Times New Roman digits sit ~5 pt below the FangSong text of their line."""
    from index.read.pdf_reader import line_tolerance, read_pdf
    pages = read_pdf(real("putuo-shanghai-budgets/上海市普陀区财政局2024年度部门决算.pdf"))
    text = "".join(p.text for p in pages).replace(" ", "")
    assert "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%" in text
    assert line_tolerance([12.0] * 50 + [9.0] * 5) == 6.0
    assert line_tolerance([]) == line_tolerance([4.0]) == 3.0
