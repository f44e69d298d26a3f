"""PDF -> list[RawPage] with pdfplumber. The only module that touches pdfplumber.

Per page (one page object, closed after use): ruled tables via find_tables(); the page's
characters inside those tables' bboxes are filtered out; the remaining text is read once with
extract_text_lines(); a placeholder line (TABLE_MARK + index) is inserted where each ruled table
sits, so later stages keep tables in reading order. Doubled glyphs are repaired per page.
"""
from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol, Sequence

from index.errors import CorruptFile, EmptyDocument, EncryptedFile, NoTextLayer, TooLarge
from index.read.glyphs import repair_doubled
from index.records import OcrLine

DEFAULT_TOLERANCE = 3.0      # pdfplumber's y_tolerance
TABLE_MARK = "\ue000TABLE:"   # private-use char: never appears in real text


@dataclass(frozen=True)
class RawTable:
    """A ruled table as pdfplumber found it: cell grid (None cells -> "") and its bbox."""
    bbox: tuple[float, float, float, float]
    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RawPage:
    """One page before parsing: 1-based number, text (lines; TABLE_MARK<i> lines mark where
    tables[i] sits; tables not marked are placed at the end of the page) and ruled tables."""
    number: int
    text: str
    tables: tuple[RawTable, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    ocr_lines: tuple[OcrLine, ...] = ()     # a scanned page read by OCR: its lines with boxes


class PageReader(Protocol):
    """Reads the pages that have no usable text layer (index/read/ocr.py's PageOcr)."""

    def wants(self, chars: int, image_share: float, has_graphics: bool) -> bool: ...

    def page(self, path: Path, sha1: str, number: int) -> RawPage: ...


def table_mark(i: int) -> str:
    return f"{TABLE_MARK}{i}"


def _cell(v: object) -> str:
    return " ".join(str(v).split()) if v is not None else ""


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes)


def _useful_grid(rows: list[list[object]]) -> bool:
    """A 'table' of one cell or one row is usually a frame around prose: not a table."""
    if len(rows) < 2:
        return False
    ncols = max((len(r) for r in rows), default=0)
    return ncols >= 2


def line_tolerance(sizes: Sequence[float]) -> float:
    """How far apart (in points) two words' tops may be and still sit on one line: half the
    page's usual font size. Digits set in another font often sit a few points below their
    Chinese text ("机关运行经费支出184.65万元" with 184.65 5 pt lower); pdfplumber's default
    of 3 pt would cut them off into a line of bare numbers."""
    if not sizes:
        return DEFAULT_TOLERANCE
    return max(DEFAULT_TOLERANCE, 0.5 * statistics.median(sizes))


def read_page(page, number: int) -> RawPage:  # page: pdfplumber.page.Page
    """Text lines + ruled tables of one pdfplumber page."""
    found = []
    for t in page.find_tables():
        rows = t.extract()
        if _useful_grid(rows):
            found.append((t.bbox, tuple(tuple(_cell(c) for c in r) for r in rows)))
    boxes = [b for b, _ in found]
    src = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) if boxes else page
    items: list[tuple[float, str]] = []
    for ln in src.extract_text_lines(return_chars=False, y_tolerance=line_tolerance([c["size"] for c in page.chars])):
        items.append((ln["top"], ln["text"]))
    for i, (bbox, _) in enumerate(found):
        items.append((bbox[1], table_mark(i)))
    items.sort(key=lambda it: it[0])
    text = "\n".join(t for _, t in items)
    text, doubled = repair_doubled(text)
    warnings = (f"第{number}页文字层字形重复，已修复 (doubled glyphs repaired on page {number})",) if doubled else ()
    if doubled:
        found = [(b, tuple(tuple(repair_doubled(c)[0] if len(c) > 1 else c for c in r) for r in cells))
                 for b, cells in found]
    return RawPage(number=number, text=text,
                   tables=tuple(RawTable(bbox=tuple(b), cells=c) for b, c in found), warnings=warnings)


