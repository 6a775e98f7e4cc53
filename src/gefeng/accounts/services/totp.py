"""The second factor (TOTP): enrolment and removal."""

from __future__ import annotations

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.accounts.models import User
from gefeng.accounts.services.passwords import holds_admin_duty
from gefeng.core import audit, scope

# ---------------------------------------------------------------- second factor


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="歌风平台")


@transaction.atomic
def totp_enable(*, actor: User, secret: str, code: str) -> None:
    """Rule: a second, cryptographic factor — GB/T 22239-2019（等保 2.0） 8.1.4.1 d) (level 3)."""
    if not pyotp.TOTP(secret).verify(code.strip(), valid_window=1):
        raise ValidationError({"code": ["动态口令不正确，请核对手机上的 6 位数字。"]})
    actor.totp_secret = secret
    actor.totp_enabled = True
    actor.save(update_fields=["totp_secret", "totp_enabled"])
    audit.record(actor=actor, action="accounts.totp.enabled", obj=actor)


@transaction.atomic
def totp_disable(*, actor: User, user: User) -> None:
    """Turn the second factor off: the user themself, or an administrator when a phone is lost.

    Like a password reset, not for another administrator's account (三员分立).
    """
    if actor.pk != user.pk:
        scope.require(actor, user, "accounts.manage")
        if holds_admin_duty(user):
            raise ValidationError("不能关闭其他管理员账号的动态口令（三员分立）。")
    user.totp_secret = ""
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    audit.record(actor=actor, action="accounts.totp.disabled", obj=user)
