"""Rows from a table: text dumps (`Table.lines`, tab- or space-separated) and
pdfplumber grids (`Table.cells`).

The output is uniform: a list of `Row`s, each a label (as written) and the
(measure, raw value token, unit) triples read from it.  Facts are made from rows
in index.table_facts.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from index.extract.numbers import is_plain_integer, to_halfwidth
from index.extract.units import caption_unit, split_header_unit, stated_unit, strip_unit_statement

# ----------------------------------------------------------------------------- types


@dataclass
class Column:
    measure: str                 # 决算数 / 年初预算数 / 财政拨款收入 ...
    unit: str | None = None      # unit from the header "(万元)", overrides the table's
    subject: str = ""            # a header level naming the thing (三公 tables: 公务接待费)
    group: str = ""              # upper header level that is neither (市级资金)


@dataclass
class Row:
    label: str                   # as written (may hold a wrapped line break)
    cells: list[tuple[Column, str]] = field(default_factory=list)   # (column, raw token)
    text: str = ""               # the source row as written
    page: int | None = None
    # form-like tables: per cell (subject override, unit override, qualifier); same length as cells
    extra: list[tuple[str, str | None, str]] | None = None
    unit: str | None = None        # unit the row states itself ("收费（万元）", "单位：万元" in a cell): this row only
    scope_unit: str | None = None  # unit of a unit line inside the table above the row: replaces the table's
    parent: str = ""               # the group label over the row in a label column to its left (merged down)


# ----------------------------------------------------------------------------- helpers

VALUE_RE = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$|^[-−]?\.\d+%?$")
_SPACED_WORDS = [("项", "目"), ("栏", "次"), ("合", "计"), ("小", "计"), ("总", "计"), ("金", "额"), ("行", "次")]
_NOISE_HEADER = {"功能分类", "经济分类", "科目编码", "科目名称", "行次", "栏次", "编码", "科目代码", "单位名称", "序号"}
SIDE_MARKERS = {"项目", "科目名称"}
MEASURE_WORDS = ("年初预算数", "调整预算数", "全年预算数", "预算数", "决算数", "执行数", "预算", "决算", "金额",
                 "完成率", "执行率", "占比", "比例", "上年决算数", "上年预算数", "本年预算数", "比上年增减",
                 "增减", "增长率", "实际完成值", "年度指标值", "指标值", "全年执行数", "得分", "分值", "权重")
KNOWN_COLUMNS = {
    "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入",
    "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出",
    "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "合计", "小计", "金额",
    "决算数", "预算数", "年初预算数", "调整预算数", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余",
    "因公出国（境）费", "公务用车购置及运行费", "公务接待费", "公务用车购置费", "公务用车运行费", "人员经费", "公用经费",
}
_HEADER_SUFFIX = ("合计", "小计", "总计", "数", "金额", "收入", "支出", "拨款", "费", "率", "比例", "经费", "资金", "结余")
_CONT_START = "入出款算余拨"


def _fix_spaced(text: str) -> str:
    t = text
    for a, b in _SPACED_WORDS:
        t = re.sub(a + r"\s+" + b, a + b, t)
    return t


def is_value(tok: str) -> bool:
    return bool(VALUE_RE.match(to_halfwidth(tok.strip())))


def _cjk_join(parts: list[str]) -> str:
    """Join wrapped label fragments: no space between CJK fragments."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and (out[-1].isascii() and out[-1].isalnum()) and (p[0].isascii() and p[0].isalnum()):
            out += " " + p
        else:
            out += p
    return out


def looks_like_measure(h: str) -> bool:
    h = split_header_unit(h)[0]
    return any(h == w or h.endswith(w) for w in MEASURE_WORDS) or bool(re.search(r"预算数|决算数|执行数|完成率|[（(]决算数[）)]", h))


def _score_name(name: str) -> float:
    s = 0.0
    if name in KNOWN_COLUMNS:
        s += 4
    if name.endswith(_HEADER_SUFFIX):
        s += 1
    if name[:1] in _CONT_START:
        s -= 3
    return s


def fit_names(lines_tokens: list[list[str]], n: int) -> list[str] | None:
    """Merge header fragments wrapped across lines into exactly `n` column names.
    Tokens on the same line are separate; a merge may only join the last token of a
    line with the first of the next.  Best-scoring segmentation wins."""
    toks: list[str] = []
    joinable: list[int] = []      # boundary index i: toks[i] | toks[i+1] may merge
    for li, lt in enumerate(lines_tokens):
        for ti, t in enumerate(lt):
            if toks and ti == 0:
                joinable.append(len(toks) - 1)
            toks.append(t)
    m = len(toks)
    if m == n:
        return toks
    if m < n or m - n > len(joinable) or n <= 0:
        return None
    best, best_s = None, None
    combos = itertools.combinations(joinable, m - n)
    for k, combo in enumerate(combos):
        if k > 20000:
            break
        cs = set(combo)
        names, cur = [], toks[0]
        for i in range(1, m):
            if (i - 1) in cs:
                cur += toks[i]
            else:
                names.append(cur)
                cur = toks[i]
        names.append(cur)
        sc = sum(_score_name(x) for x in names)
        if any(x not in KNOWN_COLUMNS and any(x.startswith(k) and x[len(k):] in KNOWN_COLUMNS for k in KNOWN_COLUMNS) for x in names):
            continue                                  # "本年收入"+"本年支出": two real columns glued
        if best_s is None or sc > best_s:
            best, best_s = names, sc
    return best


# ----------------------------------------------------------------------------- grids


def raw_none(header_rows, ri, j) -> bool:
    """pdfplumber marks merged cells with None; text grids use empty strings."""
    r = header_rows[ri]
    return j >= len(r) or r[j] is None or r[j] == ""


def _pad_header_rows(header_rows: list[list[str | None]], ncols: int) -> list[list[str]]:
    """Header rows as stripped strings, each padded with "" to `ncols` cells."""
    return [[(c or "").strip() for c in r] + [""] * (ncols - len(r)) for r in header_rows]


