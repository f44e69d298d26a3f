import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # until pyproject sets pythonpath

import pytest  # noqa: E402

from index.names.metadata import read_metadata  # noqa: E402
from index.read.parse import parse_file, parse_text  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
GD = "realdata/renwu-2026-dept-budgets-guangdong"

CASES = [
    ("seeds/002_dc7a5076e66a3ca6.txt", "汕尾", 2021, "汕尾市政务服务数据管理局", "部门决算",
     "汕尾市政务服务数据管理局2021年部门决算"),
    ("seeds/000_15065bceca4ee193.txt", "汕头", 2024, "汕头市政务服务和数据管理局", "部门整体支出绩效自评报告",
     "汕头市政务服务和数据管理局2024年部门整体支出绩效自评报告"),
    (f"{GD}/005_广州/政务服务和数据管理局_2026年广州市政务服务和数据管理局部门预算.pdf.pdf", "广州", 2026,
     "广州市政务服务和数据管理局", "部门预算", "广州市政务服务和数据管理局2026年部门预算"),
    (f"{GD}/005_广州/政务服务和数据管理局_广州市政务服务和数据局2026年部门整体预算绩效目标申报表.pdf.pdf",
     "广州", 2026, "广州市政务服务和数据管理局", "部门整体预算绩效目标申报表", None),
    (f"{GD}/022_佛山/交通运输局_2019年佛山市轨道交通局部门决算.pdf", "佛山", 2019, "佛山市轨道交通局", "部门决算",
     "佛山市轨道交通局2019年部门决算"),
    ("realdata/putuo-shanghai-budgets/上海市普陀区财政局2024年度部门决算.pdf", "上海", 2024, "上海市普陀区财政局",
     "部门决算", "上海市普陀区财政局2024年部门决算"),
    ("realdata/putuo-shanghai-budgets/上海市普陀区商务委员会25年预算.pdf", "上海", 2025, "上海市普陀区商务委员会",
     "部门预算", None),
    (f"{GD}/003_深圳/统计局_2026年部门预算.pdf", "深圳", 2026, "深圳市统计局", "部门预算", "深圳市统计局2026年部门预算"),
    ("realdata/gov-info-disclosure-annual-reports/淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf", "淮安", 2024,
     "淮安市洪泽区人民政府", "政府信息公开工作年度报告", None),
]


@pytest.mark.parametrize("rel,city,year,dept,rtype,title", CASES)
def test_read_metadata(rel, city, year, dept, rtype, title):
    path = SHARED / rel
    if not path.exists():
        pytest.skip(f"{path} not available")
    meta = read_metadata(parse_file(path), path.name)
    assert meta["city"] == city
    assert meta["year"] == year
    assert meta["department"] == dept
    assert meta["report_type"] == rtype
    if title:
        assert meta["title"] == title


@pytest.mark.parametrize("text,filename,expect", [
    ("", "汕尾市政务服务数据管理局2021年部门决算.txt",
     {"city": "汕尾", "year": 2021, "report_type": "部门决算", "department": "汕尾市政务服务数据管理局"}),
    ("苏州市数据局2026年度部门预算公开\n第一部分 部门概况\n", "x.pdf", {"city": "苏州", "year": 2026, "report_type": "部门预算"}),
    ("上海市普陀区2026年区级单位预算\n预算单位：上海市普陀区司法局\n", "unit_budget.pdf",
     {"city": "上海", "year": 2026, "report_type": "单位预算", "department": "上海市普陀区司法局"}),
    ("2026年广东省政府工作报告\n", "r.txt", {"year": 2026, "report_type": "政府工作报告"}),
])
def test_read_metadata_from_text(text, filename, expect):
    doc = parse_text(text or "\n")
    meta = read_metadata(doc, filename)
    for k, v in expect.items():
        assert meta[k] == v, (k, meta)


def test_party_bodies_take_their_usual_form():
    from index.names.metadata import party_form
    assert party_form("江苏省委办公厅") == "中共江苏省委办公厅"
    assert party_form("中国共产党广州市委员会宣传部") == "中共广州市委宣传部"
    assert party_form("上海市普陀区委宣传部") == "中共上海市普陀区委宣传部"
    assert party_form("江苏省发展和改革委员会") == "江苏省发展和改革委员会"
    assert party_form("深圳市卫生健康委员会") == "深圳市卫生健康委员会"


def test_folder_names_the_organization_when_the_document_is_silent():
    doc = parse_text("2017年度部门预算公开表\n收支预算总表\n")
    meta = read_metadata(doc, "2017年度部门预算公开表.pdf", folder="江苏省政协办公厅")
    assert (meta["department"], meta["place"], meta["year"]) == ("江苏省政协办公厅", "江苏省", 2017)
    assert "机构：文件夹" in meta["evidence"]
    # a folder that names no organization says nothing
    meta = read_metadata(doc, "2017年度部门预算公开表.pdf", folder="tmpa1b2c3")
    assert meta["department"] is None and "organization" in meta["unsure"]


def test_a_year_the_file_name_contradicts_is_unsure():
    doc = parse_text("西安市行政审批服务局（汇总）\n2025年部门预算公开说明\n第一部分：部门概况\n")
    meta = read_metadata(doc, "政务服务和数据管理局_2026年部门预算.pdf")
    assert (meta["department"], meta["year"]) == ("西安市行政审批服务局", 2025)
    assert meta["unsure"] == ("year",) and any("文件名写 2026 年" in e for e in meta["evidence"])


def test_a_blank_template_is_refused(tmp_path):
    from index.errors import NotAReport
    from index.read.listing import template_reason
    assert template_reason(["上海市 XX 局", "2024 年度部门决算"])
    assert template_reason(["上海市普陀区财政局", "2024 年度部门决算"]) is None
    path = tmp_path / "模板.txt"
    path.write_text("上海市 XX 局\n2024 年度部门决算\n第一部分 上海市 XX 局概况\n一、主要职能。\n", encoding="utf-8")
    with pytest.raises(NotAReport):
        parse_file(path)
