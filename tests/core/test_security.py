"""Proxy headers, the Content-Security-Policy and the templates it constrains."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

from gefeng.accounts import services
from gefeng.core.security import CONTENT_SECURITY_POLICY, ProxyHeadersMiddleware, client_ip
from tests.conftest import PASSWORD

PROXY = ["10.0.0.5", "10.1.0.0/16"]
SRC = Path(__file__).resolve().parents[2] / "src" / "gefeng"


# ---------------------------------------------------------------- X-Forwarded-For


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("192.0.2.9", "", "192.0.2.9"),
        # Not from our proxy: the header is the client's own invention.
        ("192.0.2.9", "203.0.113.1", "192.0.2.9"),
        ("10.0.0.5", "203.0.113.1", "203.0.113.1"),
        # A client writes its own entries first; our proxy appends what it saw.
        ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.1.2.3", "203.0.113.7"),
        # Garbage to the left of the last trusted hop: the nearest trusted hop is all we know.
        ("10.0.0.5", "not-an-ip, 10.1.2.3", "10.1.2.3"),
        ("10.0.0.5", "10.1.2.3, 10.1.2.4", "10.1.2.3"),
        ("10.0.0.5", "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_client_is_the_rightmost_untrusted_entry(remote, forwarded, expected):
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip(meta, PROXY) == expected


@override_settings(TRUSTED_PROXIES=["10.0.0.5"], LOCKOUT_FAILURES=3, LOCKOUT_ADDRESS_FAILURES=3, LOCKOUT_MINUTES=15)
def test_a_locked_address_cannot_log_in_by_prepending_a_new_one(personas):
    def post(username, password, forwarded):
        client = Client(REMOTE_ADDR="10.0.0.5")
        return client, client.post(
            "/accounts/login/",
            {"username": username, "password": password},
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for name in ("ghost1", "ghost2", "ghost3"):
        post(name, "wrong", "203.0.113.7")
    client, response = post("town", PASSWORD, "198.51.100.44, 203.0.113.7")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200 and "已锁定" in response.content.decode()
    assert services.lock_status("", "203.0.113.7") is not None


# ---------------------------------------------------------------- X-Forwarded-Proto


def _proto_seen(remote: str) -> bool:
    seen = {}

    def view(request):
        seen["proto"] = "HTTP_X_FORWARDED_PROTO" in request.META
        from django.http import HttpResponse

        return HttpResponse("ok")

    with override_settings(TRUSTED_PROXIES=["10.0.0.5"]):
        middleware = ProxyHeadersMiddleware(view)
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_PROTO="https")
    response = middleware(request)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    return seen["proto"]


def test_forwarded_proto_is_kept_only_from_a_trusted_proxy():
    assert _proto_seen("10.0.0.5") is True
    assert _proto_seen("192.0.2.9") is False


# ---------------------------------------------------------------- Content-Security-Policy


def test_every_response_carries_the_policy(login_as):
    client = login_as("county")
    for url in ("/", "/accounts/login/", "/members/", "/no-such-page/", "/accounts/users/"):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html")
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert part in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY


# Rendered into a PDF by WeasyPrint, never served to a browser.
_NOT_SERVED = {"honours/templates/honours/certificate_print.html", "skills/templates/skills/certificate_print.html"}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def test_templates_have_no_inline_script_handler_or_style():
    offenders = []
    for path in sorted(SRC.rglob("templates/**/*.html")):
        rel = path.relative_to(SRC).as_posix()
        if rel in _NOT_SERVED:
            continue
        body = path.read_text(encoding="utf-8")
        for pattern in (_INLINE_SCRIPT, _HANDLER, _STYLE):
            for m in pattern.finditer(body):
                offenders.append(f"{rel}: {m.group(0)[:60]}")
    assert offenders == []


def test_rendered_pages_have_no_inline_script(login_as):
    client = login_as("county")
    for url in ("/", "/members/", "/reform/", "/honours/", "/accounts/me/", "/figures/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not _INLINE_SCRIPT.search(body), url
        assert not _HANDLER.search(body), url
        assert not _STYLE.search(body), url
