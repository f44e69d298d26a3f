"""The two real scanned reports (image-only PDFs) through OCR and the whole pipeline, with the
real embedding model: metadata read from what the scan says, headings, prose figures read off
the page images by hand, and questions answered with citations to the right page.

北京: 8 pages of a 2026 budget's 情况说明 (prose with figures, two pie charts).
江门 folder: the file is named 退役军人事务局_2026年部门预算 but is a 2024 provincial policy document
(广东省退役军人事务厅等5部门…的意见) with red letterheads and seals: metadata must say so."""
from __future__ import annotations

import re

import pytest

from conftest import MODEL, ROOT, realdata
from index.ingest.report import ingest_file
from index.read.ocr import PageOcr

pytestmark = pytest.mark.slow

BEIJING = "renwu-2026-dept-budgets-guangdong/002_北京/政务服务和数据管理局_附件1：北京市政务服务和数据管理局2026年度部门预算情况说明.pdf"
JIANGMEN = "renwu-2026-dept-budgets-guangdong/080_江门/退役军人事务局_2026年部门预算.pdf"

# (page, value, unit, words of the subject) — read off the rendered page images
BEIJING_FIGURES = [
    (5, 101673.03, "万元", "收入"),            # 2026年度收入预算101,673.03万元
    (5, 2669.85, "万元", ""),                  # 增加2,669.85万元
    (5, 2.7, "%", ""),                         # 增长2.7%
    (6, 38197.01, "万元", "基本支出"),         # 基本支出预算38,197.01万元
    (6, 37.59, "%", "基本支出"),               # 占本年支出预算37.59%
    (6, 63408.16, "万元", "项目支出"),         # 项目支出预算63,408.16万元
    (6, 62.41, "%", "项目支出"),
    (7, 67.86, "万元", "结转结余"),            # 年终结转结余资金67.86万元
    (7, 80.11, "万元", "三公"),                # “三公”经费预算80.11万元
    (7, 8.35, "万元", ""),                     # 减少8.35万元
    (7, 9.44, "%", ""),                        # 下降9.44%
    (7, 12.53, "万元", "公务用车购置"),
    (7, 9.03, "万元", "公务用车运行维护"),
    (7, 55307.45, "万元", "政府采购"),         # 政府采购预算总额55,307.45万元
    (7, 1168.3, "万元", "政府采购货物"),
    (7, 105.2, "万元", "政府采购工程"),
    (7, 54033.95, "万元", "政府采购服务"),
    (7, 760.36, "万元", "机关运行经费"),
    (7, 51.3, "万元", "因公出国（境）费用"),  # （一）因公出国（境）费用。2026年预算数51.3万元 (a run-in heading)
    (7, 7.25, "万元", "公务接待费"),          # （二）公务接待费。2026年预算数7.25万元
    (7, 21.56, "万元", "公务用车购置和运行维护费"),
    (5, 4950.85, "万元", "上年结转结余"),      # （三）上年结转结余4,950.85万元 (a heading line)
]
BEIJING_HEADINGS = [
    (3, "第一部分2026年度部门预算情况说明"), (3, "一、部门情况说明"), (3, "（一）本部门职责情况"),
    (4, "（二）机构设置情况"), (5, "二、收入预算情况说明"), (6, "三、支出预算情况说明"),
    (7, "四、财政拨款“三公”经费预算情况说明"), (7, "五、其他情况说明"), (7, "（一）政府采购预算说明"),
    (7, "（二）机关运行经费说明"), (8, "六、名词解释"),
]
JIANGMEN_HEADINGS = [(2, "一、指导思想"), (2, "二、工作目标"), (2, "三、主要任务"), (5, "四、保障措施")]
# (page, text as printed) — read off the page images
JIANGMEN_TEXT = [
    (1, "粤退役军人规"), (1, "广东省退役军人事务厅等5部门关于进一步"), (2, "（退役军人部发〔2022〕3号）"),
    (4, "补助比例为100%"), (4, "补助比例不低于50%"), (4, "补助比例不低于30%"), (4, "优惠幅度不低于20%"),
    (7, "本意见自印发之日起30日后实施，有效期5年"), (8, "2024年1月18日印发"),
]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "").replace("(", "（").replace(")", "）")


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    if not (MODEL / "modules.json").exists() and not (MODEL / "config.json").exists():
        pytest.skip(f"embedding model not at {MODEL}")
    paths = {"bj": realdata(BEIJING), "jm": realdata(JIANGMEN)}
    from index.search.embed import SentenceTransformerEmbedder
    from index.search.fact_index import FactIndex
    from index.search.retrieval import SearchIndex
    from index.store.sqlite import SqliteStore
    from qa.router import Engine
    emb = SentenceTransformerEmbedder(MODEL)
    store = SqliteStore(tmp_path_factory.mktemp("scans") / "store", model_name=emb.name, dim=emb.dim)
    ocr = PageOcr(mode="auto", dpi=200, cache_path=ROOT / ".cache" / "ocr.sqlite")   # shared per-page cache
    results = {k: ingest_file(store, emb, p, ocr=ocr) for k, p in paths.items()}
    engine = Engine(search=SearchIndex.load(store, ann_threshold=50_000), facts=FactIndex.load(store), embedder=emb)
    yield store, engine, results
    store.close()


