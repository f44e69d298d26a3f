"""Heading recognition: one line -> Heading or None. Pure, pattern-driven.

Levels: 0 document title, 1 第X部分, 2 一、, 3 （一）, 4 1. / 1、, 5 （1）, 6 ①, 7 表N (table title).
"""
from __future__ import annotations

import re

from index.read.clean import collapse_cjk_spaces, has_sentence_punct, is_toc_line, number_tokens, strip_markdown
from index.records import Heading

CN_NUM = "一二三四五六七八九十百零〇两"
MAX_HEADING_CHARS = 40          # heading lines are short
MAX_PERIOD_HEADING_CHARS = 26   # "（一）部门情况。" style headings that end with 。
TABLE_LEVEL = 7

_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^(第[{CN_NUM}\d]+(?:部分|章|篇))[\s：:、]*")),
    (7, re.compile(r"^(表\s*\d{1,2}(?:[-－]\d{1,2})?)(?![\d.]|\s*[\d.])[\s：:、.]*")),
    (2, re.compile(rf"^([{CN_NUM}]{{1,3}}[、．])\s*")),
    (3, re.compile(rf"^([（(][{CN_NUM}]{{1,3}}[）)])[、\s]*")),
    (5, re.compile(r"^([（(]\d{1,2}[）)])[、\s]*")),
    (4, re.compile(r"^(\d{1,2}(?:[.．](?!\d)|、))\s*")),
    (6, re.compile(r"^([①-⑳])\s*")),
)
_TITLE_WORDS = re.compile(
    r"(部门决算|部门预算|单位预算|绩效自评报告|自评报告|绩效目标申报表|绩效目标表|工作总结|"
    r"政府工作报告|工作年度报告|决算说明|预算说明)$"
)
_TABLE_ROW_HINT = re.compile(r"\t|\s{2,}\S+\s+[\d,.]+\s*$")


def _clean(line: str) -> str:
    return collapse_cjk_spaces(line.strip())


def looks_like_table_row(text: str) -> bool:
    """Numbers after the label (" 1 20,864.64") or tabs mean a table row, not a heading."""
    if "\t" in text:
        return True
    nums = number_tokens(text)
    if len(nums) >= 2:
        return True
    return bool(nums) and text.split()[-1] in nums and len(text.split()) >= 2


def match_label(line: str) -> tuple[int, str, str] | None:
    """(level, label, rest) when the line starts with a heading label."""
    s = line.strip()
    for level, pat in _PATTERNS:
        m = pat.match(s)
        if m:
            label = re.sub(r"\s+", "", m.group(1))
            return level, label, s[m.end():]
    return None


def classify_heading(line: str, page: int = 1) -> Heading | None:
    """Return a Heading when the line is a heading, else None (paragraph / table row / TOC)."""
    raw = strip_markdown(line).strip()
    if not raw or is_toc_line(raw):
        return None
    text = _clean(raw)
    m = re.match(r"^表\s*(\d{1,2})\s*$", text)
    if m:                                   # "表 1" alone: the title follows on the next line
        return Heading(level=TABLE_LEVEL, label=f"表{m.group(1)}", title=f"表{m.group(1)}", page=page)
    if looks_like_table_row(raw):
        return None
    if len(text) > MAX_HEADING_CHARS + (12 if text.startswith("第") else 0):
        return None
    got = match_label(text)
    if got is None:
        if _TITLE_WORDS.search(text) and not has_sentence_punct(text) and len(text) <= 40:
            return Heading(level=0, label="", title=text, page=page)
        return None
    level, label, rest = got
    rest = rest.strip()
    if level == TABLE_LEVEL:
        title = f"{label} {rest}".strip() if rest else label
        if has_sentence_punct(rest):
            return None
        return Heading(level=level, label=label, title=title, page=page)
    if not rest:
        return None
    body = rest.rstrip("。.")
    if rest.endswith(("。", ".")):
        if len(text) > MAX_PERIOD_HEADING_CHARS or has_sentence_punct(body):
            return None
    elif has_sentence_punct(rest.rstrip("：:")) or rest.endswith(("，", "；", "、")):
        return None
    if re.match(r"^\d", rest) and level == 4:   # "1. 2024 年…" is prose-ish; keep label-only digits out
        return None
    if level == 1:
        title = f"{label}{'：' if '：' in raw[:12] or ':' in raw[:12] else ' '}{rest}".strip()
    else:
        title = f"{label}{rest}"
    return Heading(level=level, label=label, title=title, page=page)
