import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # until pyproject sets pythonpath

import pytest  # noqa: E402

from index.read.parse import parse_file  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SHANWEI = SEEDS / "002_dc7a5076e66a3ca6.txt"   # 汕尾市政务服务数据管理局 2021 年部门决算
SHANTOU = SEEDS / "000_15065bceca4ee193.txt"   # 汕头 2024 部门整体支出绩效自评报告


@pytest.fixture(scope="module")
def shanwei():
    if not SHANWEI.exists():
        pytest.skip("seeds not available")
    return parse_file(SHANWEI)


@pytest.fixture(scope="module")
def shantou():
    if not SHANTOU.exists():
        pytest.skip("seeds not available")
    return parse_file(SHANTOU)


def test_shanwei_section_tree(shanwei):
    paths = [s.path for s in shanwei.sections]
    assert "第一部分：汕尾市政务服务数据管理局概况" in paths
    assert "第一部分：汕尾市政务服务数据管理局概况 > 一、部门主要职责" in paths
    assert "第二部分：汕尾市政务服务数据管理局 2021 年部门决算表 > 表1 收入支出决算总表" in paths
    # a heading wrapped over two lines is one heading
    assert "第三部分：汕尾市政务服务数据管理局 2021 年部门决算情况说明 > 一、2021 年度收入支出决算总体情况说明" in paths
    # the （一）…（十一） duties are list items (paragraphs), not sections
    assert not any("（九）负责公共资源交易管理相关工作" in p for p in paths)


def test_shanwei_table1_repeated_header_removed(shanwei):
    t1 = next(t for t in shanwei.tables if t.title == "表1 收入支出决算总表")
    assert t1.unit == "万元"
    assert t1.cells is None
    assert sum(1 for ln in t1.lines if "单位：万元" in ln) == 1          # header kept once
    assert sum(1 for ln in t1.lines if ln.startswith("项    目 行次")) == 1
    rows = [ln for ln in t1.lines if "一、一般公共预算财政拨款收入 1 20,864.64" in ln]
    assert len(rows) == 1
    i_first = next(i for i, ln in enumerate(t1.lines) if "一、一般公共预算财政拨款收入" in ln)
    i_last = next(i for i, ln in enumerate(t1.lines) if ln.startswith("总计 30 28,855.11"))
    assert i_first < i_last                                                # rows in order
    # a label wrapped onto the next line stays raw inside the table
    k = t1.lines.index("三、国有资本经营预算财政拨款收")
    assert t1.lines[k + 1] == "入" and t1.lines[k + 2].startswith("3 0.00 三、国防支出")
    assert (t1.page, t1.page_end) == (5, 7)


def test_shanwei_pages(shanwei):
    t2 = next(t for t in shanwei.tables if t.title == "表2 收入决算表")
    assert t2.page == 8                       # " 8 " line opens the page holding 表 2
    assert sum(1 for ln in t2.lines if ln.startswith("合计 20,864.64")) == 1
    s = next(s for s in shanwei.sections if s.title.startswith("第四部分"))
    assert s.page_start > 80
    assert all(c.page_start >= 1 and c.page_end >= c.page_start for c in shanwei.chunks)


def test_shanwei_joined_lines(shanwei):
    text = "\n".join(s.text for s in shanwei.sections)
    assert "公务接待费" in text
    for c in shanwei.chunks:
        assert "公\n务接待费" not in c.text
    duties = next(s for s in shanwei.sections if s.title == "一、部门主要职责")
    assert "（一）组织起草全市政务服务和政务信息化相关政策和地方性法规、规章草案并组织实施。" in duties.text


def test_shanwei_chunks(shanwei):
    text_chunks = [c for c in shanwei.chunks if c.kind == "text"]
    assert text_chunks and all(len(c.text) <= 800 for c in text_chunks)
    assert all(c.text.rstrip().endswith(("。", "！", "？", "；", "：", "”", "）")) or len(c.text) < 400
               for c in text_chunks[:40])
    t_chunks = [c for c in shanwei.chunks if c.kind == "table" and "表2 收入决算表" in c.text]
    assert len(t_chunks) >= 2                             # big table split by rows...
    assert all(c.text.startswith("表2 收入决算表") for c in t_chunks)   # ...title repeated
    assert all(c.doc_id == "" and c.chunk_id == "" for c in shanwei.chunks)
    assert all(c.embed_text().startswith(c.section_path) for c in shanwei.chunks)
    assert all(c.text.strip() for c in shanwei.chunks)


def test_shantou_sections_and_tab_table(shantou):
    paths = [s.path for s in shantou.sections]
    assert "一、部门基本情况 > （一）部门情况。" in paths
    assert "一、部门基本情况 > （六）部门整体收支情况。" in paths
    assert "二、绩效自评情况 > （一）自评结论。" in paths
    t = next(t for t in shantou.tables if t.title == "2024 年部门整体收入基本情况表")
    assert t.section_path == "一、部门基本情况 > （六）部门整体收支情况。 > 1.部门整体收入情况。"
    assert t.unit == "万元"
    assert t.lines[0].startswith("项目\t年初预算数")
    assert "本年收入合计\t3269.57\t2766.64\t2766.64\t84.62" in t.lines
    assert all(tb.page == 1 for tb in shantou.tables)      # no page markers in this dump
    # table rows are never headings
    assert not any(h.title.startswith("二、政府性基金预算拨款收入") for h in shantou.headings)
