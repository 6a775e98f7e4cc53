"""Passwords: changing one's own, resets by an administrator, history, temporary passwords."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.accounts.models import PasswordHistory, User
from gefeng.accounts.roles import duties_of
from gefeng.accounts.services.sessions import _end_sessions
from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system

# ---------------------------------------------------------------- passwords


def holds_admin_duty(user: User) -> bool:
    """Whether the account carries one of the three separated duties (system, security, audit)."""
    return bool(duties_of(user.role_codes(), superuser=user.is_superuser))


@accepts_system
@transaction.atomic
def password_change(
    *,
    actor: User,
    user: User,
    new_password: str,
    old_password: str | None = None,
    keep_session_key: str | None = None,
) -> None:
    """A user changes their own password (old one required) or an administrator resets it.

    After a reset the user must choose a new password at the next login. The user's other live
    sessions end (after a reset: all of them); `keep_session_key` is the session the user is
    changing the password from. The account of another administrator (system, security or
    audit duty) cannot be reset from the web: whoever knew the new password would hold two
    duties (三员分立); that goes through the command line on the server.

    Rule: 三员分立 — GB/T 22239-2019（等保 2.0） 8.1.4.2 访问控制 (separation of the system, security and audit
    administrators); complexity and history: settings GEFENG_PASSWORD_MIN_LENGTH,
    GEFENG_PASSWORD_MIN_CLASSES, GEFENG_PASSWORD_HISTORY.
    """
    own = not actors.is_system(actor) and getattr(actor, "pk", None) == user.pk
    if actors.is_system(actor):
        pass  # the server console (`gefeng setpassword`): whoever runs it already holds the server
    elif own:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError({"old_password": ["原密码不正确。"]})
        if old_password == new_password:
            raise ValidationError({"new_password1": ["新密码不能与原密码相同。"]})
    else:
        scope.require(actor, user, "accounts.manage")
        if holds_admin_duty(user):
            raise ValidationError(
                "系统管理员、安全管理员、审计管理员的密码只能由本人修改，或由运维人员在服务器上用命令行重置（三员分立）。"
            )
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    if own and password_reused(user, new_password):
        raise ValidationError(
            {"new_password1": [f"新密码不能与最近 {settings.PASSWORD_HISTORY} 次使用过的密码相同，请换一个。"]}
        )
    user.set_password(new_password)
    # Empty while the password is one somebody else chose: the holder must replace it.
    user.password_changed_at = timezone.now() if own else None
    user.must_change_password = not own
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _remember_password(user)
    ended = _end_sessions(
        user, "password_changed" if own else "password_reset", keep_key=keep_session_key if own else None
    )
    audit.record(
        actor=actor,
        action="accounts.password.changed" if own else "accounts.password.reset",
        obj=user,
        changes={"password": audit.changed("", "******"), "sessions_ended": ended},
    )


def password_reused(user: User, raw: str) -> bool:
    """Whether `raw` is the current password or one of the last PASSWORD_HISTORY ones.

    Each comparison is a hash check (Argon2, a fraction of a second), PASSWORD_HISTORY at most.

    Rule: no reuse of recent passwords — GB/T 22239-2019（等保 2.0） 8.1.4.1 a) (complexity and change);
    how many: setting GEFENG_PASSWORD_HISTORY.
    """
    keep = settings.PASSWORD_HISTORY
    if keep <= 0:
        return False
    if user.check_password(raw):
        return True
    earlier = PasswordHistory.objects.filter(user=user).order_by("-at", "-id").values_list("password", flat=True)
    return any(check_password(raw, encoded) for encoded in earlier[:keep])


def _remember_password(user: User) -> None:
    """Add the user's current hash to the history and forget what is older than the last N."""
    keep = max(settings.PASSWORD_HISTORY, 1)
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = list(PasswordHistory.objects.filter(user=user).order_by("-at", "-id").values_list("pk", flat=True)[keep:])
    if stale:
        PasswordHistory.objects.filter(pk__in=stale).delete()


# Characters of generated passwords: no 0/O, 1/l/I and no quotes, so they can be read out.
_PW_LOWER = "abcdefghijkmnpqrstuvwxyz"
_PW_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_PW_DIGITS = "23456789"
_PW_SYMBOLS = "#%+=@!?"


def temporary_password(length: int | None = None) -> str:
    """A random password meeting the complexity rules (all four classes), for a reset or a new account."""
    length = max(length or 0, settings.PASSWORD_MIN_LENGTH, 12)
    classes = (_PW_LOWER, _PW_UPPER, _PW_DIGITS, _PW_SYMBOLS)
    chars = [secrets.choice(c) for c in classes]
    everything = "".join(classes)
    chars += [secrets.choice(everything) for _i in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
