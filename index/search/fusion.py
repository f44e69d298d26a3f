"""Reciprocal-rank fusion of ranked id lists, and an optional exact-term boost. Pure."""
from __future__ import annotations

import unicodedata
from typing import AbstractSet as Set
from typing import Mapping, Sequence


def rrf(ranked_lists: Sequence[Sequence[int]], weights: Sequence[float] | None = None,
        k: int = 60, unseen: Sequence[Set[int]] = (), unseen_share: float = 0.5) -> list[tuple[int, float]]:
    """score(id) = sum_i weights[i] / (k + rank_i(id)), ranks from 1; ids missing from a
    list get nothing from it.  Repeats inside a list are dropped (ranks are over distinct ids).
    `unseen[i]`: ids list i cannot rank at all (a chunk without a vector, for the dense list):
    there they get `unseen_share` of what their best rank in the other lists gives — between
    "that side disagrees" (0) and "it agrees" (1), as nothing is known of what it would say.
    Sorted by score desc, ties by best single rank, then id (deterministic)."""
    if weights is None:
        weights = [1.0] * len(ranked_lists)
    if len(weights) != len(ranked_lists):
        raise ValueError(f"{len(weights)} weights for {len(ranked_lists)} lists")
    scores: dict[int, float] = {}
    best: dict[int, int] = {}
    for lst, w in zip(ranked_lists, weights):
        for rank, id_ in enumerate(dict.fromkeys(lst), start=1):
            scores[id_] = scores.get(id_, 0.0) + float(w) / (k + rank)
            best[id_] = min(best.get(id_, rank), rank)
    for blind, w in zip(unseen, weights):
        for id_ in blind:
            if id_ in scores:
                scores[id_] += unseen_share * float(w) / (k + best[id_])
    return sorted(scores.items(), key=lambda kv: (-kv[1], best[kv[0]], kv[0]))


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s or "").lower().split())


def boost_exact(scores: Sequence[tuple[int, float]] | Mapping[int, float],
                texts_by_id: Mapping[int, str], terms: Sequence[str],
                boost: float = 0.5, min_len: int = 2) -> list[tuple[int, float]]:
    """Multiply each id's score by (1 + boost * fraction of `terms` found verbatim in its
    text) - NFKC, case- and whitespace-insensitive; terms shorter than min_len ignored.
    E.g. terms = the fact subject or quoted names in the question.  Re-sorted."""
    items = list(scores.items()) if isinstance(scores, Mapping) else list(scores)
    ts = [t for t in {_norm(t) for t in terms} if len(t) >= min_len]
    if not ts:
        return sorted(items, key=lambda kv: -kv[1])
    out = []
    for id_, sc in items:
        text = _norm(texts_by_id.get(id_, ""))
        hit = sum(1 for t in ts if t in text)
        out.append((id_, sc * (1.0 + boost * hit / len(ts))))
    return sorted(out, key=lambda kv: -kv[1])
