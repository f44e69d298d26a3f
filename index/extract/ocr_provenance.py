"""Facts read from scanned pages say so: origin "ocr" and the recogniser's confidence on the
line that holds the figure (the lowest box confidence of that line)."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from index.extract.numbers import to_halfwidth
from index.records import Fact, OcrLine

_NUM = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _values(text: str) -> set[float]:
    out = set()
    for m in _NUM.finditer(to_halfwidth(text)):
        try:
            out.add(round(float(m.group().replace(",", "")), 6))
        except ValueError:
            continue
    return out


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def line_confidence(fact: Fact, lines: Sequence[OcrLine]) -> float | None:
    """Confidence of the OCR line holding the fact's figure (preferring one that shares words
    with its subject); the page's lowest line confidence when no line shows the figure."""
    if not lines:
        return None
    value = round(float(fact.value), 6)
    holding = [ln for ln in lines if value in _values(ln.text)
               or (fact.unit == "%" and round(value * 100, 6) in _values(ln.text))]
    words = _bigrams(fact.subject_raw or fact.subject)
    named = [ln for ln in holding if words & _bigrams(ln.text)]
    pick = named or holding or list(lines)
    return min(ln.conf for ln in pick)


def mark_ocr_facts(facts: Sequence[Fact], ocr_lines: Sequence[OcrLine]) -> list[Fact]:
    """Facts on a page read by OCR get origin "ocr" and a confidence; others are unchanged."""
    by_page: dict[int, list[OcrLine]] = {}
    for ln in ocr_lines:
        by_page.setdefault(ln.page, []).append(ln)
    out = []
    for f in facts:
        lines = by_page.get(f.page)
        if lines:
            f = replace(f, origin="ocr", confidence=line_confidence(f, lines))
        out.append(f)
    return out