def _carry_merged_left(header_rows: list[list[str | None]], filled: list[list[str]], ncols: int,
                       first_data_col: int) -> list[list[str]]:
    """Fill merged cells of all but the last header row from the left, never across the parent cell above."""
    out = [list(row) for row in filled]
    parent: list = [0] * ncols
    for ri, row in enumerate(out[:-1]):
        origin = list(range(ncols))
        last, last_j = "", -1
        for j in range(first_data_col, ncols):
            if row[j]:
                last, last_j = row[j], j
            elif last and parent[j] == parent[last_j] and raw_none(header_rows, ri, j):
                row[j] = last
                origin[j] = last_j
        parent = [(parent[j], origin[j]) for j in range(ncols)]
    return out


def _nest_upper_labels(rows: list[list[str]], first_data_col: int) -> list[list[str]]:
    """A merged cell holds the cells below it: an upper label written inside the span of a lower
    group (行政诉讼 over 未经复议直接起诉 | … | 复议后起诉, its text set right of the group's first
    column) moves left to where that group starts, when the header's depth changes there (the
    columns left of it end a level higher) and no other label of its row stands between."""
    out = [list(r) for r in rows]
    for ri in range(len(out) - 3, -1, -1):
        upper, lower = out[ri], out[ri + 1]
        depth = [tuple(bool(r[j]) for r in out[ri + 2:]) for j in range(len(lower))]
        starts = [j for j in range(first_data_col + 1, len(lower)) if lower[j]]
        for k in range(first_data_col, len(upper)):
            a = max((j for j in starts if j < k), default=None)
            if not upper[k] or lower[k] or a is None or any(upper[j] for j in range(a, k)):
                continue
            if depth[a - 1] != depth[a] and len(set(depth[a:k + 1])) == 1:
                upper[a], upper[k] = upper[k], ""
    return out


def _header_path(filled: list[list[str]], j: int) -> tuple[list[str], str | None]:
    """Column j's distinct header names top to bottom, and the last unit a header cell states."""
    path: list[str] = []
    unit = None
    for row in filled:
        c = " ".join(row[j].split())
        if not c:
            continue
        name, u = split_header_unit(c)
        if u:
            unit = u
        name = re.sub(r"\s+", "", name)
        if name and (not path or path[-1] != name):
            path.append(name)
    return path, unit


_FIGURE_KIND_RE = re.compile(r"[（(](预算数|决算数|执行数)[）)]$")
_CODE_HEADER_RE = re.compile(r"(类|款|项|科目编码|功能分类科目编码|经济分类科目编码|编码|代码|科目代码|行次|栏次|序号)")


def _subject_below(rest: list[str]) -> str:
    """The subject among the levels under a column's measure: the lowest, or the one above a 小计 / 合计."""
    if len(rest) >= 2 and rest[-1] in ("小计", "合计"):
        return rest[-2]
    return rest[-1] if rest else ""


def _measure_subject_group(path: list[str]) -> tuple[str, str, str]:
    """(measure, subject, group) of a column's header path: its lowest measure-like level is the measure."""
    measure_levels = [p for p in path if looks_like_measure(p)]
    if looks_like_measure(path[-1]):
        return path[-1], "", "/".join(path[:-1])
    kind = _FIGURE_KIND_RE.search(measure_levels[-1]) if measure_levels else None
    if kind and not looks_like_measure(re.sub(r"[（(][^（）()]*[）)]$", "", measure_levels[-1])):
        # 另有资金来源（决算数） > 中央资金 → measure 中央资金（决算数）
        return f"{path[-1]}（{kind.group(1)}）", "", "/".join(path[:-1])
    if measure_levels:
        measure = measure_levels[-1]
        return measure, _subject_below(path[path.index(measure) + 1:]), ""
    return path[-1], "", "/".join(path[:-1])


def _column_from_path(path: list[str], unit: str | None) -> Column | None:
    """A grid column from its header path and unit; None without a header or for a code / 行次 column."""
    if not path:
        return None
    measure, subject, group = _measure_subject_group(path)
    if _CODE_HEADER_RE.fullmatch(measure):
        return None
    return Column(measure=measure, unit=unit, subject=subject, group=group)


def columns_from_header_rows(header_rows: list[list[str | None]], ncols: int, first_data_col: int = 1) -> list[Column | None]:
    """Combine (multi-row) header rows into one Column per grid column.
    Empty / None cells in upper rows carry the value from the left (merged cells);
    the column's measure is its lowest measure-like level, a non-measure lowest
    level under a measure (三公: 预算数 > 公务接待费) becomes the column's subject."""
    padded = _nest_upper_labels(_pad_header_rows(header_rows, ncols), first_data_col)
    filled = _carry_merged_left(padded, padded, ncols, first_data_col)
    # carry down: an empty lower cell under a filled upper cell takes nothing (path ends)
    return [None if j < first_data_col else _column_from_path(*_header_path(filled, j)) for j in range(ncols)]


def _cell_is_value(c: str | None) -> bool:
    return c is not None and is_value(c.replace(" ", "").replace("\n", ""))


SIDE_START = {"项目", "经济分类", "支出功能分类", "功能分类", "科目编码"}


