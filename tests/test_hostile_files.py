"""Hostile input files: every bad file gives a clear index.errors exception (or a clean ingest),
never a partial report; the CLI reports one `error` line per bad file and still ingests the good
ones. HashEmbedder throughout: the model is not the point here."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pdfgen  # noqa: E402
from index.search.embed import HashEmbedder  # noqa: E402
from index.errors import (CorruptFile, EmptyDocument, EncryptedFile, IngestError, NoTextLayer, TooLarge,
                          UnsupportedFile)
from index.ingest.report import ingest_file
from index.store.base import Store
from index.store.sqlite import SqliteStore


ROOT = Path(__file__).resolve().parents[1]
HASH_ENV = {"QA_EMBED_BACKEND": "hash", "QA_QUERY_BACKEND": "hash"}


# ------------------------------------------------------------------ generators
def long_pdf(folder: Path, pages: int, name: str = "long.pdf") -> Path:
    """`pages` pages of one Chinese line each (reportlab: ~1 s for 300 pages)."""
    from reportlab.pdfgen import canvas
    path = folder / name
    c = canvas.Canvas(str(path), pagesize=pdfgen.A4)
    for n in range(1, pages + 1):
        c.setFont(pdfgen.FONT, 12)
        c.drawString(60, pdfgen.H - 80, f"第{n}页 本部门公务接待费支出{n}.5万元。")
        pdfgen._footer(c, n)
        c.showPage()
    c.save()
    return path


def _pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF from numbered object bodies (1-based), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def page_count_bomb(folder: Path, kids: int = 20_000, distinct: bool = True) -> Path:
    """A small file claiming `kids` pages: `kids` tiny page objects sharing one content stream
    (distinct=True, ~60 bytes a page), or one page listed `kids` times in /Kids (distinct=False)."""
    content = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    first = 6
    refs = (b"".join(b"%d 0 R " % (first + i) for i in range(kids)) if distinct else b"3 0 R " * kids)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /MediaBox [0 0 612 792] /Count %d /Kids [" % kids + refs + b"] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if distinct:
        objs += [b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources 7 0 R >>".replace(b"7 0 R", b"<< >>")
                 for _ in range(kids)]
    path = folder / ("bomb_pages.pdf" if distinct else "bomb_kids.pdf")
    path.write_bytes(_pdf(objs))
    return path


def stream_bomb(folder: Path, inflated_mb: int = 256) -> Path:
    """One page, no text, one image whose Flate stream inflates to `inflated_mb` MB (~250 KB on disk)."""
    raw = zlib.compressobj(9)
    chunk = b"\x00" * (1 << 20)
    data = b"".join(raw.compress(chunk) for _ in range(inflated_mb)) + raw.flush()
    side = int((inflated_mb * (1 << 20) / 3) ** 0.5)
    content = b"q 100 0 0 100 50 50 cm /Im1 Do Q"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data))
        + data + b"\nendstream",
    ]
    path = folder / "bomb_stream.pdf"
    path.write_bytes(_pdf(objs))
    return path


def text_named_pdf(folder: Path) -> Path:
    path = folder / "notes.pdf"
    path.write_text("一、部门基本情况\n本部门公务接待费支出1.13万元。\n", encoding="utf-8")
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.pdf"
    path.write_bytes(b"")
    return path


def png_renamed(folder: Path) -> Path:
    path = folder / "photo.png"
    path.write_bytes(pdfgen._png_bytes())
    return path


# name -> (maker, acceptable exception types); None = a clean ingest is expected
BAD = {
    "corrupt": (pdfgen.corrupt_pdf, (CorruptFile, EmptyDocument)),
    "truncated": (pdfgen.truncated_pdf, (CorruptFile,)),
    "encrypted": (pdfgen.encrypted_pdf, (EncryptedFile,)),
    "empty": (empty_file, (EmptyDocument, UnsupportedFile)),
    "zero_pages": (pdfgen.zero_page_pdf, (EmptyDocument,)),
    "image_only": (pdfgen.image_only_pdf, (NoTextLayer,)),   # no OCR given (QA_OCR=off); with OCR: test_ocr_ingest
    "blank_page": (pdfgen.blank_pdf, (EmptyDocument,)),
    "docx": (pdfgen.docx_file, (UnsupportedFile,)),
    "png": (png_renamed, (UnsupportedFile,)),
    "png_named_pdf": (pdfgen.png_named_pdf, (UnsupportedFile,)),
    "text_named_pdf": (text_named_pdf, (UnsupportedFile,)),
    "binary_txt": (pdfgen.binary_txt, (UnsupportedFile,)),
    "page_bomb": (page_count_bomb, (TooLarge,)),
}


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = SqliteStore(tmp_path / "store", model_name="hash-384", dim=384)
    yield s
    s.close()


def _snapshot(store: Store) -> tuple:
    files = sorted(p.name for p in (store.root / "files").iterdir())
    return store.counts(), store.generation(), files


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_file_is_refused_cleanly(kind: str, tmp_path: Path, store: Store) -> None:
    make, expected = BAD[kind]
    folder = tmp_path / "in"
    folder.mkdir()
    path = make(folder)
    # a good report first, so "unchanged" is checked against a non-empty store
    ingest_file(store, HashEmbedder(), pdfgen.gb18030_text(folder))
    before = _snapshot(store)
    with pytest.raises(IngestError) as err:
        ingest_file(store, HashEmbedder(), path, max_pages=1000)
    assert isinstance(err.value, expected), f"{kind}: {type(err.value).__name__}: {err.value}"
    assert str(err.value).strip() and path.name in str(err.value) or kind in ("docx", "png"), str(err.value)
    assert _snapshot(store) == before, "a failed ingest changed the store"


def test_gb18030_text_ingests(tmp_path: Path, store: Store) -> None:
    res = ingest_file(store, HashEmbedder(), pdfgen.gb18030_text(tmp_path))
    assert res.chunks >= 1
    assert "公务接待费" in store.page_text(res.doc_id, 1)


def test_300_pages_ingest_within_limit_and_refused_over_it(tmp_path: Path, store: Store) -> None:
    path = long_pdf(tmp_path, 310)
    before = _snapshot(store)
    with pytest.raises(TooLarge) as err:
        ingest_file(store, HashEmbedder(), path, max_pages=300)
    assert "310" in str(err.value) and "300" in str(err.value)
    assert _snapshot(store) == before
    res = ingest_file(store, HashEmbedder(), path, max_pages=2000)
    assert res.pages == 310
    assert store.counts()["reports"] == 1
    assert "第310页" in store.page_text(res.doc_id, 310)


def test_page_count_bomb_refused_with_default_limit(tmp_path: Path, store: Store) -> None:
    path = page_count_bomb(tmp_path, kids=5000)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(TooLarge):
        ingest_file(store, HashEmbedder(), path)   # default max_pages=2000
    assert store.counts()["reports"] == 0


def test_repeated_kids_page_tree_is_one_page(tmp_path: Path, store: Store) -> None:
    """/Kids listing one page 50,000 times (/Count 50000): pdfminer visits it once."""
    path = page_count_bomb(tmp_path, kids=50_000, distinct=False)
    try:
        res = ingest_file(store, HashEmbedder(), path, max_pages=100)
    except IngestError as e:      # refusing is fine too, as long as it is clean
        assert isinstance(e, (TooLarge, CorruptFile, EmptyDocument)), e
        assert store.counts()["reports"] == 0
    else:
        assert res.pages <= 100


def test_stream_bomb_bounded_memory(tmp_path: Path) -> None:
    """A 256 MB-inflating image stream: parsed in a child with a 1.5 GB address-space limit;
    it must end with a clean IngestError or a clean result, not a MemoryError or a kill."""
    path = stream_bomb(tmp_path, 256)
    assert path.stat().st_size < 2_000_000
    code = (
        "import resource,sys\n"
        "resource.setrlimit(resource.RLIMIT_AS,(1536<<20,1536<<20))\n"
        "from index.read.parse import parse_file\n"
        "from index.errors import IngestError\n"
        "try:\n"
        f"    parse_file({str(path)!r}, max_pages=100)\n"
        "    print('OK')\n"
        "except IngestError as e:\n"
        "    print('ERR', type(e).__name__, e)\n")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=90)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.startswith(("OK", "ERR")), p.stdout + p.stderr[-2000:]


# ------------------------------------------------------------------ the CLI
def run_qa(args: list[str], store: Path, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QA_STORE=str(store), **HASH_ENV, **(env or {}))
    return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def cli_lines(p: subprocess.CompletedProcess, prefix: str) -> list[str]:
    """The CLI's per-file lines (tqdm.write puts them on stdout), without tqdm's carriage
    returns and cursor escapes."""
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", p.stdout + "\n" + p.stderr).replace("\r", "\n")
    return [ln.strip() for ln in text.split("\n") if ln.strip().startswith(prefix)]


def _store_counts(root: Path) -> dict:
    s = SqliteStore(root)
    try:
        return s.counts()
    finally:
        s.close()


def test_cli_mixed_batch_one_error_line_per_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = [BAD[k][0](folder) for k in ("corrupt", "encrypted", "empty", "zero_pages", "image_only",
                                       "png_named_pdf", "text_named_pdf", "binary_txt", "page_bomb")]
    good = [pdfgen.report_pdf(folder), pdfgen.gb18030_text(folder)]
    docx = pdfgen.docx_file(folder)
    store = tmp_path / "store"
    files = [str(p) for p in [good[0], *bad, docx, good[1]]]
    p = run_qa(["ingest", *files], store)
    errors, oks = cli_lines(p, "error "), cli_lines(p, "ok ")
    names = sorted(ln.split(":", 1)[0].removeprefix("error ").strip() for ln in errors)
    assert names == sorted(x.name for x in [*bad, docx]), p.stderr
    assert len(oks) == 2, p.stderr
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "2 report(s)" in p.stdout
    assert _store_counts(store)["reports"] == 2

    # all bad -> exit 1, store unchanged; all good -> exit 0
    before = _store_counts(store)
    p = run_qa(["ingest", str(bad[0]), str(bad[1])], store)
    assert p.returncode == 1, p.stderr
    assert _store_counts(store) == before
    p = run_qa(["ingest", str(good[1])], store)
    assert p.returncode == 0, p.stderr
    assert _store_counts(store) == before      # re-ingesting replaces, no duplicate


def test_cli_missing_file_is_an_error_line(tmp_path: Path) -> None:
    p = run_qa(["ingest", str(tmp_path / "nope.pdf")], tmp_path / "store")
    assert p.returncode == 1
    assert [ln.split(":")[0] for ln in cli_lines(p, "error ")] == ["error nope.pdf"], p.stderr


def test_cli_ingests_a_scan_with_ocr_and_refuses_it_with_ocr_off(tmp_path: Path) -> None:
    """QA_OCR defaults to auto: a scanned report (no text layer) goes in through OCR, with a
    per-page progress bar; QA_OCR=off keeps the old message; a picture with no writing and a
    blank page are still refused."""
    folder = tmp_path / "in"
    folder.mkdir()
    scan = pdfgen.scan_table_pdf(folder, dpi=150)
    store = tmp_path / "store"
    cache = {"QA_OCR_CACHE": str(tmp_path / "ocr.sqlite")}
    p = run_qa(["ingest", str(scan), str(pdfgen.image_only_pdf(folder)), str(pdfgen.blank_pdf(folder))],
               store, timeout=600, env=cache)
    assert [ln.split(":")[0] for ln in cli_lines(p, "ok ")] == ["ok    scan_table.pdf"], p.stdout + p.stderr
    errors = cli_lines(p, "error ")
    assert any(ln.startswith("error scan.pdf") and "OCR" in ln for ln in errors), errors
    assert any(ln.startswith("error blank.pdf") for ln in errors), errors
    assert "ocr" in p.stderr                                   # the per-page OCR progress bar
    p = run_qa(["ingest", str(scan)], tmp_path / "store-off", env={**cache, "QA_OCR": "off"})
    assert any("没有文字层" in ln for ln in cli_lines(p, "error scan_table.pdf")), p.stdout + p.stderr
