"""Helpers shared by the supervision pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from gefeng.core import exports, scope
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform.models import Plan

GET_POST = ["GET", "POST"]
MAX_PK = 2**62
UNIT_KINDS = (Kind.MEMBER_UNIT, Kind.TOWN)
UNIT_CHOICES = 300  # member units and towns offered as attendees / visited units


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < MAX_PK else None


def _manager(user: Any) -> bool:
    return scope.has_perm(user, "reform.manage")


def _county_level(user: Any) -> bool:
    """Whether the user sees the county office's own records (meetings, inspections …)."""
    return scope.visible(user, Plan).exists()


def _plan_choice(request: AuthedRequest, plans: QuerySet[Plan]) -> Plan | None:
    """The plan named by ?plan=, else this year's, else the latest (None when there is none)."""
    pk = _int(request.GET.get("plan"))
    if pk:
        plan = plans.filter(pk=pk).first()
        if plan is not None:
            return plan
    today = timezone.localdate()
    return plans.filter(year=today.year).first() or plans.order_by("-year").first()


def _units_for(user: Any) -> QuerySet[OrgNode]:
    """Member units and towns the office may address (attendees, visited units, task owners)."""
    nodes = scope.permitted(user, OrgNode, "reform.manage").filter(kind__in=UNIT_KINDS)
    return nodes.valid_on(timezone.localdate()).order_by("kind", "path")[:UNIT_CHOICES]  # type: ignore[attr-defined]


def _unit_qs(user: Any) -> QuerySet[OrgNode]:
    ids = [u.pk for u in _units_for(user)]
    return OrgNode.objects.filter(pk__in=ids).order_by("kind", "path")


def _search(request: AuthedRequest) -> str:
    """The search term: at most 50 characters, without control characters (PostgreSQL refuses NUL)."""
    text = request.GET.get("q", "")[:50]
    return "".join(ch for ch in text if ch.isprintable()).strip()


def _files(request: AuthedRequest) -> list[Any]:
    return request.FILES.getlist("attachments")


def _xlsx(request: AuthedRequest, filename: str, headers: Any, rows: Any, *, sheet_name: str) -> FileResponse:
    """A bounded list (a year's tasks, the pilots, one evaluation) as an audited xlsx download."""
    return exports.download(
        actor=request.user,
        action="supervision.exported",
        object_type="supervision.export",
        filename=filename,
        headers=headers,
        rows=rows,
        sheet_name=sheet_name,
        changes={"query": request.GET.urlencode()},
    )