def rows_from_grid(grid, page=None, header_rows=None):
    """Grid → rows; a two-sided grid (收入 | 支出, 人员经费 | 公用经费) is split at the
    column where a header row starts a new 项目 / 经济分类 block."""
    grid = [list(r) for r in grid if r is not None and any((c or "").strip() for c in r)]
    if not grid:
        return [], header_rows or []
    ncols = max(len(r) for r in grid)
    grid = [r + [None] * (ncols - len(r)) for r in grid]
    hdr_n = 0
    while hdr_n < len(grid) and not any(_cell_is_value(c) and "." in (c or "") for c in grid[hdr_n]):
        hdr_n += 1
    own_header = any(looks_like_measure(c or "") or re.sub(r"\s+", "", c or "") in SIDE_START
                     for r in grid[:hdr_n] for c in r)
    if header_rows and not own_header and max(len(r) for r in header_rows) == ncols:
        # a table continued from the previous page without its header: reuse it
        grid = [list(r) + [None] * (ncols - len(r)) for r in header_rows] + grid
        hdr_n = len(header_rows)
        header_rows = None
    form = None
    if _is_form(grid, hdr_n):
        form = _rows_from_form(grid, page, header_rows)
    splits = []
    for r in grid[:hdr_n]:
        for j in range(1, ncols):
            c = re.sub(r"\s+", "", r[j] or "")
            if c in SIDE_START and re.sub(r"\s+", "", r[0] or "") == c:
                splits.append(j)
        if splits:
            break
    if not splits:
        regular = _rows_from_grid_one(grid, page, header_rows)
    else:
        regular = None
    if form is not None:
        # a label/value layout can also be an ordinary two-sided table: keep the reading
        # that finds more figures (ties go to the form reader: the ordinary one would give
        # every figure of a label/value row the row's first label)
        if regular is None:
            regular = _split_rows(grid, splits, page, hdr_n)
        n_form = sum(len(r.cells) for r in form[0])
        n_reg = sum(len(r.cells) for r in regular[0])
        return form if n_form >= n_reg else regular
    if regular is not None:
        return regular
    return _split_rows(grid, splits, page, hdr_n)


def _split_rows(grid, splits, page, hdr_n):
    ncols = max(len(r) for r in grid)
    bounds = [0] + sorted(set(splits)) + [ncols]
    rows = []
    for a, b in zip(bounds, bounds[1:]):
        sub = [r[a:b] for r in grid]
        rr, hh = _rows_from_grid_one(sub, page, None)
        rows.extend(rr)
    return rows, [list(r) for r in grid[:hdr_n]]


# ----------------------------------------------------------------------------- form-like grids
# 申报表 / 绩效目标表: label | value | label | value in one row, header rows in the middle of
# the table, indicator values written with their comparison and unit ("≥10亿条", "≤1%").

_CMP = r"(?:[≥≤><＞＜]=?|不低于|不少于|不超过|不高于|大于等于|小于等于|大于|小于)"
_IND_UNITS = "|".join(re.escape(u) for u in sorted(
    set(("%", "％", "万元", "亿元", "元") + __import__("index.extract.units", fromlist=["COUNT_UNITS"]).COUNT_UNITS), key=len, reverse=True))
IND_VALUE_RE = re.compile(
    r"^(?P<pre>全年|年度|每年|累计|至少|约)?(?P<op>" + _CMP + r")?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<scale>万|亿)?(?P<unit>" + _IND_UNITS + r")?[。.]?$")
_NAMED_VALUE_RE = re.compile(
    r"(?P<name>[\u4e00-\u9fff“”（）()A-Za-z]{2,20}?)(?P<op>" + _CMP + r")\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<scale>万|亿)?(?P<unit>" + _IND_UNITS + r")?")
_FORM_HEADER_RE = re.compile(r"(金额|资金|指标值|预算数|决算数|执行数|目标值|实际值|完成值|得分|分值|权重|（万元）|\(万元\))")
_LABEL_HEADER_RE = re.compile(r"(名称|指标$|三级指标|项目$|内容$)")


def _clean_cell(c) -> str:
    return re.sub(r"\s+", "", (c or "")).replace("％", "%")


def _form_value(c: str):
    """A form cell as (number token, unit, qualifier) or a list of (name, token, unit,
    qualifier) for cells naming several figures; None when not a figure."""
    t = to_halfwidth(_clean_cell(c))
    if not t:
        return None
    m = IND_VALUE_RE.match(t)
    if m:
        unit = (m.group("scale") or "") + (m.group("unit") or "").replace("％", "%")
        if not unit and m.group("scale"):
            return None
        return (m.group("num"), unit or None, m.group("op") or "")
    if len(t) <= 60 and (any(ch in t for ch in "≥≤><＞＜") or re.search(_CMP, t)):
        parts = []
        for mm in _NAMED_VALUE_RE.finditer(t):
            unit = (mm.group("scale") or "") + (mm.group("unit") or "")
            parts.append((mm.group("name"), mm.group("num"), unit or None, mm.group("op")))
        return parts or None
    return None


def _is_form(grid, hdr_n) -> bool:
    """Form-like: indicator values written with a comparison (≥95%), or a data row with
    label/value pairs side by side (value, short label, value: 基本支出 12,634.14 财政拨款
    98,880.78).  Ordinary tables with a description column after the figures are not."""
    for r in grid[hdr_n:]:
        seq = []
        for c in r:
            t = _clean_cell(c)
            if not t:
                continue
            if re.match(r"^[\u4e00-\u9fff]{0,4}" + _CMP + r"\s*\d", to_halfwidth(t)):
                return True
            if _cell_is_value(c) and not is_plain_integer(t):
                seq.append("v")
            elif 2 <= len(t) <= 20 and not re.fullmatch(r"[\d.,%\-—/]+", t):
                seq.append("t")
            else:
                seq.append("x")
        if "vtv" in "".join(seq):
            return True
    return False


def _is_form_header(r) -> bool:
    cells = [_clean_cell(c) for c in r]
    if any(_form_value(c) for c in cells if c):
        return False
    return sum(1 for c in cells if c and (_FORM_HEADER_RE.search(c) or looks_like_measure(c))) >= 1


