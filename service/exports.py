"""Rows for export and the one CSV writer, shared by the CLI (`qa facts --csv`, `qa achievements
--csv`) and the HTTP downloads (`format=csv`)."""
from __future__ import annotations

import csv
import io
from typing import IO, Iterable, Sequence

from fastapi.responses import Response

FACT_FIELDS = ["place", "city", "organization", "year", "period_year", "period_kind", "title", "subject", "measure",
               "value", "unit", "page", "table", "source", "text", "doc_id", "fact_id", "origin", "confidence"]


def fact_rows(store, facts) -> list[dict]:
    """One row per fact with its report's place, organization and year."""
    reports = {r.doc_id: r for r in store.reports()}
    rows = []
    for f in facts:
        r = reports[f.doc_id]
        rows.append({"place": r.place, "city": r.city, "organization": r.department, "year": r.year,
                     "period_year": f.period_year or r.year, "period_kind": f.period_kind,
                     "title": r.title, "subject": f.subject, "measure": f.measure,
                     "value": f.value, "unit": f.unit, "page": f.page, "table": f.table or f.section_path,
                     "source": f.source, "text": f.text, "doc_id": f.doc_id, "fact_id": f.fact_id,
                     "origin": f.origin, "confidence": f.confidence})
    return rows


def write_csv(out: IO[str], rows: Iterable[dict], fields: Sequence[str]) -> None:
    """A header line, then one line per row."""
    w = csv.DictWriter(out, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)


def csv_download(rows: Iterable[dict], fields: Sequence[str], filename: str) -> Response:
    """A CSV attachment with a BOM, so that spreadsheet programs read the Chinese as UTF-8."""
    buf = io.StringIO()
    buf.write("\ufeff")
    write_csv(buf, rows, fields)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
