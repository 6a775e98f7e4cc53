"""API tokens: made by their user, shown once, stored as a digest, revocable, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.api.models import ApiToken
from gefeng.core import audit, scope

TOKEN_PREFIX = "gf_"  # noqa: S105  (a marker, not a secret)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, actor: Any, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for the actor; returns the row and the token text (shown once)."""
    scope.require_perm(actor, "api.use")
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["请填写用途，如“市总工会数据对接”。"]})
    days = days or settings.API_TOKEN_DAYS
    if not 1 <= days <= 366:
        raise ValidationError({"days": ["有效期应在 1 到 366 天之间。"]})
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        digest=_digest(text),
        prefix=text[:10],
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record(actor=actor, action="api.token.created", obj=token, changes={"name": name, "days": days})
    return token, text


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        scope.require(actor, token, "accounts.manage")
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit.record(actor=actor, action="api.token.revoked", obj=token)


def token_user(text: str) -> Any | None:
    """The active user a token belongs to, or None (unknown, expired, revoked, user disabled)."""
    if not text.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__org")
        .filter(digest=_digest(text), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active or not scope.has_perm(token.user, "api.use"):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
