"""The login page, lock-out per account and per address, unlock, lock expiry, the login log."""

from __future__ import annotations

import datetime as dt

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts import services
from gefeng.accounts.models import LoginEvent, UserSession
from gefeng.core.models import AuditEntry
from tests.accounts.conftest import LOGIN, attempt, logged_in, text
from tests.conftest import PASSWORD

WRONG = "Wrong#Pass2026"


# ---------------------------------------------------------------- the page


def test_login_page_has_form_and_no_menu(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    body = text(response)
    assert 'name="username"' in body and 'name="password"' in body
    assert 'data-testid="login-submit"' in body
    assert 'data-testid="menu"' not in body
    assert 'name="viewport"' in body  # usable on a phone
    assert response["Cache-Control"].startswith("max-age=0")


def test_login_success_goes_home_and_registers_the_session(personas):
    client, response = attempt("town")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client)
    live = UserSession.objects.get(user=personas["town"])
    assert live.session_key == client.session.session_key and live.ended_at is None
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_in_chinese(personas):
    client, response = attempt("town", WRONG)
    assert response.status_code == 200
    assert "用户名或密码错误" in text(response)
    assert not logged_in(client)


def test_unknown_user_gets_the_same_message(personas):
    _client, response = attempt("nobody", WRONG)
    assert "用户名或密码错误" in text(response)


def test_inactive_user_cannot_log_in(personas):
    personas["town"].__class__.objects.filter(pk=personas["town"].pk).update(is_active=False)
    client, response = attempt("town")
    assert response.status_code == 200 and not logged_in(client)


def test_next_is_followed_only_when_safe(personas):
    client = Client()
    response = client.post(f"{LOGIN}?next=/accounts/me/", {"username": "town", "password": PASSWORD})
    assert response["Location"] == "/accounts/me/"
    client = Client()
    response = client.post(LOGIN, {"username": "town", "password": PASSWORD, "next": "https://evil.example/x"})
    assert response["Location"] == "/"
    client = Client()
    response = client.post(LOGIN, {"username": "town", "password": PASSWORD, "next": "//evil.example/"})
    assert response["Location"] == "/"


def test_logged_in_user_opening_login_goes_home(login_as):
    client = login_as("town")
    response = client.get(LOGIN)
    assert response.status_code == 302 and response["Location"] == "/"


def test_anonymous_pages_redirect_to_login_with_next(db):
    response = Client().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/accounts/me/"


def test_logout_is_post_only_and_ends_the_session(login_as, personas):
    client = login_as("town")
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "已安全退出" in text(response)
    assert not logged_in(client)
    live = UserSession.objects.get(user=personas["town"])
    assert live.ended_at is not None and live.end_reason == "logout"


# ---------------------------------------------------------------- lock-out


def _age(bucket: str, *, minutes: int) -> None:
    """Move a lock-out counter `minutes` into the past, as if that time had gone by."""
    from gefeng.accounts.models import LoginThrottle

    ago = dt.timedelta(minutes=minutes)
    row = LoginThrottle.objects.get(bucket=bucket)
    row.window_start -= ago
    if row.locked_until is not None:
        row.locked_until -= ago
    row.save()


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_MINUTES=15)
def test_account_locks_after_failures_from_any_address(personas):
    for i in range(3):
        _c, response = attempt("town", WRONG, ip=f"10.0.0.{i + 1}")
        assert "用户名或密码错误" in text(response)
    client, response = attempt("town", PASSWORD, ip="10.0.0.99")
    body = text(response)
    assert "已锁定" in body and "15 分钟后再试" in body
    assert not logged_in(client)
    assert LoginEvent.objects.filter(username="town", reason=services.REASON_LOCKED, success=False).exists()
    # Another account from the same addresses is not affected.
    client, response = attempt("chair", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302 and logged_in(client)


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_MINUTES=15)
def test_fewer_failures_than_the_limit_do_not_lock(personas):
    for _i in range(2):
        attempt("town", WRONG, ip="10.0.0.1")
    client, response = attempt("town", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302 and logged_in(client)


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_MINUTES=15)
def test_a_success_resets_the_accounts_count(personas):
    attempt("town", WRONG, ip="10.0.0.1")
    attempt("town", WRONG, ip="10.0.0.2")
    attempt("town", PASSWORD, ip="10.0.0.3")
    attempt("town", WRONG, ip="10.0.0.4")
    client, response = attempt("town", PASSWORD, ip="10.0.0.5")
    assert response.status_code == 302 and logged_in(client)


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_ADDRESS_FAILURES=3, LOCKOUT_MINUTES=15)
def test_a_valid_login_does_not_reset_the_addresss_count(personas):
    # Interleaving one's own successful logins must not let guesses at others go on.
    attempt("county", WRONG, ip="10.0.0.9")
    attempt("chair", PASSWORD, ip="10.0.0.9")
    attempt("liaison", WRONG, ip="10.0.0.9")
    attempt("chair", PASSWORD, ip="10.0.0.9")
    attempt("worker", WRONG, ip="10.0.0.9")
    client, response = attempt("chair", PASSWORD, ip="10.0.0.9")
    assert response.status_code == 200 and not logged_in(client)
    assert "锁定" in response.content.decode()


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_ADDRESS_FAILURES=3, LOCKOUT_MINUTES=15)
def test_address_locks_after_failures_on_any_accounts(personas):
    for name in ("ghost1", "ghost2", "ghost3"):
        attempt(name, WRONG, ip="10.1.1.1")
    client, response = attempt("town", PASSWORD, ip="10.1.1.1")
    assert "已锁定" in text(response) and not logged_in(client)
    # The account itself is fine from another address.
    client, response = attempt("town", PASSWORD, ip="10.1.1.2")
    assert response.status_code == 302 and logged_in(client)


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_ADDRESS_FAILURES=12, LOCKOUT_MINUTES=15)
def test_an_office_behind_one_gateway_survives_a_morning_of_typos(personas):
    # Eight colleagues mistype once each from the office's one address: the address has its own,
    # higher limit, so everyone then logs in; an account's own limit is unchanged.
    colleagues = ["county", "liaison", "town", "chair", "worker", "auditor", "security", "outsider"]
    for name in colleagues:
        attempt(name, WRONG, ip="10.2.2.2")
    for name in colleagues:
        client, response = attempt(name, PASSWORD, ip="10.2.2.2")
        assert response.status_code == 302 and logged_in(client), name
    for _ in range(3):
        attempt("town", WRONG, ip="10.2.2.2")
    client, response = attempt("town", PASSWORD, ip="10.2.2.2")
    assert "已锁定" in text(response) and not logged_in(client)


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_MINUTES=15)
def test_lock_expires_after_the_lockout_minutes(personas):
    for i in range(3):
        attempt("town", WRONG, ip=f"10.0.0.{i + 1}")
    assert "已锁定" in text(attempt("town", PASSWORD, ip="10.0.0.9")[1])
    _age("u:town", minutes=16)
    assert services.lock_status("town", "") is None
    client, response = attempt("town", PASSWORD, ip="10.0.0.9")
    assert response.status_code == 302 and logged_in(client)


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_MINUTES=15)
def test_failures_spread_wider_than_the_window_do_not_lock(personas):
    for i in range(2):
        attempt("town", WRONG, ip=f"10.0.0.{i + 1}")
    _age("u:town", minutes=20)
    attempt("town", WRONG, ip="10.0.0.3")
    client, response = attempt("town", PASSWORD, ip="10.0.0.4")
    assert response.status_code == 302 and logged_in(client)


