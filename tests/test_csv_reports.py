"""Report CSVs (one report per row): the 31 real provincial 政府工作报告 exports, the two
non-report CSVs of that crawl, and generated edge cases (GB18030, unknown headers, blank and
empty-text rows, huge fields, garbage bytes)."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from conftest import realdata
from index.read.csv_reports import (
    MIN_TEXT_CHARS, NotReportCsv, clean_report_text, looks_like_csv_reports, read_csv_reports,
    scan_csv_reports,
)
from index.errors import EmptyDocument, IngestError, TooLarge, UnsupportedFile
from index.read.parse import parse_text

PROVINCIAL = "gov-work-reports-2026-provincial"
CHROME = ("【字号", "【字体", "来源：", "时间：20", "相关报道", "扫一扫", "打印本页", "关闭窗口", "您的位置",
          "当前位置", "责任编辑", "点击图片进入专题", "阅读量")


def _report_csvs() -> list[Path]:
    return sorted(realdata(PROVINCIAL).glob("2026_*.csv"))


def _one(province: str):
    path = realdata(PROVINCIAL) / f"2026_{province}_政府工作报告.csv"
    if not path.exists():
        pytest.skip(f"{path} not available")
    reports = read_csv_reports(path.read_bytes(), path.name)
    assert len(reports) == 1
    return path, reports[0]


def _raw_text(path: Path) -> str:
    import csv
    import io
    import sys
    csv.field_size_limit(sys.maxsize)
    return next(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))["full_text"]


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ------------------------------------------------------------------ the real provincial exports

def test_all_provincial_csvs_read():
    paths = _report_csvs()
    assert len(paths) == 31
    reports = []
    for path in paths:
        assert looks_like_csv_reports(path.read_bytes()), path.name
        got = read_csv_reports(path.read_bytes(), path.name)
        province = path.name.split("_")[1]
        for r in got:
            assert r.row == 1
            assert len(r.text) >= 5000, (path.name, len(r.text))
            assert r.place == province
            assert r.year == 2026
            assert r.title and "政府工作报告" in r.title
            assert r.published and re.match(r"2026-\d\d-\d\d$", r.published)
            assert r.source_url and r.source_url.startswith("http")
            assert "【字号" not in r.text and "【字体" not in r.text, path.name
            for line in r.text.split("\n"):
                assert not line.startswith(CHROME), (path.name, line)
            first = r.text.split("\n", 1)[0]
            assert first == r.title or first.endswith("政府工作报告") or first.startswith("各位代表"), \
                (path.name, first)
            assert "\n各位代表：" in r.text or "\n各位代表:" in r.text, path.name
            assert "\n\n" not in r.text
        reports += got
    assert len(reports) >= 31
    assert len({r.name for r in reports}) == len(reports)   # display names tell them apart


def test_hunan_head_chrome_removed_and_speaker_kept():
    path, r = _one("湖南省")
    lines = r.text.split("\n")
    assert lines[:4] == ["2026年湖南省政府工作报告", "——2026年2月3日在湖南省第十四届人民代表大会第四次会议上",
                         "毛伟明", "各位代表："]
    assert "湖南日报" not in "\n".join(lines[:4])
    assert "全媒体记者" not in r.text            # the photo caption
    assert r.name == "2026年湖南省政府工作报告"
    assert r.source_url and "fjlib" in r.source_url


def test_report_body_is_kept_whole():
    """Everything from the 各位代表 address to the closing chrome survives (joins only)."""
    for province, closing in (("湖南省", "相关报道："), ("四川省", "责任编辑："), ("云南省", "》》点击图片进入专题《《"),
                              ("宁夏回族自治区", "扫一扫在手机打开当前页"), ("青海省", "（来源：青海日报）")):
        path, r = _one(province)
        raw = _raw_text(path)
        body = raw[raw.index("各位代表："):raw.index(closing)]
        assert _squash(body) in _squash(r.text), province
        assert r.text.rstrip().endswith(body.strip().split("\n")[-1].strip()), province


def test_sichuan_tail_and_glossary():
    _, r = _one("四川省")
    assert r.text.split("\n")[-1].startswith("20.“一件事”全链条专项整治")     # 名词解释 kept
    assert "相关链接" not in r.text and "abcd39f1fb7f426d9dfb6bd0fa1f2146" not in r.text
    assert r.text.count("各位代表：现在，我代表省人民政府") == 0             # the page's trailing teaser
    assert "带技术揭榜；" in r.text                                          # inline split repaired


def test_yunnan_breadcrumb_and_shaanxi_duplicates():
    _, yn = _one("云南省")
    assert yn.text.split("\n")[:3] == ["2026年政府工作报告",
                                       "——2026年1月28日在云南省第十四届人民代表大会第四次会议上", "省长\u3000王予波"]
    assert "云南要闻" not in yn.text and "首页" not in yn.text
    assert yn.name == "云南省2026年政府工作报告"          # the place is added when the title lacks it
    _, sx = _one("陕西省")
    head = sx.text.split("各位代表：")[0]
    assert head.count("陕西省2026年政府工作报告") == 1
    assert "政府信息公开" not in head and "省长赵刚作政府工作报告" not in head


def test_inline_fragments_joined():
    _, gd = _one("广东省")
    assert "以PM2.5浓度持续下降为主线" in gd.text
    _, yn = _one("云南省")
    assert "\n（三）改革开放持续深化、互促共进。" in yn.text


def test_parse_text_finds_the_report_structure(capsys):
    _, r = _one("湖南省")
    doc = parse_text(r.text)
    titles = [h.title for h in doc.headings]
    with capsys.disabled():
        print("\n湖南 headings:", " | ".join(titles))
    assert any("2025年" in t and "回顾" in t for t in titles)
    assert any("2026年" in t for t in titles)
    assert any("十五五" in t for t in titles)
    _, sh = _one("上海市")
    sh_titles = [h.title for h in parse_text(sh.text).headings]
    with capsys.disabled():
        print("上海 headings:", " | ".join(sh_titles))
    assert "一、2025年工作回顾" in sh_titles and "三、2026年主要任务" in sh_titles


# ------------------------------------------------------------------ CSVs that are not reports

@pytest.mark.parametrize("name", ["failures_2026.csv", "run_manifest_2026.csv"])
def test_crawl_side_files_refused(name):
    path = realdata(PROVINCIAL) / name
    data = path.read_bytes()
    assert not looks_like_csv_reports(data)
    with pytest.raises(NotReportCsv) as exc:
        read_csv_reports(data, name)
    msg = str(exc.value)
    assert isinstance(exc.value, UnsupportedFile) and exc.value.code == "not_a_report"
    assert "没有报告正文列" in msg and "not a report CSV" in msg and name in msg
    assert "province" in msg                     # the columns found are named


def test_figures_table_refused():
    data = "地区,年份,生产总值（亿元）,增速\n湖南,2025,55300,4.8\n四川,2025,67665,5.5\n".encode("utf-8")
    with pytest.raises(NotReportCsv, match="没有报告正文列"):
        read_csv_reports(data, "gdp.csv")


@pytest.mark.parametrize("data", [
    random.Random(0).randbytes(6000),
    b"\x00\x01\x02binary\x00" * 200,
    b"%PDF-1.7\n" + random.Random(1).randbytes(3000),
    b"PK\x03\x04" + random.Random(2).randbytes(3000),
])
def test_garbage_bytes_refused(data):
    assert not looks_like_csv_reports(data)
    with pytest.raises(IngestError) as exc:
        read_csv_reports(data, "garbage.csv")
    assert isinstance(exc.value, (UnsupportedFile, EmptyDocument))
    assert "garbage.csv" in str(exc.value)


def test_empty_file_refused():
    with pytest.raises(EmptyDocument):
        read_csv_reports(b"\xef\xbb\xbf\r\n\r\n", "empty.csv")


# ------------------------------------------------------------------ generated CSVs

REPORT_A = ("下载\n打印\n【字号：\n加大\n还原\n减小\n】\n2025年某市政府工作报告\n来源：某市日报\n时间：2025-01-20\n"
            "各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、2024年工作回顾\n"
            + "全市地区生产总值增长5.2%，一般公共预算收入增长3.1%，城镇新增就业8.6万人。" * 8
            + "\n二、2025年工作安排\n地区生产总值增长5%左右。\n相关报道：")
REPORT_B = "各位代表：\n" + "过去一年，我们坚持稳中求进工作总基调，全市经济运行总体平稳。" * 12


def _csv(rows: list[list[str]], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    import csv
    import io
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding)


def test_gb18030_unknown_headers_takes_longest_column():
    data = _csv([["编号", "备注", "材料"], ["1", "某市", REPORT_A], ["2", "某县", REPORT_B]], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert looks_like_csv_reports(data)
    scan = scan_csv_reports(data, "dump_2025.csv")
    assert scan.columns.text == 2 and scan.columns.header == ("编号", "备注", "材料")
    assert scan.columns.title is None and scan.columns.place is None
    a, b = scan.reports
    assert (a.row, b.row) == (1, 2)
    assert (a.name, b.name) == ("dump_2025#1", "dump_2025#2")
    assert a.title is None and a.year is None
    assert a.text.split("\n")[:2] == ["2025年某市政府工作报告", "各位代表："]
    assert "来源" not in a.text and "【字号" not in a.text and "相关报道" not in a.text
    assert a.text.endswith("地区生产总值增长5%左右。")
    assert b.text.startswith("各位代表：\n过去一年")


def test_headerless_csv():
    data = _csv([[REPORT_B, "湖南"], [REPORT_A, "四川"]])
    scan = scan_csv_reports(data, "noheader.csv")
    assert scan.columns.header is None and scan.columns.text == 0
    assert [r.row for r in scan.reports] == [1, 2]


def test_header_variants_english_and_chinese():
    en = _csv([["City", "Year", "Title", "Content", "Date", "URL"],
               ["Guangzhou", "2025", "2025年广州市政府工作报告", REPORT_B, "2025-01-20", "https://example.org/a"]])
    r = read_csv_reports(en, "en.csv")[0]
    assert (r.place, r.year, r.title, r.published, r.source_url) == (
        "Guangzhou", 2025, "2025年广州市政府工作报告", "2025-01-20", "https://example.org/a")
    assert r.name == "Guangzhou2025年广州市政府工作报告"
    zh = _csv([["地区", "年份", "标题", "正文", "发布日期", "链接"],
               ["湖南省", "2026年", "2026年湖南省政府工作报告", REPORT_B, "2026-02-24", "https://example.org/b"]],
              bom=True)
    r = read_csv_reports(zh, "zh.csv")[0]
    assert (r.place, r.year, r.title, r.source_url) == ("湖南省", 2026, "2026年湖南省政府工作报告",
                                                        "https://example.org/b")
    assert r.name == "2026年湖南省政府工作报告"
    tab = "province\tyear\tfull_text\n湖北省\t2026\t" + REPORT_B.replace("\n", " ") + "\n"
    r = read_csv_reports(tab.encode("utf-8"), "tab.csv")[0]
    assert r.place == "湖北省" and r.year == 2026 and r.name == "tab#1"


def test_empty_text_row_skipped_and_reported():
    data = _csv([["province", "year", "title", "full_text"],
                 ["湖南省", "2026", "A", REPORT_B],
                 ["湖北省", "2026", "B", ""],
                 [],
                 ["", "", "", ""],
                 ["江西省", "2026", "C", "下载\n打印\n收藏\n" + REPORT_B]])
    scan = scan_csv_reports(data, "mixed.csv")
    assert [(r.row, r.title) for r in scan.reports] == [(1, "A"), (5, "C")]
    assert scan.textless_rows == (2,)
    assert scan.empty_rows == 2
    assert any("第 2 行正文为空" in w for w in scan.warnings)
    assert any("跳过 2 个空行" in w for w in scan.warnings)
    assert scan.reports[1].text.startswith("各位代表")          # a chrome-only head is dropped
    assert [r.row for r in read_csv_reports(data, "mixed.csv")] == [1, 5]


def test_all_rows_empty_text():
    data = _csv([["province", "full_text"], ["湖南省", ""], ["湖北省", "   "]])
    with pytest.raises(EmptyDocument, match="没有正文不为空的报告"):
        read_csv_reports(data, "blank.csv")


def test_huge_field():
    huge = "各位代表：\n" + "\n".join(f"第{i}段：全市地区生产总值增长5%，城镇新增就业8万人。" for i in range(12000))
    assert len(huge) > 300_000
    data = _csv([["title", "text"], ["大报告", huge]])
    r = read_csv_reports(data, "huge.csv")[0]
    assert r.text == huge


def test_max_rows():
    rows = [["title", "text"]] + [[f"R{i}", REPORT_B] for i in range(5)]
    with pytest.raises(TooLarge, match="3"):
        read_csv_reports(_csv(rows), "many.csv", max_rows=3)
    assert len(read_csv_reports(_csv(rows), "many.csv", max_rows=5)) == 5


def test_min_text_threshold():
    short = "各位代表：" + "很短。" * 10
    assert len(short) < MIN_TEXT_CHARS
    with pytest.raises(NotReportCsv, match="最长的值只有"):
        read_csv_reports(_csv([["title", "text"], ["t", short]]), "short.csv")


# ------------------------------------------------------------------ the chrome stripper itself

def test_clean_report_text_patterns():
    raw = ("当前位置：\n首页\n>\n政务信息\n>\n要闻\n2026年某省政府工作报告\n发表时间：\n2026-02-09 09:45:30\n来源：\n"
           "某省日报客户端\n阅读量：\n【字体：\n小\n中\n大\n】\n政府工作报告\n——2026年2月3日在某省人民代表大会上\n"
           "省长 某某\n省长某某作政府工作报告。本报记者 某某 摄\n各位代表：\n一、2025年工作回顾\n"
           "全省地区生产总值增长5.3%。\n来源：统计公报显示，全省粮食产量再创新高。\n"
           "扫一扫在手机打开当前页\n【\n打印本页\n】\n【\n关闭窗口\n】")
    text = clean_report_text(raw)
    assert text.split("\n") == [
        "2026年某省政府工作报告", "政府工作报告", "——2026年2月3日在某省人民代表大会上", "省长 某某", "各位代表：",
        "一、2025年工作回顾", "全省地区生产总值增长5.3%。", "来源：统计公报显示，全省粮食产量再创新高。"]
    assert clean_report_text(text) == text                   # idempotent


def test_clean_keeps_long_tails():
    """A tail marker followed by much text is not chrome: nothing is cut."""
    body = "各位代表：\n" + "正文。" * 50 + "\n相关报道：\n" + "这一段是报告正文的延续内容。" * 300
    assert clean_report_text(body).endswith("这一段是报告正文的延续内容。")


def test_clean_without_address_is_stricter():
    """No "各位代表" address (not a speech): dates and repeated lines in the first lines are content."""
    raw = "下载\n打印\n汕头市2024年部门决算\n2025年9月30日\n0.00\n0.00\n来源：汕头市财政局\n一、部门基本情况\n正文。"
    assert clean_report_text(raw).split("\n") == [
        "汕头市2024年部门决算", "2025年9月30日", "0.00", "0.00", "一、部门基本情况", "正文。"]
