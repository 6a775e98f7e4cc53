"""锁定与解锁: unlocking clears the account's and its addresses' counters; a locked address can be
freed on its own; the user list shows and filters account states; the user page shows the locks
and the recent failures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts import services
from gefeng.accounts.models import LoginEvent, LoginThrottle, User
from gefeng.core.models import AuditEntry
from tests.accounts.conftest import attempt, logged_in, text
from tests.conftest import PASSWORD

WRONG = "Wrong#Pass2026"
OFFICE = "10.5.5.5"
GATEWAY = "203.0.113.9"

pytestmark = pytest.mark.usefixtures("lockout")


@pytest.fixture
def lockout(settings):
    settings.LOCKOUT_FAILURES = 3
    settings.LOCKOUT_ADDRESS_FAILURES = 3
    settings.LOCKOUT_MINUTES = 15


def _fail(username: str, times: int = 3, ip: str = OFFICE) -> None:
    for _i in range(times):
        _client, response = attempt(username, WRONG, ip=ip)
        assert response.status_code == 200


def _locked(bucket: str) -> bool:
    row = LoginThrottle.objects.filter(bucket=bucket).first()
    return row is not None and row.locked_until is not None and row.locked_until > timezone.now()


def _unlock_url(user: User) -> str:
    return reverse("accounts:user-unlock", kwargs={"pk": user.pk})


# ---------------------------------------------------------------- the service


def test_unlock_clears_the_account_and_the_addresses_it_failed_from(personas):
    _fail("town", 2, ip=OFFICE)
    _fail("town", 1, ip="10.5.5.6")
    assert _locked("u:town")
    assert LoginThrottle.objects.get(bucket=f"ip:{OFFICE}").count == 2

    result = services.user_unlock(actor=personas["security"], username="town")

    assert result.account_locked
    assert result.addresses == [OFFICE, "10.5.5.6"]
    rows = LoginThrottle.objects.filter(bucket__in=["u:town", f"ip:{OFFICE}", "ip:10.5.5.6"])
    assert [(r.count, r.locked_until) for r in rows] == [(0, None)] * 3
    assert services.account_locks("town") == []
    entry = AuditEntry.objects.get(action="accounts.user.unlocked")
    assert entry.actor == personas["security"] and entry.object_id == str(personas["town"].pk)
    assert entry.changes["ip"] == [OFFICE, "10.5.5.6"]
    assert entry.changes["count"] == {"old": 3, "new": 0}
    assert entry.changes["locked_until"]["new"] is None and entry.changes["locked_until"]["old"]
    freed = AuditEntry.objects.filter(action="accounts.address.unlocked").order_by("object_repr")
    assert [e.object_repr for e in freed] == [f"{OFFICE}（随账号 town 解锁）", "10.5.5.6（随账号 town 解锁）"]
    assert all(e.object_type == "accounts.loginthrottle" and e.changes["locked_until"]["new"] is None for e in freed)


def test_unlock_frees_an_address_locked_by_other_accounts_that_refused_this_one(personas):
    # The gateway is locked by others' typos; the account is refused there without a failure of its own.
    for name in ("ghost1", "ghost2", "ghost3"):
        attempt(name, WRONG, ip=GATEWAY)
    client, response = attempt("town", PASSWORD, ip=GATEWAY)
    assert "已锁定" in text(response) and not logged_in(client)
    assert [(lock.address, lock.is_account) for lock in services.account_locks("town")] == [(GATEWAY, False)]

    result = services.user_unlock(actor=personas["security"], username="town")

    assert not result.account_locked and result.addresses == [GATEWAY]
    client, response = attempt("town", PASSWORD, ip=GATEWAY)
    assert response.status_code == 302 and logged_in(client)


def test_unlock_leaves_addresses_of_old_failures_and_unrelated_addresses_alone(personas):
    _fail("town", 1, ip="10.7.7.7")
    LoginEvent.objects.filter(ip="10.7.7.7").update(at=timezone.now() - dt.timedelta(minutes=31))
    for name in ("ghost1", "ghost2", "ghost3"):
        attempt(name, WRONG, ip="10.8.8.8")  # never tried by town

    result = services.user_unlock(actor=personas["security"], username="town")

    assert result.addresses == []
    assert _locked("ip:10.8.8.8")
    assert LoginThrottle.objects.get(bucket="ip:10.7.7.7").count == 1  # its window is long over anyway
    assert not AuditEntry.objects.filter(action="accounts.address.unlocked").exists()


def test_only_account_managers_unlock(personas):
    _fail("town")
    for name in ("worker", "auditor", "county"):
        with pytest.raises(PermissionDenied):
            services.user_unlock(actor=personas[name], username="town")
        with pytest.raises(PermissionDenied):
            services.address_unlock(actor=personas[name], ip=OFFICE)
    assert _locked("u:town") and _locked(f"ip:{OFFICE}")
    assert not AuditEntry.objects.filter(action__in=["accounts.user.unlocked", "accounts.address.unlocked"]).exists()


def test_address_unlock_checks_the_address(personas):
    with pytest.raises(ValidationError) as exc:
        services.address_unlock(actor=personas["security"], ip="10.1.2")
    assert "IP 地址" in " ".join(exc.value.messages)
    assert services.address_unlock(actor=personas["security"], ip="10.9.9.9") is False
    assert not AuditEntry.objects.filter(action="accounts.address.unlocked").exists()
    assert not LoginEvent.objects.filter(reason=services.REASON_ADDRESS_UNLOCKED).exists()


# ---------------------------------------------------------------- through the login page


def test_after_unlock_the_same_address_logs_in_at_once(personas, login_as):
    _fail("town", ip=OFFICE)
    client, response = attempt("town", PASSWORD, ip=OFFICE)
    assert "已锁定" in text(response) and not logged_in(client)

    security = login_as("security")
    response = security.post(_unlock_url(personas["town"]), follow=True)
    body = text(response)
    assert "已解锁" in body and OFFICE in body and "可以立即重新登录" in body

    client, response = attempt("town", PASSWORD, ip=OFFICE)
    assert response.status_code == 302 and logged_in(client)
    event = LoginEvent.objects.filter(username="town", reason=services.REASON_UNLOCKED).get()
    assert event.success and event.ip == ""


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_unlock_behind_the_trusted_proxy_frees_the_forwarded_address(personas, login_as):
    def post(password: str) -> tuple[Client, object]:
        client = Client(REMOTE_ADDR="10.0.0.5")
        return client, client.post(
            "/accounts/login/",
            {"username": "town", "password": password},
            HTTP_X_FORWARDED_FOR=f"198.51.100.1, {GATEWAY}",
        )

    for _i in range(3):
        post(WRONG)
    assert _locked(f"ip:{GATEWAY}") and not LoginThrottle.objects.filter(bucket="ip:10.0.0.5").exists()
    client, response = post(PASSWORD)
    assert "已锁定" in text(response) and not logged_in(client)

    login_as("security").post(_unlock_url(personas["town"]))

    assert AuditEntry.objects.get(action="accounts.user.unlocked").changes["ip"] == [GATEWAY]
    client, response = post(PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_a_locked_office_gateway_is_freed_from_the_login_log(personas, login_as):
    for name in ("chair", "ghost1", "liaison"):
        attempt(name, WRONG, ip=GATEWAY)
    client, response = attempt("town", PASSWORD, ip=GATEWAY)
    assert "已锁定" in text(response) and not logged_in(client)

    security = login_as("security")
    page = security.get(reverse("accounts:loginevent-list"))
    body = text(page)
    assert 'data-testid="locked-addresses"' in body and f'data-address="{GATEWAY}"' in body
    assert 'data-testid="address-unlock"' in body

    response = security.post(
        reverse("accounts:address-unlock"), {"ip": GATEWAY, "next": "/accounts/login-log/?ip=" + GATEWAY}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/login-log/?ip=" + GATEWAY
    assert "已解除地址" in text(security.get(response["Location"]))

    client, response = attempt("town", PASSWORD, ip=GATEWAY)
    assert response.status_code == 302 and logged_in(client)
    entry = AuditEntry.objects.get(action="accounts.address.unlocked")
    assert entry.actor == personas["security"] and entry.object_repr == GATEWAY
    assert entry.changes["count"] == {"old": 3, "new": 0}
    event = LoginEvent.objects.get(reason=services.REASON_ADDRESS_UNLOCKED)
    assert event.ip == GATEWAY and event.username == "" and event.success
    assert "管理员解除地址锁定" in text(security.get(reverse("accounts:loginevent-list"), {"ip": GATEWAY}))


def test_address_unlock_page_answers_bad_input_in_chinese(personas, login_as):
    security = login_as("security")
    response = security.post(reverse("accounts:address-unlock"), {"ip": "<script>"}, follow=True)
    assert response.status_code == 200 and "请填写正确的 IP 地址" in text(response)
    response = security.post(reverse("accounts:address-unlock"), {"ip": "10.9.9.9"}, follow=True)
    assert "没有被锁定" in text(response)
    # An outside `next` is not followed.
    response = security.post(reverse("accounts:address-unlock"), {"ip": "10.9.9.9", "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:loginevent-list")


def test_the_auditor_sees_locked_addresses_but_frees_none(personas, login_as):
    for name in ("ghost1", "ghost2", "ghost3"):
        attempt(name, WRONG, ip=GATEWAY)
    auditor = login_as("auditor")
    body = text(auditor.get(reverse("accounts:loginevent-list")))
    assert f'data-address="{GATEWAY}"' in body and 'data-testid="address-unlock"' not in body
    assert auditor.post(reverse("accounts:address-unlock"), {"ip": GATEWAY}).status_code == 403
    assert _locked(f"ip:{GATEWAY}")


# ---------------------------------------------------------------- the user page


def test_user_page_shows_the_locks_and_the_recent_failures(personas, login_as):
    town = personas["town"]
    _fail("town", 2, ip=OFFICE)
    _fail("town", 1, ip="10.5.5.6")
    for i in range(22):
        LoginEvent.objects.create(username="town", success=False, reason="bad_password", ip=f"10.6.0.{i}")

    security = login_as("security")
    response = security.get(reverse("accounts:user-detail", kwargs={"pk": town.pk}))
    body = text(response)
    assert 'data-lock="account"' in body and "账号计数：失败 3 次，锁定至" in body
    assert f'data-lock="{OFFICE}"' not in body  # 2 failures: the address still lets others in
    assert 'data-testid="user-unlock"' in body
    failures = response.context["failures"]
    assert len(failures) == 20 and all(not e.success for e in failures)
    assert [e.at for e in failures] == sorted((e.at for e in failures), reverse=True)
    assert "用户名或密码错误" in body and 'data-testid="recent-failures"' in body

    # Another account's typo fills the office address: both counters now stop town.
    attempt("ghost", WRONG, ip=OFFICE)
    body = text(security.get(reverse("accounts:user-detail", kwargs={"pk": town.pk})))
    assert f'data-lock="{OFFICE}"' in body and "解除该地址锁定" in body
    assert [(lock.address, lock.count) for lock in services.account_locks("town")] == [("", 3), (OFFICE, 3)]


def test_user_page_without_locks_has_no_unlock_button(personas, login_as):
    body = text(login_as("security").get(reverse("accounts:user-detail", kwargs={"pk": personas["town"].pk})))
    assert 'data-testid="locked"' not in body and 'data-testid="user-unlock"' not in body
    assert 'data-testid="recent-failures"' in body and "没有登录记录" in body


# ---------------------------------------------------------------- the user list


@pytest.fixture
def states(personas, settings):
    """town locked, worker disabled, chair's password 100 days old, liaison must change it."""
    settings.PASSWORD_MAX_AGE_DAYS = 90
    _fail("town")
    User.objects.filter(username="worker").update(is_active=False)
    now = timezone.now()
    User.objects.filter(username="chair").update(password_changed_at=now - dt.timedelta(days=100))
    User.objects.filter(username="county").update(password_changed_at=now - dt.timedelta(days=10))
    User.objects.filter(username="liaison").update(must_change_password=True)
    return personas


