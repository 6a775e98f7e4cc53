"""Contests: create, publish, close; a participant starts an attempt (a paper drawn at random by
tag and difficulty, questions in a shuffled order, a deadline set by the server) and submits it
(scored on the server, one `Answer` row per question, once).

Integrity: one open attempt per participant and contest (a partial unique index); the attempt
is bound to the session that started it; a paper submitted after its deadline plus the grace
(`LEARNING_GRACE_SECONDS`) is refused and the attempt marked 超时; a participant may start at most
`attempts` attempts, the best one counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.core.validators import clean_text
from gefeng.learning import conf
from gefeng.learning.models import Answer, Attempt, AttemptStatus, Contest, ContestStatus, Question, QuestionKind
from gefeng.learning.services._common import MANAGE, TAKE, require_org
from gefeng.members.models import Member, Status
from gefeng.orgs.models import OrgNode

MAX_QUESTIONS = 200


def bank(contest_org: OrgNode) -> Any:
    """The questions a contest may draw: the active questions of its organiser and of the
    organiser's ancestors (a county bank serves every enterprise's contest)."""
    prefixes = [contest_org.path[:i] for i in range(4, len(contest_org.path) + 1, 4)]
    return Question.objects.filter(active=True, org__path__in=prefixes)


def _pool(contest: Contest, rule: dict[str, Any]) -> list[int]:
    qs = bank(contest.org)
    if rule.get("difficulty"):
        qs = qs.filter(difficulty=int(rule["difficulty"]))
    if rule.get("kind"):
        qs = qs.filter(kind=rule["kind"])
    ids = list(qs.values_list("id", "tags"))
    tag = rule.get("tag") or ""
    return [pk for pk, tags in ids if not tag or tag in tags.split(",")]


def clean_draw(draw: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for raw in draw or []:
        count = int(raw.get("count") or 0)
        if count <= 0:
            continue
        out.append(
            {"tag": clean_text(raw.get("tag", ""))[:30], "difficulty": int(raw.get("difficulty") or 0), "count": count}
        )
    if not out:
        raise ValidationError({"draw": ["请设置组卷规则（每类题目的数量）。"]})
    if sum(r["count"] for r in out) > MAX_QUESTIONS:
        raise ValidationError({"draw": [f"一张试卷最多 {MAX_QUESTIONS} 题。"]})
    return out


@accepts_system
@transaction.atomic
def contest_create(
    *,
    actor: Any,
    org: OrgNode,
    title: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    draw: Any,
    eligible: OrgNode | None = None,
    minutes: int = 10,
    points: int = 5,
    attempts: int = 1,
    winners: int = 10,
) -> Contest:
    require_org(actor, org)
    eligible = eligible or org
    errors: dict[str, list[str]] = {}
    name = clean_text(title)[:100]
    if not name:
        errors["title"] = ["请填写竞赛名称。"]
    if not eligible.path.startswith(org.path):
        errors["eligible"] = ["参赛范围须在主办单位之下。"]
    if not starts_at or not ends_at or ends_at <= starts_at:
        errors["ends_at"] = ["结束时间须晚于开始时间。"]
    if not 1 <= int(minutes) <= 180:
        errors["minutes"] = ["答题时限应在 1～180 分钟之间。"]
    if not 1 <= int(points) <= 100:
        errors["points"] = ["每题分值应在 1～100 之间。"]
    if not 1 <= int(attempts) <= 10:
        errors["attempts"] = ["可答次数应在 1～10 之间。"]
    if errors:
        raise ValidationError(errors)
    contest = Contest(
        org=org,
        eligible=eligible,
        title=name,
        starts_at=starts_at,
        ends_at=ends_at,
        minutes=int(minutes),
        points=int(points),
        attempts=int(attempts),
        winners=max(int(winners), 0),
        created_by=actors.user_of(actor),
    )
    contest.draw = clean_draw(draw)
    for rule in contest.draw:
        have = len(_pool(contest, rule))
        if have < rule["count"]:
            label = rule["tag"] or "全部标签"
            raise ValidationError(
                {
                    "draw": [
                        f"题库中“{label}”难度{rule['difficulty'] or '不限'}的题目只有 {have} 道，不够抽取 {rule['count']} 道。"  # noqa: E501
                    ]
                }
            )
    contest.save()
    audit.record(actor=actor, action="learning.contest.created", obj=contest, changes={"draw": contest.draw})
    return contest


@accepts_system
@transaction.atomic
def contest_publish(*, actor: Any, contest: Contest) -> Contest:
    actors.require(actor, contest, MANAGE)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.status != ContestStatus.DRAFT:
        raise ValidationError("竞赛已发布。")
    contest.status = ContestStatus.PUBLISHED
    contest.save(update_fields=["status"])
    audit.record(actor=actor, action="learning.contest.published", obj=contest, changes={"status": contest.status})
    return contest


@accepts_system
@transaction.atomic
def contest_close(*, actor: Any, contest: Contest) -> Contest:
    actors.require(actor, contest, MANAGE)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.status != ContestStatus.PUBLISHED:
        raise ValidationError("只有进行中的竞赛可以结束。")
    contest.status = ContestStatus.CLOSED
    contest.save(update_fields=["status"])
    expired = Attempt.objects.filter(contest=contest, status=AttemptStatus.OPEN).update(status=AttemptStatus.EXPIRED)
    audit.record(actor=actor, action="learning.contest.closed", obj=contest, changes={"expired": expired})
    return contest


def session_digest(session_key: str) -> str:
    return hashlib.sha256(f"learning-attempt:{session_key}".encode()).hexdigest()


def eligible_member(contest: Contest, member: Member | None) -> bool:
    return bool(
        member is not None
        and member.status in (Status.ACTIVE, Status.RETAINED)
        and member.union.path.startswith(contest.eligible.path)
    )


def _member_of(actor: Any, member: Member | None = None) -> Member:
    """The participant: the actor's own registry record; the system (the demo, a contest held on
    paper and entered at the console) names the member."""
    if actors.is_system(actor):
        if member is None:
            raise ValidationError("须指定参赛人。")
        return Member.objects.select_related("union").get(pk=member.pk)
    if not scope.has_perm(actor, TAKE):
        raise PermissionDenied
    member = Member.objects.select_related("union").filter(user_id=actor.pk).first()
    if member is None:
        raise ValidationError("请先完成实名绑定，再参加竞赛。")
    return member


@accepts_system
@transaction.atomic
def attempt_start(
    *, actor: Any, contest: Contest, session_key: str, now: dt.datetime | None = None, member: Member | None = None
) -> Attempt:
    """Start (or resume, from the same session) the participant's attempt: draws the paper."""
    now = now or timezone.now()
    member = _member_of(actor, member)
    if not eligible_member(contest, member):
        raise PermissionDenied
    if contest.status != ContestStatus.PUBLISHED or not contest.starts_at <= now < contest.ends_at:
        raise ValidationError("竞赛不在答题时间内。")
    digest = session_digest(session_key)
    mine = Attempt.objects.select_for_update().filter(contest=contest, member=member).order_by("-number")
    latest = mine.first()
    if latest is not None and latest.status == AttemptStatus.OPEN:
        if now > latest.deadline + dt.timedelta(seconds=conf.get("LEARNING_GRACE_SECONDS")):
            latest.status = AttemptStatus.EXPIRED
            latest.save(update_fields=["status"])
        elif latest.session != digest:
            raise ValidationError("您已在另一台设备或浏览器上开始答题，请在原设备上继续。")
        else:
            return latest
    used = latest.number if latest is not None else 0
    if used >= contest.attempts:
        raise ValidationError(f"本竞赛每人可答 {contest.attempts} 次，您已用完。")
    rng = random.SystemRandom()
    chosen: list[int] = []
    for rule in contest.draw:
        pool = [pk for pk in _pool(contest, rule) if pk not in chosen]
        if len(pool) < rule["count"]:
            raise ValidationError("题库题目不足，暂不能组卷，请联系主办单位。")
        chosen.extend(rng.sample(pool, rule["count"]))
    rng.shuffle(chosen)
    deadline = min(now + dt.timedelta(minutes=contest.minutes), contest.ends_at)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                contest=contest,
                member=member,
                user=actors.user_of(actor),
                union=member.union,
                number=used + 1,
                session=digest,
                questions=chosen,
                started_at=now,
                deadline=deadline,
            )
    except IntegrityError:
        raise ValidationError("您已开始答题（可能在另一个窗口），请刷新页面。") from None
    audit.record(actor=actor, action="learning.attempt.started", obj=attempt, changes={"number": attempt.number})
    return attempt


