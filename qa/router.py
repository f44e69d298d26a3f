"""The query router: parse the question, check it against what the store holds, then
answer from facts, computed facts, passages or comparisons, always with citations."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from functools import cached_property

from index.embed import Embedder
from index.fact_index import FactIndex, squash
from index.lexical import default_tokenizer
from index.numbers import to_halfwidth
from index.prose_facts import detached_numbers
from index.records import Fact, Report
from index.retrieval import Filters, Hit, SearchIndex, Timings

from .figures import Scored, competitors, rank_facts, topic_query
from .format import fact_sentence, fmt_amount, fmt_value, holdings_en, holdings_zh, who
from .compare import answer_groups, compare_groups
from .question import FIGURE_TERMS, Question, parse_question
from .scope import Catalog, Scope, follow_up, is_follow_up, narrow, resolve, scope_dict
from .records import Answer, Citation, FactRef
from .sentences import best_sentences, fold, overlap, split_sentences

# "what did X achieve / how is X going": the answer is usually quantified
RESULT_WORDS = re.compile(r"成效|成果|效果|成绩|进展|情况|覆盖|achiev|result|progress|coverage|status")
QUANTIFIED = re.compile(r"\d[\d,.]*\s*(?:%|[万亿]?[\u4e00-\u9fff])")
FRAME_WORDS = {"成效", "情况", "成果", "效果", "进展", "做法", "措施", "举措", "工作", "取得", "建设", "开展", "方面"}
# glossary terms too common in the reports to help a lexical search
GENERIC_TERMS = {"部门", "决算数", "预算数", "支出", "收入", "比较", "成效", "覆盖情况", "增长率", "占比", "完成率",
                 "调整预算数", "年初预算数"}
FACT_MIN = 0.62
MAX_COMPARE = 12
FIGURE_LEXICAL_BOOST = 2.0   # BM25 weight × this for figure questions (swept on tests/retrieval)       # cities in one comparison table        # below this a fact is not trusted as the answer
PASSAGE_MIN = 0.35
FIGURE_PASSAGE_MIN = 0.5   # a figure question answered by passages needs stronger evidence     # sentence overlap needed for a descriptive answer
SENTENCE_FIGURE_MIN = 0.45


def squash_text(text: str) -> str:
    return re.sub(r"\s+", "", to_halfwidth(text or ""))


@dataclass
class Engine:
    search: SearchIndex
    facts: FactIndex
    embedder: Embedder
    rrf_k: int = 20
    weights: tuple[float, float] = (1.0, 1.0)

    # ---- facts ---------------------------------------------------------
    def rank(self, q: Question, *, docs: tuple[str, ...] | None = None, limit: int = 40,
             facts: FactIndex | None = None) -> list[Scored]:
        """Facts answering q from the reports in scope (q.docs unless `docs` is given)."""
        return rank_facts(q, self.facts if facts is None else facts, docs=q.docs if docs is None else docs,
                          year=q.year, limit=limit, context=self.before_text)

    def before_text(self, fact) -> str:
        """The text just before a fact's sentence in its report (what the sentence is about)."""
        flat = self._doc_text(fact.doc_id)
        key = re.sub(r"\s+", "", to_halfwidth(fact.text or ""))[:16]
        i = flat.find(key) if key else -1
        return flat[max(0, i - 100):i] if i > 0 else ""

    def _doc_text(self, doc_id: str) -> str:
        cache = self.__dict__.setdefault("_doc_cache", {})
        if doc_id not in cache:
            texts = [c.text for c in self.search.chunks if c.doc_id == doc_id]
            cache[doc_id] = re.sub(r"\s+", "", to_halfwidth("".join(texts)))
        return cache[doc_id]

    # ---- scope ---------------------------------------------------------
    # A snapshot never changes: what is derived from its reports is computed once.
    @cached_property
    def reports(self) -> list[Report]:
        return sorted(self.search.reports.values(), key=lambda r: (r.city or "", r.year or 0))

    def places(self) -> dict[str, str]:
        return self._places

    @cached_property
    def _places(self) -> dict[str, str]:
        """Districts and counties the stored reports name, mapped to their city (普陀 → 上海)."""
        out: dict[str, str] = {}
        for r in self.reports:
            if not r.city:
                continue
            for text in (r.department or "", r.title or ""):
                for m in re.finditer(r"(?:市|^)([\u4e00-\u9fff]{2,3}?)(?:区|县)", text):
                    name = m.group(1)
                    if name != r.city and name not in out:
                        out[name] = r.city
        return out

    def known_cities(self) -> list[str]:
        return self._cities

    @cached_property
    def _cities(self) -> list[str]:
        return sorted({r.city for r in self.reports if r.city})

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(tuple(self.reports), doc_text=self._doc_text)

    def ask(self, text: str, *, city: str | None = None, year: int | None = None, top_k: int = 5,
            previous: dict | None = None) -> Answer:
        """question → scope → one answering route → answer (every figure of the scope's reports)."""
        t0 = time.perf_counter()
        q, scope = self.understand(text, city=city, year=year, previous=previous)
        timings = Timings()
        if not self.reports:
            ans = self.none(q, "库中还没有报告。", "The store holds no reports yet.")
        elif scope.missing:
            ans = self.none(q, scope.missing, scope.missing_en or scope.missing,
                            suggestions=self.suggest(q, scope))
        elif scope.mentioned_only and q.kind != "description":
            titles = "、".join(f"《{self.search.reports[d].title}》" for d in scope.doc_ids[:3])
            ans = self.none(q, f"库中没有{'、'.join(scope.unknown_orgs)}的报告（只在{titles}中被提及），不能给出它的数字。",
                            f"The store holds no report of {', '.join(scope.unknown_orgs)}; it is only mentioned.")
        else:
            ans = self._route(q, scope, top_k, timings)
        t = timings.as_dict()
        t["total"] = round((time.perf_counter() - t0) * 1000, 2)
        return replace(ans, lang=q.lang, timings=t, scope=scope_dict(q, scope, self.catalog))

    def understand(self, text: str, *, city: str | None = None, year: int | None = None,
                   previous: dict | None = None) -> tuple[Question, Scope]:
        """The question parsed and its scope resolved (a follow-up inherits what it omits)."""
        departments = [r.department for r in self.reports if r.department]
        q = parse_question(text, self.known_cities(), departments, self.places())
        if year:
            q = replace(q, year=int(year), years=(int(year),))
        scope = resolve(q.text, q.years, self.catalog, city=city)
        if previous and is_follow_up(q.text):
            q, scope = follow_up(q, scope, previous, self.catalog)
        return narrow(q, scope, self.catalog), scope

    def _route(self, q: Question, scope: Scope, top_k: int, timings: Timings) -> Answer:
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

    def none(self, q: Question, zh: str, en: str, suggestions: tuple[str, ...] = ()) -> Answer:
        reports = self.reports
        if q.lang == "en":
            text = f"{en} The reports do not hold this answer. The store holds: {holdings_en(reports)}."
            if suggestions:
                text += " Related figures it does hold: " + "; ".join(suggestions)
        else:
            text = f"{zh}报告中没有这个问题的答案。库中现有：{holdings_zh(reports)}。"
            if suggestions:
                text += "相关数据（仅供参考，不是所问年份/城市的答案）：" + "；".join(suggestions)
        return Answer(kind="none", answer=text, route="none", suggestions=suggestions, lang=q.lang)

    # ---- figures -------------------------------------------------------
    def figure(self, q: Question, top_k: int, timings: Timings, strict: bool = False) -> Answer | None:
        ranked = self.rank(q)
        if ranked and ranked[0].score >= (FACT_MIN + (0.1 if strict else 0)):
            return self.fact_answer(q, ranked[0], ranked, top_k)
        return self.figure_from_passages(q, top_k, timings, strict)

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
        notes = []
        differing = [o for o in others if abs(o.hit.fact.value - ref.fact.value) > 1e-9]
        if differing:
            notes.append("同一项目在其他表中数值不同：" + "；".join(
                f"{o.hit.fact.table or o.hit.fact.section_path} 第 {o.hit.fact.page} 页 "
                f"{fmt_value(o.hit.fact.value)} {o.hit.fact.unit}" for o in differing[:3])
                + f"。此处采用 {ref.fact.table or '正文'} 的数值。")
        text = fact_sentence(ref, q.lang)
        if notes and q.lang != "en":
            text += " " + notes[0]
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

    # ---- passages ------------------------------------------------------
    def query_texts(self, q: Question) -> tuple[str, str]:
        """(dense, lexical) query texts. City and year are filters, so department and city
        names are dropped: they would only pull every chunk of that report. An English
        question goes to the multilingual model as it is, and to BM25 as the report's words."""
        if q.lang == "en":
            specific = [w for t in q.terms if t not in GENERIC_TERMS for w in t.split()]
            return q.text, " ".join(specific) or q.text
        topic = topic_query(q) or q.topic or q.text
        return q.topic or q.text, topic + " " + q.topic

    def retrieve(self, q: Question, k: int, timings: Timings) -> list[Hit]:
        dense, lexical = self.query_texts(q)
        weights = self.weights
        if q.kind in ("figure", "computation") and q.lang != "en":
            # a figure is named by its line item: exact words matter more than paraphrase
            weights = (weights[0], weights[1] * FIGURE_LEXICAL_BOOST)
        if not q.docs:
            return []
        return self.search.search(self.embedder, dense, k=k, filters=Filters(doc_ids=q.docs),
                                  lexical_query=lexical, weights=weights, rrf_k=self.rrf_k, timings=timings)

    def search_passages(self, text: str, *, k: int, filters: Filters) -> list[Hit]:
        """Free search (the search view): the same query construction as answering."""
        q = parse_question(text, self.known_cities(), [r.department for r in self.reports if r.department],
                           self.places())
        dense, lexical = self.query_texts(q)
        return self.search.search(self.embedder, dense, k=k, filters=filters, lexical_query=lexical,
                                  weights=self.weights, rrf_k=self.rrf_k)

    def hit_citation(self, h: Hit, topic: str, sentence: str | None = None) -> Citation:
        if sentence is None:
            best = best_sentences(topic, h.chunk.text, n=1, min_score=0.0)
            sentence = best[0][0] if best else ""
        return Citation(doc_id=h.report.doc_id, title=h.report.title, city=h.report.city,
                        organization=h.report.department, place=h.report.place,
                        year=h.report.year, page=h.chunk.page_start, section=h.chunk.section_path,
                        text=h.chunk.text, score=round(h.score, 3), highlight=sentence)

    def evidence(self, q: Question, hits: list[Hit], per_city: int = 4) -> list[tuple[float, str, Hit]]:
        """The sentences that answer: sentence overlap with the topic, weighted by the
        passage's retrieval rank; near-duplicates (reports repeat sections) dropped."""
        topic = self.topic_words(q)
        wants_results = bool(RESULT_WORDS.search(q.text))
        scored: list[tuple[float, str, Hit]] = []
        for rank, h in enumerate(hits):
            weight = 1.0 - 0.01 * rank
            for sent, sc in best_sentences(topic, h.chunk.text, n=3, min_score=0.0, extend=True,
                                           weight=self.term_weight):
                # an achievement is stated in figures: the more a sentence quantifies, the better it answers
                bonus = 0.04 * min(4, len(QUANTIFIED.findall(sent))) if wants_results else 0.0
                norm = 0.9 + 0.1 * min(len(sent), 60) / 80   # mild length normalisation (b = 0.1), capped
                scored.append((sc * weight / norm + 0.1 * h.score + bonus, sent, h))
        scored.sort(key=lambda x: -x[0])
        out: list[tuple[float, str, Hit]] = []
        seen: list[str] = []
        count: dict[str, int] = {}
        for sc, sent, h in scored:
            key = fold(sent)
            if any(key[:30] == k[:30] or key in k or k in key for k in seen):
                continue
            city = h.report.city or ""
            if count.get(city, 0) >= per_city:
                continue
            seen.append(key)
            count[city] = count.get(city, 0) + 1
            out.append((sc, sent, h))
        return out

    def topic_words(self, q: Question) -> list[str]:
        """The question's words for sentence scoring: quoted names kept whole (“无证明城市”),
        the rest segmented by jieba."""
        quoted = [m for m in re.findall(r"[“\"「《]([^”\"」》]{2,20})[”\"」》]", q.raw)]
        rest = self.topic_of(q)
        for t in quoted:
            rest = rest.replace(t, " ")
        return quoted + default_tokenizer().words(rest)

    def term_weight(self, gram: str) -> float:
        """idf of a question bigram; one no passage holds is maximally specific (地铁, GDP);
        the words that frame a question (成效, 情况) rarely stand in the answer and count less."""
        lex = self.search.lexical
        w = lex.idf(gram) or lex.max_idf()
        return 0.3 * w if gram in FRAME_WORDS else w

    def topic_of(self, q: Question) -> str:
        if q.lang == "en":
            return " ".join(q.terms) or q.text
        return topic_query(q) or q.topic or q.text

    def passage(self, q: Question, top_k: int, timings: Timings) -> Answer:
        one_place = len({self.search.reports[d].city for d in q.docs if d in self.search.reports}) <= 1
        hits = self.retrieve(q, max(30, top_k * 4), timings)
        pool = self.diversify(hits, max(top_k * 3, 20), one_place)
        ev = self.evidence(q, pool, per_city=5 if one_place else 4)
        good = [x for x in ev if x[0] >= PASSAGE_MIN]
        if not good:
            return self.none(q, "检索到的段落与问题不相符。", "No passage matches the question.")
        cits = self.citations_for(good, pool, q, top_k)
        cited = {(c.doc_id, c.page, c.text) for c in cits}
        good = [x for x in good if (x[2].report.doc_id, x[2].chunk.page_start, x[2].chunk.text) in cited]
        by_report: dict[str, list[tuple[float, str, Hit]]] = {}
        for item in good:
            by_report.setdefault(item[2].report.doc_id, []).append(item)
        parts = []
        for items in by_report.values():
            r = items[0][2].report
            items = sorted(items, key=lambda x: (x[2].chunk.page_start, x[2].row_id))
            lines = [f"{s}（第 {h.chunk.page_start} 页）" for _, s, h in items]
            head = f"{who(r)} {r.year}" if r.department else (f"{r.city} {r.year}" if r.city else r.title)
            parts.append(f"【{head}】" + " ".join(lines))
        lead = "Relevant passages from the reports (quoted as written): " if q.lang == "en" else ""
        return Answer(kind="passage", answer=lead + "\n".join(parts), citations=cits,
                      confidence=max(x[0] for x in good), route="passage")

    def citations_for(self, good, pool: list[Hit], q: Question, top_k: int) -> tuple[Citation, ...]:
        """One card per passage: the passages that gave the answer's sentences first, taken
        in turn from each city that answers; then the best remaining passages."""
        topic = self.topic_of(q)
        out: list[Citation] = []
        used: set[int] = set()
        queues: dict[str, list[tuple[float, str, Hit]]] = {}
        for item in good:
            queues.setdefault(item[2].report.city or "", []).append(item)
        while len(out) < top_k and any(queues.values()):
            for items in queues.values():
                while items and len(out) < top_k:
                    _, sent, h = items.pop(0)
                    if h.row_id not in used:
                        used.add(h.row_id)
                        out.append(self.hit_citation(h, topic, sent))
                        break
        for h in pool:
            if len(out) >= top_k:
                break
            if h.row_id not in used and not any(fold(h.chunk.text)[:60] == fold(c.text)[:60] for c in out):
                used.add(h.row_id)
                out.append(self.hit_citation(h, topic))
        return tuple(out)

    @staticmethod
    def diversify(hits: list[Hit], k: int, city_named: bool) -> list[Hit]:
        """Round-robin across cities when no city was named, so each city that answers shows."""
        if city_named or not hits:
            return hits[:k]
        top = hits[0].score
        by_city: dict[str, list[Hit]] = {}
        for h in hits:
            if h.score >= 0.5 * top:
                by_city.setdefault(h.report.city or "", []).append(h)
        out: list[Hit] = []
        while len(out) < k and any(by_city.values()):
            for lst in by_city.values():
                if lst and len(out) < k:
                    out.append(lst.pop(0))
        return out

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
