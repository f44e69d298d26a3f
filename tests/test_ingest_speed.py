"""What makes ingest cheaper (issue 21), tested without timing anything: a text repeated within
one run is embedded once (cache off too), QA_EMBED_DEVICE, the ONNX int8 passage backend (same
vector space as sentence-transformers, truncated at 512 tokens like it), and the summary's rates."""
from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import ValidationError

from index.ingest.bulk import Summary, bulk_ingest
from index.ingest.report import IngestResult
from index.search.embed import (
    E5_SMALL,
    CachedEmbedder,
    HashEmbedder,
    MemoEmbedder,
    SentenceTransformerEmbedder,
    make_embedder,
    with_cache,
)
from index.settings import Settings, check_device
from index.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "models" / "multilingual-e5-small"
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


class Counting(HashEmbedder):
    """A hash embedder that records every text it was asked to embed."""

    backend = "counting"

    def __init__(self):
        super().__init__(dim=64)
        self.seen: list[str] = []

    def embed_passages(self, texts, batch_size=32, progress=None):
        self.seen += list(texts)
        return super().embed_passages(texts, batch_size, progress)


# ------------------------------------------------------------------ repeated text, embedded once
def test_memo_embeds_each_text_once_within_and_across_calls():
    inner = Counting()
    memo = MemoEmbedder(inner)
    done: list[int] = []
    a = memo.embed_passages(["部门职责", "名词解释", " 部门职责 "], progress=done.append)
    b = memo.embed_passages(["名词解释", "机构设置"], progress=done.append)
    assert inner.seen == ["部门职责", "名词解释", "机构设置"]
    assert sum(done) == 5                                   # every passage counted once
    assert np.array_equal(a[0], a[2]) and np.array_equal(a[1], b[0])
    assert np.array_equal(b[1], HashEmbedder(dim=64).embed_passages(["机构设置"])[0])


def test_memo_is_bounded():
    memo = MemoEmbedder(Counting(), max_items=2)
    memo.embed_passages(["一", "二", "三"])
    assert len(memo._seen) == 2


def test_cache_off_still_embeds_repeats_once(tmp_path):
    inner = Counting()
    off = with_cache(inner, SimpleNamespace(embed_cache=None))
    assert isinstance(off, MemoEmbedder)
    on = with_cache(Counting(), SimpleNamespace(embed_cache=tmp_path / "e.sqlite"))
    assert isinstance(on, CachedEmbedder)
    assert with_cache(HashEmbedder(), SimpleNamespace(embed_cache=None)).__class__ is HashEmbedder


def test_repeated_sections_across_reports_embedded_once(tmp_path):
    """A report whose passages all repeat one ingested before in the run embeds nothing again,
    and every chunk still gets its vector."""
    inner = Counting()
    emb = MemoEmbedder(inner)
    first = SqliteStore(tmp_path / "a", model_name=inner.name, dim=inner.dim)
    second = SqliteStore(tmp_path / "b", model_name=inner.name, dim=inner.dim)
    one = bulk_ingest(first, emb, SEEDS[:1], workers=1)
    n = len(inner.seen)
    two = bulk_ingest(second, emb, SEEDS[:1], workers=1)
    assert n == len(set(inner.seen)) and len(inner.seen) == n          # nothing embedded twice
    assert one.results[0].chunks == two.results[0].chunks == second.counts()["chunks"] > 0
    a, b = first.all_chunks()[3], second.all_chunks()[3]
    assert np.array_equal(a, b)


# ------------------------------------------------------------------ QA_EMBED_DEVICE
def test_embed_device_setting(monkeypatch):
    assert Settings().embed_device == "cpu"
    assert Settings(embed_device=" CUDA:1 ").embed_device == "cuda:1"
    monkeypatch.setenv("QA_EMBED_DEVICE", "gpu")
    with pytest.raises(ValidationError, match="QA_EMBED_DEVICE must be cpu, cuda, cuda:N or mps"):
        Settings()
    for bad in ("cpu:0", "cuda:x", "tpu", "mps:1"):
        with pytest.raises(ValueError, match="QA_EMBED_DEVICE"):
            check_device(bad)


