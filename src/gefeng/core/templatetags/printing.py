"""`{% page_title %}`: the page's `{% block title %}` once more, for the print header of base.html.

Django renders a block only where it is defined; this tag renders the most derived `title` block
again (as plain text) so the printed sheet carries the same title as the browser tab.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import strip_tags

register = template.Library()


@register.simple_tag(takes_context=True)
def page_title(context: Any, name: str = "title") -> str:
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context is not None else None
    if block is None:
        return ""
    # simple_tag escapes the result again, so the plain text goes out escaped once
    return " ".join(strip_tags(block.render(context)).split())
