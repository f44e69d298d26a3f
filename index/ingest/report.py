"""File → records → store. Parsing, fact extraction and embedding all happen before
the single write transaction, so a bad file or a crash never leaves half a report."""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from index.errors import IngestError, UnsupportedFile
from index.extract.checks import run_checks
from index.extract.facts import extract_facts
from index.extract.numbers import to_halfwidth
from index.extract.ocr_provenance import mark_ocr_facts
from index.extract.periods import fact_period, number_position
from index.extract.statements import statements_from_paragraphs
from index.ingest.versions import same_document
from index.names.metadata import government_of, place_fields, read_metadata, resolve_place
from index.read.csv_reports import read_csv_reports
from index.read.parse import parse_file, parse_text
from index.read.pdf_reader import PageReader
from index.records import Chunk, Fact, OcrLine, ParsedDocument, Report, Statement
from index.search.embed import Embedder
from index.search.lexical import default_tokenizer
from index.search.vectorless import needs_vector
from index.store.base import Store
from index.store.identity import FIELD_LABEL

SUPPORTED = {".pdf", ".txt", ".md", ".csv"}
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestResult:
    path: str
    doc_id: str
    title: str
    city: str | None
    year: int | None
    report_type: str | None
    pages: int
    sections: int
    chunks: int
    tables: int
    facts: int
    conflicts: int
    replaced: int
    seconds: float
    warnings: tuple[str, ...] = ()
    status: str = "new"              # new | replaced (a new version of a stored report) | unchanged | restored
    organization: str | None = None
    place: str | None = None
    replaced_titles: tuple[str, ...] = ()
    statements: int = 0              # achievement / target statements read from the prose
    kept_beside: tuple[str, ...] = ()  # stored reports of the same identity whose text differs: kept too
    versions: tuple[int | None, ...] = ()  # per replaced title: the version it is kept as (None: same bytes)
    restored_from: int | None = None   # a restore (index/ingest/restore.py): the version brought back
    replaced_files: tuple[str, ...] = ()   # per replaced title: its file's name
    chars: int = 0                   # characters of the report's text (its pages), for chars/s
    embedded: int = 0                # chunks given a vector (a table of figures has none: vectorless.py)

    def replaced_line(self) -> str:
        """What replaced what, and how to bring each replaced report back."""
        parts = []
        for i, title in enumerate(self.replaced_titles):
            vid = self.versions[i] if i < len(self.versions) else None
            file = f"（{self.replaced_files[i]}）" if i < len(self.replaced_files) else ""
            kept = f" (kept as version {vid}; `qa restore {vid}` brings it back)" if vid is not None else ""
            parts.append(f"《{self.title}》（{self.path}） replaced 《{title}》{file}{kept}")
        return "；".join(parts)

    def summary(self) -> str:
        """One line saying what happened to the report."""
        who = " ".join(x for x in (self.place or self.city, self.organization, str(self.year or ""),
                                   self.report_type or "") if x)
        if self.status == "unchanged":
            return f"已在库中，未改动 (already stored, same bytes): {self.title}"
        head = {"replaced": "新版本，替换了旧版本 (new version replaced the stored one)",
                "restored": f"恢复了旧版本 {self.restored_from} (restored version {self.restored_from})"}.get(
            self.status, "新报告 (new report)")
        beside = (f"；与已存的 {len(self.kept_beside)} 份同名报告内容不同，均保留 (same organization, place, year "
                  f"and type as {len(self.kept_beside)} stored report(s) but other content: all kept)"
                  if self.kept_beside else "")
        replaced = f"；{self.replaced_line()}" if self.replaced_titles else ""
        return f"{head}: {who or self.title}{replaced}{beside}"


@dataclass(frozen=True)
class Overrides:
    city: str | None = None
    year: int | None = None
    title: str | None = None
    department: str | None = None
    report_type: str | None = None
    place: str | None = None      # any level: 广东省, 深圳, 上海市普陀区 (a CSV's province column)


