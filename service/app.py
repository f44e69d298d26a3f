"""FastAPI service: create_app(settings) wires the settings, the state (loaded once in the
lifespan), the error shape and one router per resource (api_asks, api_search, api_facts,
api_reports, api_pages)."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.errors import IndexError_
from index.settings import Settings

from . import api_achievements, api_asks, api_examples, api_facts, api_pages, api_reports, api_search
from .api_pages import STATIC, find_highlight
from .api_reports import Jobs, ingest_corpus
from .deps import STATUS_OF, ApiError, error_response
from .state import State

__all__ = ["create_app", "ingest_corpus", "find_highlight", "ApiError"]


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
    app.state.settings = settings
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

    for module in (api_asks, api_search, api_facts, api_reports, api_pages, api_achievements, api_examples):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