def score_one(question: Question, response: str) -> bool:
    """Whether a response is right: the same letters for choices (order ignored), 对/错 for
    true-false, one of the accepted texts (spaces and case ignored) for fill-in."""
    given = clean_text(response)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "".join(sorted(set(given.upper().replace(",", "")))) == question.answer
    if question.kind == QuestionKind.JUDGE:
        return given == question.answer
    norm = given.replace(" ", "").lower()
    return bool(norm) and norm in {a.replace(" ", "").lower() for a in question.answer.split("|")}


LATE_MESSAGE = "已超过答题时间，答案未被接受。"


@accepts_system
def attempt_submit(
    *, actor: Any, attempt: Attempt, session_key: str, responses: dict[int, str], now: dt.datetime | None = None
) -> Attempt:
    """Score a submitted paper on the server. Only the attempt's own questions count; an attempt
    is scored once (a second submit is refused); late or from another session → refused. A late
    paper closes the attempt as 超时 (kept) and is refused."""
    done = _submit(
        actor=actor, attempt=attempt, session_key=session_key, responses=responses, now=now or timezone.now()
    )
    if done.status == AttemptStatus.EXPIRED:
        raise ValidationError(LATE_MESSAGE)
    return done


@transaction.atomic
def _submit(*, actor: Any, attempt: Attempt, session_key: str, responses: dict[int, str], now: dt.datetime) -> Attempt:
    if not actors.is_system(actor) and (attempt.user_id is None or attempt.user_id != getattr(actor, "pk", None)):
        raise PermissionDenied
    attempt = Attempt.objects.select_for_update().select_related("contest").get(pk=attempt.pk)
    if attempt.status != AttemptStatus.OPEN:
        raise ValidationError("本次答题已经交卷，不能重复提交。")
    if attempt.session != session_digest(session_key):
        raise ValidationError("本次答题是在另一台设备或浏览器上开始的，请在原设备上交卷。")
    if now > attempt.deadline + dt.timedelta(seconds=conf.get("LEARNING_GRACE_SECONDS")):
        attempt.status = AttemptStatus.EXPIRED
        attempt.submitted_at = now
        attempt.save(update_fields=["status", "submitted_at"])
        audit.record(actor=actor, action="learning.attempt.expired", obj=attempt, changes={"late": True})
        return attempt
    questions = Question.objects.in_bulk(attempt.questions)
    points = attempt.contest.points
    rows: list[Answer] = []
    correct = 0
    for qid in attempt.questions:
        question = questions.get(qid)
        if question is None:
            continue
        given = clean_text(responses.get(qid, ""))[:200]
        right = score_one(question, given)
        correct += right
        rows.append(
            Answer(attempt=attempt, question=question, response=given, correct=right, points=points if right else 0)
        )
    Answer.objects.bulk_create(rows)
    attempt.status, attempt.submitted_at = AttemptStatus.SUBMITTED, now
    attempt.correct, attempt.score = correct, correct * points
    attempt.seconds = max(int((now - attempt.started_at).total_seconds()), 0)
    attempt.save(update_fields=["status", "submitted_at", "correct", "score", "seconds"])
    audit.record(actor=actor, action="learning.attempt.submitted", obj=attempt, changes={"score": attempt.score})
    return attempt


def open_contests_for(member: Member | None, now: dt.datetime | None = None) -> Any:
    """The published contests a member may take part in (by the member's union in the tree)."""
    if member is None:
        return Contest.objects.none()
    now = now or timezone.now()
    path = member.union.path
    prefixes = [path[:i] for i in range(4, len(path) + 1, 4)]
    return (
        Contest.objects.filter(eligible__path__in=prefixes)
        .filter(Q(status=ContestStatus.PUBLISHED) | Q(status=ContestStatus.CLOSED))
        .filter(starts_at__lte=now + dt.timedelta(days=30))
        .order_by("-starts_at")
    )
