"""Second-person confirmation of role grants, password history, first-login changes, the
production refusals and the lock-out under parallel attempts."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError
from django.db import connection, connections
from django.test import RequestFactory, override_settings
from django.urls import reverse

from gefeng.accounts import services
from gefeng.accounts.models import LoginEvent, RoleGrant, User
from gefeng.core import scope
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from tests.accounts.conftest import attempt, logged_in, text
from tests.conftest import PASSWORD

NEW = "Another#Pass2027"

# ---------------------------------------------------------------- pending grants


def _grant_county_admin(personas, tree):
    target = services.user_create(
        actor=personas["security"], username="newbie", name="新人", org=tree.county, password=NEW
    )
    services.user_set_roles(actor=personas["security"], user=target, roles={"county_admin"})
    return User.objects.get(pk=target.pk)


def test_a_role_granted_in_the_browser_gives_nothing_until_confirmed(personas, tree):
    target = _grant_county_admin(personas, tree)
    grant = RoleGrant.objects.get(user=target, role="county_admin")
    assert grant.confirmed_at is None and grant.granted_by == personas["security"]
    assert target.role_codes() == set()
    assert not scope.has_perm(target, "members.reveal")
    assert AuditEntry.objects.filter(action="accounts.user.roles_changed").exists()
    services.rolegrant_confirm(actor=personas["sysadmin"], grant=grant)
    target = User.objects.get(pk=target.pk)
    assert target.role_codes() == {"county_admin"} and scope.has_perm(target, "members.reveal")
    assert AuditEntry.objects.filter(action="accounts.role.confirmed", actor=personas["sysadmin"]).exists()


def test_the_security_administrator_cannot_confirm_their_own_grant(personas, tree):
    target = _grant_county_admin(personas, tree)
    grant = RoleGrant.objects.get(user=target)
    with pytest.raises(PermissionDenied):
        services.rolegrant_confirm(actor=personas["security"], grant=grant)
    assert RoleGrant.objects.get(pk=grant.pk).confirmed_at is None


def test_a_rejected_grant_is_gone_and_audited(personas, tree):
    target = _grant_county_admin(personas, tree)
    grant = RoleGrant.objects.get(user=target)
    services.rolegrant_reject(actor=personas["sysadmin"], grant=grant)
    assert not RoleGrant.objects.filter(user=target).exists()
    assert AuditEntry.objects.filter(action="accounts.role.rejected", actor=personas["sysadmin"]).exists()


def test_confirming_twice_is_refused_in_chinese(personas, tree):
    target = _grant_county_admin(personas, tree)
    grant = RoleGrant.objects.get(user=target)
    services.rolegrant_confirm(actor=personas["sysadmin"], grant=grant)
    with pytest.raises(ValidationError, match="已经确认"):
        services.rolegrant_confirm(actor=personas["sysadmin"], grant=grant)


def test_removing_a_role_needs_no_second_person(personas):
    services.user_set_roles(actor=personas["security"], user=personas["town"], roles=set())
    assert User.objects.get(pk=personas["town"].pk).role_codes() == set()


def test_the_system_administrator_confirms_in_the_browser(personas, tree, login_as):
    target = _grant_county_admin(personas, tree)
    grant = RoleGrant.objects.get(user=target)
    sysadmin = login_as("sysadmin")
    page = sysadmin.get(reverse("accounts:grant-list"))
    assert page.status_code == 200 and f'data-testid="grant-{grant.pk}"' in text(page)
    response = sysadmin.post(reverse("accounts:grant-confirm", kwargs={"pk": grant.pk}), follow=True)
    assert "已确认" in text(response)
    assert RoleGrant.objects.get(pk=grant.pk).confirmed_by == personas["sysadmin"]


def test_the_roles_page_says_a_new_role_waits(personas, login_as):
    security = login_as("security")
    url = reverse("accounts:user-roles", kwargs={"pk": personas["worker"].pk})
    response = security.post(url, {"roles": ["worker", "enterprise_chair"]}, follow=True)
    assert "须由系统管理员确认" in text(response)
    page = security.get(url)
    assert 'data-testid="role-pending"' in text(page)
    assert User.objects.get(pk=personas["worker"].pk).role_codes() == {"worker"}


# ---------------------------------------------------------------- passwords


@override_settings(PASSWORD_HISTORY=3)
def test_a_change_cannot_return_to_one_of_the_last_passwords(personas):
    user = personas["town"]
    history = [PASSWORD, "Second#Pass2026", "Third#Pass2026"]
    current = PASSWORD
    for new in history[1:]:
        services.password_change(actor=user, user=user, old_password=current, new_password=new)
        current = new
    with pytest.raises(ValidationError) as exc:
        services.password_change(actor=user, user=user, old_password=current, new_password=PASSWORD)
    assert "最近 3 次" in str(exc.value.message_dict["new_password1"])
    services.password_change(actor=user, user=user, old_password=current, new_password="Fourth#Pass2026")
    # PASSWORD is now the fourth-newest: allowed again.
    services.password_change(actor=user, user=user, old_password="Fourth#Pass2026", new_password=PASSWORD)


def test_an_account_made_by_someone_else_must_change_its_password_in_production(personas, tree, settings):
    made = services.user_create(
        actor=personas["security"], username="made", name="他人创建", org=tree.county, password=NEW, must_change=False
    )
    assert made.password_changed_at is None
    settings.PRODUCTION = True
    assert services.password_expired(made)
    services.password_change(actor=made, user=made, old_password=NEW, new_password="Chosen#Pass2027")
    assert not services.password_expired(User.objects.get(pk=made.pk))


def test_a_demo_loaded_before_production_forces_the_change(personas, settings):
    """Personas are made like the demo's accounts (by the command line, must_change off)."""
    settings.PRODUCTION = True
    client, response = attempt("town")
    assert logged_in(client) and response["Location"].startswith(reverse("accounts:password-change"))


