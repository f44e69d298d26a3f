"""FastAPI service: create_app(settings) builds the app; state loads once in the lifespan."""
from __future__ import annotations

import csv
import io
import logging
import re
import secrets
import tempfile
import threading
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.errors import IndexError_, IngestError
from index.ingest import Overrides, SUPPORTED
from index.numbers import to_halfwidth
from index.retrieval import Filters
from index.settings import Settings

from .cli import FACT_FIELDS, fact_rows
from .schemas import AskRequest, AskResponse
from .state import State, corpus_overrides

log = logging.getLogger("qa.service")
STATIC = Path(__file__).parent / "static"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "status": status}}, status_code=status)


STATUS_OF = {"not_found": 404, "unsupported_file": 415, "too_large": 413, "store_mismatch": 409}


def ingest_corpus(state: State) -> None:
    corpus = state.settings.corpus
    shipped = corpus_overrides(corpus)
    for path in sorted(corpus.glob("*")):
        if path.suffix.lower() in SUPPORTED:
            for res in state.ingest(path, overrides=shipped.get(path.name, Overrides()), refresh=False):
                log.warning("ingested %s: %s; %d chunks, %d facts", path.name, res.summary(), res.chunks, res.facts)
    state.refresh()


def safe_name(name: str | None) -> str:
    base = re.split(r"[\\/]", name or "upload")[-1]
    base = re.sub(r"[^\w\u4e00-\u9fff.（）()\-]+", "_", base).strip("._") or "upload"
    return base[:120]


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
                job.update(status="done", stage="done",
                           result=dict(results[0].__dict__, summary=results[0].summary()) if len(results) == 1
                           else {"reports": [dict(r.__dict__, summary=r.summary()) for r in results],
                                 "summary": f"{len(results)} 份报告 (reports)"})
            except IngestError as e:
                job.update(status="error", error={"code": e.code, "message": str(e)})
            except Exception as e:  # noqa: BLE001 — reported to the user, logged with traceback
                log.exception("ingest of %s failed", name)
                job.update(status="error", error={"code": "internal", "message": f"{type(e).__name__}: {e}"})
            finally:
                tmp.unlink(missing_ok=True)

        threading.Thread(target=run, daemon=True).start()
        return job_id


