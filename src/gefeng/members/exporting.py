"""Rows of the registry export (会员名册), shared by the web export and the command line.

`EXPORT_HEADERS` and `export_row(member, reveal=...)` give one spreadsheet row per member, masked
unless `reveal`. Whoever calls them checks the right first: `can_reveal_all(actor)` says whether
the actor may reveal every row it can see (the reveal right on its whole scope). Formula injection
is neutralised by `core.exports`, which writes the cells.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import mask_id_number, mask_phone
from gefeng.members.models import Member
from gefeng.members.selectors import MemberFilters

EXPORT_HEADERS = (
    _("姓名"),
    _("身份证号"),
    _("性别"),
    _("出生日期"),
    _("手机号"),
    _("单位"),
    _("工会"),
    _("班组"),
    _("民族"),
    _("政治面貌"),
    _("文化程度"),
    _("岗位类别"),
    _("产业工人"),
    _("工种"),
    _("技能等级"),
    _("新就业形态群体"),
    _("农民工"),
    _("入会日期"),
    _("会员证号"),
    _("会籍状态"),
)

# Related rows the export reads (add to the queryset with select_related).
EXPORT_RELATED = ("union", "enterprise", "team")


def export_row(member: Member, *, reveal: bool) -> tuple[Any, ...]:
    """One member as a row under `EXPORT_HEADERS`; ID number and phone masked unless `reveal`."""
    return (
        member.name,
        member.id_number if reveal else member.id_masked,
        member.get_sex_display(),
        member.birth_date,
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
        out["q"] = mask_phone(q) if len(q) == 11 else mask_id_number(q)
    return out
