"""The application's PostgreSQL role cannot rewrite the audit log; destructive commands refuse
in production."""

from __future__ import annotations

import os

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from gefeng.core import audit, dbroles

pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")

FORBIDDEN = {
    "UPDATE": "UPDATE core_auditentry SET action = 'rewritten'",
    "DELETE": "DELETE FROM core_auditentry",
    "TRUNCATE": "TRUNCATE core_auditentry",
    "DISABLE TRIGGER": "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only",
    "DROP TRIGGER": "DROP TRIGGER core_auditentry_append_only ON core_auditentry",
    "DROP TABLE": "DROP TABLE core_auditentry",
}


@pytest.fixture
def roles(db):
    """An owner and an application role, made inside the test's transaction (rolled back after)."""
    suffix = os.getpid()
    owner, app = f"gefeng_test_owner_{suffix}", f"gefeng_test_app_{suffix}"
    with connection.cursor() as cur:
        cur.execute(f"CREATE ROLE {owner} NOLOGIN")
        cur.execute(f"CREATE ROLE {app} NOLOGIN")
        cur.execute(f"ALTER TABLE core_auditentry OWNER TO {owner}")
    dbroles.apply_grants(owner=owner, app=app)
    yield owner, app
    with connection.cursor() as cur:
        cur.execute("RESET ROLE")


@pg
def test_the_application_role_appends_to_the_audit_log_and_nothing_else(roles):
    owner, app = roles
    with connection.cursor() as cur:
        cur.execute(f"SET LOCAL ROLE {app}")
        audit.record(actor=None, action="core.test.appended", object_type="core.test", object_repr="x")
        cur.execute("SELECT count(*) FROM core_auditentry WHERE action = 'core.test.appended'")
        assert cur.fetchone()[0] == 1
        assert dbroles.owned_tables() == [] and not dbroles.is_superuser()
    refused = {}
    for name, sql in FORBIDDEN.items():
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql)
        except DatabaseError as exc:
            refused[name] = str(exc).splitlines()[0]
    assert set(refused) == set(FORBIDDEN), refused
    for name in ("TRUNCATE", "DISABLE TRIGGER", "DROP TRIGGER", "DROP TABLE"):
        assert "permission denied" in refused[name] or "must be owner" in refused[name], refused[name]
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM core_auditentry WHERE action = 'core.test.appended'")
        assert cur.fetchone()[0] == 1  # still there
        # The owner could have truncated it: the reason the application must not be the owner.
        cur.execute("RESET ROLE")
        cur.execute(f"SET LOCAL ROLE {owner}")
        assert "core_auditentry" in dbroles.owned_tables()


@pg
def test_ordinary_tables_stay_writable_for_the_application_role(roles, tree):
    _owner, app = roles
    from gefeng.orgs.models import OrgNode

    with connection.cursor() as cur:
        cur.execute(f"SET LOCAL ROLE {app}")
    updated = OrgNode.objects.filter(pk=tree.kejiju.pk).update(short_name="科技局")
    assert updated == 1


@pg
def test_deploy_check_refuses_an_application_role_that_owns_tables(db):
    from gefeng.core.checks import database_role_problems

    # The test database's tables belong to the role the suite connects as.
    problems = database_role_problems()
    assert problems and any("拥有" in p or "超级用户" in p for p in problems)


@pg
def test_grants_refuse_the_owner_as_application(db):
    with pytest.raises(ValueError, match="不能与表的所有者相同"):
        dbroles.apply_grants(owner="gefeng", app="gefeng")


def test_sqlite_has_no_roles(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(ValueError, match="SQLite"):
        dbroles.apply_grants(owner="a", app="b")
    assert dbroles.owned_tables() == []


@pytest.mark.parametrize("command", ["flush", "sqlflush"])
def test_emptying_commands_refuse_in_production(db, settings, command):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产模式下不能执行"):
        call_command(command, verbosity=0, **({"interactive": False} if command == "flush" else {}))


def test_migrating_back_to_zero_refuses_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="zero"):
        call_command("migrate", "honours", "zero", interactive=False, verbosity=0)
