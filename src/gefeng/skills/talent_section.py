"""The 成长聚能 block of the talent profile page: competition results and titles, apprenticeships
(as master or apprentice) and 五小 items of the person, for those who may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.skills.models import Contributor, Entry, Pair
from gefeng.talent import sections

SHOWN = 50


def _context(actor: Any, profile: Any) -> dict[str, Any] | None:
    if not scope.has_perm(actor, "skills.view"):
        return None
    person = profile.person_id
    results = list(
        scope.visible(actor, Entry)
        .filter(person_id=person)
        .exclude(rank__isnull=True)
        .select_related("competition", "trade")
        .order_by("-competition__year", "-id")[:SHOWN]
    )
    pairs = list(
        scope.visible(actor, Pair).filter(Q(master_id=person) | Q(apprentice_id=person)).order_by("-starts_on")[:SHOWN]
    )
    items = list(
        scope.visible(actor, Contributor)
        .filter(member_id=person)
        .select_related("proposal")
        .order_by("-proposal__submitted_on")[:SHOWN]
    )
    if not (results or pairs or items):
        return None
    return {"results": results, "pairs": pairs, "items": items, "person_id": person}


def register() -> None:
    sections.register(
        sections.ProfileSection(
            key="growth",
            label=_("技能与创新"),
            template="skills/_talent_section.html",
            order=40,
            context=_context,
        )
    )
