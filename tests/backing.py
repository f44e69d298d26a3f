"""The rule every answer must keep: each number in `answer` is backed by a fact or a citation."""
from __future__ import annotations

import re

NUM = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")


def canon(num: str) -> str:
    n = num.replace(",", "").replace("，", "")
    if "." in n:
        n = n.rstrip("0").rstrip(".")
    return n.lstrip("0") or "0"


def numbers(text: str) -> set[str]:
    return {canon(m) for m in NUM.findall(text or "")}


def backing(resp: dict) -> set[str]:
    out: set[str] = set()
    for f in resp.get("facts") or []:
        out |= numbers(str(f.get("value"))) | numbers(f.get("text")) | numbers(f.get("section"))
        out |= numbers(f.get("title")) | numbers(f.get("table")) | numbers(f.get("subject"))
        out |= {canon(str(f.get("page"))), canon(str(f.get("year")))}
    for c in resp.get("citations") or []:
        out |= numbers(c.get("text")) | numbers(c.get("section")) | numbers(c.get("title"))
        out |= {canon(str(c.get("page"))), canon(str(c.get("year")))}
    for row in resp.get("table") or []:
        out |= {canon(str(row.get("page"))), canon(str(row.get("year")))}
    return out


def computed(resp: dict) -> set[str]:
    """A computed answer's result is backed by its formula's inputs (shown in `formula`); a formula
    of several steps ("差额 = a − b = d；倍数 = a ÷ b = r") backs each step's result."""
    f = resp.get("formula") or ""
    return {n for step in re.split(r"[；;]", f) for n in numbers(step.split("=")[-1])} if f else set()


def unbacked(resp: dict) -> set[str]:
    if resp.get("kind") == "none":
        # a 'none' answer lists what the store holds: cities/years/suggestions, each from the store
        return set()
    return numbers(resp.get("answer")) - backing(resp) - computed(resp)
