"""What the honours pages share: finding objects through `core.scope`, where actions go back to,
and sending a generated document (Word 公示文件, PDF certificates)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header

from gefeng.core import scope
from gefeng.honours import documents, selectors
from gefeng.honours.models import Campaign, Honour, Nomination
from gefeng.orgs.models import Kind, OrgNode

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def pk_of(value: Any) -> int | None:
    """An id from a query string or form, or None when it is not one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def document_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A generated document as a download: never cached, never sniffed into another type."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def certificates_response(request: HttpRequest, honours: list[Honour], filename: str, back: str) -> HttpResponse:
    """The certificates of `honours` as one PDF, or back to `back` with the reason it cannot be made."""
    try:
        content = documents.certificates_pdf(honours)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return document_response(content, filename, PDF)


def reads_campaigns(user: Any) -> bool:
    """Campaign pages are for organisers, units that nominate and readers of the whole county;
    a worker's honours.view (本人) shows their own honours only."""
    return scope.has_perm_beyond_self(user, "honours.view")


def find_campaign(user: Any, pk: int, perm: str | None = None) -> Campaign:
    """The campaign through scope: 404 outside the user's sight, 403 without `perm`."""
    campaign = selectors.campaign_for(user, pk)
    if perm is not None:
        scope.require(user, campaign, perm)
    return campaign


def find_nomination(user: Any, pk: int, perm: str | None = None) -> Nomination:
    qs = Nomination.objects.select_related("campaign", "campaign__org", "award", "unit", "org", "person")
    return scope.get_or_404(user, qs, perm, pk=pk)


def campaign_url(campaign: Campaign, anchor: str = "") -> str:
    return reverse("honours:campaign-detail", args=[campaign.pk]) + (f"#{anchor}" if anchor else "")


def nomination_url(nomination: Nomination) -> str:
    return reverse("honours:nomination-detail", args=[nomination.pk])


def allocation_orgs(campaign: Campaign) -> list[tuple[int, str]]:
    """The towns and systems directly under the campaign's organiser, for the allocation form."""
    nodes = (
        OrgNode.objects.filter(parent=campaign.org, kind__in=[Kind.TOWN, Kind.MEMBER_UNIT])
        .filter(valid_to__isnull=True)
        .order_by("kind", "path")[:200]
    )
    return [(n.pk, n.display_name) for n in nodes]
