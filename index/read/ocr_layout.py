"""OCR boxes → lines in reading order → tables. Pure functions, no engine, no image.

Coordinates are PDF points with the origin top-left (as pdfplumber's `top`), so OCR output
lines up with text-layer pages. A table is rebuilt from geometry: rows by y, columns by the
x ranges the table's boxes occupy (or by ruling lines found in the image, `index/read/ocr_grid.py`),
so an empty cell stays an empty cell instead of shifting its row's numbers left.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass

from index.records import OcrLine

MIN_CONF = 0.5            # boxes below this are seal / letterhead noise
MAX_TILT_DEG = 8.0        # seals read as rotated boxes; real text lines are level


@dataclass(frozen=True)
class OcrBox:
    """One recognised text box: text, bbox in PDF points (top-left origin), confidence."""
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Grid:
    """Ruling lines of a drawn table (PDF points): column and row boundaries, and which cell
    edges are drawn (`vdrawn[r][c]`: left edge of cell (r, c); `hdrawn[r][c]`: its top edge)."""
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    vdrawn: tuple[tuple[bool, ...], ...]
    hdrawn: tuple[tuple[bool, ...], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


@dataclass(frozen=True)
class PageLayout:
    """A page rebuilt from OCR: text lines (table rows excluded) and tables with their bboxes."""
    lines: tuple[OcrLine, ...]
    tables: tuple[tuple[tuple[float, float, float, float], tuple[tuple[str, ...], ...]], ...]
    all_lines: tuple[OcrLine, ...]     # every line incl. table rows: what the source view marks


# ---- boxes -------------------------------------------------------------------------
def box_from_quad(quad: list[list[float]], text: str, conf: float, scale: float) -> OcrBox | None:
    """An engine quad (pixels, clockwise from top-left) → OcrBox in points; None for tilted
    (seal) or vertical multi-character boxes and for low confidence."""
    (ax, ay), (bx, by) = quad[0], quad[1]
    tilt = abs(math.degrees(math.atan2(by - ay, bx - ax)))
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    text = text.strip()
    if not text or conf < MIN_CONF or tilt > MAX_TILT_DEG:
        return None
    if len(text) > 1 and h > 1.5 * w:
        return None        # vertical text: seals, stamps
    return OcrBox(text=fix_words(fix_digits(text)), x0=min(xs) / scale, top=min(ys) / scale, x1=max(xs) / scale,
                  bottom=max(ys) / scale, conf=float(conf))


_CN_NUM = "〇零一二三四五六七八九十百千万亿两"


def fix_digits(text: str) -> str:
    """Recogniser slips in figures: a bold 0 read as 〇 (or O) next to digits or alone before a
    unit, full-width digits/punctuation inside numbers."""
    t = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    t = re.sub(r"(?<=\d)[〇Oo](?=[\d,.%]|$)|(?<=[\d,.])[〇Oo](?=\d)", "0", t)
    t = re.sub(rf"(?<![{_CN_NUM}\d])〇(?![{_CN_NUM}\d])", "0", t)
    t = re.sub(rf"(?<![{_CN_NUM}\d])〇(?=万?元|%|个|台|人|项|件)", "0", t)     # 收入〇万元
    t = re.sub(r"[\[［【〔(（]\s*((?:19|20)\d{2})\s*[\]］】〕)）]", r"〔\1〕", t)   # document numbers: 〔2024〕
    t = re.sub(r"(?<=\d)[，](?=\d{3})", ",", t)
    t = re.sub(r"(?<=\d)[。．](?=\d)", ".", t)
    return t


# Recogniser confusions that are never right in these reports (入/人 in 收入, a thin 一 lost
# before 、 at the start of a numbered item).
_WORD_FIXES = (("收人", "收入"), ("拨款收人", "拨款收入"), ("投人", "投入"), ("纳人", "纳入"), ("列人", "列入"),
               ("部内决算", "部门决算"), ("部内预算", "部门预算"))


def fix_words(text: str) -> str:
    for wrong, right in _WORD_FIXES:
        text = text.replace(wrong, right)
    if text.startswith("、"):
        text = "一" + text
    return re.sub(r"^[-－—](?=[\u4e00-\u9fff])", "一", text)


def char_weight(ch: str) -> float:
    """Relative printed width: a CJK character is one em, digits and letters about half,
    separators less."""
    if ord(ch) > 0x2E80:
        return 1.0
    return 0.3 if ch in ",.:;'!|" else 0.55


def _kind(ch: str) -> bool:
    return ord(ch) > 0x2E80


def split_box(b: OcrBox, cuts: list[float]) -> list[OcrBox]:
    """A box the detector ran across table rules, cut at those x positions: characters are
    shared out by printed width, and a cut near a change between figures and Chinese text
    (or a space) snaps to it ("4,950.849947年终结转结余" splits before 年)."""
    inner = [x for x in cuts if b.x0 + 3 < x < b.x1 - 3]
    if not inner or len(b.text) < 2:
        return [b]
    text = b.text
    weights = [char_weight(c) for c in text]
    unit = (b.x1 - b.x0) / sum(weights)
    centres, x = [], b.x0
    for w in weights:
        centres.append(x + w * unit / 2)
        x += w * unit
    idx = []
    for cut in inner:
        k = sum(1 for c in centres if c < cut)
        near = range(max(k - 2, 1), min(k + 2, len(text) - 1) + 1)
        spaces = [j for j in near if text[j] == " " or text[j - 1] == " "]
        turns = spaces or [j for j in near if _kind(text[j - 1]) != _kind(text[j])]
        idx.append(min(turns, key=lambda j: abs(j - k)) if turns else k)
    bounds = [b.x0, *inner, b.x1]
    starts = [0, *idx, len(text)]
    out = []
    for (lo, hi), (i, j) in zip(zip(bounds, bounds[1:]), zip(starts, starts[1:])):
        part = text[i:j].strip()
        if part:
            out.append(OcrBox(text=part, x0=lo, top=b.top, x1=hi, bottom=b.bottom, conf=b.conf))
    return out or [b]


def is_number(text: str) -> bool:
    return re.fullmatch(r"[-−]?[\d,]+(?:\.\d+)?%?", text.replace(" ", "")) is not None


# ---- lines -------------------------------------------------------------------------
def group_rows(boxes: list[OcrBox]) -> list[list[OcrBox]]:
    """Boxes → rows: a box joins the row whose vertical span it overlaps by half its height;
    rows top to bottom, boxes left to right."""
    rows: list[list[OcrBox]] = []
    spans: list[tuple[float, float]] = []
    for b in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        for i, (t, bt) in enumerate(spans):
            overlap = min(bt, b.bottom) - max(t, b.top)
            if overlap >= 0.5 * min(b.height, bt - t):
                rows[i].append(b)
                spans[i] = (min(t, b.top), max(bt, b.bottom))
                break
        else:
            rows.append([b])
            spans.append((b.top, b.bottom))
    order = sorted(range(len(rows)), key=lambda i: spans[i][0])
    return [sorted(rows[i], key=lambda b: b.x0) for i in order]


def join_boxes(boxes: list[OcrBox]) -> str:
    """One row's text: boxes close together are one phrase; a gap wider than a character is a space."""
    out = ""
    prev: OcrBox | None = None
    for b in boxes:
        if prev is not None:
            out += " " if b.x0 - prev.x1 > 0.6 * max(prev.height, b.height) else ""
        out += b.text
        prev = b
    return out


