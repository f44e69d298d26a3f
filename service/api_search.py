"""Route: free passage search (the search view), with organization / place filters and facets."""
from __future__ import annotations

from fastapi import APIRouter, Query, Request

from index.search.retrieval import Filters
from qa.sentences import best_sentences

from .deps import state

router = APIRouter()


@router.get("/api/search")
def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
           city: str | None = Query(None, max_length=40),
           year: int | None = Query(None, ge=1990, le=2100), type: str | None = Query(None, max_length=40),
           k: int = Query(10, ge=1, le=50), doc_id: str | None = Query(None, max_length=64),
           org: str | None = Query(None, max_length=60), place: str | None = Query(None, max_length=40)):
    snap = state(request).current()
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
