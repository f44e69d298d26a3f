"""Routes: the reports (list, upload with a progress job, detail, delete) and their old versions
(list, original file, restore)."""
from __future__ import annotations

import logging
import re
import tempfile
import threading
import uuid
from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import Response

from index.errors import IngestError, NotFound
from index.ingest.report import SUPPORTED, Overrides
from index.store.identity import identity_changes, unsure_note

from .deps import ApiError, require_admin, settings_of, state
from .schemas import IdentityEdit, VersionsOut
from .state import State, corpus_overrides

log = logging.getLogger("qa.service")
router = APIRouter()


def ingest_corpus(st: State) -> None:
    corpus = st.settings.corpus
    shipped = corpus_overrides(corpus)
    for path in sorted(corpus.glob("*")):
        if path.suffix.lower() in SUPPORTED:
            for res in st.ingest(path, overrides=shipped.get(path.name, Overrides()), refresh=False):
                log.warning("ingested %s: %s; %d chunks, %d facts", path.name, res.summary(), res.chunks, res.facts)
    st.refresh()


def safe_name(name: str | None) -> str:
    base = re.split(r"[\\/]", name or "upload")[-1]
    base = re.sub(r"[^\w\u4e00-\u9fff.（）()\-]+", "_", base).strip("._") or "upload"
    return base[:120]


def result_row(store, res) -> dict:
    """An ingest result as its job reports it, with the stored report's identity evidence and what is 不确定."""
    row = dict(res.__dict__, summary=res.summary(), evidence=[], unsure=[], unsure_note="")
    try:
        report = store.get_report(res.doc_id)
    except NotFound:              # replaced by a later report of the same file
        return row
    return dict(row, evidence=list(report.evidence), unsure=list(report.unsure), unsure_note=unsure_note(report))


class Jobs:
    """Upload jobs: ingest in a thread, progress polled by the page."""

    def __init__(self):
        self.jobs: dict[str, dict] = {}
        self.lock = threading.Lock()

    def start(self, state: State, tmp: Path, name: str, overrides: Overrides) -> str:
        job_id = uuid.uuid4().hex[:12]
        self.jobs[job_id] = {"id": job_id, "file": name, "status": "running", "stage": "parsing",
                             "done": 0, "total": 0, "result": None, "error": None}

        def progress(stage: str, n: int, total: int) -> None:
            self.jobs[job_id].update(stage=stage, done=n, total=total)

        def run() -> None:
            job = self.jobs[job_id]
            try:
                results = state.ingest(tmp, overrides=overrides, display_name=name, progress=progress)
                rows = [result_row(state.store, r) for r in results]
                job.update(status="done", stage="done",
                           result=rows[0] if len(rows) == 1
                           else {"reports": rows, "summary": f"{len(results)} 份报告 (reports)",
                                 "unsure": [r["doc_id"] for r in rows if r["unsure"]]})
            except IngestError as e:
                job.update(status="error", error={"code": e.code, "message": str(e)})
            except Exception as e:  # noqa: BLE001 — reported to the user, logged with traceback
                log.exception("ingest of %s failed", name)
                job.update(status="error", error={"code": "internal", "message": f"{type(e).__name__}: {e}"})
            finally:
                tmp.unlink(missing_ok=True)

        threading.Thread(target=run, daemon=True).start()
        return job_id


@router.get("/api/reports")
def reports(request: Request):
    rows = state(request).store.report_rows()
    return {"total": len(rows), "reports": rows}

