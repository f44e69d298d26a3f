"""Table → facts on seed text tables (built directly from seed line ranges) and a
pdfplumber grid; spot-checks of figures the product must answer."""
from pathlib import Path

import pytest

from index.extract.facts import extract_facts
from index.records import Table
from index.extract.text_tables import fit_names

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
S0, S2 = SEEDS / "000_15065bceca4ee193.txt", SEEDS / "002_dc7a5076e66a3ca6.txt"
pytestmark = pytest.mark.skipif(not (S0.exists() and S2.exists()), reason="seeds missing")


def _table(path, a, b, title=""):
    lines = path.read_text(encoding="utf-8").splitlines()
    return Table(page=1, page_end=1, title=title, unit=None, lines=tuple(lines[a - 1:b]))


def _has(facts, subject, measure, value, unit="万元"):
    return any(f.subject == subject and f.measure == measure and abs(f.value - value) < 1e-6 and f.unit == unit
               for f in facts)


def test_shantou_tab_tables():
    fs = extract_facts([_table(S0, 92, 99), _table(S0, 107, 118), _table(S0, 129, 136), _table(S0, 140, 144)], [])
    assert _has(fs, "公务接待费", "决算数", 0.15)
    assert _has(fs, "项目支出", "年初预算数", 1369.59)
    assert _has(fs, "人员经费", "调整预算数", 1802.18)
    assert _has(fs, "交易平台运行维护费用", "决算数", 10.57)
    assert _has(fs, "一般公共预算财政拨款收入", "占总收入比例", 84.62, "%")   # header unit (%) overrides
    assert all(f.source == "table" and f.text for f in fs)


def test_shanwei_space_tables():
    fs = extract_facts([_table(S2, 77, 186, "收入支出决算总表"), _table(S2, 378, 530, "支出决算表"),
                        _table(S2, 714, 821, "一般公共预算财政拨款支出决算表")], [])
    assert _has(fs, "一般公共预算财政拨款收入", "决算数", 20864.64)     # left side of a two-sided row
    assert _has(fs, "一般公共服务支出", "决算数", 17007.34)            # right side
    assert _has(fs, "国有资本经营预算财政拨款收入", "决算数", 0.0)      # label wrapped over lines
    assert _has(fs, "科学技术支出", "决算数", 3610.14)
    assert _has(fs, "年初结转和结余", "决算数", 7990.47)
    assert _has(fs, "基本支出", "基本支出", 1277.36) is False           # no such cell
    assert _has(fs, "合计", "基本支出", 1277.36)
    assert _has(fs, "住房公积金", "本年支出合计", 73.40)
    assert _has(fs, "政府办公厅（室）及相关机构事务", "本年支出合计", 17005.34)
    # 行次 / 科目编码 never become values or subjects
    assert not any(f.value in (31.0, 36.0, 2010301.0) for f in fs)
    assert not any(f.subject.isdigit() for f in fs)


def test_multi_column_header_names_fitted():
    names = fit_names([["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入"], ["附属单位上缴"], ["收入"], ["其他收入"]], 7)
    assert names[-2:] == ["附属单位上缴收入", "其他收入"]


def test_pdfplumber_grid_with_merged_header():
    grid = (("财政拨款“三公”经费",) + (None,) * 11,
            ("合计", None, "因公出国（境）费", None, "公务用车购置及运行费", None, None, None, None, None, "公务接待费", None),
            (None, None, None, None, "小计", None, "公务用车购置费", None, "公务用车运行费", None, None, None),
            ("预算数", "决算数") * 6,
            ("11.00", "6.93", "0.00", "0.00", "9.00", "5.80", "0.00", "0.00", "9.00", "5.80", "2.00", "1.13"))
    t = Table(page=5, page_end=5, title="三公", unit="万元", lines=(), cells=grid)
    fs = extract_facts([t], [])
    assert _has(fs, "公务接待费", "预算数", 2.00) and _has(fs, "公务接待费", "决算数", 1.13)
    assert _has(fs, "公务用车运行费", "决算数", 5.80)
    assert _has(fs, "公务用车购置及运行费", "预算数", 9.00)
    assert _has(fs, "财政拨款“三公”经费", "预算数", 11.00)
    assert len(fs) == 12
