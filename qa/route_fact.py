"""The fact route: a figure question answered by one fact of the reports in scope (from
the fact table, or read from the best retrieved sentence), with the competing figures of
other tables kept as notes."""
from __future__ import annotations

import re
from dataclasses import replace

from index.extract.numbers import to_halfwidth
from index.extract.prose_facts import detached_numbers
from index.records import Fact
from index.search.fact_index import FactIndex
from index.search.retrieval import Hit, Timings

from .figures import COMPETING, Scored, competitors, rank_facts, topic_query
from .format import fact_sentence, fmt_value
from .question import Question
from .records import Answer, Citation, FactRef
from .scope import strip_place
from .sentences import overlap, split_sentences
from .thresholds import FACT_MIN, SENTENCE_FIGURE_MIN

DOC_TEXTS_CACHED = 128
HEADS_CACHED = 512           # reports read as far as a page for before_text (across every city: 200)
BEFORE_CHARS = 100


def squash_text(text: str) -> str:
    """No whitespace, full-width digits and signs as ASCII (str.split's whitespace is re's \\s)."""
    return "".join(to_halfwidth(text or "").split())


def differing_notes(ref: FactRef, differing: list[Scored]) -> list[str]:
    """What the answer says of the same item stated with another value: in another table of its
    report, or in another file of the same report (same organization, place, year and type)."""
    notes = []
    here = [o for o in differing if o.hit.fact.doc_id == ref.fact.doc_id]
    twins = [o for o in differing if o.hit.fact.doc_id != ref.fact.doc_id]
    if here:
        notes.append("同一项目在其他表中数值不同：" + "；".join(
            f"{o.hit.fact.table or o.hit.fact.section_path} 第 {o.hit.fact.page} 页 "
            f"{fmt_value(o.hit.fact.value)} {o.hit.fact.unit}" for o in here[:3])
            + f"。此处采用 {ref.fact.table or '正文'} 的数值。")
    if twins:
        notes.append("注意：同一机构同年同类的另一份文件给出不同数值：" + "；".join(
            f"《{o.hit.report.title}》（文件 {o.hit.report.source_path}）第 {o.hit.fact.page} 页 "
            f"{fmt_value(o.hit.fact.value)} {o.hit.fact.unit}" for o in twins[:3])
            + f"。上面的数值取自文件 {ref.report.source_path}。")
    return notes


