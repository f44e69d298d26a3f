"""Whose figure, where, when: a question resolved to the reports that may answer it.

The first stage after parsing a question. Places (any level of the administrative
hierarchy), organizations (full names, short forms, English), years and report types are
matched against what the store holds; the result is a `Scope` record naming the reports
every later stage answers from, and how each part was resolved. Nothing here ranks facts
or passages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable, Iterable, Sequence

from index.names.english import EnglishMention, describe, find_english
from index.names.orgs import (
    OrgIndex,
    OrgName,
    aliases,
    build_index,
    function_key,
    match_orgs,
    org_terms,
    split_org,
)
from index.names.places import Place, PlaceMention, load_gazetteer
from index.records import Report

from .question import DESCRIBE_WORDS, MEASURES

# a body named right after a place: "深圳市|税务局", "汕头市|公共资源交易中心"
ORG_AFTER_PLACE = re.compile(r"^(?:市委|区委|省委|县委|人民政府)?([\u4e00-\u9fff]{1,12}?(?:管理局|委员会|办公室|办公厅|"
                             r"局|委|办|厅|署|部|中心|院|所))")
NOT_ORG = re.compile(r"^(各|全|本|哪|所有|每|该|其|这|那|有关|相关|直属|下属|部门)|^(部|中心|院|所|局|委|办|厅|署)$|"
                     r"(通|代|帮|督|承|主|协|举|创|开|兴|领|专|快|好|易|网|掌|上|次|就|都|能|可|来|去|要|在)办$|"
                     r"(全|内|局|外|东|西|南|北|中|干|总|本|底|头|俱乐|细|各)部$|(研究|场|厕|派出|住)所$")
REPORT_TYPE_WORDS = (("政府工作报告", "政府工作报告"), ("部门决算", "部门决算"), ("单位决算", "部门决算"),
                     ("部门预算", "部门预算"), ("单位预算", "单位预算"), ("绩效自评", "绩效自评报告"),
                     ("自评报告", "绩效自评报告"), ("工作总结", "工作总结"), ("信息公开", "政府信息公开工作年度报告"),
                     ("绩效目标", "绩效目标"))
EVERY_PLACE = re.compile(r"各省|各市|各地|各区|各县|各城市|所有城市|全部城市|每个城市|每个省|哪个省|哪个市|哪个城市|"
                         r"哪些省|哪些市|哪些城市|哪些地区|全国各|\b(each|every|all) (cit(y|ies)|provinces?)\b|"
                         r"\bwhich (cit(y|ies)|provinces?)\b|across (cities|provinces)", re.I)
EVERY_ORG = re.compile(r"各部门|各单位|哪个部门|哪个单位|哪些部门|哪些单位|所有部门|每个部门|部门中|部门排名|"
                       r"\b(which|each|every|all) (department|bureau)s?\b", re.I)


@dataclass(frozen=True)
class Catalog:
    """What the store holds, indexed for resolution: built once per snapshot."""
    reports: tuple[Report, ...]
    doc_text: Callable[[str], str] | None = field(default=None, compare=False)   # doc_id → squashed text

    @cached_property
    def gazetteer(self):
        return load_gazetteer()

    @cached_property
    def by_id(self) -> dict[str, Report]:
        return {r.doc_id: r for r in self.reports}

    @cached_property
    def place_codes(self) -> frozenset[str]:
        return frozenset(r.place_code for r in self.reports if r.place_code)

    @cached_property
    def prefer(self) -> frozenset[str]:
        """Store places and their ancestors: what a short district name may resolve to."""
        out = set(self.place_codes)
        for code in self.place_codes:
            out |= {p.code for p in self.gazetteer.ancestors(self.gazetteer.get(code))}
        return frozenset(out)

    @cached_property
    def org_names(self) -> dict[str, OrgName]:
        """Each organization's name split once (place prefix, core, parent)."""
        return {full: split_org(full, words) for full, words in sorted(self.place_words.items())}

    @cached_property
    def orgs(self) -> tuple[OrgName, ...]:
        return tuple(self.org_names.values())

    @cached_property
    def org_index(self) -> OrgIndex:
        return build_index(self.orgs)

    @cached_property
    def body_of(self) -> dict[str, str]:
        """Organization name → the name its reports are grouped under: two names of one body
        in one place (广州市政务服务和数据局 / 广州市政务服务和数据管理局) share their short forms."""
        out: dict[str, str] = {}
        seen: dict[tuple[str, str], str] = {}
        for o in self.orgs:
            place = min(self.org_places.get(o.full, frozenset()) or {""})
            keys = [(place, a) for a in sorted(aliases(o)) if len(a) >= 3]
            rep = next((seen[k] for k in keys if k in seen), o.full)
            out[o.full] = rep
            for k in keys:
                seen.setdefault(k, rep)
        return out

    @cached_property
    def org_places(self) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for r in self.reports:
            if r.department and r.place_code:
                out.setdefault(r.department, set()).add(r.place_code)
        return {k: frozenset(v) for k, v in out.items()}

    @cached_property
    def place_words(self) -> dict[str, list[str]]:
        """Organization → the names of its places and their ancestors (what split_org strips)."""
        out: dict[str, list[str]] = {}
        for r in self.reports:
            if not r.department:
                continue
            words = out.setdefault(r.department, [])
            if r.place_code:
                p = self.gazetteer.get(r.place_code)
                for a in self.gazetteer.ancestors(p) + [p]:
                    words += [w for w in (a.name, a.short) if w and w not in words]
        return out

    def core_of(self, org: str) -> str:
        named = self.org_names.get(org)
        return (named.core if named else "") or org

    def place_of(self, r: Report) -> Place | None:
        return self.gazetteer.get(r.place_code) if r.place_code else None

    def within(self, r: Report, codes: Iterable[str]) -> bool:
        """The report's place is one of `codes` or inside one of them."""
        p = self.place_of(r)
        if p is None:
            return False
        for c in codes:
            if c == p.code or self.gazetteer.contains(self.gazetteer.get(c), p):
                return True
        return False

    def label(self, code: str) -> str:
        return self.gazetteer.label(self.gazetteer.get(code))

    def short(self, code: str) -> str:
        return self.gazetteer.get(code).short