@dataclass(frozen=True)
class Source:
    """One report inside a file: a PDF/TXT/MD is one, a crawler's CSV export one per row."""
    name: str                     # display name ("file.csv#3" for a CSV row)
    data: bytes                   # the bytes that identify this report
    ext: str                      # extension the original is kept under
    parse: Callable[[], ParsedDocument]
    hints: Overrides = Overrides()
    folder: str = ""              # the folder it was found in: the weakest evidence of whose it is


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """A folder adds every report in it (sorted, recursively); files are taken as given."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


def sources_of(path: Path, filename: str, *, max_pages: int, ocr: PageReader | None = None,
               progress: Progress | None = None, folder: str = "") -> list[Source]:
    """The reports a file holds (scanned PDF pages read by `ocr` when given). Raises
    UnsupportedFile for a type we do not read. `folder`: the name of the folder the user's file
    sits in (never a temporary upload folder)."""
    ext = Path(filename).suffix.lower()
    if ext not in SUPPORTED:
        raise UnsupportedFile(f"{filename}: 不支持的文件类型 {ext or '(无扩展名)'}；支持 PDF、TXT、MD、CSV "
                              f"(unsupported file type)")
    data = path.read_bytes()
    if ext != ".csv":
        return [Source(filename, data, ext,
                       lambda: parse_file(path, max_pages=max_pages, ocr=ocr, progress=progress), folder=folder)]
    out = []
    for rec in read_csv_reports(data, filename):
        text = rec.text
        out.append(Source(name=f"{filename}#{rec.row}", data=text.encode("utf-8"), ext=".txt",
                          parse=lambda text=text: parse_text(text),
                          hints=Overrides(year=rec.year, title=rec.title, place=rec.place)))
    return out


def merge(user: Overrides, hints: Overrides) -> Overrides:
    """What the user says wins over what the container (a CSV row) says."""
    return Overrides(**{k: getattr(user, k) or getattr(hints, k) for k in Overrides.__dataclass_fields__})


def build_report(parsed: ParsedDocument, data: bytes, filename: str, overrides: Overrides,
                 folder: str = "") -> Report:
    sha1 = hashlib.sha1(data).hexdigest()
    meta = read_metadata(parsed, filename, folder)
    if overrides.place or overrides.city:
        place = resolve_place(overrides.place or overrides.city)
        if place is not None:
            meta.update(place_fields(place))
            if (overrides.report_type or meta.get("report_type")) == "政府工作报告":
                meta["department"] = government_of(place)
    city = overrides.city or meta.get("city")
    year = overrides.year or meta.get("year")
    department = overrides.department or meta.get("department")
    report_type = overrides.report_type or meta.get("report_type")
    title = overrides.title or meta.get("title") or Path(filename).stem
    evidence, unsure = user_given(overrides, tuple(meta.get("evidence", ())), tuple(meta.get("unsure", ())))
    return Report(doc_id=sha1[:16], title=title, city=city, year=year, department=department,
                  report_type=report_type, source_path=filename, pages=parsed.pages, sha1=sha1,
                  place_code=meta.get("place_code"), place=meta.get("place"), province=meta.get("province"),
                  district=meta.get("district"), org_level=meta.get("org_level"),
                  evidence=evidence, unsure=unsure)


OVERRIDDEN = {"place": ("place", "city"), "organization": ("department",), "year": ("year",),
              "type": ("report_type",)}


def user_given(overrides: Overrides, evidence: tuple[str, ...],
               unsure: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A field the user gave is certain and its evidence says so."""
    given = [f for f, attrs in OVERRIDDEN.items() if any(getattr(overrides, a) for a in attrs)]
    kept = tuple(e for e in evidence if not any(e.startswith(FIELD_LABEL[f] + "：") for f in given))
    return kept + tuple(f"{FIELD_LABEL[f]}：用户指定" for f in given), tuple(f for f in unsure if f not in given)


