"""What the care pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from gefeng.core import actions
from gefeng.core.types import AuthedRequest


def post_act(request: AuthedRequest, do: Any, done: str, back: str) -> HttpResponse:
    return actions.act(request, do, done=done, back=back)


def file_url(pk: int) -> str:
    return reverse("care:file-detail", args=[pk])


def money_columns(headers: tuple[str, ...] | list[str]) -> list[int]:
    return [i for i, head in enumerate(headers) if "元" in head]
