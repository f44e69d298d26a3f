"""A stored report's identity corrected by the user, without re-ingesting it. Pure.

The fields given replace what was read (a place through the gazetteer); each becomes certain,
its evidence "地点：用户更正" (or "用户确认" when the value stays). What was derived from an
edited field follows it: a 政府工作报告's issuer and an organization named after the old place
follow the place, a title composed from the identity is composed again, and the periods the
figures were read with (relative to the report's year and type) are read again."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from index.errors import InvalidIdentity
from index.extract.periods import fact_period, number_position
from index.extract.statements import statements_from_sentence
from index.names.metadata import government_of, place_fields, place_prefix, resolve_place
from index.names.places import load_gazetteer
from index.records import Report, Statement

FIELD_LABEL = {"place": "地点", "organization": "机构", "year": "年份", "type": "类型"}
YEARS = (1949, 2100)
WORK_REPORT = "政府工作报告"


def find_place(text: str):
    """The place a user names: an adcode, a name (深圳, 上海市普陀区, 湖南省), else InvalidIdentity."""
    gaz = load_gazetteer()
    name = re.sub(r"\s+", "", text or "")
    if re.fullmatch(r"\d{6}", name):
        try:
            return gaz.get(name)
        except KeyError:
            raise InvalidIdentity(f"没有行政区划代码 {name} (unknown place code)") from None
    named = list({p.code: p for p in gaz.lookup(name)}.values()) if name else []
    outer = [p for p in named if p.level != "district"]
    if len(outer) == 1 and all(gaz.contains(outer[0], p) for p in named):
        named = outer                       # 长沙 is the city, not its 长沙县
    if len(named) > 1:                      # 吉林 (省 / 市), 朝阳区, 普陀区: the user says which
        raise InvalidIdentity(f"地点“{name}”不唯一，请写全：{'、'.join(gaz.label(p) for p in named[:6])} "
                              f"(ambiguous place)")
    place = named[0] if named else resolve_place(name) if name else None
    if place is None:
        raise InvalidIdentity(f"不认识的地点“{name}” (unknown place)")
    return place


def checked_text(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > limit:
        raise InvalidIdentity(f"{what}应为 1–{limit} 个字 ({what}: 1 to {limit} characters)")
    return value


def checked_year(year: int | None) -> int | None:
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]):
        raise InvalidIdentity(f"年份应为 {YEARS[0]}–{YEARS[1]} 的整数，不是 {year!r} (bad year)")
    return year


def corrected(report: Report, *, place: str | None = None, organization: str | None = None,
              year: int | None = None, report_type: str | None = None, title: str | None = None) -> Report:
    """`report` with the fields given (None: unchanged) and what follows from them."""
    organization = checked_text(organization, "机构", 100)
    report_type = checked_text(report_type, "类型", 40)
    title = checked_text(title, "标题", 200)
    year = checked_year(year)
    if all(v is None for v in (place, organization, year, report_type, title)):
        raise InvalidIdentity("没有要更正的字段 (nothing to change: give place, organization, year, type or title)")
    new = replace(report, year=year or report.year, report_type=report_type or report.report_type,
                  department=organization or report.department)
    notes: list[str] = []
    if place is not None:
        found = find_place(place)
        new = replace(new, **place_fields(found))
        if organization is None:
            new, notes = with_moved_org(report, new, found)
    if title is None and report.title == composed_title(report):
        new = replace(new, title=composed_title(new) or report.title)
    else:
        new = replace(new, title=title or report.title)
    given = {"place": place, "organization": organization, "year": year, "type": report_type}
    evidence, unsure = confirmed(report, new, [f for f, v in given.items() if v is not None])
    return replace(new, evidence=evidence + tuple(notes), unsure=unsure)


def with_moved_org(old: Report, new: Report, place) -> tuple[Report, list[str]]:
    """The issuer follows a corrected place: a 政府工作报告's is the place's government; an
    organization named after the old place ("济南市财政局") is renamed after the new one. One the
    user gave stays."""
    org = old.department or ""
    if any(e.startswith(FIELD_LABEL["organization"] + "：用户") for e in old.evidence):
        return new, []
    if new.report_type == WORK_REPORT:
        moved = government_of(place)
    elif old.place_code and org and org.startswith(prefix := place_prefix(load_gazetteer().get(old.place_code))):
        moved = place_prefix(place) + org[len(prefix):]
    else:
        return new, []
    if moved == org:
        return new, []
    return replace(new, department=moved), [f"机构：随地点更正（原“{org}”）"]


def composed_title(r: Report) -> str | None:
    """The title read_metadata composes from the identity ("…局2024年部门决算"), when it can."""
    return f"{r.department}{r.year}年{r.report_type}" if r.department and r.year and r.report_type else None


def confirmed(old: Report, new: Report, fields: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Evidence and unsure fields once the user gave `fields`: each certain, said so."""
    value = {"place": lambda r: r.place_code or r.city, "organization": lambda r: r.department,
             "year": lambda r: r.year, "type": lambda r: r.report_type}
    moved = {"organization"} if new.department != old.department and "place" in fields else set()
    dropped = set(fields) | moved
    kept = tuple(e for e in old.evidence if not any(e.startswith(FIELD_LABEL[f] + "：") for f in dropped))
    said = tuple(f"{FIELD_LABEL[f]}：{'用户确认' if value[f](old) == value[f](new) else '用户更正'}" for f in fields)
    return kept + said, tuple(f for f in old.unsure if f not in fields)