def with_sections(facts: Sequence[Fact], chunks: Sequence[Chunk]) -> list[Fact]:
    """A prose fact gets the section path of the passage that holds its sentence."""
    flat = [(_flat(c.text), c) for c in chunks if c.kind == "text"]
    out = []
    for f in facts:
        if f.source == "prose" and not f.section_path:
            key = _flat(f.text)[:24]
            hit = next((c for t, c in flat if key and key in t and c.page_start <= f.page <= c.page_end + 1), None) \
                or next((c for t, c in flat if key and key in t), None)
            if hit is not None and hit.section_path:
                f = replace(f, section_path=hit.section_path)
        out.append(f)
    return out


def section_finder(chunks: Sequence[Chunk]):
    """`section_of(sentence, page)`: the section path of the passage that holds a sentence."""
    flat = [(_flat(c.text), c) for c in chunks if c.kind == "text"]

    def section_of(sentence: str, page: int) -> str:
        key = _flat(sentence)[:24]
        hit = next((c for t, c in flat if key and key in t and c.page_start <= page <= c.page_end + 1), None) \
            or next((c for t, c in flat if key and key in t), None)
        return hit.section_path if hit is not None else ""
    return section_of


def with_periods(facts: Sequence[Fact], report: Report) -> list[Fact]:
    """Each fact with the period it describes (index/extract/periods.py), not only its report's year."""
    out = []
    for f in facts:
        p = fact_period(text=f.text, measure=f.measure, table=f.table, section_path=f.section_path,
                        report_year=report.year, report_type=report.report_type,
                        number_pos=number_position(f.text, f.value, f.unit) if f.source == "prose" else None)
        out.append(replace(f, period_year=p.year, period_end=p.year_end, period_kind=p.kind))
    return out


def page_texts(parsed: ParsedDocument) -> list[tuple[int, str]]:
    by_page: dict[int, list[str]] = {}
    for line in parsed.lines:
        by_page.setdefault(line.page, []).append(line.text)
    return [(n, "\n".join(by_page.get(n, []))) for n in range(1, parsed.pages + 1)]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(text or ""))


def locate_pages(facts: Sequence[Fact], pages: Sequence[tuple[int, str]], reach: int = 6) -> list[Fact]:
    """A table continued over pages gives its facts the page it starts on: move each fact to
    the page whose text holds its source row (looking a few pages ahead)."""
    flat = {n: _flat(t) for n, t in pages}
    out = []
    for f in facts:
        key = _flat(f.text)[:40]
        if key and key not in flat.get(f.page, key):
            for n in range(f.page + 1, f.page + reach + 1):
                if key in flat.get(n, ""):
                    f = replace(f, page=n)
                    break
        out.append(f)
    return out


def number_chunks(chunks: Sequence[Chunk], doc_id: str) -> list[Chunk]:
    return [replace(c, doc_id=doc_id, chunk_id=f"{doc_id}:{i}") for i, c in enumerate(chunks)]


def ingest_file(store: Store, embedder: Embedder, path: Path, *, overrides: Overrides = Overrides(),
                max_pages: int = 2000, display_name: str | None = None,
                progress: Callable[[str, int, int], None] | None = None,
                ocr: PageReader | None = None, vector_rule: Callable[[Chunk], bool] = needs_vector) -> IngestResult:
    """Ingest a file that holds one report (PDF, TXT, MD). Raises IngestError subclasses."""
    results = ingest_path(store, embedder, path, overrides=overrides, max_pages=max_pages,
                          display_name=display_name, progress=progress, ocr=ocr, vector_rule=vector_rule)
    if len(results) != 1:
        raise IngestError(f"{display_name or Path(path).name}: 文件含 {len(results)} 份报告，请用 ingest_path "
                          f"(the file holds {len(results)} reports)")
    return results[0]


