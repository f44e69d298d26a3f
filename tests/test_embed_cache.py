"""CachedEmbedder: passages already embedded by the same model are read from SQLite,
never embedded again (fast tests wrap HashEmbedder; one slow test uses the real model)."""
from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from index.search.embed import (
    CachedEmbedder,
    Embedder,
    HashEmbedder,
    MemoEmbedder,
    cache_key,
    make_embedder,
    with_cache,
)
from index.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "models" / "multilingual-e5-small"

TEXTS = [
    "2021年一般公共预算财政拨款收入1234.56万元，比上年增长3.2%。",
    "公务接待费支出0.85万元，主要用于接待上级部门检查指导。",
    "政务云平台完成扩容，承载全市87个部门的业务系统。",
    "三公经费支出合计12.3万元，比年初预算减少2.1万元。",
    "部门整体支出绩效自评得分为95分，评价等级为优。",
]


class CountingHash(HashEmbedder):
    """HashEmbedder posing as a real backend that counts what it is asked to embed."""

    backend = "fake"

    def __init__(self) -> None:
        super().__init__(dim=64, name="fake-model")
        self.embedded: list[str] = []
        self.lock = threading.Lock()

    def embed_passages(self, texts, batch_size=32, progress=None):
        with self.lock:
            self.embedded.extend(texts)
        return super().embed_passages(texts, batch_size, progress)


def _cached(tmp_path: Path) -> tuple[CachedEmbedder, CountingHash]:
    inner = CountingHash()
    return CachedEmbedder(inner, tmp_path / "cache" / "emb.sqlite"), inner


def test_protocol_and_attributes(tmp_path):
    emb, inner = _cached(tmp_path)
    assert isinstance(emb, Embedder)
    assert (emb.name, emb.dim) == (inner.name, inner.dim)
    assert not (tmp_path / "cache").exists()          # nothing written before the first embed


def test_second_call_embeds_nothing(tmp_path):
    emb, inner = _cached(tmp_path)
    first = emb.embed_passages(TEXTS)
    assert len(inner.embedded) == len(TEXTS)
    inner.embedded.clear()
    again = emb.embed_passages(TEXTS)
    assert inner.embedded == []
    assert again.dtype == np.float32 and again.shape == (len(TEXTS), 64)
    assert np.array_equal(first, again)
    assert np.array_equal(again, HashEmbedder(dim=64).embed_passages(TEXTS))
    # a new object on the same file (another ingest, another process) hits too
    other, inner2 = _cached(tmp_path)
    assert np.array_equal(other.embed_passages(TEXTS), first) and inner2.embedded == []


def test_key_is_model_and_stripped_text(tmp_path):
    emb, inner = _cached(tmp_path)
    emb.embed_passages(["  公务接待费  "])
    with sqlite3.connect(tmp_path / "cache" / "emb.sqlite") as con:
        keys = [k for (k,) in con.execute("SELECT key FROM vectors")]
    assert keys == [cache_key("fake:fake-model", "公务接待费")]
    inner.embedded.clear()
    emb.embed_passages(["公务接待费"])
    assert inner.embedded == []
    # another model never sees these vectors
    other = CachedEmbedder(CountingHash(), tmp_path / "cache" / "emb.sqlite", model_key="other")
    other.embed_passages(["公务接待费"])
    assert other.inner.embedded == ["公务接待费"]


def test_mixed_hits_and_misses_keep_order_and_progress(tmp_path):
    emb, inner = _cached(tmp_path)
    emb.embed_passages(TEXTS[1::2])
    inner.embedded.clear()
    texts = TEXTS + [TEXTS[0], "新的一句"]              # a duplicate miss, a new text
    seen: list[int] = []
    v = emb.embed_passages(texts, batch_size=2, progress=seen.append)
    assert sorted(inner.embedded) == sorted([TEXTS[0], TEXTS[2], TEXTS[4], "新的一句"])
    assert sum(seen) == len(texts)
    assert np.array_equal(v, HashEmbedder(dim=64).embed_passages(texts))
    assert emb.embed_passages([]).shape == (0, 64)
    with pytest.raises(TypeError):
        emb.embed_passages("a string")