def _short_subject(label: str) -> str:
    """Form labels can be whole sentences: keep the first clause(s) up to 40 chars,
    drop a definition after '=' and a trailing unit in brackets."""
    s = re.sub(r"\s+", "", label or "")
    s = re.split(r"[=＝]", s)[0]
    s = re.sub(r"[（(](?:[^（）()]{0,4})[）)]$", lambda m: "" if re.search(r"(条|个|%|万元|元|次|人|项|件|家|年度|年)", m.group(0)) else m.group(0), s)
    s = s.rstrip("。.；;，,、")
    if len(s) > 40:
        parts = re.split(r"(?<=[，,；;。])", s)
        out = ""
        for p_ in parts:
            if len(out) + len(p_) > 40:
                break
            out += p_
        s = out.rstrip("，,；;。") if len(out) >= 6 else ""
    return s


def _label_unit(label: str) -> str | None:
    m = re.search(r"[（(](条|个|项|次|人|件|家|台|套|人次|家次|万元|元|%|％)[）)]", label or "")
    return m.group(1).replace("％", "%") if m else None


def _continued_form_header(cells: list[str], prev: list[str | None]) -> list[str] | None:
    """A header remembered from the previous page, mapped onto the row's non-empty cells from
    the right (grids of two pages rarely align); None when it does not fit."""
    ne = [j for j, c in enumerate(cells) if c]
    if not prev or len(ne) > len(prev):
        return None
    hdr = [""] * len(cells)
    off = len(prev) - len(ne)
    for k, j in enumerate(ne):
        hdr[j] = _clean_cell(prev[off + k])
    return hdr


def _form_label(cells: list[str], hdr: list[str], j: int) -> str:
    """The label of form cell j: the nearest text cell to its left that is neither a figure nor
    long prose; a column headed 名称 / 三级指标 wins."""
    cands = [k for k in range(j - 1, -1, -1) if cells[k] and _form_value(cells[k]) is None
             and not _FORM_HEADER_RE.search(hdr[k] or "-")]
    named = [k for k in cands if _LABEL_HEADER_RE.search(hdr[k] or "")]
    return next((cells[k] for k in named[:1] + cands if len(cells[k]) <= 80), "")


FormFigure = tuple[tuple[Column, str], tuple[str, str | None, str]]   # ((column, token), Row.extra item)


def _form_figures(fv, mname: str, munit: str | None, label: str) -> list[FormFigure]:
    """The figures of a form cell's value(s) under measure `mname`, with subject, unit and qualifier."""
    subj = _short_subject(label)
    lunit = _label_unit(label)
    items = fv if isinstance(fv, list) else [(None,) + fv]
    out: list[FormFigure] = []
    for name, tok, vunit, op in items:
        unit = vunit or munit or lunit
        if unit is None and not re.search(r"(金额|资金|预算|决算|支出|收入)", mname):
            unit = ""                         # else None: the table unit applies
        out.append(((Column(measure=mname, unit=unit), tok), (_short_subject(name) if name else subj, unit, op)))
    return out


def _form_cell(cells: list[str], hdr: list[str], j: int) -> tuple[str, list[FormFigure]] | None:
    """(label, figures) of form cell j; None when it is no figure under a measure column or has no label."""
    fv = _form_value(cells[j])
    if fv is None:
        return None
    mname, munit = split_header_unit(hdr[j])
    mname = re.sub(r"[（(][^（）()]*[）)]$", "", mname)
    if not mname or not (_FORM_HEADER_RE.search(hdr[j]) or looks_like_measure(hdr[j])):
        return None
    label = _form_label(cells, hdr, j)
    if not label:
        return None
    return label, _form_figures(fv, mname, munit, label)


def _form_row(r: list[str | None], cells: list[str], header: list[str], page: int | None) -> Row | None:
    """A form row's figures as one Row (labelled by its first figure's label); None without figures."""
    hdr = list(header) + [""] * (len(cells) - len(header))
    figures: list[FormFigure] = []
    label_used = ""
    for j, c in enumerate(cells):
        read = _form_cell(cells, hdr, j) if c else None
        if read is None:
            continue
        figures.extend(read[1])
        label_used = label_used or read[0]
    if not figures:
        return None
    return Row(label=label_used, cells=[f[0] for f in figures], text="\t".join(c or "" for c in r).replace("\n", ""),
               page=page, extra=[f[1] for f in figures])


def _rows_from_form(grid, page, prev_header):
    """Rows of a form-like grid (header rows in the body, label | value pairs) and the header
    rows to carry to the table's next page."""
    rows: list[Row] = []
    header: list[str] | None = None          # measure name per column of the current header row
    prev = [c for c in (prev_header[-1] if prev_header else []) if _clean_cell(c)]
    last_hdr_row = None
    for r in grid:
        cells = [_clean_cell(c) for c in r]
        if not any(cells):
            continue
        if _is_form_header(r):
            header, last_hdr_row = cells, list(r)
            continue
        hdr = header if header is not None else _continued_form_header(cells, prev)
        row = _form_row(r, cells, hdr, page) if hdr is not None else None
        if row is not None:
            rows.append(row)
    return rows, ([last_hdr_row] if last_hdr_row else (prev_header or []))


def _grid_header(grid: list[list[str | None]], header_rows: list[list[str | None]] | None
                 ) -> tuple[list[list[str | None]], int]:
    """(header rows, index of the first body row): the leading rows without a figure, or
    `header_rows` of a previous page when there are none; a column-number row is skipped."""
    i = 0
    while i < len(grid) and not any(_cell_is_value(c) for c in grid[i][1:]):
        i += 1
    hdr = grid[:i]
    # a column-number row ("栏次 1 2 3" / "1 2 3 ...") is a header too
    while i < len(grid) and _is_index_row(grid[i]):
        i += 1
    return (hdr or header_rows or []), i


def _is_decimal_cell(c: str | None) -> bool:
    """A cell holding a figure with a decimal point."""
    return _cell_is_value(c) and "." in c


def _first_data_col(body: list[list[str | None]], ncols: int) -> int:
    """The first column holding a decimal figure (codes 201 / 05 are integers), else the first
    holding any figure; `ncols` when there is none."""
    for pred in (_is_decimal_cell, _cell_is_value):
        first = min((next((j for j, c in enumerate(r) if pred(c)), ncols) for r in body), default=ncols)
        if first < ncols:
            return first
    return ncols


