"""The 成效 view's topic box: what was typed read as a topic (经济增长), a metric by any of its
names (GDP, 地区生产总值, 经济总量, "GDP growth", 研发投入 — index/extract/metrics.py through
qa.achievements.metric_of, English through qa.glossary), a metric name as stored, or else
words looked for in the statements' metric and sentence. Pure over what the store holds."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from index.extract.metrics import BY_NAME, TOPICS, base_of, metric_named, rate_of
from index.records import Report, Statement

from .achievements import metric_of
from .glossary import translate_terms
from .question import parse_year
from .relative_time import resolve as resolve_relative

LATIN = re.compile(r"[A-Za-z]")
ALIAS = re.compile(r"[A-Za-z][A-Za-z0-9&]*(?:\\\.[0-9]+)?")


@dataclass(frozen=True)
class TopicPick:
    """How the typed text was read: how = topic | metric | text | "" (nothing typed)."""
    typed: str
    how: str = ""
    topic: str | None = None
    metric: str | None = None
    words: tuple[str, ...] = ()
    label: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return {"typed": self.typed, "how": self.how, "topic": self.topic, "metric": self.metric,
                "words": list(self.words), "label": self.label, "note": self.note}


def alias_of(metric: str) -> str:
    """A Latin short name written in the metric's pattern that names it alone (地区生产总值 → GDP)."""
    base = BY_NAME.get(metric)
    if base is None:
        return ""
    for token in ALIAS.findall(base.pattern):
        token = token.replace("\\", "")
        named = metric_named(token)
        if named is not None and named.name == metric:
            return token
    return ""


def label_of(metric: str, typed: str) -> str:
    """"地区生产总值（GDP）": the metric, then what was typed when it differs, else its short name."""
    shown = typed if typed and typed != metric else alias_of(metric)
    return f"{metric}（{shown}）" if shown else metric


def metric_typed(typed: str) -> str | None:
    """The listed metric a typed text names: English through the glossary first ("GDP growth" →
    地区生产总值增速), then the text itself (GDP, 经济总量, 研发投入, GDP增速)."""
    if LATIN.search(typed):
        terms = " ".join(translate_terms(typed))
        found = metric_of(terms) if terms else None
        if found:
            return found
    return metric_of(typed)


def held_form(metric: str, held: set[str]) -> tuple[str | None, str]:
    """The metric as the store holds it: itself, else its growth rate or its level (a store of
    provincial reports states 地区生产总值增速 where the level is asked), with a note saying so."""
    if metric in held:
        return metric, ""
    base = base_of(metric)
    for other in ([rate_of(base.name), base.name] if base else []):
        if other != metric and other in held:
            return other, f"库中没有“{metric}”的数字表述，显示“{other}”。"
    return None, ""


def pick_topic(typed: str, topics: Sequence[str], metrics: Sequence[str]) -> TopicPick:
    """`typed` read against the topics and the metric names the store holds."""
    text = re.sub(r"\s+", " ", typed or "").strip()
    if not text:
        return TopicPick(typed="")
    if text in topics:
        return TopicPick(typed=text, how="topic", topic=text, label=text)
    held = set(metrics)
    named = metric_typed(text)
    if named:
        metric, note = held_form(named, held)
        if metric:
            return TopicPick(typed=text, how="metric", metric=metric, label=label_of(metric, text), note=note)
        return TopicPick(typed=text, how="text", words=tuple(text.split()),
                         label=text, note=f"库中没有“{named}”的数字表述，以下为含“{text}”的表述。")
    if text in held:
        return TopicPick(typed=text, how="metric", metric=text, label=text)
    return TopicPick(typed=text, how="text", words=tuple(text.split()), label=text)


def read_topic(store, typed: str | None) -> TopicPick:
    """The typed text read against the store's topics and the metrics it states as figures."""
    if not (typed or "").strip():
        return TopicPick(typed="")
    topics = list(TOPICS) + [t for t, _, _ in store.statement_topics()]
    return pick_topic(typed, topics, [m for m, _, _ in store.shared_metrics(min_places=1)])


def topic_year(typed: str | None, today: date) -> tuple[str | None, int | None, str]:
    """"去年GDP" → ("GDP", 2025, "“去年”按今天…理解为 2025 年"); "2023年粮食产量" → ("粮食产量", 2023, ""):
    a year in the topic box filters the view as the year box does, read the way questions are."""
    if not (typed or "").strip():
        return typed, None, ""
    rel = resolve_relative(typed, today)
    years = parse_year(rel.text)
    if not years:
        return typed, None, ""
    rest = re.sub(r"(?<!\d)20\d{2}\s*年?度?的?|\bin 20\d{2}\b", " ", rel.text)
    return re.sub(r"\s+", " ", rest).strip() or typed, years[0], "；".join(rel.notes)


StatementQuery = Callable[..., list[tuple[Statement, Report]]]


def picked_rows(pick: TopicPick, statements: StatementQuery, *, metric: str | None = None,
                q: str | None = None, **filters) -> list[tuple[Statement, Report]]:
    """The statements a pick selects, with the view's other filters. An explicit `metric` wins
    over a metric typed; free words must each be in the statement's metric or sentence."""
    words = list(pick.words) + ([q] if q else [])
    topic = pick.topic if pick.how == "topic" else None
    chosen = metric or (pick.metric if pick.how == "metric" else None)
    longest = max(words, key=len) if words else None
    rows = statements(topic=topic, metric=chosen, q=longest, **filters)
    return [(st, r) for st, r in rows if all(w in st.metric or w in st.sentence for w in words)]
