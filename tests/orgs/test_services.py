"""Writes to the organisation tree: rules, codes, moves, closing, scope and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gefeng.core.models import AuditEntry
from gefeng.core.validators import make_uscc
from gefeng.orgs import services
from gefeng.orgs.models import SEGMENT, Kind, OrgNode, segment

pytestmark = pytest.mark.django_db

GOOD_USCC = make_uscc("91", "320322", "MA1X2Y3W")


def _audits(action: str, node: OrgNode):
    return AuditEntry.objects.filter(action=action, object_type="orgs.orgnode", object_id=str(node.pk))


def _messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


# ---------------------------------------------------------------- create


def test_create_numbers_the_child_under_its_parent_and_audits(tree, personas):
    node = services.orgnode_create(
        actor=personas["town"],
        parent=tree.longgu,
        kind=Kind.ENTERPRISE,
        name="  沛县龙固机械厂 ",
        code=GOOD_USCC.lower(),
        employee_count=40,
    )
    node.refresh_from_db()
    assert node.name == "沛县龙固机械厂"
    assert node.code == GOOD_USCC  # upper-cased
    assert node.parent_id == tree.longgu.pk
    assert node.depth == tree.longgu.depth + 1
    # The second child of 龙固镇 (新格 was the first).
    assert node.path == tree.longgu.path + segment(2)
    entry = _audits("orgs.node.created", node).get()
    assert entry.actor == personas["town"]
    assert entry.changes["kind"] == "enterprise"
    assert entry.changes["name"] == "沛县龙固机械厂"


def test_create_refuses_a_kind_the_parent_does_not_take(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_create(actor=personas["town"], parent=tree.longgu, kind=Kind.TEAM, name="某班组")
    assert "下不能建立" in _messages(exc, "kind")[0]
    assert not OrgNode.objects.filter(name="某班组").exists()


def test_create_refuses_an_unknown_kind(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_create(actor=personas["county"], parent=tree.county, kind="planet", name="火星")
    assert _messages(exc, "kind") == ["组织类型无效。"]


def test_create_refuses_a_wrong_uscc_check_digit_in_chinese(tree, personas):
    wrong = GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.orgnode_create(
            actor=personas["town"],
            parent=tree.longgu,
            kind=Kind.ENTERPRISE,
            name="校验位错误公司",
            code=wrong,
        )
    assert _messages(exc, "code") == ["统一社会信用代码校验位错误，请核对。"]


def test_create_refuses_a_badly_shaped_region_code(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_create(actor=personas["county"], parent=tree.county, kind=Kind.TOWN, name="新镇", code="3203")
    assert "行政区划代码" in _messages(exc, "code")[0]


def test_create_refuses_a_union_code_not_starting_81(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_create(
            actor=personas["chair"],
            parent=tree.xinge,
            kind=Kind.UNION,
            name="第二工会",
            code=make_uscc("51", "320322", "MA1X2Y3W"),
        )
    assert "81 开头" in _messages(exc, "code")[0]


def test_create_refuses_a_duplicate_code(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_create(
            actor=personas["county"],
            parent=tree.yangtun,
            kind=Kind.ENTERPRISE,
            name="重复公司",
            code=tree.xinge.code,
        )
    assert _messages(exc, "code") == ["该代码已被其他组织使用。"]


def test_create_requires_a_name_and_a_valid_phone(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_create(
            actor=personas["town"],
            parent=tree.longgu,
            kind=Kind.UNION,
            name="  ",
            contact_phone="12345",
        )
    assert _messages(exc, "name") == ["请填写名称。"]
    assert "手机号" in _messages(exc, "contact_phone")[0]


def test_create_outside_scope_is_refused(tree, personas):
    with pytest.raises(PermissionDenied):
        services.orgnode_create(actor=personas["town"], parent=tree.yangtun, kind=Kind.ENTERPRISE, name="越权公司")
    with pytest.raises(PermissionDenied):  # read-only role
        services.orgnode_create(actor=personas["auditor"], parent=tree.yangtun, kind=Kind.ENTERPRISE, name="越权公司")
    assert not OrgNode.objects.filter(name="越权公司").exists()


def test_only_the_system_administrator_creates_a_root(db, personas):
    with pytest.raises(PermissionDenied):
        services.orgnode_create(actor=personas["county"], parent=None, kind=Kind.COUNTY, name="丰县")
    root = services.orgnode_create(actor=personas["sysadmin"], parent=None, kind=Kind.COUNTY, name="丰县")
    assert root.depth == 1 and root.parent_id is None and len(root.path) == SEGMENT


# ---------------------------------------------------------------- update


def test_update_changes_fields_and_audits_the_difference_with_phone_masked(tree, personas):
    node = services.orgnode_update(
        actor=personas["town"],
        node=tree.xinge,
        short_name="新格",
        employee_count=350,
        contact_phone="13812345678",
    )
    node.refresh_from_db()
    assert (node.short_name, node.employee_count, node.contact_phone) == ("新格", 350, "13812345678")
    entry = _audits("orgs.node.updated", node).get()
    assert entry.changes["short_name"] == {"old": "新格灌溉", "new": "新格"}
    assert entry.changes["employee_count"] == {"old": 320, "new": 350}
    assert entry.changes["contact_phone"] == {"old": "", "new": "*******5678"}
    assert "13812345678" not in str(entry.changes)


def test_update_without_change_writes_no_audit_entry(tree, personas):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, name=tree.xinge.name)
    assert not _audits("orgs.node.updated", tree.xinge).exists()


def test_update_keeps_its_own_code_but_refuses_another_nodes(tree, personas):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, code=tree.xinge.code, name="新格灌溉设备")
    assert OrgNode.objects.get(pk=tree.xinge.pk).name == "新格灌溉设备"
    with pytest.raises(ValidationError) as exc:
        services.orgnode_update(actor=personas["county"], node=tree.xinge, code=tree.henghui.code)
    assert _messages(exc, "code") == ["该代码已被其他组织使用。"]


def test_update_checks_dates(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_update(
            actor=personas["town"],
            node=tree.xinge,
            valid_from=dt.date(2020, 1, 1),
            valid_to=dt.date(2019, 1, 1),
        )
    assert _messages(exc, "valid_to") == ["撤销日期不能早于成立日期。"]
    with pytest.raises(ValidationError) as exc:
        services.orgnode_update(
            actor=personas["town"],
            node=tree.xinge,
            union_founded_on=dt.date.today() + dt.timedelta(days=1),
        )
    assert _messages(exc, "union_founded_on") == ["建会日期不能晚于今天。"]


def test_town_officer_of_longgu_cannot_edit_henghui(tree, personas):
    with pytest.raises(PermissionDenied):
        services.orgnode_update(actor=personas["town"], node=tree.henghui, name="被改名")
    assert OrgNode.objects.get(pk=tree.henghui.pk).name == "徐州恒辉编织机械有限公司"
    with pytest.raises(PermissionDenied):  # the auditor sees 恒辉 but may not change it
        services.orgnode_update(actor=personas["auditor"], node=tree.henghui, name="被改名")


# ---------------------------------------------------------------- move


def test_move_rewrites_the_paths_and_depths_of_the_whole_subtree(tree, personas):
    old_path = tree.xinge.path
    moved = services.orgnode_move(actor=personas["county"], node=tree.xinge, new_parent=tree.henghui)
    assert moved.parent_id == tree.henghui.pk
    assert moved.path.startswith(tree.henghui.path) and moved.depth == tree.henghui.depth + 1
    union = OrgNode.objects.get(pk=tree.xinge_union.pk)
    team = OrgNode.objects.get(pk=tree.xinge_team.pk)
    assert union.path == moved.path + tree.xinge_union.path[len(old_path) :]
    assert team.path == moved.path + tree.xinge_team.path[len(old_path) :]
    assert (union.depth, team.depth) == (tree.xinge_union.depth + 1, tree.xinge_team.depth + 1)
    assert not OrgNode.objects.filter(path__startswith=old_path).exists()
    assert set(OrgNode.objects.subtree_of(tree.longgu).values_list("pk", flat=True)) == {tree.longgu.pk}
    entry = _audits("orgs.node.moved", moved).get()
    assert entry.changes["parent"] == {"old": "龙固镇", "new": "徐州恒辉编织机械有限公司"}
    assert entry.changes["path"] == {"old": old_path, "new": moved.path}


def test_move_refuses_moving_under_its_own_descendant(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_move(actor=personas["county"], node=tree.longgu, new_parent=tree.xinge)
    assert exc.value.messages == ["不能把组织移到它自己或它的下级之下。"]
    with pytest.raises(ValidationError):
        services.orgnode_move(actor=personas["county"], node=tree.xinge, new_parent=tree.xinge)
    assert OrgNode.objects.get(pk=tree.longgu.pk).path == tree.longgu.path


def test_move_refuses_a_kind_the_new_parent_does_not_take(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_move(actor=personas["county"], node=tree.xinge_team, new_parent=tree.yangtun)
    assert "下不能放" in exc.value.messages[0]


def test_move_refuses_the_root(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_move(actor=personas["sysadmin"], node=tree.county, new_parent=tree.longgu)
    assert exc.value.messages == ["县级根节点不能移动。"]


def test_move_needs_change_rights_at_both_ends(tree, personas):
    with pytest.raises(PermissionDenied):
        services.orgnode_move(actor=personas["town"], node=tree.xinge, new_parent=tree.yangtun)
    with pytest.raises(PermissionDenied):
        services.orgnode_move(actor=personas["outsider"], node=tree.henghui_union, new_parent=tree.xinge)
    assert OrgNode.objects.get(pk=tree.xinge.pk).parent_id == tree.longgu.pk


def test_move_to_the_same_parent_changes_nothing(tree, personas):
    services.orgnode_move(actor=personas["town"], node=tree.xinge, new_parent=tree.longgu)
    assert OrgNode.objects.get(pk=tree.xinge.pk).path == tree.xinge.path
    assert not _audits("orgs.node.moved", tree.xinge).exists()


# ---------------------------------------------------------------- close


def test_close_sets_the_end_date_and_audits_the_reason(tree, personas):
    day = dt.date.today() - dt.timedelta(days=1)
    node = services.orgnode_close(actor=personas["town"], node=tree.xinge, on=day, reason=" 企业注销 ")
    assert OrgNode.objects.get(pk=node.pk).valid_to == day
    assert node.is_closed
    entry = _audits("orgs.node.closed", node).get()
    assert entry.changes["reason"] == "企业注销"
    assert entry.changes["valid_to"] == {"old": None, "new": day.isoformat()}


def test_close_needs_a_reason_and_a_date_after_founding(tree, personas):
    with pytest.raises(ValidationError) as exc:
        services.orgnode_close(actor=personas["town"], node=tree.xinge, on=dt.date.today(), reason="  ")
    assert _messages(exc, "reason") == ["请填写撤销原因。"]
    services.orgnode_update(actor=personas["town"], node=tree.xinge, valid_from=dt.date(2010, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.orgnode_close(actor=personas["town"], node=tree.xinge, on=dt.date(2009, 1, 1), reason="合并")
    assert _messages(exc, "on") == ["撤销日期不能早于成立日期。"]
    assert OrgNode.objects.get(pk=tree.xinge.pk).valid_to is None


def test_close_outside_scope_is_refused(tree, personas):
    with pytest.raises(PermissionDenied):
        services.orgnode_close(actor=personas["town"], node=tree.henghui, on=dt.date.today(), reason="注销")
    assert OrgNode.objects.get(pk=tree.henghui.pk).valid_to is None


# ---------------------------------------------------------------- phone


def test_reveal_phone_needs_change_rights_and_is_audited(tree, personas):
    services.orgnode_update(actor=personas["county"], node=tree.henghui, contact_phone="13912345678")
    node = OrgNode.objects.get(pk=tree.henghui.pk)
    with pytest.raises(PermissionDenied):
        services.orgnode_reveal_phone(actor=personas["auditor"], node=node)
    assert not _audits("orgs.node.phone_revealed", node).exists()
    assert services.orgnode_reveal_phone(actor=personas["outsider"], node=node) == "13912345678"
    entry = _audits("orgs.node.phone_revealed", node).get()
    assert entry.actor == personas["outsider"]
