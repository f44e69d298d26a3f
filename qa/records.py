"""Answer records: what the router returns and the service serialises."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.records import Fact, Report


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str
    city: str | None
    year: int | None
    page: int
    section: str
    text: str
    score: float
    highlight: str = ""      # the sentence to mark inside `text` / on the page
    organization: str | None = None
    place: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FactRef:
    """A fact with the report it belongs to, as shown in answers."""
    fact: Fact
    report: Report
    score: float = 1.0

    def as_dict(self) -> dict:
        f, r = self.fact, self.report
        return {"fact_id": f.fact_id, "subject": f.subject, "subject_raw": f.subject_raw,
                "measure": f.measure, "value": f.value, "unit": f.unit, "city": r.city,
                "year": r.year, "organization": r.department, "place": r.place, "province": r.province,
                "period": {"year": f.period_year, "end": f.period_end, "kind": f.period_kind}, "doc_id": r.doc_id, "title": r.title, "page": f.page,
                "section": f.section_path or f.table, "table": f.table, "text": f.text,
                "source": f.source, "approx": f.approx, "qualifier": f.qualifier,
                "origin": f.origin, "confidence": f.confidence, "score": round(self.score, 3)}


@dataclass(frozen=True)
class Answer:
    kind: str                       # "fact" | "passage" | "none"
    answer: str
    value: float | None = None
    unit: str | None = None
    facts: tuple[FactRef, ...] = ()
    citations: tuple[Citation, ...] = ()
    confidence: float = 0.0
    route: str = ""                 # fact | computed | passage | comparison | none
    formula: str | None = None      # computed answers: "完成率 = 决算数 ÷ 预算数 = …"
    table: tuple[dict, ...] = ()    # comparisons: one row per city
    lang: str = "zh"
    suggestions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()     # e.g. which table was preferred, conflicts
    timings: dict = field(default_factory=dict)
    scope: dict = field(default_factory=dict)   # organizations, places, period used (qa.scope)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "answer": self.answer, "value": self.value, "unit": self.unit,
                "facts": [f.as_dict() for f in self.facts],
                "citations": [c.as_dict() for c in self.citations],
                "confidence": round(max(0.0, min(1.0, self.confidence)), 3), "route": self.route, "formula": self.formula,
                "table": list(self.table), "lang": self.lang, "suggestions": list(self.suggestions),
                "notes": list(self.notes), "timings": self.timings, "scope": self.scope}
