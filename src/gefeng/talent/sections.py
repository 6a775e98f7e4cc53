"""Profile sections: the extension point of the talent profile page.

A talent profile shows the person's honours today; skills competitions, 五小 innovations,
apprenticeships and the allowances paid are other modules' data. Each module adds its own block
to the profile page from its `AppConfig.ready()`:

    from gefeng.talent import sections

    sections.register(
        sections.ProfileSection(
            key="innovations",
            label=_("创新成果"),
            template="innovation/_talent_section.html",
            order=40,
            context=lambda actor, profile: {"rows": innovation_selectors.for_person(actor, profile.person)},
        )
    )

`context(actor, profile)` runs for every page view: it must read through the module's own
selectors (so scope applies) and return `None` to hide the section (no permission, nothing to
show). The template is included with that context plus `profile` and `section`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_registry: dict[str, ProfileSection] = {}


@dataclass(frozen=True)
class ProfileSection:
    key: str
    label: Any
    template: str
    order: int
    context: Callable[[Any, Any], dict[str, Any] | None]


def register(section: ProfileSection) -> None:
    """Add (or replace, by key) a section of the profile page."""
    _registry[section.key] = section


def registered() -> list[ProfileSection]:
    return sorted(_registry.values(), key=lambda s: (s.order, s.key))


def sections_for(actor: Any, profile: Any) -> list[dict[str, Any]]:
    """The sections to show on `profile`'s page for `actor`, each with its template context."""
    out = []
    for section in registered():
        context = section.context(actor, profile)
        if context is None:
            continue
        out.append({"section": section, "context": context | {"profile": profile, "section": section}})
    return out
