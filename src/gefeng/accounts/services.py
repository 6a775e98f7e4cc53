"""Accounts: logins, lock-out, sessions, passwords, roles and the second factor.

Every change is audited. Lock-out counts failures per account and per client address
(`LoginThrottle`): after LOCKOUT_FAILURES failures in a window of LOCKOUT_MINUTES (counted from
the first failure) the account (or address) is refused for LOCKOUT_MINUTES from the last
failure. Every login attempt is in the login log too. Numbers come from settings.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login, logout, password_validation, update_session_auth_hash
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gefeng.accounts.models import LoginEvent, LoginThrottle, PasswordHistory, RoleGrant, User, UserSession
from gefeng.accounts.roles import DUTY_BUSINESS, ROLES, duties_of
from gefeng.core import audit, context, scope
from gefeng.orgs.models import OrgNode

REASON_LOCKED = "locked"
REASON_UNLOCKED = "unlocked"
REASON_ADDRESS_UNLOCKED = "ip_unlocked"
# Login-log reasons of a failed attempt (a refusal while locked is one too).
FAILURE_REASONS = ("bad_password", "bad_totp", REASON_LOCKED)
ACCOUNT_PREFIX = "u:"
ADDRESS_PREFIX = "ip:"
# At most this many addresses of one account are looked at when it is unlocked or shown.
MAX_LOCK_ADDRESSES = 50


# ---------------------------------------------------------------- lock-out and login log


def _bucket_user(username: str) -> str:
    return f"{ACCOUNT_PREFIX}{username[:150]}"


def _bucket_ip(ip: str) -> str:
    return f"{ADDRESS_PREFIX}{ip[:45]}"


def _limit(bucket: str) -> int:
    """Failures that lock a counter: an account's own limit, or the higher one of an address."""
    return settings.LOCKOUT_ADDRESS_FAILURES if bucket.startswith(ADDRESS_PREFIX) else settings.LOCKOUT_FAILURES


def _reserve(bucket: str) -> bool:
    """Take one attempt's slot in a counter; False when the counter is locked or full.

    The row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions
    serialise writers) while it is read and raised, so of any number of parallel attempts at
    most the counter's limit (`_limit`) get their password checked. A full counter without a lock means the
    remaining slots are taken by attempts still being checked.
    """
    now = timezone.now()
    window = dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            bucket=bucket, defaults={"count": 0, "window_start": now}
        )
        if row.locked_until is not None and row.locked_until > now:
            return False
        if row.locked_until is not None or row.window_start < now - window:
            row.count, row.window_start, row.locked_until = 0, now, None
        if row.count >= _limit(bucket):
            return False
        row.count += 1
        row.save(update_fields=["count", "window_start", "locked_until"])
        return True


def _settle(bucket: str, *, failed: bool = False, reset: bool = False) -> None:
    """End an attempt: a failure keeps its slot (and locks a full counter), a success gives it
    back; `reset` clears the counter (an account's own success, an unlock)."""
    now = timezone.now()
    with transaction.atomic():
        row = LoginThrottle.objects.select_for_update().filter(bucket=bucket).first()
        if row is None:
            return
        if reset:
            row.count, row.window_start, row.locked_until = 0, now, None
        elif failed:
            if row.count >= _limit(bucket):
                row.locked_until = now + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
        else:
            row.count = max(0, row.count - 1)
        row.save(update_fields=["count", "window_start", "locked_until"])


def _buckets(username: str, ip: str) -> list[str]:
    return [_bucket_user(username)] + ([_bucket_ip(ip)] if ip else [])


def _begin_attempt(username: str, ip: str) -> list[str] | None:
    """Reserve the account's and the address's slots; None (nothing held) when either is locked."""
    held: list[str] = []
    for bucket in _buckets(username, ip):
        if not _reserve(bucket):
            for b in held:
                _settle(b)
            return None
        held.append(bucket)
    return held


def lock_status(username: str, ip: str) -> dt.datetime | None:
    """When the account or the address is locked, the time the lock ends.

    An account's count restarts at its own success or an unlock; an address's only when its
    lock ends, so one valid account cannot be used to keep guessing others from that address.
    """
    names = ([_bucket_user(username)] if username else []) + ([_bucket_ip(ip)] if ip else [])
    if not names:
        return None
    ends = [
        t
        for t in LoginThrottle.objects.filter(bucket__in=names, locked_until__gt=timezone.now()).values_list(
            "locked_until", flat=True
        )
        if t is not None
    ]
    return max(ends) if ends else None


