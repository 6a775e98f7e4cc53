"""Votes: motions and elections opened and closed by the chair, secret ballots cast on phones,
paper ballots counted by two tellers, and the result under the rules.

The rules applied (企业民主管理规定; 上海条例 §28, §31; 集体合同规定 §36): a vote opens only when at
least ⅔ of ALL representatives have signed in; a motion passes, and a candidate is elected, with
more than half of ALL representatives (not of those present or voting); important matters
(elections, the charter and rules, a collective contract) are voted by secret ballot, item by item.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from gefeng.core import audit, scope
from gefeng.core.actors import accepts_system
from gefeng.democracy import rules
from gefeng.democracy.models import (
    SECRET_KINDS,
    VOTING_KINDS,
    Attendance,
    Ballot,
    Channel,
    Document,
    DocumentVersion,
    Meeting,
    MeetingStatus,
    Method,
    Motion,
    MotionKind,
    MotionStatus,
    Option,
    PaperCount,
    Representative,
    VoteCast,
)
from gefeng.democracy.services._common import VOTE, number, require, text
from gefeng.democracy.services.congress import _member_of
from gefeng.democracy.services.meetings import entitled_count

YNA_OPTIONS = (("yes", "赞成"), ("no", "反对"), ("abstain", "弃权"))
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


@accepts_system
@transaction.atomic
def motion_create(
    *,
    actor: Any,
    meeting: Meeting,
    title: Any,
    kind: Any = MotionKind.RESOLUTION,
    text_body: Any = "",
    method: Any = Method.YNA,
    options: list[Any] | None = None,
    candidates: list[Any] | None = None,
    seats: Any = 1,
    secret: bool = True,
    statutory_item: Any = "",
    document: Document | None = None,
    new_text: Any = "",
    contract_ref: Any = "",
) -> Motion:
    """An item to vote on. Elections, the charter and rules, and a collective contract are always
    secret (企业民主管理规定: important matters by 无记名投票, item by item)."""
    require(actor, meeting)
    if meeting.kind not in VOTING_KINDS:
        raise ValidationError("只有职工代表大会、全体职工大会或临时会议可以表决。")
    if meeting.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise ValidationError("会议已闭会或已取消，不能增加表决事项。")
    if kind not in MotionKind.values:
        raise ValidationError({"kind": ["请选择事项类型。"]})
    if method not in Method.values:
        raise ValidationError({"method": ["请选择表决方式。"]})
    if kind in SECRET_KINDS and not secret:
        raise ValidationError({"secret": ["选举、章程制度修订和集体合同必须无记名投票。"]})
    if kind == MotionKind.ELECTION and method != Method.CANDIDATES:
        raise ValidationError({"method": ["选举应采用候选人投票。"]})
    if statutory_item and statutory_item not in rules.STATUTORY_ITEMS:
        raise ValidationError({"statutory_item": ["未知的事项。"]})
    motion = Motion(
        meeting=meeting,
        kind=kind,
        title=text(title, field="title", limit=150, label="表决事项"),
        text=text(text_body, field="text_body", limit=20000, required=False),
        method=method,
        secret=bool(secret),
        statutory_item=statutory_item or "",
        contract_ref=text(contract_ref, field="contract_ref", limit=60, required=False),
        order=meeting.motions.count() + 1,
    )
    if kind == MotionKind.CHARTER:
        if document is None or document.congress_id != meeting.congress_id:
            raise ValidationError({"document": ["请选择本企业要修订的章程或制度。"]})
        motion.document = document
        motion.new_text = text(new_text, field="new_text", limit=100000, label="修订后全文")
        motion.statutory_item = motion.statutory_item or document.statutory_item
    if kind == MotionKind.CONTRACT and not motion.contract_ref:
        raise ValidationError({"contract_ref": ["请填写审议的集体合同编号。"]})
    labels: list[tuple[str, str, Any]] = []
    if method == Method.YNA:
        labels = [(code, label, None) for code, label in YNA_OPTIONS]
    elif method == Method.CANDIDATES:
        people = [_member_of(meeting.congress, c) for c in (candidates or []) if str(c).strip()]
        if len({p.pk for p in people}) != len(people) or not people:
            raise ValidationError({"candidates": ["请选择候选人（不重复）。"]})
        labels = [("", p.name, p) for p in people]
    else:
        names = [text(o, field="options", limit=100) for o in (options or []) if str(o).strip()]
        if len(names) < 2 or len(set(names)) != len(names):
            raise ValidationError({"options": ["请填写至少两个不重复的选项。"]})
        labels = [("", n, None) for n in names]
    limit = 1 if method in (Method.YNA, Method.SINGLE) else len(labels)
    motion.seats = (
        1 if limit == 1 else number(seats, field="seats", label="应选人数/最多可选", minimum=1, maximum=limit)
    )
    motion.save()
    Option.objects.bulk_create(
        Option(motion=motion, code=code, label=label, candidate=person, order=i)
        for i, (code, label, person) in enumerate(labels)
    )
    audit.record(actor=actor, action="democracy.motion.created", obj=motion, changes={"kind": kind, "method": method})
    return motion


def _locked(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("meeting", "meeting__congress").get(pk=motion.pk)


@accepts_system
@transaction.atomic
def motion_open(*, actor: Any, motion: Motion) -> Motion:
    """The chair opens the vote: refused below quorum (⅔ of all representatives signed in).
    The ballot slots are made now, one per representative, with random ids and order keys."""
    require(actor, motion)
    m = _locked(motion)
    if m.status != MotionStatus.DRAFT:
        raise ValidationError(f"该事项当前状态为“{m.get_status_display()}”，不能开始表决。")
    if m.meeting.status != MeetingStatus.OPEN:
        raise ValidationError("会议尚未开始（或已闭会），不能表决。")
    entitled = entitled_count(m.meeting.congress)
    present = Attendance.objects.filter(meeting=m.meeting, representative__status="active").count()
    if not rules.quorate(present, entitled):
        raise ValidationError(
            f"到会代表 {present} 人，不足全体代表 {entitled} 人的三分之二（需 {rules.quorum_needed(entitled)} 人），"
            "不能表决（企业民主管理规定）。"
        )
    m.status, m.entitled, m.present, m.opened_at = MotionStatus.OPEN, entitled, present, timezone.now()
    m.opened_by = actor if getattr(actor, "pk", None) else None
    m.save()
    Ballot.objects.bulk_create(
        (Ballot(id=secrets.token_hex(16), motion=m, slot=secrets.randbits(62)) for _ in range(entitled)),
        batch_size=1000,
    )
    audit.record(
        actor=actor, action="democracy.motion.opened", obj=m, changes={"entitled": entitled, "present": present}
    )
    return m


def _receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def _clean_choices(motion: Motion, choices: list[Any]) -> list[int]:
    ids = set(motion.options.values_list("id", flat=True))
    try:
        picked = sorted({int(c) for c in choices})
    except (TypeError, ValueError):
        raise ValidationError({"choices": ["选项无效。"]}) from None
    if not set(picked) <= ids:
        raise ValidationError({"choices": ["选项不属于本事项。"]})
    if motion.method in (Method.YNA, Method.SINGLE) and len(picked) != 1:
        raise ValidationError({"choices": ["请选择一项。"]})
    if len(picked) > motion.seats:
        raise ValidationError({"choices": [f"最多选择 {motion.seats} 项。"]})
    return picked


@dataclass(frozen=True)
class Cast:
    """What the voter gets back: the receipt code (shown once) and the motion voted on."""

    receipt: str
    motion: Motion


def vote_cast(*, actor: Any, motion_id: Any, choices: list[Any]) -> Cast:
    """A representative's phone vote. Returns the receipt code (shown once, kept nowhere with the
    voter). Refused: not a representative of this congress, not signed in, not open, voted already
    (a concurrent second vote fails on the unique `VoteCast`) — none of them touches the tally."""
    try:
        return _vote_cast(actor=actor, motion_id=motion_id, choices=choices)
    except IntegrityError:
        raise ValidationError("您已对该事项投过票，每位代表只能投一次。") from None


def _status_shared(motion: Motion) -> str:
    """The motion's status under a share lock on its row (PostgreSQL): votes share it with each
    other, a close (FOR UPDATE) waits for the votes in flight, and a vote that comes during a
    close waits for it and then reads "closed". The foreign key of the vote's record would lock
    the row too late: Django makes it deferred, checked at commit, after the ballot is taken.
    (SQLite runs the whole transaction under its write lock: the plain read is current.)"""
    if connection.vendor != "postgresql":
        return Motion.objects.filter(pk=motion.pk).values_list("status", flat=True).get()
    table = connection.ops.quote_name(Motion._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT status FROM {table} WHERE id = %s FOR SHARE", [motion.pk])  # noqa: S608
        return cur.fetchone()[0]


@transaction.atomic
def _vote_cast(*, actor: Any, motion_id: Any, choices: list[Any]) -> Cast:
    pk = int(motion_id) if str(motion_id).isdigit() and len(str(motion_id)) < 12 else 0
    motion = Motion.objects.select_related("meeting").filter(pk=pk).first()
    if motion is None:
        raise PermissionDenied
    # The voter's own seat in this congress (through the scope), and whether they signed in.
    seat = (
        scope.permitted(actor, Representative, VOTE)
        .filter(congress_id=motion.meeting.congress_id, status="active")
        .annotate(signed=Exists(Attendance.objects.filter(meeting_id=motion.meeting_id, representative=OuterRef("pk"))))
        .values_list("pk", "signed")
        .first()
    )
    if seat is None:
        raise PermissionDenied  # not a representative of this congress
    if _status_shared(motion) != MotionStatus.OPEN:
        raise ValidationError("该事项不在表决中（未开始或已结束）。")
    if not seat[1]:
        raise ValidationError("请先签到再投票。")
    picked = _clean_choices(motion, choices)
    VoteCast.objects.create(motion=motion, representative_id=seat[0], channel=Channel.PHONE)
    receipt = _receipt()
    free = Ballot.objects.filter(motion=motion, filled=False)
    fill = {
        "filled": True,
        "choices": picked,
        "receipt": receipt,
        "representative_id": None if motion.secret else seat[0],
    }
    for attempt in range(20):
        start = secrets.randbits(62) if attempt % 2 == 0 else -1  # a random free slot, else the first
        first_free = free.filter(slot__gte=start).order_by("slot").values("id")[:1]
        if Ballot.objects.filter(id=Subquery(first_free), filled=False).update(**fill):
            break
        if attempt >= 1 and not free.exists():
            raise ValidationError("选票已发完（代表人数有变化），请联系会务组。")
    else:
        raise ValidationError("投票繁忙，请稍后重试。")
    audit.record(actor=actor, action="democracy.vote.cast", obj=motion)  # that, never what
    return Cast(receipt, motion)


@accepts_system
@transaction.atomic
def paper_issue(*, actor: Any, motion: Motion, representative_id: Any) -> VoteCast:
    """The secretary hands a representative a paper ballot: they can no longer vote on the phone."""
    require(actor, motion)
    m = _locked(motion)
    if m.status != MotionStatus.OPEN:
        raise ValidationError("该事项不在表决中。")
    rep = Representative.objects.filter(
        pk=int(representative_id) if str(representative_id).isdigit() else 0, congress_id=m.meeting.congress_id
    ).first()
    if rep is None or rep.status != "active":
        raise ValidationError({"representative": ["不是本届在任职工代表。"]})
    if not Attendance.objects.filter(meeting_id=m.meeting_id, representative=rep).exists():
        raise ValidationError({"representative": ["该代表未签到。"]})
    try:
        with transaction.atomic():
            cast = VoteCast.objects.create(motion=m, representative=rep, channel=Channel.PAPER)
    except IntegrityError:
        raise ValidationError({"representative": [f"{rep.name}已投票或已领取纸质选票。"]}) from None
    audit.record(actor=actor, action="democracy.vote.paper_issued", obj=m, changes={"representative": rep.name})
    return cast


def _paper_issued(motion: Motion) -> int:
    return VoteCast.objects.filter(motion=motion, channel=Channel.PAPER).count()


@accepts_system
@transaction.atomic
def paper_count(*, actor: Any, motion: Motion, counts: dict[str, Any]) -> PaperCount:
    """A teller enters the count of the paper ballots. The second teller's count must equal the
    first's, or it is refused; the same person cannot count twice."""
    require(actor, motion)
    m = _locked(motion)
    if m.status != MotionStatus.OPEN:
        raise ValidationError("该事项不在表决中。")
    if getattr(actor, "pk", None) is None:
        raise ValidationError("计票须由计票人登录录入。")
    issued = _paper_issued(m)
    ballots = number(counts.get("ballots", 0), field="ballots", label="收回纸质选票", maximum=issued)
    clean: dict[str, int] = {"ballots": ballots}
    for option in m.options.all():
        clean[str(option.pk)] = number(
            counts.get(str(option.pk), 0) or 0, field=f"o{option.pk}", label=option.label, maximum=ballots
        )
    chosen = sum(v for k, v in clean.items() if k != "ballots")
    if m.method in (Method.YNA, Method.SINGLE) and chosen > ballots:
        raise ValidationError({"ballots": ["各选项票数之和超过了收回的选票数。"]})
    if chosen > ballots * m.seats:
        raise ValidationError({"ballots": ["各选项票数之和超过了选票可投的总数。"]})
    earlier = list(m.paper_counts.all())
    if any(pc.teller_id == actor.pk for pc in earlier):
        raise ValidationError("您已录入过计票结果，须由另一名计票人复核录入。")
    if len(earlier) >= 2:
        raise ValidationError("已有两名计票人录入一致的结果。")
    if earlier and earlier[0].counts != clean:
        diff = [o.label for o in m.options.all() if earlier[0].counts.get(str(o.pk)) != clean[str(o.pk)]]
        if earlier[0].counts.get("ballots") != ballots:
            diff.insert(0, "收回选票数")
        raise ValidationError(f"与第一名计票人的结果不一致（{'、'.join(diff)}），请重新清点后录入。")
    pc = PaperCount.objects.create(motion=m, teller=actor, counts=clean)
    audit.record(actor=actor, action="democracy.vote.paper_counted", obj=m, changes={"ballots": ballots})
    return pc


