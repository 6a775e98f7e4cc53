from __future__ import annotations

from typing import Any

import segno
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.safestring import SafeString, mark_safe

from gefeng.core import actions, menu, scope
from gefeng.core.types import AuthedRequest
from gefeng.democracy.services import MANAGE, VIEW


def office(request: AuthedRequest) -> Any:
    """The office pages: democracy.view beyond the user's own records."""
    user = request.user
    if not scope.has_perm_beyond_self(user, VIEW) or menu.self_only(user):
        raise PermissionDenied
    return user


def worker(request: AuthedRequest) -> Any:
    user = request.user
    if not (scope.has_perm(user, "self.view") and menu.self_only(user)):
        raise PermissionDenied
    return user


def act(request: AuthedRequest, do: Any, done: str, back: str) -> HttpResponse:
    return actions.act(request, do, done=done, back=back)


def qr(text: str) -> SafeString:
    """A QR code as inline SVG drawn on the server (no script, no outside service)."""
    return mark_safe(segno.make(text, error="m").svg_inline(scale=4, border=2, omitsize=True))


__all__ = ["MANAGE", "VIEW", "act", "office", "qr", "worker"]
