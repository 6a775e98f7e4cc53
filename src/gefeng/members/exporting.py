"""Rows of the registry export (会员名册), shared by the web export and the command line.

`export_headers(reveal=…)` and `export_row(member, reveal=…)` give one spreadsheet row per member,
masked unless `reveal`. A masked row gives the age, never the birth date: the date beside the tail
of an ID number rebuilds the number (docs/members.md, 个人信息显示). Whoever calls them checks the
right first: `can_reveal_all(actor)` says whether the actor may reveal every row it can see (the
reveal right on its whole scope). Formula injection is neutralised by `core.exports`, which writes
the cells.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import mask
from gefeng.members import columns
from gefeng.members.models import Member
from gefeng.members.selectors import MemberFilters

_HEADERS = columns.EXPORT  # members/columns.py
_BIRTH_COLUMN = columns.EXPORT_BIRTH


def export_headers(*, reveal: bool) -> tuple[Any, ...]:
    """The header row: a full export has the birth date where a masked one has the age."""
    if not reveal:
        return _HEADERS
    return (*_HEADERS[:_BIRTH_COLUMN], _("出生日期"), *_HEADERS[_BIRTH_COLUMN + 1 :])


# The masked export's headers (the default).
EXPORT_HEADERS = export_headers(reveal=False)


def age(birth: dt.date, today: dt.date | None = None) -> int:
    """Full years on `today`."""
    today = today or dt.date.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# Related rows the export reads (add to the queryset with select_related).
EXPORT_RELATED = ("union", "enterprise", "team")


def export_row(member: Member, *, reveal: bool, show_age: bool = True, today: dt.date | None = None) -> tuple[Any, ...]:
    """One member as a row under `export_headers(reveal=…)`; ID number and phone masked and the
    birth date given as the age unless `reveal` (and not even the age without `show_age`: for
    whoever may not reveal every row, see `can_reveal_all`)."""
    return (
        member.name,
        member.id_number if reveal else member.id_masked,
        member.get_sex_display(),
        member.birth_date if reveal else (age(member.birth_date, today) if show_age else ""),
        member.phone if reveal else member.phone_masked,
        member.enterprise.name if member.enterprise else "",
        member.union.name,
        member.team.name if member.team else "",
        member.ethnicity,
        member.get_political_status_display(),
        member.get_education_display(),
        member.get_job_category_display(),
        member.industrial_worker,
        member.occupation,
        member.get_skill_level_display(),
        member.get_new_form_group_display(),
        member.migrant,
        member.joined_on,
        member.card_number,
        member.get_status_display(),
    )


def can_reveal_all(actor: Any) -> bool:
    """Whether the actor holds members.reveal on every member it may see (full numbers in an
    export are all-or-nothing)."""
    reveal = scope.scope_q(actor, Member, "members.reveal")
    if reveal is None:
        return False
    if not reveal:  # the 全部 scope
        return True
    view = scope.scope_q(actor, Member, "members.view")
    if view is None or view == reveal:
        return True
    return not scope.visible(actor, Member).exclude(reveal).exists()


_DIGITS = re.compile(r"\d")


def audit_filters(filters: MemberFilters) -> dict[str, Any]:
    """The filters as written to the audit log: only those set, a searched ID number or phone
    masked (the log must not become a copy of the personal data)."""
    out: dict[str, Any] = {}
    defaults = MemberFilters()
    for name in (
        "q",
        "under",
        "status",
        "job_category",
        "new_form_group",
        "skill_level",
        "age_band",
        "sex",
        "industrial",
        "migrant",
        "sort",
    ):
        value = getattr(filters, name)
        if value in (None, "") and getattr(defaults, name) in (None, ""):
            continue
        out[name] = value
    q = out.get("q", "")
    if q and len(_DIGITS.findall(q)) >= 7:
        out["q"] = mask(q)
    return out
