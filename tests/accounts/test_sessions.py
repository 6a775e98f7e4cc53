"""Idle timeout, forced logout, ending one's own sessions, the session list."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gefeng.accounts.models import UserSession
from gefeng.core.models import AuditEntry
from tests.accounts.conftest import LOGIN, logged_in, text


def _live(user) -> UserSession:
    return UserSession.objects.get(user=user, ended_at__isnull=True)


def test_idle_session_is_logged_out(login_as, personas):
    client = login_as("town")
    assert client.get("/").status_code == 200
    session = client.session
    session["gefeng_last"] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    row = UserSession.objects.get(user=personas["town"])
    assert row.ended_at is not None and row.end_reason == "idle"
    assert not logged_in(client)
    follow = client.get(LOGIN)
    assert "长时间未操作" in text(follow)


@override_settings(SESSION_IDLE_MINUTES=5)
def test_idle_timeout_follows_the_setting(login_as, personas):
    client = login_as("town")
    session = client.session
    session["gefeng_last"] = time.time() - 4 * 60
    session.save()
    assert client.get("/").status_code == 200  # 4 minutes: still alive, and the clock restarts
    assert time.time() - client.session["gefeng_last"] < 60
    session = client.session
    session["gefeng_last"] = time.time() - 6 * 60
    session.save()
    assert client.get("/")["Location"] == LOGIN


def test_idle_logout_answers_htmx_with_a_redirect_header(login_as):
    client = login_as("town")
    session = client.session
    session["gefeng_last"] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == LOGIN


def test_security_admin_forces_a_logout(login_as, personas):
    town = login_as("town")
    security = login_as("security")
    row = _live(personas["town"])
    listing = security.get(reverse("accounts:session-list"))
    assert row in listing.context["page"].rows
    response = security.post(reverse("accounts:session-end", kwargs={"pk": row.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:session-list")
    row.refresh_from_db()
    assert row.ended_at is not None and row.end_reason == "forced"
    assert not Session.objects.filter(session_key=row.session_key).exists()
    entry = AuditEntry.objects.get(action="accounts.session.ended")
    assert entry.actor == personas["security"] and entry.object_id == str(personas["town"].pk)
    # The next request of that client goes to the login page.
    response = town.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    # The ended session is no longer listed.
    assert row not in security.get(reverse("accounts:session-list")).context["page"].rows


def test_session_marked_ended_is_refused_by_the_middleware(login_as, personas):
    client = login_as("town")
    UserSession.objects.filter(user=personas["town"]).update(ended_at=timezone.now(), end_reason="forced")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "会话已结束" in text(client.get(LOGIN))


def test_user_ends_own_other_session_from_the_profile(login_as, personas):
    phone = login_as("town")
    desk = login_as("town")
    phone_key = phone.session.session_key
    profile = desk.get(reverse("accounts:profile"))
    sessions = list(profile.context["sessions"])
    assert {s.session_key for s in sessions} == {phone_key, desk.session.session_key}
    assert text(profile).count('data-testid="session-end"') == 1  # no button on the current one
    other = UserSession.objects.get(session_key=phone_key)
    response = desk.post(
        reverse("accounts:session-end", kwargs={"pk": other.pk}), {"next": reverse("accounts:profile")}
    )
    assert response["Location"] == reverse("accounts:profile")
    other.refresh_from_db()
    assert other.end_reason == "self"
    assert phone.get("/")["Location"].startswith(LOGIN)
    assert desk.get("/").status_code == 200


def test_ending_the_current_session_logs_out(login_as, personas):
    client = login_as("town")
    own = _live(personas["town"])
    response = client.post(reverse("accounts:session-end", kwargs={"pk": own.pk}))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not logged_in(client)


def test_unsafe_next_after_ending_a_session_is_ignored(login_as, personas):
    login_as("town")
    security = login_as("security")
    row = _live(personas["town"])
    response = security.post(reverse("accounts:session-end", kwargs={"pk": row.pk}), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:session-list")


def test_others_cannot_end_someone_elses_session(login_as, personas):
    login_as("town")
    row = _live(personas["town"])
    for persona in ("chair", "county", "auditor"):
        response = login_as(persona).post(reverse("accounts:session-end", kwargs={"pk": row.pk}))
        assert response.status_code == 404, persona
    row.refresh_from_db()
    assert row.ended_at is None


def test_session_list_search(login_as, personas):
    login_as("town")
    login_as("chair")
    security = login_as("security")
    rows = security.get(reverse("accounts:session-list"), {"q": "town"}).context["page"].rows
    assert {s.user.username for s in rows} == {"town"}


def test_after_a_real_idle_timeout_the_login_page_says_why(login_as, personas):
    """The stored session must still exist when the idle limit passes, or the user just lands
    on the login page without knowing why."""
    client = login_as("town")
    key = client.session.session_key
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    session = client.session
    session["gefeng_last"] = time.time() - idle.total_seconds()
    session.save()
    # Everything the store wrote at the last request is now idle + 1 minutes old.
    row = Session.objects.get(session_key=key)
    Session.objects.filter(session_key=key).update(expire_date=row.expire_date - idle)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "您因长时间未操作已退出，请重新登录" in text(response)


def test_polling_does_not_keep_a_session_alive(login_as, personas):
    client = login_as("town")
    start = time.time() - 29 * 60
    session = client.session
    session["gefeng_last"] = start
    session.save()
    UserSession.objects.filter(user=personas["town"]).update(last_seen=timezone.now() - dt.timedelta(minutes=29))
    # A progress bar polling with the marker header: served, but not activity.
    response = client.get("/", headers={"HX-Request": "true", "X-Gefeng-Poll": "1"})
    assert response.status_code == 200
    assert client.session["gefeng_last"] == start
    assert (timezone.now() - _live(personas["town"]).last_seen).total_seconds() > 28 * 60
    session = client.session
    session["gefeng_last"] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/", headers={"HX-Request": "true", "X-Gefeng-Poll": "1"})
    assert response.status_code == 204 and response["HX-Redirect"] == LOGIN


def test_a_job_page_marks_its_polling(login_as):
    from pathlib import Path

    import gefeng

    status = Path(gefeng.__file__).parent / "members" / "templates" / "members" / "import_status.html"
    assert '"X-Gefeng-Poll": "1"' in status.read_text(encoding="utf-8")
