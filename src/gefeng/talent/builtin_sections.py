"""The talent profile's own sections: the person's honours (from the register, read-only) and
skills as the registry records them (工种, 技能等级). Other modules add theirs (see sections.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.talent import sections, selectors

HONOURS_SHOWN = 200


def _honours(actor: Any, profile: Any) -> dict[str, Any] | None:
    if not scope.has_perm(actor, "honours.view"):
        return None
    return {"rows": list(selectors.profile_honours(actor, profile).select_related("campaign")[:HONOURS_SHOWN])}


def _skills(actor: Any, profile: Any) -> dict[str, Any] | None:
    person = profile.person
    return {
        "occupation": person.occupation,
        "skill_level": person.get_skill_level_display(),
        "job_category": person.get_job_category_display(),
        "industrial_worker": person.industrial_worker,
    }


def register_all() -> None:
    sections.register(
        sections.ProfileSection(
            key="honours", label=_("荣誉记录"), template="talent/_section_honours.html", order=10, context=_honours
        )
    )
    sections.register(
        sections.ProfileSection(
            key="skills", label=_("技能"), template="talent/_section_skills.html", order=20, context=_skills
        )
    )
