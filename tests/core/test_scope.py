"""The data-scope mechanism: every scope kind, the union of roles, and failing closed."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from gefeng.accounts.models import RoleGrant, User
from gefeng.core import scope
from gefeng.core.models import AuditEntry
from gefeng.orgs.models import OrgNode


def names(qs):
    return {n.name for n in qs}


def test_subtree_scope_of_a_town(personas, tree):
    seen = scope.visible(personas["town"], OrgNode)
    assert tree.xinge in seen and tree.xinge_team in seen and tree.longgu in seen
    assert tree.henghui not in seen and tree.county not in seen and tree.yangtun not in seen


def test_node_scope_of_a_member_unit(personas, tree):
    assert list(scope.visible(personas["liaison"], OrgNode)) == [tree.hrss]


def test_self_scope_of_a_worker(personas, tree):
    worker = personas["worker"]
    assert not scope.visible(worker, OrgNode).exists()
    # The 本人 scope on a model with a person rule yields only the worker's own rows.
    assert scope.scope_q(worker, User, "accounts.view") is None


def test_all_scope_is_unrestricted(personas, tree):
    assert scope.visible(personas["auditor"], OrgNode).count() == OrgNode.objects.count()


def test_scopes_of_several_roles_combine_as_union(personas, tree):
    user = personas["liaison"]  # 本级 on 县人社局
    RoleGrant.objects.create(user=user, role="worker", confirmed_at=timezone.now())
    user = User.objects.get(pk=user.pk)
    assert list(scope.visible(user, OrgNode)) == [tree.hrss]
    user.org = tree.longgu
    user.save()
    RoleGrant.objects.create(user=user, role="town_officer", confirmed_at=timezone.now())
    user = User.objects.get(pk=user.pk)
    seen = scope.visible(user, OrgNode)
    assert tree.xinge in seen and tree.longgu in seen and tree.henghui not in seen


def test_fails_closed_for_models_without_a_rule(personas):
    assert scope.rule_for(Session) is None
    for name, user in personas.items():
        qs = scope.visible(user, ContentType)
        if name == "sysadmin":
            assert qs.exists()
        else:
            assert not qs.exists(), name


def test_anonymous_and_inactive_users_see_nothing(personas, tree):
    from django.contrib.auth.models import AnonymousUser

    assert not scope.visible(AnonymousUser(), OrgNode).exists()
    county = personas["county"]
    county.is_active = False
    assert not scope.visible(county, OrgNode).exists()
    assert not scope.has_perm(county, "orgs.view")


def test_user_without_role_sees_nothing(tree):
    user = User.objects.create(username="norole", name="无角色", org=tree.county)
    assert not scope.visible(user, OrgNode).exists()


def test_system_administrator_is_kept_from_separated_duties(personas):
    admin = personas["sysadmin"]
    assert scope.visible(admin, OrgNode).count() == OrgNode.objects.count()
    assert not scope.has_perm(admin, "audit.view")
    assert not scope.has_perm(admin, "accounts.roles")
    AuditEntry.objects.create(action="x.y")
    assert not scope.visible(admin, AuditEntry).exists()
    assert scope.visible(personas["auditor"], AuditEntry).exists()


def test_security_admin_sees_accounts_but_no_business_data(personas):
    sec = personas["security"]
    assert not scope.visible(sec, OrgNode).exists()
    assert scope.visible(sec, User).count() == User.objects.count()


def test_get_or_404_hides_outsiders_and_forbids_insiders(personas, tree):
    with pytest.raises(Http404):
        scope.get_or_404(personas["town"], OrgNode, pk=tree.henghui.pk)
    with pytest.raises(PermissionDenied):
        scope.get_or_404(personas["auditor"], OrgNode, "orgs.change", pk=tree.henghui.pk)
    assert scope.get_or_404(personas["town"], OrgNode, "orgs.change", pk=tree.xinge.pk) == tree.xinge


def test_subtree_range_does_not_catch_siblings_with_a_common_prefix(tree):
    # 龙固镇's path is a prefix-free range: 杨屯镇 (the next sibling) is outside it.
    qs = OrgNode.objects.filter(scope.subtree_q("", tree.longgu.path))
    assert tree.yangtun not in qs and tree.xinge_team in qs


def test_services_enforce_scope_on_writes(personas, tree):
    from gefeng.orgs import services

    with pytest.raises(PermissionDenied):
        services.orgnode_update(actor=personas["town"], node=tree.henghui, name="改名")
    assert OrgNode.objects.get(pk=tree.henghui.pk).name == "徐州恒辉编织机械有限公司"
    with pytest.raises(PermissionDenied):
        services.orgnode_update(actor=personas["auditor"], node=tree.xinge, name="改名")


def test_background_jobs_reload_the_actor_and_keep_the_scope(personas, tree):
    # A job receives the actor's id, loads the user again and goes through the same scope.
    reloaded = User.objects.get(pk=personas["chair"].pk)
    assert names(scope.visible(reloaded, OrgNode)) == names(scope.visible(personas["chair"], OrgNode))
