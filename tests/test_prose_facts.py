from pathlib import Path

import pytest

from index.extract.facts import extract_facts
from index.records import Paragraph

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _facts(text):
    return extract_facts([], [Paragraph(text=text, page=2, page_end=2)])


def _get(fs, subject, measure):
    return [f for f in fs if f.subject == subject and f.measure == measure]


def test_count_with_thing_after_unit():
    fs = _facts("同时，在全市已铺设 1835 台“粤智助”政府服务自助机，实现 7 个区（县）、69 个镇（街）、1091 个村（居）全覆盖。")
    f = _get(fs, "粤智助政府服务自助机", "铺设")[0]
    assert (f.value, f.unit, f.source) == (1835, "台", "prose")
    assert {(x.subject, x.value) for x in fs if x.unit == "个"} == {("区（县）", 7), ("镇（街）", 69), ("村（居）", 1091)}


def test_money_budget_rate():
    fs = _facts("公务接待费支出决算为 1.13 万元，完成预算 2.00 万元的 56.50%。")
    assert _get(fs, "公务接待费", "决算")[0].value == 1.13
    assert _get(fs, "公务接待费", "预算")[0].value == 2.00
    r = _get(fs, "公务接待费", "完成率")[0]
    assert (r.value, r.unit) == (56.5, "%")


def test_change_and_growth():
    fs = _facts("1.一般公共预算财政拨款收入 20,864.64 万元，比上年决算数增加 8,763.77 万元，增长 72.42%。")
    assert _get(fs, "一般公共预算财政拨款收入", "比上年增加")[0].value == 8763.77
    assert _get(fs, "一般公共预算财政拨款收入", "比上年增长率")[0].value == 72.42


def test_approx_and_scale():
    fs = _facts("市、区（县）二级建立了 1.3 万多条依申请事项实施清单。累计交换 232.65 亿条数据。")
    f = _get(fs, "依申请事项实施清单", "建立")[0]
    assert (f.value, f.unit, f.approx, f.qualifier) == (1.3, "万条", True, "多")
    assert _get(fs, "数据", "交换")[0].unit == "亿条"


def test_chinese_numerals_and_skips():
    fs = _facts("全市共设二十一个服务站点。联系电话: 88179852。填报日期: 2025 年 10 月 28 日。详见表 3 。")
    assert [(f.value, f.unit) for f in fs] == [(21, "个")]


def test_score_and_vehicles_and_calls():
    fs = _facts("部门整体支出的绩效得分为 92 分，绩效等级为“优”。公务用车保有量为 2 辆。")
    assert any(f.value == 92 and f.unit == "分" for f in fs)
    assert _get(fs, "公务用车保有量", "数量")[0].value == 2


def test_topic_subject():
    fs = _facts("汕尾市 5G+智慧政务服务中心建设项目绩效自评综述：全年预算数为 1545.16 万元，执行数为 1440.24 万元，完成预算的 93.21%。")
    assert _get(fs, "汕尾市5G+智慧政务服务中心建设项目", "全年预算数")[0].value == 1545.16
    assert _get(fs, "汕尾市5G+智慧政务服务中心建设项目", "完成率")[0].value == 93.21


@pytest.mark.skipif(not (SEEDS / "002_dc7a5076e66a3ca6.txt").exists(), reason="seed missing")
def test_seed_prose_spot_checks():
    lines = (SEEDS / "002_dc7a5076e66a3ca6.txt").read_text(encoding="utf-8").splitlines()
    text = "".join(x.strip() for x in lines[1094:1700])
    fs = _facts(text)
    want = [("机关运行经费", "金额", 199.31), ("政府采购支出总额", "金额", 6458.59), ("“三公”经费", "预算", 11.00),
            ("公务用车保有量", "数量", 2), ("基本支出", "金额", 1277.36)]
    for s, m, v in want:
        assert _get(fs, s, m) and _get(fs, s, m)[0].value == v, (s, m, v)
    assert any(f.value == 79546 and "视频监控点位" in f.subject for f in fs)
    assert any(f.value == 237818 and f.unit == "件" for f in fs)
