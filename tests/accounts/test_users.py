"""User administration: 三员分立, the user list, creating and editing accounts, the profile."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gefeng.accounts import services
from gefeng.accounts.models import RoleGrant, User, UserSession
from gefeng.core.models import AuditEntry
from tests.accounts.conftest import attempt, text
from tests.conftest import OUTSIDER_MARK

PHONE = "13812345678"


# ---------------------------------------------------------------- 三员分立


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ({"auditor", "county_admin"}, "三员分立"),
        ({"security_admin", "auditor"}, "三员分立"),
        ({"security_admin", "worker"}, "三员分立"),
        ({"security_admin"}, "gefeng createadmin"),
        ({"auditor"}, "gefeng createadmin"),
        ({"no_such_role"}, "未知角色"),
    ],
)
def test_set_roles_refuses_mixing_duties(personas, roles, message):
    with pytest.raises(ValidationError) as exc:
        services.user_set_roles(actor=personas["security"], user=personas["town"], roles=roles)
    assert message in " ".join(exc.value.messages)
    assert personas["town"].role_grants.get().role == "town_officer"


def test_system_administrator_cannot_assign_roles(personas):
    with pytest.raises(PermissionDenied):
        services.user_set_roles(actor=personas["sysadmin"], user=personas["town"], roles={"worker"})


def test_nobody_assigns_their_own_roles(personas):
    with pytest.raises(ValidationError) as exc:
        services.user_set_roles(actor=personas["security"], user=personas["security"], roles={"worker"})
    assert "不能给自己授权" in exc.value.messages[0]


def test_roles_of_admin_accounts_stay_put(personas):
    for target in ("auditor", "sysadmin"):
        with pytest.raises(ValidationError):
            services.user_set_roles(actor=personas["security"], user=personas[target], roles=set())
    assert personas["auditor"].role_grants.get().role == "auditor"


def test_business_roles_are_assigned_and_audited(personas):
    town = personas["town"]
    services.user_set_roles(actor=personas["security"], user=town, roles={"town_officer", "worker"})
    assert set(RoleGrant.objects.filter(user=town).values_list("role", flat=True)) == {
        "town_officer",
        "worker",
    }
    entry = AuditEntry.objects.get(action="accounts.user.roles_changed")
    assert entry.actor == personas["security"]
    # The new role waits for the system administrator; the roles in force are unchanged.
    assert entry.changes["requested"] == ["worker"]
    assert User.objects.get(pk=town.pk).role_codes() == {"town_officer"}
    services.rolegrant_confirm(actor=personas["sysadmin"], grant=RoleGrant.objects.get(user=town, role="worker"))
    assert User.objects.get(pk=town.pk).role_codes() == {"town_officer", "worker"}


def test_others_holding_no_role_right_are_refused(personas):
    for actor in ("county", "auditor", "town"):
        with pytest.raises(PermissionDenied):
            services.user_set_roles(actor=personas[actor], user=personas["worker"], roles={"worker"})


def test_creating_with_roles_needs_the_role_right(personas, tree):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=personas["sysadmin"],
            username="x1",
            name="某",
            org=tree.longgu,
            password="Strong#Pass1",
            roles={"county_admin"},
        )
    assert not User.objects.filter(username="x1").exists()


def test_roles_page_is_the_security_administrators(personas, login_as):
    town = personas["town"]
    url = reverse("accounts:user-roles", kwargs={"pk": town.pk})
    assert login_as("sysadmin").get(url).status_code == 403
    assert login_as("sysadmin").post(url, {"roles": ["worker"]}).status_code == 403
    security = login_as("security")
    page = security.get(url)
    assert page.status_code == 200
    body = text(page)
    assert 'value="town_officer" id="role-town_officer" checked' in body
    assert 'value="auditor"' not in body and 'value="security_admin"' not in body
    response = security.post(url, {"roles": ["worker"]})
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"pk": town.pk})
    assert town.role_grants.get().role == "worker"
    # An administrator role cannot be slipped in through the form.
    response = security.post(url, {"roles": ["auditor"]})
    assert response.status_code == 200
    assert town.role_grants.get().role == "worker"


def test_roles_page_of_oneself_is_read_only(personas, login_as):
    security = login_as("security")
    url = reverse("accounts:user-roles", kwargs={"pk": personas["security"].pk})
    assert "不能给自己授权" in text(security.get(url))
    response = security.post(url, {"roles": ["worker"]})
    assert "不能给自己授权" in text(response)
    assert personas["security"].role_grants.get().role == "security_admin"


# ---------------------------------------------------------------- list and detail


def test_user_list_search_and_filters(personas, login_as, tree):
    security = login_as("security")
    url = reverse("accounts:user-list")

    def names(**params):
        response = security.get(url, params)
        assert response.status_code == 200
        return {row["user"].username for row in response.context["rows"]}

    assert set(personas) <= names()
    assert names(q="outs") == {"outsider"}
    assert names(q="town测") == {"town"}
    assert names(role="enterprise_chair") == {"chair", "outsider"}
    assert names(role="system") == {"sysadmin"}
    assert names(under=tree.longgu.pk) == {"town", "chair", "worker"}
    assert names(org=tree.henghui.code) == {"outsider"}
    assert names(org="NOSUCHCODE") == set()
    assert "找不到代码为 NOSUCHCODE 的组织" in text(security.get(url, {"org": "NOSUCHCODE"}))
    User.objects.filter(username="worker").update(is_active=False)
    assert names(active="0") == {"worker"}
    assert "worker" not in names(active="1")


def test_user_list_paginates(personas, login_as, tree):
    for i in range(25):
        User.objects.create(username=f"bulk{i:02d}", name="批量")
    security = login_as("security")
    first = security.get(reverse("accounts:user-list"), {"q": "bulk"}).context["page"]
    assert len(first.rows) == 20 and first.has_next
    second = security.get(reverse("accounts:user-list"), {"q": "bulk", "page": 2}).context["page"]
    assert len(second.rows) == 5 and not second.has_next


def test_security_admin_sees_org_codes_not_names(personas, login_as, tree):
    # 不看业务数据: without orgs.view the security administrator gets codes, the sysadmin names.
    security = login_as("security")
    body = text(security.get(reverse("accounts:user-list")))
    assert OUTSIDER_MARK not in body and tree.henghui.code in body
    body = text(security.get(reverse("accounts:user-detail", kwargs={"pk": personas["outsider"].pk})))
    assert OUTSIDER_MARK not in body and tree.henghui.code in body
    body = text(login_as("sysadmin").get(reverse("accounts:user-list")))
    assert tree.henghui.name in body


def test_phones_are_masked(personas, login_as):
    User.objects.filter(pk=personas["town"].pk).update(phone=PHONE)
    security = login_as("security")
    pk = personas["town"].pk
    for url in (
        reverse("accounts:user-list"),
        reverse("accounts:user-detail", kwargs={"pk": pk}),
        reverse("accounts:user-edit", kwargs={"pk": pk}),
    ):
        body = text(security.get(url))
        assert "*******5678" in body and PHONE not in body, url


def test_user_pages_hidden_from_business_roles(personas, login_as):
    detail = reverse("accounts:user-detail", kwargs={"pk": personas["worker"].pk})
    for persona in ("county", "town", "chair", "auditor", "worker"):
        client = login_as(persona)
        assert client.get(reverse("accounts:user-list")).status_code == 403, persona
        assert client.get(detail).status_code == 404, persona


# ---------------------------------------------------------------- create and edit


def test_create_user_with_a_temporary_password(personas, login_as, tree):
    security = login_as("security")
    response = security.post(
        reverse("accounts:user-create"),
        {
            "username": "newchair",
            "name": "新主席",
            "org_code": tree.xinge.code.lower(),
            "phone": "138 1234 5678",
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="newchair")
    assert user.org == tree.xinge and user.phone == PHONE and user.must_change_password
    assert not user.role_codes()
    assert password in text(response) and user.check_password(password)
    entry = AuditEntry.objects.get(action="accounts.user.created", object_id=str(user.pk))
    assert entry.actor == personas["security"] and entry.changes["phone"] == "*******5678"
    assert password not in str(entry.changes)
    _client, login = attempt("newchair", password)
    assert login["Location"] == "/accounts/password/"


def test_create_user_by_org_id_without_code(personas, login_as, tree):
    response = login_as("sysadmin").post(
        reverse("accounts:user-create"),
        {
            "username": "teamlead",
            "name": "班组长",
            "org_code": f"#{tree.xinge_team.pk}",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(username="teamlead").org == tree.xinge_team


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "town", "name": "重名", "org_code": "320322"}, "该登录名已被使用"),
        ({"username": "ok1", "name": "某", "org_code": "NOPE"}, "找不到代码为 NOPE 的组织"),
        ({"username": "ok2", "name": "某", "org_code": "320322", "phone": "12345"}, "11 位手机号"),
        ({"username": "bad name", "name": "某", "org_code": "320322"}, "登录名只能包含"),
        ({"username": "ok3", "name": "", "org_code": "320322"}, "必填"),
    ],
)
def test_create_user_errors(personas, login_as, data, message):
    response = login_as("security").post(reverse("accounts:user-create"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert User.objects.count() == len(personas)


def test_edit_user(personas, login_as, tree):
    chair = personas["chair"]
    security = login_as("security")
    url = reverse("accounts:user-edit", kwargs={"pk": chair.pk})
    page = security.get(url)
    assert page.context["form"].initial["org_code"] == tree.xinge.code
    response = security.post(url, {"name": "改名", "org_code": tree.longgu.code, "phone": PHONE, "is_active": "on"})
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"pk": chair.pk})
    chair.refresh_from_db()
    assert (chair.name, chair.org, chair.phone) == ("改名", tree.longgu, PHONE)
    # A blank phone keeps the number; the box clears it.
    security.post(url, {"name": "改名", "org_code": tree.longgu.code, "phone": "", "is_active": "on"})
    chair.refresh_from_db()
    assert chair.phone == PHONE
    security.post(url, {"name": "改名", "org_code": tree.longgu.code, "clear_phone": "on", "is_active": "on"})
    chair.refresh_from_db()
    assert chair.phone == ""
    for entry in AuditEntry.objects.filter(action="accounts.user.updated"):
        assert PHONE not in str(entry.changes)


def test_edit_refuses_clearing_the_org_of_a_business_user(personas, login_as):
    chair = personas["chair"]
    url = reverse("accounts:user-edit", kwargs={"pk": chair.pk})
    response = login_as("security").post(url, {"name": "某", "org_code": "", "is_active": "on"})
    assert response.status_code == 200 and "不能清除所属组织" in text(response)
    chair.refresh_from_db()
    assert chair.org is not None


def test_deactivating_ends_sessions_and_blocks_login(personas, login_as, tree):
    chair_client = login_as("chair")
    chair = personas["chair"]
    login_as("security").post(
        reverse("accounts:user-edit", kwargs={"pk": chair.pk}),
        {"name": chair.name, "org_code": tree.xinge.code},
    )
    chair.refresh_from_db()
    assert not chair.is_active
    assert not UserSession.objects.filter(user=chair, ended_at__isnull=True).exists()
    assert chair_client.get("/").status_code == 302
    _client, response = attempt("chair")
    assert response.status_code == 200


def test_cannot_deactivate_oneself(personas, login_as, tree):
    security = login_as("security")
    url = reverse("accounts:user-edit", kwargs={"pk": personas["security"].pk})
    response = security.post(url, {"name": "安全", "org_code": tree.county.code})
    assert "不能停用自己的账号" in text(response)
    assert User.objects.get(username="security").is_active


# ---------------------------------------------------------------- profile


@pytest.mark.parametrize("persona", ["worker", "security", "outsider"])
def test_profile_shows_own_name_org_roles_and_scope(personas, login_as, persona):
    response = login_as(persona).get(reverse("accounts:profile"))
    assert response.status_code == 200
    body = text(response)
    user = personas[persona]
    assert user.name in body and user.org.name in body
    assert "、".join(user.role_labels()) in body
    assert response.context["scope_desc"] in body
    assert len(response.context["sessions"]) == 1


def test_profile_scope_descriptions(personas, login_as):
    assert login_as("worker").get(reverse("accounts:profile")).context["scope_desc"] == "本人"
    assert login_as("town").get(reverse("accounts:profile")).context["scope_desc"] == "本级及下级"
    assert login_as("sysadmin").get(reverse("accounts:profile")).context["scope_desc"] == "全部数据（系统管理员）"


def test_administrator_accounts_cannot_be_edited_by_another_administrator(personas):
    from django.core.exceptions import ValidationError

    from gefeng.accounts import services

    for actor, target in (("security", "sysadmin"), ("sysadmin", "security"), ("sysadmin", "auditor")):
        user = personas[target]
        with pytest.raises(ValidationError):
            services.user_update(
                actor=personas[actor], user=user, name=user.name, org=user.org, phone="", is_active=False
            )
        user.refresh_from_db()
        assert user.is_active
