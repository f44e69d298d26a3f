"""Bilingual glossary of report terms: English phrases people type → the Chinese words
the reports use. Longest phrase first when translating."""
from __future__ import annotations

import re

# English phrase (lowercase, regex) → Chinese report term
EN_TERMS: tuple[tuple[str, str], ...] = (
    (r"gdp growth(?: rate)?|economic growth(?: rate)?|growth of (?:the )?(?:gdp|economy)", "地区生产总值 增长率"),
    (r"\bgdp\b|gross (?:regional|domestic) product|size of (?:the )?economy", "地区生产总值"),
    (r"grain (?:output|production|harvest)|grain|how much grain", "粮食产量"),
    (r"new urban jobs|urban employment|jobs created", "城镇新增就业"),
    (r"r&d (?:intensity|spending|investment)|research and development", "研发投入强度"),
    (r"targets?|goals?|expected", "预期目标"),
    (r"average annual|annual average|14th five[- ]year plan|five[- ]year", "十四五 年均"),
    (r"official receptions?|reception (?:expenses?|costs?|spending)|hospitality", "公务接待费"),
    (r"three public (?:expenses?|expenditures?|consumptions?)|three[- ]public|sangong", "“三公”经费"),
    (r"overseas (?:travel|trips?)|going abroad|outbound (?:visits?|travel)", "因公出国（境）费"),
    (r"official (?:vehicles?|cars?)(?: purchase and operation| costs?| expenses?)?|government cars?", "公务用车购置及运行费"),
    (r"vehicles? (?:held|owned|in service)|number of (?:official )?vehicles?", "公务用车保有量"),
    (r"local general public budget (?:revenue|income)|local (?:fiscal|budget) revenue", "地方一般公共预算收入"),
    (r"rural (?:surplus )?labou?r (?:transfer(?:red)?|migration)(?: employment)?|transfer employment of rural labou?r",
     "农村劳动力转移就业"),
    (r"(?:surveyed )?urban (?:surveyed )?unemployment(?: rate)?", "城镇调查失业率"),
    (r"fixed[- ]asset investment|investment in fixed assets", "固定资产投资"),
    (r"retail sales(?: of consumer goods)?|consumer retail sales", "社会消费品零售总额"),
    (r"per capita disposable income", "人均可支配收入"),
    (r"general public budget (?:appropriation )?(?:revenue|income)|general budget (?:revenue|income|appropriations?)", "一般公共预算财政拨款收入"),
    (r"government fund budget", "政府性基金预算财政拨款"),
    (r"total (?:expenditures?|spending)|total expenses|total budget", "本年支出合计"),
    (r"total (?:revenue|income)", "本年收入合计"),
    (r"basic expenditures?|basic spending|basic expenses", "基本支出"),
    (r"project expenditures?|project spending|project expenses", "项目支出"),
    (r"personnel (?:costs?|expenses?|expenditures?)|staff costs?|(?:spending|expenditures?|expenses?) on personnel|personnel", "人员经费"),
    (r"wages?|salar(?:y|ies)", "工资福利支出"),
    (r"rent(?:al)?|leasing", "租赁费"),
    (r"public (?:costs?|expenses?)|office expenses", "公用经费"),
    (r"operating (?:costs?|expenses?) of (?:the )?(?:agency|organs?|government offices?)|running costs?|operating funds?", "机关运行经费"),
    (r"government procurement", "政府采购支出总额"),
    (r"science and technology|s&t|technology spending", "科学技术支出"),
    (r"housing provident fund", "住房公积金"),
    (r"carry[- ]?over|carried over|balance brought forward", "年初结转和结余"),
    (r"self[- ]service (?:kiosks?|terminals?|machines?)|kiosks?", "粤智助政府服务自助机"),
    (r"performance (?:self[- ]assessment |self[- ]evaluation |evaluation )?score|self[- ]assessment score|score", "绩效得分"),
    (r"hotline|12345", "12345热线"),
    (r"calls?", "来电"),
    (r"rail(?: transit)?|metro|subway|urban rail", "轨道交通"),
    (r"finance bureau", "财政局"),
    (r"statistics bureau|bureau of statistics", "统计局"),
    (r"video surveillance|surveillance cameras?|cctv|monitoring points?", "视频监控点位"),
    (r"government cloud|e-government cloud|cloud resources?", "政务云"),
    (r"e-government extranet|government extranet|government network", "政务外网"),
    (r"villages?(?: and communities)?", "村（居）"),
    (r"data products?", "数据产品"),
    (r"cyber ?security (?:drills?|exercises?)|attack and defen[cs]e", "网络安全攻防演练"),
    (r"problems?|shortcomings?|issues|weaknesses|difficult(?:y|ies)", "存在问题 不足"),
    (r"main (?:responsibilities|duties|functions)|responsibilities|duties|functions|mandate", "主要职责 职能"),
    (r"fixed assets?", "固定资产"),
    (r"assets?", "资产"),
    (r"(?:units?|entities|organi[sz]ations) (?:included|covered)|constituent units?|subordinate units?", "单位构成 纳入 下属单位"),
    (r"minqing map|people'?s (?:sentiment|situation) map|public sentiment map", "民情地图"),
    (r"staff(?:ing)? (?:positions?|quotas?)|authori[sz]ed (?:staff|positions?)|headcount|establishment", "编制"),
    (r"administrative staff", "行政编制"),
    (r"retir(?:ees?|ed staff)", "退休人员"),
    (r"vehicles?|cars?", "车辆"),
    (r"operation and maintenance|o&m|maintenance", "运维"),
    (r"operating expenses|operating costs", "运行经费"),
    (r"why|reasons?|because|cause[sd]?", "原因"),
    (r"lower|decreas(?:e|ed|ing)|drop(?:ped)?|fell|reduc(?:e|ed|tion)", "下降 减少"),
    (r"higher|increas(?:e|ed|ing)|rose|grew|growth", "增加 增长"),
    (r"last year|previous year|prior year", "上年"),
    (r"data sharing|open data|data opening", "数据共享 开放"),
    (r"waiting time|queue|wait", "等待时间 排队"),
    (r"patrols?|inspections?|visits?", "巡查走访"),
    (r"projects?", "项目"),
    (r"used for|purpose|spent on", "主要用于"),
    (r"cross[- ]region(?:al)? services?|inter[- ]city services?", "跨域通办"),
    (r"certificate[- ]free city|no[- ]certificate city", "无证明城市"),
    (r"public opinion map|people'?s sentiment map", "民情地图"),
    (r"government services? items?|services? items?|services? matters?", "政务服务事项"),
    (r"budget(?:ed)? amount|budgeted|budget", "预算数"),
    (r"final accounts?|actual(?:ly)? spent|actual (?:spending|expenditure)|final", "决算数"),
    (r"adjusted budget", "调整预算数"),
    (r"initial budget|beginning[- ]of[- ]year budget|year[- ]start budget", "年初预算数"),
    (r"completion rate|execution rate", "完成率"),
    (r"growth rate|increase", "增长率"),
    (r"share|proportion|percentage", "占比"),
    (r"compare|comparison|versus|vs\.?", "比较"),
    (r"coverage|covered", "覆盖情况"),
    (r"achievements?|results?|outcomes?|effects?", "成效"),
    (r"departments?|bureaus?|administrations?", "部门"),
    (r"income|revenue", "收入"),
    (r"expenditures?|spending|spent|spend|expenses?", "支出"),
)

