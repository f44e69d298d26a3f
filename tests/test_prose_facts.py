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


# ---- run-in headings: the item named in a heading sentence, its figure in the next (real sentences)

def test_run_in_heading_names_the_item_of_the_next_sentence():
    # 深圳市交通运输局 2026 部门预算, p16
    fs = _facts("2.公务接待费。2026 年预算数 5.10 万元，较 2025 年年初预算减少 10.01 万元，主要是用于公务活动中按"
                "规定接待发生的费用。减少的主要原因：落实过“紧日子”要求，厉行节约，压减公务接待支出。")
    assert [(f.subject, f.measure, f.value, f.unit) for f in fs] == [
        ("公务接待费", "预算", 5.10, "万元"), ("公务接待费", "比年初预算减少", 10.01, "万元")]
    assert all(f.text.startswith("2.公务接待费。2026年预算数5.10万元") and f.page == 2 for f in fs)


def test_run_in_heading_leaves_the_sub_items_their_own_figures():
    # 深圳市交通运输局: the changes after 其中 belong to 购置费 / 运行维护费, not to the heading's item
    fs = _facts("3.公务用车购置和运行维护费。2026 年预算数 27.80 万元，其中：公务用车购置费 2026 年预算数 0.00 万元，"
                "较 2025 年年初预算增加 0.00 万元，主要是本单位 2026 年未安排经费用于公务用车购置；公务用车运行维护费 "
                "2026 年预算数 27.80 万元，较 2025 年年初预算减少 3.30 万元，主要是用于公务用车保养等支出。")
    assert {(f.subject, f.measure, f.value) for f in fs} == {
        ("公务用车购置和运行维护费", "预算", 27.8), ("公务用车购置费", "预算", 0.0),
        ("公务用车购置费", "比年初预算增加", 0.0), ("公务用车运行维护费", "预算", 27.8),
        ("公务用车运行维护费", "比年初预算减少", 3.3)}


def test_run_in_heading_of_an_ocr_page():
    # 北京市政务服务和数据管理局 2026 部门预算情况说明 (scanned), p7 as OCR reads it: mixed brackets
    fs = _facts("（三)公务用车购置和运行维护费。2026年预算数 21.56万元，包括公务用车购置费预算12.53万元、"
                "公务用车运行维护费预算9.03万元。主要用于公务用车加油、维修、保险等方面。")
    assert {(f.subject, f.measure, f.value) for f in fs} == {
        ("公务用车购置和运行维护费", "预算", 21.56), ("公务用车购置费", "预算", 12.53),
        ("公务用车运行维护费", "预算", 9.03)}
    fs = _facts("（二）公务接待费。2026年预算数7.25万元，主要用于按照相关规定开支的各类公务接待（含外宾接待）等方面。")
    assert [(f.subject, f.measure, f.value) for f in fs] == [("公务接待费", "预算", 7.25)]


def test_run_in_heading_forms():
    fs = _facts("（三）公务用车购置及运行费。2026年预算数为12.5万元，比上年减少2.3万元，主要原因是压减公车运维。")
    assert {(f.subject, f.measure, f.value) for f in fs} == {
        ("公务用车购置及运行费", "预算", 12.5), ("公务用车购置及运行费", "比上年减少", 2.3)}
    fs = _facts("1.因公出国（境）费：0万元。")
    assert [(f.subject, f.value, f.unit) for f in fs] == [("因公出国（境）费", 0.0, "万元")]
    fs = _facts("2.公务接待费。上年预算数6万元，本年预算数5万元。")     # 上年 stays in the measure: dated Y-1
    assert {(f.subject, f.measure, f.value) for f in fs} == {("公务接待费", "上年预算数", 6), ("公务接待费", "本年预算数", 5)}


def test_heading_line_above_the_paragraph_names_its_item():
    p = Paragraph(text="2026年预算数7.25万元，主要用于公务接待。", page=7, page_end=7, heading="（二）公务接待费。")
    assert [(f.subject, f.measure, f.value) for f in extract_facts([], [p])] == [("公务接待费", "预算", 7.25)]
    p = Paragraph(text="2026年预算数7.25万元。", page=7, page_end=7, heading="三、支出预算情况说明")
    assert extract_facts([], [p]) == []                       # a section heading names no item


def test_no_run_in_item_without_a_heading():
    # a list or a reason that ends with the item's name is no heading: the next figure is nobody's
    assert _facts("“三公”经费包括因公出国（境）费、公务用车购置及运行费和公务接待费。2026年预算数10万元。") == []
    assert _facts("主要原因是压减公务接待费。2026年预算数3万元。") == []
    assert _facts("落实过紧日子要求。公务接待费。2026年预算数3万元。") == []       # unlabelled, mid-paragraph
    assert _facts("2.公务接待费。主要用于接待。2026年预算数5万元。") == []        # the next sentence only


