"""Report metadata (city, year, department, report_type, title) read from the parsed text
(title page, first lines, headings) first, then from the file name."""
from __future__ import annotations

import re
from pathlib import PurePath

from index.names.places import load_gazetteer
from index.names.work_report import MUNICIPALITIES, named_places, report_year, self_reference
from index.read.clean import collapse_cjk_spaces
from index.records import ParsedDocument

REPORT_TYPES = (  # most specific first
    "部门整体预算绩效目标申报表", "项目支出绩效目标表", "部门整体支出绩效自评报告", "项目支出绩效自评报告",
    "政府信息公开工作年度报告", "政府工作报告", "工作总结", "单位预算", "部门预算", "部门决算",
)
# An official document (公文) titled "…关于…的意见/通知/办法…": a policy document, not a report
POLICY_TYPE = "政策文件"
POLICY_TITLE = re.compile(r"([\u4e00-\u9fff\d]{2,40}关于[^。；\n]{2,60}?的(?:意见|通知|办法|决定|方案|规定|批复|实施细则))")
_ORG_END = r"(?:管理局|数据局|委员会|办公室|办公厅|事务局|服务中心|中心|局|厅|委|部|院|署|办事处|政府|公司|站|所|队|馆|会)"
_CN = "\u4e00-\u9fff"


def _head_text(parsed: ParsedDocument, n_lines: int = 60) -> str:
    lines = [ln.text for ln in parsed.lines[:n_lines]]
    heads = [h.title for h in parsed.headings[:30]]
    return collapse_cjk_spaces("\n".join(lines + heads))


