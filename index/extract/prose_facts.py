"""Sentences → facts.

Each number followed by a unit (万元, %, 台, 项, 个, 件 ...) is a candidate.  Its
subject is the noun phrase it counts/measures: the phrase after the unit for
counts ("1835 台“粤智助”政府服务自助机"), otherwise the phrase before the number
with measure words stripped ("公务接待费支出决算为 1.13 万元" → 公务接待费 / 决算).
Figures without a unit, years, dates, 表N, section numbers and phone numbers are
skipped; a figure whose subject cannot be found is dropped (precision first).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from index.extract.numbers import CN_NUM_CHARS, parse_arabic, parse_chinese, to_halfwidth
from index.extract.run_in import names_an_item, run_in_item
from index.extract.subjects import normalise_subject
from index.extract.units import COUNT_UNITS, MONEY_UNITS
from index.records import Fact, Paragraph

_UNITS = sorted(set(MONEY_UNITS) | set(COUNT_UNITS) | {"%"}, key=len, reverse=True)
_UNIT_ALT = "|".join(re.escape(u) for u in _UNITS)
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MENTION_RE = re.compile(
    r"(?P<pre>约|近|超过|逾|将近|大约|接近|突破)?\s*"
    r"(?P<num>" + _ARABIC + r"|[" + CN_NUM_CHARS + r"]+)\s*"
    r"(?P<scale>万|亿)?\s*(?P<suf>多|余)?\s*"
    r"(?P<unit>" + _UNIT_ALT + r")"
    r"(?P<post>以上|左右|以内|以下)?"
)
_SENT_SPLIT = re.compile(r"(?<=[。；;！？!?])")
_CLAUSE_DELIMS = "，,；;。：:、（(）)"
VERBS = ("铺设", "上线", "接到", "接听", "受理", "办理", "办结", "交换", "申请", "报送", "评审", "立项", "提供",
         "建立", "完成", "汇聚", "汇总", "收集", "覆盖", "开展", "组织", "举办", "培训", "发布", "转派", "处理",
         "新增", "建设", "建成", "接入", "共享", "开放", "归集", "部署", "整合", "迁移", "涵盖", "设置", "核定",
         "录入", "印发", "转发", "检查", "发现", "整改", "推出", "梳理", "编制", "发生", "接待", "安排", "采购",
         "发放", "补助", "支持", "服务", "认定", "减少", "节约", "实施", "签订", "制定", "修订", "出台", "开通",
         "审核", "审批", "登记", "回复", "答复", "办件", "接收", "调用", "访问", "注册", "下载", "使用", "召开")
_DEPT_RE = re.compile(r"^.*?(?:管理局|数据局|财政局|本部门|本单位|我局|我部门|我单位|我市|全市"
                      r"|(?:市|区|县|省|州)[\u4e00-\u9fff]{1,14}?(?:局|委员会|办公室|中心|街道办事处|办事处))(?=\S)")
# counted things that often run straight into the next figure's subject ("0个单位出国团组0个")
_HEAD_NOUNS = ("单位", "部门", "项目", "企业", "机构", "团组", "个人", "镇街", "区", "镇", "村", "人")
_YEAR_RE = re.compile(r"(?:截[至止])?\s*\d{4}\s*年(?:度|底|末)?(?:\d{1,2}\s*月(?:\d{1,2}\s*日)?)?(?:以来)?")
_LEAD_WORDS = re.compile(r"^(?:其中|主要是|主要包括|包括|分别是|全年|当年|共|累计|合计|总计|已|截至目前|目前|同时|此外|另外|以及|和|及|与|并|为|是|有|达|的|了"
                         r"|在(?!职|编|岗|建|校|线|途|库))+")
_TAIL_MEASURE = re.compile(
    r"(?P<m>(?:支出)?(?:决算数?|全年预算数|年初预算数?|调整预算数?|预算数?|执行数|实际支出|总额|合计|金额)?)"
    r"(?:为|是|达到|达|共计|共|约)*$")


_LEAD_LABEL = re.compile(r"^\s*[（(][一二三四五六七八九十\d]{1,3}[)）][、.]?")


def _clean_np(s: str) -> str:
    s = _LEAD_LABEL.sub("", s)           # "（三）年终结转结余资金": not "三）年终…"
    s = re.sub(r"[（(][类款项][)）]$", "", s.strip())   # "工资福利支出(类)": the 类/款/项 of a 科目
    s = s.strip(" ，,、：:；;。（）()")
    s = _LEAD_WORDS.sub("", s)
    # verbs and the adverbs before them ("进出口总额接连突破…", "总值首次超过…") are not the subject
    s = re.sub(r"(?:为|是|达到|达|共计|共|约|的|了|等|突破|超过|超|逾|稳定在|保持在|提高到|提高至|提升到|提升至|"
               r"增至|升至|降至|减至|增加到|增加至|实现|接连|连续|相继|先后|首次|再次|已经)+$", "", s)
    return s.strip(" ，,、：:；;。")


def _topic(sentence: str) -> str:
    """Subject given as a heading-like lead: "X绩效自评综述：..." → X."""
    m = re.match(r"^\s*([^，,。；;：:]{2,40})[：:]", sentence)
    if not m:
        return ""
    t = re.sub(r"(?:绩效)?(?:自评)?(?:综述|情况|结果|说明)$", "", m.group(1))
    t = re.sub(r"^\d+[.、．]", "", t)
    return _clean_np(t)


def _right_np(text: str) -> str:
    """Noun phrase right after a count unit: up to a delimiter / verb-like break."""
    out = ""
    depth = 0
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (ch in "，,；;。：:、！？" or ch.isdigit()):
            break
        out += ch
        if len(out) >= 30:
            return ""
    nxt = text[len(out):len(out) + 1]
    out = re.split(r"(?:的|全覆盖|实现|提供|进行|开展|通过|等|共|，|和|按|分别|均由|由|用于|主要)", out)[0] if out else out
    out = re.sub(r"\([^()]*\d[^()]*\)", "", out).strip()
    out = re.sub(r"[（(][^）)]*$", "", out).strip()          # an unclosed bracket: an aside follows
    if nxt.isdigit():
        # the phrase runs into the next figure: keep only a leading head noun, else nothing
        head = next((h for h in _HEAD_NOUNS if out.startswith(h) and len(out) > len(h)), None)
        out = head if head else out
    if out.startswith(("以上", "左右", "的", "之", "，", "(")) or re.match(r"^[次中内后前](?:[，,。；;的]|$)", out):
        return ""
    return out


def _left_clause(text: str) -> str:
    """Text after the last clause delimiter or unclosed parenthesis."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        c = text[i]
        if c in ")）":
            depth += 1
        elif c in "(（":
            if depth == 0:
                return text[i + 1:]
            depth -= 1
        elif depth == 0 and c in "，,；;。：:、" and not _thousands_comma(text, i):
            return text[i + 1:]
    return text


