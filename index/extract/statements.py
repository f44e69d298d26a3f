"""Achievement and target statements read from prose: sentence → Statement records. Pure.

    paragraphs → sentences → (figures, rank claims, coverage claims, firsts) → Statement

A figure's metric is the metric written nearest before it in its own clause ("规上工业增加值
增长9.4%"); a clause with no subject of its own carries the sentence's previous one ("地区生产
总值5.3万亿元、增长5.5%"); "A、B…分别增长x%、y%" gives each its own; a subject that is no
listed metric is kept as written ("新开工建设“两重”项目"). A % after 增长/下降 of a quantity is
its growth rate (metric + "增速"), a % after 提高到/达到 of a ratio is its level. The period
comes from index/extract/periods.py with the number's position, as for facts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from index.extract.metric_names import SUB_YEAR, balanced, flaw, is_total_word, with_level
from index.extract.metrics import UNITS_RE, Metric, base_of, find_metrics, fits, rate_of, standard, topic_of
from index.extract.periods import Period, fact_period, report_family
from index.records import Paragraph, Statement

_WIDTH = str.maketrans("０１２３４５６７８９％．，；：（）", "0123456789%.,;:()")
_NUM = r"\d+(?:,\d{3})*(?:\.\d+| \. \d+)?"      # "5 . 5%": a decimal point set apart
FIGURE_RE = re.compile(
    rf"(?<![\d.A-Za-z])(?P<n1>{_NUM})(?:\s*%?\s*(?:—|–|-|~|～|至|到)\s*(?P<n2>{_NUM}))?\s*(?P<unit>{UNITS_RE}|万亿(?!元))"
    r"(?P<after>左右|以上|以内|以下|多|余)?")
SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")
BOUNDARY = re.compile(r"[，,；;、：:]")
CLAUSE_END = re.compile(r"[，,；;：:]")
COUNT_UNITS = {"台", "个", "家", "项", "户", "万户", "座", "条", "所", "人", "万人", "万个", "万台", "万家", "件", "万件", "名", "批",
               "套", "万套", "辆", "万辆", "张", "场"}
TRAILING_PLACES = re.compile(r"(?:个|所)?(?:[省市区县镇乡村州盟]|街道|社区|地区|\([^)]*\)|（[^）]*）|、)+\s*$")
GROWTH = re.compile(r"增长|增速|增幅|上涨|涨幅|递增")
DECLINE = re.compile(r"下降|回落|降低|减少|下滑|降幅")
CONNECTORS = re.compile(
    r"全年|全省|全市|全区|全县|全国|其中|连续|稳定在|(?:分别)?(?:高于|快于|低于|超出)全国(?:平均)?(?:水平)?|同比|比上年|较上年|上年|分别|实现|完成|达到|达|突破|超过|超|逾|"
    r"增长|增速|增幅|下降|提高|提升|上升|上涨|回落|降低|减少|增加|为|是|到|至|约|近|累计|新增|年均|稳定在|"
    r"保持在|控制在|以上|左右|较|比|年|的|和|及|与|在|了|总量|规模|总额|主要|预期|目标|力争|争取|努力|"
    r"经济社会发展|全面|持续|稳步|平均|个百分点|总计|共计|同期|分别为|均|都|“|”|[\s\d.%]")
RANK_RE = re.compile(
    r"(?:居|位居|位列|排名|排在|排|稳居|保持|跃居|进入|跻身|名列|列|升至|上升至|领跑|成为)\s*"
    r"(?P<scope>全国|全省|全市|全球|世界|中部(?:地区)?|西部(?:地区)?|东部(?:地区)?|东北(?:地区)?|长江经济带|沿海)"
    r"(?:省份|各省|城市)?(?:第(?P<no>[一二三四五六七八九十\d]+)(?:位|名|个)?|(?P<first>首位|之首|第一)|"
    r"前(?P<top>[一二三四五六七八九十\d]+)(?:强|位|名)?|(?P<front>前列|前茅|领先))")
RECORD_RE = re.compile(r"(?:再|均|又|屡)?创(?:历史|年度)?新高|历史新高|历史最高(?:水平)?")
COVER_RE = re.compile(r"全覆盖|全面覆盖|覆盖率(?:达到?|为)?100%|100%覆盖|全域覆盖")
FIRST_RE = re.compile(r"全国首[个家批条座台部]|全国第一[个家批]|(?:在全国)?率先|首创|零的突破|首次突破")
APPROX_BEFORE = re.compile(r"(?:约|近|逾|超过|超|突破|跨越|跨上|迈上|站上|稳定在|保持在)\s*$")
APPROX_IN = re.compile(r"约|近|逾|超过|突破|跨越|跨上|迈上|站上|稳定在|保持在")
MONEY_UNITS = {"亿元", "元"}
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class _Figure:
    start: int           # offset of the number
    end: int             # after unit and 左右/以上
    value: float
    unit: str
    low: float | None    # a range "5%—5.5%": the lower end is `value`, this is the upper
    after: str


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (up to 。！？ or a line end), stripped, non-empty."""
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def cn_number(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN.get(a, 0) * 10 + (_CN.get(b, 0) if b else 0)
    return _CN.get(s)


IMPLICIT_ONE = re.compile(r"(?:(?<=突破)|(?<=跨过)|(?<=跨越)|(?<=迈上)|(?<=站上)|(?<=超过)|(?<=达到))(?P<unit>万亿元|千亿元|万亿|千亿)(?!级)")


def figures_in(s: str) -> list[_Figure]:
    """Numbers with units, left to right; "突破万亿元" is 1 万亿元."""
    out = [_Figure(m.start(), m.end(), 1.0, {"万亿": "万亿元", "千亿": "千亿元"}.get(m.group("unit"), m.group("unit")),
                   None, "") for m in IMPLICIT_ONE.finditer(s)]
    for m in FIGURE_RE.finditer(s):
        unit = m.group("unit")
        if unit == "万亿":
            unit = "万亿元"
        nxt = s[m.end("unit"):m.end("unit") + 1]
        if (unit == "个" and nxt and nxt in "月工") or (unit == "分" and nxt and nxt in "别钟之") or \
                (unit in ("期", "次", "名") and nxt and nxt in "间性内") or (unit == "人" and nxt == "制"):
            continue     # 24个月, 5个工作日, 分别, 期间, 名义, 3人制
        if re.search(r"第\s*$|[A-Za-z]$", s[:m.start()]):
            continue     # 第4位 ; 5G
        v1 = _number(m.group("n1"))
        v2 = _number(m.group("n2")) if m.group("n2") else None
        out.append(_Figure(m.start(), m.end(), v1, unit, v2, m.group("after") or ""))
    return sorted(out, key=lambda f: f.start)


def _number(tok: str) -> float:
    return float(tok.replace(",", "").replace(" ", ""))


def _in_parens(s: str, i: int) -> bool:
    """Position i is inside brackets holding no figure ("10个县(市、区)")."""
    o = s.rfind("(", 0, i)
    if o <= s.rfind(")", 0, i):
        return False
    close = s.find(")", i)
    return not re.search(r"\d", s[o:close if close > 0 else len(s)])


def _span_start(s: str, pos: int, floor: int) -> int:
    """Start of the clause a position belongs to: after the last boundary mark (none inside
    brackets), not before `floor`."""
    cut = max((m.end() for m in BOUNDARY.finditer(s, 0, pos) if not _in_parens(s, m.start())), default=0)
    return max(cut, floor)


LEAD_WORDS = re.compile(r"^(?:全年|全省|全市|全区|其中|新增|累计|实现|完成|建成|新建|培育|引进|全国|确保|力争|争取)+"
                        r"(?![和及与、])")      # "新建和改造提升高标准农田" keeps its first verb
TAIL_WORDS = re.compile(r"(?:同比|比上年|较上年)?(?:分别|达到|达|突破|超过|超|逾|增长|下降|提高到|提高|提升|为|是|约|近|到|至|"
                        r"增加|减少|占比|总量|规模|稳定在|保持在|保持|控制在|不少于|不低于|均为|均达|(?<!平)均|新增)+\s*$")


def _subject_as_written(span: str) -> str:
    """What is left of a clause's words before a number once verbs and connectors are dropped;
    its quotes kept closed ("新增“四上”企业" → "“四上”企业")."""
    s = TAIL_WORDS.sub("", LEAD_WORDS.sub("", span.strip(" \"'、，,(")))
    s = balanced(s.strip(" \"'的"))
    if s.startswith("“") and s.endswith("”") and s.count("“") == 1:
        s = s[1:-1]
    return s.strip(" 的")


def _is_bare(span: str) -> bool:
    """A clause with no subject of its own ("增长5.5%", "比上年提高0.3个百分点")."""
    return len(re.sub(r"[^\u4e00-\u9fff]", "", CONNECTORS.sub("", span))) < 2


def _rate_name(metric: str, m: Metric | None, between: str, unit: str, value: float) -> tuple[str, float]:
    """增长 x% of a quantity is its growth rate; a ratio's % is its level."""
    if unit not in ("%",):
        return metric, value
    if m is not None and m.ratio:
        return metric, value
    if m is None and re.search(r"率|占比|比重|强度|比例|覆盖|满意度", metric) and not GROWTH.search(between):
        return metric, value
    if re.search(r"(?:提高|提升|上升|达|达到|增长|下降|降低)(?:到|至)\s*$", between):
        return metric, value
    if GROWTH.search(between):
        return rate_of(metric), value
    if DECLINE.search(between):
        if m is not None and m.lower_is_better:
            return f"{metric}降幅", value
        return rate_of(metric), -value
    return metric, value


def _parallel(s: str, figs: list[_Figure]) -> dict[int, tuple[str, Metric | None, str]]:
    """"城镇、农村常住居民人均可支配收入分别增长4.4%、5.9%": each number gets its own subject."""
    out: dict[int, tuple[str, Metric | None]] = {}
    for m in re.finditer(r"分别(?:为|是|达到?|增长|下降|提高|降低|增加|减少)?|(?<=城乡居民人均可支配收入)(?:年均|实际)?(?:增长|达到|达)", s):
        after = [f for f in figs if f.start >= m.end()]
        run: list[_Figure] = []
        for f in after:
            gap = s[(run[-1].end if run else m.end()):f.start]
            if run and gap.strip() not in ("、", "和", "，", ","):
                break
            if not run and len(gap.strip()) > 4:
                break
            run.append(f)
        start = max((b.end() for b in CLAUSE_END.finditer(s, 0, m.start())), default=0)
        head_text = re.sub(r"(?:从|由)\S*$", "", s[start:m.start()])    # 城乡…从A和B分别提高到C和D
        items = [i for i in re.split(r"、|和|及", head_text) if i.strip()]
        if len(items) == 1 and len(run) == 2 and "城乡" in items[0]:
            head, _, rest = items[0].partition("城乡")      # 城乡居民收入分别增长 → 城镇…, 农村…
            items = [f"{head}城镇{rest}", f"{head}农村{rest}"]
        if len(run) < 2 or len(items) != len(run):
            continue
        items[0] = re.sub(r"^(?:其中|全市|全省|全区|全州|全年)+", "", items[0])
        last, head = items[-1], len(items[0])
        names = []
        for it in items[:-1]:
            # 城镇、农村常住居民… → 城镇常住居民…; 一、二、三产增加值 → 一产增加值; 刑事、治安案件 → 刑事案件
            if not find_metrics(it) and (len(last) > head + 2 if find_metrics(last) else len(last) > head >= len(it) - 1):
                it = it + last[head:]
            names.append(it)
        names.append(last)
        for f, name in zip(run, names):
            hit = find_metrics(name)
            metric = hit[-1].metric if hit else None
            out[f.start] = (metric.name if metric else _subject_as_written(name), metric, m.group(0))
    return out


NOUN_END = re.compile(r"[，,；;、：:。(]|[和及与](?=\d)|全覆盖|覆盖|投入|用于|(?<!元)以上|左右|在|(?:全部|全面|圆满|高质量|顺利|按期|如期)|"
                      r"(?:实现|完成|达到|建成|开通|办结|落地|荣获|获|摘得|入选|入围|上榜|接受|消除|下沉)")


def _noun_after(s: str, f: _Figure, any_unit: bool = False) -> tuple[str, int]:
    """"铺设1835台“粤智助”自助机": a count's noun written after its classifier (and where it ends);
    with `any_unit` the noun after any figure ("建设4万亩高标准农田")."""
    if f.unit not in COUNT_UNITS and not any_unit:
        return "", f.end
    raw = NOUN_END.split(s[f.end:], maxsplit=1)[0]
    tail = balanced(raw.strip(" \""))
    ok = _han_count(tail) >= 2 and len(tail) <= 16 and not re.match(r"[的和及与并或等]", tail)
    return (tail, f.end + len(raw)) if ok else ("", f.end)


LIGHT_VERBS = re.compile(r"^(?:加快|推进|推动|实施|开展|完成|实现|确保|力争|争取|谋划|统筹|组织|持续|全年)+$")


def _usable_name(name: str, s: str, f: _Figure, carry: _Carry) -> str | None:
    """A written subject made a metric name (index/extract/metric_names.py), or None: "占…" is the
    previous subject's share, "高于全国" the previous metric's lead, "省级" the previous subject at
    that level, "总数" the previous subject's total, a bare verb takes the noun after the figure; a
    rank word, a bare place or a fragment names nothing."""
    prev = carry.prev
    if flaw(name) == "comparison" and carry.shown and f.unit in ("个百分点", "%"):
        name = carry.shown + re.sub(r"^分别", "", name)
    if prev is not None and name.startswith("占"):
        name = prev[0] + name + ("" if re.search(r"比重|比例|份额", name) else "比重")
    if flaw(name) == "admin" and prev is not None:
        name = with_level(name, prev[0]) or name
    if is_total_word(name):
        return prev[0] if prev is not None and prev[2] == standard(1, f.unit)[1] else None
    if flaw(name) == "verb":
        noun, _ = _noun_after(s, f, any_unit=True)
        name = (noun if LIGHT_VERBS.match(name) else name + noun) if noun else name
    return None if flaw(name) else name


QUOTES = (("“", "”"), ("‘", "’"), ("「", "」"), ("《", "》"))
MODIFIED = re.compile(r"(?:以上|及以上|级)?的?(?P<noun>(?!的)[\u4e00-\u9fff“][^，,；;。、]*)")
NOT_MODIFIED = re.compile(r"(?:新?(?:台阶|大关|关口|方阵)|建设|用于|投入|实施|完成|支持|带动|撬动|实现|达到|达|新建|改造|建成|增长|下降|提高|提升|占|同比|"
                          r"比上年|较上年|为|是|和|及|与|等|左右|以上|多|余|分别|增至|降至|到|至|比|较|累计|新增|其中|年均|合计|共)")


def _not_a_measure(s: str, f: _Figure) -> bool:
    """A number that measures nothing the sentence reports: inside a quoted name ("“民营经济33条”",
    "“1万亿方阵”") or of a part of the year ("前三季度增长5.5%")."""
    for o, c in QUOTES:
        if s.rfind(o, 0, f.start) > s.rfind(c, 0, f.start) and 0 <= s.find(c, f.end) - f.end <= 12:
            return True
    own = re.sub(r"(?:从|由).*$", "", s[_span_start(s, f.start, 0):f.start])     # "从上半年5.5%降到5.3%"
    return bool(SUB_YEAR.search(own))


def _modifier(s: str, f: _Figure) -> bool:
    """A number qualifying the noun after it ("10亿元以上项目30个", "收入过20万元的行政村超过75%"):
    part of the next figure's subject."""
    if f.unit in COUNT_UNITS or f.unit in ("%", "个百分点"):
        return False
    m = MODIFIED.match(s, f.end)
    return bool(m) and not NOT_MODIFIED.match(m.group("noun")) and FIGURE_RE.search(m.group("noun")) is not None


@dataclass(frozen=True)
class _Subject:
    """Who a figure is about: its name, the listed metric (if any), the words between them and the figure,
    and the span quoted for it."""
    name: str
    metric: Metric | None
    between: str
    span: str


@dataclass(frozen=True)
class _Carry:
    """What the figures before in a sentence leave to the next one."""
    prev: tuple[str, Metric | None, str] | None = None     # name, metric, standard unit
    prev_start: int = 0      # where the text quoted for the previous subject began
    floor: int = 0           # a clause starts no earlier than the end of the last figure
    shown: str = ""          # the previous figure's metric as shown ("规模以上工业增加值增速")


def _han_count(s: str) -> int:
    """How many Chinese characters a string has."""
    return len(re.sub(r"[^\u4e00-\u9fff]", "", s))


def _figure_statements(s: str) -> list[tuple[_Figure, str, Metric | None, str]]:
    """(figure, metric name, listed metric, the span carrying it) for each figure in a sentence."""
    figs = figures_in(s)
    parallel = _parallel(s, figs)
    mentions = find_metrics(s)
    out = []
    carry = _Carry()
    for f in figs:
        start = _span_start(s, f.start, carry.floor)
        if s.startswith("的", start) and start == carry.floor and _han_count(s[start + 1:f.start]) >= 2:
            start = _span_start(s, f.start, 0)      # "村集体收入过20万元的行政村超过75%": one noun phrase
        span = s[start:f.start]
        if re.search(r"(?:从|由)\s*$", span) or _modifier(s, f):
            continue             # "从2.77%提高到3.3%": the start value rides on the end value
        after, after_end = _noun_after(s, f)
        sub = None if _not_a_measure(s, f) else \
            _figure_subject(s, f, start, after, parallel.get(f.start), mentions, carry.prev)
        shown = _shown_name(sub, f) if sub is not None else None
        if shown is not None and shown[1] is None:
            named = _usable_name(shown[0], s, f, carry)
            shown = (named, None, shown[2]) if named else None
        if sub is None or shown is None:
            carry = replace(carry, floor=f.end)
            continue
        name, metric, value = shown
        carried = carry.prev is not None and metric is not None and carry.prev[1] is metric and not any(
            start <= h.start for h in mentions if h.end <= f.start and h.start >= start)
        text = (s[carry.prev_start:f.start] if carried else sub.span) + s[f.start:after_end]
        out.append((_Figure(f.start, f.end, value, f.unit, f.low, f.after), name, metric, text.strip("，,、 ")))
        own = sub.name if metric is not None else re.sub(r"(?:增速|降幅)$", "", name)
        carry = _Carry((own, metric, standard(1, f.unit)[1]), carry.prev_start if carried else start, f.end, name)
    return out


def _figure_subject(s: str, f: _Figure, start: int, after: str, par: tuple[str, Metric | None, str] | None,
                    mentions: list, prev: tuple[str, Metric | None, str] | None) -> _Subject | None:
    """A figure's subject: its share of a "分别" list, a metric in its clause or after it, the noun
    after a count, the previous figure's (a bare clause), or the clause's own words."""
    span = s[start:f.start]
    if par is not None:
        name, metric, between = par
        return _Subject(name, metric, between, f"{name}{between}")
    local = [h for h in mentions if start <= h.start and h.end <= f.start]
    later = find_metrics(after) if after else []
    if local:
        return _Subject(local[-1].metric.name, local[-1].metric, s[local[-1].end:f.start], span)
    if later:
        return _Subject(later[0].metric.name, later[0].metric, span, span)
    if after and not find_metrics(span):
        return _Subject(after, None, span, span)
    if _is_bare(span):
        return _bare_subject(s, f, span, mentions, prev)
    name = _subject_as_written(span)
    return _Subject(name, None, span, span) if _han_count(name) >= 2 else None


def _bare_subject(s: str, f: _Figure, span: str, mentions: list,
                  prev: tuple[str, Metric | None, str] | None) -> _Subject | None:
    """A clause with no subject of its own: the previous figure's (same kind of unit), else a
    metric written shortly before."""
    if prev is not None and (f.unit == "%" or standard(1, f.unit)[1] == prev[2]):
        name, metric, _ = prev
        name = base_of(name).name if base_of(name) else name.removesuffix("增速").removesuffix("降幅")
        return _Subject(name, metric, span, span)
    earlier = [h for h in mentions if h.end <= f.start and f.start - h.end <= 30]
    if not earlier:
        return None
    return _Subject(earlier[-1].metric.name, earlier[-1].metric, s[earlier[-1].end:f.start], span)


def _shown_name(sub: _Subject, f: _Figure) -> tuple[str, Metric | None, float] | None:
    """(name shown, listed metric, value): a growth rate named as such; a listed metric that does
    not fit the figure ("GDP超万亿元城市3个") gives way to what the clause says, if anything."""
    shown, value = _rate_name(sub.name, sub.metric, sub.between, f.unit, f.value)
    if sub.metric is not None and not fits(sub.metric, shown, standard(1, f.unit)[1]):
        shown = _subject_as_written(sub.span)
        return (shown, None, value) if _han_count(shown) >= 2 else None
    return shown, sub.metric, value


AFTER_CLAIM = re.compile(r"首[个家批条座台部]|第一[个家批]|率先|首创")


def _claim_subject(s: str, m: re.Match) -> tuple[str, Metric | None, str]:
    """The metric a rank / coverage / first claim is about: a listed metric in its clause, the
    thing named after "全国首个 / 率先", or the clause's own subject (else the clause before)."""
    pos = m.start()
    start = _span_start(s, pos, 0)
    local = [h for h in find_metrics(s) if h.end <= pos and h.start >= start]
    if local:
        mt = local[-1].metric
        name = rate_of(mt.name) if re.search(r"增速|增幅|增长", s[local[-1].end:pos]) and not mt.ratio else mt.name
        return name, mt, s[start:pos]
    if AFTER_CLAIM.search(m.group(0)):
        tail = re.split(r"[，,；;、。]", s[m.end():], maxsplit=1)[0]
        tail = re.sub(r"^(?:实现|建成|开展|推出|出台|设立|获批|建立|开通|完成|推行|探索|打造)+", "", tail).strip(" “”\"的")
        if len(tail) >= 2:
            hit = find_metrics(tail)
            return (hit[0].metric.name if hit else tail[:24]), (hit[0].metric if hit else None), s[start:pos]
    span = s[start:pos]
    bare = re.sub(rf"连续\s*{_NUM}\s*年|{_NUM}\s*(?:{UNITS_RE})?|(?:继续|持续|稳|均|总量和增速)+\s*$", "", span)
    left, verb, right = bare.rpartition("实现") if "实现" in bare else ("", "", bare)
    own = _subject_as_written(left) if len(_subject_as_written(left)) >= 2 else _subject_as_written(
        TRAILING_PLACES.sub("", right))
    own = re.sub(r"^(?:基本|全面|已|均|推动|推进|加快|持续)+|(?:基本|全面|已|均|等)+$", "", own)
    if len(own) >= 2 and own not in ("增速", "增幅", "增长", "总量", "规模", "排名", "位次") and not flaw(own):
        return own, None, span
    earlier = [h for h in find_metrics(s) if h.end <= start]
    if earlier:
        mt = earlier[-1].metric
        rate = own in ("增速", "增幅", "增长") and not mt.ratio
        return (rate_of(mt.name) if rate else mt.name), mt, s[earlier[-1].start:pos]
    lead = [c for c in re.split(r"[，,；;]", s[:start]) if c.strip()]
    subject = _subject_as_written(re.sub(r"[\d.]+\S?", "", lead[-1])) if lead else ""
    return subject, None, (lead[-1] if lead else "") + s[start:pos]


def _period(s: str, pos: int, section_path: str, year: int | None, report_type: str | None):
    return fact_period(text=s, measure="", table="", section_path=section_path, report_year=year,
                       report_type=report_type, number_pos=pos)


FIVE_YEAR_CUE = re.compile(r"过去五年|五年来|这五年|过去的五年|五年间|的五年|“?十四五”?(?:时期|期间|以来)")
FIVE_YEAR_OWN = re.compile(r"(?:[5五]年(?:来|间|累计)?|五年来)(?:累计)?(?:增长|提高|提升|下降|增加|减少)\s*$")
ONE_YEAR_CUE = re.compile(r"过去一年|过去的一年|一年来|刚刚过去的(?:一年|(?:19|20)\d{2}年)|^(?:19|20)\d{2}年(?![来是])")
HEADING_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))")
FLOW = re.compile(r"新增|累计|新建|建成|新开工|培育|引进|减少|增加|完成|实施|改造|增长|提高|下降")
REACHED = re.compile(r"(?:提高|提升|增长|增加|上升|增至|达|达到|突破|跨过|跨越|迈上)(?:到|至)?\s*$")


