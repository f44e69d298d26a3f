from __future__ import annotations

import pytest

from index.search.fusion import boost_exact, rrf


def test_rrf_basic():
    res = rrf([[1, 2, 3], [3, 1, 4]], [1.0, 1.0], k=60)
    ids = [i for i, _ in res]
    assert ids[0] == 1  # ranks 1 and 2
    assert ids[1] == 3  # ranks 3 and 1
    assert set(ids) == {1, 2, 3, 4}
    d = dict(res)
    assert d[1] == pytest.approx(1 / 61 + 1 / 62)
    assert d[4] == pytest.approx(1 / 63)


def test_rrf_weights_and_k():
    a, b = [10, 20], [20, 10]
    assert rrf([a, b], [2.0, 1.0])[0][0] == 10
    assert rrf([a, b], [1.0, 2.0])[0][0] == 20
    assert rrf([a], [0.0])[0][1] == 0.0
    # smaller k sharpens the preference for top ranks
    assert dict(rrf([a], [1.0], k=1))[10] == pytest.approx(0.5)


def test_rrf_edge_cases():
    assert rrf([], []) == []
    assert rrf([[], []], [1, 1]) == []
    assert rrf([[5, 5, 6]], [1.0]) == [(5, pytest.approx(1 / 61)), (6, pytest.approx(1 / 62))]
    assert rrf([[1, 2]]) == rrf([[1, 2]], [1.0])
    with pytest.raises(ValueError):
        rrf([[1]], [1.0, 2.0])
    # ties broken deterministically: by best rank, then id
    assert [i for i, _ in rrf([[7, 8], [8, 7]], [1, 1])] == [7, 8]


def test_boost_exact():
    scores = [(1, 1.0), (2, 0.9), (3, 0.8)]
    texts = {1: "一般性支出", 2: "公务接待费 0.15 万元", 3: "政务云平台 公务接待费"}
    out = boost_exact(scores, texts, ["公务接待费"], boost=0.5)
    assert [i for i, _ in out] == [2, 3, 1]
    assert dict(out)[2] == pytest.approx(1.35)
    # full-width / spacing insensitive, dict input, empty terms keep order
    out = boost_exact({1: 1.0, 2: 0.8}, {1: "x", 2: "ＡＢＣ 12"}, ["abc12"])
    assert out[0][0] == 2
    assert boost_exact(scores, texts, []) == scores
    assert boost_exact(scores, texts, ["a"]) == scores  # too short


def test_an_id_one_list_cannot_see_takes_its_rank_from_the_other():
    """A chunk without a vector (a table of figures) is not ranked by the dense list at all: there
    it gets half of what agreeing with its BM25 rank would give, not nothing."""
    dense, lex = [1, 2, 3], [9, 2, 1]
    plain = dict(rrf([dense, lex], [1.0, 1.0]))
    assert plain[9] < plain[2]                                    # without: BM25's first falls behind
    fair = rrf([dense, lex], [1.0, 1.0], unseen=[{9}])
    assert dict(fair)[9] == pytest.approx(1.5 / 61) and dict(fair)[9] > plain[9]
    assert dict(rrf([dense, lex], [1.0, 1.0], unseen=[{9}], unseen_share=1.0))[9] == pytest.approx(2 / 61)
    assert dict(fair)[2] == pytest.approx(plain[2])              # the others keep their scores
    assert rrf([dense, lex], [1.0, 1.0], unseen=[{42}]) == rrf([dense, lex], [1.0, 1.0])
