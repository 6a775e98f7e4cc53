"""What the pages of 引领聚魂 share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from gefeng.core import menu, scope
from gefeng.core.pii import blind_index
from gefeng.core.validators import normalize_id_number
from gefeng.learning import services
from gefeng.members.models import Member

VIEW, MANAGE, TAKE = services.VIEW, services.MANAGE, services.TAKE
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def officer(user: Any) -> Any:
    """The officers' pages: `learning.view` and not a worker's self-only account."""
    scope.require_perm(user, VIEW)
    if menu.self_only(user):
        raise PermissionDenied
    return user


def worker(user: Any) -> Any:
    """The worker's phone pages: the 职工 role's own records only."""
    if not (scope.has_perm(user, TAKE) and menu.self_only(user)):
        raise PermissionDenied
    return user


def may_manage(user: Any) -> bool:
    return scope.has_perm(user, MANAGE) and user.org is not None


def member_by_id_number(user: Any, text: str) -> Member | None:
    """A registry member the user may see, found by ID number through the blind index."""
    try:
        digest = blind_index(normalize_id_number(text))
    except Exception:
        return None
    return scope.visible(user, Member).select_related("union").filter(id_hash=digest).first()


def docx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.docx"
    response["Cache-Control"] = "no-store"
    return response
