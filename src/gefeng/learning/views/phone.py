"""The worker's contest pages, in the phone shell (`workers/base.html`): the contests open to
the worker, the paper (drawn and timed on the server), the result with the worker's place and
the live ranking. Reads start from the worker's own registry record and `core.scope`'s 本人
scope on attempts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from gefeng.core import scope
from gefeng.core.types import AuthedRequest
from gefeng.learning import selectors, services
from gefeng.learning.models import Attempt, AttemptStatus, Contest, Question
from gefeng.learning.views._common import TAKE, worker
from gefeng.members.models import Member


def _member(user) -> Member | None:
    return Member.objects.select_related("union").filter(user_id=user.pk).first()


def _session_key(request: AuthedRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return str(request.session.session_key)


@require_GET
@login_required
def my_contests(request: AuthedRequest) -> HttpResponse:
    user = worker(request.user)
    member = _member(user)
    contests = list(services.open_contests_for(member)[:30])
    mine = {a.contest_id: a for a in selectors.my_attempts(user).filter(contest__in=contests)}
    return render(
        request,
        "learning/m_contests.html",
        {"tab": "services", "member": member, "contests": contests, "mine": mine, "now": timezone.now()},
    )


def _eligible_contest(user, pk: int) -> tuple[Contest, Member]:
    """The contest, if the worker's registry record lies under its 参赛范围 (else 404)."""
    member = _member(user)
    contest = (
        Contest.objects.select_related("org", "eligible").filter(pk=pk, status__in=["published", "closed"]).first()
    )
    if contest is None or not services.eligible_member(contest, member):
        raise Http404
    assert member is not None
    return contest, member


@require_GET
@login_required
def take_contest(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request.user)
    contest, _ = _eligible_contest(user, pk)
    attempts = list(selectors.my_attempts(user).filter(contest=contest)[:10])
    now = timezone.now()
    return render(
        request,
        "learning/m_contest.html",
        {
            "tab": "services",
            "contest": contest,
            "attempts": attempts,
            "open": contest.starts_at <= now < contest.ends_at and contest.status == "published",
            "top": selectors.live_ranking(contest),
        },
    )


@require_POST
@login_required
def attempt_start(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request.user)
    contest, _ = _eligible_contest(user, pk)
    try:
        attempt = services.attempt_start(actor=user, contest=contest, session_key=_session_key(request))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("learning:take-contest", pk=contest.pk)
    return redirect("learning:attempt-paper", pk=attempt.pk)


def _attempt(user, pk: int) -> Attempt:
    attempt = scope.permitted(user, Attempt, TAKE).select_related("contest").filter(pk=pk).first()
    if attempt is None:
        raise Http404
    return attempt


@require_GET
@login_required
def attempt_paper(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request.user)
    attempt = _attempt(user, pk)
    if attempt.status != AttemptStatus.OPEN:
        return redirect("learning:attempt-result", pk=attempt.pk)
    found = Question.objects.in_bulk(attempt.questions)
    letters = "ABCDEFGH"
    paper = []
    for i, qid in enumerate(attempt.questions, 1):
        q = found.get(qid)
        if q is not None:
            paper.append({"no": i, "q": q, "options": list(zip(letters, q.options, strict=False))})
    left = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    return render(
        request,
        "learning/m_paper.html",
        {"tab": "services", "attempt": attempt, "paper": paper, "left_minutes": left // 60, "left_seconds": left % 60},
    )


@require_POST
@login_required
def attempt_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request.user)
    attempt = _attempt(user, pk)
    responses: dict[int, str] = {}
    for qid in attempt.questions:
        values = request.POST.getlist(f"q{qid}")
        responses[qid] = "".join(v for v in values if len(v) <= 200)[:200]
    try:
        services.attempt_submit(actor=user, attempt=attempt, session_key=_session_key(request), responses=responses)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("learning:attempt-result", pk=attempt.pk)


@require_GET
@login_required
def attempt_result(request: AuthedRequest, pk: int) -> HttpResponse:
    user = worker(request.user)
    attempt = _attempt(user, pk)
    return render(
        request,
        "learning/m_result.html",
        {
            "tab": "services",
            "attempt": attempt,
            "contest": attempt.contest,
            "rank": selectors.rank_of(attempt) if attempt.status == AttemptStatus.SUBMITTED else None,
            "top": selectors.live_ranking(attempt.contest),
        },
    )
