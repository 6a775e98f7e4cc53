"""Meetings: the calendar from the congress's rhythm, materials sent ahead, sign-in, quorum,
minutes and resolutions published to all staff."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gefeng.core import audit, scope
from gefeng.core.actors import accepts_system
from gefeng.democracy import rules
from gefeng.democracy.models import (
    VOTING_KINDS,
    Attendance,
    Congress,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Representative,
    RepStatus,
)
from gefeng.democracy.services._common import VOTE, date, require, text


def _token() -> str:
    return secrets.token_urlsafe(18)[:24]


@accepts_system
@transaction.atomic
def meeting_create(
    *, actor: Any, congress: Congress, kind: Any, date_on: Any, title: Any = "", place: Any = "", agenda: Any = ""
) -> Meeting:
    require(actor, congress)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": ["请选择会议类型。"]})
    day = date(date_on, field="date_on", label="会议日期")
    assert day is not None
    meeting = Meeting.objects.create(
        congress=congress,
        kind=kind,
        date=day,
        title=text(title, field="title", limit=120, required=False) or f"{day:%Y年%m月}{MeetingKind(kind).label}",
        place=text(place, field="place", limit=100, required=False),
        agenda=text(agenda, field="agenda", limit=5000, required=False),
        checkin_token=_token(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="democracy.meeting.created", obj=meeting, changes={"kind": kind, "date": day})
    return meeting


def _rhythm(congress: Congress, year: int) -> list[tuple[str, dt.date]]:
    """The planned meetings of a year from the congress's settings (the pilot: a 会员会议 every
    month, an 扩大会议 every quarter, the 职工代表大会 once a year — at least yearly by law)."""
    out: list[tuple[str, dt.date]] = []
    every = {
        MeetingKind.MEMBERS: congress.member_meeting_months,
        MeetingKind.ENLARGED: congress.enlarged_meeting_months,
        MeetingKind.CONGRESS: min(congress.congress_months, rules.CONGRESS_EVERY_MONTHS),
    }
    day = {MeetingKind.MEMBERS: 5, MeetingKind.ENLARGED: 15, MeetingKind.CONGRESS: 25}
    for kind, months in every.items():
        if not months:
            continue
        for month in range(months, 13, months):
            out.append((kind, dt.date(year, month, day[kind])))
    return sorted(out, key=lambda x: (x[1], x[0]))


@accepts_system
@transaction.atomic
def calendar_generate(*, actor: Any, congress: Congress, year: Any) -> int:
    """Plan the year's meetings from the rhythm; meetings already planned are kept (none twice)."""
    require(actor, congress)
    try:
        y = int(str(year))
    except ValueError:
        raise ValidationError({"year": ["年度应为整数。"]}) from None
    if not 2000 <= y <= 2100:
        raise ValidationError({"year": ["年度超出范围。"]})
    existing = set(Meeting.objects.filter(congress=congress, date__year=y).values_list("kind", "date"))
    made = 0
    for kind, day in _rhythm(congress, y):
        if (kind, day) in existing:
            continue
        Meeting.objects.create(
            congress=congress,
            kind=kind,
            date=day,
            title=f"{day:%Y年%m月}{MeetingKind(kind).label}"
            if kind != MeetingKind.CONGRESS
            else f"{y}年度{congress.get_kind_display()}",
            checkin_token=_token(),
        )
        made += 1
    audit.record(
        actor=actor, action="democracy.calendar.generated", obj=congress, changes={"year": y, "meetings": made}
    )
    return made


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("congress", "congress__org").get(pk=meeting.pk)


@accepts_system
@transaction.atomic
def materials_publish(*, actor: Any, meeting: Meeting, materials: Any, sent_on: Any = None) -> Meeting:
    """Send the materials to the representatives. A congress's materials are due
    `materials_days` (7, 上海条例 §30) before the meeting: later sending is kept and shown as late."""
    require(actor, meeting)
    m = _locked(meeting)
    if m.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED):
        raise ValidationError("会议已召开或已取消，不能再发送材料。")
    m.materials = text(materials, field="materials", limit=20000, label="会议材料")
    m.materials_sent_on = date(sent_on, field="sent_on", label="送达日期", required=False) or timezone.localdate()
    if m.materials_sent_on > m.date:
        raise ValidationError({"sent_on": ["材料送达日期不能晚于会议日期。"]})
    m.status = MeetingStatus.NOTIFIED
    m.save()
    audit.record(actor=actor, action="democracy.meeting.materials", obj=m, changes={"sent_on": m.materials_sent_on})
    return m


def materials_late(meeting: Meeting) -> bool:
    """Materials of a voting meeting sent less than `materials_days` before it (上海条例 §30)."""
    if meeting.kind not in VOTING_KINDS or meeting.materials_sent_on is None:
        return False
    return (meeting.date - meeting.materials_sent_on).days < meeting.congress.materials_days


def entitled_count(congress: Congress) -> int:
    return Representative.objects.filter(congress=congress, status=RepStatus.ACTIVE).count()