@dataclass(frozen=True)
class Scope:
    """The reports a question may be answered from, and how they were chosen."""
    places: tuple[str, ...] = ()          # place codes named (or carried over)
    orgs: tuple[str, ...] = ()            # organizations' full names resolved
    org_words: tuple[str, ...] = ()       # the organization words as typed
    unknown_orgs: tuple[str, ...] = ()    # organization phrases no stored report matches
    years: tuple[int, ...] = ()
    report_types: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()         # the reports in scope
    every_place: str = ""                 # 各省 / 哪个市 …: the level compared ("province", "city", …)
    every_org: bool = False               # 各部门 / 哪个部门 …
    how: tuple[str, ...] = ()             # "医保局 → 深圳市医疗保障局（简称）"
    carried: tuple[str, ...] = ()         # what a follow-up took from the previous turn
    mentioned_only: bool = False          # the body named has no report; these reports mention it
    missing: str | None = None            # why nothing is in scope (Chinese)
    missing_en: str | None = None
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()   # a name several places share: (typed, codes)

    @property
    def year(self) -> int | None:
        return self.years[0] if len(self.years) == 1 else None

    def as_dict(self, catalog: Catalog | None = None) -> dict:
        return {"places": [{"code": c, "name": catalog.label(c) if catalog else c} for c in self.places],
                "orgs": list(self.orgs), "years": list(self.years), "report_types": list(self.report_types),
                "doc_ids": list(self.doc_ids), "every_place": self.every_place, "every_org": self.every_org,
                "how": list(self.how), "carried": list(self.carried), "unknown_orgs": list(self.unknown_orgs),
                "choices": [{"typed": t, "places": [{"code": c, "name": catalog.label(c) if catalog else c}
                                                    for c in codes]} for t, codes in self.choices]}


@dataclass(frozen=True)
class Mentions:
    """What a question text names, before it is checked against the store."""
    places: tuple[Place, ...] = ()
    orgs: tuple[tuple[str, str, str], ...] = ()    # (full name, alias typed, how)
    unknown_orgs: tuple[str, ...] = ()
    report_types: tuple[str, ...] = ()
    every_place: str = ""                          # "province" | "city" | "district" | "any"
    every_org: bool = False
    spans: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    english: tuple[EnglishMention, ...] = ()      # places named in English, resolved or not


# "the General Office of the Guangzhou Municipal Government": the place said first, as the body's
# English name (index.names.orgs.ENGLISH) reads it
GENERAL_OFFICE_OF = re.compile(r"General Office of the ([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?) (?:Municipal |Provincial |City )?"
                               r"(?:People's )?Government", re.I)


def find_mentions(text: str, catalog: Catalog) -> Mentions:
    """Places, organizations and report types a (simplified, half-width) question names."""
    text = GENERAL_OFFICE_OF.sub(r"\1 General Office of the People's Government", text)
    place_ms = catalog.gazetteer.find(text, prefer=catalog.prefer)
    english = english_mentions(text, catalog, place_ms)
    place_ms = sorted(place_ms + [PlaceMention(e.places[0], e.start, e.end, e.text) for e in english
                                  if len(e.places) == 1], key=lambda m: m.start)
    places = [m.place for m in place_ms]
    spans = [(m.start, m.end) for m in place_ms]
    all_ms = match_orgs(text, catalog.org_index)
    org_ms = [m for m in all_ms if placed_right(m, place_ms, text, catalog)]
    orgs = tuple(dict.fromkeys([(m.org, m.alias, m.how) for m in org_ms]
                               + coordinated_orgs(org_ms, place_ms, text, catalog)))
    spans += [(m.start, m.end) for m in org_ms]
    kept = {(m.start, m.end) for m in org_ms}
    # a body the store holds elsewhere, named for a place that lacks it ("广州交警")
    elsewhere = [text[m.start:m.end] for m in all_ms if (m.start, m.end) not in kept
                 and not any(a <= m.start < b for a, b in kept)]
    unknown = tuple(dict.fromkeys(unknown_org_phrases(text, place_ms, [(m.start, m.end) for m in all_ms])
                                  + elsewhere))
    types = tuple(dict.fromkeys(canon for word, canon in REPORT_TYPE_WORDS if word in text))
    return Mentions(places=tuple(dict.fromkeys(places)), orgs=orgs, unknown_orgs=unknown, report_types=types,
                    every_place=every_place_level(text), every_org=bool(EVERY_ORG.search(text)),
                    spans=tuple(spans), english=tuple(english))