def _open_error(exc: Exception, path: Path) -> Exception:
    """Translate pdfplumber/pdfminer open errors into domain errors."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    inner = getattr(exc, "args", [None])[0] if exc.args else None
    probe = inner if isinstance(inner, Exception) else exc
    if isinstance(probe, (PDFPasswordIncorrect, PDFEncryptionError)):
        return EncryptedFile(f"文件已加密，需要密码，无法读取: {path.name} (encrypted PDF: {probe!r})")
    return CorruptFile(f"PDF 文件已损坏或不完整: {path.name} (corrupt PDF: {probe!r})")


def page_stats(page) -> tuple[int, float, bool]:  # page: pdfplumber.page.Page
    """(characters in the text layer, share of the page covered by images, draws anything)."""
    chars = sum(1 for c in page.chars if c.get("text", "").strip())
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for im in page.images:
        w = max(0.0, min(im["x1"], page.width) - max(im["x0"], 0))
        h = max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
        covered += w * h
    graphics = bool(page.images or page.rects or page.curves or page.lines)
    return chars, min(covered / area, 1.0), graphics


def read_pdf(path: Path, *, max_pages: int = 2000, ocr: PageReader | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> list[RawPage]:
    """Read every page of a PDF; pages without a usable text layer go through `ocr` when given
    (index/read/ocr.py). Raises EncryptedFile, CorruptFile, TooLarge, EmptyDocument, NoTextLayer."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    path = Path(path)
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError, PSException) as exc:
        raise _open_error(exc, path) from exc
    pages: list[RawPage] = []
    try:
        try:
            n = len(pdf.pages)
        except (PdfminerException, PDFSyntaxError, PSException, KeyError, ValueError, TypeError) as exc:
            raise CorruptFile(f"PDF 页面结构损坏: {path.name} (cannot read page tree: {exc!r})") from exc
        if n == 0:
            raise EmptyDocument(f"PDF 没有任何页面: {path.name} (zero pages)")
        if n > max_pages:
            raise TooLarge(f"PDF 共 {n} 页，超过上限 {max_pages} 页: {path.name} (too many pages)")
        sha1 = hashlib.sha1(path.read_bytes()).hexdigest() if ocr is not None else ""
        for i, page in enumerate(pdf.pages, start=1):
            try:
                if ocr is not None and ocr.wants(*page_stats(page)):
                    pages.append(ocr.page(path, sha1, i))
                    if progress:
                        progress("ocr", i, n)
                else:
                    pages.append(read_page(page, i))
            except (PdfminerException, PDFSyntaxError, PSException) as exc:
                raise CorruptFile(f"PDF 第{i}页无法解析: {path.name} (corrupt page: {exc!r})") from exc
            finally:
                page.close()   # flush the page's cached objects: bounded memory on 200+ page files
    finally:
        pdf.close()
    pages = with_ocr_warning(pages)
    chars = sum(len("".join(p.text.split())) for p in pages) + sum(
        len("".join(c for r in t.cells for c in r)) for p in pages for t in p.tables)
    if chars == 0:
        if any(p.ocr_lines for p in pages) or (ocr is not None and _has_images(path)):
            raise NoTextLayer(f"扫描件经 OCR 未识别出任何文字: {path.name} (scanned PDF: OCR found no text)")
        if _has_images(path):
            raise NoTextLayer(f"PDF 没有文字层（扫描件），请先 OCR（或设 QA_OCR=auto）: {path.name} "
                              f"(no text layer: scanned/image-only PDF; OCR is off, set QA_OCR=auto)")
        raise EmptyDocument(f"PDF 没有任何文字: {path.name} (no text at all)")
    return pages


def with_ocr_warning(pages: list[RawPage]) -> list[RawPage]:
    """One warning on the first scanned page saying which pages were read by OCR."""
    scanned = [p.number for p in pages if p.ocr_lines]
    if not scanned:
        return pages
    span = f"第{scanned[0]}页" if len(scanned) == 1 else f"第{scanned[0]}–{scanned[-1]}页中的 {len(scanned)} 页"
    note = f"{span}为扫描件，文字由 OCR 识别，数字请以原件为准 ({len(scanned)} scanned page(s) read by OCR)"
    first = scanned[0] - pages[0].number
    return pages[:first] + [replace(pages[first], warnings=pages[first].warnings + (note,))] + pages[first + 1:]


def _has_images(path: Path) -> bool:
    """True when some page draws images or vector shapes (a scan), False when pages are blank."""
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:20]:
            try:
                if page.images or page.rects or page.curves or page.lines:
                    return True
            finally:
                page.close()
    return False
