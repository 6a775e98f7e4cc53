"""Reads for the accounts pages. Every query starts from the viewer's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gefeng.accounts.models import LoginEvent, LoginThrottle, User, UserSession
from gefeng.accounts.roles import ROLES
from gefeng.accounts.services import ACCOUNT_PREFIX
from gefeng.core import scope
from gefeng.orgs.models import OrgNode


def live_sessions(qs: QuerySet[UserSession] | None = None) -> QuerySet[UserSession]:
    """Sessions not ended and not idle past the timeout (those end at their next request anyway)."""
    cutoff = timezone.now() - dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    qs = UserSession.objects.all() if qs is None else qs
    return qs.filter(ended_at__isnull=True, last_seen__gte=cutoff).select_related("user")


def scope_description(user: Any) -> str:
    if user.is_superuser:
        return _("全部数据（系统管理员）")
    labels = sorted({str(scope.SCOPE_LABELS[ROLES[c].scope]) for c in user.role_codes() if c in ROLES})
    return "、".join(labels) if labels else _("无（尚未授权）")


def org_ref(org: OrgNode | None) -> str:
    """How an org is typed into the user forms: its code, or `#id` for nodes without one."""
    if org is None:
        return ""
    return org.code or f"#{org.pk}"


def find_org(text: str) -> OrgNode | None:
    """The org a user form names by code (or `#id`); None when there is none."""
    text = text.strip().upper()
    if not text:
        return None
    if text.startswith("#"):
        digits = text[1:]
        return OrgNode.objects.filter(pk=int(digits)).first() if digits.isdigit() and len(digits) < 19 else None
    return OrgNode.objects.filter(code=text).first()


def org_labels(viewer: Any, orgs: Iterable[OrgNode | None]) -> dict[int, str]:
    """Names for the orgs the viewer may see; codes for the others.

    The security administrator manages accounts county-wide but holds no orgs.view (不看业务数据):
    users' orgs are shown to them by code only.
    """
    nodes = {o.pk: o for o in orgs if o is not None}
    if not nodes:
        return {}
    seen = set(scope.permitted(viewer, OrgNode, "orgs.view").filter(pk__in=nodes).values_list("pk", flat=True))
    return {pk: o.name if pk in seen else _hidden_label(o) for pk, o in nodes.items()}


def _hidden_label(org: OrgNode) -> str:
    return _("组织代码 %(code)s") % {"code": org.code} if org.code else _("组织 #%(id)s") % {"id": org.pk}


def org_label(viewer: Any, org: OrgNode | None) -> str:
    if org is None:
        return _("（未分配组织）")
    return org_labels(viewer, [org])[org.pk]


def with_roles(users: Iterable[User]) -> list[User]:
    """Fill each user's role cache from prefetched grants (the list shows roles on every row)."""
    out = list(users)
    for u in out:
        u._role_codes = {g.role for g in u.role_grants.all() if g.confirmed_at is not None}
    return out


def pending_roles(user: User) -> list[str]:
    """Roles granted to `user` that still wait for the system administrator's confirmation."""
    return sorted(user.role_grants.filter(confirmed_at__isnull=True).values_list("role", flat=True))


# Account states of the user list: (code, label, badge class). A user may be in several; 正常 is none.
STATE_LOCKED = "locked"
STATE_DISABLED = "disabled"
STATE_EXPIRED = "expired"
STATE_MUST_CHANGE = "must_change"
STATE_NORMAL = "normal"
STATES = {
    STATE_LOCKED: (gettext_lazy("已锁定"), "text-bg-danger"),
    STATE_DISABLED: (gettext_lazy("已停用"), "text-bg-secondary"),
    STATE_EXPIRED: (gettext_lazy("密码过期"), "text-bg-warning"),
    STATE_MUST_CHANGE: (gettext_lazy("须改密码"), "text-bg-warning"),
    STATE_NORMAL: (gettext_lazy("正常"), "text-bg-success"),
}


def state_choices() -> list[tuple[str, Any]]:
    """The states the filter offers; 密码过期 only while passwords expire (PASSWORD_MAX_AGE_DAYS > 0)."""
    return [(c, label) for c, (label, _cls) in STATES.items() if c != STATE_EXPIRED or settings.PASSWORD_MAX_AGE_DAYS]


