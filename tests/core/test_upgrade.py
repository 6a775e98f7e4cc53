"""Upgrading: data written at the previous migrations survives `migrate`; serve and demo check the schema."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.apps import apps as live_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from gefeng.core import pii, schema
from tests.members.conftest import make_id

ID_NUMBER = make_id("19790611", "025")


def previous_state(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Each gefeng app one migration back from its latest (an app with a single migration keeps it),
    everything depending on what was taken back taken back too; one target per app."""
    graph = executor.loader.graph
    ours = {c.label for c in live_apps.get_app_configs() if c.name.startswith("gefeng.")}
    latest = [key for key in graph.leaf_nodes() if key[0] in ours]
    removed = {key for key in latest if any(p[0] == key[0] for p in graph.node_map[key].parents)}
    for key in list(removed):
        removed |= set(graph.backwards_plan(key))
    remaining = set(graph.nodes) - removed
    targets = []
    for app in sorted({app for app, _ in graph.nodes}):
        names = sorted(name for a, name in remaining if a == app)
        assert names, f"{app} would lose every migration"
        targets.append((app, names[-1]))
    return targets


@pytest.fixture
def at_head(transactional_db):
    yield
    if not schema.state().current:
        call_command("migrate", verbosity=0)


def test_data_written_at_the_previous_migrations_survives_the_upgrade(at_head):
    executor = MigrationExecutor(connection)
    targets = previous_state(executor)
    assert ("members", "0009_enterprise_tally") in targets  # the rule, on today's migrations
    executor.migrate(targets)
    executor.loader.build_graph()
    old = executor.loader.project_state(targets).apps
    OrgNode, Member = old.get_model("orgs", "OrgNode"), old.get_model("members", "Member")
    AuditEntry = old.get_model("core", "AuditEntry")
    county = OrgNode.objects.create(path="0001", depth=1, kind="county", name="沛县", code="320322")
    union = OrgNode.objects.create(parent=county, path="00010001", depth=2, kind="union", name="新格灌溉工会")
    Member.objects.create(
        name="赵大山",
        id_number=ID_NUMBER,
        id_hash=pii.blind_index(ID_NUMBER),
        sex="M",
        birth_date=dt.date(1979, 6, 11),
        union=union,
        joined_on=dt.date(2015, 3, 1),
        status="active",
    )
    AuditEntry.objects.create(action="members.member.joined", object_repr="赵大山", changes={})
    assert schema.state().behind

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert schema.state().current
    from gefeng.core.models import AuditEntry as LiveAudit
    from gefeng.members.models import Member as LiveMember
    from gefeng.orgs.models import OrgNode as LiveNode
    from gefeng.talent.models import TalentCategory

    member = LiveMember.objects.get(id_hash=pii.blind_index(ID_NUMBER))
    assert member.id_number == ID_NUMBER and member.union.name == "新格灌溉工会"
    assert LiveNode.objects.get(path="0001").name == "沛县"
    assert LiveAudit.objects.filter(action="members.member.joined").count() == 1
    assert TalentCategory.objects.filter(code="labour_model").exists()  # talent.0002 ran on the upgraded database


def _unapply_latest_members(executor: MigrationExecutor) -> tuple[str, str]:
    leaf = next(key for key in executor.loader.graph.leaf_nodes() if key[0] == "members")
    parent = next(p for p in executor.loader.graph.node_map[leaf].parents if p[0] == "members")
    executor.migrate([parent.key])
    return leaf


@pytest.fixture
def no_server(monkeypatch):
    """serve's checks and migrations run; gunicorn itself does not start."""
    monkeypatch.setattr("gunicorn.app.base.BaseApplication.run", lambda self: None)


def test_serve_refuses_a_database_that_is_behind_with_no_migrate_and_migrates_it_otherwise(at_head, no_server):
    executor = MigrationExecutor(connection)
    leaf = _unapply_latest_members(executor)
    with pytest.raises(CommandError) as exc:
        call_command("serve", "--no-migrate", "--no-worker")
    assert "落后" in str(exc.value) and "gefeng migrate" in str(exc.value) and f"{leaf[0]}.{leaf[1]}" in str(exc.value)
    assert schema.state().behind

    out = io.StringIO()
    call_command("serve", "--no-worker", stdout=out)
    assert "正在执行数据库迁移" in out.getvalue()
    assert schema.state().current


@pytest.mark.parametrize("flags", [("--no-migrate",), ()])
def test_serve_refuses_a_database_ahead_of_the_code(db, no_server, flags):
    MigrationRecorder(connection).record_applied("members", "9999_from_a_newer_version")
    with pytest.raises(CommandError) as exc:
        call_command("serve", "--no-worker", *flags)
    assert "数据库比当前程序新" in str(exc.value) and "members.9999_from_a_newer_version" in str(exc.value)
    assert schema.state().unknown == (("members", "9999_from_a_newer_version"),)


def test_demo_refuses_a_database_that_is_behind(at_head):
    _unapply_latest_members(MigrationExecutor(connection))
    with pytest.raises(CommandError, match="gefeng migrate"):
        call_command("demo", "--no-members")


def test_a_current_database_is_current(db):
    st = schema.state()
    assert st.current and not st.empty and not st.ahead
    assert schema.require_current() == st


def test_an_unmigrated_database_is_explained_by_demo_and_serve(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEFENG_") and k != "PYTEST_VERSION"}
    env |= {"GEFENG_ENV_FILE": "/dev/null", "GEFENG_DATA_DIR": str(tmp_path)}
    for args in (["demo"], ["serve", "--no-migrate", "--no-worker"]):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "gefeng.cli", *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1, result.stderr
        assert "数据库还没有初始化" in result.stderr and "gefeng migrate" in result.stderr
        assert "Traceback" not in result.stderr