def lockouts_clear(usernames: list[str]) -> None:
    """Forget the counters of these accounts (the demo reloads its accounts with them)."""
    LoginThrottle.objects.filter(bucket__in=[_bucket_user(n) for n in usernames]).delete()


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


def _locked_result(username: str, ip: str, user: User | None = None) -> LoginResult:
    _log(username, success=False, reason=REASON_LOCKED, user=user)
    until = lock_status(username, ip) or timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    return LoginResult(error=lock_message(until))


def login_check(request: HttpRequest, username: str, password: str) -> LoginResult:
    """First step of a login: lock-out, then the password. Logs the attempt."""
    username = username.strip()
    info = context.current()
    held = _begin_attempt(username, info.ip)
    if held is None:
        return _locked_result(username, info.ip)
    try:
        user = authenticate(request, username=username, password=password)
    except BaseException:
        for b in held:
            _settle(b)
        raise
    if user is None:
        for b in held:
            _settle(b, failed=True)
        _log(username, success=False, reason="bad_password")
        return LoginResult(error="用户名或密码错误。")
    for b in held:
        _settle(b)  # the account's count restarts when the login completes (login_complete)
    if user.totp_enabled:
        return LoginResult(user=user, needs_totp=True)
    return LoginResult(user=user)


def totp_check(user: User, code: str) -> bool:
    info = context.current()
    held = _begin_attempt(user.username, info.ip)
    if held is None:
        _log(user.username, success=False, reason=REASON_LOCKED, user=user)
        return False
    ok = bool(user.totp_secret) and pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1)
    for b in held:
        _settle(b, failed=not ok)
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
    _settle(_bucket_user(user.username), reset=True)


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
    """Whether the user must choose a new password before going on.

    `password_changed_at` is empty while the password is one somebody else chose (an account
    made by an administrator, by the demo or an import, or a reset): in production that always
    forces the change, whatever `must_change_password` says.
    """
    if user.must_change_password:
        return True
    if settings.PRODUCTION and user.password_changed_at is None:
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
    """Create an account. Roles other than business roles can only come from the command line.

    The password is the creator's choice, never the holder's: `password_changed_at` stays empty
    so that in production the first login asks for a new one. Business roles given by a
    person in the browser wait for the system administrator's confirmation (`rolegrant_confirm`);
    from the command line (actor None: whoever runs it holds the server) they hold at once.
    """
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
        password_changed_at=None,
    )
    user.set_password(password)
    user.save()
    _remember_password(user)
    _add_grants(actor, user, roles)
    audit.record(
        actor=actor,
        action="accounts.user.created",
        obj=user,
        changes={
            "org": str(org) if org else "",
            "roles": sorted(roles),
            "roles_pending": bool(roles) and actor is not None,
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
    pending_before = set(RoleGrant.objects.filter(user=user, confirmed_at__isnull=True).values_list("role", flat=True))
    # Taking a role away needs nobody else; a new role waits for the system administrator.
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    requested = roles - set(before) - pending_before
    _add_grants(actor, user, requested)
    user.__dict__.pop("_role_codes", None)  # roles changed: forget the cached set
    after = sorted(set(before) & roles)
    withdrawn = sorted(pending_before - roles)
    if before != after or requested or withdrawn:
        audit.record(
            actor=actor,
            action="accounts.user.roles_changed",
            obj=user,
            changes={
                "roles": audit.changed(before, after),
                "requested": sorted(requested),
                "withdrawn": sorted(withdrawn),
            },
        )
    return user


def _add_grants(actor: Any, user: User, roles: set[str]) -> None:
    now = None if actor is not None else timezone.now()
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=r, granted_by=actor, confirmed_at=now, confirmed_by=None) for r in sorted(roles)]
    )


def _pending_grant(actor: User, grant: RoleGrant) -> RoleGrant:
    """The system administrator — a person other than the grantor and the grantee — decides."""
    if not (scope.has_perm(actor, "accounts.confirm") and actor.is_superuser):
        raise PermissionDenied
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.confirmed_at is not None:
        raise ValidationError("该授权已经确认过了。")
    if actor.pk in (grant.granted_by_id, grant.user_id):
        raise ValidationError("授权须由授权人和被授权人以外的另一名管理员确认（三员分立）。")
    return grant


