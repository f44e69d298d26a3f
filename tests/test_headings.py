import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # until pyproject sets pythonpath

import pytest

from index.read.headings import classify_heading

CASES = [
    # (line, level or None, title)
    ("第一部分：汕尾市政务服务数据管理局 概况", 1, "第一部分：汕尾市政务服务数据管理局概况"),
    ("第二部分 2026年部门预算表", 1, "第二部分 2026年部门预算表"),
    ("一、部门 主要职责", 2, "一、部门主要职责"),
    ("（一）部门情况。", 3, "（一）部门情况。"),
    ("(二)人员情况", 3, "(二)人员情况"),
    ("1. 绩效总目标。", 4, "1.绩效总目标。"),
    ("2、部门整体支出情况", 4, "2、部门整体支出情况"),
    ("（1）政务服务“中央厨房”项目", 5, "（1）政务服务“中央厨房”项目"),
    ("①已完成汕尾市政务大数据中心分析平台建设", 6, "①已完成汕尾市政务大数据中心分析平台建设"),
    ("表 1", 7, "表1"),
    ("表1 收入支出决算总表", 7, "表1 收入支出决算总表"),
    ("部门整体支出绩效自评报告", 0, "部门整体支出绩效自评报告"),
    ("## 二、绩效自评情况", 2, "二、绩效自评情况"),
    ("**（三）管理效率分析。**", 3, "（三）管理效率分析。"),
    # false friends
    ("1、拓展政务服务管理，提升便利化水平；一是加强事项标准化管理，确保全市事项统一规范。", None, None),
    ("2024 年，汕头市政务服务和数据管理局在市委、市政府的正确领导下开展工作。", None, None),
    ("2024 年部门整体收入基本情况表", None, None),
    ("一、一般公共预算财政拨款收入 1 20,864.64 一、一般公共服务支出 31 17,007.34", None, None),
    ("一、一般公共预算财政拨款收入\t3269.57\t2766.64", None, None),
    ("一、收支总体情况表 ........ 5", None, None),
    ("三、支出总体情况表…………12", None, None),
    ("1.5 万元用于设备购置", None, None),
    ("（二）统筹推进“数字政府”改革建设，拟订建设规划和年度建立计划并组织实施。负责平台建设运维资金管理工作。", None, None),
    ("2.本套报表金额单位转换时可能存在尾数误差，请以实际为准。", None, None),
]


@pytest.mark.parametrize("line,level,title", CASES)
def test_classify_heading(line, level, title):
    h = classify_heading(line)
    if level is None:
        assert h is None, h
    else:
        assert h is not None, line
        assert h.level == level
        assert h.title == title
