"""What may name a statement's metric: a noun phrase of a measurable quantity ("高标准农田",
"规上工业企业", "行政村生活污水治理率"), never a rank word ("前三"), a comparison ("高于全省"),
a bare administrative unit or level ("行政村", "省级"), a verb without its object ("新开工",
"推进"), a unit ("亿元") or a fragment cut at a quote or a conjunction ("四上”企业", "和改造…").
Pure regexes and functions; statements.py repairs what it can and drops the rest.
"""
from __future__ import annotations

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")
_CN_NO = r"[一二三四五六七八九十百千两\d]+"

RANK_NAME = re.compile(rf"(?:前|第){_CN_NO}(?:强|位|名|个|项|方阵)?|首位|前列|前茅|领先|第一方阵|{_CN_NO}强|百强|倍")
COMPARISON_LEAD = re.compile(r"^(?:分别)?(?:高于|低于|快于|慢于|超出|超过|领先|优于|好于|多于|少于)"
                             r"(?:全国|全省|全市|全区|全州|全盟|同期|平均|预期|目标|年初|上年)")
LEVEL = r"(?:国家|省|自治区|市|州|盟|县|区|乡|镇|村)级"
ADMIN_NAME = re.compile(
    rf"全?(?:{LEVEL}|省|市|县|区|州|盟|旗|乡|镇|村|街道|社区|行政村|自然村|乡镇|镇街|镇村|县区|县市区|区县|村居|"
    rf"县[（(]市|县[（(]市[、，]区[）)]|县[（(]市[）)]|县[（(]市、区[）)]|市[（(]县|园区|开发区|城市|地区|省份|省市)"
    rf"(?:以上|及以上)?")
LEVEL_LEAD = re.compile(rf"^{LEVEL}(?:以上|及以上)?")
# verbs (and the adverbs around them) that say what was done, not what was counted
VERBS = re.compile(
    r"新开工|开工|复工|竣工|投产|建成|建设|新建|改建|扩建|改造|提升|新增|新签约?|签约|引进|新引进|招引|推进|推动|实施|"
    r"开展|出台|制定|印发|落实|加快|谋划|组织|举办|召开|培育|打造|创建|认定|设立|选派|确保|力争|争取|持续|进一步|"
    r"全面|加强|深化|支持|完成|实现|达到|累计|总计|共|合计|全年|全市|全省|全区|全国|全球|世界|成为|今年|年内|其中|分别|同比|新|共计|"
    r"提高|降低|下降|增长|增加|减少|突破|超过|达|为|是|在|了|的|等|和|与|及|两个|以上|左右")
UNIT_NAME = re.compile(r"(?:万亿|亿|万|千|百)?(?:元|美元|吨|亩|人|户|个|家|项|件|条|台|辆|公里|平方米|千瓦)(?:以上|左右)?")
FRAGMENT_LEAD = re.compile(r"^(?:和(?!美)|及(?!时)|与|、|的|并|或|等(?!级)|占|其中)")
FRAGMENT_TAIL = re.compile(r"(?:稳定在|保持在|保持|控制在|不少于|不低于|不超过|均为|均达|(?<!平)均|分别|达到|达|为|以上|左右)$")
SUB_YEAR = re.compile(r"第?[一二三四1-4]季度|[上下]半年|前[一二三四五六七八九十两\d]+个?(?:季度|月)|"
                      r"\d{1,2}\s*(?:[—\-~～]|至)\s*\d{1,2}\s*月")
THRESHOLD_TAIL = re.compile(r"\d\s*(?:万亿|亿|万|千|百)?(?:元|美元|吨|亩|人|户|个|家|项|件|条|台|辆|公里|千瓦|%)?(?:以上)?$")
TOTAL_WORDS = re.compile(r"总数|总量|累计|总计|合计|总规模|数量")


def _han(s: str) -> int:
    return len(_HAN.findall(s))


def balanced(name: str) -> str:
    """A name with its quotes closed: a closing mark without its opening one gets it back at the
    start ("四上”企业" → "“四上”企业"); an opening mark never closed is dropped."""
    if name.count("”") > name.count("“") and name.find("”") < (name.find("“") if "“" in name else len(name)):
        name = "“" + name
    if name.count("“") > name.count("”"):
        cut = name.rfind("“")
        name = name[:cut] + name[cut + 1:]
    return name


def flaw(name: str) -> str:
    """Why `name` is no metric: "period", "rank", "comparison", "admin", "verb", "unit",
    "fragment"; "" when it is one."""
    n = re.sub(r"\s+", "", name).strip("\"'")
    if n.startswith("“") and n.endswith("”") and n.count("“") == 1:
        n = n[1:-1]
    if not n or _han(n) < 2 and not re.search(r"[A-Za-z]{2,}", n):
        return "fragment"
    if SUB_YEAR.match(n):
        return "period"
    if RANK_NAME.fullmatch(n):
        return "rank"
    if COMPARISON_LEAD.match(n):
        return "comparison"
    if ADMIN_NAME.fullmatch(n):
        return "admin"
    if UNIT_NAME.fullmatch(n):
        return "unit"
    if FRAGMENT_LEAD.search(n) or FRAGMENT_TAIL.search(n) or n.count("“") != n.count("”") or THRESHOLD_TAIL.search(n):
        return "fragment"
    if _han(VERBS.sub("", n)) < 2 and not re.search(r"[A-Za-z]{2,}|率$", n):
        return "verb"
    return ""


def is_total_word(name: str) -> bool:
    """"总数" / "总量" / "累计": the total of what the sentence named before."""
    return bool(TOTAL_WORDS.fullmatch(re.sub(r"^(?:其中|全市|全省|全区|累计)", "", name))) or name in ("累计", "总数")


def with_level(level_name: str, prev: str) -> str:
    """"省级" after "国家级“专精特新”企业": the same thing at that level ("省级“专精特新”企业")."""
    m = LEVEL_LEAD.match(prev)
    if not m:
        return ""
    lead = LEVEL_LEAD.match(level_name)
    return (lead.group(0) if lead else level_name) + prev[m.end():]
