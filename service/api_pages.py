"""Routes: a report's page (with the cited text marked), its original file, and the web page."""
from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from index.numbers import to_halfwidth

from .deps import state

STATIC = Path(__file__).parent / "static"
router = APIRouter()


@router.get("/api/reports/{doc_id}/pages/{n}")
def page(doc_id: str, n: int, request: Request, highlight: str | None = Query(None, max_length=2000)):
    store = state(request).store
    text = store.page_text(doc_id, n)
    spans = find_highlight(text, highlight) if highlight else []
    row = store.report_row(doc_id)
    return {"doc_id": doc_id, "page": n, "pages": row["pages"], "title": row["title"], "text": text,
            "highlights": spans, "file_ext": row["file_ext"]}

@router.get("/api/reports/{doc_id}/file")
def original(doc_id: str, request: Request):
    path = state(request).store.file_path(doc_id)
    media = "application/pdf" if path.suffix == ".pdf" else "text/plain; charset=utf-8"
    return FileResponse(path, media_type=media, filename=f"{doc_id}{path.suffix}",
                        content_disposition_type="inline")

@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home():
    return FileResponse(STATIC / "index.html", media_type="text/html")


def find_highlight(text: str, needle: str) -> list[list[int]]:
    """Where `needle` stands in the page text, ignoring whitespace and full/half-width
    differences (facts keep their sentence normalised): [[start, end]] or []."""
    needle = (needle or "").strip()
    if not needle:
        return []
    i = text.find(needle)
    if i >= 0:
        return [[i, i + len(needle)]]
    compact = [(k, to_halfwidth(ch)) for k, ch in enumerate(text) if not ch.isspace()]
    flat = "".join(ch for _, ch in compact)
    target = re.sub(r"\s+", "", to_halfwidth(needle))
    for probe in (target, target[:40], target[-40:], target[:20]):
        j = flat.find(probe) if len(probe) >= 4 else -1
        if j >= 0:
            return [[compact[j][0], compact[j + len(probe) - 1][0] + 1]]
    # a table row ("公务接待费 1.13"): mark the line that holds its label and a value
    cells = [c for c in re.split(r"[\s\t]+", to_halfwidth(needle)) if c]
    label = max((c for c in cells if re.search(r"[\u4e00-\u9fff]{2,}", c)), key=len, default="")
    values = [c for c in cells if re.fullmatch(r"-?[\d,]+(\.\d+)?%?", c)]
    if label:
        start = 0
        for line in text.splitlines(keepends=True):
            flat_line = to_halfwidth(re.sub(r"\s+", "", line))
            if label in flat_line and (not values or any(v in flat_line for v in values)):
                return [[start, start + len(line.rstrip())]]
            start += len(line)
    return []
