"""Logins, the second-factor step, logout and the lock-out counters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gefeng.accounts.models import LoginEvent, LoginThrottle, User, UserSession
from gefeng.core import context

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
    """First step of a login: lock-out, then the password. Logs the attempt.

    Rule: lock-out after repeated failures — GB/T 22239-2019（等保 2.0） 8.1.4.1 身份鉴别
    b)（登录失败处理：限制非法登录次数）; the numbers are local settings GEFENG_LOCKOUT_FAILURES,
    GEFENG_LOCKOUT_ADDRESS_FAILURES, GEFENG_LOCKOUT_MINUTES (the standard gives none; lab practice ≈
    5 failures, 10–30 minutes).
    """
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
    """Rule: a second factor, one of them cryptographic — GB/T 22239-2019（等保 2.0） 8.1.4.1 d) (level 3)."""
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

    Rule: passwords change periodically — GB/T 22239-2019（等保 2.0） 8.1.4.1 a); the period is the
    setting GEFENG_PASSWORD_MAX_AGE_DAYS (lab practice 90 days).
    """
    if user.must_change_password:
        return True
    if settings.PRODUCTION and user.password_changed_at is None:
        return True
    if settings.PASSWORD_MAX_AGE_DAYS and user.password_changed_at:
        return timezone.now() - user.password_changed_at > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    return False
