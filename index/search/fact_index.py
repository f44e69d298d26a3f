"""Fact lookups: fuzzy subject matching over the distinct subjects, then the facts of those
subjects within the reports in scope.

`StoredFactIndex` (what a service snapshot uses) reads facts from the store through its
indexes (subject key × report), holding only the distinct subject keys in memory;
`FactIndex` holds a given list of facts in memory (a passage's facts, tests)."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from index.extract.subject_keys import MEASURE_WORDS, TOTALS, is_category, squash
from index.extract.subjects import expand_query_terms, normalise_subject
from index.records import Fact, Report
from index.store.base import Store
from index.store.reader import StoreReader


def column_total_view(f: Fact) -> Fact:
    from dataclasses import replace
    return replace(f, subject=f.measure, subject_raw=f"{f.subject} × {f.measure}", measure="合计")


@dataclass(frozen=True)
class FactHit:
    fact: Fact
    report: Report
    score: float          # subject match in [0, 1]


def bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} if len(s) > 1 else {s}


_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}(市|区|县)|全省|全市|全区|全县|全国|我省|我市|我区|全年)(?=[\u4e00-\u9fff]{4})")


def subject_score(query: str, subject: str) -> float:
    """How well a fact subject answers a query topic, in [0, 1]. A place prefix of the
    subject ("广州市数字政府运营中心") is dropped: the question's city is a filter."""
    q, s = squash(query), squash(subject)
    s = _PLACE_PREFIX.sub("", s) if not _PLACE_PREFIX.match(q) else s
    if not q or not s:
        return 0.0
    if q == s:
        return 1.0
    if s in q:
        # the subject named inside a longer question topic: good when it covers most of it
        return 0.4 + 0.55 * len(s) / len(q)
    if q in s:
        return 0.7 + 0.25 * len(q) / len(s)
    qb, sb = bigrams(q), bigrams(s)
    inter = len(qb & sb)
    if not inter:
        return 0.0
    recall = inter / len(sb)      # how much of the subject the query mentions
    precision = inter / len(qb)   # how much of the query the subject explains
    f = 2 * recall * precision / (recall + precision)
    return min(0.69, 0.5 * f + 0.2 * fuzz.partial_ratio(q, s) / 100)


class SubjectMatcher:
    """Distinct subject keys with a bigram index: only keys sharing a bigram with the query are scored."""

    def _index_keys(self, keys) -> None:
        self.by_gram: dict[str, set[str]] = {}
        for key in keys:
            for g in bigrams(key):
                self.by_gram.setdefault(g, set()).add(key)

    def subjects_for(self, query: str, *, limit: int = 12, min_score: float = 0.45) -> list[tuple[str, float]]:
        """Distinct subjects ranked for a query, synonyms expanded."""
        q = squash(query)
        # a synonym's canonical form found literally inside the query adds nothing: the
        # containment score of the whole query already rates it (and must, to prefer
        # 信息化运维类 over 项目支出 for "信息化运维类项目支出")
        variants = [query] + [t for t in expand_query_terms(query) if t != query and squash(t) not in q]
        best: dict[str, float] = {}
        for v_i, v in enumerate(variants):
            penalty = 0.0 if v_i == 0 else 0.08
            candidates: set[str] = set()
            for g in bigrams(squash(v)):
                candidates |= self.by_gram.get(g, set())
            for key in candidates:
                s = subject_score(v, key) - penalty
                if s >= min_score and s > best.get(key, 0):
                    best[key] = s
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]

    def flat_text(self, fact: Fact) -> str:
        """The fact's source text squashed for matching, computed once per text (bounded cache)."""
        cache = self.__dict__.setdefault("_flat", {})
        if fact.text not in cache:
            if len(cache) > 100_000:
                cache.clear()
            cache[fact.text] = squash(fact.text)
        return cache[fact.text]


def _hits(facts_by_key: dict[str, list[Fact]], keys: list[tuple[str, float]], reports: dict[str, Report],
          cities: set, year: int | None, doc_ids: set, limit: int) -> list[FactHit]:
    out: list[FactHit] = []
    for key, score in keys:
        for f in facts_by_key.get(key, ()):
            r = reports.get(f.doc_id)
            if r is None:
                continue
            if cities and r.city not in cities:
                continue
            if year and r.year != year:
                continue
            if doc_ids and f.doc_id not in doc_ids:
                continue
            out.append(FactHit(f, r, score))
    out.sort(key=lambda h: -h.score)
    return out[:limit]


