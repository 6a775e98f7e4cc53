"""Accounts: logins, lock-out, sessions, passwords, roles and the second factor.

Every change is audited. Lock-out counts failures in the login log per account and per client
address: after LOCKOUT_FAILURES failures within LOCKOUT_MINUTES the account (or address) is
refused for LOCKOUT_MINUTES from the last failure. Numbers come from settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login, logout, password_validation
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


def _locked_until(**where: str) -> dt.datetime | None:
    window = dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    now = timezone.now()
    recent = LoginEvent.objects.filter(at__gte=now - 2 * window, **where).exclude(reason=REASON_LOCKED)
    last_ok = recent.filter(success=True).order_by("-at").values_list("at", flat=True).first()
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
    by_user = _locked_until(username=username) if username else None
    by_ip = _locked_until(ip=ip) if ip else None
    ends = [t for t in (by_user, by_ip) if t]
    return max(ends) if ends else None


def _log(username: str, *, success: bool, reason: str = "", user: User | None = None) -> None:
    info = context.current()
    LoginEvent.objects.create(
        username=username[:150], success=success, reason=reason, user=user, ip=info.ip, user_agent=info.user_agent
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
        minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
        return LoginResult(error=f"登录失败次数过多，账号或地址已锁定，请 {minutes} 分钟后再试或联系安全管理员解锁。")
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
        defaults={"user": user, "ip": info.ip, "user_agent": info.user_agent, "ended_at": None, "end_reason": ""},
    )
    _log(user.username, success=True, user=user)
    if settings.PRODUCTION and user.is_demo and user.password_changed_at is None:
        User.objects.filter(pk=user.pk).update(must_change_password=True)


def logout_user(request: HttpRequest, reason: str = "logout") -> None:
    key = request.session.session_key
    logout(request)
    if key:
        UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )


def password_expired(user: User) -> bool:
    if user.must_change_password:
        return True
    if settings.PRODUCTION and user.is_demo and user.password_changed_at is None:
        return True
    if settings.PASSWORD_MAX_AGE_DAYS and user.password_changed_at:
        return timezone.now() - user.password_changed_at > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    return False


# ---------------------------------------------------------------- sessions


@transaction.atomic
def session_end(*, actor: User, session: UserSession, reason: str = "forced") -> None:
    """Force a logout: the session row is removed from the store and marked ended."""
    if session.user_id != actor.pk:
        scope.require(actor, session, "sessions.manage")
    Session.objects.filter(session_key=session.session_key).delete()
    UserSession.objects.filter(pk=session.pk).update(ended_at=timezone.now(), end_reason=reason)
    audit.record(actor=actor, action="accounts.session.ended", obj=session.user,
                 changes={"ip": session.ip, "reason": reason})


# ---------------------------------------------------------------- passwords


@transaction.atomic
def password_change(*, actor: User, user: User, new_password: str, old_password: str | None = None) -> None:
    """A user changes their own password (old one required) or an administrator resets it.

    After a reset the user must choose a new password at the next login.
    """
    own = actor.pk == user.pk
    if own:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError({"old_password": ["原密码不正确。"]})
        if old_password == new_password:
            raise ValidationError({"new_password1": ["新密码不能与原密码相同。"]})
    else:
        scope.require(actor, user, "accounts.manage")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = not own
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record(actor=actor, action="accounts.password.changed" if own else "accounts.password.reset", obj=user,
                 changes={"password": ["", "******"]})


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
    *, actor: Any, username: str, name: str, org: OrgNode | None, password: str, phone: str = "",
    roles: set[str] | None = None, superuser: bool = False, is_demo: bool = False, must_change: bool = True,
) -> User:
    """Create an account. Roles other than business roles can only come from the command line."""
    if actor is not None:
        scope.require_perm(actor, "accounts.manage")
        if org is not None and not (actor.is_superuser or scope.can(actor, org, "orgs.view") or
                                    scope.has_perm(actor, "accounts.roles")):
            raise PermissionDenied
        if superuser:
            raise PermissionDenied
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
        username=username, name=name.strip(), org=org, phone=phone, is_superuser=superuser, is_staff=superuser,
        is_demo=is_demo, must_change_password=must_change, password_changed_at=timezone.now(),
    )
    user.set_password(password)
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in sorted(roles)])
    audit.record(
        actor=actor, action="accounts.user.created", obj=user,
        changes={"org": str(org) if org else "", "roles": sorted(roles), "superuser": superuser, "phone": phone},
    )
    return user


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: set[str]) -> User:
    """Replace a user's roles (安全管理员 only; never their own)."""
    scope.require(actor, user, "accounts.roles")
    if actor.pk == user.pk:
        raise ValidationError({"roles": ["不能给自己授权。"]})
    roles = set(roles)
    _check_duties(roles, superuser=user.is_superuser)
    if any(ROLES[r].duty != DUTY_BUSINESS for r in roles):
        raise ValidationError({"roles": ["安全管理员、审计管理员只能用命令 gefeng createadmin 创建。"]})
    if roles and user.org is None:
        raise ValidationError({"roles": ["请先为该用户指定所属组织。"]})
    before = sorted(user.role_codes())
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles - set(before)])
    user._role_codes = None  # type: ignore[attr-defined]
    if before != sorted(roles):
        audit.record(actor=actor, action="accounts.user.roles_changed", obj=user, changes={"roles": [before, sorted(roles)]})
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, name: str, org: OrgNode | None, phone: str, is_active: bool) -> User:
    scope.require(actor, user, "accounts.manage")
    if actor.pk == user.pk and not is_active:
        raise ValidationError({"is_active": ["不能停用自己的账号。"]})
    if not name.strip():
        raise ValidationError({"name": ["请填写姓名。"]})
    fields = ("name", "org", "phone", "is_active")
    before = audit.snapshot(user, fields)
    user.name, user.org, user.phone, user.is_active = name.strip(), org, phone, is_active
    changes = audit.diff(before, audit.snapshot(user, fields))
    if changes:
        user.save(update_fields=["name", "org", "phone", "is_active"])
        if not is_active:
            for s in UserSession.objects.filter(user=user, ended_at__isnull=True):
                Session.objects.filter(session_key=s.session_key).delete()
            UserSession.objects.filter(user=user, ended_at__isnull=True).update(
                ended_at=timezone.now(), end_reason="disabled"
            )
        audit.record(actor=actor, action="accounts.user.updated", obj=user, changes=changes)
    return user


@transaction.atomic
def user_unlock(*, actor: User, username: str) -> None:
    scope.require_perm(actor, "accounts.manage")
    user = User.objects.filter(username=username).first()
    if user is not None:
        scope.require(actor, user, "accounts.manage")
    LoginEvent.objects.create(username=username, success=True, reason=REASON_UNLOCKED, user=user,
                              ip=context.current().ip, user_agent="")
    audit.record(actor=actor, action="accounts.user.unlocked", obj=user, object_repr=username,
                 object_type="accounts.user")


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
    if actor.pk != user.pk:
        scope.require(actor, user, "accounts.manage")
    user.totp_secret = ""
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    audit.record(actor=actor, action="accounts.totp.disabled", obj=user)
