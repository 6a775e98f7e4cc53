"""The representative's and the worker's phone pages (the worker shell): my congress, meetings
with sign-in and materials, the secret vote with its receipt, the published tally, proposals,
and the enterprise's 厂务公开."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.democracy import selectors, services
from gefeng.democracy.forms import ProposalForm, RatingForm
from gefeng.democracy.models import Attendance, DisclosureItem, Meeting, Motion, Proposal, Representative, VoteCast
from gefeng.democracy.rules import DISCLOSURE_CATEGORIES
from gefeng.democracy.views._common import worker


def _ctx(**kw):
    return {"tab": "services", **kw}


@require_GET
@login_required
def w_home(request: AuthedRequest) -> HttpResponse:
    user = worker(request)
    seats = list(selectors.own_seats(user))
    meetings = list(selectors.worker_meetings(user)[:20])
    open_motions = list(
        Motion.objects.filter(meeting__in=[m for m in meetings if m.status == "open"], status="open").order_by("order")
    )
    voted = set(
        VoteCast.objects.filter(motion__in=open_motions, representative__in=seats).values_list("motion_id", flat=True)
    )
    for m in open_motions:
        m.voted = m.pk in voted  # type: ignore[attr-defined]
    proposals = list(scope.permitted(user, Proposal, "democracy.vote").order_by("-submitted_on")[:20])
    return render(
        request,
        "democracy/w_home.html",
        _ctx(seats=seats, meetings=meetings, open_motions=open_motions, proposals=proposals),
    )


def _seat_for(user, congress_id: int) -> Representative:
    rep = services.own_representative(user, congress_id)
    if rep is None:
        raise Http404
    return rep


@require_GET
@login_required
def w_meeting(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request)
    meeting = selectors.worker_meetings(user).filter(pk=pk).select_related("congress").first()
    if meeting is None:
        raise Http404
    rep = _seat_for(user, meeting.congress_id)
    signed = Attendance.objects.filter(meeting=meeting, representative=rep).exists()
    motions = list(meeting.motions.order_by("order"))
    voted = set(VoteCast.objects.filter(motion__in=motions, representative=rep).values_list("motion_id", flat=True))
    for m in motions:
        m.voted = m.pk in voted  # type: ignore[attr-defined]
    return render(request, "democracy/w_meeting.html", _ctx(meeting=meeting, signed=signed, motions=motions))


@require_http_methods(["GET", "POST"])
@login_required
def w_checkin(request: AuthedRequest, token: str) -> HttpResponse:
    user = worker(request)
    meeting = Meeting.objects.filter(checkin_token=token[:32]).first()
    if meeting is None or services.own_representative(user, meeting.congress_id) is None:
        raise Http404
    if request.method == "POST":
        try:
            services.checkin(actor=user, token=token)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "签到成功。")
        return redirect("democracy:w-meeting", pk=meeting.pk)
    return render(request, "democracy/w_checkin.html", _ctx(meeting=meeting))


def _motion_for(user, pk: int) -> tuple[Motion, Representative]:
    motion = Motion.objects.select_related("meeting").filter(pk=pk).first()
    if motion is None:
        raise Http404
    rep = services.own_representative(user, motion.meeting.congress_id)
    if rep is None:
        raise Http404
    return motion, rep


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def w_vote(request: AuthedRequest, pk: int) -> HttpResponse:
    """The ballot on the phone. The receipt is shown once in the answer and kept nowhere with the voter."""
    user = worker(request)
    error = ""
    if request.method == "POST":  # the service checks the seat, the sign-in and the state itself
        try:
            cast = services.vote_cast(actor=user, motion_id=pk, choices=request.POST.getlist("choice"))
        except ValidationError as exc:
            error = "；".join(exc.messages)
        except PermissionDenied:
            raise Http404 from None
        else:
            return render(request, "democracy/w_voted.html", _ctx(motion=cast.motion, receipt=cast.receipt))
    motion, rep = _motion_for(user, pk)
    options = list(motion.options.all())
    voted = VoteCast.objects.filter(motion=motion, representative=rep).exists()
    return render(
        request,
        "democracy/w_vote.html",
        _ctx(motion=motion, options=options, voted=voted, error=error, multiple=motion.seats > 1),
        status=400 if error else 200,
    )


@require_GET
@login_required
def w_tally(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request)
    motion, _rep = _motion_for(user, pk)
    receipt = request.GET.get("receipt", "")[:12]
    found = services.receipt_check(motion, receipt) if receipt else None
    return render(
        request,
        "democracy/w_tally.html",
        _ctx(motion=motion, options=list(motion.options.all()), receipt=receipt, found=found),
    )


@require_http_methods(["GET", "POST"])
@login_required
def w_proposal_create(request: AuthedRequest) -> HttpResponse:
    user = worker(request)
    seat = selectors.own_seats(user).first()
    if seat is None:
        raise Http404
    reps = (
        Representative.objects.filter(congress=seat.congress, status="active")
        .exclude(pk=seat.pk)
        .select_related("constituency")
        .order_by("constituency_id", "id")[:500]
    )
    form = ProposalForm(request.POST or None, reps=reps)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_submit(
                actor=user,
                congress=seat.congress,
                title=form.cleaned_data["title"],
                content=form.cleaned_data["content"],
                cosigner_ids=form.cleaned_data["cosigners"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "提案已提交，等待提案审查委员会审查。")
            return redirect("democracy:w-home")
    return render(request, "democracy/w_proposal_form.html", _ctx(form=form, congress=seat.congress))


@require_POST
@login_required
def w_proposal_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request)
    proposal = scope.permitted(user, Proposal, "democracy.vote").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    form = RatingForm(request.POST)
    try:
        services.proposal_rate(actor=user, proposal=proposal, rating=form.data.get("rating", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已评价，谢谢。")
    return redirect("democracy:w-home")


@require_GET
@login_required
def w_disclosures(request: AuthedRequest) -> HttpResponse:
    user = worker(request)
    items = list(selectors.worker_disclosures(user)[:50])
    labels = {k: v[0] for k, v in DISCLOSURE_CATEGORIES.items()}
    for item in items:
        item.category_label = labels.get(item.category, "")  # type: ignore[attr-defined]
    resolutions = list(
        Meeting.objects.filter(
            congress__org_id__in=selectors.worker_enterprises(user), resolutions_published_on__isnull=False
        ).order_by("-date")[:10]
    )
    return render(request, "democracy/w_disclosures.html", _ctx(items=items, resolutions=resolutions))


@require_GET
@login_required
def w_disclosure(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request)
    item = selectors.worker_disclosures(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    services.disclosure_read(actor=user, item=item)
    item = DisclosureItem.objects.get(pk=item.pk)
    return render(
        request, "democracy/w_disclosure.html", _ctx(item=item, label=DISCLOSURE_CATEGORIES[item.category][0])
    )
