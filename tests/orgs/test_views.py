"""Pages of the organisation tree: what each persona sees and may do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.orgs import services, views
from gefeng.orgs.models import Kind, OrgNode

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _url(name: str, node=None, **query) -> str:
    url = reverse(name, kwargs={"pk": node.pk} if node is not None else None)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _text(response) -> str:
    return response.content.decode("utf-8")


# ---------------------------------------------------------------- tree, children, search


def test_tree_starts_at_the_town_and_opens_its_first_level(tree, client_for):
    response = client_for("town").get(_url("orgs:tree"))
    assert response.status_code == 200
    body = _text(response)
    assert "龙固镇" in body and "徐州新格灌溉设备有限公司" in body
    # Deeper levels are not rendered: they load on demand.
    assert "装配一班" not in body
    assert reverse("orgs:node-children", kwargs={"pk": tree.xinge.pk}) in body
    assert "杨屯镇" not in body and "恒辉" not in body


def test_tree_for_the_county_shows_the_towns_but_not_their_enterprises(tree, client_for):
    body = _text(client_for("county").get(_url("orgs:tree")))
    assert "沛县" in body and "杨屯镇" in body and "县人社局" not in body  # full names shown
    assert "沛县人力资源和社会保障局" in body
    assert "徐州恒辉编织机械有限公司" not in body


def test_tree_is_refused_without_orgs_view(tree, client_for):
    assert client_for("security").get(_url("orgs:tree")).status_code == 403


def test_children_partial_lists_one_level(tree, client_for):
    response = client_for("town").get(_url("orgs:node-children", tree.xinge), **HX)
    assert response.status_code == 200
    body = _text(response)
    assert "<li" in body and "<html" not in body
    assert "徐州新格灌溉设备有限公司工会委员会" in body
    assert "装配一班" not in body  # grandchildren come with the next click
    assert "加载更多" not in body


def test_children_page_with_load_more(tree, client_for, monkeypatch):
    monkeypatch.setattr(views, "CHILDREN_PAGE", 2)
    for i in range(3):
        services.orgnode_create(
            actor=SYSTEM, parent=tree.kejiju, kind=Kind.ENTERPRISE, name=f"科技企业{i}", audit_it=False
        )
    client = client_for("county")
    first = _text(client.get(_url("orgs:node-children", tree.kejiju), **HX))
    assert "科技企业0" in first and "科技企业1" in first and "科技企业2" not in first
    assert "加载更多" in first and "offset=2" in first
    rest = _text(client.get(_url("orgs:node-children", tree.kejiju, offset=2), **HX))
    assert "科技企业2" in rest and "科技企业0" not in rest and "加载更多" not in rest


def test_children_with_a_bad_offset_start_at_the_top(tree, client_for):
    response = client_for("county").get(_url("orgs:node-children", tree.county, offset="abc"))
    assert response.status_code == 200
    assert "龙固镇" in _text(response)


def test_children_of_another_orgs_node_is_404(tree, client_for):
    assert client_for("town").get(_url("orgs:node-children", tree.henghui)).status_code == 404


def test_closed_nodes_are_struck_through(tree, personas, client_for):
    services.orgnode_close(actor=personas["town"], node=tree.xinge, on=dt.date.today(), reason="注销")
    body = _text(client_for("town").get(_url("orgs:tree")))
    assert 'class="gf-closed text-break">徐州新格灌溉设备有限公司' in body
    assert "已撤销" in body


def test_search_finds_nodes_in_scope_only(tree, client_for):
    response = client_for("county").get(_url("orgs:node-search", q="恒辉"), **HX)
    body = _text(response)
    assert response.status_code == 200 and "<html" not in body
    assert reverse("orgs:node-detail", kwargs={"pk": tree.henghui.pk}) in body
    town = _text(client_for("town").get(_url("orgs:node-search", q="恒辉"), **HX))
    assert "徐州恒辉" not in town and "没有找到" in town


def test_search_by_code_without_htmx_gives_a_full_page(tree, client_for):
    response = client_for("town").get(_url("orgs:node-search", q=tree.xinge.code.lower()))
    body = _text(response)
    assert response.status_code == 200 and "<html" in body
    assert reverse("orgs:node-detail", kwargs={"pk": tree.xinge.pk}) in body


def test_search_for_move_targets_needs_change_rights(tree, client_for):
    response = client_for("town").get(_url("orgs:node-search", q="工会", move=tree.xinge_team.pk), **HX)
    body = _text(response)
    assert 'name="new_parent"' in body and f'value="{tree.xinge_union.pk}"' in body
    assert "恒辉" not in body
    assert client_for("auditor").get(_url("orgs:node-search", q="工会", move=tree.xinge_team.pk)).status_code == 403
    assert client_for("town").get(_url("orgs:node-search", q="工会", move=tree.henghui.pk)).status_code == 404


# ---------------------------------------------------------------- list


def test_list_shows_the_scope_and_filters(tree, client_for):
    client = client_for("county")
    body = _text(client.get(_url("orgs:node-list", kind="town")))
    assert "龙固镇" in body and "杨屯镇" in body and "徐州新格灌溉设备有限公司" not in body
    body = _text(client.get(_url("orgs:node-list", under=tree.yangtun.pk)))
    assert "徐州恒辉编织机械有限公司" in body and "龙固镇" not in body
    assert 'data-testid="under"' in body
    town = _text(client_for("town").get(_url("orgs:node-list")))
    assert "徐州新格灌溉设备有限公司" in town and "恒辉" not in town


def test_list_sorts_by_clickable_headers(tree, client_for):
    body = _text(client_for("county").get(_url("orgs:node-list", kind="enterprise", sort="-employees")))
    assert body.index("徐州新格灌溉设备有限公司") < body.index("徐州恒辉编织机械有限公司")
    assert "sort=employees" in body  # clicking the header again turns the order round
    body = _text(client_for("county").get(_url("orgs:node-list", kind="enterprise", sort="employees")))
    assert body.index("徐州恒辉编织机械有限公司") < body.index("徐州新格灌溉设备有限公司")


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "planet"},
        {"under": "abc"},
        {"under": "-5"},
        {"under": "99999999999999999999999"},
        {"sort": "password"},
        {"status": "maybe"},
        {"industry": "ZZ"},
        {"page": "-1"},
        {"page": "x"},
        {"size": "100000"},
        {"q": "x" * 500},
    ],
)
def test_list_ignores_bad_filter_values(tree, client_for, query):
    response = client_for("county").get(reverse("orgs:node-list"), query)
    assert response.status_code == 200
    assert "没有符合条件" in _text(response) or "龙固镇" in _text(response)


def test_list_pages_without_counting(tree, client_for):
    for i in range(21):
        services.orgnode_create(
            actor=SYSTEM, parent=tree.kejiju, kind=Kind.ENTERPRISE, name=f"分页企业{i:02d}", audit_it=False
        )
    client = client_for("county")
    first = _text(client.get(_url("orgs:node-list", q="分页企业", sort="name")))
    assert "分页企业00" in first and "分页企业20" not in first and "page=2" in first
    second = _text(client.get(_url("orgs:node-list", q="分页企业", sort="name", page=2)))
    assert "分页企业20" in second and "分页企业00" not in second


# ---------------------------------------------------------------- detail and phone


def test_detail_shows_fields_ancestors_children_and_actions(tree, personas, client_for):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, contact_phone="13812345678", contact_name="王主席")
    response = client_for("town").get(_url("orgs:node-detail", tree.xinge))
    body = _text(response)
    assert response.status_code == 200
    for label in ("名称", "代码", "行业门类", "经济类型", "职工人数", "联系人", "联系电话", "撤销日期"):
        assert label in body
    assert "C 制造业" in body and "民营" in body and "91320322710000005C" in body
    assert "*******5678" in body and "13812345678" not in body
    assert reverse("orgs:node-reveal-phone", kwargs={"pk": tree.xinge.pk}) in body
    # Breadcrumbs: the town is visible to its officer, the county is not.
    assert f'href="{reverse("orgs:node-detail", kwargs={"pk": tree.longgu.pk})}"' in body
    assert f'href="{reverse("orgs:node-detail", kwargs={"pk": tree.county.pk})}"' not in body
    assert "徐州新格灌溉设备有限公司工会委员会" in body  # child listed
    for action in ("orgs:node-edit", "orgs:node-create", "orgs:node-move", "orgs:node-close"):
        assert reverse(action, kwargs={"pk": tree.xinge.pk}) in body


def test_detail_for_a_read_only_role_has_no_actions_or_reveal(tree, personas, client_for):
    services.orgnode_update(actor=personas["county"], node=tree.xinge, contact_phone="13812345678")
    body = _text(client_for("auditor").get(_url("orgs:node-detail", tree.xinge)))
    assert "*******5678" in body
    assert reverse("orgs:node-edit", kwargs={"pk": tree.xinge.pk}) not in body
    assert reverse("orgs:node-reveal-phone", kwargs={"pk": tree.xinge.pk}) not in body


def test_detail_of_another_orgs_node_or_a_missing_id_is_404(tree, client_for):
    client = client_for("town")
    assert client.get(_url("orgs:node-detail", tree.henghui)).status_code == 404
    assert client.get("/orgs/999999/").status_code == 404
    assert client_for("outsider").get(_url("orgs:node-detail", tree.xinge)).status_code == 404


def test_reveal_phone_shows_the_number_and_audits(tree, personas, client_for):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, contact_phone="13812345678")
    response = client_for("town").post(_url("orgs:node-reveal-phone", tree.xinge), **HX)
    assert response.status_code == 200
    assert "13812345678" in _text(response) and "<html" not in _text(response)
    entry = AuditEntry.objects.get(action="orgs.node.phone_revealed")
    assert entry.actor == personas["town"] and entry.object_id == str(tree.xinge.pk)


def test_reveal_phone_without_htmx_renders_the_detail_page(tree, personas, client_for):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, contact_phone="13812345678")
    body = _text(client_for("town").post(_url("orgs:node-reveal-phone", tree.xinge)))
    assert "<html" in body and "13812345678" in body
    assert AuditEntry.objects.filter(action="orgs.node.phone_revealed").count() == 1


def test_reveal_phone_is_post_only_and_needs_change_rights(tree, personas, client_for):
    services.orgnode_update(actor=personas["county"], node=tree.xinge, contact_phone="13812345678")
    assert client_for("town").get(_url("orgs:node-reveal-phone", tree.xinge)).status_code == 405
    assert client_for("auditor").post(_url("orgs:node-reveal-phone", tree.xinge)).status_code == 403
    assert client_for("outsider").post(_url("orgs:node-reveal-phone", tree.xinge)).status_code == 404
    assert not AuditEntry.objects.filter(action="orgs.node.phone_revealed").exists()


# ---------------------------------------------------------------- create


def test_create_offers_only_the_kinds_the_parent_takes(tree, client_for):
    body = _text(client_for("town").get(_url("orgs:node-create", tree.longgu)))
    assert 'value="enterprise"' in body and 'value="union"' in body
    assert 'value="team"' not in body and 'value="town"' not in body


def test_create_under_a_team_is_not_offered(tree, client_for):
    response = client_for("town").get(_url("orgs:node-create", tree.xinge_team))
    assert response.status_code == 200
    assert "不能再建立下级组织" in _text(response) and 'name="name"' not in _text(response)


def test_create_makes_the_child_and_redirects_with_a_message(tree, client_for):
    client = client_for("town")
    response = client.post(
        _url("orgs:node-create", tree.longgu),
        {
            "kind": "enterprise",
            "name": "沛县龙固食品厂",
            "employee_count": "25",
            "contact_phone": "139 1234 5678",
        },
    )
    node = OrgNode.objects.get(name="沛县龙固食品厂")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:node-detail", kwargs={"pk": node.pk})
    assert node.parent_id == tree.longgu.pk and node.employee_count == 25 and node.contact_phone == "13912345678"
    assert AuditEntry.objects.filter(action="orgs.node.created", object_id=str(node.pk)).exists()
    page = _text(client.get(response["Location"]))
    assert "已新建组织“沛县龙固食品厂”。" in page


def test_create_shows_service_errors_in_chinese(tree, client_for):
    client = client_for("town")
    response = client.post(
        _url("orgs:node-create", tree.longgu),
        {
            "kind": "enterprise",
            "name": "校验位错误公司",
            "code": "91320322710000005D",
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误，请核对。" in _text(response)
    assert 'name="code" value="91320322710000005D" maxlength="40" class="form-control is-invalid"' in _text(response)
    response = client.post(
        _url("orgs:node-create", tree.longgu),
        {
            "kind": "enterprise",
            "name": "重复代码公司",
            "code": tree.xinge.code,
        },
    )
    assert "该代码已被其他组织使用。" in _text(response)
    response = client.post(_url("orgs:node-create", tree.longgu), {"kind": "team", "name": "越级班组"})
    assert response.status_code == 200 and "“镇 / 街道 / 园区”下不能建立“班组”。" in _text(response)
    assert not OrgNode.objects.filter(name__in=["校验位错误公司", "重复代码公司", "越级班组"]).exists()


def test_create_is_refused_to_read_only_roles_and_outsiders(tree, client_for):
    assert client_for("auditor").get(_url("orgs:node-create", tree.longgu)).status_code == 403
    assert client_for("liaison").get(_url("orgs:node-create", tree.hrss)).status_code == 403
    assert (
        client_for("town")
        .post(_url("orgs:node-create", tree.yangtun), {"kind": "enterprise", "name": "越权"})
        .status_code
        == 404
    )
    assert not OrgNode.objects.filter(name="越权").exists()


# ---------------------------------------------------------------- edit


def test_edit_saves_and_keeps_a_hidden_phone_when_left_empty(tree, personas, client_for):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, contact_phone="13812345678")
    client = client_for("town")
    form_page = _text(client.get(_url("orgs:node-edit", tree.xinge)))
    assert "13812345678" not in form_page and "*******5678" in form_page  # never pre-filled
    response = client.post(
        _url("orgs:node-edit", tree.xinge),
        {
            "name": tree.xinge.name,
            "short_name": "新格",
            "code": tree.xinge.code,
            "industry": "C",
            "ownership": "private",
            "employee_count": "330",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    node = OrgNode.objects.get(pk=tree.xinge.pk)
    assert (node.short_name, node.employee_count, node.contact_phone) == ("新格", 330, "13812345678")
    assert "已保存修改。" in _text(client.get(response["Location"]))


def test_edit_can_clear_the_phone(tree, personas, client_for):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, contact_phone="13812345678")
    response = client_for("town").post(
        _url("orgs:node-edit", tree.xinge), {"name": tree.xinge.name, "clear_phone": "on"}
    )
    assert response.status_code == 302
    assert OrgNode.objects.get(pk=tree.xinge.pk).contact_phone == ""


def test_edit_shows_service_errors_in_chinese(tree, client_for):
    response = client_for("town").post(
        _url("orgs:node-edit", tree.xinge),
        {
            "name": tree.xinge.name,
            "code": "123",
            "contact_phone": "12345",
        },
    )
    body = _text(response)
    assert response.status_code == 200
    assert "统一社会信用代码应为 18 位，实际 3 位。" in body
    assert "手机号应为以 1 开头的 11 位数字。" in body
    assert OrgNode.objects.get(pk=tree.xinge.pk).code == tree.xinge.code


def test_edit_is_403_for_read_only_roles_404_outside_and_405_for_other_methods(tree, client_for):
    assert client_for("auditor").get(_url("orgs:node-edit", tree.xinge)).status_code == 403
    assert client_for("liaison").get(_url("orgs:node-edit", tree.hrss)).status_code == 403
    assert client_for("liaison").post(_url("orgs:node-edit", tree.hrss), {"name": "改名"}).status_code == 403
    assert client_for("town").get(_url("orgs:node-edit", tree.henghui)).status_code == 404
    assert client_for("town").put(_url("orgs:node-edit", tree.xinge)).status_code == 405
    assert client_for("town").delete(_url("orgs:node-edit", tree.xinge)).status_code == 405
    assert OrgNode.objects.get(pk=tree.hrss.pk).name == "沛县人力资源和社会保障局"


# ---------------------------------------------------------------- move


def test_move_page_and_move(tree, client_for):
    client = client_for("county")
    page = _text(client.get(_url("orgs:node-move", tree.xinge)))
    assert "当前上级：龙固镇" in page and 'name="q"' in page
    response = client.post(_url("orgs:node-move", tree.xinge), {"new_parent": tree.yangtun.pk})
    assert response.status_code == 302
    node = OrgNode.objects.get(pk=tree.xinge.pk)
    assert node.parent_id == tree.yangtun.pk
    assert OrgNode.objects.get(pk=tree.xinge_team.pk).path.startswith(node.path)
    assert "已将“徐州新格灌溉设备有限公司”移到“杨屯镇”之下。" in _text(client.get(response["Location"]))


def test_move_without_a_choice_shows_candidates_for_the_search_term(tree, client_for):
    response = client_for("county").post(_url("orgs:node-move", tree.xinge), {"q": "杨屯"})
    body = _text(response)
    assert response.status_code == 200
    assert "请先查找并选择新的上级组织。" in body
    assert f'name="new_parent" value="{tree.yangtun.pk}"' in body


def test_move_under_own_descendant_shows_the_service_error(tree, client_for):
    response = client_for("county").post(_url("orgs:node-move", tree.longgu), {"new_parent": tree.xinge.pk})
    assert response.status_code == 200
    assert "不能把组织移到它自己或它的下级之下。" in _text(response)
    assert OrgNode.objects.get(pk=tree.longgu.pk).path == tree.longgu.path


def test_move_to_a_parent_outside_the_scope_is_404(tree, client_for):
    response = client_for("town").post(_url("orgs:node-move", tree.xinge), {"new_parent": tree.yangtun.pk})
    assert response.status_code == 404
    assert OrgNode.objects.get(pk=tree.xinge.pk).parent_id == tree.longgu.pk
    assert client_for("auditor").get(_url("orgs:node-move", tree.xinge)).status_code == 403


# ---------------------------------------------------------------- close


def test_close_marks_the_node_and_redirects(tree, client_for):
    client = client_for("town")
    day = dt.date.today().isoformat()
    response = client.post(_url("orgs:node-close", tree.xinge_team), {"on": day, "reason": "班组合并"})
    assert response.status_code == 302
    assert OrgNode.objects.get(pk=tree.xinge_team.pk).valid_to == dt.date.today()
    entry = AuditEntry.objects.get(action="orgs.node.closed", object_id=str(tree.xinge_team.pk))
    assert entry.changes["reason"] == "班组合并"
    page = _text(client.get(response["Location"]))
    assert "已将“装配一班”标记为撤销。" in page and "gf-closed" in page


def test_close_shows_errors_in_chinese(tree, personas, client_for):
    services.orgnode_update(actor=personas["town"], node=tree.xinge, valid_from=dt.date(2015, 3, 1))
    client = client_for("town")
    body = _text(client.post(_url("orgs:node-close", tree.xinge), {"on": "2014-01-01", "reason": "注销"}))
    assert "撤销日期不能早于成立日期。" in body
    body = _text(client.post(_url("orgs:node-close", tree.xinge), {"on": "2020-01-01", "reason": "   "}))
    assert "is-invalid" in body
    assert OrgNode.objects.get(pk=tree.xinge.pk).valid_to is None


def test_close_is_refused_to_read_only_roles_and_outsiders(tree, client_for):
    assert (
        client_for("auditor").post(_url("orgs:node-close", tree.xinge), {"on": "2020-01-01", "reason": "x"}).status_code
        == 403
    )
    assert client_for("chair").get(_url("orgs:node-close", tree.henghui)).status_code == 404
    assert OrgNode.objects.get(pk=tree.xinge.pk).valid_to is None


def test_anonymous_visitors_are_sent_to_login(tree, client):
    response = client.get(_url("orgs:node-detail", tree.xinge))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