@dataclass(frozen=True)
class _GridLayout:
    """What stays fixed while reading a grid's body."""
    ncols: int
    first_data_col: int
    first_cols: list[Column | None]   # columns of the table's header
    head_keys: set[str]               # the header rows' text (a header repeated after a page break)
    page: int | None


@dataclass(frozen=True)
class _BodyState:
    """What changes while reading a grid's body."""
    cols: list[Column | None]          # the columns in force
    scope: str | None = None           # unit of a unit line / sub-header inside the table
    block: list[list[str | None]] = field(default_factory=list)   # rows without figures since the last data row
    block_cap: bool = False            # the block holds a unit line


def _after_gap_row(st: _BodyState, r: list[str | None], lay: _GridLayout) -> _BodyState:
    """The reading state after a body row without figures: a unit line, the header again or a sub-header."""
    cap = caption_unit(" ".join((c or "").strip() for c in r if (c or "").strip()))
    if cap:                                           # "单位：万元" between two blocks
        return replace(st, scope=cap, block_cap=True)
    if looks_like_measure(split_header_unit(r[0] or "")[0]) and r[-1] is None and lay.first_data_col == 1:
        r = [None] + r[:-1]                           # a text header row that lost its empty label cell
    block = [*st.block, r]
    if _row_key(r) in lay.head_keys:                  # the header again (a page break)
        return replace(st, cols=lay.first_cols, scope=None, block=block)
    if _is_subheader(r, lay.first_data_col):          # 信息内容 | 本年收费金额（单位：万元）
        # a new block of the table: columns from its header rows; its unit is the one
        # its label cells or a unit line above state, else the table's
        cols = columns_from_header_rows(block, lay.ncols, lay.first_data_col)
        own = next((u for u in (_label_cells_unit(b[:lay.first_data_col]) for b in block) if u), None)
        return replace(st, cols=cols, scope=own or (st.scope if st.block_cap else None), block=block)
    return replace(st, block=block)


def _label_name(c: str | None) -> str:
    """A label cell's name; "" for an empty cell, a code (201) or code header (类 / 款 / 项) or a unit."""
    t = re.sub(r"\s*\n\s*", "", c or "").strip()
    if not t or is_plain_integer(t.replace(" ", "")) or _CODE_HEADER_RE.fullmatch(t) or caption_unit(t):
        return ""
    return t


_GENERIC_ROW = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十\d]+[、.．])?\s*"
                          r"(?:合\s*计|总\s*计|小\s*计|共\s*计|其\s*[他它]|其\s*中)[：:]?$")


def _heads(filled: list[list[bool]], k: int) -> list[int | None]:
    """For each row, the last row up to it with a cell filled in label columns 0..k: where the
    group in force at column k starts (None before any)."""
    out: list[int | None] = []
    head = None
    for i, f in enumerate(filled):
        head = i if any(f[:k + 1]) else head
        out.append(head)
    return out


def _merged_down(names: list[list[str]], filled: list[list[bool]], k: int) -> bool:
    """Label column k holds group labels merged down over the rows below them, set at the top of
    their span: every row labelled further right with nothing up to column k follows a row naming
    a group at k *and* its first member, and some (not a 合计 / 小计 row) does. A label set in the
    middle of its span (小计 rows above it), or one repeated on every row, is not read downwards."""
    seen = False
    for i, h in enumerate(_heads(filled, k)):
        if any(filled[i][:k + 1]) or not any(names[i][k + 1:]):
            continue
        if h is None or not names[h][k] or not any(names[h][k + 1:]):
            return False
        seen = seen or not _GENERIC_ROW.match(next(n for n in reversed(names[i]) if n))
    return seen


def _row_parents(body: list[list[str | None]], first_data_col: int) -> list[str]:
    """Each body row's group label: the nearest label left of its own, on its row or merged down
    to it (_merged_down); "" when none."""
    names = [[_label_name(r[k]) for k in range(first_data_col)] for r in body]
    filled = [[bool((r[k] or "").strip()) for k in range(first_data_col)] for r in body]
    down = {k: _heads(filled, k) for k in range(first_data_col) if _merged_down(names, filled, k)}
    out = []
    for i, row in enumerate(names):
        own = max((k for k, n in enumerate(row) if n), default=0)
        parent = ""
        for k in range(own - 1, -1, -1):
            h = i if filled[i][k] else (down[k][i] if k in down else None)
            if h is not None and names[h][k]:
                parent = names[h][k]
                break
            if any(filled[i][:k + 1]):
                break
        out.append(parent)
    return out


def _grid_data_row(r: list[str | None], st: _BodyState, lay: _GridLayout, parent: str = "") -> Row | None:
    """A body row with figures as a Row: label and unit from its label cells, each figure under
    its column (`parent`: the group over it); None when no figure falls under a column."""
    label, unit = _row_label(r[:lay.first_data_col])
    cells = []
    cell_units: list[str] = []
    for j in range(lay.first_data_col, lay.ncols):
        c = r[j]
        if c is None:
            continue
        tok = c.replace("\n", "").replace(" ", "")
        if st.cols[j] is not None and is_value(tok):
            cells.append((st.cols[j], tok))
        elif tok and not is_value(tok) and caption_unit(tok):
            cell_units.append(caption_unit(tok))    # a 度量单位 cell / "单位：万元" among the figures
    if unit is None and len(cells) == 1 and len(cell_units) == 1:
        unit = cell_units[0]                          # ... is the unit of the row's one figure only
    if not cells:
        return None
    text = "\t".join((c or "").replace("\n", "") for c in r)
    return Row(label=label, cells=cells, text=text, page=lay.page, unit=unit, scope_unit=st.scope, parent=parent)