def _thousands_comma(text: str, i: int) -> bool:
    """"99,003.18": the comma at i separates thousands."""
    return text[i] == "," and text[i - 1:i].isdigit() and bool(re.match(r"\d{3}(?!\d)", text[i + 1:]))


def _skip_context(before: str, after: str, num: str, unit: str) -> bool:
    b = before.rstrip()
    if b.endswith(("第", "表", "附件", "电话", "编号", "代码")):
        return True
    if unit in ("分", "人", "名") and after.startswith(("钟", "之", "析", "别", "类", "民", "员")):
        return True
    if unit == "条" and after.startswith(("例", "件")):
        return True
    if unit == "名" and after.startswith(("称", "单")):
        return True
    if unit == "个" and after.startswith(("人", "别")) and unit != "人":
        return True
    return False


_DETACHED = re.compile(r"(?:(?<![\d.,万])[万亿]元|(?<![\d.,万亿千])元)(?=[,，;；。:：、]|其中|$)|[为占计达]%|占[;；,，。]")


_RATE_NOT_SUBJECT = re.compile(r"^(同口径|同比|分别|比上年|较上年|年均|平均|全年|累计|均|各|实际|名义|可比价)$")


def _rate_subject(clause: str) -> str:
    """"其中规模工业增加值增长" → 规模工业增加值: a growth rate's own subject when its clause
    names one; "" (the sentence's previous subject applies) for a bare "增长"."""
    cl = re.sub(r"(?:比上年|较上年|同比|比去年|比\d{4}年|较\d{4}年)?(?:分别|均|年均|平均)?"
                r"(?:增长|增加|上升|提高|下降|减少|降低)$", "", _YEAR_RE.sub("", clause.strip()))
    cl = _clean_np(cl)
    if len(cl) < 2 or _RATE_NOT_SUBJECT.match(cl) or re.search(r"\d", cl):
        return ""
    return cl


