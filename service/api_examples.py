"""Route: example questions for the chat page, built from what the store holds (qa.examples),
each answered once before it is offered; the same for one store generation."""
from __future__ import annotations

from fastapi import APIRouter, Request

from .deps import state

router = APIRouter()


@router.get("/api/examples")
def examples(request: Request):
    """4–6 questions: a figure, a descriptive one, a comparison, a 成效 one, an English one (as the
    store allows), each with its kind; computed once per snapshot."""
    snap = state(request).current()
    return {"generation": snap.search.generation,
            "examples": [{"question": e.question, "kind": e.kind} for e in snap.engine.examples]}
