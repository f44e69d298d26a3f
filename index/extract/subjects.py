"""Subject labels: normalisation, synonyms / short forms, fuzzy lookup.

normalise_subject("三、国有资本经营预算财政拨款收\\n入") → "国有资本经营预算财政拨款收入"
expand_query_terms("汕尾2021年招待费") → [..., "公务接待费"]
match_subject(query, subjects) → [(subject, score)], exact > synonym > containment > fuzzy
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

try:
    from rapidfuzz import fuzz, process
except Exception:  # pragma: no cover - rapidfuzz is a declared dependency
    fuzz = process = None

_CN_NUM = "一二三四五六七八九十百零〇"
_PREFIX_RE = re.compile(
    r"^(?:"
    r"第[" + _CN_NUM + r"\d]+(?:部分|[章节项条])[、．.：:]?|第[" + _CN_NUM + r"\d]+[、．.：:]"     # 第一部分： (not 第三方)
    r"|[" + _CN_NUM + r"]+\s*[、．.]"                          # 一、 十一、
    r"|[（(]\s*[" + _CN_NUM + r"\d]+\s*[）)]\s*[、．.]?"          # （一） (1)
    r"|\d{1,2}\s*[、．.](?!\d)"                                  # 1. 1、
    r"|[①②③④⑤⑥⑦⑧⑨⑩]"
    r"|其中\s*[:：]?"
    r"|栏\s*次"
    r"|减\s*[:：]"
    r"|加\s*[:：]"
    r")\s*"
)
_QUOTES = str.maketrans({"\u201c": "“", "\u201d": "”", '"': "“", "「": "“", "」": "”"})


def normalise_subject(label: str) -> str:
    """Canonical row label: NFKC-ish clean-up, prefixes (一、/（一）/1./其中：/栏次) and
    spaces removed, trailing colons/punctuation dropped, wrapped lines joined."""
    if not label:
        return ""
    s = label.replace("\u3000", " ")
    s = "".join(s.split())                     # joins wrapped lines and removes spaces
    s = s.translate(_QUOTES)
    # full-width ASCII letters/digits → half width, keep CJK punctuation
    s = "".join(unicodedata.normalize("NFKC", c) if ("\uff01" <= c <= "\uff5e" and c not in "（）：；，、") else c for c in s)
    for _ in range(3):
        new = _PREFIX_RE.sub("", s)
        if new == s:
            break
        s = new
    s = s.replace("(", "（").replace(")", "）")
    s = s.strip(":：;；,，、.。 ")
    s = re.sub(r"（(?:万元|元|亿元|%)）$", "", s)
    # quotation marks are dropped except around 三公 (“三公”经费 is the official name)
    s = s.replace("“三公”", "\x00").replace("“", "").replace("”", "").replace("\x00", "“三公”")
    if s.startswith("三公经费"):
        s = "“三公”" + s[2:]
    return s


# canonical subject → synonyms / short forms (lower-case for English)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "公务接待费": ("接待费", "招待费", "公务招待费", "公务接待", "official reception", "official receptions", "reception expenses", "reception"),
    "“三公”经费": ("三公经费", "三公", "“三公”经费合计", "三公经费合计", "“三公”经费支出", "three public expenses", "three public funds"),
    "公务用车购置及运行费": ("公车", "公务用车", "公车费用", "公务用车购置及运行维护费", "公务用车购置和运行维护费",
                             "公务用车购置和运行费", "公务用车费", "official vehicles", "official vehicle"),
    "公务用车运行维护费": ("公车运维费", "公务用车运行费", "车辆运行维护费", "公务运行维护费", "vehicle operation"),
    "公务用车购置费": ("公车购置费", "公务用车购置", "vehicle purchase"),
    "因公出国（境）费": ("出国费", "因公出国费", "出国（境）费", "因公出国（境）费用", "overseas travel", "travel abroad"),
    "人员经费": ("人员支出", "人员费用", "personnel expenses", "personnel costs", "staff costs"),
    "公用经费": ("公用支出", "operating expenses", "public expenses"),
    "基本支出": ("basic expenditure", "basic expenditures"),
    "项目支出": ("项目经费", "project expenditure", "project expenditures", "project spending"),
    "本年支出合计": ("支出合计", "总支出", "支出总额", "年度支出总额", "total expenditure", "total expenditures", "total spending"),
    "本年收入合计": ("收入合计", "总收入", "收入总额", "年度收入总额", "total income", "total revenue", "total revenues"),
    "机关运行经费": ("运行经费", "机关运行费", "administrative operating costs", "operating costs"),
    "政府采购支出总额": ("政府采购", "采购支出", "采购总额", "government procurement"),
    "一般公共预算财政拨款收入": ("一般公共预算拨款收入", "财政拨款收入", "一般公共预算收入", "general budget appropriation"),
    "年初结转和结余": ("年初结转结余", "上年结转", "carry-over", "carryover"),
    "年末结转和结余": ("年末结转结余", "结转下年"),
    "科学技术支出": ("科技支出", "science and technology"),
    "住房公积金": ("公积金", "housing provident fund"),
    "公务用车保有量": ("车辆保有量", "公车数量", "车辆数", "vehicles"),
    "一般公共服务支出": ("general public services",),
    "社会保障和就业支出": ("社保支出", "social security"),
    "卫生健康支出": ("卫生支出", "health"),
    "住房保障支出": ("住房支出", "housing"),
}

# measures (column names) and their synonyms; used by the router on the query side
MEASURE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "决算数": ("决算", "实际支出", "实际", "执行数", "final accounts", "actual"),
    "年初预算数": ("年初预算", "预算数", "预算", "initial budget", "budget"),
    "调整预算数": ("调整预算", "调整后预算", "adjusted budget"),
    "完成率": ("执行率", "预算执行率", "completion rate", "execution rate"),
    "比上年增长率": ("增长率", "增幅", "growth rate"),
    "比上年增减": ("增减", "增加", "减少", "change"),
}

_ALIAS: dict[str, str] = {}
for canon, alts in SYNONYMS.items():
    _ALIAS[normalise_subject(canon).lower()] = canon
    for a in alts:
        _ALIAS.setdefault(a.lower(), canon)
_ALIAS_KEYS = sorted(_ALIAS, key=len, reverse=True)


def _key(s: str) -> str:
    return normalise_subject(s).replace("“", "").replace("”", "").lower()


def expand_query_terms(text: str) -> list[str]:
    """Canonical subjects (and measures) named in `text` by synonym or short form,
    in order of appearance, without duplicates; the canonical term comes first."""
    if not text:
        return []
    low = text.lower().replace("\u201c", "").replace("\u201d", "").replace('"', "")
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias in _ALIAS_KEYS:
        a = alias.replace("“", "").replace("”", "")
        start = 0
        while True:
            i = low.find(a, start)
            if i < 0:
                break
            j = i + len(a)
            start = j
            if a.isascii() and ((i > 0 and low[i - 1].isalpha()) or (j < len(low) and low[j].isalpha() and low[j] != "s")):
                continue
            if any(i < e and j > s for s, e in taken):   # inside a longer alias already matched
                continue
            taken.append((i, j))
            found.append((i, _ALIAS[alias]))
    for canon, alts in MEASURE_SYNONYMS.items():
        for a in (canon,) + alts:
            i = low.find(a.lower())
            if i >= 0 and not any(s <= i < e for s, e in taken):
                found.append((i, canon))
                break
    out: list[str] = []
    for _, term in sorted(found, key=lambda x: x[0]):
        if term not in out:
            out.append(term)
    # 三公 asks for the total
    if "“三公”经费" in out and "合计" not in out:
        out.append("“三公”经费合计")
    if "本年支出合计" in out and "支出合计" not in out:
        out.append("支出合计")
    if "本年收入合计" in out and "收入合计" not in out:
        out.append("收入合计")
    return out


def match_subject(query: str, subjects: Iterable[str]) -> list[tuple[str, float]]:
    """Rank `subjects` against `query`: exact 1.0 > synonym 0.95 > containment
    (0.7–0.9, by length ratio) > rapidfuzz partial ratio (scaled to ≤ 0.69)."""
    subs = list(dict.fromkeys(s for s in subjects if s))
    if not subs or not query:
        return []
    q = _key(query)
    syn = {_key(t) for t in expand_query_terms(query)}
    scores: dict[str, float] = {}
    rest = []
    for s in subs:
        k = _key(s)
        if not k:
            continue
        if k == q:
            scores[s] = 1.0
        elif k in syn:
            scores[s] = 0.95
        elif q and (k in q or q in k):
            short, long_ = (k, q) if len(k) < len(q) else (q, k)
            if len(short) < 2:
                rest.append((s, k))
                continue
            scores[s] = 0.7 + 0.2 * len(short) / len(long_)
        elif any(t and (t in k) for t in syn):
            t = max((t for t in syn if t in k), key=len)
            scores[s] = 0.7 + 0.15 * len(t) / len(k)
        else:
            rest.append((s, k))
    if rest and fuzz is not None and q:
        for s, k in rest:
            r = fuzz.partial_ratio(q, k) / 100.0
            if len(k) < 2 or len(q) < 2:
                r *= 0.5
            if r >= 0.5:
                scores[s] = round(min(0.69, r * 0.69), 4)
    return sorted(scores.items(), key=lambda x: (-x[1], len(x[0])))
