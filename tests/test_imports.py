"""Import structure (issue 19, item 5): no new import cycle between newsdesk modules and no new import of a
newsdesk module inside a function. The ones that exist today are recorded in quality/import_allowlist.json,
which may only shrink: a new one fails, and so does an entry that is gone (delete it, so it cannot come back).

Read from the source with `ast`, nothing is imported. A cycle is a strongly connected component of the graph
of module-level imports (those under `if TYPE_CHECKING:` never run, so they are left out); `from newsdesk.a
import b` is an edge to the module `newsdesk.a.b` when there is one, else to `newsdesk.a`, and to the packages
above it that are not the importer's own (their `__init__` runs first)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "newsdesk"
ALLOWLIST = ROOT / "quality" / "import_allowlist.json"
FIX = "quality/import_allowlist.json"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def targets(node: ast.Import | ast.ImportFrom, here: str, is_package: bool) -> list[str]:
    """The newsdesk modules an import statement names (none for other packages)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = here.split(".")
            anchor = parts if is_package else parts[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    found = []
    for name in names:
        while name and name not in MODULES:  # `import newsdesk.a.b as c` of a module, or an attribute path
            name = name.rpartition(".")[0]
        if name.startswith("newsdesk") and name not in found:
            found.append(name)
    return found


def with_packages(importer: str, target: str) -> list[str]:
    """The target and the packages above it that run first (newsdesk/a/__init__.py for newsdesk.a.b), but
    not the importer's own: a package's __init__ importing its modules, and they each other, is no cycle."""
    parts = target.split(".")
    above = [".".join(parts[:i]) for i in range(2, len(parts))]
    return [target, *(p for p in above if not (importer == p or importer.startswith(p + ".")))]


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def scan(module: str, path: Path) -> tuple[set[str], set[str]]:
    """(modules imported at module level, modules imported inside a function) by one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top: set[str] = set()
    inner: set[str] = set()
    is_package = path.name == "__init__.py"

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and is_type_checking(child):
                for sub in child.orelse:
                    walk(sub, in_function)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                (inner if in_function else top).update(t for t in targets(child, module, is_package) if t != module)
            walk(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    walk(tree, False)
    return top, inner


SCANNED = {module: scan(module, path) for module, path in MODULES.items()}


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative), each sorted."""
    graph = {m: sorted({d for t in top for d in with_packages(m, t)}) for m, (top, _) in SCANNED.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if i < len(graph[node]):
                work.append((node, i + 1))
                nxt = graph[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def function_imports() -> list[str]:
    return sorted(f"{m} -> {t}" for m, (_, inner) in SCANNED.items() for t in inner)


ALLOWED = json.loads(ALLOWLIST.read_text(encoding="utf-8"))


def test_imports_scan_sees_the_package():
    """Guards the scan itself: a known module-level import is an edge, relative imports resolve."""
    assert "newsdesk.cli" in MODULES and "newsdesk.records" in MODULES
    assert any(t.startswith("newsdesk.") for t in SCANNED["newsdesk.cli"][0])
    sample = ast.parse("from . import records\nfrom .store import open_store\n").body
    assert targets(sample[0], "newsdesk.pipeline", False) == ["newsdesk.records"]  # type: ignore[arg-type]
    assert targets(sample[1], "newsdesk.pipeline", False) == ["newsdesk.store"]  # type: ignore[arg-type]


def test_imports_finds_a_cycle_and_a_function_level_import(tmp_path):
    """The checks can fail: two modules importing each other form a component, an import in a def is seen."""
    a = tmp_path / "a.py"
    a.write_text("import newsdesk.records\n\ndef f():\n    from newsdesk import cli\n")
    top, inner = scan("newsdesk.zz_a", a)
    assert top == {"newsdesk.records"} and inner == {"newsdesk.cli"}
    saved = dict(SCANNED)
    try:
        SCANNED["newsdesk.zz_a"] = ({"newsdesk.zz_b"}, set())
        SCANNED["newsdesk.zz_b"] = ({"newsdesk.zz_a"}, set())
        MODULES["newsdesk.zz_a"] = MODULES["newsdesk.zz_b"] = a
        assert ["newsdesk.zz_a", "newsdesk.zz_b"] in cycles()
    finally:
        SCANNED.clear()
        SCANNED.update(saved)
        del MODULES["newsdesk.zz_a"], MODULES["newsdesk.zz_b"]


def test_imports_no_new_cycles():
    allowed = [set(c) for c in ALLOWED["cycles"]]
    for component in cycles():
        assert any(set(component) <= a for a in allowed), (
            f"new import cycle between {', '.join(component)}: move the shared code down a layer "
            f"(or pass it in) instead of importing back")


def test_imports_cycle_allowlist_only_shrinks():
    current = cycles()
    for entry in ALLOWED["cycles"]:
        assert sorted(entry) in current, (
            f"the import cycle {', '.join(entry)} is gone or smaller: record what is left of it in {FIX} "
            f"(now: {[c for c in current if set(c) <= set(entry)]})")


def test_imports_no_new_function_level_imports():
    new = sorted(set(function_imports()) - set(ALLOWED["function_level"]))
    assert not new, (f"newsdesk modules imported inside functions: {new}; import at the top of the module "
                     "(a cycle it would make means the code belongs in another module)")


def test_imports_function_level_allowlist_only_shrinks():
    gone = sorted(set(ALLOWED["function_level"]) - set(function_imports()))
    assert not gone, f"no longer imported inside a function: {gone}; delete them from {FIX}"
