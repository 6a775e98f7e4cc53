"""Writes for 选树表彰. Each checks the scope, validates with Chinese messages, runs in one
transaction and writes the audit log. `actor=None` is the server console and the demo loader.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import audit, scope
from gefeng.honours import selectors
from gefeng.honours.compliance import evaluate, is_non_public, person_rule_errors, rule_label
from gefeng.honours.models import (
    COLLECTIVE_KINDS,
    EDITABLE_STATUSES,
    LIVE_STATUSES,
    Allocation,
    Attachment,
    Award,
    Campaign,
    CampaignStatus,
    Clearance,
    ClearanceKind,
    Honour,
    HonourKind,
    Level,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    ReviewAction,
    ReviewLevel,
    ReviewStep,
    Rule,
    RuleKind,
    Subject,
    Trait,
)
from gefeng.members.models import Member
from gefeng.members.models import Status as MemberStatus
from gefeng.orgs.models import Kind as OrgKind
from gefeng.orgs.models import OrgNode

MIN_YEAR = 1950


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _clean_text(value: Any, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError({field: [f"请填写{label}。"]})
    if len(text) > max_length:
        raise ValidationError({field: [f"{label}不能超过 {max_length} 个字。"]})
    return text


def _int(value: Any, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [f"{label}应为整数。"]}) from None


def person_org(person: Member) -> OrgNode:
    """The node a person's honour hangs on: their enterprise, or their union when none."""
    return person.enterprise or person.union


@transaction.atomic
def honour_grant(
    *,
    actor: Any,
    person: Member | None = None,
    org: OrgNode | None = None,
    kind: str,
    title: str,
    level: str,
    year: int,
    issuer: str,
    campaign: Campaign | None = None,
    awarded_on: dt.date | None = None,
    certificate_no: str = "",
    nomination: Nomination | None = None,
    name: str = "",
) -> Honour:
    """Write one honour to the register (荣誉记录).

    A person's honour hangs on their enterprise (or union) unless `org` is given; a collective's
    on its own node. The same holder cannot receive the same title twice in one year.
    """
    if kind not in HonourKind.values:
        raise ValidationError({"kind": ["荣誉类别不正确。"]})
    if level not in Level.values:
        raise ValidationError({"level": ["级别不正确，请选择国家级、省级、市级或县级。"]})
    title = _clean_text(title, "title", "荣誉称号", max_length=120)
    issuer = _clean_text(issuer, "issuer", "授予单位", max_length=120)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": ["年度应为四位数字。"]}) from None
    if not MIN_YEAR <= year <= dt.date.today().year + 1:
        raise ValidationError({"year": [f"年度应在 {MIN_YEAR} 年至明年之间。"]})
    if awarded_on is not None and awarded_on > dt.date.today():
        raise ValidationError({"awarded_on": ["授予日期不能晚于今天。"]})
    if person is None and org is None:
        raise ValidationError({"person": ["请选择获得荣誉的个人或集体。"]})
    if person is not None and kind in COLLECTIVE_KINDS:
        raise ValidationError({"kind": [f"“{HonourKind(kind).label}”授予集体，不能授予个人。"]})
    if person is None and kind not in COLLECTIVE_KINDS and kind != HonourKind.OTHER:
        raise ValidationError({"kind": [f"“{HonourKind(kind).label}”授予个人，请选择获得者。"]})
    if person is not None and org is None:
        org = person_org(person)
    assert org is not None
    if actor is not None:
        scope.require(actor, org, "honours.manage")
    certificate_no = _clean_text(certificate_no, "certificate_no", "证书编号", max_length=40, required=False)
    if certificate_no and Honour.objects.filter(certificate_no=certificate_no).exists():
        raise ValidationError({"certificate_no": [f"证书编号 {certificate_no} 已被使用。"]})
    same = Honour.objects.filter(kind=kind, title=title, year=year, revoked_on__isnull=True)
    same = same.filter(person=person) if person is not None else same.filter(person__isnull=True, org=org)
    if same.exists():
        raise ValidationError({"title": [f"{name or person or org} 已有 {year} 年“{title}”的荣誉记录。"]})
    honour = Honour.objects.create(
        person=person,
        org=org,
        name=name or (person.name if person is not None else org.name),
        kind=kind,
        title=title,
        level=level,
        year=year,
        issuer=issuer,
        awarded_on=awarded_on,
        campaign=campaign,
        nomination=nomination,
        certificate_no=certificate_no,
    )
    audit.record(
        actor=actor,
        action="honours.honour.granted",
        obj=honour,
        changes={
            "kind": kind,
            "title": title,
            "level": level,
            "year": year,
            "issuer": issuer,
            "org": org.name,
            "campaign": str(campaign) if campaign else "",
            "certificate_no": certificate_no,
        },
    )
    return honour


# ---------------------------------------------------------------------------------------------
# Settings (local numbers set by each year's notice: defaults only, the campaign holds its own)


def default_notice_days() -> int:
    return int(getattr(settings, "HONOURS_NOTICE_DAYS", 5))


def default_clearances() -> list[str]:
    value = getattr(settings, "HONOURS_CLEARANCES", None)
    if value is None:
        value = ["discipline", "safety", "environment", "tax", "social_insurance"]
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    return [v for v in value if v in ClearanceKind.values]


def upload_max_bytes() -> int:
    return int(getattr(settings, "HONOURS_UPLOAD_MAX_MB", 10)) * 1024 * 1024


# Attachments accepted, by the type read from their content (not their name).
ALLOWED_UPLOADS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/zip": "docx",  # filetype reads some .docx as plain zip; checked below
}


# ---------------------------------------------------------------------------------------------
# Campaigns


