"""Progress reports of the responsible units, and their review by the county office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit
from gefeng.reform.models import (
    Assignment,
    IndicatorValue,
    Period,
    Report,
    ReportState,
)
from gefeng.reform.services._common import (
    MANAGE,
    _text,
)
from gefeng.reform.services.evidence import (
    _add_evidence,
    _check_upload,
    _require_report,
)
from gefeng.reform.services.items import (
    _dec,
)

# ---------------------------------------------------------------- reports


@dataclass
class Entry:
    """What a unit enters for one assignment on the 本期待报 page."""

    assignment: Assignment
    narrative: str = ""
    values: dict[int, Any] = field(default_factory=dict)  # indicator id → text or Decimal
    files: list[UploadedFile] = field(default_factory=list)
    milestones_done: set[int] = field(default_factory=set)


def _is_late(period: Period, when: dt.datetime) -> bool:
    return timezone.localtime(when).date() > period.due


@actors.accepts_system
@transaction.atomic
def reports_save(
    *, actor: Any, period: Period, entries: Iterable[Entry], submit: bool, now: dt.datetime | None = None
) -> list[Report]:
    """Save (and with `submit`, submit) a unit's reports for a period, all or nothing.

    Errors are keyed "<assignment id>-<field>" so the page can show them on the right row.
    A report already submitted or accepted is left alone; a returned one is resubmitted.
    `late` is set at the first submission when it comes after the period's due date and kept.

    Rule: a report submitted after its period's due day (`GEFENG_REFORM_DUE_DAYS`) is late — source:
    徐政发〔2020〕3号 责任化.
    """
    now = now or timezone.now()
    errors: dict[str, str] = {}
    plan: list[tuple[Entry, Report | None, str, dict[int, Decimal]]] = []
    for e in entries:  # first pass: check everything, write nothing
        a = e.assignment
        _require_report(actor, a)
        if a.item.plan_id != period.plan_id or period.start > a.item.deadline:
            raise ValidationError({"period": "该项目在这个报送期无需报送。"})
        key = str(a.pk)
        report = Report.objects.select_for_update().filter(assignment=a, period=period).first()
        if report is not None and report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED):
            continue
        narrative = _text(e.narrative, 4000)
        inds = {i.pk: i for i in a.item.indicators.all()}
        values: dict[int, Decimal] = {}
        for ind_id, raw in e.values.items():
            if ind_id not in inds or inds[ind_id].figure or raw in (None, ""):
                continue
            d = _dec(raw)
            if d is None or d < 0 or d >= Decimal("1e12"):
                errors[f"{key}-value-{ind_id}"] = f"“{inds[ind_id].name}”应填写不小于 0 的数字。"
            else:
                values[ind_id] = d
        if submit and not narrative:
            errors[f"{key}-narrative"] = f"请填写“{a.item.title}”的进展情况。"
        if submit:
            missing = [i.name for i in inds.values() if not i.figure and i.pk not in values]
            if missing:
                errors[f"{key}-values"] = "请填写指标：" + "、".join(missing) + "。"
        for f in e.files:
            try:
                _check_upload(f)
            except ValidationError as exc:
                errors[f"{key}-files"] = exc.message_dict["file"][0]
        plan.append((e, report, narrative, values))
    if errors:
        raise ValidationError(errors)
    saved: list[Report] = []
    for e, found, narrative, values in plan:  # second pass: write
        a = e.assignment
        report = found or Report(assignment=a, period=period)
        before = report.state
        report.narrative = narrative
        if submit:
            report.state = ReportState.SUBMITTED
            if report.submitted_at is None:
                report.late = _is_late(period, now)
            report.submitted_at = now
            report.submitted_by = actors.user_of(actor)
        report.save()
        for ind_id, d in values.items():
            IndicatorValue.objects.update_or_create(report=report, indicator_id=ind_id, defaults={"value": d})
        report.values.exclude(indicator_id__in=list(values)).delete()
        for f in e.files:
            _add_evidence(actor, report, f)
        for m in a.item.milestones.filter(pk__in=e.milestones_done, done_on__isnull=True):
            m.done_on = timezone.localtime(now).date()
            m.save(update_fields=["done_on"])
        audit.record(
            actor=actor,
            action="reform.report.submitted" if submit else "reform.report.saved",
            obj=report,
            changes={"state": audit.changed(before, report.state), "late": report.late, "values": len(values)},
        )
        saved.append(report)
    return saved


@actors.accepts_system
@transaction.atomic
def report_review(*, actor: Any, report: Report, accept: bool, comment: str = "") -> Report:
    """The county office accepts a submitted report, or returns it with a comment."""
    actors.require(actor, report, MANAGE)
    comment = _text(comment, 2000)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError({"state": "只有已报送、待审核的报告可以审核。"})
    if not accept and not comment:
        raise ValidationError({"comment": "退回时请写明意见。"})
    before = report.state
    report.state = ReportState.ACCEPTED if accept else ReportState.RETURNED
    report.reviewer = actors.user_of(actor)
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.save()
    audit.record(
        actor=actor,
        action="reform.report.accepted" if accept else "reform.report.returned",
        obj=report,
        changes={"state": audit.changed(before, report.state), "comment": comment},
    )
    return report