def _names(client: Client, **params) -> set[str]:
    response = client.get(reverse("accounts:user-list"), params)
    assert response.status_code == 200
    return {row["user"].username for row in response.context["rows"]}


def test_user_list_filters_by_state(states, login_as):
    security = login_as("security")
    assert _names(security, state="locked") == {"town"}
    assert _names(security, state="disabled") == {"worker"}
    assert _names(security, state="expired") == {"chair"}
    assert _names(security, state="must_change") == {"liaison"}
    normal = _names(security, state="normal")
    assert {"county", "security", "outsider"} <= normal
    assert not normal & {"town", "worker", "chair", "liaison"}
    assert _names(security, state="locked", q="chair") == set()
    assert set(states) <= _names(security, state="no-such-state")  # an unknown value is dropped

    services.user_unlock(actor=states["security"], username="town")
    assert _names(security, state="locked") == set()
    assert "town" in _names(security, state="normal")


def test_user_list_shows_state_badges(states, login_as):
    response = login_as("security").get(reverse("accounts:user-list"))
    body = text(response)
    by_name = {row["user"].username: [code for code, _label, _cls in row["states"]] for row in response.context["rows"]}
    assert by_name["town"] == ["locked"]
    assert by_name["worker"] == ["disabled"]
    assert by_name["chair"] == ["expired"]
    assert by_name["liaison"] == ["must_change"]
    assert by_name["county"] == []
    for label in ("已锁定", "已停用", "密码过期", "须改密码", "正常"):
        assert label in body
    assert 'name="state"' in body and '<option value="locked">已锁定</option>' in body


def test_without_password_expiry_the_filter_offers_no_expired_state(states, login_as, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    security = login_as("security")
    response = security.get(reverse("accounts:user-list"))
    assert 'value="expired"' not in text(response)
    chair = next(row for row in response.context["rows"] if row["user"].username == "chair")
    assert chair["states"] == []


def test_user_list_state_costs_the_same_queries_for_any_number_of_users(personas, login_as):
    security = login_as("security")
    url = reverse("accounts:user-list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert security.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(12):
        User.objects.create(username=f"bulk{i:02d}", name="批量")
        attempt(f"bulk{i:02d}", WRONG, ip=f"10.4.0.{i}")
    assert queries() == few
    for state in ("locked", "normal", ""):
        with CaptureQueriesContext(connection) as ctx:
            assert security.get(url, {"state": state}).status_code == 200
        # The states of the page's users: one query on the counters (the filter is a subquery of the list's).
        # (The list's bounded total repeats the filter in its COUNT; it does not grow with the rows.)
        throttle = [
            q
            for q in ctx.captured_queries
            if "accounts_loginthrottle" in q["sql"] and not q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")
        ]
        assert len(throttle) <= 2, (state, [q["sql"] for q in throttle])