# ---------------------------------------------------------------- production refusals


def test_serve_refuses_while_a_demo_account_is_active(personas, settings):
    from gefeng.core.management.commands.serve import _refuse_unsafe_production

    User.objects.filter(pk=personas["town"].pk).update(is_demo=True)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="演示账号"):
        _refuse_unsafe_production()


def test_the_published_password_is_found_on_an_unflagged_administrator(personas, settings):
    from gefeng.accounts.demo import DEMO_PASSWORD

    admin = personas["sysadmin"]
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    assert services.published_password_accounts() == ["sysadmin"]
    assert any("演示密码" in p for p in services.production_blockers())
    from gefeng.accounts.checks import demo_accounts

    settings.PRODUCTION = True
    assert [e.id for e in demo_accounts(None)] == ["gefeng.E002"]


def test_nothing_blocks_a_clean_installation(personas):
    assert services.production_blockers() == []


# ---------------------------------------------------------------- lock-out under parallel attempts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel connections")
@pytest.mark.django_db(transaction=True)
@override_settings(LOCKOUT_FAILURES=5, LOCKOUT_MINUTES=15)
def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(tree, monkeypatch):
    import time

    from gefeng.accounts.backends import GuardedModelBackend

    services.user_create(actor=SYSTEM, username="target", name="目标", org=tree.county, password=PASSWORD)
    original = GuardedModelBackend.authenticate

    def slow(self, request, **kw):
        time.sleep(0.2)  # as slow as Argon2, so the attempts overlap
        return original(self, request, **kw)

    monkeypatch.setattr(GuardedModelBackend, "authenticate", slow)
    barrier = threading.Barrier(24)
    results = []

    def one(i):
        try:
            request = RequestFactory().post("/accounts/login/")
            barrier.wait()
            results.append(services.login_check(request, "target", f"wrong{i}").error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 24
    assert LoginEvent.objects.filter(username="target", reason="bad_password").count() == 5
    assert services.lock_status("target", "") is not None
