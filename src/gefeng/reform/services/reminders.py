"""Reminders of reports falling due, as in-app notices and notifications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gefeng.core import actors, audit, scope
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import (
    Assignment,
    Notice,
    Period,
    PlanStatus,
    Report,
    ReportState,
)
from gefeng.reform.services._common import (
    MANAGE,
    REPORT,
)

# ---------------------------------------------------------------- reminders


@dataclass
class Reminder:
    unit: OrgNode
    period: Period
    owed: int


@actors.accepts_system
def remind(*, actor: Any, days: int, today: dt.date | None = None) -> list[Reminder]:
    """Units with reports still unsubmitted for a period due within `days` days: each gets (or
    has refreshed) one in-app notice per period, and each of the unit's own reporters (its users
    with reform.report) one notification in the notification centre, refreshed, not repeated,
    when run again. Run daily (`gefeng reform_remind`).

    Local rule: remind `GEFENG_REFORM_REMIND_DAYS` days ahead (the command's default).
    """
    today = today or timezone.localdate()
    actors.require_perm(actor, MANAGE)
    if days < 0 or days > 60:
        raise ValidationError({"days": "提前天数应在 0 至 60 之间。"})
    periods = Period.objects.filter(
        due__gte=today, due__lte=today + dt.timedelta(days=days), plan__status=PlanStatus.PUBLISHED
    ).select_related("plan")
    out: list[Reminder] = []
    with transaction.atomic():
        for p in periods.order_by("due"):
            assignments = Assignment.objects.filter(item__plan=p.plan, item__deadline__gte=p.start)
            if not actors.is_system(actor):
                assignments = scope.visible(actor, assignments)
            done = Report.objects.filter(period=p, submitted_at__isnull=False).exclude(state=ReportState.RETURNED)
            owed: dict[int, int] = {}
            for unit_id in assignments.exclude(pk__in=done.values("assignment_id")).values_list("unit_id", flat=True):
                owed[unit_id] = owed.get(unit_id, 0) + 1
            units = OrgNode.objects.in_bulk(list(owed))
            for unit_id, n in sorted(owed.items()):
                text = f"{p.label}的进展报送将于{p.due.month}月{p.due.day}日截止，本单位还有 {n} 项未报送。"
                Notice.objects.update_or_create(unit_id=unit_id, period=p, defaults={"text": text, "read_at": None})
                out.append(Reminder(units[unit_id], p, n))
            _notify_reporters(p, owed)
        audit.record(
            actor=actor,
            action="reform.remind",
            object_type="reform.notice",
            object_repr=f"{today} 提前{days}天",
            changes={"units": len(out)},
        )
    return out


def reporters(unit_ids: list[int]) -> dict[int, list[Any]]:
    """unit id → the active users at that unit whose confirmed roles include reform.report."""
    from gefeng.accounts.selectors import holders

    users = holders(REPORT, unit_ids)
    out: dict[int, list[Any]] = {}
    for u in users:
        if u.org_id is not None:
            out.setdefault(u.org_id, []).append(u)
    return out


def _notify_reporters(period: Period, owed: dict[int, int]) -> None:
    from gefeng.core import notifications

    link = reverse("reform:report-due")
    for unit_id, users in reporters(sorted(owed)).items():
        n = owed[unit_id]
        notifications.send_many(
            users,
            title=f"{period.label}进展报送将于{period.due.month}月{period.due.day}日截止",
            body=f"本单位还有 {n} 项未报送。",
            link=f"{link}?plan={period.plan_id}&unit={unit_id}&period={period.pk}",
            key=f"reform.remind:{period.pk}:{unit_id}",
        )


@transaction.atomic
def notice_read(*, actor: Any, notice: Notice) -> None:
    if not scope.can(actor, notice, REPORT):
        raise PermissionDenied
    notice.read_at = timezone.now()
    notice.save(update_fields=["read_at"])
