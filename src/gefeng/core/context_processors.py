from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gefeng.core.menu import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    data: dict[str, Any] = {"PRODUCTION": settings.PRODUCTION, "IDLE_MINUTES": settings.SESSION_IDLE_MINUTES}
    if user is not None and user.is_authenticated:
        data["menu"] = menu_for(user, request.path)
        data["unread_notifications"] = _Unread(user)
    return data


class _Unread:
    """The top bar's unread count: one indexed query, made only when a page shows it."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            from gefeng.core.notifications import unread_count

            self.value = unread_count(self.user)
        return self.value
