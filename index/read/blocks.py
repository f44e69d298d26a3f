"""Pages -> ordered blocks (Heading | ParaBlock | TableBlock).

A line-level state machine: page-number lines dropped, wrapped lines of one sentence joined,
table regions of text dumps recognised (tab rows, label+number rows, 科目编码/行次 headers,
labels wrapped onto the next line), table headers repeated on every page dropped, a table's
title ("表1 收入支出决算总表") and unit ("单位：万元") kept with it, ruled PDF tables placed where
they sit and merged across pages, table-of-contents lines dropped.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from index.read.clean import (
    collapse_cjk_spaces,
    ends_sentence,
    has_sentence_punct,
    is_toc_line,
    is_unit_line,
    join_pair,
    normalize_line,
    number_tokens,
    page_number,
    unit_in_header,
)
from index.read.headings import TABLE_LEVEL, classify_heading, match_label
from index.read.pdf_reader import TABLE_MARK, RawPage, RawTable
from index.records import Heading

_HEADER_WORDS = re.compile(r"行次|栏次|科目编码|科目名称|决算数|预算数|项\s+目|功能分类|经济分类|预算科目")
_TOC_TITLE = re.compile(r"^目\s*录$")
FRAGMENT_CHARS = 15
_KEY_VALUE = re.compile(r"^[^\t：:]{2,14}[：:]\s*\S")


@dataclass
class ParaBlock:
    parts: list[tuple[int, str]] = field(default_factory=list)   # (page, text) per source line

    @property
    def text(self) -> str:
        out = ""
        for _, t in self.parts:
            out = join_pair(out, t) if out else t
        return collapse_cjk_spaces(out)

    @property
    def page(self) -> int:
        return self.parts[0][0]

    @property
    def page_end(self) -> int:
        return self.parts[-1][0]


@dataclass
class TableBlock:
    page: int
    page_end: int
    title: str = ""
    unit: str | None = None
    lines: list[str] = field(default_factory=list)
    cells: list[tuple[str, ...]] | None = None
    header: list[str] = field(default_factory=list)   # text tables: lines before the first data row
    data_rows: int = 0
    number: str = ""                                  # "表1" label, for repeated-header detection


Block = Heading | ParaBlock | TableBlock


@dataclass(frozen=True)
class Item:
    page: int
    text: str
    table: RawTable | None = None


# ---------------------------------------------------------------- line predicates

def is_row(line: str) -> bool:
    """A table row or header line of a text dump (not prose)."""
    s = line.strip()
    if not s:
        return False
    if "\t" in line:
        return True
    if has_sentence_punct(s):
        return False
    if _KEY_VALUE.match(s):
        return False
    toks = s.split()
    nums = [t for k, t in enumerate(toks) if number_tokens(t)
            and not (k + 1 < len(toks) and toks[k + 1][:1] in "年月日")]
    if len(nums) >= 2:
        return True
    if nums and len(toks) >= 2 and toks[-1] in nums:
        return True
    if _HEADER_WORDS.search(s):
        return True
    return len(toks) >= 3 and all(len(t) <= 12 for t in toks)


def is_data_row(line: str) -> bool:
    s = line.strip()
    return bool(number_tokens(s)) and not s.startswith("栏")


def is_fragment(line: str) -> bool:
    s = line.strip()
    return len(s) <= FRAGMENT_CHARS and not has_sentence_punct(s)


def _norm(s: str) -> str:
    return "".join(s.split())


def _is_tiny_tail(nxt: Item | None, page: int) -> bool:
    """A next line on the same page of at most 2 characters, not a number: a heading's wrapped tail."""
    return nxt is not None and nxt.table is None and len(nxt.text.strip()) <= 2 \
        and nxt.page == page and not number_tokens(nxt.text.strip())


def _is_heading_tail(nxt: Item | None) -> bool:
    """A short next line, neither sentence end, heading nor row, that may finish a wrapped heading."""
    return nxt is not None and nxt.table is None and len(nxt.text.strip()) <= 12 \
        and not ends_sentence(nxt.text) \
        and classify_heading(nxt.text) is None and not is_row(nxt.text)


# ---------------------------------------------------------------- items

