"""Organisation names: split a full name, list the ways users write it, find them in a question.

split_org("中共深圳市委宣传部", ["深圳市", "深圳"])
    → OrgName(full="中共深圳市委宣传部", place_prefix="深圳市", core="宣传部", parent_core="", kind="部")
aliases(split_org("深圳市医疗保障局")) ⊇ {"医疗保障局", "医保局", "市医保局"}
match_orgs("深圳医保局2026年“三公”经费", known) → [OrgMatch(org="深圳市医疗保障局", ...)]

Aliases are built structurally (委员会→委, 办公室→办, 监督管理→监管, trailing 管理/事务
dropped, 和 dropped, initials of the conjuncts of "A和B" and of the 2-character words of a
4/6/8-character body, 市/区 + 委/人民政府/政府 prefixes) plus a small reviewed table
(ABBREVIATIONS) of standard short forms that no rule produces (住建局, 国资委, 城管局, 交警 …).

match_orgs expects SIMPLIFIED text: the caller converts 繁體 first with to_simplified()
(OpenCC t2s, character-for-character for these names, so spans stay valid).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

__all__ = [
    "OrgName", "OrgMatch", "OrgIndex", "ABBREVIATIONS", "ENGLISH", "SAME_FUNCTION", "function_key",
    "split_org", "aliases", "org_terms", "match_orgs", "build_index", "to_simplified",
    "place_variants",
]


@dataclass(frozen=True)
class OrgName:
    """A full organisation name split into place, body and parent body."""
    full: str
    place_prefix: str
    core: str
    parent_core: str
    kind: str


@dataclass(frozen=True)
class OrgMatch:
    """One organisation of `known` named at text[start:end]."""
    org: str
    start: int
    end: int
    alias: str
    how: str  # "full" | "core" | "alias" | "english" | "parent"


# ---------------------------------------------------------------- vocabulary

# last suffix of a body → kind (longest first)
KINDS: tuple[str, ...] = (
    "人民政府", "办事处", "委员会", "办公室", "办公厅", "中心", "政府",
    "局", "委", "部", "署", "厅", "院", "处", "站", "所", "队", "馆", "会", "室", "社",
    "校", "园", "台", "办", "组",
)
# suffixes after which a body can be the parent of a sub-body (公安局|交通警察局)
_PARENT_SUFFIXES = ("委员会", "办公室", "局", "厅", "署", "部")
_NOT_PARENT_END = ("干部", "内部", "外部", "全部", "总部", "本部", "东部", "西部", "南部", "北部", "中部")

# words that are never an alias on their own
GENERIC: frozenset[str] = frozenset({
    *KINDS, "部门", "单位", "机关", "政府", "人民政府", "管理局", "管理处", "管理委员会",
    "监管局", "分局", "总局", "支队", "大队", "中队", "事务局", "服务中心", "街道", "街道办",
    "街道办事处", "工作部", "研究室", "工作委员会", "委员会办公室", "直属分局", "机关服务中心",
    "办公室", "办公厅", "市局", "区局", "本级", "机关本级", "监督管理局", "事务中心",
    "市委", "区委", "县委", "省委", "党委", "党组", "政府办", "人民政府办", "政府办公",
})

# Reviewed short forms no rule produces, each in real use. Keyed by the core without 和.
# An entry also replaces the initials rule for that core (住房和城乡建设局 ↛ 住城局).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "住房城乡建设局": ("住建局",),
    "国有资产监督管理委员会": ("国资委",),
    "城市管理综合执法局": ("城管局", "城管执法局", "城市管理局"),
    "市场监督管理局": ("市监局",),
    "科技创新局": ("科技局", "科创局"),
    "规划自然资源局": ("规划资源局", "规自局"),
    "政务服务数据管理局": ("政数局", "政务服务数据局", "政务服务和数据管理局", "政务服务和数据局"),
    "文化广电旅游体育局": ("文旅局", "文广旅体局"),
    "交通运输局": ("交通局",),
    "建筑工务署": ("工务署",),
    "公安局交通警察局": ("交警", "交警局", "交管局", "交通警察局", "公安局交通管理局", "公安交警"),
    "纪律检查委员会": ("纪委",),
    "机构编制委员会办公室": ("编办",),
    # the offices that publish the budgets of a people's congress, a CPPCC and the courts
    "人大常委会办公厅": ("人大办公厅", "人大常委办公厅", "人大办"),
    "政协办公厅": ("政协", "政协办"),
    "人民检察院": ("检察院",),
    "高级人民法院": ("高院", "高级法院", "省法院"),
    "中级人民法院": ("中院", "中级法院", "市法院"),
}
# bodies of the same function that places name differently (compared without 和): "深圳市科技创新局呢？" →
# "广州的呢？" is 广州市科学技术局
SAME_FUNCTION: tuple[tuple[str, ...], ...] = (
    ("科技创新局", "科学技术局", "科技局"),
    ("发展改革委员会", "发展改革局"),
    ("卫生健康委员会", "卫生健康局"),
    ("规划自然资源局", "自然资源局", "规划资源局"),
    ("住房城乡建设局", "住房建设局"),
    ("城市管理综合执法局", "城市管理局"),
    ("人民政府办公厅", "人民政府办公室"),
    ("文化广电旅游体育局", "文化广电旅游局", "文化旅游局"),
    ("公安局交通警察局", "公安局交通管理局"),
)
_FUNCTION_OF = {name: group[0] for group in SAME_FUNCTION for name in group}


def function_key(core: str) -> str:
    """One key for bodies of the same function in any place, whatever the optional 和 of the name
    (政务服务数据管理局 = 政务服务和数据管理局) or its local name (科技创新局 = 科学技术局)."""
    key = core.replace("和", "")
    return _FUNCTION_OF.get(key, key)


# two spellings of one body: each gets the other's aliases
_EQUIVALENT: dict[str, str] = {"公安局交通管理局": "公安局交通警察局"}
# bodies whose word initials are not in use (生环局, 自资局 …)
_NO_INITIALS = frozenset({"生态环境", "自然资源", "社会福利", "机关事务", "退役军人", "港澳事务", "城乡建设"})

# English name → core. Matched case-insensitively on word boundaries; "X Bureau" also
# matches "Bureau of X", "&" matches "and", hyphens match spaces.
ENGLISH: dict[str, str] = {
    "Audit Bureau": "审计局", "Audit Office": "审计局",
    "Health Commission": "卫生健康委员会", "Health and Wellness Commission": "卫生健康委员会",
    "Water Affairs Bureau": "水务局", "Water Resources Bureau": "水务局", "Water Authority": "水务局",
    "Development and Reform Commission": "发展和改革委员会",
    "Development and Reform Bureau": "发展和改革局",
    "Finance Bureau": "财政局", "Financial Bureau": "财政局",
    "Civil Affairs Bureau": "民政局",
    "Housing and Construction Bureau": "住房和建设局",
    "Housing and Urban Rural Development Bureau": "住房和城乡建设局",
    "Public Security Bureau": "公安局",
    "Traffic Police": "公安局交通警察局", "Traffic Police Bureau": "公安局交通警察局",
    "Traffic Management Bureau": "公安局交通警察局",
    "Market Supervision Administration": "市场监督管理局",
    "Market Supervision and Administration Bureau": "市场监督管理局",
    "Market Regulation Administration": "市场监督管理局",
    "Medical Security Bureau": "医疗保障局", "Healthcare Security Bureau": "医疗保障局",
    "Healthcare Security Administration": "医疗保障局", "Medical Insurance Bureau": "医疗保障局",
    "Emergency Management Bureau": "应急管理局",
    "Statistics Bureau": "统计局", "Statistical Bureau": "统计局",
    "Ecology and Environment Bureau": "生态环境局", "Ecological Environment Bureau": "生态环境局",
    "Veterans Affairs Bureau": "退役军人事务局",
    "Petition Bureau": "信访局", "Letters and Calls Bureau": "信访局",
    "Letters and Visits Bureau": "信访局",
    "Port Office": "口岸办公室",
    "Publicity Department": "宣传部", "Propaganda Department": "宣传部",
    "State owned Assets Supervision and Administration Commission": "国有资产监督管理委员会",
    "SASAC": "国有资产监督管理委员会",
    "Urban Management": "城市管理和综合执法局",
    "Urban Management and Law Enforcement Bureau": "城市管理和综合执法局",
    "Industry and Information Technology Bureau": "工业和信息化局",
    "Science and Technology Innovation Bureau": "科技创新局",
    "Science Technology and Innovation Bureau": "科技创新局",
    "Science and Technology Bureau": "科学技术局",
    "Human Resources and Social Security Bureau": "人力资源和社会保障局",
    "Transport Bureau": "交通运输局", "Transportation Bureau": "交通运输局",
    "Justice Bureau": "司法局",
    "Meteorological Bureau": "气象局",
    "Commerce Bureau": "商务局", "Commerce Commission": "商务委员会",
    "Planning and Natural Resources Bureau": "规划和自然资源局",
    "Planning and Natural Resources": "规划和自然资源局",
    "Government Services and Data Administration": "政务服务和数据管理局",
    "Government Services and Data Management Bureau": "政务服务和数据管理局",
    "General Office of the People's Government": "人民政府办公厅",
    "General Office of the Municipal People's Government": "人民政府办公厅",
    "Culture Radio TV Tourism and Sports Bureau": "文化广电旅游体育局",
    "Culture Radio Television Tourism and Sports Bureau": "文化广电旅游体育局",
    "Culture Radio TV Tourism and Sports": "文化广电旅游体育局",
    "Works Department": "建筑工务署", "Public Works Department": "建筑工务署",
    "Education Bureau": "教育局",
    "Social Work Department": "社会工作部",
}

_HOW_RANK = {"full": 0, "core": 1, "alias": 2, "english": 3, "parent": 4}
_LEVELS = ("市", "区", "县", "省", "旗", "州")
_PLACE_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟|区|县|旗)"
_PLACE_SEG_RE = re.compile(r"^([\u4e00-\u9fff]{2,6}?)" + _PLACE_SUFFIX)
_PLACE_SPLIT_RE = re.compile(r".+?" + _PLACE_SUFFIX)
_TRAILING_RE = re.compile(r"[（(]?(?:机关)?本级[）)]?$")
_CONJ_RE = re.compile(r"[和与及]")


# ---------------------------------------------------------------- helpers

@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """繁體 → 简体 (OpenCC t2s); call this before match_orgs on user text."""
    return _t2s().convert(text) if text else text


def _clean(name: str) -> str:
    s = "".join((name or "").split()).replace("(", "（").replace(")", "）")
    return _TRAILING_RE.sub("", s) or s


def _kind(body: str) -> str:
    if body.endswith("人民政府"):
        return "政府"
    for k in KINDS:
        if body.endswith(k):
            return k
    return ""


def _ok_rest(rest: str) -> bool:
    return bool(rest) and rest not in GENERIC


def _strip_place(s: str, place_names: Sequence[str]) -> tuple[str, str]:
    """Leading place names (given ones, else 省/市/区/县 segments) → (place, rest)."""
    place = ""
    names = sorted({n for n in place_names if n}, key=len, reverse=True)
    changed = True
    while changed and names:
        changed = False
        for n in names:
            if s.startswith(n) and len(s) > len(n):
                cut = len(n)
                if (not n.endswith(_LEVELS) and s[cut] in "省市区县" and len(s) > cut + 1
                        and not s.startswith("市场", cut)):
                    cut += 1
                if _ok_rest(s[cut:]) or s[cut:].startswith(("委", "人民政府")):
                    place, s, changed = place + s[:cut], s[cut:], True
                    break
    if place:
        return place, s
    while True:
        m = _PLACE_SEG_RE.match(s)
        if not m or not _ok_rest(s[m.end():]) and not s[m.end():].startswith(("委", "人民政府")):
            return place, s
        place, s = place + m.group(0), s[m.end():]


def _split_parent(core: str) -> tuple[str, str]:
    """公安局交通警察局 → ("公安局", "交通警察局"); ("", "") when not a sub-body."""
    best = ("", "")
    for i in range(3, len(core) - 2):
        head, rest = core[:i], core[i:]
        if not head.endswith(_PARENT_SUFFIXES) or head.endswith(_NOT_PARENT_END):
            continue
        if head.endswith("委") and not head.endswith("委员会"):
            continue
        if len(rest) >= 3 and _kind(rest) and not rest.startswith(("员会", "办公", "事处")):
            best = (head, rest)   # longest head = immediate parent
    return best


def place_variants(place_prefix: str) -> tuple[str, ...]:
    """上海市普陀区 → 上海市普陀区, 上海普陀区, 上海市普陀, 上海普陀, 普陀区, 普陀."""
    if not place_prefix:
        return ()
    segs = _PLACE_SPLIT_RE.findall(place_prefix)
    tail = place_prefix[len("".join(segs)):]
    if tail:
        segs = segs[:-1] + [(segs[-1] if segs else "") + tail]

    def forms(seg: str) -> list[str]:
        out = [seg]
        for suf in ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "盟", "区", "县", "旗"):
            if seg.endswith(suf) and len(seg) - len(suf) >= 2:
                out.append(seg[: -len(suf)])
                break
        return out

    combos = [""]
    for seg in segs:
        combos = [c + f for c in combos for f in forms(seg)]
    out = list(dict.fromkeys([place_prefix, *combos]))
    if len(segs) > 1:
        out += [f for f in forms(segs[-1]) if f not in out]
    return tuple(out)


def _level(place_prefix: str) -> str:
    if place_prefix.endswith("自治区"):
        return "区"
    return place_prefix[-1] if place_prefix.endswith(_LEVELS) else ""


# ---------------------------------------------------------------- split

@lru_cache(maxsize=65536)
def _split_cached(full: str, place_names: tuple[str, ...]) -> OrgName:
    s = _clean(full)
    party = False
    for p in ("中国共产党", "中共"):
        if s.startswith(p) and len(s) > len(p):
            s, party = s[len(p):], True
            break
    place, s = _strip_place(s, place_names)
    if s.startswith("委员会") and party and len(s) > 3:
        s = s[3:]
    elif s.startswith("委") and not s.startswith("委员会") and _ok_rest(s[1:]) and (party or place):
        s = s[1:]
    if s.startswith("人民政府") and _ok_rest(s[4:]):
        s = s[4:]
    elif s.startswith("政府") and place:
        # 深圳市政府口岸办公室 → 口岸办公室; 深圳市政府办公厅 → 人民政府办公厅 (the official form)
        s = s[2:] if _ok_rest(s[2:]) and s[2:3] != "办" else "人民" + s
    parent, _rest = _split_parent(s)
    parent = _EQUIVALENT.get(parent, parent)
    return OrgName(full=full, place_prefix=place, core=s, parent_core=parent, kind=_kind(s))


def split_org(full: str, place_names: Sequence[str] = ()) -> OrgName:
    """Split a full name into place prefix, core body, parent body and kind.

    place_names (full and short, e.g. ["深圳市", "深圳"]) are stripped first; without them
    leading 省/市/区/县 segments are. 中共…委 and 人民政府 before the body are stripped
    too, except when only a generic word would remain (人民政府办公厅 stays whole)."""
    return _split_cached(full, tuple(place_names))


# ---------------------------------------------------------------- aliases

def _short_suffix(a: str) -> list[str]:
    if a.endswith("委员会") and len(a) > 4:
        return [a[:-2]]                      # 卫生健康委员会 → 卫生健康委
    if a.endswith("办公室") and len(a) > 4:
        return [a[:-2]]                      # 口岸办公室 → 口岸办
    if a.endswith("街道办事处") and len(a) > 6:
        return [a[:-3], a[:-2]]              # 万里街道办事处 → 万里街道, 万里街道办
    return []


def _suffix_of(core: str) -> tuple[str, str]:
    for suf in ("委员会", "办公室", "办事处", "局", "署", "部", "院", "厅", "委", "办", "处", "中心"):
        if core.endswith(suf) and len(core) > len(suf):
            return core[: -len(suf)], suf
    return core, ""


def _short_suf(suf: str) -> str:
    return {"委员会": "委", "办公室": "办"}.get(suf, suf)


def _body_forms(core: str) -> set[str]:
    """Place-less forms of one (non-sub) body, by rule and table."""
    out = {core}
    nohe = core.replace("和", "").replace("与", "") if _CONJ_RE.search(core) else core
    table = ABBREVIATIONS.get(nohe, ())
    out.update(table)
    body, suf = _suffix_of(core)
    if suf:
        if nohe != core:
            out.add(nohe)                                       # 发展改革委员会
        for b in {body, _suffix_of(nohe)[0]}:
            if "监督管理" in b:
                out.add(b.replace("监督管理", "监管") + suf)     # 市场监管局
            if suf in ("局", "委员会") and len(b) >= 4 and b.endswith("管理") and "监督管理" not in b:
                out.add(b[:-2] + suf)                           # 应急局, 政务服务和数据局
            if suf == "局" and len(b) >= 4 and b.endswith("事务"):
                out.add(b[:-2] + suf)                           # 退役军人局
        if not table:
            short = _short_suf(suf)
            conj = _CONJ_RE.split(body)
            if len(conj) >= 2 and all(len(c) >= 2 for c in conj):
                out.add("".join(c[0] for c in conj) + short)     # 人社局, 发改委, 工信局
            elif (len(conj) == 1 and len(body) in (4, 6, 8) and suf in ("局", "委员会", "办公室", "部")
                  and body not in _NO_INITIALS and not body.endswith(("管理", "事务", "街道"))
                  and "监督" not in body and "政府" not in body):
                ini = body[0::2]
                if len(set(ini)) == len(ini):
                    out.add(ini + short)                        # 卫健委, 医保局, 文广旅体局
    for a in list(out):
        out.update(_short_suffix(a))
    return out


def _sub_forms(core: str) -> set[str]:
    """Forms of a sub-body: whole core, parent forms + rest forms, rest alone if specific."""
    out = {core}
    out.update(ABBREVIATIONS.get(core.replace("和", ""), ()))
    if core in _EQUIVALENT:
        out |= _sub_forms(_EQUIVALENT[core])
    head, rest = _split_parent(core)
    if not head:
        return out
    rests = {rest, *_short_suffix(rest)}
    for p in _body_forms(head):
        out.update(p + r for r in rests)
    out.update(r for r in rests if r not in GENERIC)
    return out


def _is_whole_government(org: OrgName) -> bool:
    return org.core in ("人民政府", "政府")


@lru_cache(maxsize=65536)
def _aliases_cached(org: OrgName) -> frozenset[str]:
    core, lv = org.core, _level(org.place_prefix)
    if not core:
        return frozenset()
    if _is_whole_government(org):
        return frozenset({lv + "人民政府", lv + "政府"} if lv else set())
    forms = _sub_forms(core) if org.parent_core else _body_forms(core)
    full = _clean(org.full)
    party = full.startswith(("中共", "中国共产党")) or bool(
        org.place_prefix and full[len(org.place_prefix):].startswith("委") and not core.startswith("委"))
    gov = "人民政府" + core in full or full.endswith("政府" + core)
    out: set[str] = set(forms)
    for f in forms:
        if lv:
            out.add(lv + f)                                     # 市财政局, 区发改委
        if party and lv and not f.startswith("委"):
            out.add(lv + "委" + f)                              # 市委宣传部
        if gov:
            out.update({"人民政府" + f, "政府" + f})
            if lv:
                out.update({lv + "人民政府" + f, lv + "政府" + f})
        if f.startswith("人民政府") and len(f) > 4:               # 人民政府办公厅 → 政府办公厅
            out.add(f[2:])
            if lv:
                out.update({lv + f, lv + f[2:]})
    return frozenset(a for a in out if len(a) >= 2 and a not in GENERIC and not a.isascii())


def aliases(org: OrgName) -> frozenset[str]:
    """Every way to write the body without its place (core, short forms, 市/区/委/政府 forms).

    A whole government (湖南省人民政府) only has its level forms (省人民政府, 省政府);
    match_orgs finds it only with a place in front (湖南省政府), never from 政府 alone."""
    return _aliases_cached(org)


def org_terms(org: OrgName) -> frozenset[str]:
    """Aliases plus the full name: the words to strip from a question's topic."""
    return aliases(org) | {org.full, _clean(org.full)}