def test_queries_are_not_cached(tmp_path):
    emb, inner = _cached(tmp_path)
    q = emb.embed_query("公务接待费是多少")
    assert np.array_equal(q, inner.embed_query("公务接待费是多少"))
    assert not (tmp_path / "cache").exists()


def test_corrupt_cache_file_still_embeds(tmp_path, caplog):
    path = tmp_path / "emb.sqlite"
    path.write_bytes(b"this is not a database" * 200)
    emb = CachedEmbedder(CountingHash(), path)
    with caplog.at_level(logging.WARNING, logger="index.search.embed"):
        a = emb.embed_passages(TEXTS)
        b = emb.embed_passages(TEXTS)
    assert np.array_equal(a, HashEmbedder(dim=64).embed_passages(TEXTS)) and np.array_equal(a, b)
    assert len(emb.inner.embedded) == 2 * len(TEXTS)
    assert sum("embedding cache" in r.message for r in caplog.records) == 1     # warned once


def test_concurrent_writers_share_the_file(tmp_path):
    path = tmp_path / "emb.sqlite"
    embs = [CachedEmbedder(CountingHash(), path) for _ in range(4)]
    errors: list[BaseException] = []

    def run(e: CachedEmbedder) -> None:
        try:
            for _ in range(5):
                e.embed_passages(TEXTS)
        except sqlite3.Error as exc:        # pragma: no cover - the failure being tested
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in embs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and not any(e.disabled for e in embs)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == len(TEXTS)


def test_settings_wiring(tmp_path, monkeypatch):
    path = tmp_path / "c.sqlite"
    on = Settings(embed_cache=path, embed_backend="hash")
    assert isinstance(with_cache(CountingHash(), on), CachedEmbedder)
    assert isinstance(make_embedder(on, "passage"), HashEmbedder)      # the hash fake: never cached
    # disabled: QA_EMBED_CACHE="" or "off"
    for value in ("", "off"):
        monkeypatch.setenv("QA_EMBED_CACHE", value)
        off = Settings()
        assert off.embed_cache is None
        inner = CountingHash()
        emb = with_cache(inner, off)
        assert isinstance(emb, MemoEmbedder) and emb.inner is inner      # repeats within the run: once
        emb.embed_passages(TEXTS)
    monkeypatch.delenv("QA_EMBED_CACHE")
    assert Settings().embed_cache == ROOT / ".cache" / "embeddings.sqlite"
    assert not path.exists()
    # settings objects without the field (SimpleNamespace in tests): no cache
    assert with_cache(CountingHash(), SimpleNamespace()).__class__ is MemoEmbedder


@pytest.mark.slow
def test_real_model_cached_vectors_equal_fresh(tmp_path):
    if not (MODEL_DIR / "build_params.json").exists():
        pytest.skip("embedding model not built (make install)")
    s = Settings(embed_backend="st", model_path=MODEL_DIR, embed_cache=tmp_path / "e.sqlite")
    emb = make_embedder(s, "passage")
    prefix = "st-bf16" if emb.inner.precision == "bf16" else "st"        # each precision cached apart
    assert isinstance(emb, CachedEmbedder) and emb.model_key.startswith(f"{prefix}:multilingual-e5-small:")
    fresh = emb.inner.embed_passages(TEXTS)
    first = emb.embed_passages(TEXTS)
    calls: list[int] = []
    orig = emb.inner.embed_passages
    emb.inner.embed_passages = lambda t, b=32, p=None: calls.append(len(t)) or orig(t, b, p)
    again = emb.embed_passages(TEXTS)
    assert calls == []
    assert np.array_equal(first, again)
    cos = np.sum(again * fresh, axis=1)
    assert again.dtype == np.float32 and cos.min() >= 0.9999, cos
    assert np.allclose(np.linalg.norm(again, axis=1), 1, atol=1e-4)