@dataclass(frozen=True)
class Context:
    """What the paragraph so far says it reviews: the last year ("过去一年…") or the five years
    ("五年来…"); a work report's sentences without their own period take it."""
    kind: str                  # one | five
    start: int
    end: int


def context_after(s: str, ctx: Context | None, year: int | None) -> Context | None:
    if not year:
        return ctx
    one, five = ONE_YEAR_CUE.search(s), FIVE_YEAR_CUE.search(s)
    if five and (not one or five.start() > one.start()):
        return Context("five", year - 5, year - 1)
    if one:
        return Context("one", year - 1, year - 1)
    return ctx


def in_context(p: Period, st_name: str, before: str, unit: str, ctx: Context | None) -> Period:
    """A figure whose own sentence names no period (only its section does, or nothing) takes the
    paragraph's: the last year's actual, or over five years a flow / growth is cumulative, a level
    reached the last year's, a 年均 the five years'."""
    if ctx is None or p.kind == "target" or not (p.basis.startswith("章节") or p.kind == "" or
                                                  (p.kind == "average" and p.year is None)):
        return p
    if ctx.kind == "one":
        return Period(ctx.end, None, "actual", "段落：过去一年")
    if p.kind == "average":
        return Period(ctx.start, ctx.end, "average", "段落：五年")
    if REACHED.search(before) and not st_name.endswith("增速"):
        return Period(ctx.end, None, "actual", "段落：五年，所达水平")
    if st_name.endswith("增速") or unit == "个百分点" or FLOW.search(before[-8:]):
        return Period(ctx.start, ctx.end, "cumulative", "段落：五年")
    return Period(ctx.end, None, "actual", "段落：五年")