def create_app(settings: Settings | None = None, *, state: State | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        st = state or State(settings)
        if not st.store.counts()["reports"] and settings.corpus.exists():
            ingest_corpus(st)
        app.state.qa = st
        yield
        if state is None:        # close only what this app opened
            st.store.close()

    app = FastAPI(title="报告问答 Report QA", version="0.1.0", lifespan=lifespan,
                  description="Question answering over Chinese government reports, with citations.")
    app.state.jobs = Jobs()

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors()[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
            parts.append(f"{loc or 'request'}: {e.get('msg')}")
        return error_response(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(IndexError_)
    async def _domain(request: Request, exc: IndexError_):
        return error_response(STATUS_OF.get(exc.code, 422), exc.code, str(exc))

    def st(request: Request) -> State:
        return request.app.state.qa

    def require_admin(token: str | None) -> None:
        expected = settings.admin_token
        if not expected:
            raise ApiError(403, "admin_disabled", "上传和删除已关闭：服务未设置 QA_ADMIN_TOKEN (uploads disabled)")
        given = (token or "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given, expected):
            raise ApiError(401, "unauthorized", "需要管理员令牌 (admin token required)")

    @app.get("/api/health")
    def health(request: Request):
        s = st(request)
        c = s.store.counts()
        return {"status": "ok", **c, "model": s.passage_embedder.name,
                "index": s.snapshot.search.vectors.kind}

    @app.post("/api/ask", response_model=AskResponse)
    def ask(body: AskRequest, request: Request):
        q = body.question.strip()
        if not q:
            raise ApiError(422, "empty_question", "问题不能为空 (empty question)")
        if len(q) > settings.max_question_chars:
            raise ApiError(422, "question_too_long", f"问题过长：最多 {settings.max_question_chars} 个字符")
        engine = st(request).snapshot.engine
        previous = None
        if body.previous is not None:
            previous = body.previous.scope or (
                engine.ask(body.previous.question, top_k=1).scope if body.previous.question else None)
        ans = engine.ask(q, city=body.city, year=body.year, top_k=body.top_k, previous=previous)
        return ans.as_dict()

    @app.get("/api/search")
    def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
               city: str | None = Query(None, max_length=40),
               year: int | None = Query(None, ge=1990, le=2100), type: str | None = Query(None, max_length=40),
               k: int = Query(10, ge=1, le=50), doc_id: str | None = Query(None, max_length=64),
               org: str | None = Query(None, max_length=60), place: str | None = Query(None, max_length=40)):
        snap = st(request).snapshot
        docs = None
        if org or place:
            docs = tuple(r.doc_id for r in snap.engine.reports
                         if (not org or org in (r.department or ""))
                         and (not place or place in (r.place or "") or place in (r.city, r.province, r.district)))
        filters = Filters(city=city or None, year=year, report_type=type or None, doc_id=doc_id or None,
                          doc_ids=docs)
        hits = snap.engine.search_passages(q, k=max(k, 30), filters=filters)
        facets_city: dict[str, int] = {}
        facets_year: dict[str, int] = {}
        for h in hits:
            facets_city[h.report.city or "?"] = facets_city.get(h.report.city or "?", 0) + 1
            facets_year[str(h.report.year or "?")] = facets_year.get(str(h.report.year or "?"), 0) + 1
        from qa.sentences import best_sentences
        results = []
        for h in hits[:k]:
            best = best_sentences(q, h.chunk.text, n=1, min_score=0.0)
            results.append({"doc_id": h.report.doc_id, "title": h.report.title, "city": h.report.city,
                            "organization": h.report.department, "place": h.report.place,
                            "year": h.report.year, "report_type": h.report.report_type,
                            "page": h.chunk.page_start, "page_end": h.chunk.page_end,
                            "section": h.chunk.section_path, "text": h.chunk.text, "score": round(h.score, 4),
                            "highlight": best[0][0] if best else ""})
        return {"query": q, "results": results, "facets": {"city": facets_city, "year": facets_year},
                "total": len(hits)}

    @app.get("/api/facts")
    def facts(request: Request, city: str | None = Query(None, max_length=20),
              year: int | None = Query(None, ge=1990, le=2100), q: str | None = Query(None, max_length=100),
              doc_id: str | None = Query(None, max_length=64), page: int = Query(1, ge=1, le=100000),
              page_size: int = Query(50, ge=1, le=1000), format: str = Query("json", pattern="^(json|csv)$"),
              org: str | None = Query(None, max_length=60), place: str | None = Query(None, max_length=40),
              period: int | None = Query(None, ge=1990, le=2100),
              kind: str | None = Query(None, pattern="^(actual|budget|target|average|cumulative|change)$")):
        store = st(request).store
        extra = {"org": org, "place": place, "period": period, "kind": kind}
        if format == "csv":
            rows = fact_rows(store, store.facts(city=city, year=year, q=q, doc_id=doc_id, **extra))
            buf = io.StringIO()
            buf.write("\ufeff")
            w = csv.DictWriter(buf, fieldnames=FACT_FIELDS)
            w.writeheader()
            w.writerows(rows)
            return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="facts.csv"'})
        total = store.count_facts(city=city, year=year, q=q, doc_id=doc_id, **extra)
        rows = fact_rows(store, store.facts(city=city, year=year, q=q, doc_id=doc_id, limit=page_size,
                                            offset=(page - 1) * page_size, **extra))
        conflicts = {fid for c in store.checks(status="conflict") for fid in c.fact_ids}
        for r in rows:
            r["conflict"] = r["fact_id"] in conflicts
        # the subjects the router would match for this text (synonyms, fuzzy), with their score
        subjects = [{"subject": k, "score": round(v, 3)}
                    for k, v in st(request).snapshot.facts.subjects_for(q, limit=10)] if q else []
        return {"total": total, "page": page, "page_size": page_size, "facts": rows, "subjects": subjects}

    @app.get("/api/facts/checks")
    def checks(request: Request, doc_id: str | None = Query(None, max_length=64),
               status: str | None = Query(None, pattern="^(ok|conflict)$")):
        items = st(request).store.checks(doc_id=doc_id, status=status)
        return {"total": len(items), "conflicts": sum(c.status == "conflict" for c in items),
                "checks": [c.__dict__ | {"fact_ids": list(c.fact_ids)} for c in items]}

    @app.get("/api/reports")
    def reports(request: Request):
        rows = st(request).store.report_rows()
        return {"total": len(rows), "reports": rows}

    @app.post("/api/reports", status_code=202)
    async def upload(request: Request, file: UploadFile = File(...), city: str | None = Form(None),
                     year: int | None = Form(None), title: str | None = Form(None),
                     x_admin_token: str | None = Header(None), authorization: str | None = Header(None)):
        require_admin(x_admin_token or authorization)
        name = safe_name(file.filename)
        ext = Path(name).suffix.lower()
        if ext not in SUPPORTED:
            raise ApiError(415, "unsupported_file", f"不支持的文件类型 {ext or '(无扩展名)'}：请上传 PDF、TXT 或 MD")
        limit = settings.max_upload_mb * 1024 * 1024
        tmp_dir = Path(settings.store) / "uploads"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, suffix=ext)
        size = 0
        with open(fd, "wb") as out:
            while chunk := await file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    out.close()
                    Path(tmp_name).unlink(missing_ok=True)
                    raise ApiError(413, "too_large", f"文件超过 {settings.max_upload_mb} MB 上限")
                out.write(chunk)
        if size == 0:
            Path(tmp_name).unlink(missing_ok=True)
            raise ApiError(422, "empty_document", "文件为空 (empty file)")
        job = request.app.state.jobs.start(st(request), Path(tmp_name), name,
                                           Overrides(city=city or None, year=year, title=title or None))
        return {"job": job, "file": name, "status": "running"}

    @app.get("/api/jobs/{job_id}")
    def job(job_id: str, request: Request):
        j = request.app.state.jobs.jobs.get(job_id)
        if j is None:
            raise ApiError(404, "not_found", f"no job {job_id}")
        return j

    @app.delete("/api/reports/{doc_id}")
    def delete(doc_id: str, request: Request, x_admin_token: str | None = Header(None),
               authorization: str | None = Header(None)):
        require_admin(x_admin_token or authorization)
        rep = st(request).delete(doc_id)
        return {"deleted": doc_id, "title": rep.title}

    @app.get("/api/reports/{doc_id}")
    def report(doc_id: str, request: Request):
        store = st(request).store
        row = store.report_row(doc_id)
        return {**row, "sections": store.sections(doc_id)}

    @app.get("/api/reports/{doc_id}/pages/{n}")
    def page(doc_id: str, n: int, request: Request, highlight: str | None = Query(None, max_length=2000)):
        store = st(request).store
        text = store.page_text(doc_id, n)
        spans = find_highlight(text, highlight) if highlight else []
        row = store.report_row(doc_id)
        return {"doc_id": doc_id, "page": n, "pages": row["pages"], "title": row["title"], "text": text,
                "highlights": spans, "file_ext": row["file_ext"]}

    @app.get("/api/reports/{doc_id}/file")
    def original(doc_id: str, request: Request):
        path = st(request).store.file_path(doc_id)
        media = "application/pdf" if path.suffix == ".pdf" else "text/plain; charset=utf-8"
        return FileResponse(path, media_type=media, filename=f"{doc_id}{path.suffix}",
                            content_disposition_type="inline")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home():
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


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