CAMPAIGN_FIELDS = (
    "name",
    "level",
    "issuer",
    "year",
    "period_start",
    "period_end",
    "upward",
    "nomination_deadline",
    "notice_days",
    "required_clearances",
    "description",
)


def _clean_campaign(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["name"] = _clean_text(data.get("name"), "name", "活动名称", max_length=120)
    out["issuer"] = _clean_text(data.get("issuer"), "issuer", "授予单位", max_length=120)
    level = data.get("level") or Level.COUNTY
    if level not in Level.values:
        raise ValidationError({"level": ["级别不正确。"]})
    out["level"] = level
    year = _int(data.get("year"), "year", "表彰年度") or 0
    if not MIN_YEAR <= year <= dt.date.today().year + 1:
        raise ValidationError({"year": [f"表彰年度应在 {MIN_YEAR} 年至明年之间。"]})
    out["year"] = year
    start, end = data.get("period_start"), data.get("period_end")
    start = _int(start, "period_start", "评选期间")
    end = _int(end, "period_end", "评选期间")
    if start is not None and end is not None and start > end:
        raise ValidationError({"period_end": ["评选期间的结束年度不能早于开始年度。"]})
    if end is not None and end > year:
        raise ValidationError({"period_end": ["评选期间不能晚于表彰年度。"]})
    out["period_start"], out["period_end"] = start, end
    out["upward"] = bool(data.get("upward"))
    out["nomination_deadline"] = data.get("nomination_deadline") or None
    days = data.get("notice_days")
    days = _int(days, "notice_days", "公示天数")
    days = default_notice_days() if days is None else days
    if not 1 <= days <= 60:
        raise ValidationError({"notice_days": ["公示天数应在 1 至 60 天之间。"]})
    out["notice_days"] = days
    clearances = data.get("required_clearances")
    clearances = default_clearances() if clearances is None else list(clearances)
    bad = [c for c in clearances if c not in ClearanceKind.values]
    if bad:
        raise ValidationError({"required_clearances": ["审查事项不正确。"]})
    out["required_clearances"] = clearances
    out["description"] = str(data.get("description") or "").strip()[:5000]
    return out


@transaction.atomic
def campaign_create(*, actor: Any, org: OrgNode, data: dict[str, Any]) -> Campaign:
    """Set up a campaign at `org` (the county for county campaigns), in the 筹备中 state."""
    if actor is not None:
        scope.require(actor, org, "honours.manage")
    clean = _clean_campaign(data)
    campaign = Campaign.objects.create(org=org, created_by=_user(actor), **clean)
    audit.record(actor=actor, action="honours.campaign.created", obj=campaign, changes=clean)
    return campaign


def _lock_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    if campaign.status in (CampaignStatus.DECIDED, CampaignStatus.CANCELLED):
        raise ValidationError({"__all__": ["活动已结束，不能修改。"]})
    before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    clean = _clean_campaign({f: getattr(campaign, f) for f in CAMPAIGN_FIELDS} | data)
    if campaign.status == CampaignStatus.NOTICE and clean["notice_days"] != campaign.notice_days:
        raise ValidationError({"notice_days": ["公示已开始，不能修改公示天数。"]})
    for key, value in clean.items():
        setattr(campaign, key, value)
    campaign.save()
    audit.record(actor=actor, action="honours.campaign.updated", obj=campaign, changes=audit.diff(before, clean))
    return campaign


def _require_setup(campaign: Campaign) -> None:
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.NOMINATING, CampaignStatus.REVIEWING):
        raise ValidationError({"__all__": ["公示开始后不能再修改奖项、名额和规则。"]})


@transaction.atomic
def award_save(
    *,
    actor: Any,
    campaign: Campaign,
    kind: str,
    title: str,
    quota: int,
    award: Award | None = None,
) -> Award:
    """Add an award to a campaign, or change one (its kind, title and total quota)."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    _require_setup(campaign)
    if kind not in HonourKind.values:
        raise ValidationError({"kind": ["荣誉类别不正确。"]})
    title = _clean_text(title, "title", "荣誉名称", max_length=120)
    try:
        quota = int(quota)
    except (TypeError, ValueError):
        quota = -1
    if not 1 <= quota <= 10000:
        raise ValidationError({"quota": ["名额应为 1 至 10000 之间的整数。"]})
    clash = Award.objects.filter(campaign=campaign, title=title)
    if award is not None:
        clash = clash.exclude(pk=award.pk)
    if clash.exists():
        raise ValidationError({"title": [f"本活动已有奖项“{title}”。"]})
    subject = Subject.COLLECTIVE if kind in COLLECTIVE_KINDS else Subject.PERSON
    if award is None:
        order = Award.objects.filter(campaign=campaign).count() + 1
        award = Award.objects.create(
            campaign=campaign, kind=kind, title=title, quota=quota, subject=subject, order=order
        )
        action = "honours.award.created"
    else:
        if award.campaign_id != campaign.pk:
            raise ValidationError({"__all__": ["奖项不属于本活动。"]})
        allocated = sum(a.quota for a in award.allocations.all())
        if allocated > quota:
            raise ValidationError({"quota": [f"已分配 {allocated} 个名额，总名额不能少于已分配数。"]})
        if award.kind != kind and Nomination.objects.filter(award=award).exists():
            raise ValidationError({"kind": ["已有推荐，不能修改荣誉类别。"]})
        award.kind, award.title, award.quota, award.subject = kind, title, quota, subject
        award.save()
        action = "honours.award.updated"
    audit.record(actor=actor, action=action, obj=award, changes={"kind": kind, "title": title, "quota": quota})
    return award


@transaction.atomic
def allocation_set(*, actor: Any, campaign: Campaign, award: Award, org: OrgNode, quota: int) -> Allocation | None:
    """名额分配: give a town or a system (member unit) `quota` places of `award`; 0 removes it."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    _require_setup(campaign)
    if award.campaign_id != campaign.pk:
        raise ValidationError({"award": ["奖项不属于本活动。"]})
    if org.kind not in (OrgKind.TOWN, OrgKind.MEMBER_UNIT, OrgKind.ENTERPRISE):
        raise ValidationError({"org": ["名额只能分配给镇街园区、成员单位（系统）或县直企业。"]})
    if not org.path.startswith(campaign.org.path) or org.pk == campaign.org_id:
        raise ValidationError({"org": ["只能分配给本活动组织单位的下级。"]})
    try:
        quota = int(quota)
    except (TypeError, ValueError):
        quota = -1
    if quota < 0:
        raise ValidationError({"quota": ["名额应为不小于 0 的整数。"]})
    others = sum(a.quota for a in award.allocations.exclude(org=org))
    if others + quota > award.quota:
        raise ValidationError(
            {
                "quota": [
                    f"分配合计 {others + quota} 超过“{award.title}”总名额 {award.quota}（其余单位已分配 {others}）。"
                ]
            }
        )
    existing = Allocation.objects.filter(award=award, org=org).first()
    if quota == 0:
        if existing is not None:
            existing.delete()
        audit.record(actor=actor, action="honours.allocation.removed", obj=award, changes={"org": org.name})
        return None
    if existing is None:
        existing = Allocation.objects.create(campaign=campaign, award=award, org=org, quota=quota)
    else:
        existing.quota = quota
        existing.save(update_fields=["quota"])
    audit.record(actor=actor, action="honours.allocation.set", obj=existing, changes={"org": org.name, "quota": quota})
    return existing


