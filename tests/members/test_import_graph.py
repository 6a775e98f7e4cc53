"""The registry's modules import each other without a cycle at module level, and each imports
on its own in a fresh interpreter (a deferred import inside a function is how a module reaches
one that depends on it, e.g. services → imports.tasks → imports.pipeline → services).

A module's own enclosing packages are not counted as edges: Python has already begun importing
them when it imports the module, so `services/membership.py` may import from
`gefeng.members.services.cleaning`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import gefeng.members

PACKAGE = Path(gefeng.members.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(PACKAGE.parent.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _module_level_imports(path: Path, names: set[str]) -> set[str]:
    """The gefeng.members modules a file imports when it is imported (not inside functions;
    `if TYPE_CHECKING:` blocks excluded)."""
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else ():
            if isinstance(sub, ast.Import):
                out |= {a.name for a in sub.names if a.name in names}
            elif isinstance(sub, ast.ImportFrom) and sub.module:
                if sub.module in names:
                    out.add(sub.module)
                out |= {f"{sub.module}.{a.name}" for a in sub.names if f"{sub.module}.{a.name}" in names}
    return out


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def test_no_import_cycle_among_the_registry_modules():
    modules = _modules()
    graph = {name: _module_level_imports(path, set(modules)) - _ancestors(name) for name, path in modules.items()}
    assert graph["gefeng.members.imports.tasks"] >= {"gefeng.members.services"}  # the graph is really read
    assert "gefeng.members.imports.tasks" not in graph["gefeng.members.services"]
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " → ".join([*trail, name, target]))
            if target not in state:
                visit(target, [*trail, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


@pytest.mark.parametrize(
    "module",
    [
        "gefeng.members.services",
        "gefeng.members.imports.tasks",
        "gefeng.members.imports.pipeline",
        "gefeng.members.imports.views",
        "gefeng.members.views",
    ],
)
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    code = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gefeng.settings'); "
        f"django.setup(); import importlib; importlib.import_module({module!r})"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