def to_line(page: int, boxes: list[OcrBox]) -> OcrLine:
    return OcrLine(page=page, text=join_boxes(boxes), x0=min(b.x0 for b in boxes),
                   top=min(b.top for b in boxes), x1=max(b.x1 for b in boxes),
                   bottom=max(b.bottom for b in boxes), conf=min(b.conf for b in boxes))


# ---- tables from geometry ----------------------------------------------------------
def _cells_of_row(row: list[OcrBox]) -> int:
    """How many separate cells a row shows (boxes apart by more than two characters)."""
    n = 1
    for a, b in zip(row, row[1:]):
        if b.x0 - a.x1 > 1.5 * max(a.height, b.height):
            n += 1
    return n


def table_runs(rows: list[list[OcrBox]]) -> list[tuple[int, int]]:
    """[start, end) row ranges that form a table: runs of rows showing ≥ 2 cells with a number
    among them, allowing up to two one-cell rows inside (a label whose figures are empty)."""
    tabular = [_cells_of_row(r) >= 2 and any(is_number(b.text) for b in r) for r in rows]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(rows):
        if not tabular[i]:
            i += 1
            continue
        start = i
        end = i + 1
        j = i + 1
        while j < len(rows):
            if tabular[j]:
                end = j + 1
            elif j - end >= 2:
                break
            j += 1
        # a header row above: several cells, no numbers
        while start > 0 and _cells_of_row(rows[start - 1]) >= 2 and not tabular[start - 1] \
                and start - 1 >= (runs[-1][1] if runs else 0):
            start -= 1
        if end - start >= 2:
            runs.append((start, end))
        i = end
    return runs


def column_ranges(rows: list[list[OcrBox]]) -> list[tuple[float, float]]:
    """Columns from where boxes sit: x positions covered by boxes of many rows are columns, the
    gaps between them separators. A header box spanning several columns (one box) does not
    bridge a gap the other rows leave open."""
    boxes = [b for r in rows for b in r]
    lo, hi = int(min(b.x0 for b in boxes)), int(math.ceil(max(b.x1 for b in boxes)))
    cover = [0] * (hi - lo + 1)
    for b in boxes:
        for x in range(int(b.x0) - lo, int(math.ceil(b.x1)) - lo + 1):
            cover[x] += 1
    floor = max(1, round(0.08 * len(rows)))
    cols: list[tuple[float, float]] = []
    start = None
    for x, c in enumerate(cover + [0]):
        if c > floor and start is None:
            start = x
        elif c <= floor and start is not None:
            cols.append((start + lo, x - 1 + lo))
            start = None
    cols = cols or [(lo, hi)]
    # a column reaches as far as the boxes starting in it do (a long label), short of the next
    out = []
    for k, (a, b) in enumerate(cols):
        nxt = cols[k + 1][0] if k + 1 < len(cols) else math.inf
        reach = [x.x1 for x in boxes if a - 2 <= x.x0 <= b and x.x1 < nxt]
        out.append((a, max([b, *reach])))
    return out