@transaction.atomic
def rule_add(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> Rule:
    """Add one eligibility rule (values from the year's notice)."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    _require_setup(campaign)
    kind = data.get("kind")
    if kind not in RuleKind.values:
        raise ValidationError({"kind": ["请选择规则类型。"]})
    award = data.get("award")
    if award is not None and award.campaign_id != campaign.pk:
        raise ValidationError({"award": ["奖项不属于本活动。"]})
    rule = Rule(campaign=campaign, award=award, kind=kind, note=str(data.get("note") or "")[:200])
    if kind in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE, RuleKind.EXCLUDE):
        trait = data.get("trait")
        if trait not in Trait.values:
            raise ValidationError({"trait": ["请选择对象特征。"]})
        rule.trait = trait
    if kind in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE):
        try:
            percent = Decimal(str(data.get("percent")))
        except (InvalidOperation, ValueError):
            raise ValidationError({"percent": ["比例应为 0 至 100 之间的数字。"]}) from None
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValidationError({"percent": ["比例应为 0 至 100 之间的数字。"]})
        rule.percent = percent.quantize(Decimal("0.01"))
    if kind == RuleKind.NO_REPEAT:
        try:
            years = int(data.get("years") or 0)
        except (TypeError, ValueError):
            years = 0
        if not 1 <= years <= 50:
            raise ValidationError({"years": ["年限应为 1 至 50 年。"]})
        rule.years = years
    if kind == RuleKind.REQUIRED_PRIOR:
        prior = data.get("prior_kind")
        if prior not in HonourKind.values:
            raise ValidationError({"prior_kind": ["请选择须已获得的荣誉。"]})
        level = data.get("prior_level") or ""
        if level and level not in Level.values:
            raise ValidationError({"prior_level": ["级别不正确。"]})
        rule.prior_kind, rule.prior_level = prior, level
    rule.save()
    audit.record(
        actor=actor,
        action="honours.rule.added",
        obj=campaign,
        changes={"rule": rule_label(rule), "award": str(award or "全部个人奖项")},
    )
    return rule


@transaction.atomic
def rule_delete(*, actor: Any, rule: Rule) -> None:
    campaign = rule.campaign
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    _require_setup(_lock_campaign(campaign))
    label = rule_label(rule)
    rule.delete()
    audit.record(actor=actor, action="honours.rule.deleted", obj=campaign, changes={"rule": label})


@transaction.atomic
def campaign_open(*, actor: Any, campaign: Campaign) -> Campaign:
    """Start taking nominations (筹备中 → 推荐中)."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError({"__all__": ["只有筹备中的活动可以开始推荐。"]})
    if not campaign.awards.exists():
        raise ValidationError({"__all__": ["请先设置奖项和名额。"]})
    campaign.status = CampaignStatus.NOMINATING
    campaign.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="honours.campaign.opened", obj=campaign)
    return campaign


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Stop taking nominations (推荐中 → 审核中); reviews go on."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    if campaign.status != CampaignStatus.NOMINATING:
        raise ValidationError({"__all__": ["只有推荐中的活动可以截止推荐。"]})
    campaign.status = CampaignStatus.REVIEWING
    campaign.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="honours.campaign.closed", obj=campaign)
    return campaign