@router.post("/api/reports", status_code=202)
async def upload(request: Request, file: UploadFile = File(...), city: str | None = Form(None),
                 year: int | None = Form(None), title: str | None = Form(None),
                 org: str | None = Form(None), report_type: str | None = Form(None, alias="type"),
                 x_admin_token: str | None = Header(None), authorization: str | None = Header(None)):
    require_admin(request, x_admin_token or authorization)
    name = safe_name(file.filename)
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED:
        raise ApiError(415, "unsupported_file", f"不支持的文件类型 {ext or '(无扩展名)'}：请上传 PDF、TXT、MD 或 CSV")
    limit = settings_of(request).max_upload_mb * 1024 * 1024
    tmp_dir = Path(settings_of(request).store) / "uploads"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=ext)
    size = 0
    with open(fd, "wb") as out:
        while chunk := await file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                Path(tmp_name).unlink(missing_ok=True)
                raise ApiError(413, "too_large", f"文件超过 {settings_of(request).max_upload_mb} MB 上限")
            out.write(chunk)
    if size == 0:
        Path(tmp_name).unlink(missing_ok=True)
        raise ApiError(422, "empty_document", "文件为空 (empty file)")
    job = request.app.state.jobs.start(state(request), Path(tmp_name), name,
                                       Overrides(city=city or None, year=year, title=title or None,
                                                 department=org or None, report_type=report_type or None))
    return {"job": job, "file": name, "status": "running"}

@router.get("/api/jobs/{job_id}")
def job(job_id: str, request: Request):
    j = request.app.state.jobs.jobs.get(job_id)
    if j is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    return j

@router.delete("/api/reports/{doc_id}")
def delete(doc_id: str, request: Request, x_admin_token: str | None = Header(None),
           authorization: str | None = Header(None)):
    require_admin(request, x_admin_token or authorization)
    rep = state(request).delete(doc_id)
    return {"deleted": doc_id, "title": rep.title}

@router.patch("/api/reports/{doc_id}")
def edit(doc_id: str, body: IdentityEdit, request: Request, x_admin_token: str | None = Header(None),
         authorization: str | None = Header(None)):
    """Correct a stored report's identity without re-ingesting it: what changed, old → new."""
    require_admin(request, x_admin_token or authorization)
    st = state(request)
    old, new = st.set_identity(doc_id, **body.fields())
    beside = [r.doc_id for r in st.store.find_same_identity(new.identity()) if r.doc_id != doc_id]
    return {"doc_id": doc_id,
            "changed": [{"field": label, "old": a, "new": b} for label, a, b in identity_changes(old, new)],
            "identity": {"old": old.identity(), "new": new.identity()}, "same_identity": beside,
            "report": st.store.report_row(doc_id)}

@router.get("/api/reports/{doc_id}")
def report(doc_id: str, request: Request):
    store = state(request).store
    row = store.report_row(doc_id)
    return {**row, "sections": store.sections(doc_id)}


# ---- old versions: replaced reports kept, restorable -----------------------------------
@router.get("/api/versions", response_model=VersionsOut)
def versions(request: Request, doc_id: str | None = Query(None, max_length=64)):
    """The old versions kept (newest first); `doc_id`: those of the report that holds their identity now."""
    store = state(request).store
    if doc_id is not None:
        store.get_report(doc_id)                    # an unknown report: 404
    found = store.versions(doc_id=doc_id)
    titles = {d: store.get_report(d).title for d in {v.current for v in found if v.current}}
    rows = [dict(asdict(v), current_title=titles.get(v.current)) for v in found]
    return {"total": len(rows), "versions": rows}

@router.get("/api/versions/{version_id}/file")
def version_file(version_id: int, request: Request):
    """An old version's original file."""
    v, data = state(request).store.version(version_id)
    if data is None:
        raise NotFound(f"the original file of version {version_id} is not kept")
    media = "application/pdf" if v.file_ext == ".pdf" else "text/plain; charset=utf-8"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'inline; filename="version{version_id}{v.file_ext}"'})

@router.post("/api/versions/{version_id}/restore")
def restore(version_id: int, request: Request, x_admin_token: str | None = Header(None),
            authorization: str | None = Header(None)):
    """Bring an old version back: it replaces the report that holds its identity now, kept as a version."""
    require_admin(request, x_admin_token or authorization)
    res = state(request).restore(version_id)
    return dict(res.__dict__, summary=res.summary())
