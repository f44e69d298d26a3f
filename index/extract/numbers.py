"""Number parsing for Chinese government reports.

Handles thousands separators, full-width digits, signs, percentages, Chinese
numerals (二十一, 二〇二四, 一千零九十一, 1.3万) and approximate qualifiers
(多/余/约/近/以上/左右).  Pure functions, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_FULLWIDTH_PAIRS = tuple(zip("０１２３４５６７８９．，－＋％　：（）", "0123456789.,-+% :()"))

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2,
             "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
             "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

CN_NUM_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)

PREFIX_QUALIFIERS = ("约", "近", "超过", "超", "逾", "将近", "大约", "接近", "突破")
SUFFIX_QUALIFIERS = ("多", "余", "以上", "左右", "以下", "以内", "上下")

# an Arabic number as written in reports: 20,864.64 / -3.5 / 1835 / 56.50%
NUM_RE = re.compile(r"(?<![\d.])[-−+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])[-−+]?\d+(?:\.\d+)?")


def to_halfwidth(text: str) -> str:
    """Full-width digits/punctuation used in numbers → ASCII. (str.replace per character present:
    what str.translate gives, about ten times faster on Chinese text, where translate looks each
    character up in the table.)"""
    for wide, narrow in _FULLWIDTH_PAIRS:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


def parse_arabic(token: str) -> float | None:
    """'20,864.64' → 20864.64; '-3.5' → -3.5; '56.50%' → 56.5; '（1.2）' → -1.2.
    Returns None if the token is not a plain number."""
    if token is None:
        return None
    t = to_halfwidth(token).strip().replace(" ", "")
    neg = False
    if len(t) > 2 and t[0] == "(" and t[-1] == ")":
        neg, t = True, t[1:-1]
    t = t.rstrip("%")
    t = t.replace("−", "-").replace("—", "-") if t[:1] in "−—" else t
    if not re.fullmatch(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[-+]?\.\d+", t):
        return None
    try:
        v = float(t.replace(",", ""))
    except ValueError:
        return None
    return -v if neg else v


def parse_chinese(text: str) -> float | None:
    """Chinese numerals → number: 二十一 → 21, 一千零九十一 → 1091, 二〇二四 → 2024,
    三万五千 → 35000, 十 → 10, 两 → 2.  None if not a Chinese numeral."""
    t = text.strip()
    if not t or any(c not in CN_NUM_CHARS for c in t):
        return None
    if not any(c in CN_DIGITS or c in CN_SMALL_UNITS for c in t):
        return None   # "万" / "亿" alone is a scale word ("支出决算为万元"), not a number
    # digit-by-digit form: 二〇二四
    if all(c in CN_DIGITS for c in t):
        if len(t) == 1:
            return float(CN_DIGITS[t])
        return float("".join(str(CN_DIGITS[c]) for c in t))
    total, section, number = 0, 0, 0
    for c in t:
        if c in CN_DIGITS:
            number = CN_DIGITS[c]
        elif c in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[c]
            section += (number if number else (1 if unit == 10 else 0) or 1) * unit
            number = 0
        elif c in CN_BIG_UNITS:
            section += number
            total += section * CN_BIG_UNITS[c]
            section, number = 0, 0
    return float(total + section + number)


@dataclass(frozen=True)
class ParsedNumber:
    value: float
    approx: bool = False
    qualifier: str = ""
    percent: bool = False
    scale_word: str = ""     # "万"/"亿" attached to the number (1.3万多条 → "万")


_MIXED_RE = re.compile(r"^\s*(约|近|超过|逾|将近|大约|接近)?\s*([-−+]?[\d,，.．０-９]+|[" + CN_NUM_CHARS + r"]+)\s*(万|亿)?\s*(多|余)?\s*(%|％)?\s*(以上|左右|以下|以内)?\s*$")


def parse_number(text: str) -> ParsedNumber | None:
    """Parse a number phrase: '20,864.64', '1.3万多', '约33', '480多', '二十一', '56.50%', '100%以上'.

    The value is returned as written (1.3万 → 1.3 with scale_word '万'; the unit is
    formed by the caller as '万条'); nothing is converted."""
    if text is None:
        return None
    m = _MIXED_RE.match(to_halfwidth(text))
    if not m:
        return None
    pre, num, scale, suf1, pct, suf2 = m.groups()
    v = parse_arabic(num)
    if v is None:
        if num and num[0] not in "0123456789-+":
            v = parse_chinese(num)
            if v is None:
                return None
            # a bare 万/亿 cannot be split off a Chinese numeral like 三万
        else:
            return None
    quals = [q for q in (pre, suf1, suf2) if q]
    return ParsedNumber(value=v, approx=bool(quals), qualifier="".join(quals),
                        percent=bool(pct), scale_word=scale or "")


def is_plain_integer(token: str) -> bool:
    t = to_halfwidth(token).strip()
    return bool(re.fullmatch(r"\d+", t))


def decimals(token: str) -> int:
    t = to_halfwidth(token).strip().rstrip("%")
    return len(t.split(".", 1)[1]) if "." in t else 0


def values_close(a: float, b: float, tol: float = 0.011) -> bool:
    return abs(a - b) <= tol