def _grid_body_rows(body: list[list[str | None]], hdr: list[list[str | None]], ncols: int,
                    first_data_col: int, page: int | None) -> list[Row]:
    """Rows of a grid's body, reading the unit lines, repeated headers and sub-headers between them."""
    first_cols = columns_from_header_rows(hdr, ncols, first_data_col)
    lay = _GridLayout(ncols, first_data_col, first_cols, {_row_key(h) for h in hdr} - {""}, page)
    st = _BodyState(first_cols)
    rows: list[Row] = []
    body = [list(r) + [None] * (ncols - len(r)) for r in body]
    parents = _row_parents(body, first_data_col)
    for r, parent in zip(body, parents):
        if not any(_cell_is_value(c) for c in r[first_data_col:]):
            st = _after_gap_row(st, r, lay)
            continue
        st = _BodyState(st.cols, st.scope)
        row = _grid_data_row(r, st, lay, parent)
        if row is not None:
            rows.append(row)
    return rows


def _rows_from_grid_one(grid: list[list[str | None]], page: int | None = None, header_rows: list[list[str | None]] | None = None) -> tuple[list[Row], list[list[str | None]]]:
    """Rows of a grid (pdfplumber or tab-split text).  The header is the leading rows
    without any numeric cell (or `header_rows` given by a previous page of the same
    table).  Returns (rows, header_rows used) so a continued table can reuse them."""
    grid = [list(r) for r in grid if r is not None and any((c or "").strip() for c in r)]
    if not grid:
        return [], header_rows or []
    ncols = max(len(r) for r in grid)
    hdr, i = _grid_header(grid, header_rows)
    if not hdr:
        return [], []
    first_data_col = _first_data_col(grid[i:], ncols)
    if first_data_col == ncols:
        return [], hdr
    return _grid_body_rows(grid[i:], hdr, ncols, first_data_col, page), hdr


def _row_key(r: list[str | None]) -> str:
    """A row's text without whitespace (a header repeated after a page break re-wraps)."""
    return re.sub(r"\s+", "", "".join(c or "" for c in r))


def _row_label(parts: list[str | None]) -> tuple[str, str | None]:
    """(label, unit the label cells state) of a grid row's label cells: codes (科目编码)
    dropped, a cell that is only a unit ("单位：万元", "万元") gives the unit."""
    label_parts = [re.sub(r"\s*\n\s*", "", c or "").strip() for c in parts]
    # code column (科目编码) + name column: keep the name, drop pure codes
    label_parts = [p for p in label_parts if p and not is_plain_integer(p.replace(" ", ""))]
    units = [caption_unit(p) for p in label_parts]
    unit = next((u for u in units if u), None)
    label_parts = [p for p, u in zip(label_parts, units) if not u]
    label = label_parts[-1] if label_parts else ""
    label, own = _split_label_unit(label)
    return label, own or unit


def _split_label_unit(label: str) -> tuple[str, str | None]:
    """'行政事业性收费 单位：万元' → ('行政事业性收费', '万元'); '产值（亿元）' → ('产值（亿元）', '亿元')."""
    unit = stated_unit(label) if label else None
    if unit is None or label.strip() in ("万元", "亿元", "元", "千元", "%", "％"):
        return label, unit
    return (strip_unit_statement(label) or label), unit


def _label_cells_unit(parts: list[str | None]) -> str | None:
    return next((u for u in (stated_unit((c or "").strip()) for c in parts) if u), None)


_SUBHEADER_NAME_RE = re.compile(r"(数量|件数|个数|人数|次数|户数|金额|总额|合计|总计|小计|[数额率]$)")


def _is_subheader(r: list[str | None], first_data_col: int) -> bool:
    """A row without figures inside the table naming the columns again (a new block:
    信息内容 | 本年处理决定数量): every filled data cell is a short column name."""
    names = [re.sub(r"\s+", "", c or "") for c in r[first_data_col:]]
    names = [n for n in names if n]
    if not names:
        return False
    for n in names:
        name, unit = split_header_unit(n)
        name = strip_unit_statement(name)
        if not re.search(r"[\u4e00-\u9fff]", name) or len(name) > 20:
            return False
        if not (unit or looks_like_measure(name) or _SUBHEADER_NAME_RE.search(name)):
            return False
    return True


def head_and_body(lines, cells=None) -> tuple[list[list[str]], list[list[str]]]:
    """A table as rows of cells split into its header area (the rows before the first
    row with a figure: title, unit line, column names) and its body."""
    if cells:
        grid = [[c or "" for c in r] for r in cells]
    elif sum(1 for ln in lines if "\t" in ln) >= 2:
        grid = [ln.split("\t") for ln in lines]
    else:
        grid = [[ln] for ln in lines]

    def has_figure(r: list[str]) -> bool:
        if len(r) == 1:
            ln = r[0].strip()
            if re.match(r"^表\s*\d+", ln) and len(re.sub(r"\s+", "", ln)) <= 6:
                return False                      # "表 1": a caption, not a row
            if _SKIP_LINE_RE.match(ln) and _body_unit_line(ln, True) != ln:
                return False                      # 部门：… 单位：万元
            return _is_data_line(_tokens(ln))
        return any(_cell_is_value(c) for c in r[1:])

    n = next((k for k, r in enumerate(grid) if has_figure(r)), len(grid))
    return grid[:n], grid[n:]


def _is_index_row(r) -> bool:
    toks = [re.sub(r"\s+", "", (c or "")) for c in r]
    toks = [t for t in toks if t]
    nums = [t for t in toks if is_plain_integer(t)]
    other = [t for t in toks if not is_plain_integer(t)]
    return len(nums) >= 2 and all(o in ("栏次", "栏次：", "栏次:") for o in other) and \
        [int(x) for x in nums] == sorted(int(x) for x in nums) and int(nums[0]) <= 1


# ----------------------------------------------------------------------------- text lines

