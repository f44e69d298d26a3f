"""File → records → store. Parsing, fact extraction and embedding all happen before
the single write transaction, so a bad file or a crash never leaves half a report."""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from .checks import run_checks
from .embed import Embedder
from .errors import IngestError, UnsupportedFile
from .facts import extract_facts
from .lexical import default_tokenizer
from .metadata import read_metadata
from .parse import parse_file
from .numbers import to_halfwidth
from .records import Chunk, Fact, ParsedDocument, Report
from .store import Store, atomic_write_bytes

SUPPORTED = {".pdf", ".txt", ".md"}


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


@dataclass(frozen=True)
class Overrides:
    city: str | None = None
    year: int | None = None
    title: str | None = None
    department: str | None = None
    report_type: str | None = None


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


def build_report(parsed: ParsedDocument, data: bytes, filename: str, overrides: Overrides) -> Report:
    sha1 = hashlib.sha1(data).hexdigest()
    meta = read_metadata(parsed, filename)
    city = overrides.city or meta.get("city")
    year = overrides.year or meta.get("year")
    department = overrides.department or meta.get("department")
    report_type = overrides.report_type or meta.get("report_type")
    title = overrides.title or meta.get("title") or Path(filename).stem
    return Report(doc_id=sha1[:16], title=title, city=city, year=year, department=department,
                  report_type=report_type, source_path=filename, pages=parsed.pages, sha1=sha1)


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
                progress: Callable[[str, int, int], None] | None = None) -> IngestResult:
    """Parse, extract, embed and store one file. Raises IngestError subclasses on bad input."""
    t0 = time.perf_counter()
    path = Path(path)
    filename = display_name or path.name
    ext = Path(filename).suffix.lower()
    if ext not in SUPPORTED:
        raise UnsupportedFile(f"{filename}: 不支持的文件类型 {ext or '(无扩展名)'}；支持 PDF、TXT、MD "
                              f"(unsupported file type)")
    data = path.read_bytes()
    parsed = parse_file(path, max_pages=max_pages)
    report = build_report(parsed, data, filename, overrides)
    if progress:
        progress("parsed", parsed.pages, parsed.pages)
    chunks = number_chunks(parsed.chunks, report.doc_id)
    pages = page_texts(parsed)
    facts = locate_pages(extract_facts(parsed.tables, parsed.paragraphs), pages)
    tokenizer = default_tokenizer()
    tokens = [" ".join(tokenizer.tokenize(c.embed_text())) for c in chunks]
    done = [0]

    def on_batch(n: int) -> None:
        done[0] += n
        if progress:
            progress("embedded", done[0], len(chunks))

    vectors = embedder.embed_passages([c.embed_text() for c in chunks], progress=on_batch)
    replaced = [d for d in store.find_existing(report.sha1, filename) if d != report.doc_id]
    fresh = store.count_chunks() == 0
    atomic_write_bytes(store.root / "files" / f"{report.doc_id}{ext}", data)
    stats = store.put_report(report, file_ext=ext, pages=pages, sections=parsed.sections,
                             chunks=chunks, tokens=tokens, vectors=vectors, facts=facts,
                             checks_fn=run_checks, n_tables=len(parsed.tables),
                             warnings=parsed.warnings, replace=replaced)
    if fresh:
        store.set_meta("tokenizer", tokenizer.signature())
    for old in replaced:
        for f in (store.root / "files").glob(f"{old}.*"):
            f.unlink(missing_ok=True)
    return IngestResult(path=str(path), doc_id=report.doc_id, title=report.title, city=report.city,
                        year=report.year, report_type=report.report_type, pages=parsed.pages,
                        sections=len(parsed.sections), chunks=len(chunks), tables=len(parsed.tables),
                        facts=stats["facts"], conflicts=stats["conflicts"], replaced=len(replaced),
                        seconds=time.perf_counter() - t0, warnings=tuple(parsed.warnings))


__all__ = ["IngestResult", "Overrides", "expand_paths", "ingest_file", "IngestError"]