# ---------------------------------------------------------------- index and matching

@dataclass(frozen=True, eq=False)
class OrgIndex:
    """Alias → orgs lookup built once per `known` (see build_index)."""
    orgs: tuple[OrgName, ...]
    keys: dict[str, tuple[tuple[int, str], ...]] = field(repr=False)
    lengths: tuple[int, ...]
    english: re.Pattern | None = field(repr=False)
    english_keys: dict[str, tuple[tuple[int, str], ...]] = field(repr=False)
    bare: frozenset[str] = field(default=frozenset(), repr=False)  # keys without a place


def _body_keys(org: OrgName) -> list[tuple[str, str]]:
    """(place-less key, how) for an org's body."""
    out = []
    for a in aliases(org):
        out.append((a, "core" if a == org.core else "alias"))
    return out


def _english_pattern() -> re.Pattern:
    phrases: set[str] = set()
    for en in ENGLISH:
        phrases.add(en)
        m = re.fullmatch(r"(.+) (Bureau|Commission|Administration|Office|Department)", en)
        if m and " of " not in en:
            phrases.add(f"{m.group(2)} of {m.group(1)}")
    def rx(p: str) -> str:
        words = re.split(r"[\s\-]+", p.replace("'", "’"))
        parts = []
        for w in words:
            if w.lower() == "and":
                parts.append(r"(?:and|&)")
            else:
                parts.append(re.escape(w).replace("’", "['’]?"))
        return r"[\s\-,]+".join(parts)
    alts = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(?:the\s+)?(" + "|".join(rx(p) for p in alts) + r")s?(?![A-Za-z])",
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def _english_lookup() -> tuple[re.Pattern, dict[str, str]]:
    norm = {}
    for en, core in ENGLISH.items():
        norm[_norm_en(en)] = core
        m = re.fullmatch(r"(.+) (Bureau|Commission|Administration|Office|Department)", en)
        if m:
            norm[_norm_en(f"{m.group(2)} of {m.group(1)}")] = core
    return _english_pattern(), norm


