"""The computed route: a rate or share the reports do not state, computed from two cited
facts of one report, with its formula."""
from __future__ import annotations

import re
from dataclasses import replace

from index.search.fact_index import squash

from .figures import Scored
from .format import fmt_value
from .question import Question
from .records import Answer, FactRef
from .thresholds import FACT_MIN


class ComputedRoute:
    """Methods of Engine that compute 完成率 / 占比 from cited facts."""

    # ---- computations --------------------------------------------------
    def compute(self, q: Question) -> Answer | None:
        if q.compute == "rate":
            return self.compute_rate(q)
        if q.compute == "share":
            return self.compute_share(q)
        return None

    def best_fact(self, q: Question, **changes) -> Scored | None:
        sub = replace(q, **changes)
        ranked = self.rank(sub)
        return ranked[0] if ranked and ranked[0].score >= FACT_MIN else None

    def computed_answer(self, q: Question, name: str, value: float, formula: str,
                        inputs: list[Scored]) -> Answer:
        refs = [FactRef(s.hit.fact, s.hit.report, s.score) for s in inputs]
        r = inputs[0].hit.report
        if q.lang == "en":
            text = f"{r.city} {r.year}: {name} = {formula} (computed from the cited figures)."
        else:
            text = f"{r.city} {r.year} 年{name}为 {fmt_value(value)}%（计算：{formula}；报告未直接载明，按所引数据计算）。"
        cits = tuple(dict.fromkeys(self.fact_citation(x) for x in refs))
        return Answer(kind="fact", answer=text, value=value, unit="%", facts=tuple(refs), citations=cits,
                      confidence=min(x.score for x in inputs), route="computed", formula=formula)

    def compute_rate(self, q: Question) -> Answer | None:
        """完成率 = 决算数 ÷ 预算数, from the same report."""
        a = self.best_fact(q, measure="决算数", unit_hint=None)
        b = self.best_fact(q, measure="预算数", unit_hint=None)
        if not a or not b or a.hit.report.doc_id != b.hit.report.doc_id or not b.hit.fact.value:
            return None
        if squash(a.hit.fact.subject) != squash(b.hit.fact.subject):
            return None
        rate = round(a.hit.fact.value / b.hit.fact.value * 100, 2)
        formula = f"决算数 ÷ 预算数 = {fmt_value(a.hit.fact.value)} ÷ {fmt_value(b.hit.fact.value)} = {fmt_value(rate)}%"
        return self.computed_answer(q, f"{a.hit.fact.subject}完成率", rate, formula, [a, b])

    def compute_share(self, q: Question) -> Answer | None:
        """A 占 B 的比例 = A ÷ B, both figures from the same report."""
        m = re.search(r"([\u4e00-\u9fff“”A-Za-z0-9（）()]+?)(?:决算数|预算数|年初预算数|调整预算数)?占(.+?)的?(比例|比重|百分比|百分之|%)",
                      q.topic.replace(" ", ""))
        if not m:
            return None
        part_topic, whole_topic = m.group(1), m.group(2)
        a = self.best_fact(replace(q, topic=part_topic), measure=q.measure if q.measure != "占比" else None,
                           unit_hint=None)
        b = self.best_fact(replace(q, topic=whole_topic), measure=None, unit_hint=None)
        if not a or not b or a.hit.report.doc_id != b.hit.report.doc_id or not b.hit.fact.value:
            return None
        share = round(a.hit.fact.value / b.hit.fact.value * 100, 2)
        formula = (f"{a.hit.fact.subject} ÷ {b.hit.fact.subject} = {fmt_value(a.hit.fact.value)} ÷ "
                   f"{fmt_value(b.hit.fact.value)} = {fmt_value(share)}%")
        return self.computed_answer(q, f"{a.hit.fact.subject}占{b.hit.fact.subject}的比例", share, formula, [a, b])

