"""Line cleaning: small pure predicates and transforms over single lines of text.

Nothing here knows about pages or documents; blocks.py and text_reader.py combine them.
"""
from __future__ import annotations

import re

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_PAGE_NUM_RE = re.compile(
    r"^\s*(?:[-—–－]\s*(\d{1,4})\s*[-—–－]"        # - 4 -
    r"|第\s*(\d{1,4})\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 / 第3页 共20页
    r"|(\d{1,4})\s*/\s*\d{1,4}"                     # 3 / 20
    r"|(\d{1,4}))\s*$"                              # 8
)
_MD_BOLD_RE = re.compile(r"\*\*|__")
_MD_HASH_RE = re.compile(r"^\s*#{1,6}\s+")
_CJK_SPACE_RE = re.compile(f"(?<=[{CJK}，。、；：！？（）“”《》])[ \u3000\u00a0]+(?=[{CJK}，。、；：！？（）“”《》])")
TERMINAL = "。！？；：!?;:"
_CLOSERS = "”’」』）)》】 "
NUMBER_TOKEN_RE = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_SENTENCE_PUNCT = set("，。；！？")


def normalize_line(line: str) -> str:
    """Full-width spaces and NBSP to spaces, trailing whitespace removed, markdown stripped."""
    line = line.replace("\u3000", " ").replace("\u00a0", " ").replace("\r", "")
    return strip_markdown(line).rstrip()


def strip_markdown(line: str) -> str:
    """Drop markdown emphasis (**x**) and heading hashes (## x)."""
    return _MD_HASH_RE.sub("", _MD_BOLD_RE.sub("", line))


def page_number(line: str) -> int | None:
    """The page number if the line is nothing but a page number ("8", "- 4 -", "第3页")."""
    m = _PAGE_NUM_RE.match(line)
    if not m:
        return None
    for g in m.groups():
        if g is not None:
            return int(g)
    return None


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def collapse_cjk_spaces(text: str) -> str:
    """Remove spaces between two CJK characters ("一、部门 主要职责" -> "一、部门主要职责")."""
    return _CJK_SPACE_RE.sub("", text).strip()


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence-final punctuation (closing quotes/brackets ignored)."""
    s = line.rstrip(_CLOSERS)
    return bool(s) and s[-1] in TERMINAL


def join_pair(a: str, b: str) -> str:
    """Join two fragments of one broken sentence: no space unless two ASCII words meet."""
    a, b = a.rstrip(), b.lstrip()
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


def number_tokens(line: str) -> list[str]:
    return [t for t in line.split() if NUMBER_TOKEN_RE.match(t)]


def has_sentence_punct(line: str) -> bool:
    return any(ch in _SENTENCE_PUNCT for ch in line)


def is_toc_line(line: str) -> bool:
    """A table-of-contents entry: dot leaders followed by a page number ("一、收支总体情况表 ....... 5")."""
    return bool(re.search(r"(?:\.{3,}|…{2,}|·{3,}|-{4,})\s*\d{1,4}\s*$", line))


def is_unit_line(line: str) -> str | None:
    """Return the unit named by a line like "部门：XX 单位：万元" / "金额单位：万元" / "(单位：元)"."""
    m = re.search(r"单位\s*[：:]\s*(亿元|万元|千元|元|%|个|人)", line)
    return m.group(1) if m else None


def unit_in_header(text: str) -> str | None:
    m = re.search(r"[（(]\s*(亿元|万元|千元|元)\s*[）)]", text)
    return m.group(1) if m else None
