"""Run-in headings: the item a budget's next sentence gives the figure of.

"2.公务接待费。2026年预算数5.10万元，…" and "（三）公务用车购置及运行费。2026年预算数为12.5万元" name the
item in a heading sentence of their own and state its figure in the next one, without naming it
again; so does a heading on its own line ("（二）公务接待费。") above the paragraph with the figure.
`run_in_item` tells such a heading and gives the item (公务接待费). Only a short noun phrase that
names an amount (…费, …经费, …支出, …收入, …资金, …公积金, …结余 …) counts, and without a label
("2.", "（三）") only at the start of a paragraph: "主要原因是压减公务接待费。" is no heading.
"""
from __future__ import annotations

import re

from index.extract.numbers import to_halfwidth

_LABEL = r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）][、.]?|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[.、](?!\d))"
_ITEM_END = r"(?:费用|费|经费|支出|收入|资金|结余|结转|结转结余|拨款|收支|总额|金|补贴|补助)"
_HEADING = re.compile(r"^(?P<label>" + _LABEL + r")?(?P<item>[^\d,，;；:：。、.!?！？]{2,24}?" + _ITEM_END + r")"
                      r"(?:[。.:：])?$")
# words that make the phrase a sentence (a reason, a definition, a list), not an item's name
_NOT_A_NAME = re.compile(r"是|为|了|的|包括|包含|用于|主要|压减|减少|增加|安排|落实|控制|按照|其中|以及|等")


def run_in_item(sentence: str, *, at_start: bool) -> str:
    """The item a run-in heading names ("2.公务接待费。" → 公务接待费), else ""."""
    s = re.sub(r"\s+", "", to_halfwidth(sentence or ""))
    m = _HEADING.match(s)
    if not m or (not m.group("label") and not at_start):
        return ""
    item = m.group("item")
    if _NOT_A_NAME.search(item) or item.count("（") != item.count("）") or item.count("(") != item.count(")"):
        return ""
    return item


def names_an_item(topic: str) -> bool:
    """"因公出国（境）费", "2.国三柴油货车提前淘汰补贴" name an amount; "主要原因", "其中" do not."""
    return bool(run_in_item(topic, at_start=True))
