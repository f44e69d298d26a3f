"""OCR of scanned pages: render (pypdfium2) → recognise (RapidOCR, PP-OCRv4 models bundled in the
`rapidocr-onnxruntime` wheel: nothing is downloaded) → ruling grid → RawPage through
index/read/ocr_layout.py. The engine is built lazily, on the first page that needs it, never at
import; results are cached per page (index/read/ocr_cache.py). One page image in memory at a time.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Protocol

import numpy as np

from index.errors import IngestError
from index.read.ocr_cache import OcrCache, RawResult
from index.read.ocr_grid import find_grid
from index.read.ocr_layout import Grid, OcrBox, box_from_quad, layout_page
from index.read.pdf_reader import RawPage, RawTable, table_mark

MODES = ("off", "auto", "force")
ENGINE_PACKAGE = "rapidocr-onnxruntime"
MIN_TEXT_CHARS = 40        # a page with an image over half of it and fewer characters is a scan
GRID_VERSION = 3          # bump when ocr_grid.find_grid changes: cached grids are recomputed


class Recognizer(Protocol):
    def __call__(self, image: np.ndarray): ...


def engine_version() -> str:
    try:
        return f"{ENGINE_PACKAGE}-{version(ENGINE_PACKAGE)}"
    except PackageNotFoundError:
        return f"{ENGINE_PACKAGE}-missing"


def build_engine() -> Recognizer:
    """RapidOCR with the models inside its wheel (offline)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise IngestError(f"OCR 引擎未安装，无法读取扫描件 (install {ENGINE_PACKAGE}==1.4.4): {exc}") from exc
    return RapidOCR()


def needs_ocr(mode: str, chars: int, image_share: float, has_graphics: bool) -> bool:
    """Does a page need OCR? `force`: always; `auto`: no text layer on a page that draws
    something, or too little text for an image covering half the page; `off`: never."""
    if mode == "force":
        return True
    if mode != "auto":
        return False
    if chars == 0:
        return has_graphics
    return image_share >= 0.5 and chars < MIN_TEXT_CHARS


def render_page(path: Path, number: int, dpi: int) -> np.ndarray:
    """Page `number` (1-based) as an RGB array at `dpi`."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[number - 1]
        try:
            bitmap = page.render(scale=dpi / 72)
            try:
                return np.asarray(bitmap.to_pil().convert("RGB"))
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        pdf.close()


def page_size(path: Path, number: int) -> tuple[float, float]:
    """(width, height) of page `number` in PDF points."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        w, h = pdf.get_page_size(number - 1)
        return float(w), float(h)
    finally:
        pdf.close()


def render_png(path: Path, number: int, dpi: int = 110) -> bytes:
    """Page `number` as PNG bytes (the source view of a scanned page)."""
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(render_page(path, number, dpi)).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def recognize(engine: Recognizer, rgb: np.ndarray, scale: float) -> tuple[RawResult, tuple[Grid, ...]]:
    """The engine's raw result (quads in pixels, text, confidence) and the ruling grid (points)
    of one page image."""
    result, _ = engine(rgb)
    raw = [([[float(x), float(y)] for x, y in quad], str(text), float(conf)) for quad, text, conf in (result or [])]
    grid = find_grid(rgb.mean(axis=2).astype(np.uint8), scale)
    return raw, ((grid,) if grid is not None else ())


def clean_boxes(raw: RawResult, scale: float) -> list[OcrBox]:
    """Raw engine output → boxes in points, seals and noise dropped, figures fixed."""
    return [b for quad, text, conf in raw if (b := box_from_quad(quad, text, conf, scale)) is not None]


def raw_page(number: int, boxes: list[OcrBox], grids: tuple[Grid, ...]) -> RawPage:
    """An OCR'd page in the shape the text pipeline takes: lines in reading order with table
    placeholders, tables, and every line with its box (for citations)."""
    lay = layout_page(number, boxes, grids)
    items = [(ln.top, ln.text) for ln in lay.lines]
    items += [(bbox[1], table_mark(i)) for i, (bbox, _) in enumerate(lay.tables)]
    items.sort(key=lambda it: it[0])
    return RawPage(number=number, text="\n".join(t for _, t in items),
                   tables=tuple(RawTable(bbox=bbox, cells=cells) for bbox, cells in lay.tables),
                   ocr_lines=lay.all_lines)


@dataclass
class PageOcr:
    """What ingest needs to read scanned pages: mode, resolution, cache; the engine is built on
    the first page that is not in the cache."""
    mode: str = "auto"
    dpi: int = 200
    cache_path: Path | None = None
    engine: Recognizer | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"ocr mode must be one of {MODES}, not {self.mode!r}")
        self._cache = OcrCache(self.cache_path) if self.cache_path else None
        self.version = f"{engine_version()}+grid{GRID_VERSION}"   # what the cached value depends on
        self.pages_read = 0           # pages recognised (not from the cache), for benchmarks

    def wants(self, chars: int, image_share: float, has_graphics: bool) -> bool:
        return needs_ocr(self.mode, chars, image_share, has_graphics)

    def page(self, path: Path, sha1: str, number: int) -> RawPage:
        """Page `number` of the PDF at `path` read by OCR (from the cache when read before)."""
        hit = self._cache.get(sha1, number, self.dpi, self.version) if self._cache else None
        if hit is None:
            if self.engine is None:
                self.engine = build_engine()
            raw, grids = recognize(self.engine, render_page(path, number, self.dpi), self.dpi / 72)
            self.pages_read += 1
            if self._cache:
                self._cache.put(sha1, number, self.dpi, self.version, raw, grids)
        else:
            raw, grids = hit
        return raw_page(number, clean_boxes(raw, self.dpi / 72), grids)


def page_ocr_from(mode: str, dpi: int, cache: Path | None) -> PageOcr | None:
    """The OCR reader settings ask for; None when OCR is off."""
    return None if mode == "off" else PageOcr(mode=mode, dpi=dpi, cache_path=cache)