@transaction.atomic
def campaign_cancel(*, actor: Any, campaign: Campaign, reason: str) -> Campaign:
    """Call a campaign off before its decision; its nominations stay for the record."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    if campaign.status in (CampaignStatus.DECIDED, CampaignStatus.CANCELLED):
        raise ValidationError({"__all__": ["已表彰或已撤销的活动不能撤销。"]})
    reason = _clean_text(reason, "reason", "撤销原因", max_length=200)
    campaign.status = CampaignStatus.CANCELLED
    campaign.description = (campaign.description + f"\n撤销原因：{reason}").strip()
    campaign.save(update_fields=["status", "description", "updated_at"])
    audit.record(actor=actor, action="honours.campaign.cancelled", obj=campaign, changes={"reason": reason})
    return campaign


@transaction.atomic
def campaign_start_notice(*, actor: Any, campaign: Campaign, starts_on: dt.date) -> Campaign:
    """Publish the shortlist (公示): every nomination must be decided at the county level first."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    if campaign.status not in (CampaignStatus.NOMINATING, CampaignStatus.REVIEWING):
        raise ValidationError({"__all__": ["只有推荐、审核阶段的活动可以开始公示。"]})
    pending = Nomination.objects.filter(
        campaign=campaign, status__in=[NominationStatus.TOWN, NominationStatus.COUNTY]
    ).count()
    if pending:
        raise ValidationError({"__all__": [f"还有 {pending} 份推荐未审核完毕，审核完毕后才能公示。"]})
    if not Nomination.objects.filter(campaign=campaign, status=NominationStatus.SHORTLISTED).exists():
        raise ValidationError({"__all__": ["没有入围人选，不能公示。"]})
    if starts_on is None:
        raise ValidationError({"notice_starts_on": ["请填写公示开始日期。"]})
    campaign.status = CampaignStatus.NOTICE
    campaign.notice_starts_on = starts_on
    campaign.notice_token = secrets.token_urlsafe(24)
    campaign.save(update_fields=["status", "notice_starts_on", "notice_token", "updated_at"])
    audit.record(
        actor=actor,
        action="honours.campaign.notice_started",
        obj=campaign,
        changes={"notice_starts_on": starts_on, "notice_days": campaign.notice_days},
    )
    return campaign


def approval_blockers(campaign: Campaign, *, today: dt.date) -> list[str]:
    """Why the final approval cannot happen yet (other than the compliance rules)."""
    out: list[str] = []
    if campaign.status != CampaignStatus.NOTICE:
        out.append("只有公示中的活动可以批准表彰。")
        return out
    ends = campaign.notice_ends_on
    if ends is not None and today <= ends:
        out.append(f"公示期至 {ends:%Y年%m月%d日} 结束，期满后才能批准。")
    open_count = Objection.objects.filter(campaign=campaign, status=ObjectionStatus.OPEN).count()
    if open_count:
        out.append(f"还有 {open_count} 件公示异议未办结。")
    return out


def shortlist(campaign: Campaign) -> list[Nomination]:
    return list(
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.SHORTLISTED)
        .select_related("unit", "award", "person", "org")
        .order_by("award__order", "id")
    )


