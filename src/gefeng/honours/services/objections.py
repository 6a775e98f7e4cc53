"""Objections (异议) received during the public notice (公示), and their resolution."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.honours.models import (
    Campaign,
    CampaignStatus,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    ReviewAction,
    ReviewLevel,
)
from gefeng.honours.services._common import (
    clean_text,
    lock_campaign,
    lock_nomination,
)
from gefeng.honours.services.nominations import record_step


def _clean_objection(content: Any, contact: Any) -> tuple[str, str]:
    text = str(content or "").strip()
    if len(text) < 5:
        raise ValidationError({"content": ["请写明反映的问题（不少于 5 个字）。"]})
    if len(text) > 3000:
        raise ValidationError({"content": ["反映内容不能超过 3000 字。"]})
    contact = clean_text(contact, "contact", "联系方式", max_length=120, required=False)
    return text, contact


@accepts_system
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
    """Record an objection received during the notice (by letter, phone or in person; or, as the
    system with channel "public", through the public page).

    Rule: objections are taken while the 公示 runs (it is held so that anyone may object; domain
    reference §7); the public page limits them per address and day (settings
    `HONOURS_PUBLIC_OBJECTIONS_PER_HOUR`, `HONOURS_PUBLIC_OBJECTIONS_PER_DAY`)."""
    actors.require(actor, campaign, "honours.manage")
    campaign = lock_campaign(campaign)
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
        recorded_by=actors.user_of(actor),
    )
    audit.record(
        actor=actor,
        action="honours.objection.recorded",
        obj=objection,
        changes={"campaign": campaign.name, "nomination": str(nomination or ""), "channel": objection.channel},
    )
    return objection


@accepts_system
@transaction.atomic
def objection_resolve(
    *, actor: Any, objection: Objection, status: str, resolution: str, on: dt.date | None = None
) -> Objection:
    """Close an objection after checking: upheld removes the nominee from the shortlist.

    Rule: an objection found true takes the nominee off the 公示 list before the decision (the
    purpose of the 公示, domain reference §7)."""
    actors.require(actor, objection, "honours.manage")
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
    campaign = lock_campaign(objection.campaign)
    if campaign.status != CampaignStatus.NOTICE:
        raise ValidationError({"__all__": ["活动已不在公示阶段。"]})
    objection.status, objection.resolution, objection.resolved_on = status, resolution, on
    objection.resolved_by = actors.user_of(actor)
    objection.save()
    if status == ObjectionStatus.UPHELD and objection.nomination_id is not None:
        nomination = lock_nomination(objection.nomination)  # type: ignore[arg-type]
        if nomination.status == NominationStatus.SHORTLISTED:
            nomination.status = NominationStatus.WITHDRAWN
            nomination.save(update_fields=["status", "updated_at"])
            record_step(nomination, actor, ReviewLevel.NOTICE, ReviewAction.WITHDRAW, f"公示异议属实：{resolution}")
    audit.record(
        actor=actor,
        action="honours.objection.resolved",
        obj=objection,
        changes={"status": status, "resolution": resolution},
    )
    return objection