def grid_from_columns(rows: list[list[OcrBox]], cols: list[tuple[float, float]]) -> tuple[tuple[str, ...], ...]:
    """Each row's boxes placed in columns: column k runs from where column k-1 ends to where it
    ends itself, so left-aligned headers, right-aligned figures and centred text all land in
    their column; a box the detector ran over a column's end is cut there. Columns with
    nothing in a row stay empty strings (an empty cell is kept, not closed up)."""
    ends = [c[1] for c in cols]
    out = []
    for r in rows:
        cells: list[list[OcrBox]] = [[] for _ in cols]
        for b in [part for b in r for part in split_box(b, ends[:-1])]:
            cells[min(bisect_right(ends, b.x0 + 2), len(cols) - 1)].append(b)
        out.append(tuple(join_boxes(c) for c in cells))
    return tuple(out)


# ---- tables from ruling lines -------------------------------------------------------
def grid_cells(boxes: list[OcrBox], grid: Grid) -> tuple[tuple[str, ...], ...]:
    """Boxes placed in the ruled cells that hold their centres; a merged cell's text goes to its
    top-left cell (as pdfplumber does) and the cells it covers stay empty."""
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    cells: dict[tuple[int, int], list[OcrBox]] = {}
    for b in [part for b in boxes for part in split_box(b, drawn_cuts(grid, b))]:
        r = min(max(bisect_right(grid.ys, b.cy) - 1, 0), nr - 1)
        c = min(max(bisect_right(grid.xs, b.cx) - 1, 0), nc - 1)
        r, c = merged_origin(grid, r, c)
        cells.setdefault((r, c), []).append(b)
    rows = []
    for r in range(nr):
        row = []
        for c in range(nc):
            bs = cells.get((r, c), [])
            row.append(" ".join(join_boxes(line) for line in group_rows(bs)) if bs else "")
        rows.append(tuple(row))
    return drop_empty_rows(tuple(rows))


def drawn_cuts(grid: Grid, b: OcrBox) -> list[float]:
    """The column rules drawn across the row that holds the box."""
    r = min(max(bisect_right(grid.ys, b.cy) - 1, 0), len(grid.ys) - 2)
    return [x for c, x in enumerate(grid.xs[1:-1], start=1) if grid.vdrawn[r][c]]


def merged_origin(grid: Grid, r: int, c: int) -> tuple[int, int]:
    """The top-left cell of the merged cell that (r, c) belongs to: walk left while the left
    edge is not drawn, up while the top edge is not drawn."""
    for _ in range(len(grid.xs) + len(grid.ys)):
        if c > 0 and not grid.vdrawn[r][c]:
            c -= 1
        elif r > 0 and not grid.hdrawn[r][c]:
            r -= 1
        else:
            break
    return r, c


def drop_empty_rows(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(r for r in rows if any(r))


def inside(b: OcrBox, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    return x0 - 2 <= b.cx <= x1 + 2 and top - 2 <= b.cy <= bottom + 2


# ---- a whole page -------------------------------------------------------------------
def layout_page(page: int, boxes: list[OcrBox], grids: tuple[Grid, ...] = ()) -> PageLayout:
    """Text lines in reading order and tables: ruled grids first, then tables found from
    the geometry of the remaining rows."""
    tables = []
    rest = list(boxes)
    for g in grids:
        held = [b for b in rest if inside(b, g.bbox)]
        if not held:
            continue
        cells = grid_cells(held, g)
        if len(cells) >= 2 and max(len(r) for r in cells) >= 2:
            tables.append((g.bbox, cells))
            rest = [b for b in rest if not inside(b, g.bbox)]
    rows = group_rows(rest)
    in_table: set[int] = set()
    for start, end in table_runs(rows):
        part = rows[start:end]
        cells = grid_from_columns(part, column_ranges(part))
        bbox = (min(b.x0 for r in part for b in r), min(b.top for r in part for b in r),
                max(b.x1 for r in part for b in r), max(b.bottom for r in part for b in r))
        tables.append((bbox, cells))
        in_table.update(range(start, end))
    lines = tuple(to_line(page, r) for i, r in enumerate(rows) if i not in in_table)
    all_lines = tuple(sorted((to_line(page, r) for r in group_rows(boxes)), key=lambda ln: (ln.top, ln.x0)))
    tables.sort(key=lambda t: t[0][1])
    return PageLayout(lines=lines, tables=tuple(tables), all_lines=all_lines)
