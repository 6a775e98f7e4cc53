"""The helpers every registry page shares: finding a member or a node in the user's sight,
the unions a user may change, the teams under a union."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.members import exporting
from gefeng.members.models import Member
from gefeng.orgs.models import Kind, OrgNode
from gefeng.orgs.selectors import visible_nodes

UNION_SELECT_LIMIT = 500  # more unions than this: the create page searches instead of a select
UNDER_TOWNS = 200
UNDER_ENTERPRISES = 300  # more enterprises than this: the filter offers towns and the org search
TEAM_LIMIT = 500
SEARCH_LIMIT = 20
GAP_SHOWN = 100  # rows of the 建会 gap list on the page; the export has them all
EVENTS_SHOWN = 500
EXPORT_FORMATS = ("xlsx", "csv")
REVEAL_FIELDS = {"id_number": _("身份证号"), "phone": _("手机号")}


def _pk(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def _visible_node(user: Any, pk: Any) -> OrgNode | None:
    number = _pk(pk) if pk is not None else None
    return visible_nodes(user).filter(pk=number).first() if number else None


def _age(birth: dt.date, today: dt.date) -> int:
    return exporting.age(birth, today)


def _changeable_unions(user: Any) -> QuerySet[OrgNode]:
    """Live unions the user sees and may register members in."""
    unions = visible_nodes(user).filter(kind=Kind.UNION).valid_on(dt.date.today())
    return scope.permitted(user, unions, "members.change").order_by("path")


def _search_unions(user: Any, term: str, *, exclude: int | None = None) -> list[OrgNode]:
    term = term.strip()
    if not term:
        return []
    qs = _changeable_unions(user).filter(Q(name__contains=term) | Q(short_name__contains=term) | Q(code=term.upper()))
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by("depth", "path")[:SEARCH_LIMIT])


def _teams(user: Any, union: OrgNode | None) -> list[OrgNode]:
    if union is None:
        return []
    return list(
        visible_nodes(user)
        .filter(scope.subtree_q("", union.path), kind=Kind.TEAM)
        .valid_on(dt.date.today())
        .order_by("path")[:TEAM_LIMIT]
    )


def _pick_team(user: Any, form: Any, pk: int | None) -> tuple[bool, OrgNode | None]:
    """The team chosen on a form (ok, team); a pk the user cannot see is a form error."""
    if not pk:
        return True, None
    team = visible_nodes(user).filter(pk=pk, kind=Kind.TEAM).first()
    if team is None:
        form.add_error("team", _("请选择该工会下的班组。"))
        return False, None
    return True, team


def _member(user: Any, pk: int, perm: str | None = None) -> Member:
    qs = Member.objects.select_related("union", "enterprise", "team", "user")
    return scope.get_or_404(user, qs, perm, pk=pk)


def _is_self_only(user: Any) -> bool:
    """A worker: sees the registry only through the 本人 scope (their own record)."""
    if not scope.has_perm(user, "members.view") or user.is_superuser:
        return False
    return scope.scope_q(user, Member, "members.view") == Q(user_id=user.pk)