@transaction.atomic
def campaign_approve(
    *,
    actor: Any,
    campaign: Campaign,
    decided_on: dt.date,
    decision_no: str = "",
    override_reason: str = "",
    today: dt.date | None = None,
) -> list[Honour]:
    """The final decision: after the notice and its objections, write every shortlisted honour.

    Refused while a quota or rule fails unless `override_reason` says why (recorded and audited).
    An upward recommendation (向上推荐) writes no honour here: the higher body confers it, and
    the result is recorded in the register when it comes back.
    """
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    today = today or dt.date.today()
    campaign = _lock_campaign(campaign)
    blockers = approval_blockers(campaign, today=today)
    if blockers:
        raise ValidationError({"__all__": blockers})
    if decided_on is None or decided_on > today:
        raise ValidationError({"decided_on": ["表彰决定日期不能晚于今天。"]})
    ends = campaign.notice_ends_on
    if ends is not None and decided_on <= ends:
        raise ValidationError({"decided_on": ["表彰决定日期应在公示期满之后。"]})
    decision_no = _clean_text(decision_no, "decision_no", "表彰文号", max_length=60, required=False)
    override_reason = str(override_reason or "").strip()[:2000]
    nominees = shortlist(campaign)
    report = evaluate(campaign, nominees)
    if not report.ok and not override_reason:
        raise ValidationError(
            {
                "override_reason": ["以下规则未满足，不能批准（确需批准请填写理由）："]
                + [x.text for x in report.failures]
            }
        )
    honours: list[Honour] = []
    if not campaign.upward:
        for seq, nomination in enumerate(nominees, start=1):
            honours.append(
                honour_grant(
                    actor=None,  # the campaign's approval is the authority; audited below and per honour
                    person=nomination.person,
                    org=nomination.org,
                    kind=nomination.award.kind,
                    title=nomination.award.title,
                    level=campaign.level,
                    year=campaign.year,
                    issuer=campaign.issuer,
                    campaign=campaign,
                    awarded_on=decided_on,
                    certificate_no=certificate_number(campaign, seq),
                    nomination=nomination,
                    name=nomination.name,
                )
            )
    ids = [x.pk for x in nominees]
    Nomination.objects.filter(pk__in=ids).update(status=NominationStatus.AWARDED, updated_at=timezone.now())
    ReviewStep.objects.bulk_create(
        [
            ReviewStep(
                nomination_id=pk,
                level=ReviewLevel.COUNTY,
                action=ReviewAction.APPROVE,
                comment=f"批准表彰 {decision_no}".strip(),
                actor=_user(actor),
                actor_org=_org_name(actor),
            )
            for pk in ids
        ]
    )
    campaign.status = CampaignStatus.DECIDED
    campaign.decided_on, campaign.decision_no = decided_on, decision_no
    campaign.override_reason = override_reason if not report.ok else ""
    campaign.save(update_fields=["status", "decided_on", "decision_no", "override_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="honours.campaign.approved",
        obj=campaign,
        changes={
            "decided_on": decided_on,
            "decision_no": decision_no,
            "awarded": len(honours),
            "recommended": len(nominees) if campaign.upward else 0,
            "failed_rules": [x.text for x in report.failures],
            "override_reason": campaign.override_reason,
        },
    )
    return honours


def certificate_number(campaign: Campaign, seq: int) -> str:
    prefix = str(getattr(settings, "HONOURS_CERTIFICATE_PREFIX", "PX"))
    return f"{prefix}{campaign.year}-{campaign.pk:03d}-{seq:04d}"


def _org_name(actor: Any) -> str:
    org = getattr(actor, "org", None)
    return org.name if org is not None else ""


@transaction.atomic
def honour_revoke(*, actor: Any, honour: Honour, on: dt.date, reason: str) -> Honour:
    """Revoke an honour (撤销荣誉称号): the record stays, marked revoked."""
    if actor is not None:
        scope.require(actor, honour, "honours.manage")
    honour = Honour.objects.select_for_update().get(pk=honour.pk)
    if honour.revoked_on is not None:
        raise ValidationError({"__all__": ["该荣誉已撤销。"]})
    reason = _clean_text(reason, "reason", "撤销原因", max_length=200)
    if on is None or on > dt.date.today():
        raise ValidationError({"on": ["撤销日期不能晚于今天。"]})
    honour.revoked_on, honour.revoke_reason = on, reason
    honour.save(update_fields=["revoked_on", "revoke_reason"])
    audit.record(actor=actor, action="honours.honour.revoked", obj=honour, changes={"on": on, "reason": reason})
    return honour


# ---------------------------------------------------------------------------------------------
# Nominations


def _town_above(unit: OrgNode) -> OrgNode | None:
    if unit.kind == OrgKind.TOWN:
        return None
    return unit.ancestors().filter(kind=OrgKind.TOWN).last()


def first_review_status(unit: OrgNode) -> str:
    """Level by level: a unit under a town goes to the town first; towns and systems to the county."""
    return NominationStatus.TOWN if _town_above(unit) is not None else NominationStatus.COUNTY


def campaign_for_units(campaign: Campaign, unit: OrgNode) -> None:
    if not unit.path.startswith(campaign.org.path):
        raise ValidationError({"unit": ["推荐单位不在本活动的范围内。"]})


NOMINATION_FIELDS = ("post", "deeds", "is_leader", "is_official")


def _clean_nomination(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": _clean_text(data.get("post"), "post", "职务或岗位", max_length=60, required=False),
        "deeds": _clean_deeds(data.get("deeds")),
        "is_leader": bool(data.get("is_leader")),
        "is_official": bool(data.get("is_official")),
    }


def _clean_deeds(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) < 10:
        raise ValidationError({"deeds": ["请填写主要事迹（不少于 10 个字）。"]})
    if len(text) > 5000:
        raise ValidationError({"deeds": ["主要事迹不能超过 5000 字，详细材料请作为附件上传。"]})
    return text


def _quota_left(campaign: Campaign, award: Award, unit: OrgNode, *, exclude: int | None = None) -> str | None:
    """Why one more live nomination of `award` from `unit` would break an allocation, or None."""
    live = Nomination.objects.filter(campaign=campaign, award=award, status__in=LIVE_STATUSES)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    for alloc in Allocation.objects.filter(award=award).select_related("org"):
        if unit.path.startswith(alloc.org.path):
            used = live.filter(scope.subtree_q("unit__", alloc.org.path)).count()
            if used >= alloc.quota:
                return f"{alloc.org.display_name}“{award.title}”名额 {alloc.quota} 个已用完。"
    return None


@transaction.atomic
def nomination_create(
    *,
    actor: Any,
    campaign: Campaign,
    award: Award,
    unit: OrgNode,
    data: dict[str, Any],
    person: Member | None = None,
    collective: OrgNode | None = None,
    today: dt.date | None = None,
) -> Nomination:
    """A unit nominates a person from the registry (or a collective from the tree) for an award.

    The person must belong to a union in the unit's subtree and be one the actor sees in the
    registry and may nominate, the collective must be under the unit and in the actor's scope
    (`selectors.nominable_people` / `nominable_collectives`). Exclusions, repeats and required
    prior honours refuse the nomination at once.
    """
    today = today or dt.date.today()
    if actor is not None:
        scope.require(actor, unit, "honours.nominate")
    campaign = _lock_campaign(campaign)
    if campaign.status != CampaignStatus.NOMINATING:
        raise ValidationError({"__all__": ["本活动当前不接受推荐。"]})
    if campaign.nomination_deadline and today > campaign.nomination_deadline:
        raise ValidationError({"__all__": [f"推荐已于 {campaign.nomination_deadline:%Y年%m月%d日} 截止。"]})
    if award.campaign_id != campaign.pk:
        raise ValidationError({"award": ["奖项不属于本活动。"]})
    campaign_for_units(campaign, unit)
    clean = _clean_nomination(data)
    if award.subject == Subject.PERSON:
        if person is None:
            raise ValidationError({"person": ["请从会员库中选择被推荐人。"]})
        person = Member.objects.select_related("union", "enterprise").get(pk=person.pk)
        if not selectors.nominable_people(actor, unit).filter(pk=person.pk).exists():
            raise ValidationError({"person": ["只能推荐本单位（本辖区、本系统）的会员。"]})
        if person.status not in (MemberStatus.ACTIVE, MemberStatus.RETAINED):
            raise ValidationError({"person": ["被推荐人已不在会，不能推荐。"]})
        if (
            Nomination.objects.filter(campaign=campaign, person=person)
            .exclude(status__in=[NominationStatus.REJECTED, NominationStatus.WITHDRAWN])
            .exists()
        ):
            raise ValidationError({"person": [f"{person.name} 已在本活动中被推荐。"]})
        org = person_org(person)
        nomination = Nomination(
            person=person,
            org=org,
            name=person.name,
            unit_name=org.name,
            job_category=person.job_category,
            sex=person.sex,
            migrant=person.migrant,
            non_public=is_non_public(person.enterprise),
        )
    else:
        if collective is None:
            raise ValidationError({"collective": ["请选择被推荐的集体（单位、工会或班组）。"]})
        if not selectors.nominable_collectives(actor, unit).filter(pk=collective.pk).exists():
            raise ValidationError({"collective": ["只能推荐本单位（本辖区、本系统）的集体。"]})
        if (
            Nomination.objects.filter(campaign=campaign, award=award, org=collective, person__isnull=True)
            .exclude(status__in=[NominationStatus.REJECTED, NominationStatus.WITHDRAWN])
            .exists()
        ):
            raise ValidationError({"collective": [f"{collective.name} 已被推荐为“{award.title}”。"]})
        parent = collective.parent
        nomination = Nomination(
            org=collective,
            name=collective.name,
            unit_name=parent.name if collective.kind == OrgKind.TEAM and parent is not None else collective.name,
            non_public=is_non_public(collective),
        )
        clean["is_leader"] = clean["is_official"] = False
    nomination.campaign, nomination.award, nomination.unit = campaign, award, unit
    for key, value in clean.items():
        setattr(nomination, key, value)
    nomination.created_by = _user(actor)
    problems = person_rule_errors(campaign, award, nomination)
    if problems:
        raise ValidationError({"person" if person else "collective": problems})
    nomination.save()
    audit.record(
        actor=actor,
        action="honours.nomination.created",
        obj=nomination,
        changes={"campaign": campaign.name, "award": award.title, "unit": unit.name} | clean,
    )
    return nomination


def _lock_nomination(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("campaign", "award", "unit").get(pk=nomination.pk)


@transaction.atomic
def nomination_update(*, actor: Any, nomination: Nomination, data: dict[str, Any]) -> Nomination:
    """Change a draft or returned nomination (post, deeds, the leader and official flags)."""
    if actor is not None:
        scope.require(actor, nomination, "honours.nominate")
    nomination = _lock_nomination(nomination)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["只有草稿或退回的推荐可以修改。"]})
    before = audit.snapshot(nomination, NOMINATION_FIELDS)
    clean = _clean_nomination({f: getattr(nomination, f) for f in NOMINATION_FIELDS} | data)
    if nomination.person_id is None:
        clean["is_leader"] = clean["is_official"] = False
    for key, value in clean.items():
        setattr(nomination, key, value)
    problems = person_rule_errors(nomination.campaign, nomination.award, nomination)
    if problems:
        raise ValidationError({"__all__": problems})
    nomination.save()
    audit.record(actor=actor, action="honours.nomination.updated", obj=nomination, changes=audit.diff(before, clean))
    return nomination