def ingest_path(store: Store, embedder: Embedder, path: Path, *, overrides: Overrides = Overrides(),
                max_pages: int = 2000, display_name: str | None = None,
                progress: Callable[[str, int, int], None] | None = None,
                ocr: PageReader | None = None, vector_rule: Callable[[Chunk], bool] = needs_vector
                ) -> list[IngestResult]:
    """Parse, extract, embed and store every report of one file, each in its own transaction.
    `ocr` (index/read/ocr.py) reads scanned pages; None = no OCR (a scan is refused with NoTextLayer).
    `vector_rule`: which chunks get a vector (index/search/vectorless.py)."""
    path = Path(path)
    filename = display_name or path.name
    return [ingest_source(store, embedder, src, overrides=merge(overrides, src.hints), progress=progress,
                          corrected=overrides != Overrides(), vector_rule=vector_rule)
            for src in sources_of(path, filename, max_pages=max_pages, ocr=ocr, progress=progress,
                                  folder="" if display_name else path.parent.name)]


@dataclass(frozen=True)
class Prepared:
    """One report parsed, its facts extracted and its chunks tokenised: everything but the
    vectors. Made in a worker process by the bulk ingest (index/ingest/bulk.py)."""
    name: str
    ext: str
    sha1: str
    report: Report
    pages: list[tuple[int, str]]
    sections: list
    chunks: list[Chunk]
    tokens: list[str]
    facts: list[Fact]
    n_tables: int
    warnings: tuple[str, ...]
    corrected: bool
    statements: list[Statement] = field(default_factory=list)    # achievements / targets in the prose
    ocr_lines: tuple[OcrLine, ...] = ()                            # lines of pages read by OCR


def prepare_source(src: Source, overrides: Overrides, *, corrected: bool = False) -> Prepared:
    """Parse, build the report, extract facts (with sections and periods), tokenise chunks."""
    parsed = src.parse()
    report = build_report(parsed, src.data, src.name, overrides, src.folder)
    chunks = number_chunks(parsed.chunks, report.doc_id)
    pages = page_texts(parsed)
    facts = with_periods(with_sections(locate_pages(extract_facts(parsed.tables, parsed.paragraphs), pages),
                                       chunks), report)
    facts = mark_ocr_facts(facts, parsed.ocr_lines)
    statements = statements_from_paragraphs(parsed.paragraphs, year=report.year, report_type=report.report_type,
                                            section_of=section_finder(chunks))
    tokenizer = default_tokenizer()
    tokens = [" ".join(tokenizer.tokenize(c.embed_text())) for c in chunks]
    return Prepared(name=src.name, ext=src.ext, sha1=report.sha1, report=report, pages=pages,
                    sections=list(parsed.sections), chunks=chunks, tokens=tokens, facts=facts,
                    n_tables=len(parsed.tables), warnings=tuple(parsed.warnings), corrected=corrected,
                    statements=statements, ocr_lines=tuple(parsed.ocr_lines))


def unchanged_result(name: str, same: Report, seconds: float) -> IngestResult:
    return IngestResult(path=name, doc_id=same.doc_id, title=same.title, city=same.city,
                        year=same.year, report_type=same.report_type, pages=same.pages, sections=0,
                        chunks=0, tables=0, facts=0, conflicts=0, replaced=0, seconds=seconds,
                        status="unchanged", organization=same.department, place=same.place)


def ingest_source(store: Store, embedder: Embedder, src: Source, *, overrides: Overrides,
                  progress: Callable[[str, int, int], None] | None = None,
                  corrected: bool = False, vector_rule: Callable[[Chunk], bool] = needs_vector) -> IngestResult:
    """One report: same bytes as a stored report → nothing to do; same identity (organization,
    place, year, type) → a new version replacing the old one; otherwise a new report.
    `corrected`: the user gave metadata, so the same bytes are stored again under it."""
    t0 = time.perf_counter()
    same = store.find_same_bytes(hashlib.sha1(src.data).hexdigest())
    if same is not None and not corrected:
        return unchanged_result(src.name, same, time.perf_counter() - t0)
    prep = prepare_source(src, overrides, corrected=corrected)
    if progress:
        progress("parsed", prep.report.pages, prep.report.pages)
    return store_prepared(store, embedder, prep, src.data, progress=progress, t0=t0, vector_rule=vector_rule)


