"""The file's way: 申请 → 初审 (home visit) → 复审 → 公示 → 建档 → 脱困 / 注销, and the yearly
re-verification (a filed file goes back to 申请 for a new check and review; domain.md §6
“动态管理”, 鲁会办〔2020〕58号 example)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gefeng.care import conf
from gefeng.care.models import (
    Category,
    FamilyMember,
    HardshipFile,
    HomeVisit,
    Notice,
    NoticeEntry,
    NoticeStatus,
    Objection,
    State,
)
from gefeng.care.services._common import HANDLE, REVIEW, date, require, required_text, text
from gefeng.care.services.files import DOCUMENTS, event
from gefeng.core import actors, audit, notifications, uploads
from gefeng.core.actors import accepts_system
from gefeng.orgs.models import OrgNode


def _locked(file: HardshipFile) -> HardshipFile:
    return HardshipFile.objects.select_for_update().select_related("member", "union").get(pk=file.pk)


def _state_error(file: HardshipFile, doing: str) -> ValidationError:
    return ValidationError(f"档案当前状态为“{file.get_state_display()}”，不能{doing}（可能已由他人处理，请刷新页面）。")


def _notify(file: HardshipFile, title: str, body: str) -> None:
    user = file.member.user
    if user is not None:
        notifications.send(user, title=title, body=body, link="/care/my/")


def _release(file: HardshipFile) -> None:
    """A file that ends frees its household's ID numbers for another file."""
    FamilyMember.objects.filter(file=file).update(open_hash=None)


@accepts_system
@transaction.atomic
def visit_add(
    *,
    actor: Any,
    file: HardshipFile,
    visited_on: Any,
    visitors: Any,
    findings: Any,
    photos: list[Any] = (),  # type: ignore[assignment]
) -> HomeVisit:
    """The home visit of the grassroots check (within `CARE_VISIT_DAYS` of the application — late
    visits are allowed but the file shows the overdue date on the workbench)."""
    require(actor, file, HANDLE)
    file = _locked(file)
    if file.state != State.APPLIED:
        raise _state_error(file, "登记入户走访")
    day = date(visited_on, "visited_on", "走访日期")
    assert day is not None
    if day > timezone.localdate():
        raise ValidationError({"visited_on": ["走访日期不能晚于今天。"]})
    if day < file.applied_on:
        raise ValidationError({"visited_on": ["走访日期不能早于申请日期。"]})
    names = required_text(visitors, 100, "visitors", "走访人")
    what = required_text(findings, 2000, "findings", "走访情况")
    checked = uploads.check_many(list(photos or []), DOCUMENTS, field="photos") if photos else []
    visit = HomeVisit.objects.create(
        file=file, visited_on=day, visitors=names, findings=what, created_by=actors.user_of(actor)
    )
    from gefeng.care.models import DocKind, Document

    for c in checked:
        doc = Document(file=file, visit=visit, kind=DocKind.PHOTO, name=c.name[:120], size=c.size)
        doc.uploaded_by = actors.user_of(actor)
        c.upload.seek(0)
        doc.upload.save(c.name, c.upload, save=False)
        doc.save()
    event(actor, file, "入户走访", f"{day} {names}")
    audit.record(actor=actor, action="care.file.visited", obj=file, changes={"visited_on": day, "photos": len(checked)})
    return visit


@accepts_system
@transaction.atomic
def file_check(*, actor: Any, file: HardshipFile, comment: Any = "") -> HardshipFile:
    """初审 by the grassroots union: needs a home visit on record."""
    require(actor, file, HANDLE)
    file = _locked(file)
    if file.state != State.APPLIED:
        raise _state_error(file, "初审")
    if not file.visits.exists():
        raise ValidationError("请先登记入户走访（日期、走访人、走访情况）后再提交初审意见。")
    if file.category_auto in ("", Category.NONE) and not file.override_reason:
        raise ValidationError(
            "测算结果为不符合认定条件，不能通过初审；如确有困难，请在复审时说明理由调整类别，或退回申请。"
        )
    file.state, file.checked_by = State.CHECKED, actors.user_of(actor)
    file.save()
    event(actor, file, "初审通过", text(comment, 300))
    audit.record(actor=actor, action="care.file.checked", obj=file, changes={"state": file.state})
    return file


