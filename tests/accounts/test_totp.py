"""The second factor: binding an authenticator app, logging in with it, turning it off."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client, override_settings
from django.urls import reverse

from gefeng.accounts import services, views
from gefeng.accounts.models import LoginEvent, User
from gefeng.core.models import AuditEntry
from tests.accounts.conftest import LOGIN, attempt, logged_in, text

TOTP_URL = "/accounts/login/totp/"


def _wrong(secret: str) -> str:
    """A 6-digit code that is not valid now (nor in the neighbouring steps)."""
    totp = pyotp.TOTP(secret)
    valid = {totp.at(time.time() + d) for d in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


@pytest.fixture
def town_with_totp(personas):
    user = personas["town"]
    secret = pyotp.random_base32()
    services.totp_enable(actor=user, secret=secret, code=pyotp.TOTP(secret).now())
    return user, secret


def test_setup_shows_a_local_qr_code_and_enables(login_as, personas):
    client = login_as("town")
    response = client.get(reverse("accounts:totp-setup"))
    assert response.status_code == 200
    secret = client.session[views.TOTP_SETUP]
    body = text(response)
    assert "<svg" in body and secret in body
    assert "no-store" in response["Cache-Control"]
    # The same secret is kept until confirmed; a wrong code is refused in Chinese.
    response = client.post(reverse("accounts:totp-setup"), {"code": _wrong(secret)})
    assert response.status_code == 200 and "动态口令不正确" in text(response)
    assert client.session[views.TOTP_SETUP] == secret
    response = client.post(reverse("accounts:totp-setup"), {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get(pk=personas["town"].pk)
    assert user.totp_enabled and user.totp_secret == secret
    assert views.TOTP_SETUP not in client.session
    entry = AuditEntry.objects.get(action="accounts.totp.enabled")
    assert secret not in str(entry.changes)


def test_setup_code_must_be_six_digits(login_as):
    client = login_as("town")
    client.get(reverse("accounts:totp-setup"))
    response = client.post(reverse("accounts:totp-setup"), {"code": "12ab"})
    assert "6 位数字" in text(response)


def test_login_with_totp(town_with_totp):
    user, secret = town_with_totp
    client, response = attempt("town")
    assert response["Location"] == TOTP_URL
    assert not logged_in(client)
    # Without the code the user is not in: other pages still send to the login page.
    assert client.get("/")["Location"].startswith(LOGIN)
    page = client.get(TOTP_URL)
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in text(page)
    response = client.post(TOTP_URL, {"code": _wrong(secret)})
    assert response.status_code == 200 and "动态口令不正确" in text(response)
    assert not logged_in(client)
    assert LoginEvent.objects.filter(username="town", success=False, reason="bad_totp").count() == 1
    response = client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client)
    assert client.get("/").status_code == 200
    assert LoginEvent.objects.filter(username="town", success=True, user=user).count() == 1


def test_totp_login_keeps_next(town_with_totp):
    _user, secret = town_with_totp
    client = Client()
    client.post(f"{LOGIN}?next=/accounts/me/", {"username": "town", "password": "Test#Pass2026"})
    response = client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/accounts/me/"


def test_totp_step_without_a_password_goes_back_to_login(db):
    response = Client().get(TOTP_URL)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_totp_step_expires(town_with_totp):
    _user, secret = town_with_totp
    client, _response = attempt("town")
    session = client.session
    session[views.PENDING] = {**session[views.PENDING], "at": time.time() - views.PENDING_SECONDS - 1}
    session.save()
    response = client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "验证已超时" in text(response)
    assert not logged_in(client)


@override_settings(LOCKOUT_FAILURES=3)
def test_wrong_codes_count_towards_the_lockout(town_with_totp):
    _user, secret = town_with_totp
    client, _response = attempt("town", ip="10.5.5.5")
    for _i in range(2):
        client.post(TOTP_URL, {"code": _wrong(secret)}, REMOTE_ADDR="10.5.5.5")
    response = client.post(TOTP_URL, {"code": _wrong(secret)}, REMOTE_ADDR="10.5.5.5", follow=True)
    assert "已锁定" in text(response)
    client, response = attempt("town", ip="10.5.5.6")
    assert "已锁定" in text(response)


def test_disable_needs_a_current_code(town_with_totp, login_as):
    user, secret = town_with_totp
    client = Client()
    client.post(LOGIN, {"username": "town", "password": "Test#Pass2026"})
    client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()})
    response = client.post(reverse("accounts:totp-disable"), {"code": _wrong(secret)}, follow=True)
    assert "未关闭" in text(response)
    assert User.objects.get(pk=user.pk).totp_enabled
    client.post(reverse("accounts:totp-disable"), {"code": pyotp.TOTP(secret).now()})
    user.refresh_from_db()
    assert not user.totp_enabled and user.totp_secret == ""
    assert AuditEntry.objects.filter(action="accounts.totp.disabled", actor=user).exists()
    # Next login needs the password only.
    _client, response = attempt("town")
    assert response["Location"] == "/"


def test_security_admin_turns_off_a_lost_phone(town_with_totp, login_as):
    user, _secret = town_with_totp
    response = login_as("security").post(reverse("accounts:user-totp-reset", kwargs={"pk": user.pk}))
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.totp_enabled
    entry = AuditEntry.objects.get(action="accounts.totp.disabled")
    assert entry.object_id == str(user.pk)


def test_totp_of_an_admin_account_cannot_be_turned_off_by_another(personas, login_as):
    auditor = personas["auditor"]
    secret = pyotp.random_base32()
    services.totp_enable(actor=auditor, secret=secret, code=pyotp.TOTP(secret).now())
    login_as("sysadmin").post(reverse("accounts:user-totp-reset", kwargs={"pk": auditor.pk}))
    auditor.refresh_from_db()
    assert auditor.totp_enabled
