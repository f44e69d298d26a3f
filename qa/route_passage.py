"""The passage route: a descriptive question answered by the sentences of the best
passages (FAISS + BM25 fused) of the reports in scope, quoted as written and cited."""
from __future__ import annotations

import re

from index.search.lexical import default_tokenizer
from index.search.retrieval import Filters, Hit, Timings

from .figures import topic_query
from .format import who
from .question import Question, parse_question
from .records import Answer, Citation
from .sentences import best_sentences, fold
from .thresholds import FIGURE_LEXICAL_BOOST, PASSAGE_MIN

# "what did X achieve / how is X going": the answer is usually quantified
RESULT_WORDS = re.compile(r"成效|成果|效果|成绩|进展|情况|覆盖|achiev|result|progress|coverage|status")
QUANTIFIED = re.compile(r"\d[\d,.]*\s*(?:%|[万亿]?[\u4e00-\u9fff])")
FRAME_WORDS = {"成效", "情况", "成果", "效果", "进展", "做法", "措施", "举措", "工作", "取得", "建设", "开展", "方面"}
# glossary terms too common in the reports to help a lexical search
GENERIC_TERMS = {"部门", "决算数", "预算数", "支出", "收入", "比较", "成效", "覆盖情况", "增长率", "占比", "完成率",
                 "调整预算数", "年初预算数"}




class PassageRoute:
    """Methods of Engine that retrieve and quote passages."""

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
        q = parse_question(text, self.typed_places, [r.department for r in self.reports if r.department])
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

