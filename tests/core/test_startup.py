"""Core depends on no app: apps give it their grants and start-up steps at start-up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gefeng.core import scope, startup

CORE = Path(__file__).resolve().parents[2] / "src" / "gefeng" / "core"


def test_the_registry_registers_its_start_up_step(monkeypatch):
    assert "members.reap_dead" in startup.steps()
    calls = []
    monkeypatch.setattr("gefeng.members.imports.tasks.reap_dead", lambda: calls.append("reaped"))
    startup.run()
    assert calls == ["reaped"]


@pytest.mark.django_db
def test_without_a_grants_source_nobody_holds_anything(personas, monkeypatch):
    county = personas["county"]
    assert scope.has_perm(county, "members.view")
    monkeypatch.setattr(scope, "_grants_source", None)
    fresh = type(county).objects.get(pk=county.pk)
    assert not scope.has_perm(fresh, "members.view")
    assert scope.visible(fresh, type(county)).count() == 0


def test_scope_and_startup_import_no_app():
    apps = ("accounts", "orgs", "members", "reform", "supervision", "honours", "talent", "allowances", "api")
    for name in ("scope.py", "startup.py"):
        tree = ast.parse((CORE / name).read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module} | {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        for module in imported:
            assert not any(module.startswith(f"gefeng.{app}") for app in apps), f"core/{name} imports {module}"
