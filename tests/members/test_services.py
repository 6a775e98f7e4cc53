import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gefeng.core import pii
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.members import services
from gefeng.members.models import EventKind, Member, MembershipEvent, Status
from gefeng.orgs import services as org_services
from gefeng.orgs.models import Kind
from tests.members.conftest import make_id


def join(personas, tree, person, who="chair", union=None, **over):
    return services.member_join(actor=personas[who], union=union or tree.xinge_union, data=person(**over))


def test_join_derives_birth_date_sex_and_encrypts(personas, tree, person):
    m = join(personas, tree, person, id_number=make_id("19850315", "002"))
    assert m.birth_date == dt.date(1985, 3, 15) and m.sex == "女"
    assert m.enterprise == tree.xinge and m.industrial_worker  # 制造业 C
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM members_member WHERE id = %s", [m.pk])
        raw_id, raw_phone = cur.fetchone()
    assert raw_id.startswith("g1:") and make_id("19850315", "002") not in raw_id
    assert "13812345678" not in raw_phone
    assert m.id_hash == pii.blind_index(make_id("19850315", "002"))
    event = MembershipEvent.objects.get(member=m)
    assert event.kind == EventKind.JOIN and event.union == tree.xinge_union
    entry = AuditEntry.objects.get(action="members.member.joined")
    assert "*" in entry.changes["id_number"] and "*" in entry.changes["phone"]


def test_one_active_membership_per_id_number_in_the_whole_database(personas, tree, person):
    join(personas, tree, person)
    with pytest.raises(ValidationError) as exc:
        join(personas, tree, person, who="outsider", union=tree.henghui_union, name="张叁")
    assert "一次入会" in exc.value.message_dict["id_number"][0]
    assert Member.objects.count() == 1


def test_lower_case_x_and_fifteen_digit_numbers_find_the_same_person(personas, tree, person):
    m = join(personas, tree, person, id_number="11010519491231002x")
    assert m.id_number == "11010519491231002X"
    with pytest.raises(ValidationError):
        join(personas, tree, person, id_number="110105491231002")


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Zhang San"}, "name"),
        ({"id_number": "320322199001010012"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"joined_on": None}, "joined_on"),
        ({"joined_on": dt.date(2003, 1, 1)}, "joined_on"),  # aged 13
        ({"job_category": "厨师长"}, "job_category"),
        ({"sex": "女"}, "sex"),  # the ID number says 男
    ],
)
def test_invalid_records_are_refused_with_chinese_messages(personas, tree, person, over, field):
    with pytest.raises(ValidationError) as exc:
        join(personas, tree, person, **over)
    assert field in exc.value.message_dict
    assert any("\u4e00" <= c <= "\u9fff" for c in exc.value.message_dict[field][0])
    assert not Member.objects.exists()


def test_scope_is_enforced_on_join(personas, tree, person):
    with pytest.raises(PermissionDenied):
        join(personas, tree, person, who="town", union=tree.henghui_union)
    with pytest.raises(PermissionDenied):
        join(personas, tree, person, who="auditor")


def test_join_needs_a_union(personas, tree, person):
    with pytest.raises(ValidationError):
        join(personas, tree, person, union=tree.xinge)


def test_transfer_keeps_history_on_both_sides_and_needs_both_scopes(personas, tree, person):
    m = join(personas, tree, person)
    with pytest.raises(PermissionDenied):
        services.member_transfer(actor=personas["chair"], member=m, to_union=tree.henghui_union, on=dt.date(2021, 3, 1))
    m = services.member_transfer(
        actor=personas["county"], member=m, to_union=tree.henghui_union, on=dt.date(2021, 3, 1), reason="调动"
    )
    assert m.union == tree.henghui_union and m.enterprise == tree.henghui and m.status == Status.ACTIVE
    kinds = dict(MembershipEvent.objects.filter(member=m).values_list("kind", "union_id"))
    assert (
        kinds[EventKind.TRANSFER_OUT] == tree.xinge_union.pk and kinds[EventKind.TRANSFER_IN] == tree.henghui_union.pk
    )
    # The old side still sees its 转出 row, though the member left its scope.
    from gefeng.core import scope

    assert not scope.visible(personas["chair"], Member).filter(pk=m.pk).exists()
    assert scope.visible(personas["chair"], MembershipEvent).filter(member=m, kind=EventKind.TRANSFER_OUT).exists()
    assert not scope.visible(personas["chair"], MembershipEvent).filter(member=m, kind=EventKind.TRANSFER_IN).exists()


def test_transfer_out_of_the_county_and_rejoin_later(personas, tree, person):
    m = join(personas, tree, person)
    m = services.member_transfer_out(
        actor=personas["chair"], member=m, to_name="丰县某公司工会", on=dt.date(2021, 1, 5)
    )
    assert m.status == Status.TRANSFERRED_OUT and m.ended_on == dt.date(2021, 1, 5)
    again = join(personas, tree, person, who="outsider", union=tree.henghui_union, joined_on=dt.date(2022, 2, 1))
    assert again.pk == m.pk and again.status == Status.ACTIVE and again.union == tree.henghui_union
    assert MembershipEvent.objects.filter(member=m, kind=EventKind.JOIN).count() == 2


