"""Which passages get a vector: a table chunk that is only rows of figures does not.

Such a chunk (收支总表, 支出决算表, 三公经费表 …) is answered by the fact table, whose rows it
holds, and is still found by BM25 on its labels; embedding it costs about half of a budget's
tokens and gives the dense side nothing a question is asked in (a question is words; the rows
are codes and numbers). A table that holds prose — a 绩效目标 column, a 原因 written out — keeps
its vector, as every text passage does.

Pure functions over the chunk's text: the same chunk gets the same answer at ingest and at
`qa reindex`.
"""
from __future__ import annotations

import re

from index.records import Chunk

NUMBER = re.compile(r"^[-−+]?\(?[0-9][0-9,，]*(\.[0-9]+)?\)?%?$")
ROW_NUMBER = re.compile(r"^[0-9]{1,2}$")      # 序号 / 行次 / 栏次: a list's row numbers are not figures
CELL_SPLIT = re.compile(r"\t|\s{2,}| (?=[-−+]?[0-9])|(?<=[0-9%]) ")
PROSE_MARK = re.compile(r"[，。；！？]|[万亿]?元、")   # a sentence's marks; "…万元、公用经费": figures inline in a sentence
CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_NUMBERS = 4             # a table of fewer figures is small: embedding it costs little
MIN_NUMBER_SHARE = 0.35     # of the body's cells
PROSE_CELL_CJK = 40         # a cell this long in characters of text is a sentence, not a label


def body_cells(chunk: Chunk) -> list[str]:
    """The cells of a table chunk's rows: its lines after the title line (the first line of
    `chunk.text`), split at tabs, runs of spaces, and the space beside a number."""
    lines = chunk.text.split("\n")[1:]
    return [c.strip() for ln in lines for c in CELL_SPLIT.split(ln) if c and c.strip()]


def is_prose_cell(cell: str) -> bool:
    return bool(PROSE_MARK.search(cell)) or len(CJK.findall(cell)) >= PROSE_CELL_CJK


def figures_only(chunk: Chunk) -> bool:
    """A table chunk whose body is rows of figures under short labels, no sentence in any cell."""
    if chunk.kind != "table":
        return False
    cells = body_cells(chunk)
    numbers = sum(bool(NUMBER.match(c)) and not ROW_NUMBER.match(c) for c in cells)
    if numbers < MIN_NUMBERS or numbers < MIN_NUMBER_SHARE * len(cells):
        return False
    return not any(is_prose_cell(c) for c in cells)


def needs_vector(chunk: Chunk) -> bool:
    """Every passage but a table of figures gets a vector."""
    return not figures_only(chunk)


def every_chunk(chunk: Chunk) -> bool:
    """The rule before tables of figures were left out (the ingest benchmark's "before")."""
    return True


def vector_rule(embed_figure_tables: bool):
    """The rule `QA_EMBED_FIGURE_TABLES` picks."""
    return every_chunk if embed_figure_tables else needs_vector


__all__ = ["every_chunk", "figures_only", "needs_vector", "vector_rule"]