def find_report_type(text: str) -> str | None:
    t = re.sub(r"\s+", "", text)
    best: tuple[int, int, str] | None = None
    for rank, rt in enumerate(REPORT_TYPES):
        pat = rt
        if rt == "部门预算":
            pat = r"(?:区级|市级|省级)?部门预算|预算公开(?:表|文件|说明)"
        elif rt == "单位预算":
            pat = r"(?:区级|市级)?单位预算"
        elif rt == "部门决算":
            pat = r"部门决算|单位决算|年度决算"
        elif rt == "项目支出绩效目标表":
            pat = r"项目支出绩效目标(?:表|申报表)"
        m = re.search(pat, t)
        if m:
            key = (m.start() // 200, rank, rt)   # early in the text wins; ties: more specific type
            if best is None or key < best:
                best = key
    if best is None and POLICY_TITLE.search(t):
        return POLICY_TYPE
    return best[2] if best else None


def find_policy_title(text: str) -> str | None:
    """"广东省退役军人事务厅等5部门关于进一步推进优抚对象医疗保障工作的意见" from a 公文's head."""
    m = POLICY_TITLE.search(re.sub(r"\s+", "", text))
    return re.sub(r"^[\d]*号", "", m.group(1)) if m else None


def find_year(text: str) -> int | None:
    t = re.sub(r"\s+", "", text)
    pats = (
        r"评价年度[:：]?(20\d{2})",
        r"(20\d{2})年度?(?:区级|市级)?(?:部门|单位)?(?:决算|预算)",
        r"(20\d{2})年度?(?:部门整体|项目)?(?:支出)?(?:绩效|预算绩效)",
        r"(20\d{2})年度?政府(?:信息公开|工作)",
        r"(20\d{2})年度?工作总结",
    )
    for p in pats:
        m = re.search(p, t)
        if m:
            return int(m.group(1))
    m = re.search(r"(?<!\d)(\d{2})年(?:度)?(?:单位|部门)?(?:预算|决算)", t)
    if m:
        return 2000 + int(m.group(1))
    m = re.search(r"(?<!\d)(20[0-4]\d)(?!\d)", t)
    return int(m.group(1)) if m else None


def find_department(text: str) -> str | None:
    t = re.sub(r"[ \t\u3000]+", "", text)
    for p in (r"(?:预算主管部门|预算单位|部门名称|单位名称|评价单位)(?:[:：]|\n+)([^\n（(:：]{3,40}?)(?:\n|$|单位[:：]|（|\(|本级|及)",):
        for m in re.finditer(p, t):
            if len(m.group(1)) >= 4 and re.search(_ORG_END + "$", m.group(1)):
                return m.group(1).strip()
    m = re.search(rf"((?:中共)?[{_CN}]{{2,30}}?{_ORG_END})(?:本级|（汇总）|\(汇总\))?(?:20\d{{2}}|\d{{2}}年|部门|单位|概况|年度|主要职|的主要|为|（本级）|关于|等\d*个?部门)", t.replace("\n", ""))
    if m:
        name = m.group(1)
        name = re.sub(r"^(?:目录|第[一二三四五六七八九十]+部分[:：]?|附件\d*[:：]?|\d*年度?)", "", name)
        return name or None
    return None


def work_report_place(first: str, stem: str, head: str, body: str, speaks_for) -> tuple[object, str, bool]:
    """(place, evidence, sure) of a 政府工作报告. A title line naming the report beats the body;
    then the place of the level the report speaks for that the body names most (the file name
    breaks a tie), its name ending as the report calls it (a 市 government's 恩施 is 恩施市,
    not 恩施州); then the old order."""
    line = next((ln for ln in first.splitlines() if "政府工作报告" in ln), "")
    title = line[:line.find("政府工作报告") + len("政府工作报告")] if line else ""
    titled = resolve_place(title) if title else None
    if titled is not None:
        return titled, f"标题“{title}”", True
    hint = file_place(stem)
    if speaks_for is not None:
        gaz = load_gazetteer()
        counts, named = named_places(gaz, body, speaks_for.level, hint)
        if named is not None:
            top = sorted(counts.values(), reverse=True)[:2]
            close = len(top) == 2 and top[1] * 2 > top[0] and (hint is None or hint.code != named.code)
            why = f"正文自称“{speaks_for.quote}”，最常提到{named.name}（{counts.get(named.code, 0)} 次）"
            named, renamed = own_name(gaz, named, speaks_for.word, hint)
            return named, why + renamed, not close and not (speaks_for.weak and hint is None)
    place = resolve_place(first, stem, head)
    return place, "正文首次提到的地方", False


def own_name(gaz, place, word: str, hint) -> tuple[object, str]:
    """The place whose name ends as the report calls its own (市, 州, 盟, 县 …): 恩施州's report
    speaking as a 市 is 恩施市's, the one place of that name and ending inside it."""
    if not word or place.name.endswith(word) or place.code in MUNICIPALITIES or word in ("省", "区"):
        return place, ""
    short = (hint or place).short
    inside = [p for p in gaz.lookup(short) + gaz.lookup(short + word)
              if p.name.endswith(word) and p.code != place.code and gaz.contains(place, p)]
    inside = list({p.code: p for p in inside}.values())
    if len(inside) == 1:
        return inside[0], f"；自称“{word}”，故为{inside[0].name}"
    return place, ""


def file_place(stem: str):
    """The place a file is named after ("济南", "天门", "2020_上海市_政府工作报告"): a name the
    division table holds once, else the place the name mentions."""
    candidates = load_gazetteer().lookup(stem.strip())
    return candidates[0] if len(candidates) == 1 else resolve_place(stem)


def resolve_place(*texts: str | None):
    """The place a report belongs to: the deepest place named by the first text that names
    one (the organization's name first, then the title page, then the file name), its
    ancestors agreeing. None when no text names a place."""
    gaz = load_gazetteer()
    for text in texts:
        if not text:
            continue
        mentions = gaz.find(re.sub(r"\s+", "", text))
        if not mentions:
            continue
        first = mentions[0].place
        best = first
        for m in mentions[1:]:
            if gaz.contains(best, m.place) and m.place.code != best.code:
                best = m.place
            elif not gaz.contains(m.place, best):
                break
        return best
    return None


def place_fields(place) -> dict:
    """Report columns of a place: city (short, the province's for a provincial report),
    province, district, code and display path."""
    if place is None:
        return {}
    gaz = load_gazetteer()
    city = gaz.city_of(place)
    prov = gaz.province_of(place)
    return {"place_code": place.code, "place": gaz.label(place), "province": prov.short,
            "city": (city or prov).short, "district": place.short if place.level == "district" else None}


def with_place(name: str, place) -> str:
    """An organization's name with its place in front, once: "民政局" → "深圳市民政局",
    "洪泽区人民政府" → "淮安市洪泽区人民政府", "天门市人民政府" stays."""
    prefix = place_prefix(place)
    if name.startswith(prefix):
        return name
    if name.startswith(place.name):
        return prefix[: len(prefix) - len(place.name)] + name
    return prefix + name


def place_prefix(place) -> str:
    """How an organization's name starts for a place: 湖南省, 深圳市, 上海市普陀区; a county-level
    city on its own (丹阳市, 恩施市)."""
    if place.level != "district" or place.name.endswith("市"):
        return place.name
    city = load_gazetteer().city_of(place)
    return (city.name if city and city.code != place.code else "") + place.name


def trim_org(name: str, place) -> str:
    """An organization name as read may carry text before it or run into the next name
    ("日电子公报发布惠州市人民政府办公室", "…社会保障局惠州市卫生健康局"): keep the first whole name
    that starts at the place."""
    for prefix in dict.fromkeys((place_prefix(place), place.name)):
        i = name.find(prefix)
        if i < 0:
            continue
        if i > 0 and not name.startswith("中共"):
            name, i = name[i:], 0
        j = name.find(prefix, i + len(prefix))
        if j > 0:
            name = name[:j]
        break
    return name


PARTY_BODY = re.compile(r"^(?:中国共产党|中共)?(.{2,12}?[省市区县])(?:委员会|委)"
                        r"(?=(?:.{2,}(?:部|工委|学校)|.*(?:办公室|办公厅|委员会))$)")


def party_form(name: str) -> str:
    """"广州市委员会宣传部" / "中国共产党广州市委员会宣传部" / "江苏省委办公厅" → "中共广州市委宣传部",
    "中共江苏省委办公厅": the usual form of a party committee's body (a place's 委员会 or 委
    followed by a 部 or 办公厅 is the party's)."""
    m = PARTY_BODY.match(name)
    if m and (name.startswith(("中共", "中国共产党")) or "委员会" in name[:m.end()]
              or is_place_name(m.group(1))):
        return f"中共{m.group(1)}委{name[m.end():]}"
    return name


def is_place_name(text: str) -> bool:
    """"江苏省", "上海市普陀区": places written out and nothing else."""
    mentions = load_gazetteer().find(text)
    return bool(mentions) and mentions[0].start == 0 and mentions[-1].end == len(text) \
        and all(a.end == b.start for a, b in zip(mentions, mentions[1:]))


def government_of(place) -> str:
    """The issuer of a place's 政府工作报告: 湖南省人民政府, 深圳市人民政府, 上海市普陀区人民政府;
    a 盟 or 地区 is governed by its 行政公署 (锡林郭勒盟行政公署)."""
    if place.name.endswith(("盟", "地区")):
        return f"{place.name}行政公署"
    return f"{place_prefix(place)}人民政府"


def find_org_level(text: str) -> str | None:
    t = re.sub(r"\s+", "", text)
    if re.search(r"（本级）|\(本级\)|本级(?:20\d\d|\d\d)?年?度?(?:单位)?(?:预算|决算)", t):
        return "本级"
    return None


def file_stem(filename: str) -> str:
    stem = PurePath(filename).name
    for suf in (".pdf", ".txt", ".md", ".pdf"):
        if stem.lower().endswith(suf):
            stem = stem[: -len(suf)]
    return stem


def decide_type(speaks_for, head: str, stem: str) -> tuple[str | None, str]:
    """(report type, evidence)."""
    if speaks_for is not None:
        return "政府工作报告", f"正文“{speaks_for.quote}”"
    found = find_report_type(head)
    if found:
        return found, "首页"
    found = find_report_type(stem)
    return found, ("文件名" if found else "")


def decide_year(report_type: str | None, first: str, stem: str, head: str, body: str) -> tuple[int | None, str, bool]:
    """(year, evidence, sure): the content's year; unsure when the file name says another."""
    named = find_year(stem)
    year = report_year(first, stem, body) if report_type == "政府工作报告" else None
    year = year or find_year(head)
    if year is None:
        return named, ("文件名" if named else ""), named is not None
    if named is not None and named != year and not re.search(rf"{named}年", head):
        return year, f"正文（文件名写 {named} 年）", False
    return year, "正文", True


def decide_org_place(parsed: ParsedDocument, report_type, first: str, stem: str, head: str, body: str, folder: str, speaks_for):
    """(department, place, evidence lines, unsure fields)."""
    if report_type == "政府工作报告":
        # a government's own report: its title names the place, else the place of the level it
        # speaks for that it names most; bodies and districts named in the text do not
        place, why, sure = work_report_place(first, stem, head, body, speaks_for)
        if place is None:
            place, why, sure = resolve_place(folder), "文件夹", False
        department = government_of(place) if place is not None else None
        return department, place, (f"地点：{why}", "机构：该地政府"), () if sure else ("place", "organization")
    department, org_from = find_department(first) or find_department(head) or table_department(parsed), "首页"
    if not department:
        department, org_from = find_department(stem.split("_")[-1]), "文件名"
    if not department and folder_org(folder):
        department, org_from = folder_org(folder), "文件夹"
    sources = (("机构名称", department), ("首页", head), ("文件名", stem), ("文件夹", folder))
    place_from, place = next(((name, p) for name, text in sources if (p := resolve_place(text)) is not None),
                             ("", None))
    unsure = tuple(f for f, v in (("organization", department), ("place", place)) if not v)
    return department, place, (f"机构：{org_from}", f"地点：{place_from or '未知'}"), unsure


ORG_LABELS = ("部门名称", "单位名称", "预算单位", "预算主管部门", "部门（单位）名称")


def table_department(parsed: ParsedDocument) -> str | None:
    """The organization a form-like first table names: the cell after "部门名称"."""
    for table in parsed.tables[:2]:
        for row in (table.cells or ())[:6]:
            cells = [re.sub(r"\s+", "", c or "") for c in row]
            for i, cell in enumerate(cells[:-1]):
                if cell in ORG_LABELS and re.fullmatch(rf"[{_CN}（）()]{{3,40}}{_ORG_END}", cells[i + 1]):
                    return cells[i + 1]
    return None


def folder_org(folder: str) -> str | None:
    """A folder named after the organization ("江苏省政协办公厅"): its name when it is one."""
    name = re.sub(r"^\d+[_\-\s]*", "", folder or "")
    return name if re.fullmatch(rf"[{_CN}]{{2,30}}{_ORG_END}", name) and resolve_place(name) else None


def read_metadata(parsed: ParsedDocument, filename: str, folder: str = "") -> dict:
    """{city, year, department, report_type, title, place fields, evidence, unsure} from the
    document, then its file name, then the folder it sits in."""
    stem = file_stem(filename)
    head = _head_text(parsed)
    body = "\n".join(ln.text for ln in parsed.lines)
    first = collapse_cjk_spaces("\n".join(ln.text for ln in parsed.lines[:8]))
    speaks_for = self_reference(body)
    report_type, type_from = decide_type(speaks_for, head, stem)
    year, year_from, year_sure = decide_year(report_type, first, stem, head, body)
    department, place, why, unsure = decide_org_place(parsed, report_type, first, stem, head, body, folder, speaks_for)
    department = canonical_org(department, place)
    fields = place_fields(place)
    unsure += tuple(f for f, bad in (("type", not report_type), ("year", not year_sure)) if bad)
    evidence = (f"类型：{type_from or '未知'}", f"年份：{year_from or '未知'}", *why)
    return {"city": fields.get("city"), "year": year, "department": department, "report_type": report_type,
            "title": make_title(parsed, stem, head, department, report_type, year),
            "org_level": find_org_level(first + "\n" + stem), "evidence": evidence,
            "unsure": tuple(dict.fromkeys(unsure)), **{k: v for k, v in fields.items() if k != "city"}}


def canonical_org(department: str | None, place) -> str | None:
    """The organization's name as stored: cut to one whole name, the party's bodies in their
    usual form, the place in front ("民政局" on a page whose title names 深圳市 → 深圳市民政局)."""
    if not department or place is None:
        return department
    department = party_form(trim_org(department, place))
    if resolve_place(department) is None and not department.startswith("中共"):
        department = with_place(department, place)
    return department


def make_title(parsed: ParsedDocument, stem: str, head: str, department, report_type, year) -> str:
    if report_type == POLICY_TYPE and find_policy_title(head):
        return find_policy_title(head)
    if department and report_type and year:
        return f"{department}{year}年{report_type}"
    title0 = next((h.title for h in parsed.headings if h.level == 0), "")
    return title0 or stem
