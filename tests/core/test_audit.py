"""Writing the audit log, masking of personal data in it, and the append-only rule."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from gefeng.core import audit
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.models import AppendOnlyError, AuditEntry


@pytest.fixture
def entry(db) -> AuditEntry:
    return audit.record(actor=None, action="core.test.done", object_type="core.test", object_id="1")


def test_record_writes_who_where_what(tree, personas):
    county = personas["county"]
    with acting_from(RequestInfo(ip="10.20.30.40", user_agent="Mozilla/5.0 测试浏览器", source="web")):
        entry = audit.record(
            actor=county,
            action="orgs.node.updated",
            obj=tree.xinge,
            changes={"name": {"old": "旧名", "new": "新名"}},
        )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == county.pk
    assert entry.actor_name == "county"
    assert entry.ip == "10.20.30.40"
    assert entry.user_agent == "Mozilla/5.0 测试浏览器"
    assert entry.source == "web"
    assert entry.action == "orgs.node.updated"
    assert entry.object_type == "orgs.orgnode"
    assert entry.object_id == str(tree.xinge.pk)
    assert entry.object_repr == str(tree.xinge)
    assert entry.changes == {"name": {"old": "旧名", "new": "新名"}}
    assert entry.success is True
    assert entry.at is not None


def test_record_without_a_user_names_the_source(db):
    with acting_from(RequestInfo(source="cli")):
        entry = audit.record(actor=None, action="core.figures.computed", object_repr="沛县", success=False)
    assert entry.actor_id is None
    assert entry.actor_name == "cli"
    assert entry.source == "cli"
    assert entry.success is False


def test_record_cuts_long_values_to_the_columns(db):
    entry = audit.record(actor=None, action="x.y", object_type="t" * 100, object_id="9" * 100, object_repr="名" * 300)
    entry.refresh_from_db()
    assert (len(entry.object_type), len(entry.object_id), len(entry.object_repr)) == (60, 64, 200)


def test_diff_keeps_changed_fields_and_masks_sensitive_ones():
    before = {
        "name": "新格灌溉",
        "phone": "13812345678",
        "id_number": "32032219900101123X",
        "password": "old",
    }
    after = {"name": "新格灌溉", "phone": "13900001111", "id_number": "320322199202021234", "password": "new"}
    changes = audit.diff(before, after)
    assert "name" not in changes  # unchanged
    assert changes["phone"] == {"old": "*******5678", "new": "*******1111"}
    assert changes["id_number"] == {"old": "**************123X", "new": "**************1234"}
    assert changes["password"] == {"old": "******", "new": "******"}


def test_record_masks_sensitive_values(db):
    entry = audit.record(
        actor=None,
        action="accounts.user.updated",
        changes={
            "phone": {"old": "13812345678", "new": "13900001111"},
            "id_number": "32032219900101123X",
            "password": "Secret#2026",
            "name": {"old": "张三", "new": "张三丰"},
        },
    )
    stored = AuditEntry.objects.get(pk=entry.pk).changes
    assert stored["phone"] == {"old": "*******5678", "new": "*******1111"}
    assert stored["id_number"] == "**************123X"
    assert stored["password"] == "******"
    assert stored["name"] == {"old": "张三", "new": "张三丰"}
    flat = str(stored)
    for secret in ("13812345678", "13900001111", "32032219900101123X", "Secret#2026"):
        assert secret not in flat


def test_record_of_a_user_change_never_stores_the_phone(db, personas):
    entry = AuditEntry.objects.filter(action="accounts.user.created", object_id=str(personas["worker"].pk)).get()
    assert "phone" in entry.changes
    assert entry.changes["phone"] in ("", None) or "*" in entry.changes["phone"]


# --- append-only ------------------------------------------------------------------------------


def test_saving_an_existing_entry_is_refused(entry):
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "core.test.done"


def test_a_fetched_entry_cannot_be_saved_either(entry):
    again = AuditEntry.objects.get(pk=entry.pk)
    with pytest.raises(AppendOnlyError):
        again.save(update_fields=["action"])


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_and_delete_are_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(success=False)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == "core.test.done" and entry.success is True


def test_new_entries_can_still_be_added(entry):
    second = AuditEntry(action="core.test.again")
    second.save()
    assert AuditEntry.objects.filter(action__startswith="core.test.").count() == 2


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def test_database_refuses_raw_update_and_delete_on_postgresql(entry):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE core_auditentry SET action = %s WHERE id = %s", ["x", entry.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM core_auditentry", [])
    # The connection is still usable and the row is as it was written.
    row = AuditEntry.objects.get(pk=entry.pk)
    assert (row.action, row.object_id) == ("core.test.done", "1")


def test_postgresql_trigger_is_installed(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cur:
        cur.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditentry'::regclass AND NOT tgisinternal")
        names = {r[0] for r in cur.fetchall()}
    assert "core_auditentry_append_only" in names
