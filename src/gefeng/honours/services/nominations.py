"""Nominations (推荐): a unit nominates, its materials are checked, then each level reviews
(推荐单位 → 镇街 → 县总工会) until the county shortlists (入围)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.honours import selectors
from gefeng.honours.compliance import is_non_public, person_rule_errors
from gefeng.honours.models import (
    EDITABLE_STATUSES,
    LIVE_STATUSES,
    Allocation,
    Award,
    Campaign,
    CampaignStatus,
    ClearanceKind,
    Nomination,
    NominationStatus,
    ReviewAction,
    ReviewLevel,
    ReviewStep,
    Subject,
)
from gefeng.honours.services._common import (
    clean_text,
    lock_campaign,
    lock_nomination,
    org_name,
)
from gefeng.honours.services.register import person_org
from gefeng.members.models import Member
from gefeng.members.models import Status as MemberStatus
from gefeng.orgs.models import Kind as OrgKind
from gefeng.orgs.models import OrgNode


def _town_above(unit: OrgNode) -> OrgNode | None:
    if unit.kind == OrgKind.TOWN:
        return None
    return unit.ancestors().filter(kind=OrgKind.TOWN).last()


def first_review_status(unit: OrgNode) -> str:
    """Level by level: a unit under a town goes to the town first; towns and systems to the county.

    Rule: nomination bottom-up, level by level (逐级推荐、逐级审核, 《全国五一劳动奖评选表彰管理办法》;
    domain reference §7)."""
    return NominationStatus.TOWN if _town_above(unit) is not None else NominationStatus.COUNTY


def campaign_for_units(campaign: Campaign, unit: OrgNode) -> None:
    if not unit.path.startswith(campaign.org.path):
        raise ValidationError({"unit": ["推荐单位不在本活动的范围内。"]})


NOMINATION_FIELDS = ("post", "deeds", "is_leader", "is_official")


def _clean_nomination(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": clean_text(data.get("post"), "post", "职务或岗位", max_length=60, required=False),
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
    """Why one more live nomination of `award` from `unit` would break an allocation, or None.

    Rule: a unit nominates within the places allocated to it (名额分配, the year's notice)."""
    live = Nomination.objects.filter(campaign=campaign, award=award, status__in=LIVE_STATUSES)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    for alloc in Allocation.objects.filter(award=award).select_related("org"):
        if unit.path.startswith(alloc.org.path):
            used = live.filter(scope.subtree_q("unit__", alloc.org.path)).count()
            if used >= alloc.quota:
                return f"{alloc.org.display_name}“{award.title}”名额 {alloc.quota} 个已用完。"
    return None


@accepts_system
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
    actors.require(actor, unit, "honours.nominate")
    campaign = lock_campaign(campaign)
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
    nomination.created_by = actors.user_of(actor)
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


@accepts_system
@transaction.atomic
def nomination_update(*, actor: Any, nomination: Nomination, data: dict[str, Any]) -> Nomination:
    """Change a draft or returned nomination (post, deeds, the leader and official flags)."""
    actors.require(actor, nomination, "honours.nominate")
    nomination = lock_nomination(nomination)
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
    """The clearances an enterprise leader still lacks (passed, with an evidence file).

    Rule: an enterprise leader is nominated only with the opinions of the departments the notice
    names (e.g. 工商、税务、审计、纪检、人社、安监、环保 in the 宁波 and 许昌 劳模 notices; domain
    reference §7); which ones is the campaign's `required_clearances` (setting `HONOURS_CLEARANCES`)."""
    if not nomination.is_leader:
        return []
    have = {c.kind for c in nomination.clearances.all() if c.passed and any(True for _a in c.attachments.all())}
    return [str(ClearanceKind(k).label) for k in nomination.campaign.required_clearances if k not in have]


def record_step(nomination: Nomination, actor: Any, level: str, action: str, comment: str) -> ReviewStep:
    return ReviewStep.objects.create(
        nomination=nomination,
        level=level,
        action=action,
        comment=comment,
        actor=actors.user_of(actor),
        actor_org=org_name(actor),
    )


@accepts_system
@transaction.atomic
def nomination_submit(
    *, actor: Any, nomination: Nomination, comment: str = "", today: dt.date | None = None
) -> Nomination:
    """The unit submits (推荐单位意见): to the town, or straight to the county."""
    today = today or dt.date.today()
    actors.require(actor, nomination, "honours.nominate")
    nomination = lock_nomination(nomination)
    campaign = lock_campaign(nomination.campaign)
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
    record_step(nomination, actor, ReviewLevel.UNIT, ReviewAction.SUBMIT, str(comment or "").strip()[:2000])
    audit.record(
        actor=actor, action="honours.nomination.submitted", obj=nomination, changes={"status": nomination.status}
    )
    return nomination


# Who decides at each level (逐级审核): the town for units under it, the county for the rest.
REVIEW_STEPS: dict[str, tuple[str, str]] = {
    NominationStatus.TOWN: (ReviewLevel.TOWN, "honours.review"),
    NominationStatus.COUNTY: (ReviewLevel.COUNTY, "honours.manage"),
}


def review_perm(nomination: Nomination) -> str | None:
    """The permission that decides a nomination at its current level, or None when none is waiting."""
    step = REVIEW_STEPS.get(str(nomination.status))
    return step[1] if step else None


@accepts_system
@transaction.atomic
def nomination_review(*, actor: Any, nomination: Nomination, action: str, comment: str = "") -> Nomination:
    """A decision at the nomination's current level: the town (honours.review) or the county
    (honours.manage). Approve moves it up (the county's approval shortlists it), return sends it
    back to the unit to change, reject ends it. Return and reject need a comment.

    Rule: 逐级审核 (《全国五一劳动奖评选表彰管理办法》); the county shortlists within the award's quota
    of the year's notice."""
    nomination = lock_nomination(nomination)
    step = REVIEW_STEPS.get(str(nomination.status))
    if step is None:
        raise ValidationError({"__all__": ["该推荐不在审核中。"]})
    level, perm = step
    actors.require(actor, nomination, perm)
    campaign = lock_campaign(nomination.campaign)
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
    record_step(nomination, actor, level, action, comment)
    audit.record(
        actor=actor,
        action=f"honours.nomination.{action}",
        obj=nomination,
        changes={"level": level, "status": nomination.status, "comment": comment},
    )
    return nomination


@accepts_system
@transaction.atomic
def nomination_withdraw(*, actor: Any, nomination: Nomination, reason: str) -> Nomination:
    """The unit withdraws its nomination before the county has shortlisted it."""
    actors.require(actor, nomination, "honours.nominate")
    nomination = lock_nomination(nomination)
    if nomination.status not in (*EDITABLE_STATUSES, NominationStatus.TOWN, NominationStatus.COUNTY):
        raise ValidationError({"__all__": ["入围或已结束的推荐不能由推荐单位撤回。"]})
    reason = clean_text(reason, "reason", "撤回原因", max_length=200)
    nomination.status = NominationStatus.WITHDRAWN
    nomination.save(update_fields=["status", "updated_at"])
    record_step(nomination, actor, ReviewLevel.UNIT, ReviewAction.WITHDRAW, reason)
    audit.record(actor=actor, action="honours.nomination.withdrawn", obj=nomination, changes={"reason": reason})
    return nomination