LATIN = re.compile(r"[A-Za-z]{2}")


def english_mentions(text: str, catalog: Catalog, place_ms: Sequence[PlaceMention]) -> list[EnglishMention]:
    """Places named in English (index.names.english): a name several places share is read as the
    one named around it (a province: "Suzhou, Anhui", or in Chinese), else the one the store holds."""
    if not LATIN.search(text):
        return []
    return find_english(text, catalog.gazetteer, prefer=catalog.prefer, held=catalog.place_codes,
                        around={m.place.code for m in place_ms})


def typed_places(text: str, catalog: Catalog) -> list[str]:
    """The places a question names (short forms), in order — the gazetteer decides (a short
    district name only for the store's places), English names too (a name several places share
    as typed). A place written inside another ("汕尾陆丰市…", "上海市普陀区") belongs to the outer
    one and is not counted again."""
    gaz = catalog.gazetteer
    ms = gaz.find(text, prefer=catalog.prefer)
    english = english_mentions(text, catalog, ms)
    ms = ms + [PlaceMention(e.places[0], e.start, e.end, e.text) for e in english if len(e.places) == 1]
    outer = [(m.start, m.place.short) for m in ms
             if not any(o.place.code != m.place.code and gaz.contains(o.place, m.place) for o in ms)]
    open_names = [(e.start, e.text) for e in english if len(e.places) > 1]
    return list(dict.fromkeys(name for _, name in sorted(outer + open_names)))


JOINED = re.compile(r"\s*(和|与|、|及|跟|以及|,|，|\band\b|&)\s*", re.IGNORECASE)
# between places and their body: "深圳、广州两市信访局", "深圳和广州的信访局"
PLACES_GAP = re.compile(r"[的\s]*(?:(?:[两二三四五六七八九十几]个?)(?:市|地|区|县|省|城市)?|等地?)?[的\s]*")


def joined_before(p: PlaceMention, place_ms: Sequence[PlaceMention], text: str) -> list[PlaceMention]:
    """The places joined to `p` by 和/与/、/and right before it, nearest first."""
    group = [p]
    for q in reversed([q for q in place_ms if q.end <= p.start]):
        if not JOINED.fullmatch(text[q.end:group[-1].start]):
            break
        group.append(q)
    return group[1:]


def placed_right(m, place_ms, text: str, catalog: Catalog) -> bool:
    """"上海市财政局": a body written right after a place is that place's own body, not one of
    a district inside it (上海市普陀区财政局). Places joined by 和/与/、 ("深圳和广州的信访局",
    "深圳、广州两市信访局") all apply."""
    before = [p for p in place_ms if p.end <= m.start and PLACES_GAP.fullmatch(text[p.end:m.start])]
    if not before or m.start < before[-1].end:
        return True
    group = [before[-1], *joined_before(before[-1], place_ms, text)]
    held = catalog.org_places.get(m.org, frozenset())
    return any(p.place.code in held for p in group)


def coordinated_orgs(org_ms, place_ms: Sequence[PlaceMention], text: str, catalog: Catalog) -> list[tuple[str, str, str]]:
    """"深圳和广州信访局": the body written with the last place ("广州信访局") is every place's
    own — the same body of each place joined before it."""
    out: list[tuple[str, str, str]] = []
    for m in org_ms:
        p = next((p for p in place_ms if p.start == m.start and p.end < m.end), None)
        if p is None:
            continue
        body = text[p.end:m.end]
        named = {x.org for x in match_orgs(body, catalog.org_index) if (x.start, x.end) == (0, len(body))}
        for q in joined_before(p, place_ms, text):
            out += [(o, q.text + body, "core") for o in sorted(named)
                    if q.place.code in catalog.org_places.get(o, frozenset())]
    return out


def every_place_level(text: str) -> str:
    """"各省" → province, "各市/哪些城市" → city, "各区/各县" → district, other 各地 → any; "" if none."""
    m = EVERY_PLACE.search(text)
    if not m:
        return ""
    w = m.group(0).lower()
    if "省" in w or "province" in w:
        return "province"
    if "市" in w or "城市" in w or "cit" in w:
        return "city"
    if "区" in w or "县" in w:
        return "district"
    return "any"


MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})


def level_of(r: Report, catalog: Catalog) -> str:
    """The level of a report's place ("" when it has none)."""
    p = catalog.place_of(r)
    return p.level if p is not None else ""


def unknown_org_phrases(text: str, place_ms, spans: Sequence[tuple[int, int]]) -> list[str]:
    """Bodies named right after a place that no stored organization matched: "税务局" in
    "深圳市税务局2026年…" when the store holds no 税务局. Returned with their place."""
    out = []
    for p in place_ms:
        if any(a <= p.end < b for a, b in spans):
            continue
        m = ORG_AFTER_PLACE.match(text[p.end:])
        if m and not NOT_ORG.search(m.group(1)):
            out.append(text[p.start:p.end + m.end()])
    return out


