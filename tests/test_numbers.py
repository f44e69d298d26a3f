import pytest

from index.extract.numbers import parse_arabic, parse_chinese, parse_number
from index.extract.units import split_header_unit, table_unit


@pytest.mark.parametrize("text,value", [("20,864.64", 20864.64), ("１８３５", 1835), ("-3.5", -3.5), ("0.00", 0.0),
                                        ("56.50%", 56.5), ("（1.2）", -1.2)])
def test_arabic(text, value):
    assert parse_arabic(text) == pytest.approx(value)


@pytest.mark.parametrize("text,value", [("二十一", 21), ("二〇二四", 2024), ("一千零九十一", 1091), ("十", 10), ("十二", 12),
                                        ("三万五千", 35000), ("两", 2)])
def test_chinese(text, value):
    assert parse_chinese(text) == value


def test_qualifiers_and_scale():
    n = parse_number("1.3万多")
    assert (n.value, n.scale_word, n.approx, n.qualifier) == (1.3, "万", True, "多")
    assert parse_number("约33").qualifier == "约"
    assert parse_number("480多").approx
    assert parse_number("100%以上").percent and parse_number("100%以上").qualifier == "以上"
    assert parse_number("abc") is None


def test_units():
    assert table_unit(["部门：汕尾市政务服务数据管理局  单位：万元"]) == "万元"
    assert split_header_unit("年初预算数 (万元)") == ("年初预算数", "万元")
    assert split_header_unit("占总支出比例 （%）") == ("占总支出比例", "%")