class FactRoute:
    """Methods of Engine that answer from the fact table."""

    # ---- facts ---------------------------------------------------------
    def rank(self, q: Question, *, docs: tuple[str, ...] | None = None, limit: int = 40,
             facts: FactIndex | None = None, floor: float = 0.0) -> list[Scored]:
        """Facts answering q from the reports in scope (q.docs unless `docs` is given); with `floor`,
        only those scoring at least that."""
        return rank_facts(q, self.facts if facts is None else facts, docs=q.docs if docs is None else docs,
                          year=q.year, limit=limit, context=self.before_text, floor=floor)

    def before_text(self, fact) -> str:
        """The text just before a fact's sentence in its report (what the sentence is about): the
        BEFORE_CHARS characters before the first place the report's text holds the sentence's start.
        That place is looked for in the report's text as far as the fact's page (a prefix of it: a
        first place there is the report's first), else in the whole text - a comparison across every
        city at 10,000 reports reads 200 reports' first pages, not their whole text."""
        key = squash_text(fact.text)[:16]
        if not key:
            return ""
        flat = self._doc_head(fact.doc_id, fact.page)
        i = flat.find(key)
        if i < 0:
            flat = self._doc_text(fact.doc_id)
            i = flat.find(key)
        return flat[max(0, i - BEFORE_CHARS):i] if i > 0 else ""

    def _doc_text(self, doc_id: str) -> str:
        """A report's passages squashed into one string, built once per report."""
        cache = self.__dict__.setdefault("_doc_cache", {})
        if doc_id not in cache:
            if len(cache) >= DOC_TEXTS_CACHED:      # the reports most recently asked about
                cache.pop(next(iter(cache), None), None)
            cache[doc_id] = squash_text(self.search.doc_text(doc_id))
        return cache[doc_id]

    def _doc_head(self, doc_id: str, page: int) -> str:
        """A report's passages squashed, from its start at least as far as those starting on `page`
        (the whole text when built already), extended when a later page is asked for."""
        whole = self.__dict__.get("_doc_cache", {}).get(doc_id)
        if whole is not None:
            return whole
        heads = self.__dict__.setdefault("_head_cache", {})
        last_id, upto, flat = heads.get(doc_id, (0, -1, ""))
        if page > upto:
            if doc_id not in heads and len(heads) >= HEADS_CACHED:
                heads.pop(next(iter(heads), None), None)
            last_id, more = self.search.doc_text_to_page(doc_id, page, last_id)
            upto, flat = page, flat + squash_text(more)
            heads[doc_id] = (last_id, upto, flat)
        return flat


    # ---- figures -------------------------------------------------------
    def figure(self, q: Question, top_k: int, timings: Timings, strict: bool = False) -> Answer | None:
        # a fact is taken from FACT_MIN up, and shown beside it only what scores within COMPETING of it:
        # nothing below FACT_MIN − COMPETING is used, so it is not ranked
        ranked = self.rank(q, floor=FACT_MIN - COMPETING)
        if ranked and ranked[0].score >= (FACT_MIN + (0.1 if strict else 0)):
            return self.fact_answer(q, ranked[0], ranked, top_k)
        return self.figure_from_passages(q, top_k, timings, strict)

    def figure_about(self, q: Question, scope, top_k: int) -> Answer | None:
        """A body the store has no report of, named in reports that mention it (a unit under a
        department: 汕头市公共资源交易中心): only a figure whose own row, sentence, table or
        section names that body answers — never the department's own figure."""
        bodies = [strip_place(u, self.catalog) for u in scope.unknown_orgs]

        def names_body(f) -> bool:
            where = " ".join((f.subject, f.subject_raw, f.text, f.table, f.section_path, self.before_text(f)))
            return any(b and b in squash_text(where) for b in bodies)

        ranked = [s for s in self.rank(q) if names_body(s.hit.fact)]
        if not ranked or ranked[0].score < FACT_MIN:
            return None
        ans = self.fact_answer(q, ranked[0], ranked, top_k)
        note = f"库中没有{'、'.join(scope.unknown_orgs)}自己的报告，此数字出自提及它的《{ranked[0].hit.report.title}》。"
        return replace(ans, answer=ans.answer + " " + note, notes=ans.notes + (note,))

    def stated_figure(self, q: Question, top_k: int) -> Answer | None:
        """A rate or share the report states itself wins over one we compute."""
        ranked = self.rank(q)
        if not (ranked and ranked[0].score >= FACT_MIN and ranked[0].hit.fact.unit == "%"):
            return None
        ans = self.fact_answer(q, ranked[0], ranked, top_k)
        check = self.compute(q)
        if check is None or check.value is None:
            return ans
        stated = ranked[0].hit.fact.value
        notes = list(ans.notes)
        text = ans.answer + (f" 按所引数据核算：{check.formula}。" if q.lang != "en" else f" Check: {check.formula}.")
        if abs(check.value - stated) > 0.05:
            notes.append(f"报告所载 {fmt_value(stated)}% 与按表中数据计算的 {fmt_value(check.value)}% 不一致。")
            text += notes[-1]
        return replace(ans, answer=text, formula=check.formula, facts=ans.facts + check.facts,
                       citations=tuple(dict.fromkeys(ans.citations + check.citations)), notes=tuple(notes))

    def fact_answer(self, q: Question, best: Scored, ranked: list[Scored], top_k: int) -> Answer:
        ref = FactRef(best.hit.fact, best.hit.report, best.score)
        others = competitors(best, ranked)
        refs = [ref] + [FactRef(s.hit.fact, s.hit.report, s.score) for s in others[:4]]
        differing = [o for o in others if abs(o.hit.fact.value - ref.fact.value) > 1e-9]
        notes = differing_notes(ref, differing)
        text = fact_sentence(ref, q.lang)
        if notes and q.lang != "en":
            text += " " + " ".join(notes)
        cits = tuple(dict.fromkeys(self.fact_citation(r) for r in refs))[:top_k]
        return Answer(kind="fact", answer=text, value=ref.fact.value, unit=ref.fact.unit,
                      facts=tuple(refs), citations=cits, confidence=min(1.0, best.score),
                      route="fact", notes=tuple(notes))

    def fact_citation(self, ref: FactRef) -> Citation:
        f, r = ref.fact, ref.report
        return Citation(doc_id=r.doc_id, title=r.title, city=r.city, year=r.year, page=f.page,
                        organization=r.department, place=r.place,
                        section=f.section_path or f.table, text=f.text, score=round(ref.score, 3),
                        highlight=f.text)

    def figure_from_passages(self, q: Question, top_k: int, timings: Timings, strict: bool) -> Answer | None:
        """Read the figure from the best retrieved sentence: a prose fact of that sentence, or
        (when the question names its unit, "多少核") the number written with that unit."""
        hits = self.retrieve(q, 8, timings)
        topic = topic_query(q) or q.topic
        best: tuple[float, Scored, Hit] | None = None
        for rank, h in enumerate(hits):
            for s in self.rank(q, limit=5, facts=self.facts_in_hit(h, q.unit_hint)):
                sc = s.score * (1.0 - 0.03 * rank) + 0.2 * overlap(topic, s.hit.fact.text)
                if best is None or sc > best[0]:
                    best = (sc, s, h)
        need = SENTENCE_FIGURE_MIN + (0.1 if strict else 0)
        if best is None or best[0] < need:
            return None
        ans = self.fact_answer(q, best[1], [best[1]], top_k)
        cits = (self.hit_citation(best[2], topic),) + tuple(
            self.hit_citation(h, topic) for h in hits if h is not best[2])[: top_k - 1]
        return replace(ans, citations=cits, confidence=min(1.0, best[0]), route="fact")

    def numbers_in_hit(self, h: Hit, unit: str) -> list[Fact]:
        """Every number written with the asked unit in a passage, as candidate facts (the
        extractor may have missed it: "VCPU 总量 23704 核")."""
        rx = re.compile(r"(\d+(?:[,，]\d{3})*(?:\.\d+)?)\s*(万|亿)?\s*(多|余)?\s*" + re.escape(unit))
        out = []
        for sent in split_sentences(h.chunk.text):
            if detached_numbers(squash_text(sent)):
                continue
            for m in rx.finditer(sent):
                lead = re.split(r"[,，;；:：、]", sent[:m.start()])[-1][-14:].strip()
                out.append(Fact(subject=lead or unit, subject_raw=lead, measure="",
                                value=float(m.group(1).replace(",", "").replace("，", "")),
                                unit=(m.group(2) or "") + unit, page=h.chunk.page_start, text=sent,
                                source="prose", section_path=h.chunk.section_path, approx=bool(m.group(3)),
                                qualifier=m.group(3) or "", doc_id=h.report.doc_id, fact_id=-(len(out) + 1)))
        return out

    def facts_in_hit(self, h: Hit, unit: str | None = None) -> FactIndex:
        flat = squash_text(h.chunk.text)
        facts = [f for f in self.facts.facts_of(h.chunk.doc_id)
                 if f.source == "prose" and h.chunk.page_start <= f.page <= h.chunk.page_end
                 and squash_text(f.text)[:20] in flat]
        if unit:
            known = {(f.value, squash_text(f.text)[:20]) for f in facts}
            facts += [f for f in self.numbers_in_hit(h, unit) if (f.value, squash_text(f.text)[:20]) not in known]
        return FactIndex(facts, self.facts.reports)