def missing_clearances(nomination: Nomination) -> list[str]:
    """The clearances an enterprise leader still lacks (passed, with an evidence file)."""
    if not nomination.is_leader:
        return []
    have = {c.kind for c in nomination.clearances.all() if c.passed and any(True for _a in c.attachments.all())}
    return [str(ClearanceKind(k).label) for k in nomination.campaign.required_clearances if k not in have]


def _step(nomination: Nomination, actor: Any, level: str, action: str, comment: str) -> ReviewStep:
    return ReviewStep.objects.create(
        nomination=nomination,
        level=level,
        action=action,
        comment=comment,
        actor=_user(actor),
        actor_org=_org_name(actor),
    )


@transaction.atomic
def nomination_submit(
    *, actor: Any, nomination: Nomination, comment: str = "", today: dt.date | None = None
) -> Nomination:
    """The unit submits (推荐单位意见): to the town, or straight to the county."""
    today = today or dt.date.today()
    if actor is not None:
        scope.require(actor, nomination, "honours.nominate")
    nomination = _lock_nomination(nomination)
    campaign = _lock_campaign(nomination.campaign)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["该推荐已提交。"]})
    if campaign.status != CampaignStatus.NOMINATING:
        raise ValidationError({"__all__": ["本活动当前不接受推荐。"]})
    if campaign.nomination_deadline and today > campaign.nomination_deadline:
        raise ValidationError({"__all__": [f"推荐已于 {campaign.nomination_deadline:%Y年%m月%d日} 截止。"]})
    missing = missing_clearances(nomination)
    if missing:
        raise ValidationError({"__all__": ["企业负责人须提供以下审查意见及证明材料：" + "、".join(missing)]})
    full = _quota_left(campaign, nomination.award, nomination.unit, exclude=nomination.pk)
    if full:
        raise ValidationError({"__all__": [full]})
    problems = person_rule_errors(campaign, nomination.award, nomination)
    if problems:
        raise ValidationError({"__all__": problems})
    nomination.status = first_review_status(nomination.unit)
    nomination.save(update_fields=["status", "updated_at"])
    _step(nomination, actor, ReviewLevel.UNIT, ReviewAction.SUBMIT, str(comment or "").strip()[:2000])
    audit.record(
        actor=actor, action="honours.nomination.submitted", obj=nomination, changes={"status": nomination.status}
    )
    return nomination