_SKIP_LINE_RE = re.compile(r"^(表\s*\d+[-—]?\d*\s*$|.*单位\s*[:：].*|部门\s*[:：].*|编制单位.*|注\s*[:：].*|.*续表.*$)")


def _tokens(line: str) -> list[str]:
    return _fix_spaced(line).split()


def rows_from_lines(lines: list[str] | tuple[str, ...], title: str = "", page: int | None = None) -> list[Row]:
    """Rows of a text table.  Tab-separated lines are read as a grid; space-separated
    lines (PDF text dumps) are reassembled: wrapped labels joined, 行次/科目编码
    dropped, two-sided rows split, header names fitted to the 栏次 column count."""
    lines = [ln.rstrip("\n") for ln in lines]
    if sum(1 for ln in lines if "\t" in ln) >= 2:
        grid = [ln.split("\t") for ln in lines if "\t" in ln]
        rows, _ = rows_from_grid(grid, page)
        return rows
    return _rows_from_space_lines(lines, title, page)


def _is_data_line(toks: list[str]) -> bool:
    vals = [t for t in toks if is_value(t)]
    if not vals:
        return False
    texts = [t for t in toks if not is_value(t)]
    if all(is_plain_integer(v) for v in vals):
        if not texts:
            return False           # "1 2 3 ... 12" column numbers / lone 行次
        if all(t in ("栏次",) for t in texts):
            return False
    return True


_SCOPE = "\x00unit:"      # marker line in the body of a space-separated table: a unit line
_CAPTION_START_RE = re.compile(r"^(表\s*\d|(?:编制|填报)?部门\s*[:：]|编制单位|填报单位|单位名称|(?:金额|计量)?单位\s*[:：])")


def _body_unit_line(s: str, seen_data: bool) -> str | None:
    """What a skipped line (单位：… / 部门：…) leaves in a table body: None (drop it), the
    line itself (a data row stating its own unit) or a _SCOPE marker (a unit line between
    two blocks, applying to the rows below it)."""
    toks = _tokens(s)
    if not seen_data or not stated_unit(s):
        return None
    if _is_data_line(toks) and not _CAPTION_START_RE.match(s) and \
            not caption_unit(" ".join(t for t in toks if not is_value(t))):
        return s
    cap = caption_unit(s)
    return _SCOPE + cap if cap else None


def _clean_space_lines(lines, title: str) -> list[str]:
    """The table's own lines: captions, notes, its title and 收入支出 banners dropped; a unit
    line in the body kept as itself or as a _SCOPE marker (see _body_unit_line)."""
    title_key = re.sub(r"\s+", "", title or "")
    clean: list[str] = []
    in_note = False
    seen_data = False
    for ln in lines:
        s = ln.strip()
        if not s:
            continue
        key = re.sub(r"\s+", "", s)
        if re.match(r"^表\s*\d+", s) and len(key) <= 6:
            in_note = False
            continue
        if in_note:
            continue
        if re.match(r"^注\s*[:：]", s):
            in_note = True
            continue
        if _SKIP_LINE_RE.match(s):
            kept = _body_unit_line(s, seen_data)
            if kept is not None:
                clean.append(kept)
            continue
        if (title_key and key == title_key) or re.fullmatch(r".{2,30}表", key):
            continue
        if key == "收入支出" or (key in ("收入", "支出") and not clean):
            continue
        clean.append(s)
        seen_data = seen_data or _is_data_line(_tokens(s))
    return clean


def _split_space_table(clean: list[str]) -> tuple[list[str], list[str], bool]:
    """(header: the lines before the first data line, body without repeated header lines,
    whether the header names a 行次 / 栏次 / 编码 column)."""
    h_end = next((k for k, ln in enumerate(clean) if _is_data_line(_tokens(ln))), len(clean))
    header = clean[:h_end]
    header_keys = {re.sub(r"\s+", "", h) for h in header}
    data = [ln for ln in clean[h_end:] if re.sub(r"\s+", "", ln) not in header_keys]
    has_index = any(re.search(r"行\s*次|栏\s*次|科目编码|编码", h) for h in header)
    return header, data, has_index


def _is_column_number_line(t: str) -> bool:
    """A header line of column numbers ("栏次 1 2 3" / "1 2 3")."""
    return bool(t.startswith("栏次") or re.fullmatch(r"[\d\s]+", t))


def _header_side_counts(header: list[str]) -> list[int]:
    """The column count of each side, from the header's column-number lines ("栏次 1 2 栏次 3 4")."""
    side_counts: list[int] = []
    for h in header:
        t = _fix_spaced(h)
        if not _is_column_number_line(t):
            continue
        for p in re.split(r"栏次", t):
            nums = p.split()
            if nums and all(is_plain_integer(x) for x in nums):
                side_counts.append(len(nums))
    return side_counts


def _header_sides(header: list[str]) -> list[list[list[str]]]:
    """Header name tokens by side (a 项目 / 科目名称 marker starts a new side) and by line;
    column-number lines and noise names (行次, 科目编码) dropped."""
    sides: list[list[list[str]]] = [[]]     # side → lines → tokens
    for h in header:
        t = _fix_spaced(h)
        if _is_column_number_line(t):
            continue
        cur_line: list[str] = []
        for tok in t.split():
            if tok in SIDE_MARKERS:
                if cur_line:
                    sides[-1].append(cur_line)
                    cur_line = []
                if any(sides[-1]):
                    sides.append([])
                continue
            if tok in _NOISE_HEADER:
                continue
            cur_line.append(tok)
        if cur_line:
            sides[-1].append(cur_line)
    return [s for s in sides if any(s)]


def _drop_group_titles(sides: list[list[list[str]]], header: list[str], side_counts: list[int]) -> list[list[list[str]]]:
    """Without column numbers, tokens before the first side marker are group titles when
    marked sides follow (人员经费 公用经费 / 科目名称 金额 / 科目名称 金额): drop them."""
    if len(sides) > 1 and any(re.search(r"科目名称", h) for h in header) and len(side_counts) == 0:
        marked = sum(1 for h in header if "科目名称" in _fix_spaced(h) or "项目" in _fix_spaced(h))
        if len(sides) > marked:
            return sides[1:]
    return sides