@accepts_system
@transaction.atomic
def motion_close(*, actor: Any, motion: Motion) -> Motion:
    """Close the vote and count: phone ballots plus the tellers' agreed paper count, then the
    rules: more than half of ALL representatives (企业民主管理规定; 上海条例 §31)."""
    require(actor, motion)
    m = _locked(motion)
    if m.status != MotionStatus.OPEN:
        raise ValidationError("该事项不在表决中。")
    issued = _paper_issued(m)
    paper: dict[str, int] = {}
    if issued:
        counts = list(m.paper_counts.all())
        if len(counts) < 2:
            raise ValidationError("有纸质选票：须由两名计票人分别录入一致的结果后才能结束表决。")
        paper = counts[0].counts
    phone = Counter[int]()
    phone_ballots = blank = 0
    for picked in Ballot.objects.filter(motion=m, filled=True).values_list("choices", flat=True).iterator(2000):
        phone_ballots += 1
        if not picked:
            blank += 1
        phone.update(picked)
    phone_casts = VoteCast.objects.filter(motion=m, channel=Channel.PHONE).count()
    if phone_casts != phone_ballots:  # the two tables must agree exactly
        raise ValidationError(f"投票记录 {phone_casts} 与选票 {phone_ballots} 不一致，请联系系统管理员。")
    options = list(m.options.all())
    for o in options:
        o.votes = phone[o.pk] + int(paper.get(str(o.pk), 0))
    need = rules.majority_needed(m.entitled)
    passed, reason = _decide(m, options, need)
    Option.objects.bulk_update(options, ["votes", "elected"])
    m.cast = phone_casts + issued
    m.result = {
        "phone": phone_ballots,
        "paper": int(paper.get("ballots", 0)),
        "paper_issued": issued,
        "blank": blank,
        "majority": need,
        "quorum": rules.quorum_needed(m.entitled),
    }
    m.passed, m.reason = passed, reason
    m.status, m.closed_at = MotionStatus.CLOSED, timezone.now()
    m.save()
    Ballot.objects.filter(motion=m, filled=False).delete()  # unused slots
    if passed and m.kind == MotionKind.CHARTER and m.document_id:
        _adopt(m)
    audit.record(
        actor=actor,
        action="democracy.motion.closed",
        obj=m,
        changes={"passed": passed, "cast": m.cast, "reason": reason},
    )
    return m


