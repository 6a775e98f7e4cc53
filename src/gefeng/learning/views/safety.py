"""A safety session's trainees: registry members (picked, by ID number, or from a sign-in
sheet) and the count of people not in the registry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gefeng.core import actions, scope
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.learning import selectors, services
from gefeng.learning.forms import CountedForm
from gefeng.learning.models import SafetySession, SafetyTrainee
from gefeng.learning.views._common import MANAGE, member_by_id_number, officer
from gefeng.members.models import Member

PICK_LIMIT = 200


def _session(user, pk: int, perm: str | None = None) -> SafetySession:
    session = scope.get_or_404(user, SafetySession.objects.select_related("campaign__org", "enterprise"), pk=pk)
    if perm is not None:
        scope.require(user, session.campaign, perm)
    return session


def _back(session: SafetySession) -> str:
    return reverse("learning:session-detail", args=[session.pk])


@require_GET
@login_required
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    session = _session(user, pk)
    can_manage = scope.can(user, session.campaign, MANAGE)
    registered = SafetyTrainee.objects.filter(session=session).select_related("member__union").order_by("id")
    q = request.GET.get("q", "")[:20].strip()
    candidates: list[Member] = []
    if can_manage:
        pool = (
            services.enterprise_members(session)
            .filter(pk__in=scope.permitted(user, Member, MANAGE).values("pk"))
            .exclude(pk__in=registered.values("member_id"))
            .select_related("union")
            .order_by("union__path", "name", "pk")
        )
        if q:
            pool = pool.filter(name__contains=q)
        candidates = list(pool[:PICK_LIMIT])
    totals = selectors.safety_totals(SafetySession.objects.filter(pk=session.pk))
    return render(
        request,
        "learning/session_detail.html",
        {
            "session": session,
            "campaign": session.campaign,
            "page": paginate(request, registered),
            "totals": totals,
            "candidates": candidates,
            "pick_limit": PICK_LIMIT,
            "q": q,
            "imports": session.signins.all()[:5],
            "can_manage": can_manage,
            "counted_form": CountedForm(initial={"counted": session.trainees}),
        },
    )


@require_POST
@login_required
def trainees_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add registry members: the ticked members of the enterprise, or one by ID number."""
    user = officer(request.user)
    session = _session(user, pk, MANAGE)
    ids = [int(v) for v in request.POST.getlist("member") if v.isdigit() and len(v) < 12]
    people = list(scope.permitted(user, Member, MANAGE).filter(pk__in=ids))
    number = request.POST.get("id_number", "").strip()
    if number:
        found = member_by_id_number(user, number)
        if found is None:
            messages.error(request, "会员名册中没有此身份证号（或不在您的数据范围内）。")
            return redirect(_back(session))
        people.append(found)
    if not people:
        messages.error(request, "请勾选人员或填写身份证号。")
        return redirect(_back(session))
    return actions.act(
        request,
        lambda: services.trainees_add(actor=user, session=session, members=people),
        done=lambda n: f"已登记 {n} 人。" if n else "所选人员已在名单中。",
        back=_back(session),
    )


@require_POST
@login_required
def trainee_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    session = _session(user, pk, MANAGE)
    raw = request.POST.get("member", "")
    if not raw.isdigit() or len(raw) > 11:
        messages.error(request, "请选择要移出名单的人员。")
        return redirect(_back(session))
    return actions.act(
        request,
        lambda: services.trainee_remove(actor=user, session=session, member_id=int(raw)),
        done="已移出名单。",
        back=_back(session),
    )


@require_POST
@login_required
def signin_import(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    session = _session(user, pk, MANAGE)
    return actions.act(
        request,
        lambda: services.signin_import(
            actor=user,
            session=session,
            upload=request.FILES.get("file"),
            count_unknown=request.POST.get("count_unknown") == "on",
        ),
        done=lambda b: f"已按签到表登记 {b.matched} 人；{b.refused} 行未登记，见下方明细。",
        back=_back(session),
    )


@require_POST
@login_required
def counted_set(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    session = _session(user, pk, MANAGE)
    form = CountedForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect(_back(session))
    return actions.act(
        request,
        lambda: services.counted_set(actor=user, session=session, counted=form.cleaned_data["counted"]),
        done="已更新名册外受训人数。",
        back=_back(session),
    )
