"""When a new file is a new version of a stored report, and when it is another document.

The same identity (organization, place, year, type) is not enough: a report published in parts
(公开文件 + 公开表格, 附件1 + 附件2, 情况说明 + 报表) has one identity and several files, and a
file misread as some report takes that report's identity. Only a file whose text is mostly the
stored one's — the same words and figures, with corrections — replaces it. Pure."""
from __future__ import annotations

import re

SHINGLE = 4              # characters per shingle
SAME_DOCUMENT = 0.5      # Jaccard similarity of the shingle sets from which two texts are one document


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """The text's character n-grams, white space removed (PDF line breaks and spacing vary)."""
    flat = re.sub(r"\s+", "", text)
    return frozenset(flat[i:i + n] for i in range(max(0, len(flat) - n + 1)))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' shingle sets (0 when either is empty)."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def same_document(stored: str, new: str) -> bool:
    """`new` is a version of `stored`: mostly the same text and figures."""
    return similarity(stored, new) >= SAME_DOCUMENT
