"""First-login and expired passwords, the complexity rules, argon2, changes and resets, the audit trail."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts import services
from gefeng.accounts.models import User, UserSession
from gefeng.accounts.validators import ComplexityValidator, char_classes
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from tests.accounts.conftest import LOGIN, attempt, text
from tests.conftest import PASSWORD

NEW = "Fresh@Pass2027"
PASSWORD_URL = "/accounts/password/"


def _change(client, old=PASSWORD, new=NEW, repeat=None, **extra):
    return client.post(
        PASSWORD_URL,
        {
            "old_password": old,
            "new_password1": new,
            "new_password2": new if repeat is None else repeat,
            **extra,
        },
    )


# ---------------------------------------------------------------- forced changes


def test_first_login_must_change_password(tree):
    services.user_create(
        actor=SYSTEM, username="newbie", name="新人", org=tree.longgu, password=PASSWORD, roles={"town_officer"}
    )
    client, response = attempt("newbie")
    assert response["Location"] == PASSWORD_URL
    for path in ("/", "/orgs/", reverse("accounts:profile")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == PASSWORD_URL, path
    page = client.get(PASSWORD_URL)
    assert page.status_code == 200
    assert 'data-testid="password-forced"' in text(page)
    assert ComplexityValidator().get_help_text() in text(page)
    response = _change(client)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    user = User.objects.get(username="newbie")
    assert not user.must_change_password and user.check_password(NEW)


def test_first_login_keeps_next_through_the_password_change(tree):
    services.user_create(actor=SYSTEM, username="newbie", name="新人", org=tree.longgu, password=PASSWORD)
    client = Client()
    response = client.post(f"{LOGIN}?next=/accounts/me/", {"username": "newbie", "password": PASSWORD})
    assert response["Location"] == f"{PASSWORD_URL}?next=%2Faccounts%2Fme%2F"
    response = _change(client, next="/accounts/me/")
    assert response["Location"] == "/accounts/me/"


@pytest.mark.parametrize(("days", "forced"), [(89, False), (91, True)])
def test_password_expires_after_90_days(personas, login_as, days, forced):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    User.objects.filter(username="town").update(password_changed_at=timezone.now() - dt.timedelta(days=days))
    client = login_as("town")
    response = client.get("/")
    if forced:
        assert response.status_code == 302 and response["Location"] == PASSWORD_URL
        assert _change(client).status_code == 302
        assert client.get("/").status_code == 200
    else:
        assert response.status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=0)
def test_expiry_can_be_switched_off(personas, login_as):
    User.objects.filter(username="town").update(password_changed_at=timezone.now() - dt.timedelta(days=400))
    assert login_as("town").get("/").status_code == 200


def test_logout_stays_open_while_the_password_must_change(tree):
    services.user_create(actor=SYSTEM, username="newbie", name="新人", org=tree.longgu, password=PASSWORD)
    client, _response = attempt("newbie")
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN


# ---------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1#xyz", "密码至少 8 位。"),
        ("abcdefgh12", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
        ("ABCDEFGHIJ", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
        ("abcdefg#%!", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
    ],
)
def test_complexity_rules_in_chinese(password, message):
    with pytest.raises(ValidationError) as exc:
        ComplexityValidator().validate(password)
    assert message in exc.value.messages


def test_short_and_simple_gives_both_messages():
    with pytest.raises(ValidationError) as exc:
        ComplexityValidator().validate("abc")
    assert len(exc.value.messages) == 2


@pytest.mark.parametrize("password", ["Abcdefg1", "abcdefg1#", "ABCDEF1#", "Zq7#Zq7#"])
def test_three_classes_of_eight_pass(password):
    assert char_classes(password) >= 3
    ComplexityValidator().validate(password)


@override_settings(PASSWORD_MIN_LENGTH=12, PASSWORD_MIN_CLASSES=4)
def test_rules_follow_the_settings():
    with pytest.raises(ValidationError) as exc:
        ComplexityValidator().validate("Abcdefg1#x")
    assert "密码至少 12 位。" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        ComplexityValidator().validate("Abcdefghij12")
    assert "至少 4 类" in exc.value.messages[0]
    assert "至少 12 位" in ComplexityValidator().get_help_text()


def test_validators_are_configured(db):
    with pytest.raises(ValidationError) as exc:
        validate_password("abc")
    assert "密码至少 8 位。" in exc.value.messages


def test_argon2_is_the_default_hasher():
    real = [h for h in settings.PASSWORD_HASHERS if not h.endswith("MD5PasswordHasher")]
    assert real[0] == "gefeng.accounts.hashers.BoundedArgon2PasswordHasher"
    assert get_hasher("argon2").algorithm == "argon2"
    assert make_password(PASSWORD, hasher="argon2").startswith("argon2$argon2id$")


# ---------------------------------------------------------------- the page


def test_change_page_shows_the_rules(login_as):
    response = login_as("town").get(PASSWORD_URL)
    body = text(response)
    assert 'data-testid="password-rules"' in body
    assert "至少 8 位" in body and "至少 3 类" in body
    assert 'data-testid="password-forced"' not in body


def test_change_rejects_weak_new_password_in_chinese(login_as, personas):
    client = login_as("town")
    response = _change(client, new="abcdefgh")
    assert response.status_code == 200
    assert "至少 3 类" in text(response)
    assert User.objects.get(username="town").check_password(PASSWORD)


def test_change_needs_the_old_password(login_as):
    response = _change(login_as("town"), old="Not#The0ld1")
    assert "原密码不正确" in text(response)


def test_change_needs_matching_repeat(login_as):
    response = _change(login_as("town"), repeat="Other#Pass2027")
    assert "两次输入的新密码不一致" in text(response)


def test_change_refuses_the_same_password(login_as):
    response = _change(login_as("town"), new=PASSWORD)
    assert "新密码不能与原密码相同" in text(response)


def test_change_keeps_this_session_and_ends_the_others(login_as, personas):
    here = login_as("town")
    there = login_as("town")
    response = _change(here)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert here.get("/").status_code == 200
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert there.get("/")["Location"].startswith(LOGIN)
    ended = UserSession.objects.get(user=personas["town"], session_key__isnull=False, end_reason="password_changed")
    assert ended.ended_at is not None
    live = UserSession.objects.get(user=personas["town"], ended_at__isnull=True)
    assert live.session_key == here.session.session_key


def test_own_change_is_audited_with_the_password_masked(login_as, personas):
    _change(login_as("town"))
    entry = AuditEntry.objects.get(action="accounts.password.changed")
    assert entry.actor == personas["town"]
    assert set(entry.changes["password"].values()) == {"******"}
    dumped = json.dumps(entry.changes, ensure_ascii=False)
    assert NEW not in dumped and PASSWORD not in dumped


# ---------------------------------------------------------------- resets


def test_admin_reset_shows_a_temporary_password_once(login_as, personas):
    town = personas["town"]
    victim = login_as("town")
    security = login_as("security")
    response = security.post(reverse("accounts:user-reset-password", kwargs={"pk": town.pk}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    temporary = response.context["password"]
    assert temporary in text(response)
    ComplexityValidator().validate(temporary)
    town.refresh_from_db()
    assert town.must_change_password and town.check_password(temporary)
    entry = AuditEntry.objects.get(action="accounts.password.reset")
    assert entry.actor == personas["security"] and set(entry.changes["password"].values()) == {"******"}
    assert temporary not in json.dumps(entry.changes)
    # Every session of the user ends; the next login must change the password.
    assert victim.get("/")["Location"].startswith(LOGIN)
    _client, response = attempt("town", temporary)
    assert response["Location"] == PASSWORD_URL


def test_reset_is_post_only(login_as, personas):
    response = login_as("security").get(reverse("accounts:user-reset-password", kwargs={"pk": personas["town"].pk}))
    assert response.status_code == 405


def test_admin_accounts_cannot_be_reset_from_the_web(login_as, personas):
    # 三员分立: whoever learnt the new password would hold two duties.
    for actor, target in (("security", "sysadmin"), ("sysadmin", "security"), ("sysadmin", "auditor")):
        response = login_as(actor).post(
            reverse("accounts:user-reset-password", kwargs={"pk": personas[target].pk}), follow=True
        )
        assert "三员分立" in text(response), (actor, target)
        assert User.objects.get(username=target).check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.password.reset").exists()


def test_temporary_passwords_are_random_and_compliant():
    seen = {services.temporary_password() for _i in range(50)}
    assert len(seen) == 50
    for pw in seen:
        assert len(pw) >= 12 and char_classes(pw) == 4