@override_settings(LOCKOUT_FAILURES=3, LOCKOUT_MINUTES=15)
def test_security_admin_unlocks(personas, login_as):
    for i in range(3):
        attempt("town", WRONG, ip=f"10.0.0.{i + 1}")
    town = personas["town"]
    security = login_as("security")
    detail = security.get(reverse("accounts:user-detail", kwargs={"pk": town.pk}))
    assert 'data-testid="locked"' in text(detail) and 'data-testid="user-unlock"' in text(detail)
    response = security.post(reverse("accounts:user-unlock", kwargs={"pk": town.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"pk": town.pk})
    assert AuditEntry.objects.filter(action="accounts.user.unlocked", actor=personas["security"]).exists()
    client, response = attempt("town", PASSWORD, ip="10.0.0.9")
    assert response.status_code == 302 and logged_in(client)


def test_worker_cannot_unlock(personas, login_as):
    response = login_as("worker").post(reverse("accounts:user-unlock", kwargs={"pk": personas["town"].pk}))
    assert response.status_code == 404
    assert not LoginEvent.objects.filter(reason=services.REASON_UNLOCKED).exists()


# ---------------------------------------------------------------- login log


def test_login_log_records_success_and_failure_with_address_and_browser(personas):
    client = Client(REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="GefengTest/1.0 (Phone)")
    client.post(LOGIN, {"username": "town", "password": WRONG})
    client.post(LOGIN, {"username": "town", "password": PASSWORD})
    failure, success = LoginEvent.objects.filter(username="town").order_by("at", "id")
    assert (failure.success, failure.reason, failure.ip, failure.user_agent) == (
        False,
        "bad_password",
        "10.9.8.7",
        "GefengTest/1.0 (Phone)",
    )
    assert (success.success, success.user, success.ip, success.user_agent) == (
        True,
        personas["town"],
        "10.9.8.7",
        "GefengTest/1.0 (Phone)",
    )


def test_forwarded_for_is_ignored_without_a_trusted_proxy(personas):
    Client(REMOTE_ADDR="10.9.8.7").post(LOGIN, {"username": "town", "password": WRONG}, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert LoginEvent.objects.get(username="town").ip == "10.9.8.7"


def test_login_log_page_filters(personas, login_as):
    Client(REMOTE_ADDR="10.2.2.2").post(LOGIN, {"username": "chair", "password": WRONG})
    Client(REMOTE_ADDR="10.3.3.3").post(LOGIN, {"username": "ghost", "password": WRONG})
    old = LoginEvent.objects.get(username="ghost")
    LoginEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=10))
    auditor = login_as("auditor")
    page = reverse("accounts:loginevent-list")

    def users(**params):
        response = auditor.get(page, params)
        assert response.status_code == 200
        return {e.username for e in response.context["page"].rows}

    assert {"chair", "ghost", "auditor"} <= users()
    assert users(username="chair") == {"chair"}
    assert users(ip="10.3.3.3") == {"ghost"}
    assert "auditor" in users(success="1") and "chair" not in users(success="1")
    assert users(success="0") == {"chair", "ghost"}
    today = timezone.localdate()
    assert "ghost" not in users(date_from=today.isoformat())
    assert users(date_to=(today - dt.timedelta(days=5)).isoformat()) == {"ghost"}
    # Newest first.
    rows = auditor.get(page).context["page"].rows
    assert [e.at for e in rows] == sorted((e.at for e in rows), reverse=True)


def test_login_log_rejects_a_reversed_date_range(personas, login_as):
    response = login_as("security").get(
        reverse("accounts:loginevent-list"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "起始日期不能晚于截止日期" in text(response)
    assert response.context["page"].rows == []
