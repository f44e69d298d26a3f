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
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Sequence

from rapidfuzz import fuzz

from index.extract.subject_keys import MEASURE_WORDS, TOTALS, is_category, squash
from index.extract.subjects import expand_query_terms, normalise_subject
from index.records import Fact, Report
from index.store.base import Store
from index.store.reader import StoreReader, TotalsFilter, UnitFilter


def column_total_view(f: Fact) -> Fact:
    from dataclasses import replace
    return replace(f, subject=f.measure, subject_raw=f"{f.subject} × {f.measure}", measure="合计")


Undated = Callable[[Report], bool]      # whether a report's undated figures may describe the year asked


def with_column_views(facts: list[Fact]) -> list[Fact]:
    """A report's facts, then its 合计 rows of category columns seen as those columns' figures."""
    return facts + [column_total_view(f) for f in facts if squash(f.subject) in TOTALS and is_category(f.measure)]


@dataclass(frozen=True)
class FactHit:
    fact: Fact
    report: Report
    score: float          # subject match in [0, 1]


def bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} if len(s) > 1 else {s}


_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}(市|区|县)|全省|全市|全区|全县|全国|我省|我市|我区|全年)(?=[\u4e00-\u9fff]{4})")


@lru_cache(maxsize=1 << 16)        # the same subjects recur in every report: each pair scored once
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

    def keys_near(self, text: str) -> set[str]:
        """The subject keys that share a bigram with `text` (squashed), and the one-character keys
        found in it: every key whose subject_score against `text` is above 0 — when `text` has two
        characters or more."""
        t = squash(text)
        out: set[str] = set()
        for g in bigrams(t) | set(t):
            out |= self.by_gram.get(g, set())
        return out

    def derived(self, key: tuple, make: Callable[[], object]) -> object:
        """A value derived from this index's subject keys and measures alone (which a snapshot never
        changes), made once per `key` (the last 256 kept): qa.figures' unit filter of a topic."""
        kept = self.__dict__.setdefault("_derived", OrderedDict())
        lock = self.__dict__.setdefault("_derived_lock", threading.Lock())
        with lock:
            if key in kept:
                return kept[key]
        value = make()
        with lock:
            kept[key] = value
            while len(kept) > 256:
                kept.popitem(last=False)
        return value

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

    def totals_in(self, doc_ids: Iterable[str], only: TotalsFilter | None = None,
                  unit: str | None = None) -> list[Fact]:
        """The total rows of the reports `doc_ids` (held in memory: every one, whatever `only` says)."""
        wanted = set(doc_ids)
        return [f for f in self.totals if f.doc_id in wanted]

    @property
    def measures(self) -> set[str]:
        return {f.measure for f in self.facts}

    def candidates_in(self, doc_ids: Sequence[str], chars: str, unit: str | None, year: int | None = None,
                      undated: Undated | None = None, only: UnitFilter | None = None,
                      totals: TotalsFilter | None = None) -> list[Fact]:
        """Every fact of the reports `doc_ids` (held in memory: nothing to narrow)."""
        return [f for d in doc_ids for f in self.facts_of(d)]

    def within(self, doc_ids: Iterable[str]) -> "FactIndex":
        """Lookups for many scopes inside `doc_ids` (held in memory: this index itself)."""
        return self

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
        facts = with_column_views(self.reader.facts_of(doc_id))
        with self._lock:
            self._by_doc[doc_id] = facts
            while len(self._by_doc) > self.CACHED_REPORTS:
                self._by_doc.popitem(last=False)
        return facts

    def totals_in(self, doc_ids: Iterable[str], only: TotalsFilter | None = None,
                  unit: str | None = None) -> list[Fact]:
        """The total rows of the reports `doc_ids` (with `only`, those it names: StoreReader.totals_in)."""
        return self.reader.totals_in(self.scope_arg(doc_ids), only, unit)

    def scope_arg(self, doc_ids: Iterable[str]) -> list[str] | None:
        """The reports a read is limited to, None when they are every report of the snapshot (a question
        naming no place): at 10,000 reports a list of every id costs the database more than it saves,
        and what is read of other reports (written since) is set aside by the callers' reports."""
        docs = sorted(set(doc_ids))
        return None if len(docs) >= len(self.reports) and all(d in self.reports for d in docs) else docs

    @cached_property
    def measures(self) -> set[str]:
        """The distinct measures of the store's figures (fact_measures), read once."""
        return set(self.reader.measures())

    def candidates_in(self, doc_ids: Sequence[str], chars: str, unit: str | None, year: int | None = None,
                      undated: Undated | None = None, only: UnitFilter | None = None,
                      totals: TotalsFilter | None = None) -> list[Fact]:
        """What a look at every fact of the reports `doc_ids` may pick besides a subject's facts
        (qa.figures.rank_facts): their total rows (with `totals`, only those it names, the prose ones and
        those counted in `unit`) and the columns' figures they state, their prose
        figures whose text holds every character of `chars`, their facts whose unit holds `unit` (with
        `only`, of those only the ones it names) — report by report, in store order, as `facts_of`
        gives them; the rest is not read. A column's figure seen in a 合计 row is picked only for its
        unit: without `unit` those views are left out. With `year` and `undated` (whether a report's
        undated figures may describe that year), the other reports give only their figures dated to
        that year."""
        docs = sorted(set(doc_ids))
        near = docs if year is None or undated is None else [
            d for d in docs if d not in self.reports or undated(self.reports[d])]
        far = sorted(set(docs) - set(near))
        by_doc: dict[str, list[Fact]] = {}
        found = self.reader.scan_candidates(near, chars, unit, None, only, totals) if near else []
        if far:
            found += self.reader.scan_candidates(far, chars, unit, year, only, totals)
        for f in found:
            by_doc.setdefault(f.doc_id, []).append(f)
        views = with_column_views if unit else list
        return [f for d in doc_ids for f in views(by_doc.get(d, []))]

    def by_key(self, names: Sequence[str], docs: Sequence[str] | None) -> dict[str, list[Fact]]:
        """The facts of the subject keys `names` (and the 合计 rows stating them as a column), in
        store order, within `docs` (None: every report)."""
        out: dict[str, list[Fact]] = {}
        for f in self.reader.facts_by_key("subject_key", names, docs):
            out.setdefault(squash(f.subject), []).append(f)
        for f in self.reader.facts_by_key("view_key", names, docs):
            v = column_total_view(f)
            out.setdefault(squash(v.subject), []).append(v)
        return out

    def lookup(self, query: str, *, cities: Iterable[str] = (), year: int | None = None,
               doc_ids: Iterable[str] = (), limit: int = 40) -> list[FactHit]:
        keys = self.subjects_for(query)
        by_key = self.by_key([k for k, _ in keys], self.scope_arg(doc_ids) if doc_ids else None)
        return _hits(by_key, keys, self.reports, set(cities), year, set(doc_ids), limit)

    def within(self, doc_ids: Iterable[str]) -> "ScopeFacts":
        """The same lookups for many small scopes inside `doc_ids` (a comparison's parties), each
        read once for all of them (qa.compare)."""
        return ScopeFacts(self, doc_ids)


