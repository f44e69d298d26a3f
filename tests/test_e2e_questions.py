"""End to end through HTTP with the real model: the shared dev set and our own seed questions.
Every answer the suite produces must keep the rule that each number is backed by a fact or a
citation. The real-PDF question set runs with `make eval` (it needs five PDFs embedded)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from backing import unbacked
from conftest import SHARED
from test_api import jcall

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def grader():
    path = SHARED / "eval" / "run_eval.py"
    if not path.exists():
        pytest.skip("../shared/eval/run_eval.py not available")
    spec = importlib.util.spec_from_file_location("run_eval", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.grade


def run(server, questions: list[dict]) -> tuple[list, list]:
    grade = grader()
    failures, unbacked_answers = [], []
    for q in questions:
        status, a = jcall(server, "POST", "/api/ask", {"question": q["q"]})
        assert status == 200, a
        ok, why = grade(q, a)
        if not ok:
            failures.append((q["id"], q["q"], why))
        extra = unbacked(a)
        if extra:
            unbacked_answers.append((q["id"], sorted(extra), a["answer"][:200]))
    return failures, unbacked_answers


def load(path: Path) -> list[dict]:
    if not path.exists():
        pytest.skip(f"{path} not available")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_dev_set(live_server):
    qs = load(SHARED / "eval" / "dev.jsonl")
    failures, unbacked_answers = run(live_server, qs)
    score = 1 - len(failures) / len(qs)
    print(f"\ndev.jsonl: {len(qs) - len(failures)}/{len(qs)} ({score:.0%})", *failures, sep="\n  ")
    assert not unbacked_answers, unbacked_answers
    assert score >= 0.95, failures


def test_own_seed_questions(live_server):
    qs = load(ROOT / "tests" / "questions" / "seeds.jsonl")
    failures, unbacked_answers = run(live_server, qs)
    score = 1 - len(failures) / len(qs)
    print(f"\nseeds.jsonl: {len(qs) - len(failures)}/{len(qs)} ({score:.0%})", *failures, sep="\n  ")
    assert not unbacked_answers, unbacked_answers
    assert score >= 0.85, failures
