"""Is a text a report at all? A list of files, paths or links (a crawler's SOURCE.txt, a
PDF_CHECK.txt, an INDEX.txt of "省 | 市 | 字数" rows) is made of records, one a line, and
has almost no sentences; a report — even a table-only one — is not. Pure."""
from __future__ import annotations

import re
from typing import Sequence

# a record of a listing: a path or file name, a link, key=value fields, or "a | b | c" columns
_PATHLIKE = re.compile(r"https?://|[\w\u4e00-\u9fff)）\]-]\.(?:pdf|txt|csv|md|docx?|xlsx?|html?|json|dta)\b|"
                       r"(?:^|\s)[\w.-]+/[\w.\u4e00-\u9fff/-]+", re.I)
_FIELDS = re.compile(r"(?:\S=\S[^=]*){2,}|(?:[^|]*\|){2,}")
_SENTENCE_END = re.compile(r"[。！？]")
MIN_LINES = 2
LISTING_SHARE = 0.6        # of non-empty lines that are records
SENTENCES_PER_LINE = 0.2   # at most this many sentence ends per line


def is_record(line: str) -> bool:
    """A line that lists something (a path, a link, fields) rather than says something."""
    return bool(_PATHLIKE.search(line) or _FIELDS.search(line))


def listing_reason(lines: Sequence[str]) -> str | None:
    """Why these lines are a listing and not a report, or None when they may be a report."""
    rows = [ln.strip() for ln in lines if ln.strip()]
    if len(rows) < MIN_LINES:
        return None
    records = sum(is_record(ln) for ln in rows)
    sentences = sum(len(_SENTENCE_END.findall(ln)) for ln in rows)
    if records >= LISTING_SHARE * len(rows) and sentences <= SENTENCES_PER_LINE * len(rows):
        return (f"{records} of {len(rows)} lines list files, paths, links or fields and it has "
                f"{sentences} sentence(s)")
    return None


# a blank template's organization: "上海市 XX 局", "××单位", "XXX部门"
_PLACEHOLDER = re.compile(r"(?:[XxＸ×]{2,3})\s*(?:局|委员会|委|办公室|办|单位|部门|厅|中心)")
TEMPLATE_HEAD = 12      # lines where a template shows its placeholder name


def template_reason(lines: Sequence[str]) -> str | None:
    """Why a document is a blank template (its title names no organization but "XX局"), or None."""
    for ln in [ln.strip() for ln in lines if ln.strip()][:TEMPLATE_HEAD]:
        m = _PLACEHOLDER.search(ln)
        if m:
            return f"a blank template: its title names “{m.group(0)}”, not an organization"
    return None


_README = re.compile(r"^(?:readme|changelog|license|licence|copying|contributing)(?:\.\w+)?$", re.I)


def not_a_report(name: str, lines: Sequence[str]) -> str | None:
    """Why a text file is not a report (a README by its name, or a listing), or None."""
    if _README.match(name.strip()):
        return f"{name} is a project's documentation file"
    return listing_reason(lines) or template_reason(lines)
