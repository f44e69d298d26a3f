"""Core records: one frozen dataclass per concept. Everything downstream of parsing
passes these around; nothing here does I/O."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Report:
    """One ingested document and the metadata read from it (or given by the user)."""
    doc_id: str            # stable id: sha1 of the file bytes, first 16 hex chars
    title: str             # e.g. "汕尾市政务服务数据管理局2021年部门决算"
    city: str | None       # short name: "汕尾", "广州", "上海" (no 市)
    year: int | None       # report / fiscal year (a 2021 决算 published in 2022 is 2021)
    department: str | None # "汕尾市政务服务数据管理局"
    report_type: str | None  # 部门决算 / 部门预算 / 部门整体支出绩效自评报告 / ...
    source_path: str       # original file name (never used as a path for writing)
    pages: int
    sha1: str
    # Where the report belongs in China's administrative hierarchy (index/names/places.py).
    place_code: str | None = None   # 6-digit adcode of the issuing place: 440300, 310107, 430000
    place: str | None = None        # its display path: "广东省深圳市", "上海市普陀区", "湖南省"
    province: str | None = None     # short: "广东", "上海", "湖南"
    district: str | None = None     # short district / county name: "普陀"; None above that level
    org_level: str | None = None    # "本级" | "部门" when the report states it
    # How the identity was decided: one line per field ("地点：标题“济南市2024年政府工作报告”"), and
    # the fields whose evidence was weak or conflicting ("place", "organization", "year", "type"),
    # shown as 不确定 until the user confirms or corrects them.
    evidence: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()

    @property
    def organization(self) -> str | None:
        """The issuing organization's full name (stored as `department`)."""
        return self.department

    def identity(self) -> str:
        """What the report is: organization, place, year, type (and level). Two files with the
        same identity are versions of one report; anything else is another report."""
        org = (self.department or "").replace(" ", "")
        return "|".join((org or f"?{self.source_path}", self.place_code or self.city or "",
                         str(self.year or ""), self.report_type or "", self.org_level or ""))


@dataclass(frozen=True)
class Line:
    """A cleaned line of a page (after page-number/header removal and joining)."""
    page: int
    text: str


@dataclass(frozen=True)
class Table:
    """A table as found in the document.

    `cells` is the grid when the source gave one (pdfplumber); for text dumps it is
    None and `lines` holds the raw table lines in order. `lines` is always filled
    (for PDF tables: cells joined by a tab, one row a line) and is what gets shown
    and embedded.
    """
    page: int
    page_end: int
    title: str                 # "表1 收入支出决算总表", or the nearest heading
    unit: str | None           # "万元" from "单位：万元" / header "(万元)"
    lines: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...] | None = None
    section_path: str = ""


@dataclass(frozen=True)
class Heading:
    level: int       # 1 = 第一部分, 2 = 一、, 3 = （一）, 4 = 1. / 1、, 5 = （1）, 6 = ①; 0 = document title
    label: str       # "一、", "（一）", "表1", "" for title-like headings
    title: str       # full heading text, e.g. "一、部门基本情况"
    page: int


@dataclass(frozen=True)
class Paragraph:
    text: str
    page: int
    page_end: int
    heading: str = ""        # the heading right above it ("（二）公务接待费。": a run-in item named on its own line)


@dataclass(frozen=True)
class Section:
    section_id: int          # order in the document, 0-based
    path: str                # "一、部门基本情况 > （六）部门整体收支情况"
    title: str
    level: int
    page_start: int
    page_end: int
    text: str                # paragraphs of this section (not its children), tables rendered


@dataclass(frozen=True)
class Chunk:
    chunk_id: str            # f"{doc_id}:{n}"
    doc_id: str
    section_path: str
    page_start: int
    page_end: int
    text: str                # the passage as shown to users
    kind: str = "text"       # "text" | "table"

    def embed_text(self) -> str:
        """What gets embedded / indexed: the section path prefixed to the passage."""
        return f"{self.section_path}\n{self.text}".strip() if self.section_path else self.text