def identity_changes(old: Report, new: Report) -> list[tuple[str, object, object]]:
    """(label, old, new) of every shown field that changed."""
    shown = (("标题", lambda r: r.title), ("地点", lambda r: r.place or r.city), ("机构", lambda r: r.department),
             ("年份", lambda r: r.year), ("类型", lambda r: r.report_type))
    return [(label, get(old), get(new)) for label, get in shown if get(old) != get(new)]


def unsure_note(report: Report) -> str:
    """"不确定: 地点, 年份 — 地点：…；年份：…" ("" when every field is certain)."""
    if not report.unsure:
        return ""
    labels = [FIELD_LABEL.get(f, f) for f in report.unsure]
    why = [e for e in report.evidence if any(e.startswith(label + "：") for label in labels)]
    return f"不确定: {', '.join(labels)}" + (f" — {'；'.join(why)}" if why else "")


def fact_periods(rows: Iterable, year: int | None, report_type: str | None) -> list[tuple]:
    """(period_year, period_end, period_kind, fact_id) of stored facts read again for the report's
    year and type: the rule and the inputs of the ingest (index/ingest/report.py::with_periods)."""
    out = []
    for r in rows:
        pos = number_position(r["text"], r["value"], r["unit"]) if r["source"] == "prose" else None
        p = fact_period(text=r["text"], measure=r["measure"], table=r["tbl"], section_path=r["section_path"],
                        report_year=year, report_type=report_type, number_pos=pos)
        out.append((p.year, p.year_end, p.kind, r["fact_id"]))
    return out


def statement_periods(rows: Iterable, old: Report, new: Report) -> list[tuple]:
    """(period_year, period_end, period_kind, statement_id) of stored statements read again for the
    report's corrected year and type: each sentence's statements are read again (without the
    paragraph's context) under the old and the new identity; a statement dated as its sentence
    dates it takes the new reading, one the paragraph's context dated (过去一年…, 五年来…: relative
    to the report's year) moves with the year. A statement not read again stays as it is."""
    by_sentence: dict[tuple, list] = {}
    for r in rows:
        by_sentence.setdefault((r["sentence"], r["page"], r["section_path"]), []).append(r)
    out = []
    for (sentence, page, section), group in by_sentence.items():
        before = readings(statements_from_sentence(sentence, page, section, old.year, old.report_type))
        after = readings(statements_from_sentence(sentence, page, section, new.year, new.report_type))
        seen: dict[tuple, int] = {}
        for r in group:
            key = (r["claim"], r["metric"], r["text"], r["value"], r["rank"])
            n = seen[key] = seen.get(key, -1) + 1       # the n-th of its kind (a sentence stored twice: again)
            if key not in before or key not in after:
                continue
            b, a = before[key][n % len(before[key])], after[key][n % len(after[key])]
            stored = (r["period_year"], r["period_end"], r["period_kind"])
            if stored == (b.period_year, b.period_end, b.period_kind):
                out.append((a.period_year, a.period_end, a.period_kind, r["statement_id"]))
            elif old.year and new.year:
                out.append((*shifted(stored[:2], new.year - old.year), stored[2], r["statement_id"]))
    return out


def readings(found: Iterable[Statement]) -> dict[tuple, list[Statement]]:
    """A sentence's statements by what they state, in order."""
    out: dict[tuple, list[Statement]] = {}
    for st in found:
        out.setdefault((st.claim, st.metric, st.text, st.value, st.rank), []).append(st)
    return out


def shifted(years: tuple, by: int) -> tuple:
    return tuple(y + by if y is not None else None for y in years)
