"""The electronic member card and its public check."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import audit, scope
from gefeng.workers import conf
from gefeng.workers.models import (
    MemberCard,
)
from gefeng.workers.selectors import own_member
from gefeng.workers.services._common import (
    CARD_SALT,
    CHANGE,
    LIVE,
    _require_worker,
)


def live_card(actor: Any) -> MemberCard | None:
    member = own_member(actor)
    if member is None:
        return None
    return MemberCard.objects.filter(user_id=actor.pk, member=member, revoked_at__isnull=True).first()


@transaction.atomic
def card_issue(*, actor: Any) -> MemberCard:
    _require_worker(actor)
    member = own_member(actor)
    if member is None:
        raise ValidationError("请先完成实名绑定。")
    if member.status not in LIVE:
        raise ValidationError("您的会籍已终止，不能使用电子会员证。")
    card = live_card(actor)
    if card is not None:
        return card
    card = MemberCard.objects.create(member=member, user=actor, nonce=secrets.token_hex(8))
    audit.record(actor=actor, action="workers.card.issued", obj=card)
    return card


@transaction.atomic
def card_revoke(*, actor: Any, card: MemberCard) -> MemberCard:
    """Lost phone: the worker, or the member's union, makes the card (and every QR code of it)
    invalid; the worker may then take a new one."""
    if card.user_id != getattr(actor, "pk", None):
        scope.require(actor, card, CHANGE)
    card = MemberCard.objects.select_for_update().get(pk=card.pk)
    if card.revoked_at is None:
        card.revoked_at, card.revoked_by = timezone.now(), actor if getattr(actor, "pk", None) else None
        card.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor=actor, action="workers.card.revoked", obj=card)
    return card


def card_token(card: MemberCard) -> str:
    return signing.dumps({"c": card.pk, "n": card.nonce}, salt=CARD_SALT, compress=True)


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


@dataclass(frozen=True)
class Verdict:
    valid: bool
    union: str = ""
    name: str = ""
    why: str = ""


def card_verify(token: str) -> Verdict:
    """What the public verification page may say about a scanned token: valid or not, the union
    and the masked name — nothing more."""
    try:
        data = signing.loads(token, salt=CARD_SALT, max_age=conf.get("WORKERS_CARD_TOKEN_SECONDS"))
    except signing.SignatureExpired:
        return Verdict(False, why="二维码已过期，请持卡人刷新会员证后重新出示。")
    except (signing.BadSignature, ValueError, TypeError):
        return Verdict(False, why="二维码无法识别，不是有效的电子会员证。")
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return Verdict(False, why="二维码无法识别，不是有效的电子会员证。")
    card = MemberCard.objects.select_related("member__union").filter(pk=data["c"]).first()
    if card is None or card.nonce != data.get("n") or card.revoked_at is not None:
        return Verdict(False, why="该电子会员证已作废。")
    member = card.member
    if member.user_id != card.user_id or member.status not in LIVE:
        return Verdict(False, why="该会员证对应的会籍已变更或终止。")
    return Verdict(True, union=member.union.name, name=mask_name(member.name))
