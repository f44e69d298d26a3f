"""CSV exports holding one report per row (a crawler's dump) -> CsvReport records. Pure.

Columns are found by header name (English or Chinese variants, see *_HEADERS); when no header
names a text column, the column with the most text is the report text. A CSV without a long-text
column (a run manifest, a failure log, a table of figures) is refused with NotReportCsv.

Web chrome is stripped conservatively by `clean_report_text` (only whole lines, only in the head
before the "各位代表" address and in a short tail after a closing marker):
  head: the toolbar lines 下载/打印/全屏/收藏/分享; the font-size block "【字号：/加大/还原/减小/】"
        and "【字体：/大/中/小/】"; breadcrumbs "您的位置: 首页 > 云南要闻"; label lines
        "来源：X", "时间：…", "发表时间：", "阅读量：" (with their value on the next line when the
        label stands alone); bare timestamps "2026-02-03 09:02:33", "2026年02月10日 07时41分";
        photo captions ("…作政府工作报告。本报记者 X 摄"); repeated head lines.
  tail: everything from the first of 相关报道：/相关文档：/相关链接>>/相关附件>>/责任编辑：/编辑：X/
        扫一扫在手机打开当前页/打印本页/关闭窗口/》》点击图片进入专题《《/（来源：X日报）/分享到:
        when what follows it is short (<= TAIL_MAX_CHARS); glossary notes (名词解释) are content.
  Timestamps, captions and repeated lines go only in a web head (one ending at "各位代表"); without
  that address only the toolbar, font-size block, breadcrumbs and label lines of the first 12 lines go.
Title, the "——2026年…会议上" line and the speaker line are kept; paragraphs stay one per line, and
inline-element splits of the body are re-joined ("…以PM" + "2.5" + "浓度…"; a lone "（").
A text column named by its header whose values are all empty gives EmptyDocument, not NotReportCsv.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import PurePath

from index.errors import EmptyDocument, IngestError, NotAReport, TooLarge, UnsupportedFile
from index.read.text_reader import decode_text

MIN_TEXT_CHARS = 200        # a report-text column has at least one value this long
TAIL_MAX_CHARS = 3000       # a tail marker cuts only when what follows it is this short
HEAD_MAX_LINES = 60         # the head (before "各位代表") is looked for in this many lines
SNIFF_BYTES = 256 * 1024

TEXT_HEADERS = ("fulltext", "text", "content", "body", "正文", "全文", "内容", "报告正文", "报告全文", "文本")
TITLE_HEADERS = ("title", "标题", "题目", "报告标题", "报告名称", "文件名称")
PLACE_HEADERS = ("province", "city", "region", "place", "area", "地区", "省份", "城市", "省", "市", "地市", "区域")
YEAR_HEADERS = ("year", "年份", "年度", "年")
PUBLISHED_HEADERS = ("publishdate", "pubdate", "published", "date", "发布日期", "发布时间", "日期")
URL_HEADERS = ("sourceurl", "url", "link", "链接", "网址", "原文链接", "来源链接")


class NotReportCsv(NotAReport):
    """A CSV that holds no report texts (no long-text column): a manifest, a log, a data table."""


@dataclass(frozen=True)
class CsvReport:
    row: int                 # 1-based data row (blank rows counted, header not)
    name: str                # display name: the title (place prefixed when missing) or "<stem>#<row>"
    text: str                # report text, web chrome removed, paragraphs one per line
    title: str | None
    place: str | None
    year: int | None
    published: str | None
    source_url: str | None


@dataclass(frozen=True)
class CsvColumns:
    """Which column (0-based) plays which role; `header` is None when the CSV has none."""
    text: int
    header: tuple[str, ...] | None
    title: int | None = None
    place: int | None = None
    year: int | None = None
    published: int | None = None
    source_url: int | None = None


@dataclass(frozen=True)
class CsvScan:
    """All that reading a report CSV yields: the reports and what was skipped."""
    reports: tuple[CsvReport, ...]
    columns: CsvColumns
    empty_rows: int                  # rows with no value at all (skipped)
    textless_rows: tuple[int, ...]   # data rows whose text is empty (skipped)
    warnings: tuple[str, ...]


# ------------------------------------------------------------------ public API

def read_csv_reports(data: bytes, filename: str, *, max_rows: int = 10_000) -> list[CsvReport]:
    """The reports of a report CSV; raises index.errors exceptions for anything else."""
    return list(scan_csv_reports(data, filename, max_rows=max_rows).reports)


def scan_csv_reports(data: bytes, filename: str, *, max_rows: int = 10_000) -> CsvScan:
    """Like read_csv_reports, with the column mapping and the skipped rows."""
    text = decode_text(data, filename)
    if not text.strip():
        raise EmptyDocument(f"CSV 文件是空的: {filename} (empty CSV file)")
    rows = _parse_rows(text, filename, max_rows)
    columns, data_rows = _find_columns(rows, filename)
    return _collect(data_rows, columns, filename)


def looks_like_csv_reports(data: bytes) -> bool:
    """Cheap sniff: a delimited text whose header names a text column or whose rows hold long text."""
    head = data[:SNIFF_BYTES]
    if b"\x00" in head or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF"):
        return False
    text = _decode_head(head, complete=len(data) <= SNIFF_BYTES)
    if text is None or not text.strip():
        return False
    try:
        rows = _parse_rows(text, "", max_rows=200, sample=True)
    except IngestError:
        return False
    first = next((r for r in rows if any(c.strip() for c in r)), [])
    if len(first) < 2:
        return False
    if _role_index(first, TEXT_HEADERS) is not None:
        return True
    if not all(len(c) <= 40 for c in first):   # the first row is no header: a headerless dump
        return any(len(c.strip()) >= MIN_TEXT_CHARS for c in first)
    return any(len(c.strip()) >= MIN_TEXT_CHARS and not _is_url(c) for r in rows[1:] for c in r)


def clean_report_text(raw: str) -> str:
    """Report text from a web page's text: chrome lines removed, one paragraph a line."""
    lines = [_tidy(ln) for ln in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    lines = _cut_tail(lines)
    end = _head_end(lines)
    if end is None:          # no "各位代表": only unmistakable chrome goes, from the first lines
        end = min(len(lines), 12)
        return "\n".join(_strip_head(lines[:end], web_head=False) + _join_fragments(lines[end:]))
    return "\n".join(_strip_head(lines[:end], web_head=True) + _join_fragments(lines[end:]))


# ------------------------------------------------------------------ CSV parsing

def _parse_rows(text: str, filename: str, max_rows: int, *, sample: bool = False) -> list[list[str]]:
    """All records (header included); TooLarge past max_rows data rows."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",\t;|", key=first_line.count) if any(d in first_line for d in ",\t;|") else ","
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)   # process-wide; only ever raised
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for rec in reader:
            if len(rows) > max_rows:
                if sample:
                    break
                raise TooLarge(f"CSV 行数超过上限 {max_rows}: {filename} "
                               f"(more than {max_rows} data rows)")
            rows.append(rec)
    except csv.Error as exc:
        if sample:           # a sniff sample may end inside a record
            return rows
        raise UnsupportedFile(f"CSV 格式错误，无法解析: {filename} (malformed CSV: {exc})") from exc
    return rows


def _norm_header(cell: str) -> str:
    return re.sub(r"[\s_\-.]+", "", cell.strip().lstrip("\ufeff")).lower()


def _role_index(header: list[str], names: tuple[str, ...]) -> int | None:
    """Index of the first header cell naming one of `names` (earlier names win)."""
    normed = [_norm_header(c) for c in header]
    for name in names:
        if name in normed:
            return normed.index(name)
    return None


def _find_columns(rows: list[list[str]], filename: str) -> tuple[CsvColumns, list[list[str]]]:
    """The column roles and the data rows (header removed)."""
    first = rows[0] if rows else []
    text_idx = _role_index(first, TEXT_HEADERS)
    named = text_idx is not None
    if named:
        header: tuple[str, ...] | None = tuple(c.strip().lstrip("\ufeff") for c in first)
        body = rows[1:]
    else:
        has_header = bool(first) and max((len(c.strip()) for c in first), default=0) < MIN_TEXT_CHARS
        header = tuple(c.strip().lstrip("\ufeff") for c in first) if has_header else None
        body = rows[1:] if has_header else rows
        text_idx = _longest_column(body)
    longest = max((len(r[text_idx].strip()) for r in body if text_idx is not None and text_idx < len(r)), default=0)
    if text_idx is None or longest < MIN_TEXT_CHARS and not (named and longest == 0):
        raise NotReportCsv(_no_text_message(filename, header, len(body), longest))
    return CsvColumns(text=text_idx, header=header, **_metadata_roles(header)), body


def _metadata_roles(header: tuple[str, ...] | None) -> dict[str, int | None]:
    """Columns of the metadata fields, by header name (none without a header)."""
    if header is None:
        return {}
    cells = list(header)
    return {"title": _role_index(cells, TITLE_HEADERS), "place": _role_index(cells, PLACE_HEADERS),
            "year": _role_index(cells, YEAR_HEADERS), "published": _role_index(cells, PUBLISHED_HEADERS),
            "source_url": _role_index(cells, URL_HEADERS)}


def _longest_column(body: list[list[str]]) -> int | None:
    """The column holding the most non-URL text (None when there are no cells)."""
    totals: dict[int, int] = {}
    for row in body:
        for i, cell in enumerate(row):
            if not _is_url(cell):
                totals[i] = totals.get(i, 0) + len(cell.strip())
    return max(totals, key=lambda i: (totals[i], -i)) if totals else None


def _no_text_message(filename: str, header: tuple[str, ...] | None, n_rows: int, longest: int) -> str:
    cols = "、".join(header) if header else "（无表头 no header）"
    if n_rows == 0:
        return (f"CSV 没有报告正文列，也没有数据行，不是报告文件: {filename}；列：{cols} "
                f"(not a report CSV: no text column such as full_text/正文, and no data rows)")
    return (f"CSV 没有报告正文列（最长的值只有 {longest} 字，至少需要 {MIN_TEXT_CHARS} 字），不是报告文件: "
            f"{filename}；列：{cols} (not a report CSV: no long-text column such as full_text/正文; "
            f"longest value {longest} chars)")


# ------------------------------------------------------------------ rows -> reports

def _collect(body: list[list[str]], cols: CsvColumns, filename: str) -> CsvScan:
    stem = PurePath(filename).stem or "csv"
    reports: list[CsvReport] = []
    empty = 0
    textless: list[int] = []
    for n, row in enumerate(body, start=1):
        if not any(c.strip() for c in row):
            empty += 1
            continue
        text = clean_report_text(_cell(row, cols.text) or "")
        if not text:
            textless.append(n)
            continue
        reports.append(_report(n, row, cols, text, stem))
    warnings = _warnings(empty, textless)
    if not reports:
        raise EmptyDocument(f"CSV 中没有正文不为空的报告: {filename} "
                            f"(no row with report text; {len(textless)} empty-text rows, {empty} blank rows)")
    return CsvScan(reports=tuple(reports), columns=cols, empty_rows=empty, textless_rows=tuple(textless),
                   warnings=warnings)


def _report(n: int, row: list[str], cols: CsvColumns, text: str, stem: str) -> CsvReport:
    title = _cell(row, cols.title)
    place = _cell(row, cols.place)
    year = _year(_cell(row, cols.year)) or _year(title)
    return CsvReport(row=n, name=_display_name(title, place, stem, n), text=text, title=title, place=place,
                     year=year, published=_cell(row, cols.published), source_url=_cell(row, cols.source_url))


def _cell(row: list[str], idx: int | None) -> str | None:
    if idx is None or idx >= len(row):
        return None
    value = _tidy(row[idx]) if "\n" not in row[idx] else row[idx].strip()
    return value or None


def _year(value: str | None) -> int | None:
    m = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", value or "")
    return int(m.group(0)) if m else None


def _display_name(title: str | None, place: str | None, stem: str, n: int) -> str:
    if not title:
        return f"{stem}#{n}"
    short = re.sub(r"(?:维吾尔|壮族|回族)?(?:自治区|省|市)$", "", place or "")
    return f"{place}{title}" if place and short and short not in title else title


def _warnings(empty: int, textless: list[int]) -> tuple[str, ...]:
    out = []
    if empty:
        out.append(f"跳过 {empty} 个空行 (skipped {empty} blank rows)")
    if textless:
        rows = "、".join(str(r) for r in textless[:20])
        out.append(f"第 {rows} 行正文为空，已跳过 (skipped rows with empty text: {rows})")
    return tuple(out)


def _is_url(cell: str) -> bool:
    return bool(re.match(r"^\s*(?:https?|ftp)://\S+\s*$", cell))


def _decode_head(head: bytes, *, complete: bool) -> str | None:
    """The sniff sample as text (UTF-8, then GB18030); a character cut at the end is dropped."""
    cuts = (0,) if complete else (0, 1, 2, 3)
    for enc in ("utf-8-sig", "gb18030"):
        for cut in cuts:
            try:
                return head[:len(head) - cut].decode(enc)
            except UnicodeDecodeError:
                continue
    return None


# ------------------------------------------------------------------ web chrome

_TOOLBAR = frozenset({"下载", "打印", "全屏", "收藏", "分享", "分享：", "分享:", "分享到：", "分享到:", "|", "×",
                      "【", "】", "打印本页", "关闭窗口", "【打印本页】", "【关闭窗口】", "字号：", "字号:"})
_FONT_BLOCK = re.compile(r"^【\s*(?:字号|字体)")
_FONT_BLOCK_END_WORDS = frozenset({"加大", "还原", "减小", "大", "中", "小", "默认", "】"})
_POSITION = re.compile(r"^(?:您的位置|您现在的位置|当前位置|所在位置)\s*[:：]?\s*(.*)$")
_CRUMB_SEP = frozenset({">", "＞", "»", ">>", "›"})
_LABEL_ALONE = re.compile(r"^(?:来源|时间|发布时间|发表时间|发布日期|日期|阅读量|阅读|浏览量|浏览次数|点击数|作者)\s*[:：]$")
_LABEL_VALUE = re.compile(r"^(?:来源|时间|发布时间|发表时间|发布日期|阅读量|浏览量|浏览次数|点击数)\s*[:：]\s*\S.{0,40}$")
_TIMESTAMP = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                        r"(?:\s*\d{1,2}\s*[:：时]\s*\d{2}\s*(?:分|[:：]\s*\d{2})?)?$")
_CAPTION = re.compile(r"作政府工作报告|记者\s*\S{1,12}\s*摄\s*$|\s摄$|^(?:图|图为)[:：]")
_ADDRESS = re.compile(r"^各位代表")
_TAIL_MARK = re.compile(
    r"^(?:相关(?:报道|文档|链接|附件|阅读|新闻|稿件)\s*[:：>》]*"
    r"|延伸阅读\s*[:：]?|责任编辑\s*[:：].{0,12}|编辑\s*[:：]\s*\S{1,8}"
    r"|扫一扫在手机(?:上)?打开当前页|【?\s*(?:打印本页|关闭窗口)\s*】?"
    r"|》》.{1,20}《《|[（(]\s*来源\s*[:：].{1,20}[)）]|分享到\s*[:：]?)$")


def _tidy(line: str) -> str:
    return line.replace("\u200b", "").replace("\ufeff", "").replace("\xa0", " ").strip()


_SENTENCE_END = "。！？；：!?;:…”’）)》】"
_OPENERS = frozenset({"（", "(", "“", "《", "【"})


def _join_fragments(lines: list[str]) -> list[str]:
    """Repair inline-element splits in the body ("…以PM" / "2.5" / "浓度…"): a short line (<= 6
    chars) after a long line (> 20 chars) that ends mid-sentence is joined to it, and to the next
    line when the fragment itself ends mid-sentence; a lone opening bracket joins the next line."""
    out: list[str] = []
    glue_next = False
    for ln in lines:
        if glue_next and out:
            out[-1] += ln
            glue_next = False
            continue
        if ln in _OPENERS:
            out.append(ln)
            glue_next = True
            continue
        prev = out[-1] if out else ""
        if len(ln) <= 6 and len(prev) > 20 and prev[-1] not in _SENTENCE_END and not _ADDRESS.match(ln):
            out[-1] = prev + ln
            glue_next = ln[-1] not in _SENTENCE_END
            continue
        out.append(ln)
    return out


def _cut_tail(lines: list[str]) -> list[str]:
    """Drop the page's closing chrome: from the first tail marker followed by little text."""
    tail_chars = 0
    cut = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if tail_chars > TAIL_MAX_CHARS:
            break
        if _TAIL_MARK.match(lines[i]):
            cut = i
        tail_chars += len(lines[i])
    return lines[:cut]


def _head_end(lines: list[str]) -> int | None:
    """Index of the "各位代表" address line (None when the first lines have none)."""
    for i, ln in enumerate(lines[:HEAD_MAX_LINES]):
        if _ADDRESS.match(ln):
            return i
    return None


def _strip_head(lines: list[str], *, web_head: bool) -> list[str]:
    """Remove chrome lines from the head. Timestamps, photo captions and repeated lines count as
    chrome only in a web page's head (the lines before the "各位代表" address)."""
    end = len(lines)
    kept: list[str] = []
    crumbs: set[str] = set()
    i = 0
    while i < end:
        ln = lines[i]
        skip, new_crumbs = _chrome_run(lines, i, end)
        if skip:
            crumbs |= new_crumbs
            i += skip
            continue
        if ln in crumbs or _is_chrome_line(ln) or web_head and (ln in kept or _is_web_head_line(ln)):
            i += 1
            continue
        kept.append(ln)
        i += 1
    return kept


def _is_chrome_line(ln: str) -> bool:
    return ln in _TOOLBAR or bool(_LABEL_VALUE.match(ln))


def _is_web_head_line(ln: str) -> bool:
    return bool(_TIMESTAMP.match(ln)) or bool(_CAPTION.search(ln))


def _chrome_run(lines: list[str], i: int, end: int) -> tuple[int, set[str]]:
    """(lines to skip, breadcrumb items) for a multi-line chrome run starting at i, else (0, ∅)."""
    ln = lines[i]
    if _FONT_BLOCK.match(ln):
        j = i + 1
        if not ln.endswith("】"):
            while j < end and j - i <= 6 and lines[j] in _FONT_BLOCK_END_WORDS:
                j += 1
                if lines[j - 1] == "】":
                    break
        return j - i, set()
    if _LABEL_ALONE.match(ln):
        nxt = lines[i + 1] if i + 1 < end else ""
        takes_value = nxt and len(nxt) <= 30 and not nxt.startswith("【") and not _LABEL_ALONE.match(nxt)
        return (2 if takes_value else 1), set()
    pos = _POSITION.match(ln)
    if pos or (ln == "首页" and i + 1 < end and lines[i + 1] in _CRUMB_SEP):
        return _breadcrumb(lines, i, end, inline=pos.group(1) if pos else "")
    return 0, set()


def _breadcrumb(lines: list[str], i: int, end: int, inline: str) -> tuple[int, set[str]]:
    """A breadcrumb: "首页 > 政务信息 > 宁夏要闻", one item a line or all in one line."""
    items = {p.strip() for p in re.split(r"[>＞»›]+", inline) if p.strip()}
    j = i + 1 if _POSITION.match(lines[i]) else i
    if j < end and lines[j] == "首页":
        items.add("首页")
        j += 1
        while j + 1 < end and lines[j] in _CRUMB_SEP and len(lines[j + 1]) <= 12:
            items.add(lines[j + 1])
            j += 2
    return j - i, items
