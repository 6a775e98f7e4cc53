"""Search by the last 4, 5 or 6 characters of an ID number: within scope, through the tail indexes."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from gefeng.core import pii
from gefeng.members import idtail, selectors, services
from gefeng.members.models import Member
from gefeng.members.selectors import MemberFilters
from tests.members.conftest import make_id
from tests.members.test_import import people, rows_of, run, write_xlsx

XINGE = make_id("19900101", "001")
HENGHUI = make_id("19880101", "009")


@pytest.fixture
def two(personas, tree, person):
    a = services.member_join(actor=personas["county"], union=tree.xinge_union, data=person(id_number=XINGE))
    b = services.member_join(
        actor=personas["county"],
        union=tree.henghui_union,
        data=person(name="吕布", id_number=HENGHUI, phone="13812340009"),
    )
    return a, b


def names(actor, q):
    return [m.name for m in selectors.member_list(actor, MemberFilters(q=q, today=dt.date(2026, 1, 1)))]


@pytest.mark.parametrize("n", [4, 5, 6])
def test_the_last_four_to_six_characters_find_the_member(two, personas, n):
    assert names(personas["county"], XINGE[-n:]) == ["张三"]
    assert names(personas["county"], HENGHUI[-n:]) == ["吕布"]


def test_an_x_tail_is_found_in_either_case(personas, tree, person):
    number = next(make_id("19900101", f"{s:03d}") for s in range(1, 999) if make_id("19900101", f"{s:03d}")[-1] == "X")
    services.member_join(actor=personas["county"], union=tree.xinge_union, data=person(id_number=number))
    assert names(personas["county"], number[-4:]) == ["张三"]
    assert names(personas["county"], number[-5:].lower()) == ["张三"]


def test_a_tail_never_leaves_the_scope(two, personas):
    assert names(personas["chair"], XINGE[-4:]) == ["张三"]
    assert names(personas["chair"], HENGHUI[-4:]) == []
    assert names(personas["chair"], HENGHUI[-6:]) == []
    assert names(personas["liaison"], XINGE[-4:]) == []


def test_other_lengths_and_middle_digits_find_nobody_by_tail(two, personas):
    assert names(personas["county"], XINGE[-3:]) == []
    assert names(personas["county"], XINGE[-10:-4]) == []  # six digits, but not the tail


def test_a_card_number_of_tail_length_is_still_found(personas, tree, person):
    services.member_join(actor=personas["county"], union=tree.xinge_union, data=person(card_number="8765"))
    assert names(personas["county"], "8765") == ["张三"]


@pytest.mark.parametrize("n", [4, 5, 6])
def test_the_search_reads_the_tail_column_not_the_whole_table(two, personas, n):
    with CaptureQueriesContext(connection) as ctx:
        names(personas["county"], XINGE[-n:])
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert f'"id_tail{n}" = ' in sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM members_member WHERE id_tail{n} = %s",  # noqa: S608
                [idtail.digest(XINGE[-n:])],
            )
            plan = " ".join(str(row[-1]) for row in cur.fetchall())
        assert f"member_id_tail{n}" in plan


def test_service_writes_fill_the_tails(two, personas):
    a, _b = two
    a.refresh_from_db()
    assert (a.id_tail4, a.id_tail5, a.id_tail6) == idtail.digests(XINGE)
    assert len({a.id_tail4, a.id_tail5, a.id_tail6, a.id_hash}) == 4
    assert a.id_tail4 != pii.blind_index(XINGE[-4:])[: idtail.DIGEST_CHARS]  # own key text per length
    services.member_update(actor=personas["county"], member=a, data={"name": "张三丰"})
    a.refresh_from_db()
    assert a.id_tail6 == idtail.digest(XINGE[-6:])


def test_an_import_fills_the_tails(tmp_path, tree, personas):
    persons = people(5)
    run(write_xlsx(tmp_path / "roster.xlsx", rows_of(persons)), tree.xinge_union)
    for p in persons:
        m = Member.objects.get(id_hash=pii.blind_index(p.id_number))
        assert (m.id_tail4, m.id_tail5, m.id_tail6) == idtail.digests(p.id_number)
    assert names(personas["county"], persons[2].id_number[-6:]) == [persons[2].name]


@pytest.fixture
def at_head(transactional_db):
    yield
    call_command("migrate", verbosity=0)


def test_the_migration_fills_the_tails_of_members_registered_before(at_head):
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0007_member_id_tails")])
    executor.loader.build_graph()
    old = executor.loader.project_state([("members", "0007_member_id_tails")]).apps
    OrgNode, OldMember = old.get_model("orgs", "OrgNode"), old.get_model("members", "Member")
    county = OrgNode.objects.create(path="0001", depth=1, kind="county", name="沛县", code="320322")
    union = OrgNode.objects.create(parent=county, path="00010001", depth=2, kind="union", name="新格灌溉工会")
    numbers = [make_id("19790611", f"{i:03d}") for i in range(1, 6)]
    for i, number in enumerate(numbers):
        OldMember.objects.create(
            name=f"赵{i}",
            id_number=number,
            id_hash=pii.blind_index(number),
            sex="男",
            birth_date=dt.date(1979, 6, 11),
            union=union,
            joined_on=dt.date(2015, 3, 1),
        )
    assert set(OldMember.objects.values_list("id_tail4", flat=True)) == {""}

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    for number in numbers:
        m = Member.objects.get(id_hash=pii.blind_index(number))
        assert (m.id_tail4, m.id_tail5, m.id_tail6) == idtail.digests(number)


def test_the_backfill_goes_by_primary_key_ranges_in_batches(personas, tree, person, monkeypatch):
    backfill = importlib.import_module("gefeng.members.migrations.0008_backfill_id_tails")
    monkeypatch.setattr(backfill, "BATCH", 2)
    numbers = [make_id("19790611", f"{i:03d}") for i in range(1, 6)]
    for i, number in enumerate(numbers):
        data = person(name="赵大山", id_number=number, phone=f"1381234{i:04d}")
        services.member_join(actor=personas["county"], union=tree.xinge_union, data=data)
    Member.objects.update(id_tail4="", id_tail5="", id_tail6="")
    with CaptureQueriesContext(connection) as ctx:
        backfill.backfill(django_apps, SimpleNamespace(connection=connection))
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 4  # 2 + 2 + 1 members, then an empty range
    assert all("LIMIT 2" in sql for sql in reads)
    for number in numbers:
        m = Member.objects.get(id_hash=pii.blind_index(number))
        assert (m.id_tail4, m.id_tail5, m.id_tail6) == idtail.digests(number)
