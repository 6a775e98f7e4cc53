"""选树表彰 on the home page (`core.workbench`).

Reviewers (the town step with honours.review, the county step with honours.manage): nominations
waiting for their decision. Nominating units: nominations returned to them. Organisers: open
objections and public notices ending soon. Dates: nomination deadlines of campaigns open to the
user, and the last day of each running notice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gefeng.core import scope, workbench
from gefeng.honours import selectors
from gefeng.honours.models import Campaign, CampaignStatus, Nomination, NominationStatus, Objection, ObjectionStatus

# A notice ending within this many days is announced on the organiser's home page.
NOTICE_SOON_DAYS = 3


def _to_review(user: Any):
    town = scope.permitted(user, Nomination, "honours.review").filter(status=NominationStatus.TOWN)
    county = scope.permitted(user, Nomination, "honours.manage").filter(status=NominationStatus.COUNTY)
    return Nomination.objects.filter(Q(pk__in=town.values("pk")) | Q(pk__in=county.values("pk")))


def _campaign_link(qs: Any, status: str) -> str:
    """The nomination list of the one campaign the rows belong to, else the campaign list."""
    campaigns = list(qs.order_by().values_list("campaign_id", flat=True).distinct()[:2])
    if len(campaigns) == 1:
        url = reverse("honours:nomination-list", args=[campaigns[0]])
        return f"{url}?{urlencode({'status': status})}" if status else url
    return reverse("honours:campaign-list")


def review_count(user: Any) -> int:
    return workbench.capped(_to_review(user))


def review_link(user: Any) -> str:
    qs = _to_review(user)
    statuses = list(qs.order_by().values_list("status", flat=True).distinct()[:2])
    return _campaign_link(qs, statuses[0] if len(statuses) == 1 else "live")


def _returned(user: Any):
    return scope.permitted(user, Nomination, "honours.nominate").filter(status=NominationStatus.RETURNED)


def returned_count(user: Any) -> int:
    return workbench.capped(_returned(user))


def returned_link(user: Any) -> str:
    return _campaign_link(_returned(user), NominationStatus.RETURNED)


def _objections(user: Any):
    return scope.permitted(user, Objection, "honours.manage").filter(status=ObjectionStatus.OPEN)


def objection_count(user: Any) -> int:
    return workbench.capped(_objections(user))


def objection_link(user: Any) -> str:
    campaigns = list(_objections(user).order_by().values_list("campaign_id", flat=True).distinct()[:2])
    if len(campaigns) == 1:
        return reverse("honours:campaign-detail", args=[campaigns[0]]) + "#objections"
    return reverse("honours:campaign-list")


def _notices(user: Any) -> list[Campaign]:
    """Campaigns in notice that the user organises (a handful at most: indexed on status)."""
    return list(scope.permitted(user, Campaign, "honours.manage").filter(status=CampaignStatus.NOTICE)[:50])


def _ending_soon(user: Any) -> list[Campaign]:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=NOTICE_SOON_DAYS)
    return [c for c in _notices(user) if c.notice_ends_on and today <= c.notice_ends_on <= soon]


def notice_count(user: Any) -> int:
    return len(_ending_soon(user))


def notice_link(user: Any) -> str:
    rows = _ending_soon(user)
    if len(rows) == 1:
        return reverse("honours:campaign-detail", args=[rows[0].pk])
    return reverse("honours:campaign-list")


def upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    out = []
    nominating = (
        selectors.campaign_list(user)
        .filter(status=CampaignStatus.NOMINATING, nomination_deadline__gte=today)
        .order_by("nomination_deadline")[:limit]
    )
    for c in nominating:
        assert c.nomination_deadline is not None
        out.append(
            workbench.Due(
                on=c.nomination_deadline,
                label=c.name,
                url=reverse("honours:campaign-detail", args=[c.pk]),
                what="推荐截止",
            )
        )
    if scope.has_perm(user, "honours.manage"):
        for c in _notices(user):
            if c.notice_ends_on and c.notice_ends_on >= today:
                out.append(
                    workbench.Due(
                        on=c.notice_ends_on,
                        label=c.name,
                        url=reverse("honours:campaign-detail", args=[c.pk]),
                        what="公示结束",
                    )
                )
    return out


workbench.register(
    workbench.Item(
        key="honours.review",
        label="待审核的推荐",
        perm="honours.view",
        count=review_count,
        url_name="honours:campaign-list",
        link=review_link,
        show=lambda u: scope.has_perm(u, "honours.review") or scope.has_perm(u, "honours.manage"),
        order=30,
    ),
    workbench.Item(
        key="honours.returned",
        label="被退回的推荐",
        perm="honours.nominate",
        count=returned_count,
        url_name="honours:campaign-list",
        link=returned_link,
        order=31,
    ),
    workbench.Item(
        key="honours.objections",
        label="待处理的公示异议",
        perm="honours.manage",
        count=objection_count,
        url_name="honours:campaign-list",
        link=objection_link,
        order=32,
    ),
    workbench.Item(
        key="honours.notice_ending",
        label=f"{NOTICE_SOON_DAYS}天内结束的公示",
        perm="honours.manage",
        count=notice_count,
        url_name="honours:campaign-list",
        link=notice_link,
        kind=workbench.REMIND,
        order=33,
    ),
)
workbench.register_deadline(workbench.Deadline(key="honours.dates", perm="honours.nominate", upcoming=upcoming))
