import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # until pyproject sets pythonpath

import pytest

from index.read.blocks import is_row
from index.read.clean import collapse_cjk_spaces, ends_sentence, join_pair, page_number, strip_markdown
from index.read.glyphs import is_doubled, repair_doubled, undouble_line
from index.read.parse import parse_text


@pytest.mark.parametrize("line,num", [
    (" 8 ", 8), ("- 4 -", 4), ("— 12 —", 12), ("第 3 页", 3), ("3 / 20", 3),
    ("2024 年", None), ("一、部门", None), ("20,864.64", None),
])
def test_page_number(line, num):
    assert page_number(line) == num


@pytest.mark.parametrize("line,row", [
    ("一、一般公共预算财政拨款收入 1 20,864.64 一、一般公共服务支出 31 17,007.34", True),
    ("项    目 行次 决算数 项    目 行次 决算数", True),
    ("2010301 行政运行 422.81 422.81 0.00 0.00 0.00 0.00 0.00", True),
    ("公务接待费\t4.5\t0.15\t0.15", True),
    ("2024 年部门整体收入基本情况表", False),
    ("汕尾市政务服务数据管理局 2021 年度总收入 28,855.11 万元，其中本年收入 20,864.64 万元。", False),
])
def test_is_row(line, row):
    assert is_row(line) is row


def test_small_transforms():
    assert collapse_cjk_spaces("一、部门 主要职责") == "一、部门主要职责"
    assert join_pair("公", "务接待费") == "公务接待费"
    assert ends_sentence("性法规、规章草案并组织实施。 ")
    assert not ends_sentence("（一）组织起草全市政务服务和政务信息化相关政策和地方")
    assert strip_markdown("1. **预算管理情况**：预算") == "1. 预算管理情况：预算"


def test_doubled_glyphs():
    assert undouble_line("22002266年年第第22期期") == "2026年第2期"
    assert is_doubled("惠惠州州市市人人民民政政府府公公报报22002266年年")
    text, changed = repair_doubled("22002266年年第第22期期刊刊登登\n惠州市民政局关于贯彻实施的通知")
    assert changed and text.split("\n") == ["2026年第2期刊登", "惠州市民政局关于贯彻实施的通知"]
    assert repair_doubled("谢谢大家的支持与配合，我们常常开会。")[1] is False


def test_wrapped_lines_are_joined_and_page_numbers_dropped():
    text = ("一、部门基本情况\n\n本部门 2024 年公\n\n务接待费支出 1.13 万元，主要用于接待省局领导来汕调研交流学\n\n"
            "习。\n\n\n\n - 3 - \n\n二、绩效自评情况\n\n自评得分 92 分。\n")
    d = parse_text(text)
    body = "\n".join(s.text for s in d.sections)
    assert "公务接待费" in body and "交流学习" in body
    assert "- 3 -" not in body
    assert [s.path for s in d.sections] == ["一、部门基本情况", "二、绩效自评情况"]
    assert d.sections[1].page_start == 4