@accepts_system
@transaction.atomic
def file_review(
    *, actor: Any, file: HardshipFile, category: Any = "", reason: Any = "", comment: Any = ""
) -> HardshipFile:
    """复审 by the higher union (`care.review`): another person than the one who did the 初审.
    The category is the computed one unless the reviewer gives another with a reason."""
    require(actor, file, REVIEW)
    file = _locked(file)
    if file.state != State.CHECKED:
        raise _state_error(file, "复审")
    me = getattr(actor, "pk", None)
    if me is not None and me == file.checked_by_id:
        raise ValidationError("复审人不能是初审人，请由上级工会另一名工作人员复审。")
    chosen = category or file.category_auto
    if chosen not in (Category.DEEP, Category.RELATIVE, Category.ACCIDENT):
        raise ValidationError({"category": ["请选择困难类别。"]})
    why = text(reason, 200)
    if chosen != file.category_auto and not why:
        raise ValidationError(
            {"reason": [f"认定类别与测算结果（{conf.category_label(file.category_auto)}）不同，请填写调整理由。"]}
        )
    file.category = chosen
    file.override_reason = why if chosen != file.category_auto else ""
    file.state, file.reviewed_by = State.REVIEWED, actors.user_of(actor)
    file.save()
    event(actor, file, "复审通过", text(comment, 300) or (f"调整类别：{why}" if file.override_reason else ""))
    audit.record(
        actor=actor,
        action="care.file.reviewed",
        obj=file,
        changes={"category": chosen, "auto": file.category_auto, "override": bool(file.override_reason)},
    )
    return file


@accepts_system
@transaction.atomic
def file_reject(*, actor: Any, file: HardshipFile, reason: Any) -> HardshipFile:
    """Refuse an application at 初审 or 复审 (with the reason the worker is told)."""
    file = _locked(file)
    perm = HANDLE if file.state == State.APPLIED else REVIEW
    require(actor, file, perm)
    if file.state not in (State.APPLIED, State.CHECKED, State.REVIEWED):
        raise _state_error(file, "退回")
    why = required_text(reason, 200, "reason", "不予通过的理由")
    file.state, file.close_reason, file.closed_on = State.REJECTED, why, timezone.localdate()
    file.save()
    _release(file)
    event(actor, file, "不予通过", why)
    audit.record(actor=actor, action="care.file.rejected", obj=file, changes={"reason": why})
    _notify(file, "帮扶申请未通过", why)
    return file


# ---------------------------------------------------------------- 公示


@accepts_system
@transaction.atomic
def notice_create(
    *, actor: Any, org: OrgNode, files: list[HardshipFile], starts_on: Any = None, title: Any = ""
) -> Notice:
    """Put reviewed files on public notice for `CARE_NOTICE_DAYS` days (only name, unit and
    category are shown)."""
    require(actor, org, REVIEW)
    start = date(starts_on, "starts_on", "公示开始日期", required=False) or timezone.localdate()
    ids = [f.pk for f in files]
    rows = list(HardshipFile.objects.select_for_update().filter(pk__in=ids).select_related("member"))
    if not rows:
        raise ValidationError({"files": ["请选择复审通过的档案。"]})
    for f in rows:
        require(actor, f, REVIEW)
        if f.state != State.REVIEWED:
            raise ValidationError({"files": [f"{f.member.name}的档案状态为“{f.get_state_display()}”，不能公示。"]})
    days = int(conf.get("CARE_NOTICE_DAYS"))
    notice = Notice.objects.create(
        org=org,
        title=text(title, 100) or f"{start.year}年困难职工帮扶对象公示",
        starts_on=start,
        ends_on=start + dt.timedelta(days=days),
        created_by=actors.user_of(actor),
    )
    NoticeEntry.objects.bulk_create(
        [
            NoticeEntry(notice=notice, file=f, name=f.member.name, unit_name=f.unit_name, category=f.category)
            for f in rows
        ]
    )
    for f in rows:
        f.state = State.NOTICE
        f.save(update_fields=["state", "updated_at"])
        event(actor, f, "进入公示", notice.title)
    audit.record(actor=actor, action="care.notice.created", obj=notice, changes={"files": len(rows), "days": days})
    return notice


@accepts_system
@transaction.atomic
def objection_add(*, actor: Any, entry: NoticeEntry, received_on: Any, content: Any) -> Objection:
    require(actor, entry.notice, REVIEW)
    notice = Notice.objects.select_for_update().get(pk=entry.notice_id)
    if notice.status != NoticeStatus.OPEN:
        raise ValidationError("公示已结束，不能再登记异议。")
    day = date(received_on, "received_on", "收到日期")
    assert day is not None
    if day < notice.starts_on or day > notice.ends_on:
        raise ValidationError({"received_on": ["收到日期应在公示期内。"]})
    body = required_text(content, 2000, "content", "异议内容")
    obj = Objection.objects.create(
        notice=notice, entry=entry, received_on=day, content=body, created_by=actors.user_of(actor)
    )
    audit.record(actor=actor, action="care.notice.objection_added", obj=notice, changes={"entry": entry.pk})
    return obj


