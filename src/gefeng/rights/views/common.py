"""Helpers of the 维权 pages: the office-user check and the step buttons (a POST naming a step,
its fields passed as typed by the user to the service, which validates them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseRedirect

from gefeng.core import actions
from gefeng.rights import selectors

BOOL_TRUE = {"1", "true", "on", "yes", "是"}


def require_officer(user: Any, perm: str) -> None:
    """Office pages: a role holding `perm` beyond the user's own records (never the worker)."""
    if not selectors.officer(user, perm):
        raise PermissionDenied


def params(request: HttpRequest, fields: tuple[str, ...], flags: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {f: request.POST.get(f, "") for f in fields}
    for f in flags:
        out[f] = request.POST.get(f, "").strip().lower() in BOOL_TRUE
    return out


Step = tuple[Callable[..., Any], tuple[str, ...], tuple[str, ...], str]


def run_step(
    request: HttpRequest, steps: dict[str, Step], step: str, target: dict[str, Any], back: str
) -> HttpResponseRedirect:
    """Run one named step: `steps[step]` = (service, fields, flags, message when done)."""
    if step not in steps:
        raise Http404
    service, fields, flags, done = steps[step]
    data = params(request, fields, flags)
    return actions.act(request, lambda: service(actor=request.user, **target, **data), done=done, back=back)
