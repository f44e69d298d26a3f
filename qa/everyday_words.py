"""Everyday words for the standard items of budgets and 决算: "出国花了多少钱" asks for 因公出国（境）费,
"有几辆车" for 公务用车保有量. Each entry rests on the 名词解释 the reports print (quoted in `basis`:
广州市气象局 2026 年部门预算 and every 广东 部门预算 of the same template; 部门决算 机构人员情况),
and is reviewed by hand: a word maps to an item only where the definition names what the
word means. A question already naming an item is left alone.

The table says whether the word asks for money (花/钱/费/万元 …) or a count (几辆/多少人): 车 is
公务用车购置及运行费 in "车花了多少钱" and 公务用车保有量 in "有几辆车"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.extract.subjects import expand_query_terms

MONEY = re.compile(r"钱|花|费|开支|支出|经费|万元|元|预算|决算|资金|how much|spend|spent|cost", re.I)
COUNT = re.compile(r"(多少|几)(辆|台|个|名|人(?!次)|位)|人数|编制|数量|how many", re.I)
# the people of a body, not of a city (常住人口): only where the question names an organization
BODY = re.compile(r"局|委|办|厅|署|院|馆|站|所|中心|部门|单位|机关")


@dataclass(frozen=True)
class Everyday:
    words: str        # regex of the everyday words
    item: str         # the item the reports name
    asks: str         # "money" | "count"
    basis: str        # the 名词解释 (or table line) the mapping rests on
    needs: re.Pattern | None = None   # what else the question must say (an organization)
    quoted: bool = True   # `basis` is quoted word for word from the 名词解释 of the 广东 部门预算 template


TABLE: tuple[Everyday, ...] = (
    Everyday(r"招待|请客|吃饭|宴请|饭局|接待(?!群众|来访|量|人次|批次|能力)", "公务接待费", "money",
             "公务接待费反映按规定开支的各类公务接待（含外宾接待）费用"),
    Everyday(r"(?<!因公)出国(?!（境）费)|出境|出访|国外考察|境外考察", "因公出国（境）费", "money",
             "因公出国（境）费用反映公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出"),
    Everyday(r"买车|购车|购置车辆|买公车|新车", "公务用车购置费", "money",
             "公务用车购置费反映公务用车购置支出（含车辆购置税、牌照费）"),
    Everyday(r"养车|油费|加油|车辆维修|修车|车辆保险|过路过桥", "公务用车运行维护费", "money",
             "公务用车运行维护费反映按规定保留的公务用车燃料费、维修费、过路过桥费、保险费、安全奖励费用等支出"),
    Everyday(r"(?<!用)车辆(?!购置|运行)|公车(?!购置|运行|运维)|用车(?!购置|运行)|(?<![用公])车(?!辆|购置|运行)",
             "公务用车购置及运行费", "money",
             "“三公”经费指部门（单位）使用财政拨款安排的因公出国（境）费用、公务用车购置及运行维护费和公务接待费"),
    Everyday(r"(?<!用)车辆|公车|用车|(?<![用公])车", "公务用车保有量", "count",
             "“三公”经费支出说明：公务用车保有量 X 辆（部门决算）", quoted=False),
    Everyday(r"编制|在编", "编制数", "count", "机构人员情况：编制数 X 名，实有人员 X 名（部门决算、绩效自评）",
             quoted=False),
    Everyday(r"员工|职工|工作人员|在职人员|(?:多少|几)(?:个|位|名)?人(?!次|民|口|大)", "实有人员", "count",
             "机构人员情况：编制数 X 名，实有人员 X 名（部门决算、绩效自评）", needs=BODY,
             quoted=False),
    Everyday(r"开会", "会议费", "money", "维修（护）费、租赁费、会议费、培训费"),
    Everyday(r"出差", "差旅费", "money", "物业管理费、差旅费"),
    Everyday(r"房租|租房|租金", "租赁费", "money", "维修（护）费、租赁费、会议费、培训费"),
    Everyday(r"水电", "机关运行经费", "money", "具体包括：办公费、印刷费、水费、电费"),
    Everyday(r"工资|薪水|薪酬|发钱", "工资福利支出", "money", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出"),
    Everyday(r"日常运转|维持运转|机关运转", "机关运行经费", "money",
             "指用于维持行政（参公）单位机关运行的经费"),
    Everyday(r"买东西|采购", "政府采购支出总额", "money", "政府采购情况说明：政府采购预算总额 X 万元（部门预算）", quoted=False),
    Everyday(r"没花完|剩下的钱|剩余的钱|结余的钱", "年末结转和结余", "money", "收支决算总表：年末结转和结余（部门决算）", quoted=False),
)


def asks_money(text: str) -> bool:
    return bool(MONEY.search(text)) and not COUNT.search(text)


def asks_count(text: str) -> bool:
    return bool(COUNT.search(text))


def everyday_item(text: str) -> tuple[Everyday, re.Match] | None:
    """The first entry whose words the question uses, for the kind of figure it asks (money or count)."""
    kind = "count" if asks_count(text) else "money" if asks_money(text) else None
    if kind is None:
        return None
    for entry in TABLE:
        if entry.asks != kind or (entry.needs is not None and not entry.needs.search(text)):
            continue
        m = re.search(entry.words, text)
        if m:
            return entry, m
    return None


def with_items(text: str) -> tuple[str, str | None]:
    """The question with an everyday word replaced by the item it means, and a note saying so;
    unchanged when the question already names an item or uses no word of the table."""
    found = everyday_item(text)
    if found is None:
        return text, None
    entry, m = found
    money_items = {e.item for e in TABLE if e.asks == "money"}
    if any(entry.asks == "money" or item not in money_items for item in expand_query_terms(text)):
        return text, None       # an item named: 公车 of "公车有多少辆" names money, not the count asked
    if re.search(r"多少|几", m.group(0)):
        new = text[:m.start()] + entry.item + "是" + text[m.start():]     # 有多少人 → 有实有人员是多少人
    else:
        new = text[:m.start()] + entry.item + text[m.end():]
    return new, f"“{m.group(0)}”按报告的名词解释理解为“{entry.item}”"
