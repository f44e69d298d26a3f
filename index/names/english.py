"""English names of places: what an English question types for a place of the division table.

Generated from the table (index.names.places) with pypinyin, imported on first use: the pinyin of
a place's short name ("Yantai", "Xi'an", "Putuo"), optionally followed by its level ("Yantai City",
"Putuo District", "Ganzi Tibetan Autonomous Prefecture"), plus the usual English names of the
provinces (Shaanxi / Shanxi, Inner Mongolia, Tibet …) and of the cities known by another name
(Harbin, Urumqi, Hohhot …). Readings pypinyin gets wrong in place names are corrected by two
small tables (长 chang, 都 du …; 长子 Zhangzi, 漯河 Luohe …).

`find_english` reads them in a text: case-insensitive, on word boundaries, possessive 's allowed;
an ordinary English word ("dean", "lean") is a place only when written with its level ("Dean
County") or its apostrophe ("De'an"). A name several places share (Suzhou 苏州 / 宿州, Taizhou,
Fuzhou, Putuo …) is resolved by a place named around it ("Suzhou, Anhui"), then by the places the
store holds, then by level (a city before a district); what is still open is returned with every
candidate for the caller to ask which one is meant.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .places import CITY, COMMON_DISTRICTS, DISTRICT, PROVINCE, Gazetteer, Place

# province-level regions by their usual English names (first: the one shown); no pinyin is
# generated for them (陕西 and 山西 are both "Shanxi" in pinyin)
PROVINCES: dict[str, tuple[str, ...]] = {
    "北京": ("Beijing", "Peking"), "天津": ("Tianjin",), "上海": ("Shanghai",), "重庆": ("Chongqing",),
    "河北": ("Hebei",), "山西": ("Shanxi",), "内蒙古": ("Inner Mongolia", "Nei Mongol", "Neimenggu"),
    "辽宁": ("Liaoning",), "吉林": ("Jilin",), "黑龙江": ("Heilongjiang",), "江苏": ("Jiangsu",),
    "浙江": ("Zhejiang",), "安徽": ("Anhui",), "福建": ("Fujian",), "江西": ("Jiangxi",), "山东": ("Shandong",),
    "河南": ("Henan",), "湖北": ("Hubei",), "湖南": ("Hunan",), "广东": ("Guangdong",), "广西": ("Guangxi",),
    "海南": ("Hainan",), "四川": ("Sichuan",), "贵州": ("Guizhou",), "云南": ("Yunnan",),
    "西藏": ("Tibet", "Xizang"), "陕西": ("Shaanxi",), "甘肃": ("Gansu",), "青海": ("Qinghai",),
    "宁夏": ("Ningxia",), "新疆": ("Xinjiang",), "台湾": ("Taiwan",), "香港": ("Hong Kong", "Hongkong"),
    "澳门": ("Macau", "Macao"),
}
# places whose usual English name is not the pinyin (the pinyin is kept as well)
USUAL: dict[str, tuple[str, ...]] = {
    "哈尔滨": ("Harbin",), "乌鲁木齐": ("Urumqi", "Urumchi"), "呼和浩特": ("Hohhot",), "拉萨": ("Lhasa",),
    "喀什": ("Kashgar",), "吐鲁番": ("Turpan",), "和田": ("Hotan",), "阿勒泰": ("Altay",), "阿克苏": ("Aksu",),
    "克拉玛依": ("Karamay",), "哈密": ("Kumul",), "伊犁": ("Ili",), "库车": ("Kuqa",), "博尔塔拉": ("Bortala",),
    "巴音郭楞": ("Bayingolin",), "克孜勒苏": ("Kizilsu",), "日喀则": ("Shigatse",), "昌都": ("Qamdo",),
    "林芝": ("Nyingchi",), "那曲": ("Nagqu",), "阿里": ("Ngari",), "鄂尔多斯": ("Ordos",),
    "呼伦贝尔": ("Hulunbuir",), "锡林郭勒": ("Xilingol",), "阿拉善": ("Alxa",), "巴彦淖尔": ("Bayannur",),
    "乌兰察布": ("Ulanqab",), "甘孜": ("Garze",), "阿坝": ("Ngawa",), "西双版纳": ("Xishuangbanna",),
}
# whole names pypinyin reads wrong
READINGS: dict[str, str] = {
    "长子": "Zhangzi", "朝阳": "Chaoyang", "南乐": "Nanle", "民乐": "Minle", "马尾": "Mawei", "漯河": "Luohe",
    "洪洞": "Hongtong", "单县": "Shanxian", "浚县": "Xunxian", "筠连": "Junlian",
}
# characters read one way in place names (pypinyin's first reading is another)
CHAR_READINGS: dict[str, str] = {
    "长": "chang", "都": "du", "什": "shi", "勒": "le", "卡": "ka", "蚌": "beng", "佛": "fo", "涡": "guo",
    "覃": "qin", "伽": "jia", "朝": "chao",
}
# generated names that are ordinary English words: a place only with its level or apostrophe
COMMON_WORDS: frozenset[str] = frozenset({
    "ali", "bade", "bali", "bole", "boxing", "dean", "guide", "guiding", "hailing", "jingle", "lean", "mile",
    "saga", "yuan", "tongan", "minqing", "change", "longan", "human", "women", "gene", "linen",
})

# level words after a name → what they fit; longest first
LEVELS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("special", "administrative", "region"), "sar"), (("autonomous", "region"), "region"),
    (("autonomous", "prefecture"), "aprefecture"), (("autonomous", "county"), "county"),
    (("autonomous", "banner"), "banner"), (("new", "area"), "newarea"), (("new", "district"), "newarea"),
    (("province",), "province"), (("provincial",), "province"), (("sar",), "sar"),
    (("municipality",), "municipal"), (("municipal",), "municipal"), (("city",), "municipal"),
    (("prefecture",), "prefecture"), (("prefectural",), "prefecture"), (("league",), "league"),
    (("district",), "district"), (("county",), "county"), (("banner",), "banner"),
)
_RANK = {PROVINCE: 0, CITY: 1, DISTRICT: 2}
_WORD = re.compile(r"[A-Za-zÜü]+(?:['’][A-Za-zÜü]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@dataclass(frozen=True)
class EnglishMention:
    """A place named in English at text[start:end]."""
    start: int
    end: int
    text: str
    places: tuple[Place, ...]          # one when resolved; every candidate when it is not
    others: tuple[Place, ...] = ()     # other places of the name, not chosen
    how: str = ""                      # only | around | store | level | ambiguous


@dataclass(frozen=True)
class _Token:
    start: int
    end: int                           # without a possessive 's
    key: str                           # lowercase, no apostrophe, ü → u
    raw: str
    possessive: bool


@dataclass(frozen=True)
class _Index:
    names: dict[str, tuple[Place, ...]]    # key → the places so named without a level
    stems: dict[str, tuple[Place, ...]]    # key → the places so named only with their level (和县: He County)
    longest: int                           # most words in a name


# ---- names ------------------------------------------------------------------------------
def pinyin_name(hanzi: str) -> str:
    """"烟台" → "Yantai", "西安" → "Xi'an", "吕梁" → "Lüliang", "长治" → "Changzhi"."""
    if hanzi in READINGS:
        return READINGS[hanzi]
    from pypinyin import Style, lazy_pinyin
    syl = lazy_pinyin(hanzi, style=Style.NORMAL, v_to_u=True)
    if len(syl) == len(hanzi):
        syl = [CHAR_READINGS.get(ch, s) for ch, s in zip(hanzi, syl)]
    word = syl[0] + "".join("'" + s if s[:1] in "aoe" else s for s in syl[1:])
    return word[:1].upper() + word[1:]


def english_names(p: Place) -> tuple[str, ...]:
    """How an English question may name `p` without its level: provinces by their usual names,
    other places by the pinyin of their short name ("Hexian" for 和县, which has none) and any
    usual English name."""
    if p.level == PROVINCE:
        return PROVINCES.get(p.short) or (pinyin_name(p.short),)
    if p.name in COMMON_DISTRICTS:
        return ()
    return (pinyin_name(p.short), *USUAL.get(p.short, ()))


def level_word(p: Place, gaz: Gazetteer) -> str:
    """"District", "County", "City" … ("" for a municipality)."""
    ends = (("特别行政区", "SAR"), ("自治区", "Autonomous Region"), ("省", "Province"), ("新区", "New Area"),
            ("自治州", "Autonomous Prefecture"), ("地区", "Prefecture"), ("盟", "League"), ("区", "District"),
            ("县", "County"), ("旗", "Banner"), ("市", "City"))
    if p.level == PROVINCE and gaz.city_of(p) == p:
        return ""
    return next((w for end, w in ends if p.name.endswith(end)), "")


def describe(p: Place, gaz: Gazetteer, *, level: bool = True) -> str:
    """"Putuo District, Zhoushan, Zhejiang" ("Putuo, Zhoushan, Zhejiang" without the level)."""
    own = " ".join(x for x in ((english_names(p) or (pinyin_name(p.name),))[0], level and level_word(p, gaz)) if x)
    outer = [english_names(a)[0] for a in reversed(gaz.ancestors(p)) if english_names(a)]
    return ", ".join([own, *outer])


def _keys(name: str) -> set[str]:
    k = re.sub(r"['’\-]", "", name.lower())
    return {k.replace("ü", "u"), k.replace("ü", "v")}


def prepare(gaz: Gazetteer) -> None:
    """Build the English names of the gazetteer's places now (pypinyin over some 3,000 names, about a
    second), not in the first English question a server answers."""
    _index(gaz)


@lru_cache(maxsize=2)
def _index(gaz: Gazetteer) -> _Index:
    names: dict[str, list[Place]] = {}
    stems: dict[str, list[Place]] = {}
    for p in gaz.places():
        for name in english_names(p):
            for k in _keys(name):
                names.setdefault(k, []).append(p)
        if p.level != PROVINCE and p.short == p.name and p.name not in COMMON_DISTRICTS and p.name[-1] in "县区市旗":
            for k in _keys(pinyin_name(p.name[:-1])):
                stems.setdefault(k, []).append(p)
    longest = max(len(k.split()) for k in names)
    return _Index({k: tuple(v) for k, v in names.items()}, {k: tuple(v) for k, v in stems.items()}, longest)


# ---- reading a text ---------------------------------------------------------------------
def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _WORD.finditer(text):
        raw = m.group(0)
        poss = bool(_POSSESSIVE.search(raw)) and len(raw) > 2
        word = raw[:-2] if poss else raw
        key = re.sub(r"['’]", "", word.lower()).replace("ü", "u")
        out.append(_Token(m.start(), m.start() + len(word), key, word, poss))
    return out


def _joined(text: str, toks: list[_Token], i: int, n: int) -> bool:
    """Tokens i … i+n-1 are one phrase: only spaces between them, no possessive inside."""
    if i + n > len(toks):
        return False
    return all(not toks[k].possessive and not text[toks[k].end:toks[k + 1].start].strip()
               for k in range(i, i + n - 1))


def _name_at(text: str, toks: list[_Token], i: int, idx: _Index) -> tuple[int, tuple[Place, ...], bool] | None:
    """The longest name starting at token i: (end token, places, needs a level)."""
    for n in range(min(idx.longest, len(toks) - i), 0, -1):
        if not _joined(text, toks, i, n):
            continue
        key = " ".join(t.key for t in toks[i:i + n])
        if key in idx.names:
            return i + n, idx.names[key], False
        if n == 1 and key in idx.stems and toks[i].raw[:1].isupper():
            return i + 1, idx.stems[key], True
    return None


def _level_at(text: str, toks: list[_Token], j: int) -> tuple[str, int]:
    """The level written after a name ending before token j: (kind, end token), ("", j) if none.
    Up to four words may stand before "Autonomous …" (Tujia and Miao Autonomous Prefecture)."""
    if j == 0 or toks[j - 1].possessive:
        return "", j
    for skip in range(5):
        for words, kind in LEVELS:
            if skip and words[0] != "autonomous":
                continue
            n = skip + len(words)
            if _joined(text, toks, j - 1, n + 1) and tuple(t.key for t in toks[j + skip:j + n]) == words:
                return kind, j + n
    return "", j


def fits(p: Place, kind: str, gaz: Gazetteer) -> bool:
    """Whether a level written after a name ("District", "City" …) fits the place."""
    n = p.name
    return {"province": p.level == PROVINCE, "region": n.endswith("自治区"), "sar": n.endswith("特别行政区"),
            "municipal": p.level == CITY or (p.level == PROVINCE and gaz.city_of(p) == p)
            or (p.level == DISTRICT and n.endswith("市")),
            "prefecture": p.level == CITY, "aprefecture": n.endswith("自治州"), "league": n.endswith("盟"),
            "district": p.level == DISTRICT and n.endswith("区"), "newarea": n.endswith("新区"),
            "county": p.level == DISTRICT and n.endswith("县"), "banner": n.endswith("旗")}.get(kind, False)


@dataclass(frozen=True)
class _Raw:
    start: int
    end: int
    places: tuple[Place, ...]


def _raw_mentions(text: str, gaz: Gazetteer) -> list[_Raw]:
    """Every name with its candidates, narrowed by the level written after it."""
    idx, toks = _index(gaz), _tokens(text)
    out: list[_Raw] = []
    i = 0
    while i < len(toks):
        hit = _name_at(text, toks, i, idx)
        if hit is None:
            i += 1
            continue
        j, cands, needs_level = hit
        kind, k = _level_at(text, toks, j)
        fit = tuple(c for c in cands if kind and fits(c, kind, gaz))
        if fit:
            out.append(_Raw(toks[i].start, toks[k - 1].end, fit))
            i = k
            continue
        common = " ".join(t.key for t in toks[i:j]) in COMMON_WORDS and not re.search(r"['’]", toks[i].raw)
        if not needs_level and not common:
            out.append(_Raw(toks[i].start, toks[j - 1].end, cands))
        i = j
    return out


def _outermost(places: tuple[Place, ...], gaz: Gazetteer) -> tuple[Place, ...]:
    """Changsha: 长沙市, not also 长沙县 inside it."""
    return tuple(p for p in places if not any(o != p and gaz.contains(o, p) for o in places))


def _choose(cands: tuple[Place, ...], around: set[str], prefer: set[str], held: set[str],
            gaz: Gazetteer) -> tuple[tuple[Place, ...], str]:
    """The place a name means: (one place, how), or (the candidates still open, "ambiguous").
    A place named around it first ("Suzhou, Anhui"), then the store: the places it holds reports
    of, or of places inside them; then the higher level (Chaoyang: 朝阳市 before the 朝阳区s);
    then a place inside one the store holds."""
    cands = _outermost(cands, gaz)
    if len(cands) == 1:
        return cands, "only"
    near = tuple(c for c in cands if c.code in around or any(a.code in around for a in gaz.ancestors(c)))
    if len(near) == 1:
        return near, "around"
    pool = near or cands

    def inside_held(c: Place) -> bool:
        return any(a.code in held for a in gaz.ancestors(c))
    strong = tuple(c for c in pool if c.code in held or c.code in prefer)
    if strong:
        return (strong, "store") if len(strong) == 1 else (strong, "ambiguous")
    top = min(_RANK[c.level] for c in pool)
    tops = tuple(c for c in pool if _RANK[c.level] == top)
    if len(tops) == 1 and top < _RANK[DISTRICT]:
        return tops, "level"
    weak = tuple(c for c in tops if inside_held(c))
    if len(weak) == 1:
        return weak, "store"
    return tops, "ambiguous"


_QUALIFY_AFTER = re.compile(r"\s*(?:[,，(（]|\bin\b)?\s*")      # Suzhou, Anhui / Suzhou (Anhui) / Suzhou in Anhui
_QUALIFY_BEFORE = re.compile(r"(?:['’]s)?\s*[,，]?\s*")         # Anhui's Suzhou / Anhui Suzhou


def _qualifies(q: EnglishMention, m: EnglishMention, text: str, gaz: Gazetteer) -> bool:
    """`q` names a place around `m`'s, written right beside it as its qualifier."""
    if len(q.places) != 1 or len(m.places) != 1 or q.places[0] == m.places[0]:
        return False
    if not gaz.contains(q.places[0], m.places[0]):
        return False
    if m.end <= q.start:
        return bool(_QUALIFY_AFTER.fullmatch(text[m.end:q.start]))
    return q.end <= m.start and bool(_QUALIFY_BEFORE.fullmatch(text[q.end:m.start]))


