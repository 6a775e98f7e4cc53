"""Helpers for the orgs tests.

`client_for("town")` logs a persona in with `force_login` and registers the session the way the
real login does (the session-security middleware ends sessions it does not know), so these tests
do not depend on the login page.
"""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def client_for(personas):
    from gefeng.accounts.models import UserSession

    def make(name: str) -> Client:
        client = Client()
        client.force_login(personas[name])
        UserSession.objects.create(session_key=client.session.session_key, user=personas[name])
        return client

    return make
