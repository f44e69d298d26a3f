"""The query router, stage by stage: question (qa.question) → scope (qa.scope: the reports
that may answer) → one answering route per answer kind — comparison / ranking (qa.compare),
computed (qa.route_computed), fact (qa.route_fact), passage (qa.route_passage), none
(qa.route_none) — → the answer."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from index.names.places import code_level, load_gazetteer
from index.records import Report
from index.search.embed import Embedder
from index.search.fact_index import FactIndex
from index.search.retrieval import SearchIndex, Timings
from index.store.base import Store

from .achievements import RANK_ASK, place_statement, read_ask
from .achievements import answer as achievements_answer
from .compare import answer_groups, compare_groups
from .compare_last import answered_after, asks_compare_last, compare_last, kept_scope
from .everyday_words import with_items
from .examples import Example, store_examples
from .glossary import chinese_acronyms, expand_regions
from .question import FIGURE_TERMS, Question, detect_lang, parse_question
from .records import Answer
from .relative_time import Resolved, latest_note
from .relative_time import resolve as resolve_relative
from .route_computed import ComputedRoute
from .route_fact import FactRoute
from .route_none import NoneRoute
from .route_passage import QUANTIFIED, PassageRoute
from .scope import Catalog, Scope, follow_up, is_follow_up, narrow, resolve, scope_dict, typed_places
from .thresholds import FIGURE_PASSAGE_MIN


def level_named(text: str) -> str:
    """省份 / 自治区 → province; 城市 / 地级市 → city; 区县 → district (when no place is named)."""
    if re.search(r"省份|各省|哪个省|哪些省|几个省|自治区|直辖市|全国各地", text):
        return "province"
    if re.search(r"城市|各市|哪个市|哪些市|地级市", text):
        return "city"
    if re.search(r"区县|各区|各县|哪个区|哪个县", text):
        return "district"
    return ""


def time_notes(rel: Resolved, q: Question, ans: Answer) -> tuple[str, ...]:
    """What the answer says of the time it read: the relative years written out, and for
    目前 / 现在 without a year, the year of the figures it answered with."""
    if rel.latest and not q.years and ans.kind != "none":
        years = [f.fact.period_year or f.report.year for f in ans.facts] or [c.year for c in ans.citations]
        return rel.notes + (latest_note(rel.latest, years),)
    return rel.notes


def asked_text(q: Question, scope: Scope) -> str:
    """The question as the statements are searched with: a follow-up's text with the question it
    carried ("那云南呢？" after "河南省2025年GDP增速是多少？" asks 云南's GDP增速)."""
    carries_question = any(c.startswith("问题：") for c in scope.carried)
    return f"{q.text} {q.topic}" if carries_question else q.text


def own_level(reports: list[Report], places: tuple[str, ...]) -> list[Report]:
    """A place named is answered by its own reports (广东 by the province's, not 汕头's) when it has
    some; a place without reports of its own keeps those of the places inside it."""
    if not places:
        return reports
    out = [r for r in reports if r.place_code in places]
    held = {r.place_code for r in out}
    return out + [r for r in reports if r.place_code not in places and not any(
        (r.place_code or "").startswith(p.rstrip("0")) for p in held)]


@dataclass
class Engine(FactRoute, PassageRoute, ComputedRoute, NoneRoute):
    search: SearchIndex
    facts: FactIndex
    embedder: Embedder
    rrf_k: int = 20
    weights: tuple[float, float] = (1.0, 1.0)
    store: Store | None = None      # statements and sentence lookups (across-place answers)
    today: date | None = None       # the clock 今年 / 去年 are read against (None: the machine's date)

    # ---- scope ---------------------------------------------------------
    # A snapshot never changes: what is derived from its reports is computed once.
    @cached_property
    def reports(self) -> list[Report]:
        return sorted(self.search.reports.values(), key=lambda r: (r.city or "", r.year or 0))

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(tuple(self.reports), doc_text=self._doc_text)

    @cached_property
    def examples(self) -> tuple[Example, ...]:
        """Example questions from what this snapshot holds, each answered once (qa.examples)."""
        return store_examples(self)

    def typed_places(self, text: str) -> list[str]:
        """The places a question names, as typed (qa.scope.typed_places)."""
        return typed_places(text, self.catalog)

    def ask(self, text: str, *, city: str | None = None, year: int | None = None, top_k: int = 5,
            previous: dict | None = None) -> Answer:
        """question → scope → one answering route → answer (every figure of the scope's reports)."""
        t0 = time.perf_counter()
        rel = self.relative(text)
        text, item_note = with_items(rel.text)
        if previous and asks_compare_last(text, previous) and self.store is not None:
            # "两个比一比" / "差多少？": the last two figures this chat answered (qa.compare_last)
            ans = compare_last(previous, self.search.reports, self.store, detect_lang(text))
            return replace(ans, timings={"total": round((time.perf_counter() - t0) * 1000, 2)},
                           scope=kept_scope(previous, ans))
        q, scope = self.understand(text, city=city, year=year, previous=previous)
        timings = Timings()
        ans = self.answer_in(q, scope, top_k, timings)
        if previous and scope.carried and ans.kind == "none" and q.kind == "description" and not is_follow_up(q.text):
            # a description read as leaning on the last turn only because it names no place or body: alone,
            # passages may answer it (never a figure of whatever body the whole store offers)
            q1, scope1 = self.understand(text, city=city, year=year)
            alone = self.answer_in(q1, scope1, top_k, timings)
            if alone.kind == "passage":
                q, scope, ans = q1, scope1, alone
        t = timings.as_dict()
        t["total"] = round((time.perf_counter() - t0) * 1000, 2)
        said = time_notes(rel, q, ans) + ((item_note,) if item_note else ())
        return replace(ans, lang=q.lang, timings=t, notes=said + ans.notes,
                       scope={**scope_dict(q, scope, self.catalog), "answered": answered_after(previous, ans),
                              "relative": list(rel.notes)})

    def answer_in(self, q: Question, scope: Scope, top_k: int, timings: Timings) -> Answer:
        """The answer of a question within its resolved scope."""
        if not self.reports:
            ans = self.none(q, "库中还没有报告。", "The store holds no reports yet.")
        elif scope.choices:
            ans = self.ask_which(q, scope)
        elif scope.missing:
            ans = self.none(q, scope.missing, scope.missing_en or scope.missing,
                            suggestions=self.suggest(q, scope))
        elif scope.mentioned_only and q.kind != "description":
            ans = self.figure_about(q, scope, top_k) or self.none(
                q, f"库中没有{'、'.join(scope.unknown_orgs)}的报告；提及它的报告中也没有它的这个数字。",
                f"The store holds no report of {', '.join(scope.unknown_orgs)}, and the reports that mention it do "
                f"not state this figure of it.")
        else:
            ans = self._route(q, scope, top_k, timings)
        return ans

    def relative(self, text: str) -> Resolved:
        """今年 / 去年 / 目前 … read against this engine's clock (qa.relative_time)."""
        return resolve_relative(text, self.today or date.today())

    def scope_of(self, text: str) -> dict:
        """The scope a question resolves to, as `/api/ask` returns it, without answering it
        (a previous turn given by its question alone)."""
        q, scope = self.understand(with_items(self.relative(text).text)[0])
        return scope_dict(q, scope, self.catalog)

    def understand(self, text: str, *, city: str | None = None, year: int | None = None,
                   previous: dict | None = None) -> tuple[Question, Scope]:
        """The question parsed and its scope resolved (a follow-up inherits what it omits)."""
        departments = [r.department for r in self.reports if r.department]
        text = chinese_acronyms(expand_regions(text))
        q = parse_question(text, self.typed_places, departments)
        if year:
            q = replace(q, year=int(year), years=(int(year),))
        scope = resolve(q.text, q.years, self.catalog, city=city)
        if previous and is_follow_up(q.text, self.catalog) and not scope.choices:
            q, scope = follow_up(q, scope, previous, self.catalog)
        return narrow(q, scope, self.catalog), scope


    def achievements(self, q: Question, scope: Scope) -> Answer | None:
        """Across places from the statements (qa.achievements), when the question is one."""
        if self.store is None:
            return None
        reports = own_level([self.search.reports[d] for d in scope.doc_ids if d in self.search.reports], scope.places)
        level = scope.every_place or level_named(q.text)
        if level in ("province", "city", "district"):
            reports = [r for r in reports if code_level(r.place_code) == level]
        ask = read_ask(asked_text(q, scope), q.years, q.ranking, many_places=len(scope.places) >= 2)
        if ask is None:
            return None
        if ask.kind != "pair" and len({r.place_code or r.city for r in reports}) < 2:
            return None
        return achievements_answer(ask, reports, self.store.statements, self.store.sentences_with,
                                   load_gazetteer(), q.ranking)

    def place_statement(self, q: Question, scope: Scope) -> Answer | None:
        if self.store is None:
            return None
        reports = own_level([self.search.reports[d] for d in scope.doc_ids if d in self.search.reports], scope.places)
        if len({r.place_code or r.city for r in reports}) != 1:
            return None
        return place_statement(asked_text(q, scope), q.years, reports, self.store.statements, load_gazetteer())

    def _route(self, q: Question, scope: Scope, top_k: int, timings: Timings) -> Answer:
        ach = self.achievements(q, scope)
        if ach is None and RANK_ASK.search(q.text):
            ach = self.place_statement(q, scope)
        if ach is not None:
            return ach
        ans = self._route_figures(q, scope, top_k, timings)
        if ans.kind == "none" and q.kind in ("figure", "computation", "description"):
            return self.place_statement(q, scope) or ans
        if ans.kind == "passage" and q.kind in ("figure", "computation"):
            # a figure asked and no fact found: the place's statement of that metric, when it has one,
            # answers with the figure and its sentence rather than passages to read
            return self.place_statement(q, scope) or ans
        return ans

    def _route_figures(self, q: Question, scope: Scope, top_k: int, timings: Timings) -> Answer:
        groups = answer_groups(q, scope, self.catalog)
        if groups:
            return compare_groups(self, q, groups, top_k, timings)
        if q.kind == "comparison":
            q = replace(q, kind="figure" if FIGURE_TERMS.search(q.topic) else "description")
        if q.kind == "computation":
            stated = self.stated_figure(q, top_k)
            if stated:
                return stated
            ans = self.compute(q)
            if ans:
                return ans
        if q.kind in ("figure", "computation"):
            ans = self.figure(q, top_k, timings)
            if ans:
                return ans
        ans = self.passage(q, top_k, timings)
        if q.kind in ("figure", "computation") and ans.kind == "passage" and (
                ans.confidence < FIGURE_PASSAGE_MIN
                or not QUANTIFIED.search(re.sub(r"（第 \d+ 页）|20\d\d ?年", "", ans.answer))):
            # asked "how much" and the best passages state no figure: the reports do not hold it
            ans = self.none(q, "报告中没有找到这个数字。", "The reports do not state this figure.")
        elif q.kind in ("figure", "computation") and ans.kind == "passage" and q.year and not any(
                self.search.reports[d].year == q.year for d in q.docs if d in self.search.reports):
            # only the next year's report is in scope, and it states no figure of the year asked
            held = sorted({self.search.reports[d].year for d in q.docs if d in self.search.reports})
            ans = self.none(q, f"库中没有 {q.year} 年的报告，{'、'.join(map(str, held))} 年报告中也没有载明 {q.year} 年的这个数字。",
                            f"No {q.year} report; the {held} report(s) do not state this {q.year} figure.",
                            suggestions=self.suggest(q, scope))
        if ans.kind == "none" and q.kind == "description":
            fig = self.figure(q, top_k, timings, strict=True)
            if fig:
                return fig
        return ans

