"""Accounts: logins, lock-out, sessions, passwords, roles and the second factor.

Every change is audited. Lock-out counts failures in the login log per account and per client
address: after LOCKOUT_FAILURES failures within LOCKOUT_MINUTES the account (or address) is
refused for LOCKOUT_MINUTES from the last failure. Numbers come from settings.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login, logout, password_validation, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gefeng.accounts.models import LoginEvent, RoleGrant, User, UserSession
from gefeng.accounts.roles import DUTY_BUSINESS, ROLES, duties_of
from gefeng.core import audit, context, scope
from gefeng.orgs.models import OrgNode

REASON_LOCKED = "locked"
REASON_UNLOCKED = "unlocked"


# ---------------------------------------------------------------- lock-out and login log


def _locked_until(*, reset_on_success: bool, **where: str) -> dt.datetime | None:
    window = dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    now = timezone.now()
    recent = LoginEvent.objects.filter(at__gte=now - 2 * window, **where).exclude(reason=REASON_LOCKED)
    # An account's count restarts at its own success or an unlock; an address's only at an
    # unlock, so one valid account cannot be used to keep guessing others from that address.
    resets = recent.filter(success=True) if reset_on_success else recent.filter(reason=REASON_UNLOCKED)
    last_ok = resets.order_by("-at").values_list("at", flat=True).first()
    fails = recent.filter(success=False)
    if last_ok:
        fails = fails.filter(at__gt=last_ok)
    times = list(fails.order_by("-at").values_list("at", flat=True)[: settings.LOCKOUT_FAILURES])
    if len(times) < settings.LOCKOUT_FAILURES:
        return None
    newest, oldest = times[0], times[-1]
    if newest - oldest <= window and now < newest + window:
        return newest + window
    return None


def lock_status(username: str, ip: str) -> dt.datetime | None:
    """When the account or the address is locked, the time the lock ends."""
    by_user = _locked_until(reset_on_success=True, username=username) if username else None
    by_ip = _locked_until(reset_on_success=False, ip=ip) if ip else None
    ends = [t for t in (by_user, by_ip) if t]
    return max(ends) if ends else None


def lock_message(until: dt.datetime) -> str:
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return f"登录失败次数过多，账号或地址已锁定，请 {minutes} 分钟后再试或联系安全管理员解锁。"


def _log(username: str, *, success: bool, reason: str = "", user: User | None = None) -> None:
    info = context.current()
    LoginEvent.objects.create(
        username=username[:150],
        success=success,
        reason=reason,
        user=user,
        ip=info.ip,
        user_agent=info.user_agent,
    )


@dataclass
class LoginResult:
    user: User | None = None
    error: str = ""
    needs_totp: bool = False


def login_check(request: HttpRequest, username: str, password: str) -> LoginResult:
    """First step of a login: lock-out, then the password. Logs the attempt."""
    username = username.strip()
    info = context.current()
    until = lock_status(username, info.ip)
    if until:
        _log(username, success=False, reason=REASON_LOCKED)
        return LoginResult(error=lock_message(until))
    user = authenticate(request, username=username, password=password)
    if user is None:
        _log(username, success=False, reason="bad_password")
        return LoginResult(error="用户名或密码错误。")
    if user.totp_enabled:
        return LoginResult(user=user, needs_totp=True)
    return LoginResult(user=user)


def totp_check(user: User, code: str) -> bool:
    info = context.current()
    if lock_status(user.username, info.ip):
        _log(user.username, success=False, reason=REASON_LOCKED, user=user)
        return False
    ok = bool(user.totp_secret) and pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1)
    if not ok:
        _log(user.username, success=False, reason="bad_totp", user=user)
    return ok


@transaction.atomic
def login_complete(request: HttpRequest, user: User) -> None:
    """Log the user in, register the session and note the success."""
    login(request, user, backend="gefeng.accounts.backends.GuardedModelBackend")
    info = context.current()
    request.session["gefeng_last"] = timezone.now().timestamp()
    request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": info.ip,
            "user_agent": info.user_agent,
            "ended_at": None,
            "end_reason": "",
        },
    )
    _log(user.username, success=True, user=user)
    if settings.PRODUCTION and user.is_demo and user.password_changed_at is None:
        User.objects.filter(pk=user.pk).update(must_change_password=True)


def logout_user(request: HttpRequest, reason: str = "logout") -> None:
    key = request.session.session_key
    # Mark the row first: logout() fires user_logged_out, whose receiver would record "logout"
    # instead of the real reason (idle, forced, …).
    if key:
        UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )
    logout(request)


def password_expired(user: User) -> bool:
    if user.must_change_password:
        return True
    if settings.PRODUCTION and user.is_demo and user.password_changed_at is None:
        return True
    if settings.PASSWORD_MAX_AGE_DAYS and user.password_changed_at:
        return timezone.now() - user.password_changed_at > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    return False


# ---------------------------------------------------------------- sessions


def _end_sessions(user: User, reason: str, *, keep_key: str | None = None) -> int:
    """End every live session of `user` (except `keep_key`): remove them from the store and mark them."""
    live = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_key:
        live = live.exclude(session_key=keep_key)
    keys = list(live.values_list("session_key", flat=True))
    if not keys:
        return 0
    Session.objects.filter(session_key__in=keys).delete()
    return UserSession.objects.filter(session_key__in=keys).update(ended_at=timezone.now(), end_reason=reason)


@transaction.atomic
def session_rehash(request: HttpRequest, user: User) -> None:
    """Keep the current login alive after the user changed their own password.

    Django renews the session key when the password hash changes; the live-session row follows
    it, or the session middleware would take the renewed session for a forced logout. The change
    itself is audited by `password_change`.
    """
    if request.user.pk != user.pk:
        raise PermissionDenied
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def session_end(*, actor: User, session: UserSession, reason: str = "forced") -> None:
    """Force a logout: the session row is removed from the store and marked ended."""
    if session.user_id != actor.pk:
        scope.require(actor, session, "sessions.manage")
    Session.objects.filter(session_key=session.session_key).delete()
    UserSession.objects.filter(pk=session.pk).update(ended_at=timezone.now(), end_reason=reason)
    audit.record(
        actor=actor,
        action="accounts.session.ended",
        obj=session.user,
        changes={"ip": session.ip, "reason": reason},
    )


# ---------------------------------------------------------------- passwords


def holds_admin_duty(user: User) -> bool:
    """Whether the account carries one of the three separated duties (system, security, audit)."""
    return bool(duties_of(user.role_codes(), superuser=user.is_superuser))


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
    """
    own = actor is not None and actor.pk == user.pk
    if actor is None:
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
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = not own
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    ended = _end_sessions(
        user, "password_changed" if own else "password_reset", keep_key=keep_session_key if own else None
    )
    audit.record(
        actor=actor,
        action="accounts.password.changed" if own else "accounts.password.reset",
        obj=user,
        changes={"password": audit.changed("", "******"), "sessions_ended": ended},
    )


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