def _norm_en(s: str) -> str:
    s = s.lower().replace("&", " and ").replace("’", "'").replace("'", "")
    return " ".join(w for w in re.split(r"[\s\-,]+", s) if w and w != "the")


@lru_cache(maxsize=8)
def _build(known: tuple[OrgName, ...]) -> OrgIndex:
    table: dict[str, dict[int, str]] = {}
    bare: set[str] = set()

    def put(key: str, i: int, how: str) -> None:
        if len(key) < 2 or key in GENERIC:
            return
        slot = table.setdefault(key, {})
        if i not in slot or _HOW_RANK[how] < _HOW_RANK[slot[i]]:
            slot[i] = how

    present = {(o.place_prefix, a) for o in known if not o.parent_core for a in aliases(o)}
    for i, o in enumerate(known):
        places = place_variants(o.place_prefix)
        put(o.full, i, "full")
        put(_clean(o.full), i, "full")
        body = _body_keys(o)
        whole_gov = _is_whole_government(o)
        for key, how in body:
            if not whole_gov:
                put(key, i, how)
                bare.add(key)
            for p in places:
                put(p + key, i, how)
        if whole_gov:
            for p in places:
                put(p + o.core, i, "core")
                if o.core == "人民政府":
                    put(p + "政府", i, "alias")
        if o.parent_core and (o.place_prefix, o.parent_core) not in present:
            parent = OrgName(o.place_prefix + o.parent_core, o.place_prefix, o.parent_core, "",
                             _kind(o.parent_core))
            for a in aliases(parent):
                put(a, i, "parent")
                bare.add(a)
                for p in places:
                    put(p + a, i, "parent")
    keys = {k: tuple(sorted(v.items())) for k, v in table.items()}
    # English: English phrase → the orgs keyed by the mapped core or its place-less forms
    pattern, norm = _english_lookup()
    eng: dict[str, tuple[tuple[int, str], ...]] = {}
    for en_norm, core in norm.items():
        hit: dict[int, str] = {}
        for form in aliases(split_org(core)) | {core}:
            for i, _how in keys.get(form, ()):
                hit[i] = "english"
        if hit:
            eng[en_norm] = tuple(sorted(hit.items()))
    lengths = tuple(sorted({len(k) for k in keys}, reverse=True))
    return OrgIndex(orgs=known, keys=keys, lengths=lengths, english=pattern, english_keys=eng,
                    bare=frozenset(bare))


