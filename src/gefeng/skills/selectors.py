"""Reads of 成长聚能, within the actor's scope (`skills.view`).

Open competitions and courses are announced to everyone under their organiser: an enterprise's
union and a worker see those organised at or above their own unit (`registrable`, `open_courses`)
— the notice itself, not the entries, which stay with each enterprise."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from gefeng.core import scope
from gefeng.orgs.models import OrgNode
from gefeng.skills.models import (
    Competition,
    CompStatus,
    Course,
    Enrolment,
    Entry,
    EntryStatus,
    Industry,
    Pair,
    Patent,
    Proposal,
    RewardGrade,
)
from gefeng.skills.services._common import MANAGE, REVIEW


def _ancestors(node: OrgNode | None) -> list[str]:
    if node is None:
        return []
    return [node.path[:i] for i in range(4, len(node.path) + 1, 4)]


def anchor(actor: Any) -> OrgNode | None:
    """The node the actor works at: the user's org, or a worker's union."""
    from gefeng.workers.selectors import own_member

    member = own_member(actor) if getattr(actor, "pk", None) else None
    if member is not None:
        return member.enterprise or member.union
    return getattr(actor, "org", None)


def manage_root(actor: Any) -> OrgNode | None:
    """The highest node the actor may manage skills work at (where new items hang)."""
    org = getattr(actor, "org", None)
    if org is None:
        return None
    return scope.permitted(actor, OrgNode.objects.filter(pk=org.pk), MANAGE).first()


def review_root(actor: Any) -> OrgNode | None:
    org = getattr(actor, "org", None)
    if org is None:
        return None
    return scope.permitted(actor, OrgNode.objects.filter(pk=org.pk), REVIEW).first()


def industries(actor: Any) -> QuerySet[Industry]:
    return scope.visible(actor, Industry).order_by("order", "id")


def industries_for(node: OrgNode) -> QuerySet[Industry]:
    """The dictionary in force at `node` (the industries set at it or above)."""
    return Industry.objects.filter(org__path__in=_ancestors(node), active=True).order_by("order", "id")


def competitions(actor: Any, *, year: int | None = None, industry: int | None = None) -> QuerySet[Competition]:
    qs = scope.visible(actor, Competition).select_related("industry", "org")
    if year:
        qs = qs.filter(year=year)
    if industry:
        qs = qs.filter(industry_id=industry)
    return qs.annotate(n=Count("entries", filter=~Q(entries__status=EntryStatus.WITHDRAWN))).order_by(
        "-year", "-starts_on", "-id"
    )


def registrable(actor: Any) -> QuerySet[Competition]:
    """Competitions open for registration that the actor's unit may enter: organised at or above
    the actor's node, or within what the actor sees."""
    node = anchor(actor)
    seen = scope.visible(actor, Competition).values("pk")
    return (
        Competition.objects.filter(status=CompStatus.OPEN)
        .filter(Q(org__path__in=_ancestors(node)) | Q(pk__in=seen))
        .select_related("industry", "org")
        .order_by("registration_closes_on", "id")
    )


def entries(actor: Any, competition: Competition) -> QuerySet[Entry]:
    return (
        scope.visible(actor, Entry)
        .filter(competition=competition)
        .select_related("trade", "enterprise")
        .order_by("trade_id", "rank", "id")
    )


def my_entries(actor: Any) -> list[Entry]:
    return list(
        scope.visible(actor, Entry)
        .filter(person__user_id=actor.pk)
        .select_related("competition", "trade")
        .order_by("-id")[:30]
    )


def pairs(actor: Any, *, status: str = "") -> QuerySet[Pair]:
    qs = scope.visible(actor, Pair).select_related("org")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_on", "-id")


def master_history(actor: Any, pair: Pair) -> list[Pair]:
    """The master's apprentices over time (within the actor's sight)."""
    return list(scope.visible(actor, Pair).filter(master_id=pair.master_id).order_by("-starts_on")[:50])


def proposals(actor: Any, *, status: str = "", kind: str = "", county: bool = False) -> QuerySet[Proposal]:
    qs = scope.visible(actor, Proposal).select_related("org")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if county:
        qs = qs.filter(county_year__isnull=False)
    return qs.order_by("-submitted_on", "-id")


def my_proposals(actor: Any) -> list[Proposal]:
    return list(scope.visible(actor, Proposal).filter(proposer__user_id=actor.pk).order_by("-submitted_on", "-id")[:30])


def grades(actor: Any) -> QuerySet[RewardGrade]:
    return scope.visible(actor, RewardGrade).select_related("org").order_by("org__path", "grade")


def patents(actor: Any) -> QuerySet[Patent]:
    return scope.visible(actor, Patent).select_related("org", "proposal").order_by("-applied_on", "-id")


def courses(actor: Any, *, year: int | None = None) -> QuerySet[Course]:
    qs = scope.visible(actor, Course).select_related("org", "host")
    if year:
        qs = qs.filter(starts_on__year=year)
    return qs.annotate(n=Count("enrolments")).order_by("-starts_on", "-id")


def open_courses(actor: Any) -> QuerySet[Course]:
    """Courses a worker may enrol in on the phone: open, not yet ended, organised at or above the
    worker's unit."""
    import datetime as dt

    node = anchor(actor)
    return (
        Course.objects.filter(open_to_workers=True, ends_on__gte=dt.date.today(), org__path__in=_ancestors(node))
        .select_related("org")
        .order_by("starts_on", "id")
    )


def my_enrolments(actor: Any) -> list[Enrolment]:
    return list(
        scope.visible(actor, Enrolment).filter(member__user_id=actor.pk).select_related("course").order_by("-id")[:30]
    )


def trainees(actor: Any, course: Course) -> QuerySet[Enrolment]:
    return scope.visible(actor, Enrolment).filter(course=course).annotate(n=Count("attendance")).order_by("id")


def course_totals(actor: Any, *, year: int) -> dict[str, Any]:
    """Person-times trained in the year, by group and by specialty (what the actor sees)."""
    qs = scope.visible(actor, Enrolment).filter(course__starts_on__year=year).order_by()
    by_group = {r["group"]: r["n"] for r in qs.values("group").annotate(n=Count("id"))}
    by_specialty = {r["course__specialty"]: r["n"] for r in qs.values("course__specialty").annotate(n=Count("id"))}
    return {"by_group": by_group, "by_specialty": by_specialty, "total": sum(by_group.values())}


def member_in_scope(actor: Any, id_number: str, field: str = "id_number") -> Any:
    """A registry record the actor sees, by ID number; a message on `field` otherwise (existence
    outside the actor's scope is not revealed)."""
    from django.core.exceptions import ValidationError

    from gefeng.core import pii
    from gefeng.core.validators import parse_id_number
    from gefeng.members.models import Member, Status

    try:
        number = parse_id_number(id_number).number
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    member = (
        scope.visible(actor, Member)
        .select_related("union", "enterprise")
        .filter(id_hash=pii.blind_index(number), status__in=(Status.ACTIVE, Status.RETAINED))
        .first()
    )
    if member is None:
        raise ValidationError({field: ["会员名册中没有这个身份证号，或不在您的管理范围内。"]})
    return member
