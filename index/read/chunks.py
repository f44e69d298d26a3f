"""Sections -> Chunks: follow sections, never cut mid-sentence, bounded size.

Default target: 400 characters (CHUNK_CHARS). Sentences (split after 。！？；) are packed up to the
target; one sentence longer than 2x the target is cut at a comma, then hard-cut. Tables: kept whole
with their title when they fit in 2x the target, else split by rows with title + header lines
repeated in every piece (kind="table"). Nothing merges across section boundaries; a section with
no text yields no chunk. doc_id / chunk_id are left "" (ingest fills them).
"""
from __future__ import annotations

import re

from index.read.blocks import ParaBlock, is_data_row
from index.read.sections import SectionDraft, render_table
from index.records import Chunk, Table

CHUNK_CHARS = 400
_SENT_RE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")


def split_sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENT_RE.finditer(text)) if s]


def _cut_long(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    out, cur = [], ""
    for piece in re.findall(r"[^，,、]*[，,、]?", sentence):
        if not piece:
            continue
        if cur and len(cur) + len(piece) > limit:
            out.append(cur)
            cur = ""
        while len(piece) > limit:
            out.append(piece[:limit])
            piece = piece[limit:]
        cur += piece
    if cur:
        out.append(cur)
    return out


def _sentences_with_pages(p: ParaBlock) -> list[tuple[str, int]]:
    """Sentences of a paragraph, each with the page it starts on."""
    text = ""
    starts: list[tuple[int, int]] = []   # (offset, page)
    from index.read.clean import collapse_cjk_spaces, join_pair
    for page, part in p.parts:
        starts.append((len(text), page))
        text = join_pair(text, part) if text else part
    out = []
    pos = 0
    for s in split_sentences(text):
        idx = text.find(s, pos)
        idx = pos if idx < 0 else idx
        pos = idx + len(s)
        page = max((pg for off, pg in starts if off <= idx), default=p.page)
        out.append((collapse_cjk_spaces(s), page))
    return out


def table_chunks(t: Table, path: str, size: int = CHUNK_CHARS) -> list[Chunk]:
    whole = render_table(t)
    mk = lambda text, p0, p1: Chunk("", "", path, p0, p1, text, kind="table")  # noqa: E731
    if len(whole) <= 2 * size:
        return [mk(whole, t.page, t.page_end)]
    lines = list(t.lines)
    if t.cells is not None:
        nh = 1 if len(lines) > 1 else 0
        if nh and len(lines) > 2 and not is_data_row(lines[1].replace("\t", " ")):
            nh = 2
    else:
        nh = 0
        while nh < len(lines) and nh < 6 and not is_data_row(lines[nh]):
            nh += 1
    head = [render_table(Table(t.page, t.page_end, t.title, t.unit, ()))] + lines[:nh]
    head_len = sum(len(x) + 1 for x in head)
    out: list[Chunk] = []
    cur: list[str] = []
    for ln in lines[nh:]:
        if cur and head_len + sum(len(x) + 1 for x in cur) + len(ln) > 2 * size:
            out.append(mk("\n".join(head + cur), t.page, t.page_end))
            cur = []
        cur.append(ln)
    if cur:
        out.append(mk("\n".join(head + cur), t.page, t.page_end))
    return out


def section_chunks(d: SectionDraft, size: int = CHUNK_CHARS) -> list[Chunk]:
    out: list[Chunk] = []
    buf: list[tuple[str, int]] = []

    def flush() -> None:
        if buf:
            out.append(Chunk("", "", d.path, buf[0][1], buf[-1][1], "".join(s for s, _ in buf).strip()))
            buf.clear()

    for c in d.content:
        if isinstance(c, Table):
            flush()
            out.extend(table_chunks(c, d.path, size))
            continue
        for sent, page in _sentences_with_pages(c):
            for piece in _cut_long(sent, 2 * size):
                if buf and sum(len(s) for s, _ in buf) + len(piece) > size:
                    flush()
                buf.append((piece, page))
        # paragraphs are kept apart by a newline inside a chunk
        if buf:
            buf[-1] = (buf[-1][0] + "\n", buf[-1][1])
    flush()
    return [c for c in out if c.text]


def build_chunks(drafts: list[SectionDraft], size: int = CHUNK_CHARS) -> list[Chunk]:
    return [c for d in drafts for c in section_chunks(d, size)]
