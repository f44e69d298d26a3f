"""Blocks -> Heading/Paragraph/Table records and the section tree (paths like "一、… > （六）…").

Level-0 (document title) headings open a section but are left out of their children's paths.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.read.blocks import Block, ParaBlock, TableBlock
from index.read.headings import TABLE_LEVEL
from index.records import Heading, Paragraph, Section, Table

PATH_SEP = " > "


@dataclass
class SectionDraft:
    """A section being filled: its heading, path and ordered content (paragraph blocks / tables)."""
    section_id: int
    title: str
    level: int
    path: str
    page_start: int
    page_end: int
    content: list[ParaBlock | Table] = field(default_factory=list)


def render_table(t: Table) -> str:
    head = t.title + (f"（单位：{t.unit}）" if t.unit and t.unit not in t.title else "")
    return "\n".join([head.strip(), *t.lines]).strip()


def to_table(b: TableBlock, path: str, fallback_title: str) -> Table:
    return Table(
        page=b.page, page_end=b.page_end, title=b.title or fallback_title, unit=b.unit,
        lines=tuple(b.lines), cells=tuple(tuple(r) for r in b.cells) if b.cells is not None else None,
        section_path=path,
    )


def build_sections(blocks: list[Block]) -> tuple[list[SectionDraft], list[Table]]:
    """Walk blocks with a heading stack; every heading opens a section; text before the first
    heading goes to a preamble section with an empty path."""
    stack: list[Heading] = []
    drafts: list[SectionDraft] = []
    tables: list[Table] = []
    cur: SectionDraft | None = None
    for b in blocks:
        if isinstance(b, Heading):
            while stack and stack[-1].level >= b.level:
                stack.pop()
            stack.append(b)
            path = PATH_SEP.join(h.title for h in stack if h.level > 0) or b.title
            cur = SectionDraft(len(drafts), b.title, b.level, path, b.page, b.page)
            drafts.append(cur)
            continue
        if cur is None:
            cur = SectionDraft(len(drafts), "", 0, "", b.page, b.page)
            drafts.append(cur)
        if isinstance(b, TableBlock):
            t = to_table(b, cur.path, cur.title)
            tables.append(t)
            cur.content.append(t)
            cur.page_end = max(cur.page_end, t.page_end)
        else:
            cur.content.append(b)
            cur.page_end = max(cur.page_end, b.page_end)
    return drafts, tables


def finish_section(d: SectionDraft) -> Section:
    parts = [c.text if isinstance(c, ParaBlock) else render_table(c) for c in d.content]
    return Section(section_id=d.section_id, path=d.path, title=d.title, level=d.level,
                   page_start=d.page_start, page_end=d.page_end, text="\n".join(p for p in parts if p))


_MONEY_FIGURE = re.compile(r"\d[\d,，]*(?:[.．]\d+)?\s*(?:万元|亿元|千元|元)")


def paragraphs_of(blocks: list[Block]) -> list[Paragraph]:
    """The paragraph blocks, each with the heading right above it; a heading that states an amount
    ("（三）上年结转结余4,950.85万元", "1.一般公共预算拨款收入101,673.03万元。") is also a paragraph,
    so that its figure is read like one written in the text."""
    out: list[Paragraph] = []
    prev: Block | None = None
    for b in blocks:
        if isinstance(b, ParaBlock):
            above = prev.title if isinstance(prev, Heading) and prev.level not in (0, TABLE_LEVEL) else ""
            out.append(Paragraph(text=b.text, page=b.page, page_end=b.page_end, heading=above))
        elif isinstance(b, Heading) and b.level not in (0, TABLE_LEVEL) and _MONEY_FIGURE.search(b.title):
            out.append(Paragraph(text=b.title, page=b.page, page_end=b.page))
        prev = b
    return out


def headings_of(blocks: list[Block]) -> list[Heading]:
    return [b for b in blocks if isinstance(b, Heading)]
