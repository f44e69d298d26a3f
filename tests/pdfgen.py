"""Fixture PDFs for the parser tests, generated with reportlab (CID font STSong-Light).

Every function writes one file into `folder` and returns its path; nothing is committed.
"""
from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
W, H = A4

PARA = ("本部门认真贯彻落实各项决策部署，扎实推进政务服务标准化、规范化、便利化建设，"
        "全年共办理政务服务事项一千二百件，群众满意度持续提升。")


def _footer(c: canvas.Canvas, n: int) -> None:
    c.setFont(FONT, 10)
    c.drawCentredString(W / 2, 30, f"- {n} -")


def _lines(c: canvas.Canvas, y: float, text: str, per_line: int = 34, size: int = 12) -> float:
    c.setFont(FONT, size)
    for k in range(0, len(text), per_line):
        c.drawString(60, y, text[k:k + per_line])
        y -= size * 1.6
    return y


def report_pdf(folder: Path) -> Path:
    """3 pages: headings, paragraphs running over pages 1-2, page numbers in the footer,
    and a ruled table (GRID) on page 3 titled "表1 收入支出总表" with unit 万元."""
    path = folder / "report.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 16)
    c.drawString(60, H - 70, "第一部分 测试市政务服务数据管理局概况")
    c.setFont(FONT, 14)
    c.drawString(60, H - 100, "一、部门主要职责")
    y = _lines(c, H - 130, PARA * 6)
    c.setFont(FONT, 14)
    c.drawString(60, y - 10, "二、部门机构设置")
    y = _lines(c, y - 40, PARA * 5)
    _footer(c, 1)
    c.showPage()
    y = _lines(c, H - 70, PARA * 4)
    c.setFont(FONT, 14)
    c.drawString(60, y - 10, "（一）公务接待费支出情况")
    _lines(c, y - 40, "公务接待费支出1.13万元，主要用于接待省局调研。" * 2)
    _footer(c, 2)
    c.showPage()
    c.setFont(FONT, 16)
    c.drawString(60, H - 70, "第二部分 2021年部门决算表")
    c.setFont(FONT, 14)
    c.drawString(60, H - 100, "表1 收入支出总表")
    c.setFont(FONT, 10)
    c.drawString(60, H - 120, "单位：万元")
    data = [["项目", "决算数", "项目", "决算数"],
            ["一般公共预算财政拨款收入", "20,864.64", "一般公共服务支出", "17,007.34"],
            ["事业收入", "0.00", "科学技术支出", "3,610.14"],
            ["本年收入合计", "20,864.64", "本年支出合计", "20,864.64"]]
    t = Table(data, colWidths=[150, 80, 150, 80])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 10),
                           ("GRID", (0, 0), (-1, -1), 0.8, colors.black)]))
    tw, th = t.wrapOn(c, W, H)
    t.drawOn(c, 60, H - 140 - th)
    _footer(c, 3)
    c.showPage()
    c.save()
    return path


def image_only_pdf(folder: Path) -> Path:
    """A 'scan': shapes and an inline image, no text."""
    from reportlab.lib.utils import ImageReader
    path = folder / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(50, 50, 300, 300, fill=1)
    png = _png_bytes()
    c.drawImage(ImageReader(io.BytesIO(png)), 100, 400, 100, 100)
    c.showPage()
    c.save()
    return path


def blank_pdf(folder: Path) -> Path:
    path = folder / "blank.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.showPage()
    c.save()
    return path


def zero_page_pdf(folder: Path) -> Path:
    from pypdf import PdfWriter
    path = folder / "zero.pdf"
    with open(path, "wb") as fh:
        PdfWriter().write(fh)
    return path


def encrypted_pdf(folder: Path) -> Path:
    from pypdf import PdfReader, PdfWriter
    src = report_pdf(folder)
    w = PdfWriter()
    for p in PdfReader(src).pages:
        w.add_page(p)
    w.encrypt(user_password="secret", owner_password="owner")
    path = folder / "encrypted.pdf"
    with open(path, "wb") as fh:
        w.write(fh)
    return path


def truncated_pdf(folder: Path) -> Path:
    data = report_pdf(folder).read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def corrupt_pdf(folder: Path) -> Path:
    path = folder / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF")
    return path


def _png_bytes() -> bytes:
    import struct
    import zlib
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * 8 for _ in range(8))
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_named_pdf(folder: Path) -> Path:
    path = folder / "picture.pdf"
    path.write_bytes(_png_bytes())
    return path


def gb18030_text(folder: Path) -> Path:
    path = folder / "gbk.txt"
    path.write_bytes("一、部门基本情况\n\n本部门公务接待费支出1.13万元。\n".encode("gb18030"))
    return path


def binary_txt(folder: Path) -> Path:
    path = folder / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 8)
    return path


def docx_file(folder: Path) -> Path:
    path = folder / "report.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    return path


# ---- scans: pages drawn with reportlab, rasterised, saved as image-only PDFs -------------
SCAN_ROWS = [  # label, 年初预算数, 决算数 ("" = an empty cell)
    ("一般公共预算财政拨款收入", "20,864.64", "20,410.08"),
    ("政府性基金预算财政拨款收入", "", "0.00"),
    ("事业收入", "1,205.30", ""),
    ("经营收入", "0.00", "36.75"),
    ("其他收入", "318.20", "402.16"),
    ("本年收入合计", "22,388.14", "20,848.99"),
]
SCAN_HEADER = ("项目", "年初预算数", "决算数")


