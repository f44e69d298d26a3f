"""The code's shape: layers and packages only look down, and no module imports itself back.

Every import of index/, qa/ and service/ is read with `ast` (those inside functions and under
`if TYPE_CHECKING:` too: a circle drawn only for type hints is still a circle to a reader).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = ("index", "qa", "service")

# the order data flows in: a module may import from its own layer or a lower one, never a higher
LAYERS = (
    ("index",),                       # records, errors, settings: what every stage passes around
    ("index.read",),                  # files → pages, lines, tables, blocks, sections, chunks
    ("index.extract",),               # numbers, units, periods, subjects → facts, statements, checks
    ("index.names",),                 # places, organizations, report identity
    ("index.store",),                 # the Store: SQLite + FAISS file, PostgreSQL + pgvector
    ("index.search",),                # embedders, BM25, fusion, retrieval, fact lookups
    ("index.ingest",),                # file → records → store, one or many files
    ("qa",),                          # question → scope → route → answer
    ("service",),                     # HTTP, web page, CLI
)
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_files() -> dict[str, Path]:
    return {module_name(p): p for top in TOP for p in sorted((ROOT / top).rglob("*.py"))}


def absolute(module: str, level: int, importer: str, is_package: bool) -> str:
    """`from ..x import y` inside `importer` → the absolute module name."""
    if not level:
        return module
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """Every project module `name` imports, wherever in the file the import stands."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node.module or "", node.level, name, path.name == "__init__.py")
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in modules:     # `import index.store.sqlite` names a module; `from a import f` a name
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def graph() -> dict[str, set[str]]:
    files = project_files()
    names = set(files)
    return {n: imports_of(n, p, names) for n, p in files.items()}


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for i, prefixes in enumerate(LAYERS):
        for pre in prefixes:
            if (module == pre or module.startswith(pre + ".")) and len(pre) > best:
                best, rank = len(pre), i
    if rank < 0:
        raise AssertionError(f"{module} is in no layer of tests/test_layers.py")
    return rank


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(root: str) -> None:
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    assert cycles(graph()) == []


def test_layers_only_look_down():
    upward = sorted(f"{a} → {b}" for a, deps in graph().items() for b in deps if layer_of(b) > layer_of(a))
    assert upward == []


def test_every_package_says_what_it_holds_and_may_import():
    for name, path in project_files().items():
        if path.name == "__init__.py" and name.startswith("index."):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert "import" in doc and len(doc) > 80, f"{path}: docstring should say what it holds and may import"


def test_no_function_over_sixty_lines():
    long = []
    for name, path in project_files().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {n} lines")
    assert long == []


@pytest.mark.parametrize("source, expected", [
    ("from index.read import clean\n", {"index.read", "index.read.clean"}),
    ("def f():\n    from index.store.sqlite import Store\n", {"index.store.sqlite"}),
    ("from .b import x\n", {"pkg.b"}),
    ("import index.records\n", {"index.records"}),
])
def test_imports_are_read_wherever_they_stand(tmp_path, source, expected):
    path = tmp_path / "a.py"
    path.write_text(source)
    modules = {"index", "index.read", "index.read.clean", "index.store", "index.store.sqlite", "index.records",
               "pkg", "pkg.a", "pkg.b"}
    assert imports_of("pkg.a", path, modules) == expected


def test_a_circle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
