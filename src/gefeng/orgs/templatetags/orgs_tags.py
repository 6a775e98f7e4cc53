"""Small, fast pieces of the organisation pages (the tree renders them hundreds of times)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gefeng.orgs.models import Kind

register = template.Library()

_BADGES = {
    Kind.COUNTY: ("text-bg-danger", _("县")),
    Kind.TOWN: ("text-bg-primary", _("镇街")),
    Kind.MEMBER_UNIT: ("text-bg-info", _("成员单位")),
    Kind.ENTERPRISE: ("text-bg-secondary", _("企业")),
    Kind.UNION: ("text-bg-success", _("工会")),
    Kind.TEAM: ("text-bg-light border", _("班组")),
}


@register.simple_tag
def kind_badge(node) -> str:
    """A short coloured badge of the node's kind, the full kind name as its tooltip."""
    css, label = _BADGES.get(node.kind, ("text-bg-light border", node.get_kind_display()))
    return format_html(
        '<span class="badge gf-kind {}" title="{}" data-kind="{}">{}</span>',
        css,
        node.get_kind_display(),
        node.kind,
        label,
    )
