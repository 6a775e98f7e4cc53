"""The office's pages of a meeting and its votes: materials, opening, sign-in, motions, the count."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.democracy import rules, selectors, services
from gefeng.democracy.forms import MeetingForm, MotionForm
from gefeng.democracy.models import Attendance, Ballot, Congress, Document, Meeting, Motion, Representative
from gefeng.democracy.views._common import MANAGE, act, office, qr


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request: AuthedRequest, pk: int) -> HttpResponse:
    user = office(request)
    congress = scope.get_or_404(user, Congress, MANAGE, pk=pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=user, congress=congress, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新增会议。")
            return redirect("democracy:meeting-detail", pk=meeting.pk)
    return render(request, "democracy/meeting_form.html", {"form": form, "congress": congress})


def _meeting(request: AuthedRequest, pk: int, perm: str | None = None) -> Meeting:
    user = office(request)
    return scope.get_or_404(user, Meeting.objects.select_related("congress", "congress__org"), perm, pk=pk)


@require_GET
@login_required
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user = request.user
    signed = set(Attendance.objects.filter(meeting=meeting).values_list("representative_id", flat=True))
    reps = paginate(request, selectors.representatives(user, meeting.congress, status="active"))
    for r in reps.rows:
        r.signed = r.pk in signed
    entitled = meeting.entitled if meeting.status in ("open", "closed") else services.entitled_count(meeting.congress)
    checkin_url = request.build_absolute_uri(reverse("democracy:w-checkin", args=[meeting.checkin_token]))
    return render(
        request,
        "democracy/meeting_detail.html",
        {
            "meeting": meeting,
            "congress": meeting.congress,
            "motions": selectors.motions(user, meeting),
            "page": reps,
            "present": len(signed),
            "entitled": entitled,
            "quorum": rules.quorum_needed(entitled),
            "quorate": rules.quorate(len(signed), entitled),
            "late": services.materials_late(meeting),
            "can_manage": scope.can(user, meeting, MANAGE),
            "qr": qr(checkin_url) if meeting.status == "open" else "",
            "checkin_url": checkin_url,
        },
    )


def _meeting_act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    meeting = _meeting(request, pk, MANAGE)
    return act(request, lambda: do(request.user, meeting), done, reverse("democracy:meeting-detail", args=[pk]))


@require_POST
@login_required
def meeting_materials(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _meeting_act(
        request,
        pk,
        lambda u, m: services.materials_publish(
            actor=u, meeting=m, materials=p.get("materials", ""), sent_on=p.get("sent_on")
        ),
        "已向代表发送会议材料。",
    )


@require_POST
@login_required
def meeting_open(request: AuthedRequest, pk: int) -> HttpResponse:
    return _meeting_act(request, pk, lambda u, m: services.meeting_open(actor=u, meeting=m), "会议开始，代表可以签到。")


@require_POST
@login_required
def meeting_signin(request: AuthedRequest, pk: int) -> HttpResponse:
    rid = request.POST.get("representative", "")
    return _meeting_act(
        request, pk, lambda u, m: services.attendance_record(actor=u, meeting=m, representative_id=rid), "已登记签到。"
    )


@require_POST
@login_required
def meeting_close(request: AuthedRequest, pk: int) -> HttpResponse:
    minutes = request.POST.get("minutes", "")
    return _meeting_act(
        request, pk, lambda u, m: services.meeting_close(actor=u, meeting=m, minutes=minutes), "已闭会。"
    )


@require_POST
@login_required
def meeting_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _meeting_act(
        request, pk, lambda u, m: services.resolutions_publish(actor=u, meeting=m), "决议已向全体职工公布。"
    )


@require_http_methods(["GET", "POST"])
@login_required
def motion_create(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, MANAGE)
    documents = list(Document.objects.filter(congress=meeting.congress)[:100])
    form = MotionForm(request.POST or None, documents=documents, initial={"secret": True, "seats": 1})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        doc_id = data.pop("document")
        data["document"] = next((d for d in documents if str(d.pk) == doc_id), None)
        data["options"] = [x for x in data["options"].splitlines() if x.strip()]
        data["candidates"] = [x for x in data["candidates"].replace("，", ",").split(",") if x.strip()]
        try:
            motion = services.motion_create(actor=request.user, meeting=meeting, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新增表决事项。")
            return redirect("democracy:motion-detail", pk=motion.pk)
    return render(request, "democracy/motion_form.html", {"form": form, "meeting": meeting})


def _motion(request: AuthedRequest, pk: int, perm: str | None = None) -> Motion:
    user = office(request)
    qs = Motion.objects.select_related("meeting", "meeting__congress", "document")
    return scope.get_or_404(user, qs, perm, pk=pk)


@require_GET
@login_required
def motion_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    motion = _motion(request, pk)
    user = request.user
    closed = motion.status == "closed"
    tally = None
    if closed:
        tally = paginate(request, scope.visible(user, Ballot).filter(motion=motion, filled=True).order_by("receipt"))
        labels = dict(motion.options.values_list("id", "label"))
        for b in tally.rows:
            b.label = "、".join(labels.get(c, "?") for c in b.choices) or "空白票"
    current = _before(motion)
    reps = []
    if motion.status == "open" and scope.can(user, motion, MANAGE):
        voted = set(motion.casts.values_list("representative_id", flat=True))
        reps = [
            r
            for r in Representative.objects.filter(
                congress=motion.meeting.congress,
                status="active",
                pk__in=Attendance.objects.filter(meeting=motion.meeting).values("representative_id"),
            ).order_by("id")[:2000]
            if r.pk not in voted
        ]
    return render(
        request,
        "democracy/motion_detail.html",
        {
            "motion": motion,
            "meeting": motion.meeting,
            "options": list(motion.options.all()),
            "cast": motion.casts.count(),
            "tally": tally,
            "diff": services.diff_lines(current, motion.new_text) if motion.document_id else [],
            "can_manage": scope.can(user, motion, MANAGE),
            "paper_counts": list(motion.paper_counts.select_related("teller")),
            "unvoted": reps,
            "majority": rules.majority_needed(motion.entitled or services.entitled_count(motion.meeting.congress)),
        },
    )


def _before(motion: Motion) -> str:
    """The text the amendment changes: the version before the one it adopted, or the one in force."""
    if motion.document is None:
        return ""
    versions = motion.document.versions.order_by("-number")
    adopted = versions.filter(motion=motion).first()
    base = versions.filter(number__lt=adopted.number).first() if adopted else versions.first()
    return base.text if base else ""


def _motion_act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    motion = _motion(request, pk, MANAGE)
    return act(request, lambda: do(request.user, motion), done, reverse("democracy:motion-detail", args=[pk]))


@require_POST
@login_required
def motion_open(request: AuthedRequest, pk: int) -> HttpResponse:
    return _motion_act(
        request, pk, lambda u, m: services.motion_open(actor=u, motion=m), "表决开始，代表可在手机上投票。"
    )


@require_POST
@login_required
def motion_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _motion_act(request, pk, lambda u, m: services.motion_close(actor=u, motion=m), "表决结束，已计票。")


@require_POST
@login_required
def paper_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    rid = request.POST.get("representative", "")
    return _motion_act(
        request, pk, lambda u, m: services.paper_issue(actor=u, motion=m, representative_id=rid), "已登记领取纸质选票。"
    )


@require_POST
@login_required
def paper_count(request: AuthedRequest, pk: int) -> HttpResponse:
    counts = {k[1:] if k.startswith("o") else k: v for k, v in request.POST.items() if k == "ballots" or k[:1] == "o"}
    return _motion_act(
        request, pk, lambda u, m: services.paper_count(actor=u, motion=m, counts=counts), "已录入计票结果。"
    )
