"""The demo's accounts: one per role, all with the published password `DEMO_PASSWORD` — the second
part of `gefeng demo` (see `core.demo`), after the organisation tree.

Accounts made with `gefeng createadmin` survive a reset: they are detached from the tree before it is
deleted and re-attached to their organisation afterwards (by code, then by path, else the county).
In production the demo accounts must change their password at first login, and `gefeng demo
--disable` switches them off (`check --deploy` refuses active ones).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from gefeng.accounts import services as account_services
from gefeng.accounts.models import LoginEvent, User, UserSession
from gefeng.accounts.roles import RoleCode
from gefeng.core import audit
from gefeng.core.actors import SYSTEM
from gefeng.orgs import demo as orgs_demo
from gefeng.orgs.demo import MEMBER_UNITS, NAMED

DEMO_PASSWORD = "Gefeng@2026"  # noqa: S105 - published on purpose; production forces a change


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str  # a RoleCode, or "" for the system administrator
    org: str  # "county", a member unit's short name, a town name or a NAMED key


_ACCOUNTS: list[Account] = [
    Account("admin", "王立新", "", "county"),
    Account("xianzong", "张明", RoleCode.COUNTY_ADMIN, "county"),
    Account("renshe", "李静", RoleCode.MEMBER_UNIT, "县人社局"),
    Account("longgu", "孟凡军", RoleCode.TOWN_OFFICER, "龙固镇"),
    Account("xinge", "刘建国", RoleCode.ENTERPRISE_CHAIR, "xinge"),
    Account("henghui", "赵红梅", RoleCode.ENTERPRISE_CHAIR, "henghui"),
    Account("shenji", "陈晓燕", RoleCode.AUDITOR, "county"),
    Account("anquan", "周涛", RoleCode.SECURITY_ADMIN, "county"),
    Account("zhigong", "孙大伟", RoleCode.WORKER, "xinge"),
]


def _org_name(key: str) -> str:
    if key == "county":
        return "沛县"
    for unit in MEMBER_UNITS:
        if key == unit[1]:
            return unit[0]
    for named in NAMED:
        if key == named.key:
            return named.name
    return key


def _role_label(role: str) -> str:
    return str(RoleCode(role).label) if role else "系统管理员"


# (username, role in Chinese, organisation) — for README, docs and e2e tests.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [(a.username, _role_label(a.role), _org_name(a.org)) for a in _ACCOUNTS]


# Users made outside the demo that hung on the tree being replaced: (pk, org code, org path).
_others: list[tuple[int, str, str]] = []


def clear() -> None:
    """Delete the demo accounts (with their sessions) and detach every other user from the tree."""
    demo_users = User.objects.filter(is_demo=True)
    keys = UserSession.objects.filter(user__in=demo_users).values_list("session_key", flat=True)
    Session.objects.filter(session_key__in=list(keys)).delete()
    for rel in orgs_demo.protected_relations(User):
        rel.related_model._base_manager.filter(**{f"{rel.field.name}__is_demo": True}).delete()
    demo_users.delete()  # role grants and sessions go with them
    _others[:] = User.objects.filter(org__isnull=False).values_list("pk", "org__code", "org__path").order_by("pk")
    User.objects.filter(org__isnull=False).update(org=None)


def _reattach() -> None:
    nodes = orgs_demo.tree_nodes()
    by_code = {n.code: n for n in nodes if n.code}
    by_path = {n.path: n for n in nodes}
    county = orgs_demo.node("county")
    targets: dict[int, list[int]] = {}
    for pk, code, path in _others:
        target = (by_code.get(code) if code else None) or by_path.get(path) or county
        targets.setdefault(target.pk, []).append(pk)
    for node_pk, user_pks in targets.items():
        User.objects.filter(pk__in=user_pks).update(org_id=node_pk)
    _others.clear()


def _clear_lockouts() -> None:
    """Failed logins of a previous demo must not keep the new accounts locked."""
    window = dt.timedelta(minutes=2 * settings.LOCKOUT_MINUTES)
    names = [a.username for a in _ACCOUNTS]
    account_services.lockouts_clear(names)
    locked = set(
        LoginEvent.objects.filter(username__in=names, success=False, at__gte=timezone.now() - window).values_list(
            "username", flat=True
        )
    )
    LoginEvent.objects.bulk_create(
        [
            LoginEvent(username=name, success=True, reason=account_services.REASON_UNLOCKED, ip="", user_agent="demo")
            for name in names
            if name in locked
        ]
    )


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, int]:
    _reattach()
    for acc in _ACCOUNTS:
        account_services.user_create(
            actor=SYSTEM,
            username=acc.username,
            name=acc.name,
            org=orgs_demo.node(acc.org),
            password=DEMO_PASSWORD,
            roles={acc.role} if acc.role else set(),
            superuser=not acc.role,
            is_demo=True,
            must_change=settings.PRODUCTION,
        )
    _clear_lockouts()
    return {"accounts": len(_ACCOUNTS)}


def disable() -> int:
    """Deactivate every demo account and end its sessions; return how many were active."""
    users = list(User.objects.filter(is_demo=True, is_active=True).order_by("username"))
    ids = [u.pk for u in users]
    keys = list(UserSession.objects.filter(user_id__in=ids).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user_id__in=ids, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason="disabled"
    )
    User.objects.filter(pk__in=ids).update(is_active=False)
    audit.record(
        actor=SYSTEM,
        action="core.demo.disabled",
        object_type="accounts.user",
        object_repr="演示账号",
        changes={"usernames": [u.username for u in users]},
    )
    return len(users)


def credentials() -> list[tuple[str, str, str, str]]:
    """(username, role, organisation, password) of each demo account, for the command's table."""
    return [(username, role, org, DEMO_PASSWORD) for username, role, org in DEMO_ACCOUNTS]