def test_beijing_metadata_from_the_scan(scans):
    store, _, res = scans
    r = store.get_report(res["bj"].doc_id)
    assert (r.department, r.place, r.year, r.report_type, r.pages) == \
        ("北京市政务服务和数据管理局", "北京市", 2026, "部门预算", 8)
    assert res["bj"].sections >= 20 and res["bj"].chunks >= 10


def test_jiangmen_file_is_a_provincial_policy_document(scans):
    store, _, res = scans
    r = store.get_report(res["jm"].doc_id)
    assert r.report_type == "政策文件" and r.year == 2024, r            # not the file name's 2026 部门预算
    assert r.department == "广东省退役军人事务厅" and r.place == "广东省" and r.city != "江门", r
    assert r.title == "广东省退役军人事务厅等5部门关于进一步推进优抚对象医疗保障工作的意见"


def test_headings(scans):
    store, _, res = scans
    for key, expected in (("bj", BEIJING_HEADINGS), ("jm", JIANGMEN_HEADINGS)):
        got = {(s["page_start"], squash(s["title"])) for s in store.sections(res[key].doc_id)}
        for page, title in expected:
            assert (page, squash(title)) in got, (key, page, title, sorted(got))


def test_beijing_prose_figures_read_from_the_images(scans):
    store, _, res = scans
    facts = store.facts(doc_id=res["bj"].doc_id)
    assert all(f.origin == "ocr" and f.confidence is not None for f in facts)
    found = 0
    for page, value, unit, words in BEIJING_FIGURES:
        hits = [f for f in facts if f.page == page and abs(f.value - value) < 1e-6 and f.unit == unit
                and words in (f.subject + f.text)]
        assert hits, (page, value, unit, words, [(f.page, f.subject, f.value) for f in facts])
        found += 1
    assert found >= 10


def test_jiangmen_text_read_from_the_images(scans):
    store, _, res = scans
    for page, text in JIANGMEN_TEXT:
        assert squash(text) in squash(store.page_text(res["jm"].doc_id, page)), (page, text)
    facts = store.facts(doc_id=res["jm"].doc_id)
    assert any(f.page == 4 and f.value == 100 and f.unit == "%" for f in facts)
    # the seals and the letterhead did not leave junk lines with rotated text
    last = store.page_text(res["jm"].doc_id, 8)
    assert "广东省退役军人事务厅办公室" in squash(last)


@pytest.mark.parametrize("question,value,unit,page", [
    ("北京市政务服务和数据管理局2026年基本支出预算是多少？", 38197.01, "万元", 6),
    ("北京市政务服务和数据管理局2026年机关运行经费是多少", 760.36, "万元", 7),
    ("北京市政务服务和数据管理局2026年项目支出预算是多少", 63408.16, "万元", 6),
    ("北京市政务服务和数据管理局2026年“三公”经费预算", 80.11, "万元", 7),
    ("北京市政务服务和数据管理局2026年公务接待费预算是多少", 7.25, "万元", 7),
])
def test_questions_about_the_beijing_scan(scans, question, value, unit, page):
    _, engine, res = scans
    ans = engine.ask(question)
    assert ans.value == pytest.approx(value) and ans.unit == unit, ans.answer
    assert ans.citations and ans.citations[0].doc_id == res["bj"].doc_id and ans.citations[0].page == page, ans.citations
    assert "识别自扫描件" in ans.answer and "置信度" in ans.answer, ans.answer


@pytest.mark.parametrize("question,page,words", [
    ("广东优抚对象医疗保障：一至六级残疾退役军人个人自付费用补助比例是多少？", 4, "100%"),
    # the paragraph "（三）做好经费保障…" starts on page 6 and runs onto page 7: cited at its start
    ("优抚医疗保障经费主要用于哪些方面？", 6, "优抚医疗保障经费主要用于"),
])
def test_questions_about_the_policy_scan(scans, question, page, words):
    _, engine, res = scans
    ans = engine.ask(question)
    assert ans.kind != "none", ans.answer
    cited = [c for c in ans.citations if c.doc_id == res["jm"].doc_id]
    assert cited and cited[0].page == page, (ans.answer, ans.citations)
    assert squash(words) in squash(ans.answer + cited[0].text), ans.answer
