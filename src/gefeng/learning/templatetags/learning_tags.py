from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """A share 0…1 as a percentage with one decimal (— when unknown)."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def num1(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