def _settings(**kw):
    base = dict(embed_backend="st", query_backend="hash", model_name=E5_SMALL, model_path=MODEL_DIR,
                embed_cache=None, embed_threads=1, embed_device="cpu", onnx_model=Path("/nonexistent.onnx"))
    return SimpleNamespace(**{**base, **kw})


def test_unavailable_gpu_is_a_clear_error():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    with pytest.raises(ValueError, match="QA_EMBED_DEVICE=cuda but torch sees no such CUDA device"):
        make_embedder(_settings(embed_device="cuda"), "passage")
    with pytest.raises(ValueError, match="QA_EMBED_DEVICE"):   # the ONNX default goes to the GPU through st
        make_embedder(_settings(embed_backend="onnx", embed_device="cuda:0"), "passage")
    with pytest.raises(ValueError, match="QA_EMBED_DEVICE must be"):
        make_embedder(_settings(embed_device="gpu"), "passage")


def test_missing_onnx_model_says_how_to_build_it():
    pytest.importorskip("onnxruntime")
    if not (MODEL_DIR / "tokenizer.json").exists():
        pytest.skip(f"model not at {MODEL_DIR}")
    with pytest.raises(FileNotFoundError, match="build_onnx.py"):
        make_embedder(_settings(embed_backend="onnx"), "passage")


@pytest.mark.slow
def test_st_on_cpu_device():
    if not (MODEL_DIR / "modules.json").exists():
        pytest.skip(f"model not at {MODEL_DIR}")
    emb = make_embedder(_settings(embed_device="cpu"), "passage")
    assert isinstance(emb, MemoEmbedder) and str(emb.inner.model.device) == "cpu"
    assert emb.embed_passages(["公务接待费"]).shape == (1, 384)


def test_torch_threads_sleep_while_they_wait(monkeypatch):
    from index.search.prefixed import sleeping_waits
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    sleeping_waits()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")          # an operator's own choice is kept
    sleeping_waits()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


# ------------------------------------------------------------------ bfloat16 where the CPU computes it
def test_precision_setting_and_auto(monkeypatch):
    import index.search.embed as embed
    assert Settings(embed_precision=" BF16 ").embed_precision == "bf16"
    assert Settings().embed_precision == "auto" and Settings().embed_backend == "st"
    with pytest.raises(ValidationError, match="QA_EMBED_PRECISION must be auto, fp32 or bf16"):
        Settings(embed_precision="int4")
    monkeypatch.setattr(embed, "native_bf16", lambda: False)
    assert embed.passage_precision("auto", "cpu") == "fp32"           # emulated bf16 would be slower
    monkeypatch.setattr(embed, "native_bf16", lambda: True)
    assert embed.passage_precision("auto", "cpu") == "bf16"
    assert embed.passage_precision("fp32", "cpu") == "fp32" and embed.passage_precision("bf16", "cpu") == "bf16"
    with pytest.raises(ValueError, match="precision must be fp32 or bf16"):
        SentenceTransformerEmbedder(MODEL_DIR, precision="fp16")


@pytest.mark.slow
def test_bf16_passages_are_the_fp32_vectors_cached_apart(tmp_path):
    if not (MODEL_DIR / "modules.json").exists():
        pytest.skip(f"model not at {MODEL_DIR}")
    fp32 = SentenceTransformerEmbedder(MODEL_DIR, num_threads=1)
    bf16 = SentenceTransformerEmbedder(MODEL_DIR, num_threads=1, precision="bf16")
    assert (fp32.backend, bf16.backend) == ("st", "st-bf16") and bf16.dim == fp32.dim == 384
    texts = ["2021年一般公共预算财政拨款收入1234.56万元，比上年增长3.2%。",
             "已铺设 1835 台“粤智助”自助机，实现 7 个区（县）全覆盖。",
             "The department's total expenditure decreased compared with last year."]
    cos = (fp32.embed_passages(texts) * bf16.embed_passages(texts)).sum(axis=1)
    assert cos.min() > 0.9999, cos
    a, b = CachedEmbedder(fp32, tmp_path / "c.sqlite"), CachedEmbedder(bf16, tmp_path / "c.sqlite")
    assert a.model_key != b.model_key                      # one cache file, each precision's own vectors


