"""Pages of the registry and of union building: what each persona sees and may do."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.members import services
from gefeng.members.models import EventKind, Member, MembershipEvent, Status
from gefeng.orgs import services as org_services
from gefeng.orgs.models import Kind, OrgNode
from tests.members.conftest import make_id

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
PEOPLE = [
    # name, birth, sequence, union
    ("张三", "19900101", "001", "xinge"),
    ("张三丰", "19800101", "003", "xinge"),
    ("李明华", "19700101", "005", "xinge"),
    ("吕布", "19880101", "009", "henghui"),
]


@pytest.fixture
def client_for(personas):
    """A persona logged in with force_login and a registered session (as tests/orgs do)."""
    from gefeng.accounts.models import UserSession

    def make(name: str) -> Client:
        client = Client()
        client.force_login(personas[name])
        UserSession.objects.create(session_key=client.session.session_key, user=personas[name])
        return client

    return make


@pytest.fixture
def registry(personas, tree, person):
    out = {}
    for i, (name, birth, seq, where) in enumerate(PEOPLE):
        union = tree.xinge_union if where == "xinge" else tree.henghui_union
        out[name] = services.member_join(
            actor=personas["county"],
            union=union,
            data=person(
                name=name,
                id_number=make_id(birth, seq),
                phone=f"1381234{i:04d}",
                card_number=f"32032220{i:08d}",
                job_category="技术人员" if i % 2 else "一线工人",
            ),
        )
    return out


def _url(name: str, member=None, **kwargs) -> str:
    if member is not None:
        kwargs["pk"] = member.pk
    return reverse(name, kwargs=kwargs or None)


def _text(response) -> str:
    return response.content.decode("utf-8")


# ---------------------------------------------------------------- list and search


def test_list_shows_the_scope_with_masked_numbers(registry, client_for):
    response = client_for("chair").get(_url("members:member-list"))
    body = _text(response)
    assert response.status_code == 200
    for name in ("张三", "张三丰", "李明华"):
        assert name in body
    assert "吕布" not in body and "恒辉" not in body
    zhang = registry["张三"]
    assert zhang.id_masked in body and zhang.id_number not in body
    assert "*******0000" in body and "13812340000" not in body
    for label in ("姓名", "性别", "年龄", "身份证号", "手机号", "单位", "工会", "岗位类别", "入会日期", "状态"):
        assert label in body
    assert reverse("members:member-detail", kwargs={"pk": zhang.pk}) in body
    assert "member-export" in body and "format=xlsx" in body
    county = _text(client_for("county").get(_url("members:member-list")))
    assert "吕布" in county


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("张三", {"张三", "张三丰"}),
        ("明华", {"李明华"}),
        ("zhangsan", {"张三", "张三丰"}),
        ("zsf", {"张三丰"}),
        (make_id("19700101", "005"), {"李明华"}),
        ("13812340001", {"张三丰"}),
        ("3203222000000002", {"李明华"}),
        ("赵", set()),
    ],
)
def test_search_box_finds_by_name_pinyin_id_phone_and_card(registry, client_for, q, found):
    body = _text(client_for("county").get(_url("members:member-list"), {"q": q}))
    shown = {name for name in registry if f">{name}</a>" in body}
    assert shown == found


def test_filters_and_sorting(registry, client_for, tree):
    client = client_for("county")
    body = _text(client.get(_url("members:member-list"), {"job_category": "技术人员"}))
    assert ">张三丰</a>" in body and ">吕布</a>" in body and ">张三</a>" not in body
    body = _text(client.get(_url("members:member-list"), {"under": tree.yangtun.pk}))
    assert ">吕布</a>" in body and ">张三</a>" not in body
    assert 'data-testid="under"' in body and "杨屯镇" in body
    body = _text(client.get(_url("members:member-list"), {"sort": "birth"}))
    assert body.index(">李明华</a>") < body.index(">张三丰</a>") < body.index(">张三</a>")
    assert "sort=-birth" in body  # the header turns the order round


def test_under_outside_the_scope_is_ignored(registry, client_for, tree):
    body = _text(client_for("chair").get(_url("members:member-list"), {"under": tree.yangtun.pk}))
    assert ">张三</a>" in body and "杨屯镇" not in body and "恒辉" not in body


@pytest.mark.parametrize(
    "query",
    [
        {"status": "gone"},
        {"under": "abc"},
        {"under": "-5"},
        {"under": "99999999999999999999999"},
        {"sort": "password"},
        {"age_band": "0-200"},
        {"sex": "X"},
        {"industrial": "maybe"},
        {"skill_level": "9"},
        {"page": "x"},
        {"size": "100000"},
        {"q": "x" * 500},
        {"q": "3203221990"},
    ],
)
def test_list_ignores_bad_filter_values(registry, client_for, query):
    response = client_for("county").get(_url("members:member-list"), query)
    assert response.status_code == 200


def test_status_filter_shows_leavers(registry, personas, client_for):
    services.member_leave(actor=personas["chair"], member=registry["张三"], on=dt.date(2021, 1, 1), reason="本人申请")
    client = client_for("chair")
    assert ">张三</a>" not in _text(client.get(_url("members:member-list")))
    body = _text(client.get(_url("members:member-list"), {"status": "left"}))
    assert ">张三</a>" in body and "已退会" in body
    assert ">张三</a>" in _text(client.get(_url("members:member-list"), {"status": "all"}))


def test_list_pages_without_counting(registry, client_for, monkeypatch):
    body = _text(client_for("county").get(_url("members:member-list"), {"size": "20"}))
    assert "第 1 页" in body


def test_worker_sees_only_their_own_record(registry, personas, client_for):
    client = client_for("worker")
    body = _text(client.get(_url("members:member-list")))
    assert "尚未关联会员信息" in body and ">张三</a>" not in body
    assert 'data-testid="filters"' not in body and "member-export" not in body
    Member.objects.filter(pk=registry["张三"].pk).update(user=personas["worker"])
    body = _text(client.get(_url("members:member-list")))
    assert ">张三</a>" in body and ">张三丰</a>" not in body and "我的会员信息" in body
    detail = client.get(_url("members:member-detail", registry["张三"]))
    assert detail.status_code == 200
    assert 'data-testid="actions"' not in _text(detail) and "reveal-id_number" not in _text(detail)
    assert client.get(_url("members:member-detail", registry["张三丰"])).status_code == 404
    assert client.get(_url("members:coverage")).status_code == 403


def test_list_is_refused_without_members_view(registry, client_for):
    assert client_for("liaison").get(_url("members:member-list")).status_code == 403
    assert client_for("security").get(_url("members:member-list")).status_code == 403
    assert client_for("chair").post(_url("members:member-list")).status_code == 405


def test_org_search_links_to_the_filtered_list(registry, client_for, tree):
    response = client_for("county").get(_url("members:org-search"), {"org_q": "恒辉", "job_category": "技术人员"}, **HX)
    body = _text(response)
    assert response.status_code == 200 and "<html" not in body
    assert f"under={tree.henghui.pk}" in body and "job_category=" in body
    town = _text(client_for("town").get(_url("members:org-search"), {"org_q": "恒辉"}, **HX))
    assert "徐州恒辉" not in town and "没有找到" in town
    assert client_for("worker").get(_url("members:org-search"), {"org_q": "新格"}).status_code == 403


def test_union_search_lists_unions_the_user_may_change(registry, client_for, tree):
    body = _text(client_for("town").get(_url("members:union-search"), {"q": "工会"}, **HX))
    assert f'value="{tree.xinge_union.pk}"' in body and 'name="to_union"' in body
    assert "恒辉" not in body
    body = _text(client_for("county").get(_url("members:union-search"), {"q": "工会", "name": "union"}))
    assert f'value="{tree.henghui_union.pk}"' in body and 'name="union"' in body
    assert client_for("auditor").get(_url("members:union-search"), {"q": "工会"}).status_code == 403


# ---------------------------------------------------------------- detail and reveal


def test_detail_shows_fields_history_and_actions(registry, client_for):
    member = registry["张三"]
    response = client_for("chair").get(_url("members:member-detail", member))
    body = _text(response)
    assert response.status_code == 200
    for label in ("身份证号", "性别", "年龄", "民族", "政治面貌", "文化程度", "手机号", "所在工会", "工作单位"):
        assert label in body
    for label in ("班组", "岗位类别", "产业工人", "技能等级", "新就业形态群体", "农民工", "入会日期", "会员证号"):
        assert label in body
    assert member.id_masked in body and member.id_number not in body
    assert "*******0000" in body and "13812340000" not in body
    assert "会籍记录" in body and 'data-event="join"' in body
    for action in ("members:member-edit", "members:member-transfer", "members:member-retain", "members:member-leave"):
        assert _url(action, member) in body
    assert _url("members:member-reveal", member, field="id_number") in body
    assert _url("members:member-reveal", member, field="phone") in body


def test_detail_for_the_auditor_has_no_actions_or_reveal(registry, client_for):
    member = registry["吕布"]
    body = _text(client_for("auditor").get(_url("members:member-detail", member)))
    assert member.id_masked in body
    assert _url("members:member-edit", member) not in body
    assert _url("members:member-reveal", member, field="id_number") not in body


def test_detail_of_another_orgs_member_or_a_missing_id_is_404(registry, client_for):
    assert client_for("chair").get(_url("members:member-detail", registry["吕布"])).status_code == 404
    assert client_for("outsider").get(_url("members:member-detail", registry["张三"])).status_code == 404
    assert client_for("town").get("/members/999999/").status_code == 404
    assert client_for("town").get("/members/abc/").status_code == 404


def test_reveal_returns_the_full_value_and_is_audited(registry, personas, client_for):
    member = registry["张三"]
    response = client_for("chair").post(_url("members:member-reveal", member, field="id_number"), **HX)
    body = _text(response)
    assert response.status_code == 200 and "<html" not in body
    assert member.id_number in body
    entry = AuditEntry.objects.get(action="members.member.id_number_revealed")
    assert entry.actor == personas["chair"] and entry.object_id == str(member.pk)
    page = _text(client_for("chair").post(_url("members:member-reveal", member, field="phone")))
    assert "<html" in page and "13812340000" in page and member.id_number not in page
    assert AuditEntry.objects.filter(action="members.member.phone_revealed").count() == 1


def test_reveal_is_post_only_needs_the_right_and_a_known_field(registry, client_for):
    member = registry["张三"]
    url = _url("members:member-reveal", member, field="id_number")
    assert client_for("chair").get(url).status_code == 405
    assert client_for("auditor").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404
    assert client_for("worker").post(url).status_code == 404
    assert client_for("chair").post(_url("members:member-reveal", member, field="name")).status_code == 404
    assert not AuditEntry.objects.filter(action__endswith="_revealed").exists()


# ---------------------------------------------------------------- create


def _form(**over):
    data = {
        "name": "赵六",
        "id_number": make_id("19920202", "011"),
        "phone": "139 1234 5678",
        "joined_on": "2021-03-01",
        "job_category": "一线工人",
        "political_status": "群众",
        "education": "高中",
        "skill_level": "4",
        "migrant": "on",
    }
    return data | over


def test_create_offers_the_unions_in_scope_and_their_teams(tree, client_for):
    body = _text(client_for("town").get(_url("members:member-create")))
    assert f'value="{tree.xinge_union.pk}"' in body and "恒辉" not in body
    assert "装配一班" not in body
    body = _text(client_for("town").get(_url("members:member-create"), {"union": tree.xinge_union.pk}))
    assert f'value="{tree.xinge_team.pk}"' in body and "装配一班" in body
    body = _text(client_for("town").get(_url("members:member-create"), {"union": tree.henghui_union.pk}))
    assert "恒辉" not in body  # a union outside the scope is simply not preselected


def test_create_registers_and_redirects_with_a_message(tree, client_for):
    client = client_for("chair")
    response = client.post(_url("members:member-create"), _form(union=tree.xinge_union.pk, team=tree.xinge_team.pk))
    member = Member.objects.get(name="赵六")
    assert response.status_code == 302
    assert response["Location"] == _url("members:member-detail", member)
    assert member.union == tree.xinge_union and member.team == tree.xinge_team
    assert member.phone == "13912345678" and member.migrant and member.skill_level == "4"
    assert member.sex == "男" and member.birth_date == dt.date(1992, 2, 2)
    assert AuditEntry.objects.filter(action="members.member.joined", object_id=str(member.pk)).exists()
    assert "已登记会员“赵六”" in _text(client.get(response["Location"]))


def test_create_shows_errors_in_chinese(registry, tree, client_for):
    client = client_for("chair")
    response = client.post(
        _url("members:member-create"),
        _form(union=tree.xinge_union.pk, id_number="320322199202020112", phone="12345"),
    )
    body = _text(response)
    assert response.status_code == 200
    assert "身份证号校验位错误，请核对。" in body and "手机号" in body
    assert "is-invalid" in body
    response = client.post(
        _url("members:member-create"), _form(union=tree.xinge_union.pk, id_number=make_id("19900101", "001"))
    )
    assert "一次入会" in _text(response)
    response = client.post(_url("members:member-create"), _form(union="", name=""))
    body = _text(response)
    assert "请选择工会。" in body and "这个字段是必填项。" in body
    assert not Member.objects.filter(name="赵六").exists()


def test_create_refuses_a_union_outside_the_scope(tree, client_for):
    response = client_for("chair").post(_url("members:member-create"), _form(union=tree.henghui_union.pk))
    assert response.status_code == 200 and "请选择您有权管理的工会。" in _text(response)
    response = client_for("chair").post(
        _url("members:member-create"), _form(union=tree.xinge_union.pk, team=tree.xinge.pk)
    )
    assert "请选择该工会下的班组。" in _text(response)
    assert not Member.objects.exists()


def test_create_is_refused_to_read_only_roles(tree, client_for):
    assert client_for("auditor").get(_url("members:member-create")).status_code == 403
    assert client_for("worker").post(_url("members:member-create"), _form(union=tree.xinge_union.pk)).status_code == 403
    assert client_for("chair").put(_url("members:member-create")).status_code == 405
    assert not Member.objects.exists()


# ---------------------------------------------------------------- edit


def test_edit_saves_and_keeps_the_hidden_phone(registry, client_for, tree):
    member = registry["张三"]
    client = client_for("chair")
    page = _text(client.get(_url("members:member-edit", member)))
    assert member.id_masked in page and member.id_number not in page
    assert "13812340000" not in page and 'name="id_number"' not in page
    response = client.post(
        _url("members:member-edit", member),
        {"name": "张叁", "joined_on": "2020-05-01", "skill_level": "3", "team": tree.xinge_team.pk},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.skill_level, member.phone, member.team) == (
        "张叁",
        "3",
        "13812340000",
        tree.xinge_team,
    )
    assert "已保存“张叁”的会员信息。" in _text(client.get(response["Location"]))


def test_edit_shows_service_errors_in_chinese(registry, client_for):
    member = registry["张三"]
    response = client_for("chair").post(
        _url("members:member-edit", member), {"name": "Zhang", "joined_on": "2020-05-01", "phone": "123"}
    )
    body = _text(response)
    assert response.status_code == 200
    assert "姓名“Zhang”应为 2–20 个汉字。" in body and "手机号应为以 1 开头的 11 位数字。" in body
    assert Member.objects.get(pk=member.pk).name == "张三"


def test_edit_is_403_for_read_only_roles_404_outside_and_405_for_other_methods(registry, client_for):
    member = registry["张三"]
    assert client_for("auditor").get(_url("members:member-edit", member)).status_code == 403
    assert client_for("auditor").post(_url("members:member-edit", member), {"name": "改名"}).status_code == 403
    assert client_for("outsider").get(_url("members:member-edit", member)).status_code == 404
    assert client_for("chair").delete(_url("members:member-edit", member)).status_code == 405
    assert Member.objects.get(pk=member.pk).name == "张三"


# ---------------------------------------------------------------- transfer, retain, leave


def test_transfer_inside_the_platform(registry, client_for, tree):
    member = registry["张三"]
    client = client_for("county")
    page = _text(client.post(_url("members:member-transfer", member), {"mode": "inside", "q": "恒辉"}))
    assert f'value="{tree.henghui_union.pk}"' in page and "请先查找并选择转入的工会。" in page
    response = client.post(
        _url("members:member-transfer", member),
        {"mode": "inside", "to_union": tree.henghui_union.pk, "on": "2021-03-01", "reason": "调动"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.union == tree.henghui_union
    kinds = set(MembershipEvent.objects.filter(member=member).values_list("kind", flat=True))
    assert {EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN} <= kinds
    assert "已将“张三”转入“恒辉编织机械工会委员会”。" in _text(client.get(response["Location"]))


def test_transfer_to_a_union_outside_the_scope_is_refused(registry, client_for, tree):
    member = registry["张三"]
    response = client_for("chair").post(
        _url("members:member-transfer", member),
        {"mode": "inside", "to_union": tree.henghui_union.pk, "on": "2021-03-01"},
    )
    assert response.status_code == 200 and "请选择您有权管理的工会。" in _text(response)
    assert Member.objects.get(pk=member.pk).union == tree.xinge_union


def test_transfer_out_of_the_county(registry, client_for):
    member = registry["张三"]
    client = client_for("chair")
    response = client.post(_url("members:member-transfer", member), {"mode": "outside", "out-on": "2021-01-05"})
    assert response.status_code == 200 and "这个字段是必填项。" in _text(response)
    response = client.post(
        _url("members:member-transfer", member),
        {"mode": "outside", "out-to_name": "丰县某公司工会", "out-on": "2021-01-05"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Status.TRANSFERRED_OUT and member.ended_on == dt.date(2021, 1, 5)
    response = client.post(
        _url("members:member-transfer", member),
        {"mode": "outside", "out-to_name": "丰县某公司工会", "out-on": "2021-01-06"},
    )
    assert "会籍已终止" in _text(response)


def test_retain_and_its_errors(registry, client_for):
    member = registry["张三"]
    client = client_for("chair")
    response = client.post(_url("members:member-retain", member), {"reason": "单位关闭或破产", "on": "2021-06-01"})
    assert response.status_code == 200 and "找不到上级工会" in _text(response)
    response = client.post(_url("members:member-retain", member), {"reason": "出国", "on": "2021-06-01"})
    assert response.status_code == 200 and "选择一个有效的选项" in _text(response)
    response = client.post(_url("members:member-retain", member), {"reason": "退休", "on": "2021-06-01"})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).status == Status.RETAINED
    assert "已为“张三”办理保留会籍。" in _text(client.get(response["Location"]))


def test_leave(registry, client_for):
    member = registry["张三"]
    client = client_for("chair")
    response = client.post(_url("members:member-leave", member), {"on": "2019-01-01", "reason": "本人申请"})
    assert response.status_code == 200 and "退会日期应在入会日期之后、今天之前。" in _text(response)
    response = client.post(_url("members:member-leave", member), {"on": "2021-01-01", "reason": "本人申请"})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).status == Status.LEFT
    detail = _text(client.get(response["Location"]))
    assert "已为“张三”办理退会。" in detail
    assert _url("members:member-transfer", member) not in detail  # no more changes offered


@pytest.mark.parametrize("action", ["members:member-transfer", "members:member-retain", "members:member-leave"])
def test_membership_changes_are_refused_to_the_auditor_and_outsiders(registry, client_for, action):
    member = registry["张三"]
    assert client_for("auditor").get(_url(action, member)).status_code == 403
    assert client_for("auditor").post(_url(action, member), {"reason": "退休", "on": "2021-01-01"}).status_code == 403
    assert client_for("outsider").get(_url(action, member)).status_code == 404
    assert client_for("chair").put(_url(action, member)).status_code == 405
    assert Member.objects.get(pk=member.pk).status == Status.ACTIVE


# ---------------------------------------------------------------- coverage


def test_coverage_page(registry, personas, client_for, tree):
    OrgNode.objects.filter(pk=tree.xinge_union.pk).update(union_founded_on=dt.date(2020, 3, 1))
    gap = org_services.orgnode_create(
        actor=personas["town"], parent=tree.longgu, kind=Kind.ENTERPRISE, name="沛县无会机械厂", employee_count=30
    )
    org_services.orgnode_create(actor=personas["town"], parent=tree.longgu, kind=Kind.ENTERPRISE, name="沛县空白厂")
    client = client_for("county")
    response = client.get(_url("members:coverage"), {"start": "2020-01-01", "end": "2020-12-31"})
    body = _text(response)
    assert response.status_code == 200
    assert 'data-testid="by-town"' in body and "龙固镇" in body and "杨屯镇" in body
    assert "C 制造业" in body
    # 入会率: 3 members of 320 employees at 新格, none counted where no employee number is set.
    assert "0.9%" in body and "0.6%" in body  # 恒辉: 1 ÷ 180
    assert "沛县空白厂" in body and "—" in body
    assert "沛县无会机械厂" in body and _url("orgs:node-create", pk=gap.pk) in body
    table = body[body.index('data-testid="coverage-table"') : body.index('data-testid="gap-table"')]
    order = ["沛县无会机械厂", "徐州恒辉编织机械有限公司", "徐州新格灌溉设备有限公司", "沛县空白厂"]
    assert [table.index(n) for n in order] == sorted(table.index(n) for n in order)  # lowest rate first
    ranked = _text(client.get(_url("members:coverage"), {"sort": "-rate"}))
    ranked = ranked[ranked.index('data-testid="coverage-table"') :]
    assert ranked.index("徐州新格灌溉设备有限公司") < ranked.index("徐州恒辉编织机械有限公司")
    assert ranked.index("徐州恒辉编织机械有限公司") < ranked.index("沛县空白厂")  # "—" stays last
    town = _text(client_for("town").get(_url("members:coverage")))
    assert "恒辉" not in town and "沛县无会机械厂" in town


@pytest.mark.parametrize(
    "query",
    [{"start": "2021-13-01"}, {"start": "2021-05-01", "end": "2021-01-01"}, {"under": "x"}, {"sort": "evil"}],
)
def test_coverage_ignores_bad_parameters(registry, client_for, query):
    response = client_for("county").get(_url("members:coverage"), query)
    assert response.status_code == 200


def test_coverage_needs_members_and_orgs_view(registry, client_for):
    assert client_for("liaison").get(_url("members:coverage")).status_code == 403
    assert client_for("worker").get(_url("members:coverage")).status_code == 403
    assert client_for("auditor").get(_url("members:coverage")).status_code == 200
    assert client_for("county").post(_url("members:coverage")).status_code == 405


def test_gap_list_exports_to_xlsx(registry, personas, client_for, tree):
    org_services.orgnode_create(
        actor=personas["town"],
        parent=tree.longgu,
        kind=Kind.ENTERPRISE,
        name="=沛县无会机械厂",
        employee_count=30,
    )
    response = client_for("town").get(_url("members:coverage-gap-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["单位名称", "统一社会信用代码", "上级组织"]
    assert rows[1][0] == "'=沛县无会机械厂" and rows[1][2] == "龙固镇" and rows[1][5] == 30
    assert AuditEntry.objects.filter(action="members.coverage_gap.exported").count() == 1


def test_duplicate_message_names_no_union_outside_the_scope(tree, personas, person, client_for):
    """Joining with the ID number of another enterprise's member must not tell where it works."""
    from django.core.exceptions import ValidationError

    outsider = services.member_join(
        actor=SYSTEM, union=tree.henghui_union, data=person(name="钱多", id_number=make_id("19880808", "033"))
    )
    response = client_for("chair").post(
        _url("members:member-create"), _form(union=tree.xinge_union.pk, id_number=outsider.id_number)
    )
    body = _text(response)
    assert response.status_code == 200 and "其他单位登记为会员" in body
    for name in ("恒辉", "杨屯", "在会，"):
        assert name not in body
    assert not Member.objects.filter(name="赵六").exists()
    # Who sees the member is told where: the county may transfer it.
    with pytest.raises(ValidationError) as refused:
        services.member_join(
            actor=personas["county"], union=tree.xinge_union, data=person(id_number=outsider.id_number)
        )
    assert "恒辉编织机械工会委员会" in str(refused.value)
