"""Training: courses, enrolment from the registry or by ID number, sessions and attendance (a
sign-in sheet or the phone's QR sign-in), completion with certificates, placement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import actors, audit, pii
from gefeng.core.actors import accepts_system
from gefeng.core.tabular import Column
from gefeng.core.validators import parse_id_number
from gefeng.members.models import Member, Status
from gefeng.orgs.models import OrgNode
from gefeng.skills.models import Attendance, Course, Enrolment, EnrolStatus, Group, Session
from gefeng.skills.services._common import SELF, SheetRefused, day, money, need, read_sheet, require_on, setting, text

SIGN_SALT = "skills.session.sign"


@accepts_system
@transaction.atomic
def course_create(*, actor: Any, org: OrgNode, data: dict[str, Any], host: OrgNode | None = None) -> Course:
    require_on(actor, org)
    if host is not None:
        actors.require(actor, host, "skills.view")
    starts, ends = day(data.get("starts_on"), "starts_on"), day(data.get("ends_on"), "ends_on")
    assert starts is not None and ends is not None
    if ends < starts:
        raise ValidationError({"ends_on": ["结业日期不能早于开班日期。"]})
    try:
        capacity = int(data.get("capacity") or 0)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 5000:
        raise ValidationError({"capacity": ["计划人数应在 1–5000 之间。"]})
    course = Course.objects.create(
        org=org,
        name=need(data.get("name"), "name", "请填写培训班名称。", 100),
        specialty=need(data.get("specialty"), "specialty", "请填写专业。", 40),
        provider=need(data.get("provider"), "provider", "请填写承训机构。", 100),
        place=need(data.get("place"), "place", "请填写培训地点。", 100),
        host=host,
        starts_on=starts,
        ends_on=ends,
        capacity=capacity,
        funding_yuan=money(data.get("funding_yuan") or 0, "funding_yuan") or 0,
        funding_source=text(data.get("funding_source"), 100),
        open_to_workers=bool(data.get("open_to_workers", True)),
    )
    audit.record(actor=actor, action="skills.course.created", obj=course, changes={"name": course.name})
    return course


@accepts_system
@transaction.atomic
def enrol(
    *,
    actor: Any,
    course: Course,
    group: str,
    member: Member | None = None,
    name: Any = "",
    id_number: Any = "",
) -> Enrolment:
    """Enrol a trainee: a member of the registry, or anyone by name and ID number (the jobless and
    migrant workers are often not members). A worker may enrol themself on the phone."""
    own = member is not None and getattr(actor, "pk", None) is not None and member.user_id == actor.pk
    if own:
        actors.require_perm(actor, SELF)
        if not course.open_to_workers:
            raise ValidationError("该培训班不接受个人报名，请联系所在工会。")
    else:
        require_on(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if group not in Group.values:
        raise ValidationError({"group": ["请选择人员类别。"]})
    if member is None:
        try:
            number = parse_id_number(id_number).number
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        name_s = need(name, "name", "请填写姓名。", 50)
        member = Member.objects.filter(id_hash=pii.blind_index(number), status=Status.ACTIVE).first()
    else:
        number, name_s = member.id_number, member.name
    digest = pii.blind_index(number)
    if Enrolment.objects.filter(course=course, id_hash=digest).exists():
        raise ValidationError({"id_number": ["此人已报名该培训班。"]})
    if course.enrolments.exclude(status=EnrolStatus.DROPPED).count() >= course.capacity:
        raise ValidationError(f"该培训班已满（计划 {course.capacity} 人）。")
    enrolment = Enrolment.objects.create(
        course=course, member=member, name=name_s, id_number=number, id_hash=digest, group=group
    )
    audit.record(
        actor=actor,
        action="skills.trainee.enrolled",
        obj=enrolment,
        changes={"course": course.name, "id_number": number, "self": own},
    )
    return enrolment


@accepts_system
@transaction.atomic
def session_add(*, actor: Any, course: Course, on: Any, topic: Any) -> Session:
    require_on(actor, course)
    when = day(on, "on")
    assert when is not None
    if not course.starts_on <= when <= course.ends_on:
        raise ValidationError({"on": ["课次日期应在开班和结业日期之间。"]})
    session = Session.objects.create(course=course, on=when, topic=need(topic, "topic", "请填写课次内容。", 100))
    audit.record(actor=actor, action="skills.session.added", obj=course, changes={"session": str(session)})
    return session


ATTENDANCE_COLUMNS = [
    Column("id_number", "身份证号", ("证件号码", "身份证"), required=True),
    Column("name", "姓名", ()),
]


@accepts_system
@transaction.atomic
def attendance_import(*, actor: Any, session: Session, path: str | Path, filename: str = "") -> int:
    """A sign-in sheet (身份证号, 姓名). Every row must name an enrolled trainee; with any unknown
    ID number nothing is written and every bad row is reported."""
    require_on(actor, session.course)
    rows = read_sheet(path, ATTENDANCE_COLUMNS, filename or Path(path).name)
    trainees = {e.id_hash: e for e in session.course.enrolments.exclude(status=EnrolStatus.DROPPED)}
    problems: list[tuple[int, str]] = []
    found: dict[int, Enrolment] = {}
    for row in rows:
        try:
            number = parse_id_number(row.values.get("id_number", "")).number
        except ValidationError as exc:
            problems.append((row.number, "身份证号：" + "".join(exc.messages)))
            continue
        enrolment = trainees.get(pii.blind_index(number))
        if enrolment is None:
            problems.append((row.number, f"身份证号 {pii.mask_id_number(number)} 不是本班学员。"))
            continue
        found[enrolment.pk] = enrolment
    if problems:
        raise SheetRefused(problems)
    have = set(session.attendance.values_list("enrolment_id", flat=True))
    new = [Attendance(session=session, enrolment=e, via="sheet") for pk, e in found.items() if pk not in have]
    Attendance.objects.bulk_create(new)
    audit.record(
        actor=actor,
        action="skills.attendance.imported",
        obj=session.course,
        changes={"session": str(session), "signed": len(new)},
    )
    return len(new)


@accepts_system
@transaction.atomic
def attendance_mark(*, actor: Any, session: Session, enrolments: list[Enrolment]) -> int:
    require_on(actor, session.course)
    have = set(session.attendance.values_list("enrolment_id", flat=True))
    new = [
        Attendance(session=session, enrolment=e, via="hand")
        for e in enrolments
        if e.pk not in have and e.course_id == session.course_id
    ]
    Attendance.objects.bulk_create(new)
    audit.record(
        actor=actor,
        action="skills.attendance.marked",
        obj=session.course,
        changes={"session": str(session), "signed": len(new)},
    )
    return len(new)


def sign_token(session: Session) -> str:
    return signing.dumps({"s": session.pk}, salt=SIGN_SALT)


def session_of_token(token: str) -> Session:
    """The session a QR sign-in code names (valid for `SKILLS_SIGN_HOURS`, 12 by default)."""
    hours = int(setting("SKILLS_SIGN_HOURS", 12))
    try:
        data = signing.loads(token, salt=SIGN_SALT, max_age=hours * 3600)
    except signing.BadSignature:
        raise ValidationError("签到码无效或已过期，请扫描现场的最新签到码。") from None
    session = Session.objects.select_related("course").filter(pk=data.get("s")).first()
    if session is None:
        raise ValidationError("签到码无效。")
    return session


@transaction.atomic
def attendance_sign(*, actor: Any, token: str) -> Attendance:
    """The trainee's own sign-in with the QR code shown in class (the phone pages)."""
    actors.require_perm(actor, SELF)
    session = session_of_token(token)
    enrolment = session.course.enrolments.filter(member__user_id=actor.pk).exclude(status=EnrolStatus.DROPPED).first()
    if enrolment is None:
        raise ValidationError("您不是该培训班的学员。")
    row, created = Attendance.objects.get_or_create(session=session, enrolment=enrolment, defaults={"via": "qr"})
    if not created:
        raise ValidationError("本次课已签到。")
    audit.record(actor=actor, action="skills.attendance.signed", obj=session.course, changes={"session": str(session)})
    return row