def store_prepared(store: Store, embedder: Embedder, prep: Prepared, data: bytes, *,
                   progress: Callable[[str, int, int], None] | None = None,
                   t0: float | None = None, batch_size: int = 32, replacing: Sequence[str] = (),
                   vector_rule: Callable[[Chunk], bool] = needs_vector) -> IngestResult:
    """Embed a prepared report's chunks and write it in one transaction (replacing older versions,
    each kept as a version). `replacing`: stored doc_ids it replaces whatever their text (a restore).
    `vector_rule`: which chunks get a vector (index/search/vectorless.py; a table of figures none)."""
    t0 = time.perf_counter() if t0 is None else t0
    report, chunks = prep.report, prep.chunks
    same = store.find_same_bytes(prep.sha1)
    if same is not None and not prep.corrected:
        return unchanged_result(prep.name, same, time.perf_counter() - t0)
    done = [0]
    wanted = [i for i, c in enumerate(chunks) if vector_rule(c)]

    def on_batch(n: int) -> None:
        done[0] += n
        if progress:
            progress("embedded", done[0], len(wanted))

    vectors = spread(embedder.embed_passages([chunks[i].embed_text() for i in wanted], batch_size=batch_size,
                                             progress=on_batch) if wanted else [], wanted, len(chunks))
    namesakes, older = older_versions(store, report, "\n".join(t for _, t in prep.pages), replacing)
    if same is not None:
        older.append(same)       # same bytes, metadata corrected by the user
    fresh = store.count_chunks() == 0
    stats = store.put_report(report, file_ext=prep.ext, pages=prep.pages, sections=prep.sections,
                             chunks=chunks, tokens=prep.tokens, vectors=vectors, facts=prep.facts,
                             checks_fn=run_checks, n_tables=prep.n_tables,
                             warnings=prep.warnings, replace=[r.doc_id for r in older],
                             statements=prep.statements, ocr_lines=prep.ocr_lines, data=data)
    if fresh:
        store.set_meta("tokenizer", default_tokenizer().signature())
    return IngestResult(path=prep.name, doc_id=report.doc_id, title=report.title, city=report.city,
                        year=report.year, report_type=report.report_type, pages=report.pages,
                        sections=len(prep.sections), chunks=len(chunks), tables=prep.n_tables,
                        facts=stats["facts"], conflicts=stats["conflicts"], replaced=len(older),
                        seconds=time.perf_counter() - t0, warnings=prep.warnings,
                        status="replaced" if older else "new", organization=report.department,
                        place=report.place, replaced_titles=tuple(r.title for r in older),
                        statements=stats["statements"],
                        kept_beside=tuple(r.doc_id for r in namesakes if r not in older),
                        versions=tuple(stats["versions"].get(r.doc_id) for r in older),
                        replaced_files=tuple(r.source_path for r in older),
                        chars=sum(len(t) for _, t in prep.pages), embedded=len(wanted))


def spread(vectors, positions: Sequence[int], n: int) -> list:
    """The vectors of the chunks at `positions`, one per chunk of `n`; None for the others."""
    out: list = [None] * n
    for pos, vec in zip(positions, vectors):
        out[pos] = vec
    return out


def older_versions(store: Store, report: Report, text: str,
                   replacing: Sequence[str] = ()) -> tuple[list[Report], list[Report]]:
    """(namesakes, older): the stored reports of the same identity, and those the new one replaces —
    the namesakes whose text is mostly its text (index/ingest/versions.py), and `replacing`."""
    namesakes = [r for r in store.find_same_identity(report.identity()) if r.doc_id != report.doc_id]
    older = [r for r in namesakes if r.doc_id in replacing or same_document(store.report_text(r.doc_id), text)]
    named = {r.doc_id for r in namesakes}
    older += [store.get_report(d) for d in replacing if d != report.doc_id and d not in named]
    return namesakes, older


__all__ = ["IngestResult", "Overrides", "Prepared", "expand_paths", "ingest_file", "ingest_path", "prepare_source",
           "store_prepared", "IngestError"]
