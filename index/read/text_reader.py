"""Text files and text dumps -> list[RawPage].

decode_text: UTF-8 (with/without BOM), then GB18030; binary garbage is refused.
split_pages: page breaks from form feeds, else from page-number lines ("8", "- 4 -") and, in
dumps whose lines are separated by blank lines, from a page's first line (one leading space
right after a non-blank line, as pdftotext-like dumps produce).
"""
from __future__ import annotations

import re

from index.errors import UnsupportedFile
from index.read.clean import page_number
from index.read.pdf_reader import RawPage

_PAGE_START_RE = re.compile(r"^ \S")


def decode_text(data: bytes, name: str = "") -> str:
    """Decode a text file; UnsupportedFile when it is not text in UTF-8 or GB18030."""
    if b"\x00" in data[:4096]:
        raise UnsupportedFile(f"不是文本文件（含二进制内容）: {name} (binary content, not a text file)")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        break
    raise UnsupportedFile(f"无法识别的文本编码或不是文本文件: {name} (not UTF-8/GB18030 text)")


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad / min(len(text), 20000) < 0.01


def _blank_interleaved(lines: list[str]) -> bool:
    """True for dumps where (almost) every text line is followed by a blank line."""
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    if len(nonblank) < 20:
        return False
    followed = sum(1 for i in nonblank if i + 1 < len(lines) and not lines[i + 1].strip())
    return followed / len(nonblank) >= 0.6


def _blank_run_before(lines: list[str], i: int) -> int:
    n = 0
    while i - 1 - n >= 0 and not lines[i - 1 - n].strip():
        n += 1
    return n


def split_pages(text: str) -> list[RawPage]:
    """Cut a text dump into pages. Page-number lines are consumed (they mark the page)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        parts = text.split("\f")
        if parts and not parts[-1].strip():
            parts = parts[:-1]
        return [RawPage(number=i, text=_drop_page_numbers(p)) for i, p in enumerate(parts, start=1)]
    lines = text.split("\n")
    interleaved = _blank_interleaved(lines)
    need_blanks = 2 if interleaved else 1
    # pass 1: page-start lines and page-number lines
    markers: dict[int, tuple[str, int | None]] = {}   # line index -> ("start"|"end", number)
    last_num = 0
    for i, ln in enumerate(lines):
        num = page_number(ln) if ln.strip() else None
        if num is not None and 0 < num < 10000 and num > last_num:
            isolated = (i == 0 or _blank_run_before(lines, i) >= need_blanks) and (
                i + 1 >= len(lines) or not lines[i + 1].strip() or interleaved)
            dashed = "-" in ln or "—" in ln or "－" in ln or "页" in ln
            if isolated or dashed:
                starts = interleaved and bool(_PAGE_START_RE.match(ln))
                markers[i] = ("start" if starts else "end", num)
                last_num = num
                continue
        if interleaved and i > 0 and _PAGE_START_RE.match(ln) and lines[i - 1].strip():
            markers[i] = ("start", None)
    # pass 2: assign pages
    pages: list[list[str]] = [[]]
    numbers: list[int | None] = [None]
    for i, ln in enumerate(lines):
        kind = markers.get(i)
        if kind is None:
            pages[-1].append(ln)
            continue
        what, num = kind
        if what == "start":
            if any(x.strip() for x in pages[-1]):
                pages.append([])
                numbers.append(num)
            elif num is not None:
                numbers[-1] = num
            if num is None:
                pages[-1].append(ln)
        else:   # a footer number ends the current page
            numbers[-1] = num
            pages.append([])
            numbers.append(None)
    if pages and not any(x.strip() for x in pages[-1]) and len(pages) > 1:
        pages.pop()
        numbers.pop()
    return [RawPage(number=n, text="\n".join(p)) for n, p in zip(_resolve_numbers(numbers), pages)]


def _resolve_numbers(numbers: list[int | None]) -> list[int]:
    """Fill unknown page numbers by counting from known ones (earlier pages counted back)."""
    out: list[int] = []
    known = [(i, n) for i, n in enumerate(numbers) if n is not None]
    if not known:
        return list(range(1, len(numbers) + 1))
    first_i, first_n = known[0]
    base = max(1, first_n - first_i)
    cur = base - 1
    for i, n in enumerate(numbers):
        cur = n if n is not None and n > cur else cur + 1
        out.append(cur)
    return out


def _drop_page_numbers(page_text: str) -> str:
    lines = page_text.split("\n")
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    drop = {i for i in (nonblank[:1] + nonblank[-1:]) if page_number(lines[i]) is not None}
    return "\n".join(ln for i, ln in enumerate(lines) if i not in drop)
