"""An ordinary page view reads the session and writes nothing: the idle timer is refreshed at
most every IDLE_STAMP_SECONDS, the session's "last seen" at most every minute."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gefeng.accounts.middleware import IDLE_STAMP_SECONDS

pytestmark = pytest.mark.django_db


def _writes(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_page_views_do_not_write_the_session(login_as):
    client = login_as("county")
    client.get("/accounts/me/")
    assert _writes(client, "/accounts/me/") == []
    assert _writes(client, "/") == []


def test_the_idle_timer_is_refreshed_once_it_is_older_than_the_stamp(login_as):
    client = login_as("county")
    session = client.session
    session["gefeng_last"] = time.time() - IDLE_STAMP_SECONDS - 1
    session.save()
    writes = _writes(client, "/accounts/me/")
    assert any("django_session" in sql for sql in writes)
    assert time.time() - client.session["gefeng_last"] < 5
