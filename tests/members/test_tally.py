"""The live members per enterprise (`members.tally`) kept by every write: the services, the
roster import, the demo loader, and `gefeng tally` for a database changed around the platform."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.db import connection

from gefeng.core.actors import SYSTEM
from gefeng.members import selectors, services, tally
from gefeng.members.models import EnterpriseTally, Member, Status
from tests.members.conftest import make_id
from tests.members.test_import import people, rows_of, run, write_xlsx

ON = dt.date(2021, 3, 1)


def active(enterprise) -> int:
    row = EnterpriseTally.objects.filter(pk=enterprise.pk).first()
    return row.active if row else 0


def counted(enterprise) -> int:
    return Member.objects.filter(enterprise=enterprise, status=Status.ACTIVE).count()


def test_each_service_moves_the_counts(tree, person, personas):
    county = personas["county"]
    a = services.member_join(actor=SYSTEM, union=tree.xinge_union, data=person())
    b = services.member_join(
        actor=SYSTEM, union=tree.xinge_union, data=person(name="李四", id_number=make_id(seq="002"))
    )
    assert active(tree.xinge) == 2 == counted(tree.xinge)
    services.member_transfer(actor=county, member=a, to_union=tree.henghui_union, on=ON)
    assert (active(tree.xinge), active(tree.henghui)) == (1, 1)
    services.member_retain(actor=county, member=b, reason="退休", on=ON)
    assert active(tree.xinge) == 0 == counted(tree.xinge)
    a = Member.objects.get(pk=a.pk)
    services.member_leave(actor=county, member=a, on=ON, reason="离职")
    assert active(tree.henghui) == 0 == counted(tree.henghui)
    # A change that moves nobody in or out leaves the count alone.
    services.member_join(actor=SYSTEM, union=tree.henghui_union, data=person(name="王五", id_number=make_id(seq="003")))
    c = Member.objects.get(name="王五")
    services.member_update(actor=county, member=c, data={"occupation": "钳工"})
    assert active(tree.henghui) == 1


def test_the_import_and_the_rebuild_recount(tmp_path, tree):
    job = run(write_xlsx(tmp_path / "roster.xlsx", rows_of(people(12))), tree.xinge_union)
    assert job.result["imported"] == 12
    assert active(tree.xinge) == 12 == counted(tree.xinge)
    # Written around the platform: the count is stale until `gefeng tally`.
    with connection.cursor() as cur:
        table = Member._meta.db_table
        cur.execute(f"UPDATE {table} SET status = 'left' WHERE id IN (SELECT id FROM {table} LIMIT 5)")  # noqa: S608
    assert active(tree.xinge) == 12
    call_command("tally")
    assert active(tree.xinge) == 7 == counted(tree.xinge)
    assert active(tree.henghui) == 0 and EnterpriseTally.objects.filter(pk=tree.henghui.pk).exists()


def test_coverage_reads_the_tally(tree, personas, person):
    services.member_join(actor=SYSTEM, union=tree.xinge_union, data=person())
    rows = {e.pk: e.members for e in selectors.enterprise_coverage(personas["county"])}
    assert rows[tree.xinge.pk] == 1 and rows[tree.henghui.pk] == 0
    tally.recount([tree.xinge.pk])
    EnterpriseTally.objects.filter(pk=tree.xinge.pk).update(active=41)  # the page shows the kept count
    assert {e.pk: e.members for e in selectors.enterprise_coverage(personas["county"])}[tree.xinge.pk] == 41
