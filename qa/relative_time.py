"""Relative time in a question, resolved against one clock: 今年 / 本年度 → the clock's year,
去年 / 上年 → the year before, 前年 → two before, 明年 → the next; "this year", "last year" …
in English. The question is rewritten with the years written out ("去年实际完成多少？" →
"2025年实际完成多少？"), so every route (figures, comparisons, follow-ups, 成效) reads the
same year, and each resolution is kept as a note the answer states.

现在 / 目前 / 当前 / 最新 name no year: they ask for the latest figure the reports hold, and the
answer says which year that was (`latest`).

Not relative years: a comparison's base (比去年, 较上年, 和去年相比, 同比), and the budget items
that start with 上年 / 本年 (上年结转, 本年收入合计, 上年决算数)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

OFFSET = {"今年": 0, "本年度": 0, "本年": 0, "去年": -1, "上一年度": -1, "上一年": -1, "上年度": -1,
          "上年": -1, "前年": -2, "明年": 1}
RELATIVE_ZH = re.compile("|".join(sorted(OFFSET, key=len, reverse=True)))
# 上年 / 本年 as the head of a budget item or column, not a time
ITEM_AFTER = re.compile(r"度?(结转|结余|收入|支出|决算|预算|年初|年末|末|合计|数|同期|累计)")
# 比去年 / 较上年 / 和去年相比 / 与上年度比: the base of a change, not the year asked
COMPARED_BEFORE = re.compile(r"[比较]$")
COMPARED_AROUND = re.compile(r"[和与跟同]$")
COMPARED_AFTER = re.compile(r"^度?(同期)?(相)?比")

OFFSET_EN = {"this year": 0, "the current year": 0, "last year": -1, "the previous year": -1,
             "the year before last": -2, "next year": 1}
RELATIVE_EN = re.compile(r"\b(?:in |for |of |during )?(" + "|".join(sorted(OFFSET_EN, key=len, reverse=True)) + r")\b",
                         re.I)
LATEST = re.compile(r"截至目前|截止目前|目前|(?<![体表实出呈发])现在|当前|眼下|最新的?|\b(?:currently|now|latest|at present)\b", re.I)


@dataclass(frozen=True)
class Resolved:
    text: str                       # the question with the years written out
    notes: tuple[str, ...] = ()     # "“去年”按今天（2026-12-02）理解为 2025 年"
    years: tuple[tuple[str, int], ...] = ()   # (word as typed, year)
    latest: str | None = None       # the word that asked for the latest figure ("目前")


def is_relative(text: str, start: int, word: str) -> bool:
    """Whether `word` at `start` of `text` names a year (not a comparison's base, not an item)."""
    before, after = text[max(0, start - 1):start], text[start + len(word):]
    if COMPARED_BEFORE.search(before) or after.startswith("同期"):
        return False
    if COMPARED_AROUND.search(before) and COMPARED_AFTER.match(after):
        return False
    if word in ("上年", "本年", "上年度", "本年度", "上一年", "上一年度") and ITEM_AFTER.match(after):
        return False
    return True


def resolve_zh(text: str, today: date) -> tuple[str, list[tuple[str, int]]]:
    out, found, last = [], [], 0
    for m in RELATIVE_ZH.finditer(text):
        word = m.group(0)
        if not is_relative(text, m.start(), word):
            continue
        year = today.year + OFFSET[word]
        suffix = "" if text[m.end():m.end() + 1] in ("年", "度") else ("年度" if word.endswith("度") else "年")
        out.append(text[last:m.start()] + str(year) + suffix)
        last = m.end()
        found.append((word, year))
    return "".join(out) + text[last:], found


def resolve_en(text: str, today: date) -> tuple[str, list[tuple[str, int]]]:
    found: list[tuple[str, int]] = []

    def put(m: re.Match) -> str:
        year = today.year + OFFSET_EN[m.group(1).lower()]
        found.append((m.group(1), year))
        return f"in {year}"
    return RELATIVE_EN.sub(put, text), found


def resolve(text: str, today: date) -> Resolved:
    """The question with its relative years written out against `today`, and what was read."""
    text, found = resolve_zh(text, today)
    text, found_en = resolve_en(text, today)
    found += found_en
    latest = LATEST.search(text)
    if latest:
        text = (text[:latest.start()] + text[latest.end():]).strip()
    notes = tuple(f"“{w}” read as {y} (today is {today.isoformat()})" if w.isascii() else
                  f"“{w}”按今天（{today.isoformat()}）理解为 {y} 年" for w, y in dict.fromkeys(found))
    return Resolved(text=text, notes=notes, years=tuple(found), latest=latest.group(0).strip() if latest else None)


def latest_note(word: str, years: list[int]) -> str:
    """"“目前”：库中最新的是 2025 年的数字" — the year a latest-figure question was answered with."""
    held = sorted(set(y for y in years if y))
    if not held:
        return f"“{word}”：按库中最新的报告回答"
    return f"“{word}”：按库中最新的数字回答（{'、'.join(map(str, held))} 年）"