def build_index(known: Iterable[OrgName]) -> OrgIndex:
    """The alias index of `known` (cached for the last few distinct `known` tuples)."""
    return _build(tuple(known))


def _blocked(text: str, end: int, key: str, bare: frozenset[str]) -> bool:
    # a place-less "宣传部门" is the generic "publicity departments", not 宣传部
    # (深圳市委宣传部门预算 still names it)
    return key.endswith("部") and text[end:end + 1] == "门" and key in bare


def match_orgs(text: str, known: Sequence[OrgName] | OrgIndex) -> list[OrgMatch]:
    """Organisations of `known` named in `text` (simplified Chinese or English), in text order.

    Longest alias first, no overlapping spans; every org sharing the matched alias is
    returned for that span (the caller filters by place). A place written right before the
    body (深圳医保局, 上海普陀区财政局) is part of the key, so only that place's orgs match;
    a whole government (湖南省人民政府) matches only with its place (湖南省政府). A sub-body is returned for its
    parent's name (how="parent") only when that parent is not itself known for its place.
    Substring matching: 交警 matches inside 交警支队, 财政局 inside 财政局部门预算."""
    idx = known if isinstance(known, OrgIndex) else _build(tuple(known))
    if not text or not idx.orgs:
        return []
    n = len(text)
    cands: list[tuple[int, int, str, tuple[tuple[int, str], ...]]] = []
    keys = idx.keys
    for i in range(n):
        for L in idx.lengths:
            if i + L > n:
                continue
            k = text[i:i + L]
            hit = keys.get(k)
            if hit and not _blocked(text, i + L, k, idx.bare):
                cands.append((i, i + L, k, hit))
    if idx.english is not None and re.search(r"[A-Za-z]{3}", text):
        for m in idx.english.finditer(text):
            hit = idx.english_keys.get(_norm_en(m.group(1)))
            if hit:
                cands.append((m.start(1), m.end(1), m.group(1), hit))
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    out: list[OrgMatch] = []
    for s, e, k, hit in cands:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        seen: set[str] = set()
        for i, how in sorted(hit, key=lambda h: (_HOW_RANK[h[1]], h[0])):
            full = idx.orgs[i].full
            if full not in seen:
                seen.add(full)
                out.append(OrgMatch(org=full, start=s, end=e, alias=k, how=how))
    out.sort(key=lambda m: (m.start, _HOW_RANK[m.how]))
    return out