@dataclass(frozen=True)
class Fact:
    """One figure read from a table cell or a sentence."""
    subject: str             # normalised row label / prose subject: "一般公共预算财政拨款收入"
    subject_raw: str         # as written: "一、一般公共预算财政拨款收入"
    measure: str             # column or verb phrase: 决算数, 年初预算数, 完成率, 铺设 ...
    value: float
    unit: str                # 万元, 元, %, 台, 项, 个, 件, 人次 ... ("" if none)
    page: int
    text: str                # the source row (cells joined by a space/tab) or sentence
    source: str              # "table" | "prose"
    table: str = ""          # table title or section path it came from
    section_path: str = ""
    approx: bool = False     # "1.3 万多条", "480 多项", "约"
    qualifier: str = ""      # "多", "余", "约", "以上" ...
    doc_id: str = ""         # filled at ingest
    fact_id: int | None = None
    period_year: int | None = None   # the year the figure describes (2025 for a 2026 budget's 上年预算数)
    period_end: int | None = None    # last year of a range (十四五: 2021..2025)
    period_kind: str = ""            # actual | budget | target | average | cumulative | change | ""
    origin: str = ""                 # "ocr" when read from a scanned page's image, "" for a text layer
    confidence: float | None = None  # the recogniser's confidence for an OCR figure (0..1)


@dataclass(frozen=True)
class Check:
    """Result of a consistency check run at ingest."""
    doc_id: str
    kind: str                # "sum" | "rate" | "table_vs_prose"
    status: str              # "ok" | "conflict"
    message: str             # human-readable, Chinese
    page: int
    fact_ids: tuple[int, ...] = field(default_factory=tuple)
    expected: float | None = None
    actual: float | None = None


@dataclass(frozen=True)
class OcrLine:
    """A line read by OCR from a scanned page: its text, box (PDF points, top-left origin) and
    the recogniser's lowest box confidence on it."""
    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float


@dataclass(frozen=True)
class ParsedDocument:
    """What parsing a file yields: everything needed to store a report."""
    pages: int
    lines: tuple[Line, ...]
    headings: tuple[Heading, ...]
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    sections: tuple[Section, ...]
    chunks: tuple[Chunk, ...]   # doc_id / chunk_id left empty; filled at ingest
    warnings: tuple[str, ...] = ()
    ocr_lines: tuple[OcrLine, ...] = ()   # lines of the pages read by OCR (scans), for citations


@dataclass(frozen=True)
class Statement:
    """One achievement or target a report states in prose: a figure (增长5.5%), a rank claim
    (居全国第5位), a coverage claim (全覆盖) or a first (全国首个). Place and organization are its
    report's; the period is what the sentence says (index/extract/periods.py)."""
    claim: str               # figure | rank | coverage | first
    metric: str              # canonical (index/extract/metrics.py) or the subject as written
    text: str                # the shortest span carrying it: "地区生产总值增长5.5%"
    sentence: str            # the whole sentence, as cited
    page: int
    section_path: str = ""
    topic: str = ""
    value: float | None = None
    unit: str = ""
    value_std: float | None = None   # on the ranking scale of its kind (亿元, 万吨 …)
    unit_std: str = ""
    start: float | None = None       # "从2.77%提高到3.3%": 2.77
    rank: str = ""                   # as written: 全国第5位, 居全国首位, 全国前列
    rank_no: int | None = None       # 5 for 全国第5位, 1 for 首位; None for 前列
    period_year: int | None = None
    period_end: int | None = None
    period_kind: str = ""            # actual | target | average | cumulative | change | budget | ""
    approx: bool = False             # 左右 / 约 / 以上 / 多
    bound: str = ""                  # target bounds: "min" (以上/不低于), "max" (以内/控制在), "" (左右, exact)
    doc_id: str = ""
    statement_id: int | None = None


@dataclass(frozen=True)
class ReportVersion:
    """A report replaced by a newer version of it: its metadata, kept with its original bytes
    (`Store.version`), listed, and restorable (`index.ingest.restore`)."""
    version_id: int
    doc_id: str              # the replaced report's doc_id (its bytes' sha1, first 16 hex chars)
    identity: str | None
    title: str
    department: str | None
    place: str | None
    city: str | None
    year: int | None
    report_type: str | None
    source_name: str
    sha1: str
    file_ext: str
    pages: int
    ingested_at: float
    replaced_by: str         # the doc_id of the report that replaced it
    replaced_at: float
    has_file: bool = True    # its original bytes are kept (a report stored without them: metadata only)
    current: str | None = None   # the stored report that holds its identity now (None: that one was deleted)