def by_report(by_key: dict[str, list[Fact]]) -> dict[str, dict[str, list[tuple[int, Fact]]]]:
    """key → report → [(place in the key's list, fact)]: a scope's share found without a pass over the rest."""
    out: dict[str, dict[str, list[tuple[int, Fact]]]] = {}
    for key, facts in by_key.items():
        per_doc = out.setdefault(key, {})
        for i, f in enumerate(facts):
            per_doc.setdefault(f.doc_id, []).append((i, f))
    return out


class ScopeFacts:
    """A `StoredFactIndex` over the reports of many parties at once (one comparison or ranking
    across every place): a subject's facts, the total rows and the scan candidates are each read
    in one indexed query for every report of every party, then each party's lookup filters them.
    The answers are those of the store's index (same facts, same order): what is read per party is
    its share of the one read."""

    def __init__(self, index: StoredFactIndex, doc_ids: Iterable[str]):
        self.index = index
        self.reports = index.reports
        self.docs = sorted(set(doc_ids))
        self._doc_set = set(self.docs)
        self._by_key: dict[str, tuple[list[tuple[str, float]], dict[str, dict[str, list]]]] = {}
        self._candidates: dict[tuple, dict[str, list[Fact]]] = {}
        self._totals: dict[tuple[TotalsFilter | None, str | None], list[Fact]] = {}

    def subjects_for(self, query: str, *, limit: int = 12, min_score: float = 0.45) -> list[tuple[str, float]]:
        return self.index.subjects_for(query, limit=limit, min_score=min_score)

    def flat_text(self, fact: Fact) -> str:
        return self.index.flat_text(fact)

    def keys_near(self, text: str) -> set[str]:
        return self.index.keys_near(text)

    def derived(self, key: tuple, make: Callable[[], object]) -> object:
        return self.index.derived(key, make)

    @property
    def measures(self) -> set[str]:
        return self.index.measures

    def lookup(self, query: str, *, cities: Iterable[str] = (), year: int | None = None,
               doc_ids: Iterable[str] = (), limit: int = 40) -> list[FactHit]:
        wanted = set(doc_ids)
        if not wanted or not wanted <= self._doc_set:
            return self.index.lookup(query, cities=cities, year=year, doc_ids=doc_ids, limit=limit)
        if query not in self._by_key:
            keys = self.index.subjects_for(query)
            self._by_key[query] = (keys, by_report(self.index.by_key([k for k, _ in keys], self.docs)))
        keys, by_doc = self._by_key[query]
        # each key's facts of these reports, in the order the one read gave them
        mine = {k: [f for _, f in sorted((x for d in wanted for x in per_doc.get(d, ())), key=lambda x: x[0])]
                for k, per_doc in by_doc.items()}
        return _hits(mine, keys, self.reports, set(cities), year, wanted, limit)

    def totals_in(self, doc_ids: Iterable[str], only: TotalsFilter | None = None,
                  unit: str | None = None) -> list[Fact]:
        wanted = set(doc_ids)
        if not wanted <= self._doc_set:
            return self.index.totals_in(wanted, only, unit)
        if (only, unit) not in self._totals:
            self._totals[(only, unit)] = self.index.totals_in(self.docs, only, unit)
        return [f for f in self._totals[(only, unit)] if f.doc_id in wanted]

    def candidates_in(self, doc_ids: Sequence[str], chars: str, unit: str | None, year: int | None = None,
                      undated: Undated | None = None, only: UnitFilter | None = None,
                      totals: TotalsFilter | None = None) -> list[Fact]:
        """(`undated` is a function of `year` alone: one read per year.)"""
        if not set(doc_ids) <= self._doc_set:
            return self.index.candidates_in(doc_ids, chars, unit, year, undated, only, totals)
        asked = (chars, unit, year, only, totals)
        if asked not in self._candidates:
            by_doc: dict[str, list[Fact]] = {}
            for f in self.index.candidates_in(self.docs, chars, unit, year, undated, only, totals):
                by_doc.setdefault(f.doc_id, []).append(f)
            self._candidates[asked] = by_doc
        by_doc = self._candidates[asked]
        return [f for d in doc_ids for f in by_doc.get(d, [])]


__all__ = ["FactIndex", "StoredFactIndex", "FactHit", "TotalsFilter", "UnitFilter", "TOTALS", "MEASURE_WORDS", "subject_score", "squash",
           "normalise_subject"]