def attendance_needed(course: Course) -> int:
    """Sessions a trainee must attend to complete.

    Rule: `SKILLS_COMPLETION_ATTENDANCE` (80 % by default, a local setting) of the course's sessions."""
    share = int(setting("SKILLS_COMPLETION_ATTENDANCE", 80))
    n = course.sessions.count()
    return (n * share + 99) // 100


@accepts_system
@transaction.atomic
def course_complete(*, actor: Any, course: Course) -> dict[str, int]:
    """Complete the course: trainees who attended enough sessions get a certificate number; the
    others are marked as dropped out."""
    require_on(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not course.sessions.exists():
        raise ValidationError("该培训班还没有课次和签到记录。")
    needed = attendance_needed(course)
    done = dropped = 0
    from django.db.models import Count

    rows = course.enrolments.filter(status=EnrolStatus.ENROLLED).annotate(n=Count("attendance")).order_by("id")
    seq = course.enrolments.exclude(certificate_no="").count()
    for e in rows:
        if e.n >= needed:
            seq += 1
            e.status, e.certificate_no = EnrolStatus.COMPLETED, f"PX{course.starts_on:%Y}{course.pk:04d}{seq:04d}"
            done += 1
        else:
            e.status = EnrolStatus.DROPPED
            dropped += 1
        e.save(update_fields=["status", "certificate_no"])
    audit.record(
        actor=actor, action="skills.course.completed", obj=course, changes={"completed": done, "dropped": dropped}
    )
    return {"completed": done, "dropped": dropped}


@accepts_system
@transaction.atomic
def placement_record(*, actor: Any, enrolment: Enrolment, placement: Any) -> Enrolment:
    require_on(actor, enrolment.course)
    enrolment.placement = need(placement, "placement", "请填写就业去向（单位、岗位）。", 100)
    enrolment.save(update_fields=["placement"])
    audit.record(actor=actor, action="skills.trainee.placed", obj=enrolment, changes={"placement": enrolment.placement})
    return enrolment


def today() -> dt.date:
    return dt.date.today()