def statements_from_sentence(s: str, page: int, section_path: str, year: int | None,
                             report_type: str | None, ctx: Context | None = None) -> list[Statement]:
    """Every statement of one sentence; spans and the sentence are quoted as written (full-width kept)."""
    found = _statements(s.translate(_WIDTH), page, section_path, year, report_type, ctx)
    return [as_written(st, s) for st in found]


def as_written(st: Statement, original: str) -> Statement:
    at = st.sentence.find(st.text)
    text = original[at:at + len(st.text)] if at >= 0 else st.text
    return replace(st, sentence=original, text=text)


MILESTONE_BEFORE = re.compile(r"(?:突破|跨越|跨过|跨上|迈上|迈入|迈进|站上|登上|首破|(?<![打突])破|超|逾)\s*$")
MILESTONE_AFTER = re.compile(r"\s*(?:新)?(?:台阶|大关|关口|方阵|的(?:大)?跨越)")
ESTIMATE = re.compile(r"预计|预估")


def _bound(s: str, f: _Figure) -> str:
    """"min" for a floor (以上, 不低于, a milestone passed: 突破1000亿元, 迈上万亿元台阶), "max" for a ceiling."""
    before = s[max(0, f.start - 6):f.start]
    if f.after == "以上" or re.search(r"不低于|不少于|超过", before) or MILESTONE_BEFORE.search(before) or \
            MILESTONE_AFTER.match(s, f.end):
        return "min"
    return "max" if f.after in ("以内", "以下") or re.search(r"控制在|不超过|低于", before) else ""


