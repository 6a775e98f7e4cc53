"""Campaigns (表彰活动): setup, opening and closing nominations, the public notice (公示) and
the final approval that writes the honours."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit
from gefeng.core.actors import SYSTEM, accepts_system
from gefeng.honours.compliance import evaluate
from gefeng.honours.models import (
    Campaign,
    CampaignStatus,
    ClearanceKind,
    Honour,
    Level,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    ReviewAction,
    ReviewLevel,
    ReviewStep,
)
from gefeng.honours.services._common import (
    MIN_YEAR,
    clean_text,
    default_clearances,
    default_notice_days,
    lock_campaign,
    org_name,
    to_int,
)
from gefeng.honours.services.register import certificate_number, honour_grant
from gefeng.orgs.models import OrgNode

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
    """A campaign's own fields. Local numbers, from the year's notice: 公示天数 1–60 (default:
    setting `HONOURS_NOTICE_DAYS`; no national text fixes it, domain reference §7) and the clearances
    an enterprise leader must bring (default: setting `HONOURS_CLEARANCES`)."""
    out: dict[str, Any] = {}
    out["name"] = clean_text(data.get("name"), "name", "活动名称", max_length=120)
    out["issuer"] = clean_text(data.get("issuer"), "issuer", "授予单位", max_length=120)
    level = data.get("level") or Level.COUNTY
    if level not in Level.values:
        raise ValidationError({"level": ["级别不正确。"]})
    out["level"] = level
    year = to_int(data.get("year"), "year", "表彰年度") or 0
    if not MIN_YEAR <= year <= dt.date.today().year + 1:
        raise ValidationError({"year": [f"表彰年度应在 {MIN_YEAR} 年至明年之间。"]})
    out["year"] = year
    start, end = data.get("period_start"), data.get("period_end")
    start = to_int(start, "period_start", "评选期间")
    end = to_int(end, "period_end", "评选期间")
    if start is not None and end is not None and start > end:
        raise ValidationError({"period_end": ["评选期间的结束年度不能早于开始年度。"]})
    if end is not None and end > year:
        raise ValidationError({"period_end": ["评选期间不能晚于表彰年度。"]})
    out["period_start"], out["period_end"] = start, end
    out["upward"] = bool(data.get("upward"))
    out["nomination_deadline"] = data.get("nomination_deadline") or None
    days = data.get("notice_days")
    days = to_int(days, "notice_days", "公示天数")
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


@accepts_system
@transaction.atomic
def campaign_create(*, actor: Any, org: OrgNode, data: dict[str, Any]) -> Campaign:
    """Set up a campaign at `org` (the county for county campaigns), in the 筹备中 state."""
    actors.require(actor, org, "honours.manage")
    clean = _clean_campaign(data)
    campaign = Campaign.objects.create(org=org, created_by=actors.user_of(actor), **clean)
    audit.record(actor=actor, action="honours.campaign.created", obj=campaign, changes=clean)
    return campaign


@accepts_system
@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
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


@accepts_system
@transaction.atomic
def campaign_open(*, actor: Any, campaign: Campaign) -> Campaign:
    """Start taking nominations (筹备中 → 推荐中)."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError({"__all__": ["只有筹备中的活动可以开始推荐。"]})
    if not campaign.awards.exists():
        raise ValidationError({"__all__": ["请先设置奖项和名额。"]})
    campaign.status = CampaignStatus.NOMINATING
    campaign.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="honours.campaign.opened", obj=campaign)
    return campaign


@accepts_system
@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Stop taking nominations (推荐中 → 审核中); reviews go on."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
    if campaign.status != CampaignStatus.NOMINATING:
        raise ValidationError({"__all__": ["只有推荐中的活动可以截止推荐。"]})
    campaign.status = CampaignStatus.REVIEWING
    campaign.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="honours.campaign.closed", obj=campaign)
    return campaign


@accepts_system
@transaction.atomic
def campaign_cancel(*, actor: Any, campaign: Campaign, reason: str) -> Campaign:
    """Call a campaign off before its decision; its nominations stay for the record."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
    if campaign.status in (CampaignStatus.DECIDED, CampaignStatus.CANCELLED):
        raise ValidationError({"__all__": ["已表彰或已撤销的活动不能撤销。"]})
    reason = clean_text(reason, "reason", "撤销原因", max_length=200)
    campaign.status = CampaignStatus.CANCELLED
    campaign.description = (campaign.description + f"\n撤销原因：{reason}").strip()
    campaign.save(update_fields=["status", "description", "updated_at"])
    audit.record(actor=actor, action="honours.campaign.cancelled", obj=campaign, changes={"reason": reason})
    return campaign


@accepts_system
@transaction.atomic
def campaign_start_notice(*, actor: Any, campaign: Campaign, starts_on: dt.date) -> Campaign:
    """Publish the shortlist (公示): every nomination must be decided at the county level first.

    Rule: the shortlist is made public before the decision (全国劳模评选 2025: 基层单位公示 → 初审 →
    省级公示 → 复审 → 全国公示; domain reference §7). The 公示 publishes personal information
    (个人信息保护法 §55–56): `selectors.public_rows` shows only award, name, unit and post. Its length
    is the campaign's `notice_days` (setting `HONOURS_NOTICE_DAYS`, from the year's notice)."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
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
    """Why the final approval cannot happen yet (other than the compliance rules).

    Rule: no decision before the 公示 has run its full `notice_days` (the day it starts counts:
    5 days from 10 April end on 14 April) and every objection is settled — the 公示 exists so that
    objections can change the outcome (domain reference §7; days: setting `HONOURS_NOTICE_DAYS`,
    the year's notice)."""
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


@accepts_system
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

    Refused while a quota or rule fails unless `override_reason` says why (recorded and audited):
    the quotas and shares are those of the year's notice (`compliance.evaluate`).
    An upward recommendation (向上推荐) writes no honour here: the higher body confers it, and
    the result is recorded in the register when it comes back.
    """
    actors.require(actor, campaign, "honours.manage")
    today = today or dt.date.today()
    campaign = lock_campaign(campaign)
    blockers = approval_blockers(campaign, today=today)
    if blockers:
        raise ValidationError({"__all__": blockers})
    if decided_on is None or decided_on > today:
        raise ValidationError({"decided_on": ["表彰决定日期不能晚于今天。"]})
    ends = campaign.notice_ends_on
    if ends is not None and decided_on <= ends:
        raise ValidationError({"decided_on": ["表彰决定日期应在公示期满之后。"]})
    decision_no = clean_text(decision_no, "decision_no", "表彰文号", max_length=60, required=False)
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
                    actor=SYSTEM,  # the campaign's approval is the authority; audited below and per honour
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
                actor=actors.user_of(actor),
                actor_org=org_name(actor),
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