@accepts_system
@transaction.atomic
def meeting_open(*, actor: Any, meeting: Meeting) -> Meeting:
    """Open the meeting (sign-in starts). A voting meeting needs its materials sent first."""
    require(actor, meeting)
    m = _locked(meeting)
    if m.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED):
        raise ValidationError(f"会议当前状态为“{m.get_status_display()}”，不能开会。")
    if m.kind in VOTING_KINDS and m.materials_sent_on is None:
        raise ValidationError(f"请先向代表发送会议材料（应在会前 {m.congress.materials_days} 日送达）。")
    m.status, m.opened_at = MeetingStatus.OPEN, timezone.now()
    m.entitled = entitled_count(m.congress)
    m.present = m.attendance.count()
    m.save()
    audit.record(actor=actor, action="democracy.meeting.opened", obj=m, changes={"entitled": m.entitled})
    return m


def _sign(meeting: Meeting, rep: Representative, method: str) -> Attendance:
    if meeting.status != MeetingStatus.OPEN:
        raise ValidationError("会议未开始或已闭会，不能签到。")
    if rep.congress_id != meeting.congress_id or rep.status != RepStatus.ACTIVE:
        raise ValidationError({"representative": ["不是本届在任职工代表，不能签到。"]})
    try:
        with transaction.atomic():
            att = Attendance.objects.create(meeting=meeting, representative=rep, method=method)
    except IntegrityError:
        raise ValidationError("已签到，无需重复签到。") from None
    Meeting.objects.filter(pk=meeting.pk).update(present=meeting.attendance.count())
    return att


@accepts_system
@transaction.atomic
def attendance_record(*, actor: Any, meeting: Meeting, representative_id: Any) -> Attendance:
    """The secretary signs a representative in."""
    require(actor, meeting)
    m = _locked(meeting)
    rep = Representative.objects.filter(pk=int(representative_id) if str(representative_id).isdigit() else 0).first()
    if rep is None:
        raise ValidationError({"representative": ["请选择代表。"]})
    att = _sign(m, rep, "secretary")
    audit.record(actor=actor, action="democracy.meeting.signed_in", obj=m, changes={"representative": rep.name})
    return att


def own_representative(actor: Any, congress_id: int) -> Representative | None:
    """The actor's own active seat in a congress (a worker's phone pages)."""
    return (
        scope.permitted(actor, Representative, VOTE)
        .filter(congress_id=congress_id, status=RepStatus.ACTIVE)
        .select_related("congress")
        .first()
    )


@transaction.atomic
def checkin(*, actor: Any, token: Any) -> Attendance:
    """A representative scans the meeting's QR code on the phone."""
    m = Meeting.objects.select_for_update().filter(checkin_token=str(token)[:32]).first()
    if m is None:
        raise ValidationError("签到码无效。")
    rep = own_representative(actor, m.congress_id)
    if rep is None:
        raise PermissionDenied
    att = _sign(m, rep, "qr")
    audit.record(actor=actor, action="democracy.meeting.checked_in", obj=m)
    return att


@accepts_system
@transaction.atomic
def meeting_close(*, actor: Any, meeting: Meeting, minutes: Any) -> Meeting:
    """Close the meeting with its minutes; motions still open are refused (close them first)."""
    require(actor, meeting)
    m = _locked(meeting)
    if m.status != MeetingStatus.OPEN:
        raise ValidationError("会议未在进行中。")
    if m.motions.filter(status="open").exists():
        raise ValidationError("还有表决中的事项，请先结束表决。")
    m.minutes = text(minutes, field="minutes", limit=20000, label="会议纪要")
    m.status, m.closed_at = MeetingStatus.CLOSED, timezone.now()
    m.present = m.attendance.count()
    m.save()
    audit.record(actor=actor, action="democracy.meeting.closed", obj=m, changes={"present": m.present})
    return m


@accepts_system
@transaction.atomic
def resolutions_publish(*, actor: Any, meeting: Meeting, on: Any = None) -> Meeting:
    """Publish the meeting's resolutions to all staff (上海条例 §32): they show on the workers' phones."""
    require(actor, meeting)
    m = _locked(meeting)
    if m.status != MeetingStatus.CLOSED:
        raise ValidationError("闭会后才能公布决议。")
    m.resolutions_published_on = date(on, field="on", label="公布日期", required=False) or timezone.localdate()
    m.save()
    audit.record(actor=actor, action="democracy.meeting.published", obj=m)
    return m


@accepts_system
@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, reason: Any) -> Meeting:
    require(actor, meeting)
    m = _locked(meeting)
    if m.status in (MeetingStatus.OPEN, MeetingStatus.CLOSED):
        raise ValidationError("已召开的会议不能取消。")
    m.status = MeetingStatus.CANCELLED
    m.minutes = text(reason, field="reason", limit=500, label="取消原因")
    m.save()
    audit.record(actor=actor, action="democracy.meeting.cancelled", obj=m, changes={"reason": m.minutes})
    return m
