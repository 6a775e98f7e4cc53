"""The shape of the code: `core` imports no app, and no two modules import each other in a ring.

Both are read from the source (the AST), so they hold for every path, not only the ones a test
happens to run. Imports inside `if TYPE_CHECKING:` are types only and are not counted."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "gefeng"
APPS = sorted(p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists() and p.name != "core")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """The gefeng modules `path` imports (`from gefeng.x import y` counts gefeng.x and gefeng.x.y)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("gefeng"))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                    )
                if base.startswith("gefeng"):
                    found.add(base)
                    found.update(f"{base}.{a.name}" for a in node.names)
            if top_level_only:
                if isinstance(node, ast.If | ast.Try):
                    visit(node.body + node.orelse + getattr(node, "finalbody", []))
                    for handler in getattr(node, "handlers", []):
                        visit(handler.body)
            else:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        visit([child])

    visit(tree.body)
    return found


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def test_core_imports_no_app():
    offending = {}
    for name, path in _modules().items():
        if not name.startswith("gefeng.core"):
            continue
        apps = {i for i in _imports(path, top_level_only=False) if i.split(".")[1] in APPS}
        if apps:
            offending[name] = sorted(apps)
    assert offending == {}


def test_no_import_cycles_at_module_level():
    modules = _modules()
    graph = {
        name: {i for i in _imports(path, top_level_only=True) if i in modules and i != name}
        for name, path in modules.items()
    }
    # A package's __init__ is imported on the way to any of its modules.
    for name in list(graph):
        parent = name.rpartition(".")[0]
        if parent in graph and parent != "gefeng":
            graph[name].add(parent)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                if not _package_reexport(cycle):
                    cycles.append(cycle)
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    assert cycles == []


def _package_reexport(cycle: list[str]) -> bool:
    """A package whose __init__ re-exports its own modules: pkg → pkg.mod → pkg is how Python
    packages work (the __init__ runs first), not a ring between modules."""
    heads = {c.rpartition(".")[0] for c in cycle}
    return any(all(c == h or c.startswith(h + ".") for c in cycle) for h in heads | set(cycle))


def _third_party_imports(path: Path) -> set[str]:
    """Top-level names of the non-gefeng modules `path` imports anywhere (in functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return {name for name in found if name != "gefeng"}


def _runtime_distributions() -> set[str]:
    """The distributions an installed gefeng needs: its own dependencies and theirs, not `dev`."""
    import re
    from importlib import metadata

    def key(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    wanted, seen = [key("gefeng")], set()
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for spec in requires:
            if "extra ==" in spec:
                continue
            wanted.append(key(re.split(r"[\s;<>=!~\[(]", spec, maxsplit=1)[0]))
    return seen


def test_the_code_imports_only_what_the_install_brings():
    """The offline bundle holds the runtime dependencies only: a module that imports a test or
    benchmark package (openpyxl came with the `bench` extra) fails on a real install."""
    import sys
    from importlib import metadata

    runtime = _runtime_distributions()
    providers = metadata.packages_distributions()
    missing: dict[str, list[str]] = {}
    for name, path in _modules().items():
        for module in _third_party_imports(path):
            if module in sys.stdlib_module_names or module == "__future__":
                continue
            dists = {d.lower().replace("_", "-") for d in providers.get(module, [])}
            if not dists & runtime:
                missing.setdefault(module, []).append(name)
    assert missing == {}
