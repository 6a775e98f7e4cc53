"""帮扶 on the home page: applications awaiting the home visit (and those overdue), files to
review, notices that ended, aid to approve (not one's own), re-verifications due, and pension
targets with a gap near their deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from gefeng.care import conf
from gefeng.care.models import AidRecord, AidStatus, HardshipFile, Notice, NoticeStatus, PensionTarget, State
from gefeng.core import scope, workbench


def _files(user: Any, perm: str, **filters: Any):
    return scope.permitted(user, HardshipFile, perm).filter(**filters)


def _count(qs: Any) -> int:
    return workbench.capped(qs)


def _today() -> dt.date:
    return timezone.localdate()


def _warn() -> dt.date:
    return _today() + dt.timedelta(days=int(conf.get("CARE_REVIEW_WARN_DAYS")))


workbench.register(
    workbench.Item(
        key="care.visit",
        label="待入户走访的帮扶申请",
        perm="care.handle",
        count=lambda u: _count(_files(u, "care.handle", state=State.APPLIED)),
        url_name="care:file-list",
        query={"state": "applied"},
        order=45,
    ),
    workbench.Item(
        key="care.visit_overdue",
        label="超期未走访的帮扶申请",
        perm="care.handle",
        count=lambda u: _count(_files(u, "care.handle", state=State.APPLIED, visit_due__lt=_today())),
        url_name="care:file-list",
        query={"state": "applied", "overdue": "1"},
        order=46,
    ),
    workbench.Item(
        key="care.review",
        label="待复审的困难档案",
        perm="care.review",
        count=lambda u: _count(_files(u, "care.review", state=State.CHECKED).exclude(checked_by_id=u.pk)),
        url_name="care:file-list",
        query={"state": "checked"},
        order=47,
    ),
    workbench.Item(
        key="care.notice",
        label="公示期满待建档",
        perm="care.review",
        count=lambda u: _count(
            scope.permitted(u, Notice, "care.review").filter(status=NoticeStatus.OPEN, ends_on__lte=_today())
        ),
        url_name="care:notice-list",
        order=48,
    ),
    workbench.Item(
        key="care.aid",
        label="待审批的帮扶记录",
        perm="care.manage",
        count=lambda u: _count(
            scope.permitted(u, AidRecord, "care.manage").filter(status=AidStatus.SUBMITTED).exclude(created_by_id=u.pk)
        ),
        url_name="care:aid-list",
        query={"status": "submitted"},
        order=49,
    ),
    workbench.Item(
        key="care.reverify",
        label="到期待复核的困难档案",
        perm="care.handle",
        count=lambda u: _count(_files(u, "care.handle", state=State.FILED, review_due__lte=_warn())),
        url_name="care:file-list",
        query={"state": "filed", "due": "1"},
        kind=workbench.REMIND,
        order=50,
    ),
    workbench.Item(
        key="care.pension",
        label="未完成的参保扩面目标",
        perm="care.pension",
        count=lambda u: _count(
            scope.permitted(u, PensionTarget, "care.pension")
            .filter(year=_today().year)
            .filter(Q(confirmed__isnull=True) | Q(confirmed__lt=F("target")))
        ),
        url_name="care:pension-list",
        query={"gap": "1"},
        kind=workbench.REMIND,
        order=51,
    ),
)


def _upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    """The next re-verification dates of filed files and the pension targets' deadlines."""
    from django.urls import reverse

    out: list[workbench.Due] = []
    files = (
        scope.permitted(user, HardshipFile, "care.handle")
        .filter(state=State.FILED, review_due__gte=today)
        .select_related("member")
        .order_by("review_due")[:limit]
    )
    for f in files:
        assert f.review_due is not None
        out.append(
            workbench.Due(
                f.review_due, f"{f.member.name}困难档案年度复核", reverse("care:file-detail", args=[f.pk]), "复核到期"
            )
        )
    return out


workbench.register_deadline(workbench.Deadline(key="care.reverify", perm="care.handle", upcoming=_upcoming))