_COMPILED = tuple((re.compile(r"\b(?:%s)\b" % pat, re.I), zh) for pat, zh in EN_TERMS)


def translate_terms(text: str) -> list[str]:
    """The Chinese report terms an English question names, in order of appearance."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for rx, zh in _COMPILED:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), zh))
    return [zh for _, zh in sorted(found)]


# Latin acronyms in a Chinese question → the words the reports print ("宁夏GDP年均增长" → 地区生产总值)
ACRONYMS_ZH: tuple[tuple[str, str], ...] = (
    (r"GDP", "地区生产总值"), (r"CPI", "居民消费价格"), (r"R&D|R ?& ?D", "研发"),
)


def chinese_acronyms(text: str) -> str:
    """Acronyms written out in a question typed in Chinese; an English question is left as typed."""
    if not re.search(r"[\u4e00-\u9fff]{2}", text) or re.search(r"[A-Za-z]{4,}", re.sub(r"GDP|CPI", "", text, flags=re.I)):
        return text
    for pat, zh in ACRONYMS_ZH:
        text = re.sub(pat, zh, text, flags=re.I)
    return text


# Regions supervisors name for a set of provinces: the question is read with the provinces written out.
REGIONS: dict[str, tuple[str, ...]] = {
    "京津冀": ("北京", "天津", "河北"),
    "长三角": ("上海", "江苏", "浙江", "安徽"),
    "江浙沪": ("江苏", "浙江", "上海"),
    "珠三角": ("广东",),
    "东北三省": ("辽宁", "吉林", "黑龙江"),
    "中部六省": ("山西", "安徽", "江西", "河南", "湖北", "湖南"),
    "西北五省区": ("陕西", "甘肃", "青海", "宁夏", "新疆"),
    "西北五省": ("陕西", "甘肃", "青海", "宁夏", "新疆"),
    "成渝": ("四川", "重庆"),
    "西部十二省区市": ("内蒙古", "广西", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"),
    "东部十省市": ("北京", "天津", "河北", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"),
}
_REGION_RE = re.compile("|".join(sorted(map(re.escape, REGIONS), key=len, reverse=True)))


def expand_regions(text: str) -> str:
    """"京津冀三地GDP增速对比" → "北京、天津、河北三地GDP增速对比" (a named region is its provinces)."""
    return _REGION_RE.sub(lambda m: "、".join(REGIONS[m.group(0)]), text)
