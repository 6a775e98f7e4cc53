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
    return data