@transaction.atomic
def nomination_review(*, actor: Any, nomination: Nomination, action: str, comment: str = "") -> Nomination:
    """A decision at the nomination's current level: the town (honours.review) or the county
    (honours.manage). Approve moves it up (the county's approval shortlists it), return sends it
    back to the unit to change, reject ends it. Return and reject need a comment."""
    nomination = _lock_nomination(nomination)
    if nomination.status == NominationStatus.TOWN:
        level, perm = ReviewLevel.TOWN, "honours.review"
    elif nomination.status == NominationStatus.COUNTY:
        level, perm = ReviewLevel.COUNTY, "honours.manage"
    else:
        raise ValidationError({"__all__": ["该推荐不在审核中。"]})
    if actor is not None:
        scope.require(actor, nomination, perm)
    campaign = _lock_campaign(nomination.campaign)
    if campaign.status not in (CampaignStatus.NOMINATING, CampaignStatus.REVIEWING):
        raise ValidationError({"__all__": ["本活动已进入公示或已结束，不能再审核。"]})
    comment = str(comment or "").strip()[:2000]
    if action not in (ReviewAction.APPROVE, ReviewAction.RETURN, ReviewAction.REJECT):
        raise ValidationError({"action": ["请选择通过、退回或不予通过。"]})
    if action != ReviewAction.APPROVE and not comment:
        raise ValidationError({"comment": ["退回或不予通过时请填写意见。"]})
    if action == ReviewAction.APPROVE:
        if level == ReviewLevel.TOWN:
            nomination.status = NominationStatus.COUNTY
        else:
            used = Nomination.objects.filter(
                campaign=campaign, award=nomination.award, status=NominationStatus.SHORTLISTED
            ).count()
            if used >= nomination.award.quota:
                raise ValidationError(
                    {"__all__": [f"“{nomination.award.title}”名额 {nomination.award.quota} 个已满，不能再入围。"]}
                )
            nomination.status = NominationStatus.SHORTLISTED
    elif action == ReviewAction.RETURN:
        nomination.status = NominationStatus.RETURNED
    else:
        nomination.status = NominationStatus.REJECTED
    nomination.save(update_fields=["status", "updated_at"])
    _step(nomination, actor, level, action, comment)
    audit.record(
        actor=actor,
        action=f"honours.nomination.{action}",
        obj=nomination,
        changes={"level": level, "status": nomination.status, "comment": comment},
    )
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor: Any, nomination: Nomination, reason: str) -> Nomination:
    """The unit withdraws its nomination before the county has shortlisted it."""
    if actor is not None:
        scope.require(actor, nomination, "honours.nominate")
    nomination = _lock_nomination(nomination)
    if nomination.status not in (*EDITABLE_STATUSES, NominationStatus.TOWN, NominationStatus.COUNTY):
        raise ValidationError({"__all__": ["入围或已结束的推荐不能由推荐单位撤回。"]})
    reason = _clean_text(reason, "reason", "撤回原因", max_length=200)
    nomination.status = NominationStatus.WITHDRAWN
    nomination.save(update_fields=["status", "updated_at"])
    _step(nomination, actor, ReviewLevel.UNIT, ReviewAction.WITHDRAW, reason)
    audit.record(actor=actor, action="honours.nomination.withdrawn", obj=nomination, changes={"reason": reason})
    return nomination


# ---------------------------------------------------------------------------------------------
# Clearances and attachments


def _check_upload(upload: Any) -> tuple[bytes, str]:
    if upload is None:
        raise ValidationError({"file": ["请选择文件。"]})
    size = getattr(upload, "size", 0) or 0
    limit = upload_max_bytes()
    if size > limit:
        raise ValidationError({"file": [f"文件过大（上限 {limit // 1024 // 1024} MB）。"]})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": [f"文件过大（上限 {limit // 1024 // 1024} MB）。"]})
    if not content:
        raise ValidationError({"file": ["文件是空的。"]})
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED_UPLOADS:
        raise ValidationError({"file": ["只接受 PDF、JPG、PNG 图片或 Word（.docx）文件（按文件内容判断）。"]})
    if ALLOWED_UPLOADS[mime] == "docx" and b"word/" not in content[:200000]:
        raise ValidationError({"file": ["只接受 PDF、JPG、PNG 图片或 Word（.docx）文件（按文件内容判断）。"]})
    return content, mime


def attachments_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "honours"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _store(content: bytes, mime: str) -> Path:
    path = attachments_dir() / f"{secrets.token_hex(16)}.{ALLOWED_UPLOADS[mime]}"
    with open(path, "xb") as fh:
        fh.write(content)
    path.chmod(0o600)
    return path


def _safe_filename(name: str) -> str:
    name = Path(str(name or "附件")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '\\/:*?"<>|')
    return name[:200] or "附件"


@transaction.atomic
def attachment_add(
    *, actor: Any, nomination: Nomination, upload: Any, clearance: Clearance | None = None
) -> Attachment:
    """Attach a file (type checked by content, size-limited) to an editable nomination."""
    if actor is not None:
        scope.require(actor, nomination, "honours.nominate")
    nomination = _lock_nomination(nomination)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["只有草稿或退回的推荐可以上传材料。"]})
    if clearance is not None and clearance.nomination_id != nomination.pk:
        raise ValidationError({"clearance": ["审查意见不属于该推荐。"]})
    content, mime = _check_upload(upload)
    stored = _store(content, mime)
    try:
        attachment = Attachment.objects.create(
            nomination=nomination,
            clearance=clearance,
            filename=_safe_filename(getattr(upload, "name", "")),
            stored=stored.name,
            size=len(content),
            content_type=mime,
            uploaded_by=_user(actor),
        )
    except Exception:
        stored.unlink(missing_ok=True)
        raise
    audit.record(
        actor=actor,
        action="honours.attachment.added",
        obj=nomination,
        changes={"file": attachment.filename, "size": attachment.size},
    )
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    path = attachments_dir() / Path(attachment.stored).name
    return path


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    nomination = attachment.nomination
    if actor is not None:
        scope.require(actor, nomination, "honours.nominate")
    nomination = _lock_nomination(nomination)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["只有草稿或退回的推荐可以删除材料。"]})
    path = attachment_path(attachment)
    name = attachment.filename
    attachment.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    audit.record(actor=actor, action="honours.attachment.deleted", obj=nomination, changes={"file": name})


