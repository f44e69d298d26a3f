"""In-memory view of the fact table for lookups: facts grouped by subject, with the
report each came from, and fuzzy subject matching over the distinct subjects."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from rapidfuzz import fuzz

from .records import Fact, Report
from .store import Store
from .subjects import expand_query_terms, normalise_subject

_PUNCT = re.compile(r"[\s“”\"'‘’《》〈〉「」（）()【】\[\]、，,。:：;；·\-—_/]+")


def squash(text: str) -> str:
    """Compare form of a label: no punctuation, quotes or spaces."""
    return _PUNCT.sub("", text or "")


TOTALS = ("合计", "总计", "小计", "合计数")
MEASURE_WORDS = re.compile(r"预算|决算|执行|完成|占|比例|比重|增|减|上年|金额|合计|小计|总计|数$|率|栏次|行次|编码")


def is_category(measure: str) -> bool:
    """A column that names a kind of spending/income (基本支出, 财政拨款收入), not a measure."""
    m = squash(measure)
    return len(m) >= 3 and not MEASURE_WORDS.search(m) and bool(re.search(r"(支出|收入|经费|费|拨款|资金|结余|结转)$", m))


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


class FactIndex:
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
        # bigram → subject keys: only subjects sharing a bigram with the query are scored
        self.by_gram: dict[str, set[str]] = {}
        for key in self.by_subject:
            for g in bigrams(key):
                self.by_gram.setdefault(g, set()).add(key)

    @classmethod
    def load(cls, store: Store) -> "FactIndex":
        reports = {r.doc_id: r for r in store.reports()}
        return cls(store.facts(), reports)

    def __len__(self) -> int:
        return len(self.facts)

    def flat_text(self, fact: Fact) -> str:
        """The fact's source text squashed for matching, computed once per text."""
        cache = self.__dict__.setdefault("_flat", {})
        if fact.text not in cache:
            cache[fact.text] = squash(fact.text)
        return cache[fact.text]

    def facts_of(self, doc_id: str) -> list[Fact]:
        return self.by_doc.get(doc_id, [])

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

    def lookup(self, query: str, *, cities: Iterable[str] = (), year: int | None = None,
               doc_ids: Iterable[str] = (), limit: int = 40) -> list[FactHit]:
        cities, doc_ids = set(cities), set(doc_ids)
        out: list[FactHit] = []
        for key, score in self.subjects_for(query):
            for f in self.by_subject[key]:
                r = self.reports.get(f.doc_id)
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


__all__ = ["FactIndex", "FactHit", "subject_score", "squash", "normalise_subject"]
