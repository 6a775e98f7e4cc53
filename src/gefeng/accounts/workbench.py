"""Account administration on the home page (`core.workbench`): accounts locked out by failed
logins (for whoever may unlock them), role grants waiting for the system administrator's
confirmation, and, for the security administrator, the grants they made still unconfirmed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from gefeng.accounts.models import LoginThrottle, RoleGrant, User
from gefeng.core import scope, workbench

# Locked accounts looked at (the lock-out counters of accounts, `u:<username>`).
LOCKED_LIMIT = 500


def _locked(user: Any):
    names = list(
        LoginThrottle.objects.filter(locked_until__gt=timezone.now(), bucket__startswith="u:").values_list(
            "bucket", flat=True
        )[:LOCKED_LIMIT]
    )
    usernames = [n[2:] for n in names]
    return scope.permitted(user, User, "accounts.manage").filter(username__in=usernames)


def locked_count(user: Any) -> int:
    return workbench.capped(_locked(user))


def locked_link(user: Any) -> str:
    rows = list(_locked(user).order_by("username").values_list("pk", flat=True)[:2])
    if len(rows) == 1:
        return reverse("accounts:user-detail", args=[rows[0]])
    return reverse("accounts:user-list")


def pending_count(user: Any) -> int:
    return workbench.capped(
        scope.permitted(user, RoleGrant, "accounts.confirm").filter(confirmed_at__isnull=True).exclude(user_id=user.pk)
    )


def mine_pending_count(user: Any) -> int:
    return workbench.capped(
        scope.permitted(user, RoleGrant, "accounts.roles").filter(confirmed_at__isnull=True, granted_by_id=user.pk)
    )


workbench.register(
    workbench.Item(
        key="accounts.locked",
        label="被锁定的账号",
        perm="accounts.manage",
        count=locked_count,
        url_name="accounts:user-list",
        link=locked_link,
        order=60,
    ),
    workbench.Item(
        key="accounts.grants",
        label="待确认的角色授权",
        perm="accounts.confirm",
        count=pending_count,
        url_name="accounts:grant-list",
        order=61,
    ),
    workbench.Item(
        key="accounts.grants_mine",
        label="已授予、待系统管理员确认的角色",
        perm="accounts.roles",
        count=mine_pending_count,
        url_name="accounts:user-list",
        kind=workbench.REMIND,
        order=62,
    ),
)
