"""Reads of 帮扶, within the actor's scope. Lists are bounded and ordered on indexed columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from gefeng.care import conf
from gefeng.care.models import (
    AidRecord,
    AidRule,
    AidStatus,
    Campaign,
    Fund,
    HardshipFile,
    LedgerEntry,
    Notice,
    PensionTarget,
    RosterEntry,
    State,
)
from gefeng.core import scope
from gefeng.core.pii import mask, mask_id_number
from gefeng.members.models import Member
from gefeng.orgs.models import Kind, OrgNode


def county_for(actor: Any, perm: str = "care.manage") -> OrgNode | None:
    """The county node the actor runs funds, rules and campaigns for."""
    return scope.permitted(actor, OrgNode.objects.filter(kind=Kind.COUNTY), perm).order_by("path").first()


def files(
    actor: Any, *, state: str = "", q: str = "", overdue: bool = False, due: bool = False
) -> QuerySet[HardshipFile]:
    qs = scope.visible(actor, HardshipFile).select_related("member", "union")
    if state in State.values:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(visit_due__lt=timezone.localdate())
    if due:
        import datetime as dt

        qs = qs.filter(review_due__lte=timezone.localdate() + dt.timedelta(days=int(conf.get("CARE_REVIEW_WARN_DAYS"))))
    q = q.strip()[:20]
    if q:
        qs = qs.filter(Q(member__name__startswith=q) | Q(number=q))
    return qs.order_by("-applied_on", "-id")


def own_files(actor: Any) -> QuerySet[HardshipFile]:
    """The worker's own files (the 本人 scope of `care.apply`)."""
    return scope.permitted(actor, HardshipFile, "care.apply").select_related("union").order_by("-applied_on", "-id")


def own_aid(actor: Any) -> QuerySet[AidRecord]:
    return (
        scope.permitted(actor, AidRecord, "care.apply")
        .filter(status=AidStatus.APPROVED)
        .select_related("campaign", "rule")
        .order_by("-given_on", "-id")
    )


def member_by_id(actor: Any, id_number: str) -> Member | None:
    """A registry member the actor handles hardship for, by ID number (blind index)."""
    from gefeng.core import pii

    digest = pii.blind_index(id_number.strip().upper())
    return (
        scope.permitted(actor, Member, "care.handle")
        .filter(id_hash=digest)
        .select_related("union", "enterprise")
        .first()
    )


def reviewed_files(actor: Any) -> QuerySet[HardshipFile]:
    return scope.permitted(actor, HardshipFile, "care.review").filter(state=State.REVIEWED).select_related("member")


def notices(actor: Any) -> QuerySet[Notice]:
    return scope.visible(actor, Notice).order_by("-starts_on", "-id")


def aid(actor: Any, *, status: str = "", q: str = "", campaign: bool | None = None) -> QuerySet[AidRecord]:
    qs = scope.visible(actor, AidRecord).select_related("rule", "fund", "campaign")
    if status in AidStatus.values:
        qs = qs.filter(status=status)
    if campaign is False:
        qs = qs.filter(campaign__isnull=True)
    q = q.strip()[:20]
    if q:
        qs = qs.filter(name__startswith=q)
    return qs.order_by("-given_on", "-id")


def rules(actor: Any) -> QuerySet[AidRule]:
    return scope.visible(actor, AidRule).order_by("kind", "name")


def funds(actor: Any) -> QuerySet[Fund]:
    return scope.visible(actor, Fund).order_by("-year", "name")


def usable_funds(actor: Any, file: HardshipFile | None = None) -> QuerySet[Fund]:
    """Funds of the actor's county (or of the file's union's ancestors)."""
    if file is not None:
        chain = [*file.union.ancestors().values_list("pk", flat=True), file.union_id]
        return Fund.objects.filter(org__in=chain).order_by("-year", "name")
    return funds(actor)


def ledger(actor: Any, fund: Fund) -> QuerySet[LedgerEntry]:
    return scope.visible(actor, LedgerEntry).filter(fund=fund).select_related("aid", "created_by").order_by("id")


def campaigns(actor: Any) -> QuerySet[Campaign]:
    """Campaigns are county-level: visible to their organisers and auditors, and to every unit
    that may propose (its roster within its own scope)."""
    qs = scope.visible(actor, Campaign)
    org = getattr(actor, "org", None)
    if scope.has_perm_beyond_self(actor, "care.propose") and org is not None:
        above = Campaign.objects.filter(org__in=[*org.ancestors().values_list("pk", flat=True), org.pk])
        qs = qs | above
    return qs.select_related("rule").order_by("-year", "-starts_on", "-id")


def roster(actor: Any, campaign: Campaign, *, status: str = "") -> QuerySet[RosterEntry]:
    qs = scope.visible(actor, RosterEntry).filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("town_id", "id")


def pension(actor: Any, *, year: int, gap: bool = False) -> QuerySet[PensionTarget]:
    qs = scope.visible(actor, PensionTarget).filter(year=year).select_related("enterprise", "town")
    if gap:
        qs = qs.filter(Q(confirmed__isnull=True) | Q(confirmed__lt=F("target")))
    return qs.order_by("town_id", "enterprise__name")


# ---------------------------------------------------------------- exports

BANK_HEADERS = ("序号", "姓名", "工作单位", "帮扶标准", "开户人", "开户行", "银行账号", "金额（元）", "帮扶日期")


def bank_rows(qs: QuerySet[AidRecord], *, reveal: bool) -> Iterator[list[Any]]:
    for i, a in enumerate(qs.iterator(chunk_size=500), start=1):
        account = a.bank_account if reveal else mask(a.bank_account)
        yield [i, a.name, a.unit_name, a.rule.name, a.bank_holder, a.bank_name, account, a.amount, a.given_on]


LEDGER_HEADERS = ("序号", "日期", "类型", "摘要", "收入（元）", "支出（元）", "余额（元）", "经办人")


def ledger_rows(qs: QuerySet[LedgerEntry]) -> Iterator[list[Any]]:
    for i, e in enumerate(qs.iterator(chunk_size=500), start=1):
        income = e.amount if e.amount > 0 else None
        out = -e.amount if e.amount < 0 else None
        who = (e.created_by.name or e.created_by.username) if e.created_by else "系统"
        yield [i, e.entry_on, e.get_kind_display(), e.memo, income, out, e.balance_after, who]


FILE_HEADERS = (
    "档案编号",
    "姓名",
    "身份证号",
    "工作单位",
    "困难类别",
    "主要致困原因",
    "状态",
    "申请日期",
    "建档日期",
    "复核期限",
)


def file_rows(qs: QuerySet[HardshipFile]) -> Iterator[list[Any]]:
    """The files as a list: no income, illness or family (those stay on the file's page)."""
    for f in qs.iterator(chunk_size=500):
        yield [
            f.number,
            f.member.name,
            mask_id_number(f.member.id_number),
            f.unit_name,
            f.category_label,
            f.get_cause_main_display(),
            f.get_state_display(),
            f.applied_on,
            f.filed_on,
            f.review_due,
        ]


PENSION_GAP_HEADERS = ("镇街", "企业", "目标人数", "企业报告", "人社局确认", "缺口", "完成期限")


def pension_rows(qs: QuerySet[PensionTarget]) -> Iterator[list[Any]]:
    for t in qs.iterator(chunk_size=500):
        yield [t.town.name if t.town else "", t.enterprise.name, t.target, t.reported, t.confirmed, t.gap, t.due_on]