def _decide(m: Motion, options: list[Option], need: int) -> tuple[bool, str]:
    everyone = f"全体代表 {m.entitled} 人"
    if m.method == Method.YNA:
        yes = next(o for o in options if o.code == "yes")
        no = next(o for o in options if o.code == "no")
        ab = next(o for o in options if o.code == "abstain")
        tally = f"赞成 {yes.votes}、反对 {no.votes}、弃权 {ab.votes}"
        if yes.votes >= need:
            return True, f"{tally}；赞成票超过{everyone}的半数（需 {need} 票），通过。"
        return False, f"{tally}；赞成票未超过{everyone}的半数（需 {need} 票），未通过。"
    ranked = sorted(options, key=lambda o: -o.votes)
    if m.method == Method.SINGLE:
        top = ranked[0]
        if top.votes >= need and (len(ranked) == 1 or ranked[1].votes < top.votes):
            top.elected = True
            return True, f"“{top.label}”得 {top.votes} 票，超过{everyone}的半数（需 {need} 票），通过。"
        return False, f"没有选项超过{everyone}的半数（需 {need} 票），未通过。"
    qualified = [o for o in ranked if o.votes >= need]
    if m.method == Method.MULTIPLE:
        for o in qualified:
            o.elected = True
        names = "、".join(o.label for o in qualified) or "无"
        return bool(qualified), f"超过{everyone}半数（需 {need} 票）的选项：{names}。"
    chosen = qualified[: m.seats]
    if len(qualified) > m.seats and qualified[m.seats].votes == chosen[-1].votes:
        tied = chosen[-1].votes
        chosen = [o for o in chosen if o.votes > tied]
    for o in chosen:
        o.elected = True
    names = "、".join(o.label for o in chosen) or "无人"
    if len(chosen) == m.seats:
        return True, f"应选 {m.seats} 名，{names}得票超过{everyone}的半数（需 {need} 票），当选。"
    return (
        False,
        f"应选 {m.seats} 名，当选 {len(chosen)} 名（{names}），得票超过半数（需 {need} 票）者不足，缺额另行选举。",
    )