# ------------------------------------------------------------------ the ONNX int8 passage backend
@pytest.fixture(scope="module")
def onnx_and_st():
    s = Settings()
    if not s.onnx_model.exists() or not (MODEL_DIR / "modules.json").exists():
        pytest.skip(f"ONNX passage model not at {s.onnx_model} (make install builds it)")
    onnx = make_embedder(Settings(embed_backend="onnx", embed_cache=None, embed_threads=1), "passage")
    return onnx, SentenceTransformerEmbedder(MODEL_DIR, num_threads=1)


@pytest.mark.slow
def test_onnx_passages_in_the_st_space(onnx_and_st):
    onnx, st = onnx_and_st
    assert onnx.inner.backend == "onnx" and onnx.name == st.name == E5_SMALL and onnx.dim == 384
    texts = ["2021年一般公共预算财政拨款收入1234.56万元，比上年增长3.2%。",
             "部门职责\n负责全市政务服务体系建设，统筹推进“数字政府”改革。",
             "The department's total expenditure decreased compared with last year."]
    cos = (onnx.embed_passages(texts) * st.embed_passages(texts)).sum(axis=1)
    assert cos.min() > 0.99, cos


@pytest.mark.slow
def test_onnx_truncates_at_512_tokens_like_st(onnx_and_st):
    onnx, st = onnx_and_st
    long = "政务服务数据管理局推进一网通办改革，" * 200        # far past 512 tokens
    tok = onnx.inner.tokenizer
    assert len(tok.encode("passage: " + long).ids) == 512
    v_long, v_more = onnx.embed_passages([long, long + "另加一句。"])
    assert float(v_long @ v_more) > 0.9999                   # the tail past 512 tokens is not read
    assert float(v_long @ st.embed_passages([long])[0]) > 0.99


# ------------------------------------------------------------------ the summary's rates
def _result(**kw) -> IngestResult:
    base = dict(path="a.pdf", doc_id="d", title="t", city=None, year=None, report_type=None, pages=10, sections=1,
                chunks=20, tables=0, facts=0, conflicts=0, replaced=0, seconds=1.0, chars=5000)
    return IngestResult(**{**base, **kw})


def test_summary_states_pages_chunks_chars_per_second_and_embedding_share():
    s = Summary(results=[_result(), _result(status="unchanged", pages=99, chars=99_999, chunks=0)],
                seconds=4.0, embed_seconds=3.0)
    assert s.pages == 10 and s.chars == 5000
    r = s.rates()
    assert (r["pages_s"], r["chunks_s"], r["chars_s"], r["embed_share"]) == (2.5, 5.0, 1250.0, 0.75)
    line = s.line()
    for part in ("10 pages", "5000 characters", "2.5 pages/s", "5.0 chunks/s", "1250 chars/s", "embedding 3.0s = 75 %"):
        assert part in line, (part, line)


def test_ingest_result_counts_the_text_characters(tmp_path):
    emb = HashEmbedder()
    store = SqliteStore(tmp_path / "s", model_name=emb.name, dim=emb.dim)
    summary = bulk_ingest(store, emb, SEEDS[:1], workers=1)
    res = summary.results[0]
    assert res.chars > 1000
    assert res.chars == sum(len(store.page_text(res.doc_id, n)) for n in range(1, res.pages + 1))
    assert "chars/s" in summary.line()
