"""Sentences of a passage and how well they answer a question (pure)."""
from __future__ import annotations

import re
from typing import Callable

_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n+")


def split_sentences(text: str) -> list[str]:
    out = []
    for s in _SPLIT.split(text or ""):
        s = s.strip()
        if len(s) >= 4:
            out.append(s)
    return out


def grams(text: str) -> set[str]:
    t = re.sub(r"[\s，。、；：“”\"'（）()《》？！,.;:?!]", "", text)
    uni = {c for c in t if "\u4e00" <= c <= "\u9fff" or c.isalnum()}
    return {t[i:i + 2] for i in range(len(t) - 1)} | uni


_STRIP = re.compile(r"[\s，。、；：“”\"'（）()《》？！,.;:?!]")


def fold(text: str) -> str:
    """Compare form: no spaces or punctuation, 区（县）/村（居） alternates folded."""
    return _STRIP.sub("", re.sub(r"[（(]([\u4e00-\u9fff]{1,2})[）)]", r"\1", text or ""))


def overlap(query: str, sentence: str) -> float:
    """Share of the query's bigrams (weighted 2:1 over characters) found in the sentence."""
    q = fold(query)
    if not q:
        return 0.0
    qb = {q[i:i + 2] for i in range(len(q) - 1)}
    qc = set(q)
    s = fold(sentence)
    hit_b = sum(1 for b in qb if b in s)
    hit_c = sum(1 for c in qc if c in s)
    return (2 * hit_b + hit_c) / (2 * len(qb) + len(qc) or 1)


def best_sentences(query: str | list[str], text: str, n: int = 2, min_score: float = 0.2,
                   extend: bool = False, weight=None) -> list[tuple[str, float]]:
    """The n sentences of `text` that best match `query`. With `extend`, a short sentence
    (a lead-in like "三是全省率先创建“无证明城市”。") carries the sentence after it."""
    sents = split_sentences(text)
    scored = []
    by_weight = weighted_scorer(query, weight) if weight else None
    for i, s in enumerate(sents):
        sc = by_weight(s) if by_weight else overlap(" ".join(query) if isinstance(query, list) else query, s)
        if extend and len(s) < 40 and i + 1 < len(sents):
            s = s + ("" if s[-1] in "。！？；!?;" else " ") + sents[i + 1]
        scored.append((s, sc))
    scored = [x for x in scored if x[1] >= min_score]
    scored.sort(key=lambda x: -x[1])
    return scored[:n]


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:[,，]\d{3})*(?:\.\d+)?", text)


def weighted_scorer(query: str | list[str], weight) -> Callable[[str], float]:
    """A sentence's share of the query's bigram weight (e.g. corpus idf): rare words like “无证明城市”
    count, generic ones like 成效/情况 barely. `query` is a text (bigrams within its space-separated
    parts) or a list of words; its bigrams and their weights are found once for every sentence scored."""
    parts = query if isinstance(query, list) else query.split()
    grams_ = {p[i:i + 2] for p in map(fold, parts) for i in range(len(p) - 1)}
    if not grams_:
        joined = " ".join(parts)
        return lambda sentence: overlap(joined, sentence)
    weights = {g: weight(g) for g in grams_}
    total = sum(weights.values()) or 1.0

    def score(sentence: str) -> float:
        s = fold(sentence)
        return sum(w for g, w in weights.items() if g in s) / total
    return score