def report_years(r: Report, year: int) -> bool:
    """A report may state figures of `year`: its own year, or the next year's report (a 2026
    budget states 2025 budgets, a 2026 government work report reviews 2025)."""
    return r.year == year or r.year == year + 1


def resolve(q_text: str, years: Sequence[int], catalog: Catalog, *, city: str | None = None) -> Scope:
    """The reports a question names. `city` is an explicit filter (API/CLI) of any level."""
    m = find_mentions(q_text, catalog)
    gaz = catalog.gazetteer
    places = list(m.places)
    how = [place_how(p, m, catalog) for p in places]
    if m.english and any(len(e.places) > 1 for e in m.english) and not city:
        return ask_which(m, tuple(years), catalog, how)
    if city:
        forced = gaz.lookup(city)
        forced = [p for p in forced if p.code in catalog.prefer] or forced[:1]
        places = forced
        how = [f"筛选：{city} → {gaz.label(p)}" for p in forced]
    places = innermost(places, q_text, catalog)
    codes = tuple(dict.fromkeys(p.code for p in places))
    return scope_from(codes, m, tuple(years), catalog, how)


def place_how(p: Place, m: Mentions, catalog: Catalog) -> str:
    """"烟台 → 山东省烟台市"; a name in English says how it was read when others share it
    ("Suzhou → 安徽省宿州市（库中的报告；同名：江苏省苏州市）")."""
    gaz = catalog.gazetteer
    e = next((e for e in m.english if e.places == (p,)), None)
    if e is None:
        return f"{p.name} → {gaz.label(p)}"
    why = {"store": "库中的报告", "around": "按所在省市", "level": "同名时取上级地区"}.get(e.how, "")
    others = "、".join(gaz.label(o) for o in e.others[:4]) + ("…" if len(e.others) > 4 else "")
    note = "；".join(x for x in (why if e.others else "", f"同名：{others}" if others else "") if x)
    return f"{e.text} → {gaz.label(p)}" + (f"（{note}）" if note else "")


def zh_label(p: Place, catalog: Catalog) -> str:
    """"宿州市（安徽）", "普陀区（浙江舟山）"."""
    outer = "".join(a.short for a in catalog.gazetteer.ancestors(p))
    return f"{p.name}（{outer}）" if outer else p.name


def ask_which(m: Mentions, years: tuple[int, ...], catalog: Catalog, how: list[str]) -> Scope:
    """A name several places share and nothing in the question or the store tells which: the
    answer asks back, listing each (Chinese and English), never answering for one of them."""
    gaz = catalog.gazetteer
    open_ = [e for e in m.english if len(e.places) > 1]
    zh, en = [], []
    for e in open_:
        cands = e.places[:8]
        zh.append(f"{e.text} 可能指 " + "、".join(zh_label(p, catalog) for p in cands[:-1])
                  + f" 或 {zh_label(cands[-1], catalog)}")
        en.append(f"“{e.text}” may mean " + ", ".join(f"{p.name} ({describe(p, gaz)})" for p in cands[:-1])
                  + f" or {cands[-1].name} ({describe(cands[-1], gaz)})")
    example = describe(open_[0].places[0], gaz)
    return Scope(years=years, how=tuple(how), choices=tuple((e.text, tuple(p.code for p in e.places)) for e in open_),
                 missing="；".join(zh) + "，请说明是哪一个（例如写明所在省份）。",
                 missing_en="; ".join(en) + f". Which one? Name its province, e.g. “{example}”.")


PLACES_COMPARED = re.compile(r"和|与|、|及|跟|对比|比较|相比|分别|vs|versus|and", re.I)


def innermost(places: list[Place], text: str, catalog: Catalog) -> list[Place]:
    """"广东省数字政府政务云平台汕尾节点": a place named inside another named place narrows it, unless
    the question compares them ("广东和深圳对比")."""
    if len(places) < 2 or PLACES_COMPARED.search(text):
        return places
    gaz = catalog.gazetteer
    return [p for p in places if not any(o.code != p.code and gaz.contains(p, o) for o in places)]


def scope_from(codes: tuple[str, ...], m: Mentions, years: tuple[int, ...], catalog: Catalog,
               how: list[str], carried: tuple[str, ...] = ()) -> Scope:
    """Filter the store's reports by place, organization, year and type: each step narrows the
    reports or ends in a scope that says what is missing."""
    base = Scope(places=codes, years=years, carried=carried)
    reports = list(catalog.reports)
    if codes:
        reports = [r for r in reports if catalog.within(r, codes)]
        if not reports:
            names = "、".join(catalog.label(c) for c in codes)
            return replace(base, how=tuple(how), missing=f"库中没有{names}的报告。",
                           missing_en=f"The store holds no reports for {names}.")
    orgs, org_words = named_orgs(m, catalog)
    if orgs:
        held = {r.department for r in reports}          # (a set: 各市统计局 names hundreds of bodies)
        how += [f"{alias} → {full}" + ("" if kind == "full" else f"（{kind}）") for full, alias, kind in m.orgs
                if full in held]
        wanted = set(orgs)
        in_place = [r for r in reports if r.department in wanted]
        if not in_place:
            return replace(base, org_words=org_words, how=tuple(how),
                           missing=lacks_org("、".join(org_words), codes, reports, catalog),
                           missing_en=f"The store holds no report of {', '.join(org_words)} there.")
        reports = in_place
        held = {r.department for r in reports}
        orgs = tuple(o for o in orgs if o in held)
    elif m.unknown_orgs:
        return unknown_org_scope(base, m, reports, catalog, how)
    reports = of_type_and_level(reports, m, orgs, catalog)
    base = replace(base, orgs=orgs, org_words=org_words)
    if years:
        dated = dated_reports(reports, years, orgs, codes, catalog, how)
        if not dated:
            zh, en = no_year(reports, years, orgs, codes, catalog)
            return replace(base, how=tuple(how), missing=zh, missing_en=en)
        reports = dated
    return replace(base, report_types=m.report_types, doc_ids=tuple(r.doc_id for r in reports),
                   every_place=m.every_place, every_org=m.every_org, how=tuple(how))