@transaction.atomic
def clearance_save(
    *,
    actor: Any,
    nomination: Nomination,
    kind: str,
    issuer: str,
    issued_on: dt.date,
    passed: bool = True,
    note: str = "",
    upload: Any = None,
) -> Clearance:
    """Record a department's opinion on an enterprise leader (with its evidence file)."""
    if actor is not None:
        scope.require(actor, nomination, "honours.nominate")
    nomination = _lock_nomination(nomination)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["只有草稿或退回的推荐可以补充审查意见。"]})
    if nomination.person_id is None:
        raise ValidationError({"__all__": ["集体推荐不需要企业负责人审查意见。"]})
    if kind not in ClearanceKind.values:
        raise ValidationError({"kind": ["请选择审查事项。"]})
    issuer = _clean_text(issuer, "issuer", "出具部门", max_length=120)
    if issued_on is None or issued_on > dt.date.today():
        raise ValidationError({"issued_on": ["出具日期不能晚于今天。"]})
    clearance, _created = Clearance.objects.update_or_create(
        nomination=nomination,
        kind=kind,
        defaults={"issuer": issuer, "issued_on": issued_on, "passed": bool(passed), "note": str(note or "")[:300]},
    )
    if upload is not None:
        attachment_add(actor=actor, nomination=nomination, upload=upload, clearance=clearance)
    audit.record(
        actor=actor,
        action="honours.clearance.saved",
        obj=nomination,
        changes={"kind": kind, "issuer": issuer, "issued_on": issued_on, "passed": bool(passed)},
    )
    return clearance


# ---------------------------------------------------------------------------------------------
# Objections during the public notice


def _clean_objection(content: Any, contact: Any) -> tuple[str, str]:
    text = str(content or "").strip()
    if len(text) < 5:
        raise ValidationError({"content": ["请写明反映的问题（不少于 5 个字）。"]})
    if len(text) > 3000:
        raise ValidationError({"content": ["反映内容不能超过 3000 字。"]})
    contact = _clean_text(contact, "contact", "联系方式", max_length=120, required=False)
    return text, contact


@transaction.atomic
def objection_record(
    *,
    actor: Any,
    campaign: Campaign,
    content: str,
    received_on: dt.date,
    nomination: Nomination | None = None,
    contact: str = "",
    channel: str = "staff",
) -> Objection:
    """Record an objection received during the notice (by letter, phone or in person; or, with
    `actor=None` and channel "public", through the public page)."""
    if actor is not None:
        scope.require(actor, campaign, "honours.manage")
    campaign = _lock_campaign(campaign)
    if campaign.status != CampaignStatus.NOTICE:
        raise ValidationError({"__all__": ["只有公示期间可以登记异议。"]})
    if nomination is not None and (
        nomination.campaign_id != campaign.pk or nomination.status != NominationStatus.SHORTLISTED
    ):
        raise ValidationError({"nomination": ["所涉人选不在本次公示名单中。"]})
    text, contact = _clean_objection(content, contact)
    if received_on is None or received_on > dt.date.today():
        raise ValidationError({"received_on": ["收到日期不能晚于今天。"]})
    if campaign.notice_starts_on and received_on < campaign.notice_starts_on:
        raise ValidationError({"received_on": ["收到日期不能早于公示开始日期。"]})
    objection = Objection.objects.create(
        campaign=campaign,
        nomination=nomination,
        received_on=received_on,
        channel=channel if channel in ("staff", "public") else "staff",
        content=text,
        contact=contact,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="honours.objection.recorded",
        obj=objection,
        changes={"campaign": campaign.name, "nomination": str(nomination or ""), "channel": objection.channel},
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: Any, objection: Objection, status: str, resolution: str, on: dt.date | None = None
) -> Objection:
    """Close an objection after checking: upheld removes the nominee from the shortlist."""
    if actor is not None:
        scope.require(actor, objection, "honours.manage")
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError({"__all__": ["该异议已办结。"]})
    if status not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ValidationError({"status": ["请选择核查结论。"]})
    resolution = str(resolution or "").strip()[:3000]
    if len(resolution) < 2:
        raise ValidationError({"resolution": ["请填写核查处理意见。"]})
    on = on or dt.date.today()
    if on > dt.date.today() or on < objection.received_on:
        raise ValidationError({"on": ["办结日期应在收到日期和今天之间。"]})
    campaign = _lock_campaign(objection.campaign)
    if campaign.status != CampaignStatus.NOTICE:
        raise ValidationError({"__all__": ["活动已不在公示阶段。"]})
    objection.status, objection.resolution, objection.resolved_on = status, resolution, on
    objection.resolved_by = _user(actor)
    objection.save()
    if status == ObjectionStatus.UPHELD and objection.nomination_id is not None:
        nomination = _lock_nomination(objection.nomination)  # type: ignore[arg-type]
        if nomination.status == NominationStatus.SHORTLISTED:
            nomination.status = NominationStatus.WITHDRAWN
            nomination.save(update_fields=["status", "updated_at"])
            _step(nomination, actor, ReviewLevel.NOTICE, ReviewAction.WITHDRAW, f"公示异议属实：{resolution}")
    audit.record(
        actor=actor,
        action="honours.objection.resolved",
        obj=objection,
        changes={"status": status, "resolution": resolution},
    )
    return objection
