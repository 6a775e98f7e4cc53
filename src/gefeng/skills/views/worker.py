"""The worker's phone pages (/skills/w/): open competitions and courses, registration and
enrolment, the worker's own results, 五小 proposals and the QR sign-in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.skills import selectors, services
from gefeng.skills.forms import ProposalForm, WorkerEnrolForm
from gefeng.skills.models import Trade
from gefeng.skills.views._common import pk_of, worker
from gefeng.skills.views.innovations import FLAGS, team_of
from gefeng.workers.selectors import own_member


def _member(request: AuthedRequest):
    user = worker(request.user)
    return user, own_member(user)


@require_GET
@login_required
def w_home(request: AuthedRequest) -> HttpResponse:
    user, member = _member(request)
    return render(
        request,
        "skills/w_home.html",
        {
            "tab": "services",
            "member": member,
            "open": list(selectors.registrable(user)[:20]) if member else [],
            "courses": list(selectors.open_courses(user)[:20]) if member else [],
            "entries": selectors.my_entries(user),
            "enrolments": selectors.my_enrolments(user),
            "enrol_form": WorkerEnrolForm(),
        },
    )


@require_POST
@login_required
def w_register(request: AuthedRequest, pk: int) -> HttpResponse:
    user, member = _member(request)
    if member is None:
        raise Http404
    comp = selectors.registrable(user).filter(pk=pk).first()
    if comp is None:
        raise Http404
    trade = Trade.objects.filter(competition=comp, pk=pk_of(request.POST.get("trade")) or 0).first()

    def do():
        if trade is None:
            raise ValidationError("请选择工种。")
        return services.entry_register(actor=user, competition=comp, trade=trade, person=member)

    return actions.act(request, do, done=f"已报名{comp.name}。", back="/skills/w/")


@require_POST
@login_required
def w_enrol(request: AuthedRequest, pk: int) -> HttpResponse:
    user, member = _member(request)
    if member is None:
        raise Http404
    course = selectors.open_courses(user).filter(pk=pk).first()
    if course is None:
        raise Http404
    group = request.POST.get("group", "")
    return actions.act(
        request,
        lambda: services.enrol(actor=user, course=course, group=group, member=member),
        done=f"已报名{course.name}。",
        back="/skills/w/",
    )


@require_http_methods(["GET", "POST"])
@login_required
def w_proposal_create(request: AuthedRequest) -> HttpResponse:
    user, member = _member(request)
    if member is None:
        messages.info(request, "请先完成实名绑定。")
        return redirect("workers:bind")
    form = ProposalForm(request.POST or None, request.FILES or None)
    form.fields["team"].help_text = "只有本人可不填；多人时每行一人：身份证号 份额%（需为本单位会员）"
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            team = team_of_worker(user, member, d["team"])
            services.proposal_submit(
                actor=user,
                proposer=member,
                kind=d["kind"],
                title=d["title"],
                description=d["description"],
                team=team,
                attachment=d.get("attachment"),
                **{f: d[f] for f in FLAGS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已提交，由单位评审委员会评审。")
            return redirect("skills:w-proposals")
    return render(request, "skills/w_proposal_form.html", {"tab": "services", "form": form})


def team_of_worker(user, member, text: str):
    """A worker names teammates by ID number: members of the worker's own union only."""
    from gefeng.core import pii
    from gefeng.core.validators import parse_id_number
    from gefeng.members.models import Member, Status

    out = []
    for n, line in enumerate((text or "").splitlines()[:20], start=1):
        parts = line.replace("%", " ").replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValidationError({"team": [f"第 {n} 行应为“身份证号 份额”。"]})
        try:
            number = parse_id_number(parts[0]).number
        except ValidationError as exc:
            raise ValidationError({"team": [f"第 {n} 行：" + "".join(exc.messages)]}) from None
        mate = Member.objects.filter(
            id_hash=pii.blind_index(number), union_id=member.union_id, status=Status.ACTIVE
        ).first()
        if mate is None:
            raise ValidationError({"team": [f"第 {n} 行的身份证号不是本单位工会会员。"]})
        out.append((mate, parts[1]))
    return out


_ = team_of  # the officials' variant, looked up in their scope


@require_GET
@login_required
def w_proposals(request: AuthedRequest) -> HttpResponse:
    user, _member_row = _member(request)
    return render(request, "skills/w_proposals.html", {"tab": "me", "rows": selectors.my_proposals(user)})


@require_http_methods(["GET", "POST"])
@login_required
def w_sign(request: AuthedRequest, token: str) -> HttpResponse:
    user = worker(request.user)
    if request.method == "POST":
        return actions.act(
            request, lambda: services.attendance_sign(actor=user, token=token), done="签到成功。", back="/skills/w/"
        )
    try:
        session = services.training_session_of(token)
        if not session.course.enrolments.filter(member__user_id=user.pk).exists():
            raise ValidationError("您不是该培训班的学员。")
    except ValidationError as exc:
        messages.error(request, "".join(exc.messages))
        return redirect("skills:w-home")
    return render(request, "skills/w_sign.html", {"tab": "services", "s": session, "token": token})
