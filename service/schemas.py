"""HTTP request/response schemas (pydantic only here and in Settings)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr


class PreviousTurn(BaseModel):
    """The previous chat turn: its question and/or the `scope` its answer returned."""
    model_config = ConfigDict(extra="ignore")
    question: StrictStr | None = Field(None, max_length=500)
    scope: dict | None = None


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: StrictStr = Field(..., min_length=1, max_length=500, description="the question, Chinese or English")
    city: StrictStr | None = Field(None, max_length=20)
    year: StrictInt | None = Field(None, ge=1990, le=2100)
    top_k: StrictInt = Field(5, ge=1, le=20)
    previous: PreviousTurn | None = Field(None, description="the previous turn, for follow-ups (那汕尾呢？)")


class FactOut(BaseModel):
    fact_id: int | None = None
    subject: str
    subject_raw: str = ""
    measure: str
    value: float
    unit: str
    city: str | None
    year: int | None
    doc_id: str
    title: str = ""
    page: int
    section: str = ""
    table: str = ""
    text: str
    source: str = ""
    approx: bool = False
    qualifier: str = ""
    score: float = 1.0
    organization: str | None = None
    place: str | None = None
    province: str | None = None
    period: dict | None = None


class CitationOut(BaseModel):
    doc_id: str
    title: str
    city: str | None
    year: int | None
    page: int
    section: str
    text: str
    score: float
    highlight: str = ""
    organization: str | None = None
    place: str | None = None


class AskResponse(BaseModel):
    kind: str
    answer: str
    value: float | None
    unit: str | None
    facts: list[FactOut]
    citations: list[CitationOut]
    confidence: float = 0.0
    route: str = ""
    formula: str | None = None
    table: list[dict] = []
    lang: str = "zh"
    suggestions: list[str] = []
    notes: list[str] = []
    timings: dict = {}
    scope: dict = {}


class ErrorBody(BaseModel):
    code: str
    message: str
    status: int


class ErrorResponse(BaseModel):
    error: ErrorBody