def _named_columns(names: list[str] | None) -> list[Column]:
    """Columns of header names (a unit in a name goes to its column); none when names is None."""
    return [Column(*split_header_unit(x)) for x in names] if names else []


def _side_columns(sides: list[list[list[str]]], side_counts: list[int]) -> list[list[Column]]:
    """The columns of each side: header fragments fitted to the column counts, else a column per token."""
    if side_counts and len(side_counts) == len(sides):
        return [_named_columns(fit_names(s, n)) for s, n in zip(sides, side_counts)]
    if side_counts and len(side_counts) == 1:
        return [_named_columns(fit_names([ln for s in sides for ln in s], side_counts[0]))]
    return [_named_columns([tok for ln in s for tok in ln]) for s in sides]


def _logical_rows(data: list[str], has_index: bool) -> list[tuple[str, str | None]]:
    """Body lines joined into logical rows (wrapped label lines joined to the line with the
    figures), each with the unit of the last unit line above it."""
    logical: list[tuple[str, str | None]] = []
    scope: str | None = None
    buf: list[str] = []
    for ln in data:
        if ln.startswith(_SCOPE):
            scope, buf = ln[len(_SCOPE):], []
            continue
        toks = _tokens(ln)
        if _is_data_line(toks) and any(not is_plain_integer(t) for t in toks if is_value(t)) or \
                (_is_data_line(toks) and not has_index):
            logical.append(((_join_buffer(buf) + " " + " ".join(toks)).strip(), scope))
            buf = []
        else:
            buf.append(" ".join(toks))
    # trailing buffer without values: nothing to read
    return logical


def _drops_plain_ints(logical: list[tuple[str, str | None]], has_index: bool) -> bool:
    """Decimals dominate in a table with a 行次 / 编码 column: its plain integers are 行次 / 科目编码."""
    vals = [t for r, _ in logical for t in r.split() if is_value(t)]
    dec = sum(1 for v in vals if "." in v)
    return bool(has_index and vals and dec >= 0.3 * len(vals))


def _value_groups(r: str, drop_ints: bool) -> list[tuple[list[str], list[str]]]:
    """A logical row's tokens as (label parts, values) groups, groups without values dropped."""
    groups: list[tuple[list[str], list[str]]] = []
    for tok in r.split():
        if is_value(tok):
            if drop_ints and is_plain_integer(tok):
                continue
            if not groups:
                groups.append(([], []))
            groups[-1][1].append(tok)
        else:
            if not groups or groups[-1][1]:
                groups.append(([], []))
            groups[-1][0].append(tok)
    return [g for g in groups if g[1]]


def _sided_rows(r: str, scope: str | None, side_cols: list[list[Column]], drop_ints: bool,
                page: int | None) -> list[tuple[int, Row]]:
    """The Rows of a logical row, one per side it has figures for, each with its side's index."""
    groups = _value_groups(r, drop_ints)
    if not groups:
        return []
    right_only = drop_ints and len(side_cols) > 1 and len(groups) == 1 and is_plain_integer(r.split()[0])
    out: list[tuple[int, Row]] = []
    for (label_parts, values), cols in _assign_sides(groups, side_cols, right_only):
        label, unit = _split_label_unit(_cjk_join(label_parts))
        if not label or cols is None:
            continue
        side = next((k for k, sc in enumerate(side_cols) if sc is cols), 0)
        out.append((side, Row(label=label, cells=list(zip(cols, values)), text=r, page=page,
                              unit=unit, scope_unit=scope)))
    return out


def _rows_from_space_lines(lines, title, page) -> list[Row]:
    """Rows of a space-separated text table: clean lines → header and body → columns per side
    → logical rows → rows per side."""
    clean = _clean_space_lines(lines, title)
    if not clean:
        return []
    header, data, has_index = _split_space_table(clean)
    side_counts = _header_side_counts(header)
    sides = _drop_group_titles(_header_sides(header), header, side_counts)
    side_cols = _side_columns(sides, side_counts)
    if not any(side_cols):
        return []
    logical = _logical_rows(data, has_index)
    drop_ints = _drops_plain_ints(logical, has_index)
    rows = [sr for r, scope in logical for sr in _sided_rows(r, scope, side_cols, drop_ints, page)]
    # one side after the other (收入 rows, then 支出 rows) so totals follow their items
    return [row for _, row in sorted(rows, key=lambda x: x[0])]


def _join_buffer(buf: list[str]) -> str:
    out = ""
    for b in buf:
        if is_plain_integer(b.split()[0]) if b.split() else False:
            out = (out + " " + b).strip()
        elif out and not is_plain_integer(out.split()[-1]):
            out += b.replace(" ", "")
        else:
            out = (out + " " + b).strip()
    return out


def _assign_sides(groups, side_cols, right_only=False):
    """Match value groups of a row to the table's sides by position and count."""
    n_sides = len(side_cols)
    out = []
    if len(groups) == n_sides:
        for g, cols in zip(groups, side_cols):
            out.append((g, cols if len(cols) == len(g[1]) else None))
        return out
    if len(groups) == 1:
        g = groups[0]
        fits = [cols for cols in side_cols if len(cols) == len(g[1])]
        if len(fits) >= 1:
            # several sides of the same width: the row is the right-hand side only when
            # the left side's label is missing (行次-only rows were dropped before)
            return [(g, fits[-1] if (len(fits) > 1 and right_only) else fits[0])]
        return [(g, None)]
    # more groups than sides: a label split by a value-like token; give up on the row
    for g in groups:
        fits = [cols for cols in side_cols if len(cols) == len(g[1])]
        out.append((g, fits[0] if len(fits) == 1 else None))
    return out


def _starts_right(g) -> bool:
    return False