def named_orgs(m: Mentions, catalog: Catalog) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The organizations named, with the other names of the same body (广州市政务服务和数据局 =
    广州市政务服务和数据管理局), and the words they were named by."""
    orgs = tuple(dict.fromkeys(full for full, _, _ in m.orgs))
    bodies = {catalog.body_of.get(o, o) for o in orgs}
    orgs += tuple(o for o, b in catalog.body_of.items() if b in bodies and o not in orgs)
    return orgs, tuple(dict.fromkeys(alias for _, alias, _ in m.orgs))


def unknown_org_scope(base: Scope, m: Mentions, reports: list[Report], catalog: Catalog, how: list[str]) -> Scope:
    """A body the store holds no report of: the reports that talk about it (a unit under a
    department: its passages, never its figures), else what the place does hold."""
    words = "、".join(m.unknown_orgs)
    keys = [re.sub(r"\s+", "", u) for u in m.unknown_orgs]
    keys += [strip_place(k, catalog) for k in keys]
    mentioned = [r for r in reports if catalog.doc_text and any(k in catalog.doc_text(r.doc_id) for k in keys)]
    if mentioned:
        return replace(base, unknown_orgs=m.unknown_orgs, doc_ids=tuple(r.doc_id for r in mentioned),
                       mentioned_only=True,
                       how=tuple(how + [f"{words}：库中没有其报告，在 {len(mentioned)} 份报告中被提及"]))
    return replace(base, unknown_orgs=m.unknown_orgs, how=tuple(how),
                   missing=lacks_org(words, base.places, reports, catalog),
                   missing_en=f"The store holds no report of {', '.join(m.unknown_orgs)}.")


def of_type_and_level(reports: list[Report], m: Mentions, orgs: tuple[str, ...], catalog: Catalog) -> list[Report]:
    """The report types named; "各省…" compares provinces, "各市…" cities: reports of places at
    that level (each filter dropped when nothing passes it)."""
    if m.report_types:
        typed = [r for r in reports if any(t in (r.report_type or "") for t in m.report_types)]
        reports = typed or reports
    level = "" if m.every_place == "any" else m.every_place
    if level and not orgs:
        at_level = [r for r in reports if level_of(r, catalog) == level
                    or (level == "city" and (r.place_code or "") in MUNICIPALITIES)]
        reports = at_level or reports
    return reports


def dated_reports(reports: list[Report], years: tuple[int, ...], orgs: tuple[str, ...], codes: tuple[str, ...],
                  catalog: Catalog, how: list[str]) -> list[Report]:
    """The reports of the years asked. In a comparison a named party without a report of that
    year is compared on the years it has, and `how` says so."""
    dated = [r for r in reports if any(report_years(r, y) for y in years)]
    named = orgs or (codes if len(codes) >= 2 else ())
    if dated and len(named) >= 2:
        have = {r.doc_id for r in dated}
        by_org: dict[str | None, list[Report]] = {}
        for r in reports if orgs else ():
            by_org.setdefault(r.department, []).append(r)
        for key in named:
            own = by_org.get(key, []) if orgs else [r for r in reports if catalog.within(r, (key,))]
            if own and not any(r.doc_id in have for r in own):
                dated += own
                have.update(r.doc_id for r in own)
                how.append(f"{key if orgs else catalog.label(key)} 无 {'、'.join(map(str, years))} 年报告，"
                           f"用库中 {'、'.join(str(r.year) for r in own)} 年报告")
    return dated


def no_year(reports: list[Report], years: tuple[int, ...], orgs: tuple[str, ...], codes: tuple[str, ...],
            catalog: Catalog) -> tuple[str, str]:
    """"…没有 2023 年的报告（库中年份：2024、2025）。", in Chinese and English."""
    held = sorted({r.year for r in reports if r.year})
    who = "、".join(orgs) or "、".join(catalog.label(c) for c in codes) or "库中"
    ys = "、".join(str(y) for y in years)
    return (f"{who}没有 {ys} 年的报告（库中年份：{'、'.join(map(str, held))}）。",
            f"No {ys} report for {who} in the store (years held: {held}).")


def strip_place(phrase: str, catalog: Catalog) -> str:
    """"深圳市税务局" → "税务局"."""
    ms = catalog.gazetteer.find(phrase)
    return phrase[ms[0].end:] if ms and ms[0].start == 0 and len(phrase) - ms[0].end >= 2 else phrase


def lacks_org(words: str, codes: Sequence[str], reports: Sequence[Report], catalog: Catalog) -> str:
    """"库中没有深圳市税务局的报告。库中广东省深圳市的报告：民政局、财政局…" — what the store
    does hold there instead."""
    where = "、".join(catalog.label(c) for c in codes) if codes else ""
    held = sorted({catalog.core_of(r.department) for r in reports if r.department})
    shown = "、".join(held[:30]) + ("…" if len(held) > 30 else "")
    return f"库中没有{words}的报告。库中{where}的报告：{shown or '（无）'}。"


# ---- follow-ups -------------------------------------------------------------------
# a follow-up naming only a column ("年初预算数呢？") or asking how / why (not for another figure)
MEASURE_WORDS = dict(MEASURES)
DESCRIBES = re.compile("|".join(DESCRIBE_WORDS) + r"|\b(how|why|what did|describe)\b", re.I)
# words that qualify the item asked before rather than name another one ("2026年的目标呢？", "实际增长了多少？")
MODIFIERS = re.compile(r"预期目标|目标值?|预期|计划|实际|增长率|增长|增速|增幅|完成|达到|实现|总量|规模|年均|同比|多少|"
                       r"了|的|是|要|呢|\s")
TARGET_OR_ACTUAL = re.compile(r"目标|预期|计划|实际|完成|达到")
# the words of a bare "why / what for" about the figure just answered ("为什么减少了这么多？")
ASKS_WHY = re.compile(r"为什么|为何|什么原因|原因|主要|用于|用在|具体|怎么|如何|做了|什么|这么多|那么多|增加|减少|下降|"
                      r"上升|增长|变化|又|了|的|是|为|呢|\s")
FOLLOW_UP = re.compile(r"^(那|那么|那末|还有|再看看?|换成|改成|如果是)|呢[？?。]?$|^(和|与|跟)(去年|上年|前年).*比")
FOLLOW_UP_EN = re.compile(r"^\s*(and|what about|how about|same for|now for|and for)\b|\b(its|their|the same)\b", re.I)


def is_follow_up(text: str, catalog: Catalog | None = None) -> bool:
    """A turn that leans on the last one: said as a follow-up ("那…呢？", "And …?"), or (with the
    catalog) naming no place and no body of its own ("为什么减少了？", "项目支出一共多少？")."""
    if FOLLOW_UP.search(text.strip()) or FOLLOW_UP_EN.search(text):
        return True
    if catalog is None:
        return False
    m = find_mentions(text, catalog)
    if modifier_only(text, m):
        return True         # "江苏2025年达到了多少？": the item asked before, for this place and year
    if m.places or m.english or m.every_place or m.every_org:
        return False
    # "交警的又用于什么？": a body named with only a why / what for
    return not (m.orgs or m.unknown_orgs) or (DESCRIBES.search(text) is not None and len(text) <= 14)


def modifier_only(text: str, m: Mentions) -> bool:
    """The question says where and when but asks only for a target, an actual or a total."""
    rest = text
    for a, b in sorted(m.spans, reverse=True):
        rest = rest[:a] + " " + rest[b:]
    rest = re.sub(r"(?<!\d)20\d{2}\s*年度?|[？?。，,！!]|那么?|请问", " ", rest)
    return bool(rest.strip()) and bool(re.search(r"[\u4e00-\u9fff]", rest)) and not MODIFIERS.sub("", rest)


def carry(new: Scope, previous: dict, catalog: Catalog, *, names_place: bool, names_org: bool,
          names_year: bool, orgs: Mentions | None = None) -> Scope:
    """A follow-up ("那汕尾呢？", "2025年的呢？", "公务接待费呢？") keeps what it does not name
    from the previous turn's scope. A new place keeps the previous organization's kind
    (深圳市民政局 → "那广州呢？" → 广州市民政局)."""
    prev_places = tuple(p["code"] if isinstance(p, dict) else p for p in previous.get("places") or ())
    prev_orgs = tuple(previous.get("orgs") or ())
    prev_years = tuple(int(y) for y in previous.get("years") or ())
    codes, carried = new.places, []
    if not names_place and prev_places:
        codes = prev_places
        carried.append("地点：" + "、".join(catalog.label(c) for c in codes))
    m = orgs or Mentions()
    if orgs is not None:
        pass      # a body of the carried place named by its own name ("那司法局呢？")
    elif not names_org and prev_orgs:
        if names_place:
            # the same kind of organization in the new place
            cores = {function_key(catalog.core_of(o)) for o in prev_orgs}
            same_kind = [o for o in catalog.orgs if function_key(o.core) in cores]
            m = Mentions(orgs=tuple((o.full, o.core, "core") for o in same_kind))
        else:
            m = Mentions(orgs=tuple((o, o, "full") for o in prev_orgs))
        carried.append("机构：" + "、".join(prev_orgs))
    years = new.years
    if not names_year and prev_years:
        years = prev_years
        carried.append("年份：" + "、".join(map(str, years)))
    out = scope_from(codes, m, years, catalog, list(new.how), tuple(carried))
    if out.missing and not names_year and prev_years:
        # the carried year is the one thing the new place lacks: answer from the years it holds
        out = scope_from(codes, m, (), catalog, list(new.how) + [f"{'、'.join(map(str, prev_years))} 年无报告，改用库中年份"],
                         tuple(c for c in carried if not c.startswith("年份")))
    return replace(out, every_place=new.every_place, every_org=new.every_org)


# ---- the question seen through its scope ---------------------------------------------
PLACE_SUFFIX = re.compile(r"^(省|市|区|县)")
# what is left of "…省检察院中公务接待费" once the bodies are taken out: "中" says among them, not what
LEFT_OVER = re.compile(r"^(?:之中|当中|中)(?=[\u4e00-\u9fff]{2})")
# words that say how to order or compare, not what: dropped from the topic
RANK_WORDS = re.compile(r"最高|最多|最大|最快|最低|最少|最小|最慢|排名|排行|排序|前[一二三四五六七八九十\d]+(?:名|位)?|"
                        r"倒数|对比|比较|分别是|分别|哪个|哪些|是哪")


def place_words(p: Place, catalog: Catalog) -> set[str]:
    """How a question may write a place: its name, its short form, and its name after its
    ancestors' ("上海市普陀区", "广东省深圳市", "上海普陀区")."""
    chain = catalog.gazetteer.ancestors(p)
    words = {p.name, p.short}
    for i in range(len(chain)):
        words.add("".join(a.name for a in chain[i:]) + p.name)
        words.add("".join(a.short for a in chain[i:]) + p.name)
    return words


