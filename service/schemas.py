"""HTTP request/response schemas (pydantic only here and in Settings)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, model_validator


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


class IdentityEdit(BaseModel):
    """PATCH /api/reports/{doc_id}: the identity fields to correct (each optional; at least one)."""
    model_config = ConfigDict(extra="forbid")
    place: StrictStr | None = Field(None, min_length=1, max_length=60, description="any level: 深圳, 上海市普陀区, 440300")
    city: StrictStr | None = Field(None, min_length=1, max_length=60, description="the same as `place`")
    org: StrictStr | None = Field(None, min_length=1, max_length=100, description="issuing organization, full name")
    year: int | None = Field(None, ge=1949, le=2100)
    type: StrictStr | None = Field(None, min_length=1, max_length=40, description="部门决算, 部门预算, 政府工作报告 …")
    title: StrictStr | None = Field(None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _one_place(self) -> IdentityEdit:
        if self.place and self.city and self.place != self.city:
            raise ValueError("place and city name one field: give one")
        return self

    def fields(self) -> dict:
        """Keyword arguments of Store.set_identity."""
        return {"place": self.place or self.city, "organization": self.org, "year": self.year,
                "report_type": self.type, "title": self.title}


class VersionOut(BaseModel):
    """A replaced report kept as an old version: restorable (POST /api/versions/{id}/restore)."""
    version_id: int
    doc_id: str
    identity: str | None = None
    title: str
    department: str | None = None
    place: str | None = None
    city: str | None = None
    year: int | None = None
    report_type: str | None = None
    source_name: str
    sha1: str
    file_ext: str
    pages: int
    ingested_at: float
    replaced_by: str = Field(description="the doc_id of the report that replaced it")
    replaced_at: float
    has_file: bool = Field(description="its original bytes are kept (it can be restored)")
    current: str | None = Field(None, description="the stored report that holds its identity now")
    current_title: str | None = None


class VersionsOut(BaseModel):
    total: int
    versions: list[VersionOut]