def _locked_usernames() -> QuerySet[Any, Any]:
    """Login names whose own counter is locked now (the locked_until index bounds the rows)."""
    return (
        LoginThrottle.objects.filter(locked_until__gt=timezone.now(), bucket__startswith=ACCOUNT_PREFIX)
        .annotate(name=Substr("bucket", len(ACCOUNT_PREFIX) + 1))
        .values("name")
    )


def _expired_q() -> Q | None:
    """Passwords older than PASSWORD_MAX_AGE_DAYS (None: passwords do not expire)."""
    if not settings.PASSWORD_MAX_AGE_DAYS:
        return None
    return Q(password_changed_at__lt=timezone.now() - dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS))


def _must_change_q() -> Q:
    """As `services.password_expired`: flagged, or in production a password somebody else chose."""
    q = Q(must_change_password=True)
    if settings.PRODUCTION:
        q |= Q(password_changed_at__isnull=True)
    return q


def _filter_state(qs: QuerySet[User], state: str) -> QuerySet[User]:
    expired = _expired_q()
    if state == STATE_LOCKED:
        return qs.filter(username__in=_locked_usernames())
    if state == STATE_DISABLED:
        return qs.filter(is_active=False)
    if state == STATE_EXPIRED:
        return qs.filter(expired) if expired is not None else qs.none()
    if state == STATE_MUST_CHANGE:
        return qs.filter(_must_change_q())
    if state == STATE_NORMAL:
        qs = qs.filter(is_active=True).exclude(_must_change_q()).exclude(username__in=_locked_usernames())
        return qs.exclude(expired) if expired is not None else qs
    return qs


def user_states(users: Iterable[User]) -> dict[int, list[str]]:
    """Each user's states (empty: 正常), with one query for the locks of all of them."""
    rows = list(users)
    buckets = {f"{ACCOUNT_PREFIX}{u.username}": u.pk for u in rows}
    locked = {
        buckets[b]
        for b in LoginThrottle.objects.filter(bucket__in=buckets, locked_until__gt=timezone.now()).values_list(
            "bucket", flat=True
        )
    }
    now = timezone.now()
    max_age = dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS) if settings.PASSWORD_MAX_AGE_DAYS else None
    out: dict[int, list[str]] = {}
    for u in rows:
        states = []
        if u.pk in locked:
            states.append(STATE_LOCKED)
        if not u.is_active:
            states.append(STATE_DISABLED)
        if max_age is not None and u.password_changed_at is not None and now - u.password_changed_at > max_age:
            states.append(STATE_EXPIRED)
        if u.must_change_password or (settings.PRODUCTION and u.password_changed_at is None):
            states.append(STATE_MUST_CHANGE)
        out[u.pk] = states
    return out


def user_list(
    viewer: Any,
    *,
    q: str = "",
    role: str = "",
    under: OrgNode | None = None,
    active: str = "",
    state: str = "",
) -> QuerySet[User]:
    qs = scope.permitted(viewer, User, "accounts.view").select_related("org").prefetch_related("role_grants")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(name__icontains=q))
    if role == "system":
        qs = qs.filter(is_superuser=True)
    elif role:
        qs = qs.filter(role_grants__role=role, role_grants__confirmed_at__isnull=False)
    if under is not None:
        qs = qs.filter(scope.subtree_q("org__", under.path))
    if active == "1":
        qs = qs.filter(is_active=True)
    elif active == "0":
        qs = qs.filter(is_active=False)
    if state:
        qs = _filter_state(qs, state)
    return qs.order_by("username")


def login_events(
    viewer: Any,
    *,
    username: str = "",
    ip: str = "",
    success: bool | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[LoginEvent]:
    qs = scope.permitted(viewer, LoginEvent, "loginlog.view")
    if username:
        qs = qs.filter(username=username)
    if ip:
        qs = qs.filter(ip=ip)
    if success is not None:
        qs = qs.filter(success=success)
    if start is not None:
        qs = qs.filter(at__gte=start)
    if end is not None:
        qs = qs.filter(at__lt=end)
    return qs.order_by("-at", "-id")


def holders(perm: str, org_ids: Iterable[int]) -> QuerySet[User]:
    """Active users at these organisations whose confirmed roles grant `perm` (who to remind)."""
    codes = [code for code, role in ROLES.items() if perm in role.perms]
    return (
        User.objects.filter(
            org_id__in=list(org_ids),
            is_active=True,
            role_grants__role__in=codes,
            role_grants__confirmed_at__isnull=False,
        )
        .distinct()
        .order_by("pk")
    )