def without_english_places(topic: str, catalog: Catalog) -> str:
    """"Deyang 去年地区生产总值" → "去年地区生产总值": a place named in English says where, not what."""
    for e in reversed(english_mentions(topic, catalog, ())):
        end = e.end + (2 if re.match(r"['’]s\b", topic[e.end:]) else 0)
        topic = topic[:e.start] + " " + topic[end:]
    return re.sub(r"\s+", " ", topic).strip()


def narrow(q, scope: Scope, catalog: Catalog):
    """The question with its scope's reports attached and the words that only say who or
    where (organization aliases, place names) removed from its topic."""
    topic = without_english_places(q.topic, catalog)
    words = set(scope.org_words) | {o for o in scope.orgs}
    for o in catalog.orgs:
        if o.full in scope.orgs:
            words |= set(org_terms(o))
    for code in scope.places:
        words |= place_words(catalog.gazetteer.get(code), catalog)
    for w in sorted(words, key=len, reverse=True):
        if w and len(w) >= 2:
            topic = topic.replace(w, " ")
    topic = EVERY_PLACE.sub(" ", EVERY_ORG.sub(" ", topic))
    topic = RANK_WORDS.sub(" ", topic)
    # "北京和上海的…": the joining words are left alone once the places are taken out
    topic = " ".join(t for t in (LEFT_OVER.sub("", PLACE_SUFFIX.sub("", x)) for x in topic.split())
                     if t and t not in ("和", "与", "及", "、", "个") and not re.fullmatch(r"20\d{2}", t))
    if not topic.strip():
        topic = q.topic
    return replace(q, topic=topic, docs=scope.doc_ids,
                   cities=tuple(dict.fromkeys(catalog.short(c) for c in scope.places)) or q.cities,
                   year=scope.year if scope.years else q.year, years=scope.years or q.years)


