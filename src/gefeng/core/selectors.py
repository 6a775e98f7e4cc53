"""Reads of core data (the audit log), always through the actor's data scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from gefeng.core import scope
from gefeng.core.models import AuditEntry


@dataclass
class AuditFilters:
    """What the auditor narrows the log by; empty values do not filter.

    date_from / date_to: calendar days in the platform's time zone (Asia/Shanghai), inclusive.
    actor:       an exact username selects that user's entries; any other text matches the
                 recorded operator name containing it (also "system", "cli" for non-users).
    action:      an exact action code, or a dotted prefix: "orgs.node" matches "orgs.node" and
                 "orgs.node.updated" but not "orgs.nodes".
    object_type: exact model label, e.g. "orgs.orgnode".
    object_id:   exact primary key of the object.
    object:      text contained in the object's description.
    source:      where the entry came from: web, cli, job, api, system.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    object: str = ""
    source: str = ""

    def as_dict(self) -> dict[str, str]:
        """The filters that are set, as JSON-friendly text (for the export's own audit entry)."""
        out: dict[str, str] = {}
        for key, value in vars(self).items():
            if value in (None, ""):
                continue
            out[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out


def _day_start(day: dt.date) -> dt.datetime:
    # TIME_ZONE is Asia/Shanghai; the list shows times in it, so days are cut in it too.
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def audit_list(*, actor: Any, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The audit entries the actor may see (auditors only; 三员分立), newest first.

    Day bounds are a range on `at` (its index), and an exact username becomes a filter on
    `actor_id` so the (actor, at) index serves it.
    """
    qs = scope.visible(actor, AuditEntry)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    who = (filters.actor or "").strip()
    if who:
        user_id = get_user_model()._default_manager.filter(username=who).values_list("pk", flat=True).first()
        qs = qs.filter(actor_id=user_id) if user_id is not None else qs.filter(actor_name__icontains=who)
    code = (filters.action or "").strip().rstrip(".")
    if code:
        qs = qs.filter(Q(action=code) | Q(action__startswith=code + "."))
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type.strip().lower())
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id.strip())
    text = (filters.object or "").strip()
    if text:
        qs = qs.filter(object_repr__icontains=text)
    if filters.source:
        qs = qs.filter(source=filters.source)
    return qs.order_by("-at", "-id")


AUDIT_ACTOR_CHOICES = 500


def audit_actor_names(*, actor: Any) -> list[str]:
    """Usernames offered by the audit filter's operator picker (auditors only; bounded)."""
    if not scope.has_perm(actor, "audit.view"):
        return []
    users = get_user_model()._default_manager.order_by("username").values_list("username", flat=True)
    return list(users[:AUDIT_ACTOR_CHOICES])