@transaction.atomic
def rolegrant_confirm(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """Put a pending business-role grant into force (the second person of 三员分立)."""
    grant = _pending_grant(actor, grant)
    _check_duties(grant.user.role_codes() | {grant.role}, superuser=grant.user.is_superuser)
    if not grant.user.is_active:
        raise ValidationError("该账号已停用，不能确认授权。")
    grant.confirmed_at = timezone.now()
    grant.confirmed_by = actor
    grant.save(update_fields=["confirmed_at", "confirmed_by"])
    grant.user.__dict__.pop("_role_codes", None)
    audit.record(
        actor=actor,
        action="accounts.role.confirmed",
        obj=grant.user,
        changes={"role": grant.role, "granted_by": str(grant.granted_by or "")},
    )
    return grant


@transaction.atomic
def rolegrant_reject(*, actor: User, grant: RoleGrant) -> None:
    """Refuse a pending grant: it is removed and the refusal audited."""
    grant = _pending_grant(actor, grant)
    user = grant.user
    grant.delete()
    audit.record(
        actor=actor,
        action="accounts.role.rejected",
        obj=user,
        changes={"role": grant.role, "granted_by": str(grant.granted_by or "")},
    )


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


@dataclass
class Lock:
    """One counter that refuses an account's logins: its own (`address` empty) or an address's."""

    address: str
    count: int
    locked_until: dt.datetime | None

    @property
    def is_account(self) -> bool:
        return not self.address


def failure_addresses(username: str) -> list[str]:
    """The addresses `username` failed from while a counter may still hold those failures.

    A failure stays in a counter for at most one window plus one lock (2 × LOCKOUT_MINUTES):
    the lock starts at the last counted failure, the window at most LOCKOUT_MINUTES before it.
    The login log's (username, at) index keeps this to the account's recent rows.
    """
    if not username:
        return []
    since = timezone.now() - 2 * dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    return list(
        LoginEvent.objects.filter(username=username[:150], success=False, at__gte=since)
        .exclude(ip="")
        .order_by("ip")
        .values_list("ip", flat=True)
        .distinct()[:MAX_LOCK_ADDRESSES]
    )


def account_locks(username: str) -> list[Lock]:
    """The locks in force that stop `username`: its own counter, then the addresses it failed from."""
    names = [_bucket_user(username)] + [_bucket_ip(ip) for ip in failure_addresses(username)]
    rows = LoginThrottle.objects.filter(bucket__in=names, locked_until__gt=timezone.now()).order_by("bucket")
    locks = [_lock_of(row) for row in rows]
    return sorted(locks, key=lambda lock: (not lock.is_account, lock.address))


def _lock_of(row: LoginThrottle) -> Lock:
    address = row.bucket[len(ADDRESS_PREFIX) :] if row.bucket.startswith(ADDRESS_PREFIX) else ""
    return Lock(address=address, count=row.count, locked_until=row.locked_until)


def locked_addresses(limit: int = 100) -> list[Lock]:
    """Addresses locked now, the latest lock first (the login log lists them for release)."""
    rows = LoginThrottle.objects.filter(locked_until__gt=timezone.now(), bucket__startswith=ADDRESS_PREFIX).order_by(
        "-locked_until", "bucket"
    )[:limit]
    return [_lock_of(row) for row in rows]


def _holds(row: LoginThrottle, now: dt.datetime) -> bool:
    """Whether a counter still holds anything: a lock in force or failures in its window."""
    if row.locked_until is not None:
        return row.locked_until > now
    return row.count > 0 and row.window_start >= now - dt.timedelta(minutes=settings.LOCKOUT_MINUTES)


def _clear(rows: list[LoginThrottle]) -> None:
    if rows:
        LoginThrottle.objects.filter(pk__in=[r.pk for r in rows]).update(
            count=0, window_start=timezone.now(), locked_until=None
        )


def _audit_address(actor: Any, row: LoginThrottle, *, username: str = "") -> None:
    address = row.bucket[len(ADDRESS_PREFIX) :]
    audit.record(
        actor=actor,
        action="accounts.address.unlocked",
        obj=row,
        object_repr=f"{address}（随账号 {username} 解锁）" if username else address,
        changes={
            "count": audit.changed(row.count, 0),
            "locked_until": audit.changed(row.locked_until, None),
        },
    )


@dataclass
class UnlockResult:
    account_locked: bool
    addresses: list[str]


@transaction.atomic
def user_unlock(*, actor: User, username: str) -> UnlockResult:
    """Clear every counter that stops an account: its own and those of the addresses it failed from.

    An address counter counts the failures of every account tried from it (an office gateway):
    it is cleared as a whole, and each address freed is audited on its own besides the account.
    """
    scope.require_perm(actor, "accounts.manage")
    user = User.objects.filter(username=username).first()
    if user is not None:
        scope.require(actor, user, "accounts.manage")
    now = timezone.now()
    own = _bucket_user(username)
    names = [own] + [_bucket_ip(ip) for ip in failure_addresses(username)]
    rows = list(LoginThrottle.objects.select_for_update().filter(bucket__in=names).order_by("bucket"))
    account = next((r for r in rows if r.bucket == own), None)
    account_locked = account is not None and account.locked_until is not None and account.locked_until > now
    held = [r for r in rows if r.bucket != own and _holds(r, now)]
    _clear([r for r in rows if r.bucket == own] + held)
    LoginEvent.objects.create(
        username=username,
        success=True,
        reason=REASON_UNLOCKED,
        user=user,
        ip="",  # unlocks the account, not the administrator's own address
        user_agent="",
    )
    addresses = [r.bucket[len(ADDRESS_PREFIX) :] for r in held]
    audit.record(
        actor=actor,
        action="accounts.user.unlocked",
        obj=user,
        object_repr=username,
        object_type="accounts.user",
        changes={
            "count": audit.changed(account.count if account else 0, 0),
            "locked_until": audit.changed(account.locked_until if account else None, None),
            "ip": addresses,
        },
    )
    for row in held:
        _audit_address(actor, row, username=username)
    return UnlockResult(account_locked=account_locked, addresses=addresses)


def normalise_address(text: str) -> str:
    """An IPv4 or IPv6 address as the platform writes it; ValidationError for anything else."""
    text = (text or "").strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValidationError({"ip": ["请填写正确的 IP 地址，如 10.1.2.3。"]}) from None


@transaction.atomic
def address_unlock(*, actor: User, ip: str) -> bool:
    """Clear one address's counter (an office gateway locked by several accounts' typos).

    True when the address held failures or a lock; False (nothing written) when it held none.
    """
    scope.require_perm(actor, "accounts.manage")
    address = normalise_address(ip)
    row = LoginThrottle.objects.select_for_update().filter(bucket=_bucket_ip(address)).first()
    if row is None or not _holds(row, timezone.now()):
        return False
    _clear([row])
    LoginEvent.objects.create(
        username="",
        success=True,
        reason=REASON_ADDRESS_UNLOCKED,
        user=None,
        ip=address,  # the address released, not the administrator's
        user_agent="",
    )
    _audit_address(actor, row)
    return True


# ---------------------------------------------------------------- production


def published_password_accounts() -> list[str]:
    """Active accounts that still open with a published password (the demo's, in the README).

    An Argon2 check costs about a tenth of a second, so not every account is tried: only the
    accounts flagged demo, those bearing a demo account's name and the administrators (system,
    security, audit) — a few dozen at most, whatever the number of users.
    """
    from django.db.models import Q

    from gefeng.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from gefeng.accounts.roles import RoleCode

    published = [DEMO_PASSWORD]
    names = [a[0] for a in DEMO_ACCOUNTS]
    admin_roles = [RoleCode.AUDITOR, RoleCode.SECURITY_ADMIN]
    candidates = (
        User.objects.filter(is_active=True)
        .filter(Q(is_demo=True) | Q(username__in=names) | Q(is_superuser=True) | Q(role_grants__role__in=admin_roles))
        .distinct()
        .order_by("username")
    )
    return [u.username for u in candidates if any(u.check_password(p) for p in published)]


def production_blockers() -> list[str]:
    """Why the platform must not serve in production yet (empty: nothing). `gefeng serve`
    refuses to start while this is not empty; `gefeng check --deploy` reports the same."""
    problems = []
    demo = list(User.objects.filter(is_demo=True, is_active=True).values_list("username", flat=True))
    if demo:
        problems.append(
            f"仍有 {len(demo)} 个启用的演示账号（{'、'.join(sorted(demo)[:9])}），请先执行 gefeng demo --disable。"
        )
    weak = published_password_accounts()
    if weak:
        problems.append(f"账号 {'、'.join(weak)} 仍可用公开的演示密码登录，请停用或用 gefeng setpassword 重置。")
    return problems


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
