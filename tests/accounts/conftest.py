"""Helpers for the accounts tests: logging in from a given address and reading pages."""

from __future__ import annotations

from django.test import Client

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def text(response) -> str:
    return response.content.decode("utf-8")


def attempt(username: str, password: str = PASSWORD, *, ip: str = "127.0.0.1", client: Client | None = None, **extra):
    """One POST to the login page from `ip`; returns (client, response)."""
    client = client or Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)
    return client, response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
