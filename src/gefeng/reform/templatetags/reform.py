"""Small helpers for the 本期待报 form: re-show posted values and per-row errors."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def posted_or(posted: Any, prefix: str, pk: int, default: Any = "") -> str:
    """The value posted for `<prefix>-<pk>` after a refused submit, else `default`."""
    if posted:
        return posted.get(f"{prefix}-{pk}", "")
    return default or ""


@register.simple_tag
def value_for(posted: Any, row: Any, assignment_pk: int, indicator_pk: int) -> Any:
    if posted:
        return posted.get(f"v-{assignment_pk}-{indicator_pk}", "")
    value = row.values.get(indicator_pk)
    return "" if value is None else value.normalize()


@register.simple_tag
def errors_for(errors: dict[str, list[str]], assignment_pk: int, field: str, sub: Any = None) -> str:
    key = f"{assignment_pk}-{field}" + (f"-{sub}" if sub is not None else "")
    messages = errors.get(key) or []
    if not messages:
        return ""
    return format_html(
        '<div class="invalid-feedback d-block">{}</div>',
        format_html_join("", "<span>{}</span>", ((m,) for m in messages)),
    )


@register.inclusion_tag("reform/_home_notices.html", takes_context=True)
def reform_notices(context: Any) -> dict[str, Any]:
    """Reminders for the home page: `{% load reform %}{% reform_notices %}`."""
    from gefeng.reform.selectors import notices_for

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"notices": notices_for(user) if user is not None else []}
