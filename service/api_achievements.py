"""Routes: achievements across places — statements read from the reports' prose (results, ranks,
coverage, firsts, targets), filtered by topic (or a metric / words typed as one, qa.topic_box) /
metric / place / level / year / kind, with a chart when they share a metric, targets beside
results, and CSV export."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from fastapi import APIRouter, Query, Request

from index.extract.metrics import TOPICS
from index.names.places import load_gazetteer
from qa.achievements import STATEMENT_FIELDS, achievement_view, statement_row
from qa.topic_box import picked_rows, read_topic, topic_year

from .deps import state
from .exports import csv_download

router = APIRouter()
KINDS = "^(actual|budget|target|average|cumulative|change)$"


@router.get("/api/achievements")
def achievements(request: Request, topic: str | None = Query(None, max_length=60),
                 metric: str | None = Query(None, max_length=40), place: str | None = Query(None, max_length=40),
                 level: str | None = Query(None, pattern="^(province|city|district)$"),
                 year: int | None = Query(None, ge=1990, le=2100), kind: str | None = Query(None, pattern=KINDS),
                 claim: str | None = Query(None, pattern="^(figure|rank|coverage|first)$"),
                 q: str | None = Query(None, max_length=60), limit: int = Query(2000, ge=1, le=20000),
                 format: str = Query("json", pattern="^(json|csv)$")):
    """`topic` is what the topic box holds: a topic, a metric by any of its names (GDP, 地区生产总值,
    "GDP growth") or free words; `resolved` says how it was read (the metric and its label)."""
    st = state(request)
    store = st.store
    typed, typed_year, year_note = topic_year(topic, st.settings.today or date.today())
    year = year or typed_year
    pick = read_topic(store, typed)
    if year_note:
        pick = replace(pick, note="；".join(n for n in (year_note, pick.note) if n))
    rows = picked_rows(pick, store.statements, metric=metric, q=q, claim=claim, place=place, level=level,
                       year=year, kind=kind, limit=limit)
    if format == "csv":
        return csv_download((statement_row(st, r) for st, r in rows), STATEMENT_FIELDS, "achievements.csv")
    chosen = metric or (pick.metric if pick.how == "metric" else None)
    view = achievement_view(rows, metric=chosen, kind=kind, year=year, gazetteer=load_gazetteer())
    return {"filters": {"topic": topic, "metric": metric, "place": place, "level": level, "year": year,
                        "kind": kind, "claim": claim, "q": q}, "resolved": pick.as_dict(), **view}


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