def _adopt(m: Motion) -> DocumentVersion:
    assert m.document_id is not None
    doc = Document.objects.select_for_update().get(pk=m.document_id)
    last = doc.versions.order_by("-number").first()
    return DocumentVersion.objects.create(
        document=doc,
        number=(last.number if last else 0) + 1,
        text=m.new_text,
        adopted_on=m.meeting.date,
        motion=m,
        note=f"{m.meeting.title}表决通过",
    )


def tally_rows(motion: Motion) -> list[tuple[str, str]]:
    """The published tally: every phone ballot's receipt code with its choice, sorted by code (a
    voter finds their own; nobody learns whose it is)."""
    labels = dict(motion.options.values_list("id", "label"))
    rows = Ballot.objects.filter(motion=motion, filled=True).order_by("receipt").values_list("receipt", "choices")
    return [(r, "、".join(labels.get(c, "?") for c in picked) or "空白票") for r, picked in rows.iterator(2000)]


def receipt_check(motion: Motion, receipt: Any) -> str | None:
    """What the ballot with this receipt says (for its voter), or None."""
    code = str(receipt or "").strip().upper()[:12]
    if not code or motion.status != MotionStatus.CLOSED:
        return None
    picked = Ballot.objects.filter(motion=motion, filled=True, receipt=code).values_list("choices", flat=True).first()
    if picked is None:
        return None
    labels = dict(motion.options.values_list("id", "label"))
    return "、".join(labels.get(c, "?") for c in picked) or "空白票"
