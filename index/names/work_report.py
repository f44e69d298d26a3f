"""Whose 政府工作报告 a text is, and of which year, from how it speaks of itself.

Many are published without a title ("各位代表：…", a file named 济南.txt). The evidence, weighed:
- it is a 政府工作报告 when it reports to the congress for a government ("现在，我代表市人民政府，
  向大会报告政府工作");
- its level is the government it speaks for (省 / 市 / 区 / 县人民政府), and its place the place of
  that level it names most (a district named in a city's report counts for its city; a county
  mentioned once never becomes the report's place); the file name decides a tie;
- its year is the year it is delivered: the year its plans are for ("2024年主要目标"), else the
  year after the one it reviews ("2023年工作回顾"). Pure.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from index.names.places import Gazetteer, Place

SELF = re.compile(r"代表(?:[\u4e00-\u9fff]{0,12}?)(?:(省|自治区|市|州|盟|区|县|旗)(?:人民)?政府|(行署|行政公署))"
                  r"[^。]{0,12}?向大(?:会|家)?(?:报告|作)|代表(行署|行政公署)作[^。]{0,6}报告")
LEVEL_OF_SELF = {"省": "province", "自治区": "province", "市": "city", "州": "city", "盟": "city",
                 "行署": "city", "行政公署": "city", "区": "district", "县": "district", "旗": "district"}
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})   # 直辖市: province-level cities
TITLE_YEAR = re.compile(r"(20\d\d)年(?:度)?[\u4e00-\u9fff]{0,12}?政府工作报告")   # 2026年广东省政府工作报告
STEM_YEAR = re.compile(r"^(20\d\d)(?=[_\-\s年])")                                  # 2020_上海市_政府工作报告
YEAR_IS = re.compile(r"(20\d\d)年是")
ANY_YEAR = re.compile(r"(?<!\d)(20\d\d)年")
PLAN_YEAR = re.compile(r"(20\d\d)年(?:的)?(?:政府)?(?:工作)?(?:主要|总体|预期)?(?:目标任务|目标|任务|工作安排|安排|总体要求|重点工作)")
REVIEW_YEAR = re.compile(r"(20\d\d)年(?:政府)?工作回顾")
HEAD_CHARS = 4000
SELF_THANKS = re.compile(r"我代表(?:[\u4e00-\u9fff]{0,12}?)(?:(省|自治区|市|州|盟|区|县|旗)(?:人民)?政府|(行署|行政公署))"
                         r"[，,、]?向[^。]{0,160}?(?:致以|表示)")
OWN = re.compile(r"我(省|自治区|市|州|盟|县|旗)(?![长委])")
HEADING_PLAN = re.compile(r"(?m)^\s*(?:[一二三四五六七八九十]+[、.．]\s*)?(20\d\d)年(?:政府)?(?:工作安排|主要目标|工作总体要求|"
                          r"总体要求|重点工作|主要任务|目标任务|工作任务)")


@dataclass(frozen=True)
class SelfReference:
    """A 政府工作报告's own words about whose it is."""
    level: str          # "province" | "city" | "district"
    quote: str          # the sentence part that said so
    word: str = ""      # the government's own word for its place: 省, 市, 州, 盟, 区, 县, 旗
    weak: bool = False  # only "我州"-style words, no "我代表…政府"


def self_reference(text: str) -> SelfReference | None:
    """"我代表市人民政府，向大会报告政府工作" → city level; None when the text does not say.
    A text that lost its opening still thanks in its government's name ("我代表市人民政府，向全市
    各族人民…致以崇高的敬意"); one that names neither still speaks of "我州" / "全市" under a
    "2023年工作回顾" heading (weaker evidence: `weak`)."""
    m = SELF.search(text[:HEAD_CHARS]) or SELF_THANKS.search(text)
    if m:
        word = next(g for g in m.groups() if g)
        quote = m.group(0)
        return SelfReference(LEVEL_OF_SELF[word], quote[:quote.index("向") + 1] + "…" if "向" in quote else quote, word)
    return own_words(text)


def own_words(text: str) -> SelfReference | None:
    """"我州…全州…" in a text that reviews a year and plans the next, as a work report does."""
    if not (REVIEW_YEAR.search(text) or HEADING_PLAN.search(text)):
        return None
    mine = Counter(OWN.findall(text))
    if not mine:
        return None
    word, n = mine.most_common(1)[0]
    return SelfReference(LEVEL_OF_SELF[word], f"我{word}（{n} 次）", word, weak=True)


def delivery_year(text: str) -> int | None:
    """The year a 政府工作报告 is delivered: its plans' year, else the year after its review."""
    head = text[:HEAD_CHARS * 3]
    review = [int(y) for y in REVIEW_YEAR.findall(head)]
    plans = [int(y) for y in PLAN_YEAR.findall(head) if not review or int(y) > min(review)]
    if plans:
        return Counter(plans).most_common(1)[0][0]
    if review:
        return max(review) + 1
    headed = [int(y) for y in HEADING_PLAN.findall(text)]   # a plan heading further on
    if headed:
        return Counter(headed).most_common(1)[0][0]
    ahead = [int(y) for y in YEAR_IS.findall(head)]      # "2024年是…关键之年" looks ahead
    if ahead:
        return max(ahead)
    years = Counter(int(y) for y in ANY_YEAR.findall(head))
    if sum(years.values()) < 3:
        return None
    return years.most_common(1)[0][0] + 1      # the year it reviews most, plus one


def report_year(first_lines: str, stem: str, text: str) -> int | None:
    """A 政府工作报告's year: its title's, else the year it is delivered, else the file name's."""
    m = TITLE_YEAR.search(re.sub(r"\s+", "", first_lines)) or TITLE_YEAR.search(stem)
    if m:
        return int(m.group(1))
    named = STEM_YEAR.match(stem)
    return delivery_year(text) or (int(named.group(1)) if named else None)


def at_level(gaz: Gazetteer, place: Place, level: str) -> Place | None:
    """The place itself or its ancestor at `level` (None when it lies above that level). A
    直辖市 is a city, and so is a county-level city under its province (天门, 潜江)."""
    chain = gaz.ancestors(place) + [place]
    for p in chain:
        if p.level == level:
            return p
    if level == "city":
        if chain[0].code in MUNICIPALITIES:
            return chain[0]
        if len(chain) == 2 and place.level == "district":
            return place
    return None


def named_places(gaz: Gazetteer, text: str, level: str,
                 hint: Place | None = None) -> tuple[Counter[str], Place | None]:
    """How often the text names each place of `level` (places inside it count for it), and the
    one it names most: `hint` (the file name's place: its short form counts too) wins a tie,
    then the first named."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in gaz.find(re.sub(r"\s+", "", text), prefer=[hint.code] if hint is not None else ()):
        p = at_level(gaz, m.place, level)
        if p is not None:
            counts[p.code] += 1
            first.setdefault(p.code, m.start)
    if not counts:
        return counts, (hint if hint is not None and hint.level == level else None)
    best = max(counts.values())
    tied = [c for c, n in counts.items() if n == best]
    if hint is not None and hint.code in tied:
        return counts, hint
    return counts, gaz.get(min(tied, key=first.__getitem__))


def place_named_most(gaz: Gazetteer, text: str, level: str, hint: Place | None = None) -> Place | None:
    """The place of `level` the text names most (see `named_places`)."""
    return named_places(gaz, text, level, hint)[1]
