"""Pages of the question bank and the contests (the organiser's side): questions entered or
imported, contests with their draw, live ranking by person and unit, results and certificates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, audit, exports, menu, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.learning import documents, selectors, services
from gefeng.learning.forms import ContestForm, QuestionForm, UploadForm
from gefeng.learning.models import Attempt, AttemptStatus, Contest, ContestStatus, QuestionKind
from gefeng.learning.views._common import MANAGE, TAKE, docx_response, may_manage, officer


@require_GET
@login_required
def question_list(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    qs = selectors.questions(user)
    kind = request.GET.get("kind", "")
    if kind in QuestionKind.values:
        qs = qs.filter(kind=kind)
    tag = request.GET.get("tag", "")[:30]
    if tag:
        qs = qs.filter(tags__contains=tag)
    page = paginate(request, qs)
    return render(
        request,
        "learning/question_list.html",
        {
            "page": page,
            "kinds": QuestionKind.choices,
            "kind": kind,
            "tag": tag,
            "can_manage": may_manage(user),
            "upload_form": UploadForm(),
            "columns": services.BANK_COLUMNS,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def question_create(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    if user.org is None:
        raise Http404
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.question_create(
                actor=user,
                org=user.org,
                kind=d["kind"],
                text=d["text"],
                answer=d["answer"],
                options=[d["option_a"], d["option_b"], d["option_c"], d["option_d"]],
                tags=d["tags"],
                difficulty=d["difficulty"],
                explanation=d["explanation"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新增试题。")
            return redirect("learning:question-list")
    return render(request, "learning/question_form.html", {"form": form})


@require_POST
@login_required
def question_import(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    if user.org is None:
        raise Http404
    return actions.act(
        request,
        lambda: services.questions_import(actor=user, org=user.org, upload=request.FILES.get("file")),
        done=lambda n: f"已导入 {n} 道试题。",
        back=reverse("learning:question-list"),
    )


@require_GET
@login_required
def contest_list(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    page = paginate(request, selectors.contests(user))
    return render(request, "learning/contest_list.html", {"page": page, "can_manage": may_manage(user)})


@require_http_methods(["GET", "POST"])
@login_required
def contest_create(request: AuthedRequest) -> HttpResponse:
    user = officer(request.user)
    scope.require_perm(user, MANAGE)
    if user.org is None:
        raise Http404
    form = ContestForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contest = services.contest_create(
                actor=user,
                org=user.org,
                eligible=d["eligible"],
                title=d["title"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                minutes=d["minutes"],
                points=d["points"],
                attempts=d["attempts"],
                winners=d["winners"],
                draw=[{"tag": d["tag"], "difficulty": d["difficulty"], "count": d["count"]}],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新建竞赛，发布后职工即可在手机上答题。")
            return redirect("learning:contest-detail", pk=contest.pk)
    return render(request, "learning/contest_form.html", {"form": form})


def _contest(user, pk: int, perm: str | None = None) -> Contest:
    return scope.get_or_404(user, Contest.objects.select_related("org", "eligible"), perm, pk=pk)


@require_GET
@login_required
def contest_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    contest = _contest(user, pk)
    return render(
        request,
        "learning/contest_detail.html",
        {
            "contest": contest,
            "people": selectors.person_ranking(contest, 50),
            "units": selectors.unit_ranking(contest)[:100],
            "stats": selectors.contest_stats(contest),
            "can_manage": scope.can(user, contest, MANAGE),
        },
    )


@require_POST
@login_required
def contest_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    contest = _contest(user, pk, MANAGE)
    return actions.act(
        request,
        lambda: services.contest_publish(actor=user, contest=contest),
        done="已发布。",
        back=reverse("learning:contest-detail", args=[contest.pk]),
    )


@require_POST
@login_required
def contest_close(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    contest = _contest(user, pk, MANAGE)
    return actions.act(
        request,
        lambda: services.contest_close(actor=user, contest=contest),
        done="竞赛已结束。",
        back=reverse("learning:contest-detail", args=[contest.pk]),
    )


RANK_HEADERS = ("名次", "姓名", "单位", "得分", "答对题数", "用时（秒）")


@require_GET
@login_required
def contest_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    user = officer(request.user)
    contest = _contest(user, pk)
    rows = (
        [r["rank"], r["name"], r["unit"], r["score"], r["correct"], r["seconds"]]
        for r in selectors.person_ranking(contest, 100_000)
    )
    return exports.download(
        actor=user,
        action="learning.contest.exported",
        filename=f"{contest.title}-成绩",
        headers=RANK_HEADERS,
        rows=rows,
        sheet_name="成绩",
        obj=contest,
    )


@require_GET
@login_required
def certificate(request: AuthedRequest, pk: int) -> HttpResponse:
    """A winner's certificate: for the organiser's officers, or the winner on the phone."""
    user = request.user
    if menu.self_only(user):
        if not scope.has_perm(user, TAKE):
            raise PermissionDenied
        found = scope.permitted(user, Attempt, TAKE).select_related("contest__org", "member").filter(pk=pk).first()
        if found is None:
            raise Http404
        attempt = found
    else:
        officer(user)
        attempt = scope.get_or_404(user, Attempt.objects.select_related("contest__org", "member"), pk=pk)
    contest = attempt.contest
    rank = selectors.rank_of(attempt) if attempt.status == AttemptStatus.SUBMITTED else None
    if rank is None or rank > contest.winners or contest.status != ContestStatus.CLOSED:
        messages.error(request, f"竞赛结束后，获奖者（前 {contest.winners} 名）方可下载荣誉证书。")
        return redirect("learning:my-contests" if menu.self_only(user) else "learning:contest-list")
    audit.record(actor=user, action="learning.certificate.issued", obj=attempt, changes={"rank": rank})
    return docx_response(documents.certificate_docx(attempt, rank), f"{contest.title}-荣誉证书-{attempt.member.name}")