def test_retain_on_retirement_stays_and_on_closure_moves_to_the_higher_union(personas, tree, person):
    m = join(personas, tree, person)
    with pytest.raises(ValidationError):
        services.member_retain(actor=personas["chair"], member=m, reason="单位关闭或破产", on=dt.date(2021, 6, 1))
    town_union = org_services.orgnode_create(
        actor=personas["town"], parent=tree.longgu, kind=Kind.UNION, name="龙固镇总工会"
    )
    m = services.member_retain(actor=personas["town"], member=m, reason="单位关闭或破产", on=dt.date(2021, 6, 1))
    assert m.status == Status.RETAINED and m.union == town_union and m.enterprise is None
    other = join(personas, tree, person, id_number=make_id("19700101", "003"), name="李四")
    other = services.member_retain(actor=personas["chair"], member=other, reason="退休", on=dt.date(2021, 6, 1))
    assert other.union == tree.xinge_union and other.status == Status.RETAINED
    with pytest.raises(ValidationError):
        services.member_retain(actor=personas["chair"], member=other, reason="退休", on=dt.date(2021, 6, 2))


def test_leave_then_no_further_changes(personas, tree, person):
    m = join(personas, tree, person)
    with pytest.raises(ValidationError):
        services.member_leave(actor=personas["chair"], member=m, on=dt.date(2021, 1, 1), reason=" ")
    m = services.member_leave(actor=personas["chair"], member=m, on=dt.date(2021, 1, 1), reason="本人申请")
    assert m.status == Status.LEFT
    with pytest.raises(ValidationError):
        services.member_transfer(
            actor=personas["county"], member=m, to_union=tree.henghui_union, on=dt.date(2021, 2, 1)
        )


def test_update_renames_and_reindexes(personas, tree, person):
    m = join(personas, tree, person)
    services.member_update(actor=personas["chair"], member=m, data={"name": "张三丰", "skill_level": "三级/高级工"})
    m.refresh_from_db()
    assert m.name == "张三丰" and m.skill_level == "3"
    assert (m.name_tail1, m.name_tail2, m.pinyin, m.initials) == ("三丰", "丰", "zhangsanfeng", "zsf")
    with pytest.raises(PermissionDenied):
        services.member_update(actor=personas["outsider"], member=m, data={"name": "王五"})


def test_card_numbers_are_unique(personas, tree, person):
    join(personas, tree, person, card_number="3203222000000001")
    with pytest.raises(ValidationError) as exc:
        join(personas, tree, person, id_number=make_id("19910101", "005"), card_number="3203222000000001")
    assert "card_number" in exc.value.message_dict


def test_reveal_is_audited_and_needs_the_right(personas, tree, person):
    m = join(personas, tree, person)
    assert services.member_reveal(actor=personas["chair"], member=m, field="id_number") == make_id()
    assert AuditEntry.objects.filter(action="members.member.id_number_revealed", object_id=str(m.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.member_reveal(actor=personas["auditor"], member=m, field="phone")


def test_expired_import_files_are_deleted_and_running_ones_kept(tree, personas, settings, tmp_path):
    import os
    import time

    from gefeng.members.imports import tasks
    from gefeng.members.models import ImportJob, ImportStatus

    settings.IMPORT_RETENTION_DAYS = 7
    folder = services.imports_dir()
    old = time.time() - 8 * 86_400

    def file(name, age=old):
        path = folder / name
        path.write_bytes(b"x")
        os.utime(path, (age, age))
        return path

    done_upload, done_rejects = file("done.xlsx"), file("done.xlsx.rejects.xlsx")
    running_upload = file("running.xlsx")
    abandoned = file("abandoned.csv")  # an upload never confirmed
    fresh = file("fresh.xlsx", age=time.time() - 86_400)
    done = ImportJob.objects.create(
        union=tree.xinge_union,
        filename="a.xlsx",
        stored=str(done_upload),
        rejects=str(done_rejects),
        status=ImportStatus.DONE,
    )
    ImportJob.objects.create(
        union=tree.xinge_union, filename="b.xlsx", stored=str(running_upload), status=ImportStatus.RUNNING
    )
    assert tasks.purge_expired() == 3
    assert not done_upload.exists() and not done_rejects.exists() and not abandoned.exists()
    assert running_upload.exists() and fresh.exists()
    done.refresh_from_db()
    assert done.rejects == ""  # the job page no longer offers the 错误行 file
    assert services.import_files_purge(actor=SYSTEM) == 0
    settings.IMPORT_RETENTION_DAYS = "nonsense"
    assert services.import_retention_days() == 30
    with pytest.raises(PermissionDenied):
        services.import_files_purge(actor=personas["worker"])


def test_the_registry_services_that_the_system_may_run():
    from gefeng.core import actors

    accepted = {name for name in actors.ACCEPTS_SYSTEM if name.startswith("gefeng.members.")}
    assert accepted == {
        "gefeng.members.services.membership.member_join",
        "gefeng.members.services.rosters.value_mappings_save",
        "gefeng.members.services.rosters.import_files_purge",
    }


def test_the_system_may_join_a_member_but_not_change_one(tree, person):
    member = services.member_join(actor=SYSTEM, union=tree.xinge_union, data=person())
    assert member.pk and member.union == tree.xinge_union
    assert member.events.get().actor is None  # the history names no user for the system
    with pytest.raises(PermissionDenied):
        services.member_update(actor=SYSTEM, member=member, data={"occupation": "挡车工"})
    with pytest.raises(PermissionDenied):
        services.member_join(actor=None, union=tree.xinge_union, data=person(id_number=make_id("19900101", "051")))