@accepts_system
@transaction.atomic
def objection_resolve(*, actor: Any, objection: Objection, upheld: bool, resolution: Any) -> Objection:
    require(actor, objection.notice, REVIEW)
    obj = Objection.objects.select_for_update().get(pk=objection.pk)
    if obj.upheld is not None:
        raise ValidationError("该异议已处理。")
    obj.resolution = required_text(resolution, 300, "resolution", "核实处理结果")
    obj.upheld, obj.resolved_by = bool(upheld), actors.user_of(actor)
    obj.save()
    audit.record(actor=actor, action="care.notice.objection_resolved", obj=obj.notice, changes={"upheld": obj.upheld})
    return obj


def _next_number(year: int) -> str:
    prefix = f"PXKN{year}"
    last = HardshipFile.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


@accepts_system
@transaction.atomic
def notice_close(*, actor: Any, notice: Notice, on: Any = None) -> Notice:
    """End the notice: files with an upheld objection are refused, the others are filed (建档)
    with a number and the re-verification date (`CARE_REVIEW_DAYS`)."""
    require(actor, notice, REVIEW)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.OPEN:
        raise ValidationError("公示已结束。")
    day = date(on, "on", "结束日期", required=False) or timezone.localdate()
    if day < notice.ends_on:
        raise ValidationError(f"公示期到 {notice.ends_on:%Y-%m-%d} 结束，期满后才能确认建档。")
    if notice.objections.filter(upheld__isnull=True).exists():
        raise ValidationError("还有未处理的异议，请先核实处理。")
    upheld = set(notice.objections.filter(upheld=True).values_list("entry__file_id", flat=True))
    filed = refused = 0
    for entry in notice.entries.select_related("file"):
        file = _locked(entry.file)
        if file.state != State.NOTICE:
            continue
        if file.pk in upheld:
            file.state, file.close_reason, file.closed_on = State.REJECTED, "公示期间异议成立", day
            file.save()
            _release(file)
            event(actor, file, "公示异议成立，不予建档")
            _notify(file, "帮扶申请未通过", "公示期间异议经核实成立。")
            refused += 1
            continue
        file.state = State.FILED
        if not file.number:
            file.number = _next_number(file.year)
        if file.filed_on is None:
            file.filed_on = day
        file.review_due = day + dt.timedelta(days=int(conf.get("CARE_REVIEW_DAYS")))
        file.save()
        event(actor, file, "公示无异议，建档", file.number)
        _notify(file, "困难职工档案已建立", f"档案编号 {file.number}，类别：{file.category_label}。")
        filed += 1
    notice.status = NoticeStatus.CLOSED
    notice.save()
    audit.record(actor=actor, action="care.notice.closed", obj=notice, changes={"filed": filed, "refused": refused})
    return notice


# ---------------------------------------------------------------- dynamic management


@accepts_system
@transaction.atomic
def reverify_start(*, actor: Any, file: HardshipFile, on: Any = None) -> HardshipFile:
    """年度复核: the file goes back to 申请 (editable), to be checked, reviewed and noticed again."""
    require(actor, file, HANDLE)
    file = _locked(file)
    if file.state != State.FILED:
        raise _state_error(file, "发起复核")
    day = date(on, "on", "复核日期", required=False) or timezone.localdate()
    file.state, file.cycle, file.year = State.APPLIED, file.cycle + 1, day.year
    file.applied_on, file.visit_due = day, day + dt.timedelta(days=int(conf.get("CARE_VISIT_DAYS")))
    file.checked_by = file.reviewed_by = None
    file.override_reason = ""
    file.save()
    event(actor, file, "发起年度复核")
    audit.record(actor=actor, action="care.file.reverify", obj=file, changes={"cycle": file.cycle})
    return file


@accepts_system
@transaction.atomic
def file_end(*, actor: Any, file: HardshipFile, recovered: bool, reason: Any, on: Any = None) -> HardshipFile:
    """脱困 (recovered) or 注销 (closed: moved away, died, no longer eligible) — reported upwards."""
    require(actor, file, HANDLE)
    file = _locked(file)
    if file.state not in (State.FILED, State.APPLIED) or file.filed_on is None:
        raise _state_error(file, "脱困或注销")
    why = required_text(reason, 200, "reason", "脱困或注销原因")
    day = date(on, "on", "退档日期", required=False) or timezone.localdate()
    file.state = State.RECOVERED if recovered else State.CLOSED
    file.closed_on, file.close_reason = day, why
    file.save()
    _release(file)
    event(actor, file, "脱困" if recovered else "注销", why)
    audit.record(actor=actor, action="care.file.ended", obj=file, changes={"state": file.state, "reason": why})
    return file