def rasterize(src: Path, out: Path, dpi: int = 200) -> Path:
    """Every page of `src` rendered at `dpi` into an image-only PDF (no text layer): a scan."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(src))
    try:
        imgs = [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    finally:
        pdf.close()
    imgs[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=imgs[1:])
    return out


def scan_table_pdf(folder: Path, dpi: int = 200) -> Path:
    """A scanned 2-page report: page 1 a heading, a sentence with figures and a ruled table
    (表1, 单位：万元, empty cells); page 2 the same figures in an unruled table."""
    src = folder / "scan_src.pdf"
    c = canvas.Canvas(str(src), pagesize=A4)
    c.setFont(FONT, 16)
    c.drawString(60, H - 70, "测试市政务服务数据管理局2021年部门决算")
    c.setFont(FONT, 14)
    c.drawString(60, H - 105, "一、收入决算情况说明")
    _lines(c, H - 135, "2021年度收入决算20,848.99万元，比年初预算减少1,539.15万元，下降6.87%。")
    c.setFont(FONT, 14)
    c.drawString(60, H - 200, "表1 收入决算表")
    c.setFont(FONT, 10)
    c.drawString(60, H - 220, "单位：万元")
    for k, grid in enumerate((True, False)):
        if k == 1:
            _footer(c, 1)
            c.showPage()
            c.setFont(FONT, 14)
            c.drawString(60, H - 70, "表2 收入决算明细表")
            c.setFont(FONT, 10)
            c.drawString(60, H - 90, "单位：万元")
        t = Table([list(SCAN_HEADER)] + [list(r) for r in SCAN_ROWS], colWidths=[200, 110, 110])
        style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 11),
                 ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
        if grid:
            style.append(("GRID", (0, 0), (-1, -1), 0.8, colors.black))
        t.setStyle(TableStyle(style))
        tw, th = t.wrapOn(c, W, H)
        t.drawOn(c, 60, (H - 235 if k == 0 else H - 105) - th)
    _footer(c, 2)
    c.showPage()
    c.save()
    return rasterize(src, folder / "scan_table.pdf", dpi=dpi)


# ---- versions of one report: the same text, one figure changed ---------------------------
VERSION_TITLE = "韶关市财政局2023年部门决算"
VERSION_PARA = ("韶关市财政局认真贯彻落实市委市政府决策部署，坚持过紧日子，严格控制一般性支出，"
                "加强预算绩效管理，全年预算执行情况良好，各项重点支出得到有效保障。")


def version_pdf(folder: Path, name: str, reception: str, *, part: str = "") -> Path:
    """One 2-page 部门决算 of 韶关市财政局 for 2023: prose, then 表1 with 公务接待费 = `reception`
    (万元, also stated in the prose). Two calls with another `reception` are two versions of one
    report; `part` (公开表格 …) adds a heading and other text: another part of the same report."""
    path = folder / name
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 16)
    c.drawString(60, H - 70, VERSION_TITLE + (f"（{part}）" if part else ""))
    c.setFont(FONT, 14)
    c.drawString(60, H - 100, "一、部门基本情况")
    body = (part + "说明：本部分列示各项明细数据及其口径，单位为万元，小数保留两位。") * 9 if part else VERSION_PARA * 7
    y = _lines(c, H - 130, body)
    c.setFont(FONT, 14)
    c.drawString(60, y - 10, "二、“三公”经费支出情况")
    _lines(c, y - 40, f"2023年公务接待费支出{reception}万元，主要用于接待上级部门调研。")
    _footer(c, 1)
    c.showPage()
    c.setFont(FONT, 14)
    c.drawString(60, H - 70, "表1 “三公”经费支出决算表")
    c.setFont(FONT, 10)
    c.drawString(60, H - 90, "单位：万元")
    data = [["项目", "决算数"], ["因公出国（境）费", "0.00"], ["公务用车购置及运行维护费", "12.40"],
            ["公务接待费", reception]]
    t = Table(data, colWidths=[220, 100])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 10),
                           ("GRID", (0, 0), (-1, -1), 0.8, colors.black)]))
    _, th = t.wrapOn(c, W, H)
    t.drawOn(c, 60, H - 110 - th)
    _footer(c, 2)
    c.showPage()
    c.save()
    return path


RUN_IN_TITLE = "韶关市审计局2026年部门预算"


def run_in_budget_pdf(folder: Path) -> Path:
    """One page of a 2026 部门预算's 说明 whose 三公 items are run-in headings: "2.公务接待费。" runs
    into the sentence with its figure, "（三）公务用车购置及运行费。" stands on its own line above the
    paragraph with its figure. No table states them: only the prose can answer."""
    path = folder / "run_in_budget.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 16)
    c.drawString(60, H - 70, RUN_IN_TITLE)
    c.setFont(FONT, 14)
    c.drawString(60, H - 100, "第五部分 财政拨款“三公”经费预算情况")
    y = _lines(c, H - 130, "2026年财政拨款“三公”经费预算32.50万元，较2025年年初预算减少2.58万元。")
    y = _lines(c, y - 6, "1.因公出国（境）费用。2026年预算数20.00万元，较2025年年初预算增加0.00万元，"
                         "主要是按计划安排出访。")
    y = _lines(c, y - 6, "2.公务接待费。2026年预算数6.88万元，较2025年年初预算减少1.20万元，"
                         "主要是用于公务活动中按规定接待发生的费用。")
    c.setFont(FONT, 12)
    c.drawString(60, y - 6, "（三）公务用车购置及运行费。")
    y = _lines(c, y - 6 - 12 * 1.6, "2026年预算数为5.62万元，比上年减少0.38万元，主要是压减公务用车运行维护费。")
    _lines(c, y - 6, "三公经费包括因公出国（境）费、公务用车购置及运行费和公务接待费。")
    _footer(c, 1)
    c.showPage()
    c.save()
    return path
