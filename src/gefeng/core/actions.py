"""The skeleton of every button that changes something (a POST to an action URL).

A view finds its object (through `core.scope`, so a stranger gets 404), then calls `act` with
what to do, what to say when it worked and where to go back to. The service decides whether the
action is allowed and raises `ValidationError` (shown as messages, the page is not changed) or
`PermissionDenied` (403, from the service, not re-derived in the view):

    @require_POST
    @login_required
    def campaign_open(request, pk):
        campaign = _campaign(request.user, pk)
        return act(
            request,
            lambda: services.campaign_open(actor=request.user, campaign=campaign),
            done="已开始推荐。",
            back=campaign.get_absolute_url(),
        )

`done` may be a callable taking the service's result, for messages that say what was done
("已生成 12 人的名单。"). `back` is a URL or a callable of the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url

__all__ = ["act", "show_errors"]


def show_errors(request: HttpRequest, exc: ValidationError) -> None:
    """A refusal as messages on the next page, one per reason."""
    for text in exc.messages:
        messages.error(request, text)


def act(
    request: HttpRequest,
    do: Callable[[], Any],
    *,
    done: str | Callable[[Any], str],
    back: str | Callable[[Any], str],
    failed_back: str | None = None,
) -> HttpResponseRedirect:
    """Run `do`; say `done` or the refusal; redirect to `back` (or `failed_back` on refusal).

    When `back` depends on the result, `failed_back` is required."""
    if failed_back is None:
        if callable(back):
            raise TypeError("act(): back depends on the result, so failed_back is required")
        failed_back = back
    try:
        result = do()
    except ValidationError as exc:
        show_errors(request, exc)
        return HttpResponseRedirect(resolve_url(failed_back))
    messages.success(request, done(result) if callable(done) else done)
    return HttpResponseRedirect(resolve_url(back(result) if callable(back) else back))
