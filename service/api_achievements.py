"""Routes: achievements across places — statements read from the reports' prose (results, ranks,
coverage, firsts, targets), filtered by topic / metric / place / level / year / kind, with a
chart when they share a metric, targets beside results, and CSV export."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request

from index.extract.metrics import TOPICS
from index.names.places import load_gazetteer
from qa.achievements import STATEMENT_FIELDS, achievement_view, statement_row

from .deps import state
from .exports import csv_download

router = APIRouter()
KINDS = "^(actual|budget|target|average|cumulative|change)$"


@router.get("/api/achievements")
def achievements(request: Request, topic: str | None = Query(None, max_length=20),
                 metric: str | None = Query(None, max_length=40), place: str | None = Query(None, max_length=40),
                 level: str | None = Query(None, pattern="^(province|city|district)$"),
                 year: int | None = Query(None, ge=1990, le=2100), kind: str | None = Query(None, pattern=KINDS),
                 claim: str | None = Query(None, pattern="^(figure|rank|coverage|first)$"),
                 q: str | None = Query(None, max_length=60), limit: int = Query(2000, ge=1, le=20000),
                 format: str = Query("json", pattern="^(json|csv)$")):
    store = state(request).store
    rows = store.statements(topic=topic, metric=metric, claim=claim, place=place, level=level, year=year,
                            kind=kind, q=q, limit=limit)
    if format == "csv":
        return csv_download((statement_row(st, r) for st, r in rows), STATEMENT_FIELDS, "achievements.csv")
    view = achievement_view(rows, metric=metric, kind=kind, year=year, gazetteer=load_gazetteer())
    return {"filters": {"topic": topic, "metric": metric, "place": place, "level": level, "year": year,
                        "kind": kind, "claim": claim, "q": q}, **view}


@router.get("/api/achievements/topics")
def topics(request: Request, level: str | None = Query(None, pattern="^(province|city|district)$")):
    """Topics built from the corpus (how many statements and places each has) and, per topic, the
    metrics stated by at least two places — what the 成效 view offers to pick."""
    store = state(request).store
    counts = {t: (n, p) for t, n, p in store.statement_topics()}
    metrics = store.shared_metrics(level=level)
    order = [t for t in TOPICS if t in counts] + [t for t in counts if t not in TOPICS]
    return {"topics": [{"topic": t, "statements": counts[t][0], "places": counts[t][1],
                        "metrics": [m for m, top, _ in metrics if top == t][:12]} for t in order]}