def _approx(s: str, f: _Figure) -> bool:
    """左右 / 多 / a range, 约 / 近 / 突破 … in the figure's own clause, or an estimate (预计)."""
    before = s[max(0, f.start - 6):f.start]
    own = s[_span_start(s, f.start, 0):f.start]
    return f.after in ("左右", "多", "余") or f.low is not None or bool(APPROX_BEFORE.search(before)) or \
        bool(APPROX_IN.search(own)) or bool(ESTIMATE.search(s, 0, f.start))


def _statements(s: str, page: int, section_path: str, year: int | None,
                report_type: str | None, ctx: Context | None) -> list[Statement]:
    out: list[Statement] = []
    for f, name, metric, span in _figure_statements(s):
        p = _period(s, f.start, section_path, year, report_type)
        p = in_context(p, name, s[max(0, f.start - 12):f.start], f.unit, ctx)
        if FIVE_YEAR_OWN.search(s[max(0, f.start - 10):f.start]) and year and p.year_end is None:
            p = Period(year - 5, year - 1, "cumulative", "五年增长")
        if re.search(r"每年(?:超过|达到|均|都)?\s*$", s[max(0, f.start - 8):f.start]) and ctx and ctx.kind == "five":
            p = Period(ctx.start, ctx.end, "average", "每年")
        std_value, std_unit = standard(f.value, f.unit)
        start = None
        frm = re.search(r"(?:从|由)\s*(" + _NUM + r")\s*(?:" + UNITS_RE + r")?[^，。；\d]{0,8}(?:提高|提升|增长|增加|上升|下降|降低|减少)?(?:到|至)\s*$",
                        s[max(0, f.start - 40):f.start])
        if frm:
            start = _number(frm.group(1))
        kind = "change" if start is not None and p.kind in ("", "actual", "cumulative") else p.kind
        if start is not None and p.year_end is not None and kind == "change":
            p = Period(p.year_end, None, "change", p.basis)    # the level reached at the end of the span
        out.append(Statement(
            claim="figure", metric=name, text=span, sentence=s, page=page, section_path=section_path,
            topic=topic_of(name, s), value=f.value, unit=f.unit, value_std=std_value, unit_std=std_unit,
            start=start, period_year=p.year, period_end=p.year_end, period_kind=kind,
            approx=_approx(s, f), bound=_bound(s, f)))
    for m in RANK_RE.finditer(s):
        name, metric, span = _claim_subject(s, m)
        if len(name) < 2 or SUB_YEAR.search(s[_span_start(s, m.start(), 0):m.start()]):
            continue
        no = 1 if m.group("first") else cn_number(m.group("no"))
        rank_text = s[m.start():m.end()]
        p = in_context(_period(s, m.start(), section_path, year, report_type), name, "", "", ctx)
        out.append(Statement(claim="rank", metric=name, text=(span + rank_text).strip("，,、 "), sentence=s,
                             page=page, section_path=section_path, topic=topic_of(name, s), rank=rank_text,
                             rank_no=no, period_year=p.year, period_end=p.year_end, period_kind=p.kind))
    for rx, claim in ((COVER_RE, "coverage"), (FIRST_RE, "first"), (RECORD_RE, "rank")):
        for m in rx.finditer(s):
            name, metric, span = _claim_subject(s, m)
            if len(name) < 2:
                continue
            p = in_context(_period(s, m.start(), section_path, year, report_type), name, "", "", ctx)
            end = min((b.start() for b in BOUNDARY.finditer(s, m.end())), default=len(s))
            out.append(Statement(claim=claim, metric=name, text=(span + s[m.start():end]).strip("，,、 。"),
                                 sentence=s, page=page, section_path=section_path, topic=topic_of(name, s),
                                 rank=m.group(0), period_year=p.year, period_end=p.year_end,
                                 period_kind=p.kind))
    return out


def statements_from_paragraphs(paragraphs: Iterable[Paragraph], *, year: int | None, report_type: str | None,
                               section_of) -> list[Statement]:
    """Every statement of a report's prose. `section_of(sentence, page)` gives a sentence's section path."""
    family = report_family(report_type)
    accounts = family in ("budget", "final", "target_form")
    out: list[Statement] = []
    ctx: Context | None = None
    review = family in ("work_report", "annual", "self_eval")
    for para in paragraphs:
        text = para.text.replace("\n", "")
        if HEADING_HEAD.search(text):
            ctx = None
        for s in sentences(text):
            if review:
                ctx = context_after(s, ctx, year)
            if len(s) < 6:
                continue
            found = statements_from_sentence(s, para.page, section_of(s, para.page), year, report_type,
                                             ctx if family == "work_report" else None)
            if accounts:   # a budget's / final account's money figures are its facts, not achievements
                found = [st for st in found if not (st.claim == "figure" and st.unit_std in MONEY_UNITS)]
            out.extend(found)
    return out


__all__ = ["statements_from_sentence", "statements_from_paragraphs", "sentences"]
