"""The none route: the reports do not hold the answer; say so, and what they do hold."""
from __future__ import annotations

from dataclasses import replace

from index.names.english import describe

from .format import fmt_amount, holdings_en, holdings_zh, who
from .question import Question
from .records import Answer
from .scope import Scope
from .thresholds import FACT_MIN


class NoneRoute:
    """Methods of Engine that answer `none`."""

    def suggest(self, q: Question, scope: Scope) -> tuple[str, ...]:
        """What the store holds for this organization / place in other years (never another
        organization's figure): a suggestion, not the answer."""
        if not scope.orgs and not scope.places:
            return ()
        docs = tuple(r.doc_id for r in self.reports
                     if (not scope.orgs or r.department in scope.orgs)
                     and (not scope.places or self.catalog.within(r, scope.places)))
        if not docs or (not scope.orgs and len({r.department for r in self.reports if r.doc_id in docs}) > 1):
            return ()
        out = []
        ranked = self.rank(replace(q, year=None, years=()), docs=docs, limit=5)
        for s in ranked[:3]:
            if s.score >= FACT_MIN:
                f, r = s.hit.fact, s.hit.report
                out.append(f"{who(r)} {r.year}：{f.subject}{'' if f.source == 'prose' else f.measure} "
                           f"{fmt_amount(f.value, f.unit, f.approx, f.qualifier)}（《{r.title}》第 {f.page} 页）")
        return tuple(dict.fromkeys(out))

    def ask_which(self, q: Question, scope: Scope) -> Answer:
        """A place name several places share (Suzhou: 苏州 / 宿州): ask which one is meant; the
        suggestions are the question with each place written out."""
        gaz = self.catalog.gazetteer
        suggestions = []
        for typed, codes in scope.choices[:1]:
            for code in codes:
                p = gaz.get(code)
                suggestions.append(q.text.replace(typed, describe(p, gaz, level=False) if q.lang == "en" else gaz.label(p), 1))
        text = scope.missing_en if q.lang == "en" else scope.missing
        return Answer(kind="none", answer=text or "", route="none", suggestions=tuple(suggestions), lang=q.lang)

    def holdings(self, lang: str) -> str:
        """What the store holds, in words: once per snapshot (its reports never change)."""
        kept = self.__dict__.setdefault("_holdings", {})
        if lang not in kept:
            kept[lang] = holdings_en(self.reports) if lang == "en" else holdings_zh(self.reports)
        return kept[lang]

    def none(self, q: Question, zh: str, en: str, suggestions: tuple[str, ...] = ()) -> Answer:
        if q.lang == "en":
            text = f"{en} The reports do not hold this answer. The store holds: {self.holdings('en')}."
            if suggestions:
                text += " Related figures it does hold: " + "; ".join(suggestions)
        else:
            text = f"{zh}报告中没有这个问题的答案。库中现有：{self.holdings('zh')}。"
            if suggestions:
                text += "相关数据（仅供参考，不是所问年份/城市的答案）：" + "；".join(suggestions)
        return Answer(kind="none", answer=text, route="none", suggestions=suggestions, lang=q.lang)

