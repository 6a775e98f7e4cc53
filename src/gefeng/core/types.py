"""Request types for views behind `login_required`, so type checks know the user is real."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from gefeng.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
