"""Activation codes the union prints or shows."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit
from gefeng.core.actors import accepts_system
from gefeng.members.models import Member
from gefeng.orgs.models import Kind, OrgNode
from gefeng.workers import conf
from gefeng.workers.models import (
    ActivationCode,
)
from gefeng.workers.services._common import (
    CHANGE,
    CODE_ALPHABET,
    CODE_LENGTH,
    LIVE,
)


def _new_code() -> str:
    return _fresh_codes(1)[0]


def _random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _fresh_codes(n: int) -> list[str]:
    """n distinct codes no row holds yet: one query per round, not one per code."""
    out: set[str] = set()
    while len(out) < n:
        batch = {_random_code() for _ in range(n - len(out))} - out
        for chunk_start in range(0, len(batch), 900):
            chunk = sorted(batch)[chunk_start : chunk_start + 900]
            batch -= set(ActivationCode.objects.filter(code__in=chunk).values_list("code", flat=True))
        out |= batch
    return sorted(out, key=lambda _c: secrets.randbits(32))


def live_code(member: Member) -> ActivationCode | None:
    return (
        ActivationCode.objects.filter(member=member, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def _issue(actor: Any, member: Member, expires: dt.datetime) -> ActivationCode:
    return ActivationCode.objects.create(
        member=member,
        union=member.union,
        code=_new_code(),
        expires_at=expires,
        created_by=actors.user_of(actor),
    )


@accepts_system
@transaction.atomic
def code_issue(*, actor: Any, member: Member) -> ActivationCode:
    """A new code for one member (earlier unused codes of the member stop working)."""
    actors.require(actor, member, CHANGE)
    if member.user_id is not None:
        raise ValidationError("该会员已绑定账号，不需要激活码。")
    if member.status not in LIVE:
        raise ValidationError("该会员的会籍已终止，不能发放激活码。")
    now = timezone.now()
    ActivationCode.objects.filter(member=member, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    row = _issue(actor, member, now + dt.timedelta(days=conf.get("WORKERS_CODE_DAYS")))
    audit.record(actor=actor, action="workers.code.issued", obj=member, changes={"count": 1})
    return row


@accepts_system
@transaction.atomic
def codes_issue(*, actor: Any, union: OrgNode) -> int:
    """Codes for every unbound, live member of the union who has no live code yet (the sheet)."""
    if union.kind != Kind.UNION:
        raise ValidationError({"union": ["请选择工会。"]})
    actors.require(actor, union, CHANGE)
    now = timezone.now()
    has_code = ActivationCode.objects.filter(union=union, used_at__isnull=True, expires_at__gt=now).values("member_id")
    members = list(
        Member.objects.filter(union=union, status__in=LIVE, user__isnull=True)
        .exclude(pk__in=has_code)
        .order_by("pk")[:5000]
    )
    expires = now + dt.timedelta(days=conf.get("WORKERS_CODE_DAYS"))
    codes = _fresh_codes(len(members))
    rows = [
        ActivationCode(
            member=m,
            union=union,
            code=code,
            expires_at=expires,
            created_by=actors.user_of(actor),
        )
        for m, code in zip(members, codes, strict=True)
    ]
    ActivationCode.objects.bulk_create(rows, batch_size=500)
    audit.record(actor=actor, action="workers.code.issued", obj=union, changes={"count": len(rows)})
    return len(rows)