_STATISTIC = re.compile(r"^(?:全省|全市|全区|全国|我省|我市|过去五年|五年来|“十四五”时期|十四五时期|[,，、])*"
                        r"([\u4e00-\u9fff]{0,10}?(?:生产总值|增加值|一般公共预算收入|财政收入|居民人均可支配收入|"
                        r"社会消费品零售总额|进出口总额|固定资产投资|粮食产量|产值|营业收入))")


def _lead_statistic(sentence: str) -> str:
    """"地区生产总值连跨两个万亿元台阶，年均增长5.7%": a bare growth rate is the rate of the
    statistic the sentence opens with."""
    m = _STATISTIC.match(sentence)
    return m.group(1) if m else ""


def detached_numbers(sentence: str) -> bool:
    """A text layer that placed the numbers elsewhere ("支出决算为万元，占；"): the figures
    left in such a sentence cannot be tied to their words, so it yields no facts."""
    return bool(_DETACHED.search(sentence))


@dataclass(frozen=True)
class _Context:
    """What a sentence has said before a figure: its topic, last subject and comparison."""
    topic: str
    last_subject: str = ""
    last_ref: str = ""       # the comparison the last change was stated against ("比上年")
    prev_end: int = 0        # where the last figure taken (and its counted noun) ends


@dataclass(frozen=True)
class _Reading:
    """A figure's subject and measure as its clause gives them (before the subject is tidied)."""
    subject: str
    measure: str
    right: str = ""              # a count's noun written after its unit
    ref: str | None = None       # a new comparison for the sentence's later figures


def facts_from_paragraph(p: Paragraph) -> list[Fact]:
    """The facts of a paragraph's sentences (figures of money, rates and counts with their subjects).
    A run-in heading ("2.公务接待费。", or the heading line right above the paragraph) names the
    item whose figure the next sentence gives without naming it; the fact cites heading and sentence.
    A sentence that opens with the comparison ("较2025年年初预算增加197.71万元") compares the item of
    its paragraph (`_paragraph_item`)."""
    text = re.sub(r"\s+", "", to_halfwidth(p.text))
    section = getattr(p, "section_path", "") or ""
    lead = run_in_item(getattr(p, "heading", "") or "", at_start=True)
    lead_text, para_item = "", None
    out: list[Fact] = []
    for i, sent in enumerate(s for s in _SENT_SPLIT.split(text) if s.strip()):
        item = run_in_item(sent, at_start=i == 0)
        if item:
            lead, lead_text = item, sent
            continue
        if not lead and para_item and _OPENS_COMPARED.match(sent) and (para_item[2] or i == 1):
            lead, lead_text = para_item[:2]            # cited with the sentence that names the item
        if not detached_numbers(sent):
            facts = _sentence_facts(sent, p.page, section, lead)
            named = _final_subject(lead) if lead_text else ""
            out.extend(replace(f, text=lead_text + f.text) if named and f.subject == named else f for f in facts)
            para_item = _paragraph_item(sent, facts) if i == 0 else para_item
        lead, lead_text = "", ""           # a heading names the item of the next sentence only
    return out


