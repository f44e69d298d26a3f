"""Doubled glyphs: some PDFs' text layer draws every glyph twice ("22002266年年" = "2026年").

Detect (most characters come in adjacent equal pairs) and repair (keep one of each pair).
Pure functions over strings.
"""
from __future__ import annotations

_MIN_CHARS = 20        # too little text to judge a whole text
_MIN_LINE_CHARS = 6    # a line needs at least this many characters to be judged
_PAIRED_RATIO = 0.8    # share of characters that must sit in adjacent equal pairs


def paired_ratio(text: str) -> float:
    """Share of non-space characters that belong to an adjacent equal pair (greedy, left to right)."""
    s = "".join(text.split())
    if not s:
        return 0.0
    paired = 0
    i = 0
    while i < len(s) - 1:
        if s[i] == s[i + 1]:
            paired += 2
            i += 2
        else:
            i += 1
    return paired / len(s)


def is_doubled(text: str) -> bool:
    """True when the text looks like every glyph was drawn twice."""
    s = "".join(text.split())
    return len(s) >= _MIN_CHARS and paired_ratio(s) >= _PAIRED_RATIO


def undouble_line(line: str) -> str:
    """Collapse adjacent equal pairs: "22002266年年第第22期期" -> "2026年第2期".

    Single (unpaired) characters are kept, so a line that was only partly doubled survives.
    """
    out: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if i + 1 < len(line) and line[i + 1] == ch:
            out.append(ch)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def line_is_doubled(line: str) -> bool:
    s = "".join(line.split())
    return len(s) >= _MIN_LINE_CHARS and len(s) % 2 == 0 and paired_ratio(s) >= 0.95


def repair_doubled(text: str) -> tuple[str, bool]:
    """Return (repaired text, whether a repair was made).

    Judged line by line: a whole doubled text, or only doubled lines (a gazette header drawn
    twice above normal text), are repaired; normal lines are left alone.
    """
    whole = is_doubled(text)
    out, changed = [], False
    for ln in text.split("\n"):
        if ln.strip() and (whole or line_is_doubled(ln)):
            fixed = undouble_line(ln)
            changed = changed or fixed != ln
            out.append(fixed)
        else:
            out.append(ln)
    return "\n".join(out), changed
