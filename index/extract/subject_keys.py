"""The compare keys of a fact's subject: what fact lookups are indexed by.

A fact is found by `squash(subject)`. A 合计 row of a column-wise table ("合计 × 基本支出")
states the column's figure too, so it is also found by the column's key (`view_key`).
The store keeps both keys as indexed columns; the lookups (index/search/fact_index.py) use them.
"""
from __future__ import annotations

import re

_PUNCT = re.compile(r"[\s“”\"'‘’《》〈〉「」（）()【】\[\]、，,。:：;；·\-—_/]+")

TOTALS = ("合计", "总计", "小计", "合计数")
MEASURE_WORDS = re.compile(r"预算|决算|执行|完成|占|比例|比重|增|减|上年|金额|合计|小计|总计|数$|率|栏次|行次|编码")


def squash(text: str) -> str:
    """Compare form of a label: no punctuation, quotes or spaces."""
    return _PUNCT.sub("", text or "")


def is_category(measure: str) -> bool:
    """A column that names a kind of spending/income (基本支出, 财政拨款收入), not a measure."""
    m = squash(measure)
    return len(m) >= 3 and not MEASURE_WORDS.search(m) and bool(re.search(r"(支出|收入|经费|费|拨款|资金|结余|结转)$", m))


def subject_key(subject: str) -> str:
    return squash(subject)


def view_key(subject: str, measure: str) -> str | None:
    """The column's key when the fact is a total row under a category column, else None."""
    if squash(subject) in TOTALS and is_category(measure):
        return squash(measure)
    return None