def _paragraph_item(first: str, facts: list[Fact]) -> tuple[str, str, bool] | None:
    """The item a paragraph's first sentence gives the amount of, the sentence, and whether it is a
    labelled item ("（一）在职人员经费3,098.93万元，…": its later comparisons compare it) or else the
    sentence's only amount ("基本支出预算数为9964.07万元。": the next sentence only)."""
    money = [f for f in facts if f.unit in MONEY_UNITS and not f.measure.startswith("比")]
    if money and _LEAD_LABEL_ANY.match(first):
        return money[0].subject, first, True
    if len(money) == 1 and len(facts) == 1:
        return money[0].subject, first, False
    return None


_OPENS_COMPARED = re.compile(r"^(?:(?:与|同)?(?:比|较)(?:\d{4}年|上年|去年)|与(?:\d{4}年度?|上年度?|去年)相比)")
_LEAD_LABEL_ANY = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[.、](?!\d))")


def _sentence_facts(sent: str, page: int, section: str, lead: str = "") -> list[Fact]:
    """A sentence's facts, left to right: mention → value → clause → reading → subject → fact.
    `lead`: the item a run-in heading before the sentence names (its topic when it has none)."""
    ctx = _Context(topic=_topic(sent) or lead)
    out: list[Fact] = []
    for m in MENTION_RE.finditer(sent):
        value = _mention_value(sent, m)
        if value is None:
            continue
        clause = _mention_clause(sent, m, ctx.prev_end)
        reading = _read_mention(sent, m, clause, ctx)
        if reading is None:
            continue
        if reading.ref is not None:
            ctx = replace(ctx, last_ref=reading.ref)
        subject = _final_subject(reading.subject)
        if not subject:
            continue
        out.append(_prose_fact(sent, m, subject, reading.measure, value, page, section))
        ctx = _after_fact(ctx, sent, m, reading.right, subject, clause)
    return out


def _mention_value(sent: str, m: re.Match) -> float | None:
    """The figure's value; None for a year, a 表N, part of a longer number or a lone 一/两."""
    num, unit = m.group("num"), m.group("unit")
    before, after = sent[: m.start()], sent[m.end():]
    if _skip_context(before, after, num, unit):
        return None
    if num[0].isdigit():
        v = parse_arabic(num)
        if before[-1:].isdigit() or before.endswith((".", ",")):
            return None
    else:
        if num in ("一", "两") or len(num) == 1 and not re.search(r"(共|有|为|达|设|了|建|各|计)$", before):
            return None
        v = parse_chinese(num)
    return v


def _mention_clause(sent: str, m: re.Match, prev_end: int) -> str:
    """The words before a figure in its clause, from the end of the previous figure taken."""
    clause = _left_clause(sent[: m.start()])
    if prev_end > m.start() - len(clause) and prev_end <= m.start():
        clause = sent[prev_end:m.start()]
    return clause


def _read_mention(sent: str, m: re.Match, clause: str, ctx: _Context) -> _Reading | None:
    """Subject and measure of a figure by its unit: a rate, an amount of money or a count."""
    unit = m.group("unit")
    before, after = sent[: m.start()], sent[m.end():]
    if unit == "%":
        return _rate_reading(sent, before, clause, ctx)
    if (m.group("scale") or "") + unit in MONEY_UNITS or unit in MONEY_UNITS:
        if m.group("post") and re.match(r"[\u4e00-\u9fff]", after):
            return None          # "单价 50 万元以上通用设备": a threshold, not a figure
        return _money_reading(before, clause, ctx)
    return _count_reading(after, clause, unit)


_RATE_WORDS = r"(?:得分率|满意度|覆盖率|达标率|合格率|办结率|准确率|及时率|完成比例)"


