"""The hardship and care figures of the county's account, counted over this module's tables.

* `hardship_households`: files filed (建档) by 31 December and not closed by then, by category;
* `hardship_aided`: households given approved aid on their file in the year, by category;
* `hardship_aid_yuan`: approved aid on files outside campaigns (专项帮扶) in the year;
* `care_campaign_yuan`, `care_person_times`: approved deliveries of the year's campaigns, by campaign;
* `pension_enrolled`: enrolments the 人社局 confirmed for the year's targets.

Rows count at the file's union (or the proposing unit of a campaign's roster).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from gefeng.care import conf
from gefeng.care.models import AidRecord, AidStatus, Campaign, HardshipFile, PensionTarget
from gefeng.core import figures, scope
from gefeng.orgs.models import OrgNode

SECTION = "困难职工帮扶"


def _yuan(value: Decimal | None) -> int | float:
    total = value or Decimal(0)
    return int(total) if total == total.to_integral_value() else float(total)


def _aid(root: OrgNode, year: int):
    return (
        AidRecord.objects.filter(status=AidStatus.APPROVED, given_on__year=year)
        .filter(scope.subtree_q("org__", root.path))
        .order_by()
    )


@figures.register("hardship_households", label="在档困难职工（户）", unit="户", kind=figures.BREAKDOWN, section=SECTION)
def hardship_households(root: OrgNode, year: int) -> dict[str, int]:
    """Files filed by 31 December of the year and still open on that day, by category."""
    end = dt.date(year, 12, 31)
    rows = (
        HardshipFile.objects.filter(filed_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        .filter(scope.subtree_q("union__", root.path))
        .order_by()
        .values("category")
        .annotate(n=Count("id"))
    )
    return {conf.category_label(r["category"]): r["n"] for r in rows}


@figures.register(
    "hardship_aided", label="获得帮扶的困难职工（户）", unit="户", kind=figures.BREAKDOWN, section=SECTION
)
def hardship_aided(root: OrgNode, year: int) -> dict[str, int]:
    """Distinct filed households given approved aid on their file in the year, by category."""
    rows = _aid(root, year).filter(file__isnull=False).values("category").annotate(n=Count("file", distinct=True))
    return {conf.category_label(r["category"]): r["n"] for r in rows}


@figures.register("hardship_aid_yuan", label="困难职工专项帮扶资金", unit="元", kind=figures.MONEY, section=SECTION)
def hardship_aid_yuan(root: OrgNode, year: int) -> int | float:
    """Approved aid on hardship files outside the campaigns (专项帮扶) in the year."""
    return _yuan(_aid(root, year).filter(file__isnull=False, campaign__isnull=True).aggregate(s=Sum("amount"))["s"])


def _campaigns(root: OrgNode, year: int):
    names = dict(Campaign.objects.filter(year=year).values_list("pk", "name")[:500])
    rows = (
        _aid(root, year)
        .filter(campaign__in=list(names))
        .values("campaign")
        .annotate(yuan=Sum("amount"), times=Count("id"))
    )
    return names, rows


@figures.register(
    "care_campaign_yuan", label="关爱活动发放金额（元）", unit="元", kind=figures.BREAKDOWN, section=SECTION
)
def care_campaign_yuan(root: OrgNode, year: int) -> dict[str, int | float]:
    """Money and goods' value delivered in each campaign of the year."""
    names, rows = _campaigns(root, year)
    return {names[r["campaign"]]: _yuan(r["yuan"]) for r in rows}


@figures.register("care_person_times", label="关爱活动惠及人次", unit="人次", kind=figures.BREAKDOWN, section=SECTION)
def care_person_times(root: OrgNode, year: int) -> dict[str, int]:
    """Deliveries (person-times) in each campaign of the year."""
    names, rows = _campaigns(root, year)
    return {names[r["campaign"]]: r["times"] for r in rows}


@figures.register("pension_enrolled", label="督促企业职工参加养老保险", unit="人", kind=figures.COUNT, section=SECTION)
def pension_enrolled(root: OrgNode, year: int) -> int:
    """Enrolments the 人社局 confirmed for the year's targets of enterprises in the subtree."""
    total = (
        PensionTarget.objects.filter(year=year)
        .filter(scope.subtree_q("enterprise__", root.path))
        .aggregate(s=Sum("confirmed"))["s"]
    )
    return int(total or 0)
