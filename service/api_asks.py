"""Routes: health and ask (question → scope → answer, with the previous turn for follow-ups)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from .deps import ApiError, settings_of, state
from .schemas import AskRequest, AskResponse

router = APIRouter()


@router.get("/api/health")
def health(request: Request):
    s = state(request)
    c = s.store.counts()
    return {"status": "ok", **c, "model": s.embedder_name, "backend": s.store.backend,
            "index": s.current().search.vectors.kind}

@router.post("/api/ask", response_model=AskResponse)
def ask(body: AskRequest, request: Request):
    q = body.question.strip()
    if not q:
        raise ApiError(422, "empty_question", "问题不能为空 (empty question)")
    if len(q) > settings_of(request).max_question_chars:
        raise ApiError(422, "question_too_long", f"问题过长：最多 {settings_of(request).max_question_chars} 个字符")
    engine = state(request).current().engine
    previous = None
    if body.previous is not None:
        previous = body.previous.scope or (
            engine.scope_of(body.previous.question) if body.previous.question else None)
    ans = engine.ask(q, city=body.city, year=body.year, top_k=body.top_k, previous=previous)
    return ans.as_dict()