def follow_up(q, scope: Scope, previous: dict, catalog: Catalog):
    """A follow-up takes from the previous turn what it does not say itself: the scope
    (place, organization, year) and, when it names no subject of its own, the subject."""
    prev_scope = previous.get("scope") if isinstance(previous.get("scope"), dict) else previous
    m = find_mentions(q.text, catalog)
    subject = re.sub(r"^(那么?|那末|还有|再看看?|换成|改成|如果是)|(的)?呢[？?。]?$|[？?。]", "", q.topic).strip(" 的")
    subject = re.sub(r"^(其|它的?|他们的?|该单位的?|这个单位的?)?((下属|所属|直属)(的)?)?", "", subject).strip(" 的")
    other = None if m.places else body_of_carried_place(subject, prev_scope or {}, catalog)
    other = other or (Mentions(orgs=m.orgs) if m.orgs else None)
    if other is None and m.unknown_orgs:
        # "那汕头市财政局呢？": a body the store holds no report of is named, not the last one carried
        other = Mentions(unknown_orgs=m.unknown_orgs)
    new = carry(scope, prev_scope or {}, catalog, names_place=bool(m.places), names_org=bool(m.orgs or m.unknown_orgs),
                names_year=bool(q.years), orgs=other)
    if other is not None:
        for alias in [a for _, a, _ in other.orgs] + [strip_place(u, catalog) for u in other.unknown_orgs]:
            subject = subject.replace(alias, "")
        subject = subject.strip(" 的")
    for code in new.places:
        p = catalog.gazetteer.get(code)
        subject = subject.replace(p.name, "").replace(p.short, "")
    subject = re.sub(r"(和|与|跟)?(去年|上年|前年)比?", "", subject).strip()
    q, carried = follow_up_question(q, subject, prev_scope or {}, catalog)
    new = replace(new, carried=new.carried + carried)
    if re.search(r"(和|与|跟|比)(去年|上年)", q.text) and new.years:
        y = new.years[0]
        q = replace(q, years=(y, y - 1), kind="comparison")
        new = scope_from(new.places, Mentions(orgs=tuple((o, o, "full") for o in new.orgs)), (y, y - 1),
                         catalog, list(new.how), new.carried)
    return q, new


