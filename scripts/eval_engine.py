"""Shared by the in-process measurement runners (run_conversations.py, consistency.py): the store
each question set needs (built or reused by eval_sets.build), the engine opened on it as `qa ask`
opens it, a question asked as the page asks it (with the previous turn), and the grader of
../shared/eval/run_eval.py."""
from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

from eval_sets import ROOT, SETS, SHARED, as_of, build, documents

HELD = ROOT / "tests" / "questions" / "heldout"
# conversations.jsonl names its stores; each is the store of an eval set (same documents)
CONVERSATION_STORES = {"depts": "heldout_depts", "provinces": "heldout_provinces", "corpus": "dev",
                       "cities": "conv_cities"}
# stores that no question set of eval_sets uses: (with corpus/, docs list)
EXTRA_STORES = {"conv_cities": (True, HELD / "conversations-cities.docs")}


def load_grader():
    """run_eval.py of ../shared/eval, imported from its file (grade, same_quantity)."""
    spec = importlib.util.spec_from_file_location("run_eval", SHARED / "eval" / "run_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def store_documents(name: str) -> list[Path]:
    with_corpus, docs = EXTRA_STORES[name] if name in EXTRA_STORES else SETS[name][:2]
    return documents(with_corpus, docs)


def canonical_store(name: str) -> str:
    """The first store of the same documents (heldout_achievements → heldout_provinces): built once."""
    files = store_documents(name)
    return next(n for n in [*SETS, *EXTRA_STORES] if store_documents(n) == files)


def store_path(name: str, rebuild: bool = False) -> Path:
    name = canonical_store(name)
    store, _ = build(name, store_documents(name), rebuild)
    return store


def open_engine(store: Path, name: str = ""):
    """The engine of `qa ask` (service.state.State) on the store, its clock the set's (eval_sets.as_of)."""
    from index.settings import Settings
    from service.state import State
    return State(Settings(store=store, today=as_of(name))).snapshot.engine


def ask(engine, question: str, previous: dict | None = None) -> dict:
    """One question as POST /api/ask answers it: `previous` is the last turn as the page sends it
    ({question, scope}); its scope is used, or the scope of its question when it has none."""
    prev = None
    if previous is not None:
        prev = previous.get("scope") or (engine.scope_of(previous["question"]) if previous.get("question") else None)
    ans = engine.ask(question, previous=prev)
    return json.loads(json.dumps(ans.as_dict(), ensure_ascii=False, default=str))


def cited_doc(r: dict) -> str | None:
    """The report an answer cites first: its first fact's, else its first citation's."""
    for item in (r.get("facts") or [])[:1] + (r.get("citations") or [])[:1]:
        if item.get("doc_id"):
            return item["doc_id"]
    return None


def commit() -> str:
    """HEAD, +dirty when index/, qa/ or service/ differ from it ("?" outside a git checkout)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    head = git("rev-parse", "--short", "HEAD")
    return (head + ("+dirty" if git("status", "--porcelain", "--", "index", "qa", "service") else "")) if head else "?"