def test_comparisons_take_the_subject_they_compare():
    # 北京 说明 p5 and p7: a thousands comma is no clause break; the base of a comparison is no figure of 2026
    fs = _facts("2026年度收入预算101,673.03万元，比 2025年年初预算数99,003.18万元增加2,669.85万元，增长 2.7%。")
    assert [(f.subject, f.measure, f.value) for f in fs] == [
        ("收入", "预算", 101673.03), ("收入", "比年初预算增加", 2669.85), ("收入", "比年初预算增长率", 2.7)]
    fs = _facts("2026年财政拨款“三公”经费预算80.11万元，比2025年财政拨款“三公”经费年初预算减少8.35万元，下降9.44%。")
    assert {f.subject for f in fs} == {"财政拨款“三公”经费"}
    # 西安市政务服务和数据管理局 2026: 较上年
    fs = _facts("公务接待费2.00万元，较上年减少0.50万元，下降20.00%，下降的主要原因是：减少公务接待费预算；")
    assert [(f.subject, f.measure, f.value) for f in fs] == [
        ("公务接待费", "金额", 2.0), ("公务接待费", "比上年减少", 0.5), ("公务接待费", "比上年下降率", 20.0)]
    assert [f.subject for f in _facts("（三）年终结转结余资金67.86万元。")] == ["年终结转结余资金"]


def test_a_comparison_sentence_compares_its_labelled_paragraphs_item():
    # 深圳市口岸办公室 / 政府办公厅 2026: the change stands in a sentence of its own after the item's
    fs = _facts("（一）在职人员经费 3,098.93 万元，主要是在职人员工资福利和社保缴费等相关支出。较 2025 年年初预算增加 "
                "197.71 万元，增幅 6.8%。")
    assert [(f.subject, f.measure, f.value) for f in fs] == [
        ("在职人员经费", "金额", 3098.93), ("在职人员经费", "比年初预算增加", 197.71)]
    assert fs[1].text.startswith("(一)在职人员经费3,098.93万元")           # cited with the item's sentence
    fs = _facts("4.研究调研活动 166.02 万元，主要包括：政府重要文稿起草及调研工作 116.3 万元，用于开展重要文稿起草有关工作"
                "的支出；党建及业务专题培训 49.72 万元，用于开展党建及业务专题培训工作的支出。较 2025 年年初预算增加 28.46 万元。")
    assert [(f.subject, f.value) for f in fs if f.measure == "比年初预算增加"] == [("研究调研活动", 28.46)]
    # 江苏省委办公厅 2017: an unlabelled paragraph whose first sentence states one amount, compared next
    fs = _facts("此外，基本支出预算数为 9964.07 万元。与上年相比增加 941.62 万元，增长 10.44%。主要原因是政策性调资。")
    assert [(f.subject, f.measure, f.value) for f in fs] == [
        ("基本支出", "预算", 9964.07), ("基本支出", "比上年增加", 941.62), ("基本支出", "比上年增长率", 10.44)]
    # two amounts and no label, or a sentence between: the comparison has no subject, no fact
    assert [f.value for f in _facts("基本支出 100 万元，项目支出 50 万元。较 2025 年年初预算增加 10 万元。")] == [100, 50]
    assert [f.value for f in _facts("基本支出预算数为 9964.07 万元。主要用于人员。与上年相比增加 941.62 万元。")] == [9964.07]


def test_comparison_after_the_item_and_budget_subject_codes():
    # 深圳市生态环境局 2026: the item stands right before 较上年; a reason before it is no item
    fs = _facts("2.国三柴油货车提前淘汰补贴较上年减少7,300万元，主要是政策到期。3.大气环境质量提升补贴政策到期较上年减少2,754万元。")
    assert [(f.subject, f.measure, f.value) for f in fs] == [("国三柴油货车提前淘汰补贴", "比上年减少", 7300)]
    # 苏州 / 江苏: 科目 annotations (类)(款)(项) are no part of the subject; 与上年相比 is a comparison
    fs = _facts("（6）商业服务业等支出（类）支出0万元，与上年相比减少750万元。")
    assert [(f.subject, f.measure, f.value) for f in fs] == [
        ("商业服务业等支出", "金额", 0), ("商业服务业等支出", "比上年减少", 750)]
    assert [(f.subject, f.value) for f in _facts("1.住房公积金（项）：支出1,073.77万元。")] == [("住房公积金支出", 1073.77)]
    # 普陀区财政局 2024 决算: a run-in item, then its 支出决算
    fs = _facts("在职人员基本医疗保险费。年初预算为62.29万元，支出决算为60.99万元。")
    assert [(f.subject, f.measure, f.value) for f in fs] == [
        ("在职人员基本医疗保险费", "年初预算", 62.29), ("在职人员基本医疗保险费", "决算", 60.99)]
