"""Lifting lock-outs: of an account (with its addresses) and of one address."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.accounts.models import LoginEvent, LoginThrottle, User
from gefeng.accounts.services.logins import (
    ADDRESS_PREFIX,
    MAX_LOCK_ADDRESSES,
    REASON_ADDRESS_UNLOCKED,
    REASON_UNLOCKED,
    _bucket_ip,
    _bucket_user,
)
from gefeng.core import audit, scope


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
