"""Entry points: parse_file (dispatch on content), parse_text, parse_pages (pure)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from index.errors import CorruptFile, EmptyDocument, IndexError_, NotAReport, UnsupportedFile
from index.read.blocks import build_blocks
from index.read.chunks import CHUNK_CHARS, build_chunks
from index.read.listing import not_a_report, template_reason
from index.read.pdf_reader import PageReader, RawPage, read_pdf
from index.read.sections import build_sections, finish_section, headings_of, paragraphs_of
from index.read.text_reader import decode_text, split_pages
from index.records import Line, ParsedDocument

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
_KNOWN_BINARY = {
    b"PK\x03\x04": "zip/docx/xlsx", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF",
    b"\xd0\xcf\x11\xe0": "doc/xls (OLE)", b"Rar!": "RAR", b"\x1f\x8b": "gzip", b"7z\xbc\xaf": "7z",
    b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"BM": "BMP",
}


def parse_pages(pages: list[RawPage], *, chunk_chars: int = CHUNK_CHARS) -> ParsedDocument:
    """Pure: pages -> lines, headings, paragraphs, tables, sections, chunks."""
    blocks = build_blocks(pages)
    drafts, tables = build_sections(blocks)
    lines = tuple(Line(page=p.number, text=ln.strip()) for p in pages for ln in p.text.split("\n")
                  if ln.strip() and not ln.startswith("\ue000"))
    warnings = tuple(w for p in pages for w in p.warnings)
    return ParsedDocument(
        pages=max((p.number for p in pages), default=0),
        lines=lines,
        headings=tuple(headings_of(blocks)),
        paragraphs=tuple(paragraphs_of(blocks)),
        tables=tuple(tables),
        sections=tuple(finish_section(d) for d in drafts),
        chunks=tuple(build_chunks(drafts, chunk_chars)),
        warnings=warnings,
        ocr_lines=tuple(ln for p in pages for ln in p.ocr_lines),
    )


def parse_text(text: str) -> ParsedDocument:
    """Pure: a text dump (page numbers as lone lines, or form feeds) -> ParsedDocument."""
    return parse_pages(split_pages(text))


def sniff(head: bytes) -> str:
    """'pdf', 'text' or the name of a known binary type."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:5].startswith(b"%PDF"):
        return "pdf"
    for magic, name in _KNOWN_BINARY.items():
        if head.startswith(magic):
            return name
    return "text"


def parse_file(path: Path, *, max_pages: int = 2000, ocr: PageReader | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> ParsedDocument:
    """Parse a PDF or a UTF-8/GB18030 text file; scanned PDF pages are read by `ocr` when given.
    Raises the index.errors exceptions."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnsupportedFile(f"无法读取文件: {path.name} (cannot read file: {exc})") from exc
    kind = sniff(data[:1024])
    if kind == "pdf":
        try:
            pages = read_pdf(path, max_pages=max_pages, ocr=ocr, progress=progress)
        except IndexError_:
            raise
        except Exception as exc:  # file boundary: pdfminer raises many types on broken files
            raise CorruptFile(f"PDF 文件已损坏，无法解析: {path.name} (corrupt PDF: {type(exc).__name__}: {exc})") from exc
        reason = template_reason([ln for p in pages[:2] for ln in p.text.splitlines()])
        if reason:
            raise NotAReport(f"空白模板，未收录: {path.name} (not a report: {reason})")
        return parse_pages(pages)
    if kind != "text":
        raise UnsupportedFile(f"不支持的文件类型（{kind}）: {path.name} (unsupported file type: {kind}; PDF or UTF-8/GB18030 text only)")
    if path.suffix.lower() == ".pdf":
        raise UnsupportedFile(f"文件扩展名是 .pdf 但内容不是 PDF: {path.name} (not a PDF: missing %PDF header)")
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise UnsupportedFile(f"不支持的文件类型: {path.name} (unsupported extension {path.suffix})")
    text = decode_text(data, path.name)
    if not text.strip():
        raise EmptyDocument(f"文件没有任何文字: {path.name} (empty text file)")
    reason = not_a_report(path.name, text.splitlines())
    if reason:
        raise NotAReport(f"不是报告，未收录: {path.name}（文件清单、链接或说明文件）(not a report: {reason})")
    doc = parse_text(text)
    if not doc.sections and not doc.tables:
        raise EmptyDocument(f"文件没有可用的文字内容: {path.name} (no text)")
    return doc
