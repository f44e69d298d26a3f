"""Helpers of the OCR tests: rasterise pages of a text PDF into an image-only PDF (a 'scan'),
and compare the tables read from it by OCR with the tables of the text layer, cell by cell."""
from __future__ import annotations

import re
from pathlib import Path

from index.extract.numbers import to_halfwidth
from index.records import Table


def subset_pdf(src: Path, pages: list[int], out: Path) -> Path:
    """The given pages (1-based) of `src` as a PDF with its text layer."""
    from pypdf import PdfReader, PdfWriter
    reader, writer = PdfReader(str(src)), PdfWriter()
    for p in pages:
        writer.add_page(reader.pages[p - 1])
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def rasterize_pdf(src: Path, pages: list[int], out: Path, dpi: int = 200) -> Path:
    """The given pages rendered at `dpi` and saved as an image-only PDF: no text layer."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(src))
    try:
        imgs = [pdf[p - 1].render(scale=dpi / 72).to_pil().convert("RGB") for p in pages]
    finally:
        pdf.close()
    imgs[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=imgs[1:])
    return out


def norm(cell: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(cell or ""))


def normal_grid(cells: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """A grid as compared: cells without whitespace, columns empty in every row dropped (a
    page frame), rows holding fewer than two cells dropped (titles and 单位 lines that
    pdfplumber keeps inside a framed page's table, OCR outside it)."""
    rows = [tuple(norm(c) for c in r) for r in cells]
    width = max((len(r) for r in rows), default=0)
    rows = [r + ("",) * (width - len(r)) for r in rows]
    keep = [j for j in range(width) if any(r[j] for r in rows)]
    rows = [tuple(r[j] for j in keep) for r in rows]
    return [r for r in rows if sum(1 for c in r if c) >= 2]


def _row_score(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    return sum(1 for x, y in zip(a, b) if x == y) if len(a) == len(b) else 0


def align_rows(text: list[tuple[str, ...]], ocr: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Order-preserving row pairing with the most equal cells (dynamic programming)."""
    n, m = len(text), len(ocr)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], _row_score(text[i], ocr[j]) + best[i + 1][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        s = _row_score(text[i], ocr[j])
        if s and best[i][j] == s + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def compare_cells(text_tables: list[Table], ocr_tables: list[Table]) -> tuple[int, int, list[str]]:
    """(cells equal, cells of the text layer's tables, differences) over tables of the same page."""
    equal = total = 0
    diffs: list[str] = []
    by_page: dict[int, list[Table]] = {}
    for t in ocr_tables:
        by_page.setdefault(t.page, []).append(t)
    for t in text_tables:
        grid = normal_grid(t.cells or ())
        total += sum(len(r) for r in grid)
        candidates = [normal_grid(o.cells or ()) for o in by_page.get(t.page, [])]
        if not candidates:
            diffs.append(f"p{t.page}: no OCR table")
            continue
        other = max(candidates, key=lambda g: sum(_row_score(grid[i], g[j]) for i, j in align_rows(grid, g)))
        pairs = align_rows(grid, other)
        matched = {i for i, _ in pairs}
        for i, j in pairs:
            for x, y in zip(grid[i], other[j]):
                if x == y:
                    equal += 1
                else:
                    diffs.append(f"p{t.page}: {x!r} ≠ {y!r}")
        diffs += [f"p{t.page}: row not found {grid[i]}" for i in range(len(grid)) if i not in matched]
    return equal, total, diffs
