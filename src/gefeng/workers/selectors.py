"""Reads of the worker's platform: the worker's own record and requests, the union's queue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gefeng.core import scope
from gefeng.members.models import Member, MembershipEvent
from gefeng.orgs.models import Kind, OrgNode
from gefeng.workers.models import (
    ActivationCode,
    BindRequest,
    CorrectionRequest,
    JoinApplication,
    RequestStatus,
    TransferRequest,
)

CHANGE = "members.change"


def own_member(user: Any) -> Member | None:
    """The registry record bound to this account (the binding itself says it is the user's)."""
    if not getattr(user, "pk", None):
        return None
    if not hasattr(user, "_own_member"):
        user._own_member = Member.objects.select_related("union", "enterprise").filter(user_id=user.pk).first()
    member: Member | None = user._own_member
    return member


def pending(actor: Any, model: type[Any]) -> QuerySet[Any]:
    """The requests of `model` waiting for the actor's union (oldest limit first)."""
    return (
        scope.permitted(actor, model, CHANGE)
        .filter(status=RequestStatus.PENDING)
        .select_related("union", "user")
        .order_by("due_on", "id")
    )


def my_requests(user: Any) -> dict[str, list[Any]]:
    """The worker's own applications, newest first (本人 scope)."""
    return {
        "bind": list(scope.visible(user, BindRequest).filter(user_id=user.pk).select_related("union")[:20]),
        "join": list(scope.visible(user, JoinApplication).filter(user_id=user.pk).select_related("union")[:20]),
        "transfer": list(
            scope.visible(user, TransferRequest).filter(user_id=user.pk).select_related("from_union", "to_union")[:20]
        ),
        "correction": list(scope.visible(user, CorrectionRequest).filter(user_id=user.pk).select_related("union")[:20]),
    }


def my_events(user: Any, member: Member) -> list[MembershipEvent]:
    return list(scope.visible(user, MembershipEvent).filter(member=member).select_related("union", "other_union")[:50])


def my_honours(user: Any, member: Member) -> list[Any]:
    from gefeng.honours.models import Honour

    return list(scope.visible(user, Honour).filter(person=member).order_by("-year", "-id")[:50])


def my_payments(member: Member) -> list[Any]:
    """The allowance ledger's lines paid to the worker's own record. The ledger's scope rule
    serves the county office; these are the rows naming the record bound to the account."""
    from gefeng.allowances.models import Payment

    return list(Payment.objects.filter(person=member).select_related("kind").order_by("-year", "-id")[:50])


def unions_for(actor: Any) -> QuerySet[OrgNode]:
    """Unions whose codes the actor may print."""
    return scope.permitted(actor, OrgNode, CHANGE).filter(kind=Kind.UNION).order_by("path")


def live_codes(actor: Any, union: OrgNode) -> QuerySet[ActivationCode]:
    from django.utils import timezone

    return (
        scope.permitted(actor, ActivationCode, CHANGE)
        .filter(union=union, used_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("member")
        .order_by("member__name", "member_id")
    )


def towns() -> QuerySet[OrgNode]:
    """The towns a worker may name on the joining form (public names of the tree)."""
    return OrgNode.objects.filter(kind=Kind.TOWN, valid_to__isnull=True).order_by("path")
