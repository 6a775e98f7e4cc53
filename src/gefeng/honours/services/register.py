"""The register of honours (荣誉记录): honours written by a campaign's approval or recorded
from another body, and their revocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.honours.models import (
    COLLECTIVE_KINDS,
    Campaign,
    Honour,
    HonourKind,
    Level,
    Nomination,
)
from gefeng.honours.services._common import (
    MIN_YEAR,
    clean_text,
)
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode


def person_org(person: Member) -> OrgNode:
    """The node a person's honour hangs on: their enterprise, or their union when none."""
    return person.enterprise or person.union


@accepts_system
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
    on its own node. The same holder cannot receive the same title twice in one year, and a
    certificate number is used once (local register rules of the county federation).
    """
    if kind not in HonourKind.values:
        raise ValidationError({"kind": ["荣誉类别不正确。"]})
    if level not in Level.values:
        raise ValidationError({"level": ["级别不正确，请选择国家级、省级、市级或县级。"]})
    title = clean_text(title, "title", "荣誉称号", max_length=120)
    issuer = clean_text(issuer, "issuer", "授予单位", max_length=120)
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
    actors.require(actor, org, "honours.manage")
    certificate_no = clean_text(certificate_no, "certificate_no", "证书编号", max_length=40, required=False)
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


def certificate_number(campaign: Campaign, seq: int) -> str:
    """Certificate number `<prefix><year>-<campaign>-<seq>`; the prefix is the county's (setting
    `HONOURS_CERTIFICATE_PREFIX`, default PX for 沛县)."""
    prefix = str(getattr(settings, "HONOURS_CERTIFICATE_PREFIX", "PX"))
    return f"{prefix}{campaign.year}-{campaign.pk:03d}-{seq:04d}"


@accepts_system
@transaction.atomic
def honour_revoke(*, actor: Any, honour: Honour, on: dt.date, reason: str) -> Honour:
    """Revoke an honour (撤销荣誉称号): the record stays, marked revoked."""
    actors.require(actor, honour, "honours.manage")
    honour = Honour.objects.select_for_update().get(pk=honour.pk)
    if honour.revoked_on is not None:
        raise ValidationError({"__all__": ["该荣誉已撤销。"]})
    reason = clean_text(reason, "reason", "撤销原因", max_length=200)
    if on is None or on > dt.date.today():
        raise ValidationError({"on": ["撤销日期不能晚于今天。"]})
    honour.revoked_on, honour.revoke_reason = on, reason
    honour.save(update_fields=["revoked_on", "revoke_reason"])
    audit.record(actor=actor, action="honours.honour.revoked", obj=honour, changes={"on": on, "reason": reason})
    return honour