def _rate_reading(sent: str, before: str, cl: str, ctx: _Context) -> _Reading | None:
    """A % figure: a completion rate, a growth rate, a share or a rate stated as a level."""
    subject, measure = "", ""
    if re.search(r"完成(?:预算|年度预算|计划)?.*的$|完成率|执行率|完成$", cl) or re.search(r"完成预算[\d.,]*万?元的$", before[-30:]):
        measure = "完成率"
    elif re.search(r"(增长|增加|上升|提高|下降|减少|降低)$", cl.strip()):
        up = bool(re.search(r"(增长|增加|上升|提高)$", cl.strip()))
        measure = _change_measure(cl if re.search(r"比|较", cl) else ctx.last_ref + cl, rate=True, up=up)
        subject = _rate_subject(cl)
    elif re.search(r"占.*?的?$", cl) and "占" in cl:
        measure = "占比"
    elif re.search(_RATE_WORDS, cl):
        mm = re.search(r"([^\s，。；]{0,12}?" + _RATE_WORDS + ")", cl)
        subject = _clean_np(mm.group(1)) if mm else ""
        measure = "比率"
    elif re.search(r"(率|强度|比重|比例|占比|水平|指数)(?:达到|达|为|提升至|提高到|提高至|提升到|升至|降至|"
                   r"稳定在|保持在|超过|突破)$", cl.strip()):
        # "全社会研发投入强度提升至2.62%": a rate stated as a level
        subject = _clean_np(_YEAR_RE.sub("", cl))
        measure = "比率"
    else:
        return None
    return _Reading(subject or ctx.last_subject or ctx.topic or _lead_statistic(sent), measure)


# a comparison clause: "比上年", "较2025年年初预算", "比2025年财政拨款“三公”经费年初预算" … + a change verb
_COMPARED = re.compile(r"(?:比|较)(?:上年|年初|去年|预算)|^(?:比|较)(?!例|重|率|大|好|快|高|低|多|少|为|强|弱)"
                       r"|^与(?:上年|去年|年初预算)?(?:度)?相比")


def _money_reading(before: str, clause: str, ctx: _Context) -> _Reading:
    """An amount of money: a change against a reference, a budget completed, or an amount."""
    cl = _YEAR_RE.sub("", clause)
    cl = _DEPT_RE.sub("", cl) if len(cl) > 6 else cl
    cl = re.sub(r"(增加|减少)\((?:增加|减少)\)$", "增减", cl.strip())    # "比上年预算增加(减少)"
    if _COMPARED.search(cl.strip()) and re.search(r"(增加|减少|增长|下降|持平|变化|增减)$", cl.strip()):
        measure = _change_measure(cl, rate=False, up=not re.search(r"(减少|下降)$", cl.strip()),
                                  change=bool(re.search(r"(变化|增减)$", cl.strip())))
        head = re.sub(r"费支出$", "费", _clean_np(cl[:_COMPARED.search(cl).start()]))  # "X补贴较上年减少"
        return _Reading(head if names_an_item(head) else ctx.last_subject or ctx.topic, measure, ref=cl)
    if re.search(r"(增加|减少)$", cl.strip()) and re.search(r"与\d{4}年度?相比|较上年|同比", before):
        up = cl.strip().endswith("增加")
        subject = _clean_np(re.sub(r"(增加|减少)$", "", cl.strip())) or ctx.last_subject or ctx.topic
        return _Reading(subject, f"比上年{'增加' if up else '减少'}", ref="比上年")
    if re.search(r"完成(?:年度)?预算$", cl.strip()):
        return _Reading(ctx.last_subject or ctx.topic, "预算")
    if _COMPARED.search(cl.strip()):
        return _Reading("", "")          # "比2025年年初预算数99,003.18万元": the base of a comparison
    reading = _amount_reading(cl, ctx.topic, first=not ctx.last_subject)
    if reading.subject in ("支出", "收入") and names_an_item(ctx.topic):
        # "1.住房公积金(项):支出1,073.77万元", "…费。年初预算为62.29万元，支出决算为60.99万元": the item's
        return replace(reading, subject=ctx.last_subject or ctx.topic)
    return reading


