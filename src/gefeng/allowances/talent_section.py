"""The allowances block of the talent profile page (an example of `talent.sections`): what the
person was paid, year by year, for those who may see the allowances."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gefeng.allowances.models import Payment
from gefeng.core import scope
from gefeng.talent import sections

SHOWN = 100


def _context(actor: Any, profile: Any) -> dict[str, Any] | None:
    if not scope.has_perm(actor, "allowances.view"):
        return None
    rows = (
        scope.visible(actor, Payment)
        .filter(person_id=profile.person_id)
        .select_related("kind", "run")
        .order_by("-year", "kind__order", "kind_id")[:SHOWN]
    )
    return {"rows": list(rows)}


def register() -> None:
    sections.register(
        sections.ProfileSection(
            key="allowances",
            label=_("劳模津贴发放记录"),
            template="allowances/_talent_section.html",
            order=50,
            context=_context,
        )
    )