def _absorb(ms: list[EnglishMention], text: str, gaz: Gazetteer) -> list[EnglishMention]:
    """"Suzhou, Anhui" is one mention of 宿州: the province qualifies the city, it is not a
    second place asked about."""
    out = list(ms)
    for q in ms:
        m = next((m for m in out if m is not q and q in out and _qualifies(q, m, text, gaz)), None)
        if m is None:
            continue
        start, end = min(m.start, q.start), max(m.end, q.end)
        if text[end:end + 1] in ("）", ")") and re.search(r"[(（]", text[start:end]):
            end += 1
        out[out.index(m)] = EnglishMention(start, end, text[start:end], m.places, m.others, m.how)
        out.remove(q)
    return out


def find_english(text: str, gaz: Gazetteer, *, prefer=(), held=(), around=()) -> list[EnglishMention]:
    """Places named in English in `text`, in order. `held`: the places a store holds reports of;
    `prefer`: those and their ancestors; `around`: places named otherwise (in Chinese)."""
    raws = _raw_mentions(text, gaz)
    sure = {r.places[0].code for r in raws if len(_outermost(r.places, gaz)) == 1}
    ctx, prefer, held = set(around) | sure, set(prefer), set(held)
    out = []
    for r in raws:
        chosen, how = _choose(r.places, ctx, prefer, held, gaz)
        others = tuple(c for c in r.places if c not in chosen)
        out.append(EnglishMention(r.start, r.end, text[r.start:r.end], chosen, others, how))
    return _absorb(out, text, gaz)