_BARE = re.compile(r"^(?:安排|预算安排|共计|共|合计|总计)?$")
_WHEN = re.compile(r"^(?:上年|去年|上一年度?|本年|今年|当年)$")


def _amount_reading(cl: str, topic: str, first: bool = True) -> _Reading:
    """"公务接待费支出决算为": the subject before the measure word (决算, 预算数, 总额 …). A clause
    without one ("2026年预算数", "：") gives the figure of the sentence's topic: a run-in heading or
    a "X：" lead that names an item; "上年预算数" keeps its 上年 in the measure."""
    tm = _TAIL_MEASURE.search(cl)
    mword = tm.group("m") if tm else ""
    subj = cl[: tm.start()] if tm else cl
    subj = _clean_np(subj)
    if _WHEN.match(subj) and not mword:
        return _Reading("", "")          # "上年5万元": a time, no subject
    if _WHEN.match(subj) and not mword.startswith("支出") and mword not in ("总额", "合计"):
        subj, mword = "", subj + mword   # "上年预算数": the measure is dated, the subject is the topic
    if _BARE.match(subj) and first and names_an_item(topic):
        subj = topic
    subj = re.sub(r"(费)财政拨款$", r"\1", subj)
    if mword.startswith("支出") and subj.endswith("费"):
        mword = mword[2:]
    elif mword.startswith("支出"):
        subj, mword = subj if subj.endswith("支出") else subj + "支出", mword[2:]
    if subj.endswith("费支出"):
        subj = subj[:-2]
    measure = {"决算": "决算", "决算数": "决算", "预算": "预算", "预算数": "预算"}.get(mword, mword) or "金额"
    if measure in ("总额", "合计"):
        subj, measure = subj + mword, "金额"
    if not subj:
        subj = topic if measure != "金额" else ""
    return _Reading(subj, measure)


def _count_reading(after: str, clause: str, unit: str) -> _Reading:
    """A count: the counted thing written after the unit, else the words before the figure."""
    right = _right_np(after)
    cl = _YEAR_RE.sub("", clause)
    verb = _last_verb(cl)
    if right and not re.match(r"^(以上|左右)", right):
        return _Reading(right, verb or ("得分" if unit == "分" else "数量"), right=right)
    left = cl[cl.rfind(verb) + len(verb):] if verb else cl
    left = _DEPT_RE.sub("", left) if len(left) > 8 else left
    subject = _clean_np(left)
    if verb and len(subject) <= 2 and re.match(r"(人数|次数|数量|人次|总数|数)", subject or "-"):
        subject, verb = verb + subject, ""
    elif verb and not subject:
        # "发生国内接待 1 次": the verb word is the counted thing's own noun
        subject, verb = _clean_np(_noun_before_verb(cl, verb)), ""
    if unit == "分":
        subject = re.sub(r"(?:绩效)?得分$", "", subject) + ("绩效得分" if "绩效" in cl else "得分")
        return _Reading(subject.replace("的", ""), "得分", right=right)
    return _Reading(subject, verb or "数量", right=right)


_VERBS_LONGEST = sorted(VERBS, key=len, reverse=True)


def _last_verb(cl: str) -> str:
    """The verb closest to the end of a clause (within 8 characters, outside quotes), or ""."""
    verb = ""
    for vb in _VERBS_LONGEST:
        i = cl.rfind(vb)
        if i >= 0 and len(cl) - (i + len(vb)) <= 8 and not re.search(r"[“”\"]", cl[i:]) and \
                (not verb or i + len(vb) > cl.rfind(verb) + len(verb)):
            verb = vb
    return verb