def page_items(pages: list[RawPage]) -> list[Item]:
    """Flatten pages into items: non-blank normalized lines and table placeholders."""
    items: list[Item] = []
    for p in pages:
        lines = [normalize_line(ln) for ln in p.text.split("\n")]
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(nonblank[:1] + nonblank[-1:])
        used: set[int] = set()
        for i, ln in enumerate(lines):
            if not ln.strip():
                continue
            if i in edge and page_number(ln) is not None:
                continue
            if ln.startswith(TABLE_MARK):
                k = int(ln[len(TABLE_MARK):])
                if k < len(p.tables):
                    items.append(Item(p.number, "", p.tables[k]))
                    used.add(k)
                continue
            items.append(Item(p.number, ln))
        for k, t in enumerate(p.tables):
            if k not in used:
                items.append(Item(p.number, "", t))
    return items


def full_width(items: list[Item]) -> int:
    """Typical length of a full prose line (median of prose-like lines)."""
    lens = [len(it.text.strip()) for it in items
            if it.table is None and len(it.text.strip()) >= 8 and not is_row(it.text)]
    return int(statistics.median(lens)) if lens else 40


# ---------------------------------------------------------------- state machine

class _Builder:
    def __init__(self, items: list[Item]):
        self.items = items
        self.width = full_width(items)
        self.blocks: list[Block] = []
        self.para: ParaBlock | None = None
        self.table: TableBlock | None = None
        self.pending: Heading | None = None     # a 表N heading waiting for its table
        self.pending_unit: str | None = None
        self.skip: set[str] | None = None        # repeated header lines being skipped
        self.in_toc = False
        self.toc_titles: list[str] = []
        self.consumed: set[int] = set()          # items merged into an earlier line
        self.continuing: TableBlock | None = None  # a ruled table continued after a repeated title

    # -- helpers
    def peek(self, i: int, k: int = 1) -> Item | None:
        j = i + k
        return self.items[j] if j < len(self.items) else None

    def close_para(self) -> None:
        if self.para and self.para.parts:
            self.blocks.append(self.para)
        self.para = None

    def close_table(self) -> None:
        t = self.table
        self.table = None
        self.skip = None
        if t is None:
            return
        if t.cells is None and t.data_rows == 0 and not t.number:
            # not a table after all: keep its lines as a paragraph
            self.blocks.append(ParaBlock([(t.page, ln) for ln in t.lines]))
            return
        self.blocks.append(t)

    def add_prose(self, page: int, text: str) -> None:
        if self.para is not None and self.para.parts and self._joins(self.para.parts[-1][1], text):
            self.para.parts.append((page, text.strip()))
            return
        self.close_para()
        self.para = ParaBlock([(page, text.strip())])

    def _joins(self, prev: str, nxt: str) -> bool:
        p = prev.strip()
        if ends_sentence(p):
            return False
        if p.endswith(("，", "、", "（", "“", "《")):
            return True
        return len(p) >= 0.8 * self.width

    def wrapped_heading(self, i: int, h: Heading, line: str) -> bool:
        """A heading-like line that is the first line of a wrapped paragraph."""
        s = line.strip()
        if ends_sentence(s) or len(s) < 0.85 * self.width or self.width < 20:
            return False
        nxt = self.peek(i)
        return nxt is not None and nxt.table is None and classify_heading(nxt.text) is None \
            and not is_row(nxt.text)

    def label_wrapped_in_table(self, i: int) -> bool:
        """Inside a table: "三、国有资本经营预算财政拨款收" followed by "入" or by "3 0.00 …"."""
        nxt = self.peek(i)
        if nxt is None or nxt.table is not None:
            return False
        s = nxt.text.strip()
        toks = s.split()
        return (len(s) <= 6 and not has_sentence_punct(s) and classify_heading(s) is None) or \
            (bool(toks) and bool(number_tokens(toks[0])) and is_row(s))

    def start_table(self, page: int) -> TableBlock:
        self.close_para()
        t = TableBlock(page=page, page_end=page)
        if self.pending is not None:
            t.title, t.number = self.pending.title, self.pending.label
            t.unit = self.pending_unit
        self.pending, self.pending_unit = None, None
        self.table = t
        return t

    def table_line(self, page: int, line: str) -> None:
        t = self.table
        assert t is not None
        s = line.rstrip()
        t.page_end = max(t.page_end, page)
        if t.data_rows == 0 and not is_data_row(s):
            t.header.append(s)
        elif is_data_row(s):
            t.data_rows += 1
        t.unit = t.unit or is_unit_line(s) or unit_in_header(s)
        t.lines.append(s)

    def add_raw_table(self, page: int, raw: RawTable) -> None:
        self.close_para()
        prev = self.table if self.table is not None and self.table.cells is not None else None
        if prev is None and self.continuing is not None:
            while self.blocks and self.blocks[-1] is not self.continuing and isinstance(self.blocks[-1], ParaBlock):
                self.blocks.pop()
            prev, self.continuing = self.continuing, None
            self.pending = None
        if prev is None and self.blocks and isinstance(self.blocks[-1], TableBlock) \
                and self.blocks[-1].cells is not None and self.pending is None:
            prev = self.blocks[-1]
        ncols = max(len(r) for r in raw.cells)
        if prev is not None and prev.cells and len(prev.cells[0]) == ncols and page == prev.page_end + 1 \
                and self.para is None and (self.pending is None or self.pending.label == prev.number):
            head = prev.cells[: max(1, min(3, len(prev.cells)))]
            rows = list(raw.cells)
            while rows and head and rows[0] in head:
                rows.pop(0)
            prev.cells.extend(rows)
            prev.lines.extend("\t".join(r) for r in rows)
            prev.page_end = page
            if prev is self.table:
                return
            if self.blocks and self.blocks[-1] is prev:
                self.blocks.pop()
                self.table = prev
                self.close_table()
            self.pending, self.pending_unit = None, None
            return
        self.close_table()
        t = self.start_table(page)
        cells = [tuple(r) + ("",) * (ncols - len(r)) for r in raw.cells]
        t.cells = cells
        t.lines = ["\t".join(r) for r in cells]
        for r in cells[:3]:
            t.unit = t.unit or unit_in_header(" ".join(r)) or is_unit_line(" ".join(r))
        t.data_rows = sum(1 for r in cells if any(number_tokens(c) for c in r))
        self.close_table()
        self.table = None
        # keep the merged-table candidate reachable: it is the last block now

    def take_caption_before(self) -> tuple[str, str | None]:
        """Use a short caption paragraph ("单位：万元", "…情况表") right before a table."""
        title, unit = "", None
        while self.para is not None and self.para.parts:
            last = self.para.parts[-1][1].strip()
            u = is_unit_line(last)
            if u and len(last) <= 40:
                unit = unit or u
                self.para.parts.pop()
                continue
            if len(last) <= 30 and last.endswith("表") and not has_sentence_punct(last):
                title = title or collapse_cjk_spaces(last)
                self.para.parts.pop()
                continue
            break
        if self.para is not None and not self.para.parts:
            self.para = None
        if self.para is None:
            for _ in range(2):
                if not self.blocks or not isinstance(self.blocks[-1], ParaBlock):
                    break
                last = self.blocks[-1].text
                u = is_unit_line(last)
                if u and len(last) <= 40 and not unit:
                    unit = u
                elif not title and len(last) <= 30 and last.endswith("表") and not has_sentence_punct(last):
                    title = last
                else:
                    break
                self.blocks.pop()
        return title, unit

    # -- main loop
    def run(self) -> list[Block]:
        for i, it in enumerate(self.items):
            if i in self.consumed:
                continue
            if it.table is not None:
                self.close_table_if_text()
                self.caption_to_pending(it.page)
                self.add_raw_table(it.page, it.table)
                continue
            self.line(i, it.page, it.text)
        self.close_table()
        self.close_para()
        return self.blocks

    def close_table_if_text(self) -> None:
        t = self.table
        if t is not None and t.cells is None:
            if t.data_rows == 0 and len(t.lines) <= 3:
                # "单位名称：… 单位：万元" above a ruled table: its caption, not a table
                self.table = None
                self.pending = Heading(TABLE_LEVEL, t.number, t.title, t.page) if (t.title or t.number) else self.pending
                self.pending_unit = t.unit or self.pending_unit
                return
            self.close_table()

    def caption_to_pending(self, page: int) -> None:
        """Take the caption right before a table as the pending 表 heading and unit."""
        title, unit = self.take_caption_before()
        if title and self.pending is None:
            self.pending = Heading(level=TABLE_LEVEL, label="", title=title, page=page)
        self.pending_unit = self.pending_unit or unit

    def line(self, i: int, page: int, line: str) -> None:
        """Dispatch one text line on its kind: TOC, heading, table line, caption, row or prose."""
        s = line.strip()
        if self.toc_line(s):
            return
        h = self.heading_of(s, page)
        if self.wrapped_heading_joined(i, page, s, h):
            return
        if self.toc_entry(s, h):
            return
        if self.text_table_line(i, page, s, h):
            return
        if self.table_heading_follow_up(page, s, h):
            return
        if self.continued_table_title(page, s, h):
            return
        if h is not None and not self.wrapped_heading(i, h, s):
            self.add_heading(h)
            return
        if self.starts_text_table(i, s):
            self.caption_to_pending(page)
            self.open_text_table(page, s)
            return
        self.pending = None
        self.add_prose(page, s)

    def toc_line(self, s: str) -> bool:
        """A "目录" title (entering the TOC) or a dotted TOC line: dropped."""
        if _TOC_TITLE.match(collapse_cjk_spaces(s)):
            self.close_para()
            self.in_toc = True
            return True
        if is_toc_line(s):
            self.close_para()
            return True
        return False

    def heading_of(self, s: str, page: int) -> Heading | None:
        """The line's heading, except "注：1.… / 2.…" note items."""
        h = classify_heading(s, page)
        if h is not None and self.para is not None and self.para.parts[0][1].startswith("注") \
                and re.match(r"^\d", s):
            return None
        return h

    def wrapped_heading_joined(self, i: int, page: int, s: str, h: Heading | None) -> bool:
        """A heading wrapped onto a short second line: join both lines into one heading."""
        if h is None or h.level in (0, TABLE_LEVEL) or ends_sentence(s) or self.table is not None:
            return False
        nxt = self.peek(i)
        if not (_is_tiny_tail(nxt, page) or (len(s) >= 0.8 * self.width and self.width >= 20)):
            return False
        if not _is_heading_tail(nxt):
            return False
        h2 = classify_heading(join_pair(s, nxt.text.strip()), page)
        if h2 is None:
            return False
        self.consumed.add(i + 1)
        self.push_heading(h2)
        self.pending = None
        return True

    def toc_entry(self, s: str, h: Heading | None) -> bool:
        """Inside the TOC: its headings and fragments are dropped; any other line ends it."""
        if not self.in_toc:
            return False
        if h is not None and h.title not in self.toc_titles:
            self.toc_titles.append(h.title)
            return True
        if h is None and is_fragment(s):
            return True
        self.in_toc = False
        return False

    def text_table_line(self, i: int, page: int, s: str, h: Heading | None) -> bool:
        """Inside a text table: skip a repeated header, add a table line, or close the table."""
        t = self.table
        if t is None or t.cells is not None:
            return False
        if self.repeated_header(t, s, h):
            return True
        if self.belongs_to_table(i, s, h):
            self.table_line(page, s)
            return True
        self.close_table()
        return False

    def repeated_header(self, t: TableBlock, s: str, h: Heading | None) -> bool:
        """The table's title, header lines or first data row repeated on a new page."""
        if h is not None and h.level == TABLE_LEVEL and h.label == t.number:
            self.skip = {_norm(x) for x in t.header} | {_norm(t.title.replace(t.number, "", 1))}
            return True
        if self.skip is None:
            return False
        if _norm(s) in self.skip or not _norm(s):
            return True
        first = next((ln for ln in t.lines if is_data_row(ln)), None)
        self.skip = None
        return first is not None and _norm(s) == _norm(first)

    def belongs_to_table(self, i: int, s: str, h: Heading | None) -> bool:
        """A row, unit line, label wrapped in the table or fragment that goes on the open text table."""
        return bool(is_row(s) or is_unit_line(s) or (h is not None and h.level != 1 and h.level != TABLE_LEVEL
                                                     and self.label_wrapped_in_table(i))
                    or (h is None and is_fragment(s)))

    def table_heading_follow_up(self, page: int, s: str, h: Heading | None) -> bool:
        """After a 表N heading: its title continuation, or a unit line / row starting its table."""
        if self.pending is None or h is not None:
            return False
        if self.pending.title == self.pending.label and len(s) <= 40 and not has_sentence_punct(s) \
                and not is_row(s) and not is_unit_line(s):
            self.pending = Heading(self.pending.level, self.pending.label,
                                   f"{self.pending.label} {collapse_cjk_spaces(s)}", self.pending.page)
            self._retitle_last_heading(self.pending)
            return True
        u = is_unit_line(s)
        if u or is_row(s):
            self.pending_unit = self.pending_unit or u
            self.open_text_table(page, s)
            return True
        return False

    def continued_table_title(self, page: int, s: str, h: Heading | None) -> bool:
        """The repeated title or captions of a ruled table going on over the page: dropped."""
        if h is not None and h.level == TABLE_LEVEL and h.label and self.para is None and self.table is None:
            prev = next((b for b in reversed(self.blocks) if isinstance(b, TableBlock)), None)
            if prev is not None and prev.cells is not None and prev.number == h.label \
                    and page == prev.page_end + 1 and self._only_captions_since(prev):
                self.continuing = prev     # the same table goes on: drop its repeated title
                return True
        if self.continuing is None:
            return False
        if (h is None and (is_unit_line(s) or (len(s) <= 30 and s.endswith("表")))) or \
                (h is not None and h.level == TABLE_LEVEL and h.label == self.continuing.number):
            return True
        self.continuing = None
        return False

    def push_heading(self, h: Heading) -> None:
        """Close the open paragraph and table, then append the heading."""
        self.close_para()
        self.close_table()
        self.blocks.append(h)

    def add_heading(self, h: Heading) -> None:
        """A heading block; a 表N heading waits for its table."""
        self.push_heading(h)
        self.pending = h if h.level == TABLE_LEVEL else None
        self.pending_unit = None

    def starts_text_table(self, i: int, s: str) -> bool:
        """A row followed by another row within the next two lines starts a text table."""
        if not is_row(s):
            return False
        nxt, nxt2 = self.peek(i), self.peek(i, 2)
        return any(n is not None and n.table is None and is_row(n.text) for n in (nxt, nxt2))

    def open_text_table(self, page: int, s: str) -> None:
        """Start a text table whose first line is s."""
        self.start_table(page)
        self.table_line(page, s)

    def _only_captions_since(self, t: TableBlock) -> bool:
        k = len(self.blocks) - 1
        while k >= 0 and self.blocks[k] is not t:
            b = self.blocks[k]
            if not (isinstance(b, ParaBlock) and len(b.text) <= 40 and (is_unit_line(b.text) or b.text.endswith("表"))):
                return False
            k -= 1
        return k >= 0

    def _retitle_last_heading(self, h: Heading) -> None:
        for k in range(len(self.blocks) - 1, -1, -1):
            b = self.blocks[k]
            if isinstance(b, Heading):
                if b.level == TABLE_LEVEL and b.label == h.label:
                    self.blocks[k] = h
                return