# ---------------------------------------------------------------- users and roles


def _check_duties(codes: set[str], *, superuser: bool) -> None:
    unknown = codes - set(ROLES)
    if unknown:
        raise ValidationError({"roles": [f"未知角色：{'、'.join(sorted(unknown))}。"]})
    duties = duties_of(codes, superuser=superuser)
    if len(duties) > 1 or (duties and any(ROLES[c].duty == DUTY_BUSINESS for c in codes)):
        raise ValidationError(
            {"roles": ["系统管理、安全管理、审计管理三种职责须由不同账号担任，也不能与业务角色兼任（三员分立）。"]}
        )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    name: str,
    org: OrgNode | None,
    password: str,
    phone: str = "",
    roles: set[str] | None = None,
    superuser: bool = False,
    is_demo: bool = False,
    must_change: bool = True,
) -> User:
    """Create an account. Roles other than business roles can only come from the command line."""
    if actor is not None:
        scope.require_perm(actor, "accounts.manage")
        if org is not None and not (
            actor.is_superuser or scope.can(actor, org, "orgs.view") or scope.has_perm(actor, "accounts.roles")
        ):
            raise PermissionDenied
        if superuser:
            raise PermissionDenied
        # Granting roles is the security administrator's duty alone, also when creating (三员分立).
        if roles and not scope.has_perm(actor, "accounts.roles"):
            raise PermissionDenied
        if roles and any(c in ROLES and ROLES[c].duty != DUTY_BUSINESS for c in roles):
            raise ValidationError({"roles": ["安全管理员、审计管理员只能用命令 gefeng createadmin 创建。"]})
    username = username.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = ["请填写登录名。"]
    elif User.objects.filter(username=username).exists():
        errors["username"] = ["该登录名已被使用。"]
    if not name.strip():
        errors["name"] = ["请填写姓名。"]
    roles = set(roles or ())
    try:
        _check_duties(roles, superuser=superuser)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    probe = User(username=username, name=name)
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        name=name.strip(),
        org=org,
        phone=phone,
        is_superuser=superuser,
        is_staff=superuser,
        is_demo=is_demo,
        must_change_password=must_change,
        password_changed_at=timezone.now(),
    )
    user.set_password(password)
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in sorted(roles)])
    audit.record(
        actor=actor,
        action="accounts.user.created",
        obj=user,
        changes={
            "org": str(org) if org else "",
            "roles": sorted(roles),
            "superuser": superuser,
            "phone": phone,
        },
    )
    return user


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: set[str]) -> User:
    """Replace a user's roles (安全管理员 only; never their own)."""
    scope.require(actor, user, "accounts.roles")
    if actor.pk == user.pk:
        raise ValidationError({"roles": ["不能给自己授权。"]})
    if holds_admin_duty(user):
        raise ValidationError(
            {"roles": ["管理员账号（系统、安全、审计）的职责只能在服务器上用命令行调整（三员分立）。"]}
        )
    roles = set(roles)
    _check_duties(roles, superuser=user.is_superuser)
    if any(ROLES[r].duty != DUTY_BUSINESS for r in roles):
        raise ValidationError({"roles": ["安全管理员、审计管理员只能用命令 gefeng createadmin 创建。"]})
    if roles and user.org is None:
        raise ValidationError({"roles": ["请先为该用户指定所属组织。"]})
    before = sorted(user.role_codes())
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles - set(before)])
    user.__dict__.pop("_role_codes", None)  # roles changed: forget the cached set
    if before != sorted(roles):
        audit.record(
            actor=actor,
            action="accounts.user.roles_changed",
            obj=user,
            changes={"roles": audit.changed(before, sorted(roles))},
        )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, name: str, org: OrgNode | None, phone: str, is_active: bool) -> User:
    scope.require(actor, user, "accounts.manage")
    if actor.pk != user.pk and holds_admin_duty(user):
        raise ValidationError("管理员账号（系统、安全、审计）只能由本人修改，或在服务器上用命令行调整（三员分立）。")
    if actor.pk == user.pk and not is_active:
        raise ValidationError({"is_active": ["不能停用自己的账号。"]})
    if not name.strip():
        raise ValidationError({"name": ["请填写姓名。"]})
    if org is None and any(ROLES[c].duty == DUTY_BUSINESS for c in user.role_codes() if c in ROLES):
        raise ValidationError({"org": ["该用户有业务角色，其数据范围以所属组织为准，不能清除所属组织。"]})
    fields = ("name", "org", "phone", "is_active")
    before = audit.snapshot(user, fields)
    user.name, user.org, user.phone, user.is_active = name.strip(), org, phone, is_active
    changes = audit.diff(before, audit.snapshot(user, fields))
    if changes:
        user.save(update_fields=["name", "org", "phone", "is_active"])
        if not is_active:
            _end_sessions(user, "disabled")
        audit.record(actor=actor, action="accounts.user.updated", obj=user, changes=changes)
    return user


@transaction.atomic
def user_unlock(*, actor: User, username: str) -> None:
    scope.require_perm(actor, "accounts.manage")
    user = User.objects.filter(username=username).first()
    if user is not None:
        scope.require(actor, user, "accounts.manage")
    LoginEvent.objects.create(
        username=username,
        success=True,
        reason=REASON_UNLOCKED,
        user=user,
        ip="",  # unlocks the account, not the administrator's own address
        user_agent="",
    )
    audit.record(
        actor=actor,
        action="accounts.user.unlocked",
        obj=user,
        object_repr=username,
        object_type="accounts.user",
    )


# ---------------------------------------------------------------- second factor


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="歌风平台")


@transaction.atomic
def totp_enable(*, actor: User, secret: str, code: str) -> None:
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