class FactIndex(SubjectMatcher):
    """A list of facts held in memory, grouped by subject and by report."""

    def __init__(self, facts: Sequence[Fact], reports: dict[str, Report]):
        self.facts = list(facts)
        self.reports = reports
        self.by_subject: dict[str, list[Fact]] = {}
        self.by_doc: dict[str, list[Fact]] = {}
        self.totals = [f for f in self.facts if squash(f.subject) in TOTALS]
        # a 合计 row of a column-wise table ("合计 × 基本支出") states the column's figure:
        # index it as a fact about that column as well
        self.facts += [column_total_view(f) for f in self.totals if is_category(f.measure)]
        for f in self.facts:
            self.by_subject.setdefault(squash(f.subject), []).append(f)
            self.by_doc.setdefault(f.doc_id, []).append(f)
        self._index_keys(self.by_subject)

    @classmethod
    def load(cls, store: Store) -> "StoredFactIndex":
        """The store's facts, looked up through its indexes (nothing per fact held in memory)."""
        return StoredFactIndex(store.reader(), {r.doc_id: r for r in store.reports()})

    def __len__(self) -> int:
        return len(self.facts)

    def facts_of(self, doc_id: str) -> list[Fact]:
        return self.by_doc.get(doc_id, [])

    def totals_in(self, doc_ids: Iterable[str]) -> list[Fact]:
        wanted = set(doc_ids)
        return [f for f in self.totals if f.doc_id in wanted]

    def lookup(self, query: str, *, cities: Iterable[str] = (), year: int | None = None,
               doc_ids: Iterable[str] = (), limit: int = 40) -> list[FactHit]:
        return _hits(self.by_subject, self.subjects_for(query), self.reports, set(cities), year, set(doc_ids), limit)


class StoredFactIndex(SubjectMatcher):
    """The fact table of a store, read through its indexes: the distinct subject keys are
    held in memory; the facts of a subject within the reports in scope are one indexed query;
    a report's facts are cached for the reports most recently asked about."""

    CACHED_REPORTS = 128

    def __init__(self, reader: StoreReader, reports: dict[str, Report]):
        self.reader = reader
        self.reports = reports
        self._index_keys(reader.subject_keys())
        self._by_doc: OrderedDict[str, list[Fact]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.reader.count_facts()

    def facts_of(self, doc_id: str) -> list[Fact]:
        """A report's facts in store order, then its 合计 rows seen as their columns' figures."""
        with self._lock:
            got = self._by_doc.get(doc_id)
            if got is not None:
                self._by_doc.move_to_end(doc_id)
                return got
        facts = self.reader.facts_of(doc_id)
        facts += [column_total_view(f) for f in facts if squash(f.subject) in TOTALS and is_category(f.measure)]
        with self._lock:
            self._by_doc[doc_id] = facts
            while len(self._by_doc) > self.CACHED_REPORTS:
                self._by_doc.popitem(last=False)
        return facts

    def totals_in(self, doc_ids: Iterable[str]) -> list[Fact]:
        return self.reader.totals_in(list(doc_ids))

    def lookup(self, query: str, *, cities: Iterable[str] = (), year: int | None = None,
               doc_ids: Iterable[str] = (), limit: int = 40) -> list[FactHit]:
        keys = self.subjects_for(query)
        docs = sorted(set(doc_ids)) or None
        names = [k for k, _ in keys]
        by_key: dict[str, list[Fact]] = {}
        for f in self.reader.facts_by_key("subject_key", names, docs):
            by_key.setdefault(squash(f.subject), []).append(f)
        for f in self.reader.facts_by_key("view_key", names, docs):
            v = column_total_view(f)
            by_key.setdefault(squash(v.subject), []).append(v)
        return _hits(by_key, keys, self.reports, set(cities), year, set(doc_ids), limit)


__all__ = ["FactIndex", "StoredFactIndex", "FactHit", "TOTALS", "MEASURE_WORDS", "subject_score", "squash", "normalise_subject"]
