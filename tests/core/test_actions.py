"""The POST-action skeleton: a refusal becomes messages, success a message, both redirect."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from gefeng.core.actions import act


def _request():
    request = RequestFactory().post("/x/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_success_says_done_and_goes_back():
    request = _request()
    response = act(request, lambda: 3, done=lambda n: f"已生成 {n} 条。", back="/done/")
    assert response.url == "/done/"
    assert [str(m) for m in get_messages(request)] == ["已生成 3 条。"]


def test_a_refusal_shows_every_reason_and_changes_page_to_failed_back():
    request = _request()

    def refuse():
        raise ValidationError({"a": ["甲不对。"], "b": ["乙不对。"]})

    response = act(request, refuse, done="不会出现", back=lambda r: f"/{r}/", failed_back="/form/")
    assert response.url == "/form/"
    assert sorted(str(m) for m in get_messages(request)) == ["乙不对。", "甲不对。"]


def test_permission_is_the_services_and_passes_through_as_403():
    def deny():
        raise PermissionDenied

    with pytest.raises(PermissionDenied):
        act(_request(), deny, done="", back="/")


def test_a_result_dependent_back_needs_a_failed_back():
    with pytest.raises(TypeError):
        act(_request(), lambda: 1, done="", back=lambda r: "/")