def follow_up_question(q, subject: str, prev: dict, catalog: Catalog) -> tuple[object, tuple[str, ...]]:
    """What a follow-up asks, given what it says of its own (`subject`) and the previous turn's
    question: another column, a target / actual of the same item, why of the same figure, another
    item, or (nothing said) the same question; and what of the question it carried."""
    prev_topic = prev.get("topic") or ""
    carried: tuple[str, ...] = ()
    own = MODIFIERS.sub("", subject)
    if subject and prev_topic and subject in MEASURE_WORDS:
        # "年初预算数呢？": another column of the same item
        q = replace(q, measure=MEASURE_WORDS[subject])
        prev = dict(prev, topic=without_measures(prev_topic) or prev_topic, measure=MEASURE_WORDS[subject])
        prev_topic, subject = prev["topic"], ""
    elif subject and prev_topic and (not own or own in prev_topic and TARGET_OR_ACTUAL.search(subject)):
        # "2026年的目标呢？" / "实际增长了多少？" / "实际产量呢？": the same item, its target, actual or total
        base = re.sub(r"预期目标|目标值?|预期|实际", " ", prev_topic).strip() or prev_topic
        said = "".join(w for w in re.findall(r"[\u4e00-\u9fff]{2}|.", subject) if w not in base).strip(" 的")
        q = replace(q, topic=f"{base} {said}".strip(), kind=prev.get("kind") or q.kind,
                    measure=q.measure or (None if re.search(r"总量|规模|总额", subject) else prev.get("measure")),
                    asks_target="目标" in subject or (q.asks_target and "实际" not in subject))
        carried = (f"问题：{base}",)
    elif subject and prev_topic and DESCRIBES.search(q.text) and not ASKS_WHY.sub("", subject).strip(" 的"):
        # "为什么减少了？" / "主要用于什么？": why or how of the figure just answered
        q = replace(q, topic=f"{prev_topic} {subject}")
        carried = (f"问题：{prev_topic}",)
    elif subject:
        q = replace(q, topic=subject, unit_hint=q.unit_hint or money_unit(prev, q, catalog))
    if subject and prev.get("kind") in ("figure", "computation") and q.kind == "description" \
            and not DESCRIBES.search(q.text):
        # "政府采购呢？" after a figure: the same kind of answer about another item
        q = replace(q, kind=prev.get("kind"))
    if not subject and prev_topic:
        q = replace(q, topic=prev_topic, measure=prev.get("measure") or q.measure, kind=prev.get("kind") or q.kind,
                    asks_target=q.asks_target or bool(prev.get("asks_target")),
                    asks_range=q.asks_range or bool(prev.get("asks_range")),
                    unit_hint=prev.get("unit_hint") or q.unit_hint)
        carried = (f"问题：{prev_topic}",)
    return q, carried


def without_measures(topic: str) -> str:
    """"一般公共预算财政拨款收入决算数" → "一般公共预算财政拨款收入"."""
    for word in sorted(MEASURE_WORDS, key=len, reverse=True):
        topic = topic.replace(word, "")
    return topic.strip()


def money_unit(previous: dict, q, catalog: Catalog) -> str | None:
    """A follow-up about another item of a budget or 决算 ("政府采购呢？" after an amount) asks for an
    amount too: the unit of the figure answered last, when it was money of a department's accounts
    and no count is asked."""
    answered = previous.get("answered") or []
    last = answered[-1] if answered else {}
    report = catalog.by_id.get(last.get("doc_id") or "")
    accounts = report is not None and re.search(r"预算|决算|绩效", report.report_type or "")
    money = re.search(r"费|支出|收入|拨款|采购|经费|资金|结余|结转|预算|决算|金额", q.topic) and \
        not re.search(r"得分|分数|人数|率|比例|多少[个项人名辆台件]|几|数量|how many", q.text)
    if accounts and money and last.get("unit") in ("万元", "元"):
        return last["unit"]
    return None


def body_of_carried_place(words: str, previous: dict, catalog: Catalog) -> Mentions | None:
    """"那司法局呢？" after a question about 深圳市审计局: the body of that name in the place the chat
    is about (深圳市司法局), when the store holds it; None when the words name none."""
    codes = [p["code"] if isinstance(p, dict) else p for p in previous.get("places") or ()]
    for code in codes:
        place = catalog.gazetteer.get(code)
        m = find_mentions(place.name + words, catalog)
        if m.orgs:
            named = tuple((full, alias.replace(place.name, "", 1) or alias, how) for full, alias, how in m.orgs)
            return Mentions(orgs=named)
    return None


def scope_dict(q, scope: Scope, catalog: Catalog) -> dict:
    """The resolved scope as the API returns it; sent back as `previous` it carries a chat."""
    d = scope.as_dict(catalog)
    d.update(topic=q.topic, measure=q.measure, kind=q.kind, unit_hint=q.unit_hint, asks_target=q.asks_target,
             asks_range=q.asks_range)
    return d
