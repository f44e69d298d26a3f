"""Routes: a report's page (with the cited text marked), its original file, and the web page."""
from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from index.errors import NotFound
from index.extract.numbers import to_halfwidth
from index.read.ocr import page_size, render_png

from .deps import state

STATIC = Path(__file__).parent / "static"
router = APIRouter()


@router.get("/api/reports/{doc_id}/pages/{n}")
def page(doc_id: str, n: int, request: Request, highlight: str | None = Query(None, max_length=2000)):
    store = state(request).store
    text = store.page_text(doc_id, n)
    spans = find_highlight(text, highlight) if highlight else []
    row = store.report_row(doc_id)
    out = {"doc_id": doc_id, "page": n, "pages": row["pages"], "title": row["title"], "text": text,
           "highlights": spans, "file_ext": row["file_ext"], "scanned": False}
    lines = store.ocr_lines(doc_id, n)
    if lines:    # a scanned page: no text layer to mark, so the page image with the cited line's box
        width, height = page_size(store.file_path(doc_id), n)
        out.update(scanned=True, image=f"/api/reports/{doc_id}/pages/{n}/image", page_size=[width, height],
                   boxes=[{"text": ln.text, "x0": ln.x0, "y0": ln.top, "x1": ln.x1, "y1": ln.bottom,
                           "conf": round(ln.conf, 3)} for ln in lines],
                   marked=marked_lines([ln.text for ln in lines], highlight) if highlight else [])
    return out


@router.get("/api/reports/{doc_id}/pages/{n}/image", responses={200: {"content": {"image/png": {}}}})
def page_image(doc_id: str, n: int, request: Request):
    """The page rendered as PNG (the source view of a scanned page)."""
    store = state(request).store
    store.page_text(doc_id, n)                 # 404 for an unknown report or page
    path = store.file_path(doc_id)
    if path.suffix != ".pdf":
        raise NotFound(f"report {doc_id!r} has no page images (not a PDF)")
    return Response(render_png(path, n), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


def marked_lines(lines: list[str], highlight: str) -> list[int]:
    """Indices of the OCR lines the cited text stands on."""
    text = "\n".join(lines)
    spans = find_highlight(text, highlight)
    out, start = [], 0
    for i, line in enumerate(lines):
        end = start + len(line)
        if any(a < end and b > start for a, b in spans):
            out.append(i)
        start = end + 1
    return out

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