def _noun_before_verb(cl: str, verb: str) -> str:
    """The words between an earlier verb and the clause's last `verb` ("发生国内接待" → 国内接待)."""
    head = _DEPT_RE.sub("", cl) if len(cl) > 8 else cl
    for vb in _VERBS_LONGEST:
        k = head.rfind(vb, 0, max(0, len(head) - len(verb)))
        if k >= 0 and k + len(vb) < len(head) - len(verb):
            return head[k + len(vb):]
    return head


def _final_subject(subject: str) -> str:
    """The subject normalised and tidied; "" when it is unfinished, too short/long or a number."""
    subject = _tidy_subject(normalise_subject(re.sub(r"\([^()]*\d[^()]*\)", "", subject)))
    if subject.endswith(("不", "到", "至", "超过", "达到")):
        return ""
    if not subject or len(subject) < 2 or len(subject) > 40 or re.fullmatch(r"[\d.,%\s]+", subject):
        return ""
    return subject


def _prose_fact(sent: str, m: re.Match, subject: str, measure: str, value: float, page: int,
                section: str) -> Fact:
    """The Fact of one figure in a sentence, its 约/多/以上 kept as the qualifier."""
    quals = "".join(q for q in (m.group("pre"), m.group("suf"), m.group("post")) if q)
    return Fact(subject=subject, subject_raw=subject, measure=measure, value=float(value),
                unit=(m.group("scale") or "") + m.group("unit"), page=page, text=sent.strip(), source="prose",
                table="", section_path=section, approx=bool(quals), qualifier=quals)


def _after_fact(ctx: _Context, sent: str, m: re.Match, right: str, subject: str, clause: str) -> _Context:
    """The context for the next figure: where this one (and its counted noun) ends, its subject."""
    unit = m.group("unit")
    counted = unit not in MONEY_UNITS and unit != "%"
    prev_end = m.end() + (len(right) if (counted and right and sent[m.end():m.end() + len(right)] == right) else 0)
    keep = (unit in MONEY_UNITS and not _COMPARED.search(_YEAR_RE.sub("", clause).strip())) or counted
    return replace(ctx, last_subject=subject if keep else ctx.last_subject, prev_end=prev_end)


def _tidy_subject(s: str) -> str:
    """Short, meaningful prose subject: funding verbs and totals words around the noun
    dropped ("财政拨款安排“三公”经费" → "“三公”经费", "机关运行经费安排" → "机关运行经费"),
    a "共/累计" inside it starts the noun ("12345热线共接群众来电" → "群众来电")."""
    if not s:
        return s
    t = re.sub(r"^(?:一般公共预算|政府性基金预算|财政拨款|财政资金)?(?:拨款)?安排(?=.{2})", "", s)
    t = re.sub(r"(?<=.{2})安排$", "", t)
    m = re.search(r"(?:(?<![公总])共|累计)(?:计)?(?:接|收到|收|受理|办理|处理)?(.{2,})$", t)
    if m and m.start() >= 2:
        t = m.group(1)
    t = re.sub(r"^(?:本年度|本年|今年|全年|当年)(?=.{2})", "", t)
    return t or s


def _change_measure(clause: str, rate: bool, up: bool, change: bool = False) -> str:
    ref = "上年"
    m = re.search(r"(?:比|较)(上年|年初|去年|预算)(决算|预算)?", clause)
    if m:
        ref = {"去年": "上年"}.get(m.group(1), m.group(1))
        if m.group(1) == "年初":
            ref = "年初预算"
    elif re.search(r"^(?:比|较).*年初预算", clause.strip()):
        ref = "年初预算"               # "比财政拨款“三公”经费年初预算"
    if change and not rate:
        return f"比{ref}变化"
    if rate:
        return f"比{ref}{'增长' if up else '下降'}率"
    return f"比{ref}{'增加' if up else '减少'}"


def facts_from_paragraphs(paragraphs: Sequence[Paragraph]) -> list[Fact]:
    out: list[Fact] = []
    for p in paragraphs:
        out.extend(facts_from_paragraph(p))
    return out
