"""Chinese BM25 over chunks: jieba tokens (+ a user dictionary mined from the corpus)
scored with bm25s.

Tokenisation (`Tokenizer.tokenize`): NFKC (full-width -> ASCII), lowercase; jieba
search-mode segmentation (a long word also yields the dictionary words inside it, so
"财政拨款收入" matches "一般公共预算财政拨款收入"); punctuation and whitespace
dropped; numbers kept whole ("1234.56", "3.2%" -> "3.2"); plus, by default, character
bigrams of every CJK run (`bigrams=True`): they let a query match line items whatever
jieba did with either side (see tests/test_lexical.py for the measurement).

The store keeps each chunk's token list (a text column), so a reload calls
`LexicalIndex.build_from_tokens` and never re-runs jieba; the tokenizer's user terms
must then be the same at query time - `Tokenizer.signature()` identifies them.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from typing import Iterable, Sequence

import numpy as np

log = logging.getLogger(__name__)

logging.getLogger("jieba").setLevel(logging.WARNING)

# Quoted names: “粤智助” 「民情地图」 "粤省事" 《政府信息公开条例》
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"\n]{2,16})[”」』》\"]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_WORD = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LINE_ITEM_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\w+\)|\d+[.、．]|[①-⑳])\s*")
_STOP = frozenset("的 了 和 与 及 或 是 在 对 为 等 其 中 其中 之 也 并 由 将 把 被 于 以 按 从".split())

DEFAULT_TERM_FREQ = 20_000


_PAREN_ALT = re.compile(r"\((\w{1,2})\)")


def normalize(text: str) -> str:
    """NFKC, lowercase, and 区（县）/村（居） style alternates folded to 区县/村居."""
    return _PAREN_ALT.sub(r"\1", unicodedata.normalize("NFKC", text or "").lower())


def build_user_terms(texts: Iterable[str], extra_terms: Iterable[str] = (),
                     min_len: int = 2, max_len: int = 16) -> list[str]:
    """Terms jieba should keep whole: names in quotes found in `texts` (“粤智助”,
    “民情地图”) plus `extra_terms` (fact subjects, headings, table row labels: their
    numbering like "一、" / "（三）" is stripped).  Sorted, unique, NFKC-lowercased."""
    terms: set[str] = set()

    def add(t: str) -> None:
        t = _LINE_ITEM_PREFIX.sub("", normalize(t).strip())
        t = t.strip(" \t:：,，.。;；、")
        if min_len <= len(t) <= max_len and not re.search(r"\s", t) and _CJK.search(t):
            terms.add(t)

    for text in texts:
        for m in _QUOTED.finditer(text or ""):
            add(m.group(1))
    for t in extra_terms:
        if t:
            add(t)
    return sorted(terms)


class Tokenizer:
    """A jieba.Tokenizer instance (not the global one) with the user terms added."""

    def __init__(self, user_terms: Iterable[str] = (), *, bigrams: bool = True,
                 search_mode: bool = True, hmm: bool = True, term_freq: int = DEFAULT_TERM_FREQ):
        import jieba
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self.user_terms = sorted({normalize(t) for t in user_terms if t})
        self.bigrams, self.search_mode, self.hmm = bigrams, search_mode, hmm
        self.term_freq = term_freq
        self._lock = threading.Lock()  # jieba's lazy initialisation is not thread-safe
        self._ready = False

    def _init(self) -> None:
        with self._lock:
            if self._ready:
                return
            self._jieba.initialize()
            for t in self.user_terms:
                self._jieba.add_word(t, freq=self.term_freq)
            self._ready = True

    def signature(self) -> str:
        """Changes whenever tokenisation would (options or user terms)."""
        h = hashlib.sha1(f"v2|{self.bigrams}|{self.search_mode}|{self.hmm}|{self.term_freq}".encode())
        for t in self.user_terms:
            h.update(b"\0" + t.encode())
        return h.hexdigest()[:16]

    def tokenize(self, text: str) -> list[str]:
        if not self._ready:
            self._init()
        text = normalize(text)
        cut = self._jieba.cut_for_search if self.search_mode else self._jieba.cut
        out: list[str] = []
        for tok in cut(text, HMM=self.hmm):
            tok = tok.strip()
            if not tok or not _WORD.search(tok):
                continue  # punctuation / whitespace
            if _NUM.fullmatch(tok.rstrip("%")):
                tok = tok.rstrip("%")
            if tok in _STOP:
                continue
            out.append(tok)
        if self.bigrams:
            for run in _CJK.findall(text):
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
        return out

    __call__ = tokenize

    def words(self, text: str) -> list[str]:
        """Plain jieba words of a text (no bigrams, no search-mode sub-words)."""
        if not self._ready:
            self._init()
        return [w for w in self._jieba.lcut(normalize(text), HMM=self.hmm) if _WORD.search(w)]


_default_tokenizer: Tokenizer | None = None


def default_tokenizer() -> Tokenizer:
    """The shared default Tokenizer (no user terms): what ingest stores and queries use."""
    global _default_tokenizer
    if _default_tokenizer is None:
        _default_tokenizer = Tokenizer()
    return _default_tokenizer


def tokenize(text: str) -> list[str]:
    """Tokenise with the shared default Tokenizer."""
    return default_tokenizer().tokenize(text)


class LexicalIndex:
    """BM25 (bm25s, Lucene variant) over token lists; ids are chunk row ids."""

    def __init__(self, tokenizer: Tokenizer | None = None, *, k1: float = 1.2, b: float = 0.75):
        self.tokenizer = tokenizer or Tokenizer()
        self.k1, self.b = k1, b
        self.ids = np.zeros(0, dtype=np.int64)
        self._bm25 = None
        self._vocab: dict[str, int] = {}

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, ids: Sequence[int], texts: Sequence[str], tokenizer: Tokenizer | None = None,
              **kw) -> "LexicalIndex":
        idx = cls(tokenizer, **kw)
        return idx._fit(ids, [idx.tokenizer.tokenize(t) for t in texts])

    @classmethod
    def build_from_tokens(cls, ids: Sequence[int], token_lists: Sequence[Sequence[str]],
                          tokenizer: Tokenizer | None = None, **kw) -> "LexicalIndex":
        idx = cls(tokenizer, **kw)
        return idx._fit(ids, token_lists)

    def _fit(self, ids: Sequence[int], token_lists: Sequence[Sequence[str]]) -> "LexicalIndex":
        import bm25s

        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) != len(token_lists):
            raise ValueError(f"{len(ids)} ids for {len(token_lists)} token lists")
        if len(np.unique(ids)) != len(ids):
            raise ValueError("duplicate ids")
        self.ids = ids
        self._pos = {int(i): p for p, i in enumerate(ids.tolist())}
        vocab: dict[str, int] = {}
        corpus_ids = []
        df: dict[str, int] = {}
        for toks in token_lists:
            corpus_ids.append([vocab.setdefault(t, len(vocab)) for t in toks])
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        self._vocab = vocab
        self._df = df
        if not len(ids):
            self._bm25 = None
            return self
        # bm25s needs every document non-empty in its (ids, vocab) tuple form
        empty = "\x00"
        eid = vocab.setdefault(empty, len(vocab))
        corpus_ids = [c or [eid] for c in corpus_ids]
        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        self._bm25.index((corpus_ids, vocab), show_progress=False)
        return self

    def __len__(self) -> int:
        return len(self.ids)

    def max_idf(self) -> float:
        n = len(self.ids)
        return float(np.log(1 + (n + 0.5) / 0.5))

    def idf(self, token: str) -> float:
        """BM25 idf of a token (a word or a CJK bigram); 0 for a token no chunk has
        (a bigram spanning two words of a question is no evidence of anything)."""
        n = len(self.ids)
        df = getattr(self, "_df", {}).get(normalize(token), 0)
        if not df:
            return 0.0
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))

    # ----------------------------------------------------------------- search
    def scores(self, query: str | Sequence[str], weight_mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every document (in `self.ids` order) for the query; documents
        with weight_mask 0 score 0 (bm25s applies the mask inside scoring)."""
        toks = self.tokenizer.tokenize(query) if isinstance(query, str) else list(query)
        if self._bm25 is None:
            return np.zeros(0, np.float32)
        qids = sorted({self._vocab[t] for t in toks if t in self._vocab})
        if not qids:
            return np.zeros(len(self.ids), np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(qids, weight_mask=weight_mask),
                          dtype=np.float32)

    def search(self, query: str | Sequence[str], k: int,
               allowed_ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (id, score), best first, score > 0 only; documents outside
        `allowed_ids` are masked before ranking (so k results come from the subset)."""
        if k <= 0 or not len(self.ids):
            return []
        mask = None
        if allowed_ids is not None:
            mask = np.isin(self.ids, np.asarray(allowed_ids, dtype=np.int64)).astype(np.float32)
            if not mask.any():
                return []
        s = self.scores(query, weight_mask=mask)
        nz = np.flatnonzero(s > 0)
        if not len(nz):
            return []
        k = min(k, len(nz))
        part = nz[np.argpartition(-s[nz], k - 1)[:k]] if len(nz) > k else nz
        order = part[np.lexsort((self.ids[part], -s[part]))]
        return [(int(self.ids[p]), float(s[p])) for p in order]