def attach_captions_after(blocks: list[Block]) -> list[Block]:
    """A short "…情况表" line right after an untitled table is its caption (汕头 style)."""
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, ParaBlock) and out and isinstance(out[-1], TableBlock) and not out[-1].title \
                and out[-1].cells is None:
            txt = b.text
            if len(txt) <= 30 and txt.endswith("表") and not has_sentence_punct(txt):
                out[-1].title = txt
                continue
        out.append(b)
    return out


def drop_toc_runs(blocks: list[Block]) -> list[Block]:
    """A run of >= 3 headings with nothing between, whose titles all come back later, is a TOC."""
    out = list(blocks)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and isinstance(out[j], Heading) and out[j].level != TABLE_LEVEL:
            j += 1
        run = out[i:j]
        if len(run) >= 3:
            later = {b.title for b in out[j:] if isinstance(b, Heading)}
            if sum(1 for h in run if h.title in later) >= 0.8 * len(run):
                del out[i:j]
                continue
        i = max(j, i + 1)
    return out


def demote_list_items(blocks: list[Block]) -> list[Block]:
    """"（九）负责…工作。" among sibling items that are long paragraphs is a list item, not a heading."""
    out = list(blocks)
    for k, b in enumerate(out):
        if not (isinstance(b, Heading) and 2 <= b.level <= 6 and b.title.endswith("。")):
            continue
        lo = k - 1
        while lo >= 0 and not (isinstance(out[lo], Heading) and out[lo].level < b.level):
            lo -= 1
        hi = k + 1
        while hi < len(out) and not (isinstance(out[hi], Heading) and out[hi].level < b.level):
            hi += 1
        siblings_as_text = any(
            isinstance(x, ParaBlock) and (m := match_label(x.text)) is not None and m[0] == b.level
            for x in out[lo + 1:hi])
        if siblings_as_text:
            out[k] = ParaBlock([(b.page, b.title)])
    return out


def build_blocks(pages: list[RawPage]) -> list[Block]:
    items = page_items(pages)
    blocks = _Builder(items).run()
    return drop_toc_runs(demote_list_items(attach_captions_after(blocks)))
