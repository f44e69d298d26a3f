"""Routes: the fact table (filters by place, organization, period; CSV export) and its checks."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request

from .deps import state
from .exports import FACT_FIELDS, csv_download, fact_rows

router = APIRouter()


@router.get("/api/facts")
def facts(request: Request, city: str | None = Query(None, max_length=20),
          year: int | None = Query(None, ge=1990, le=2100), q: str | None = Query(None, max_length=100),
          doc_id: str | None = Query(None, max_length=64), page: int = Query(1, ge=1, le=100000),
          page_size: int = Query(50, ge=1, le=1000), format: str = Query("json", pattern="^(json|csv)$"),
          org: str | None = Query(None, max_length=60), place: str | None = Query(None, max_length=40),
          period: int | None = Query(None, ge=1990, le=2100),
          kind: str | None = Query(None, pattern="^(actual|budget|target|average|cumulative|change)$")):
    store = state(request).store
    extra = {"org": org, "place": place, "period": period, "kind": kind}
    if format == "csv":
        rows = fact_rows(store, store.facts(city=city, year=year, q=q, doc_id=doc_id, **extra))
        return csv_download(rows, FACT_FIELDS, "facts.csv")
    total = store.count_facts(city=city, year=year, q=q, doc_id=doc_id, **extra)
    rows = fact_rows(store, store.facts(city=city, year=year, q=q, doc_id=doc_id, limit=page_size,
                                        offset=(page - 1) * page_size, **extra))
    conflicts = {fid for c in store.checks(status="conflict") for fid in c.fact_ids}
    for r in rows:
        r["conflict"] = r["fact_id"] in conflicts
    # the subjects the router would match for this text (synonyms, fuzzy), with their score
    subjects = [{"subject": k, "score": round(v, 3)}
                for k, v in state(request).current().facts.subjects_for(q, limit=10)] if q else []
    return {"total": total, "page": page, "page_size": page_size, "facts": rows, "subjects": subjects}

@router.get("/api/facts/checks")
def checks(request: Request, doc_id: str | None = Query(None, max_length=64),
           status: str | None = Query(None, pattern="^(ok|conflict)$")):
    items = state(request).store.checks(doc_id=doc_id, status=status)
    return {"total": len(items), "conflicts": sum(c.status == "conflict" for c in items),
            "checks": [c.__dict__ | {"fact_ids": list(c.fact_ids)} for c in items]}
