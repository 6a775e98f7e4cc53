"""Evidence files a unit attaches to its progress reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from gefeng.core import actors, audit, uploads
from gefeng.reform.models import (
    Assignment,
    Evidence,
    Report,
    ReportState,
)
from gefeng.reform.services._common import (
    EVIDENCE,
    REPORT,
)

# ---------------------------------------------------------------- evidence files


def _check_upload(upload: UploadedFile) -> uploads.Checked:
    try:
        return uploads.check(upload, EVIDENCE)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None


def _require_report(actor: Any, assignment: Assignment) -> None:
    if not actors.can(actor, assignment, REPORT):
        raise PermissionDenied


def _add_evidence(actor: Any, report: Report, upload: UploadedFile) -> Evidence:
    checked = _check_upload(upload)
    ev = Evidence(
        report=report,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actors.user_of(actor),
    )
    ev.file.save(checked.name, upload, save=False)
    ev.save()
    return ev


@actors.accepts_system
@transaction.atomic
def evidence_add(*, actor: Any, report: Report, upload: UploadedFile) -> Evidence:
    _require_report(actor, report.assignment)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError({"file": "报告已报送，不能再添加材料。"})
    ev = _add_evidence(actor, report, upload)
    audit.record(actor=actor, action="reform.evidence.added", obj=report, changes={"file": ev.original_name})
    return ev


@actors.accepts_system
@transaction.atomic
def evidence_delete(*, actor: Any, evidence: Evidence) -> None:
    report = evidence.report
    _require_report(actor, report.assignment)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError({"file": "报告已报送，不能再删除材料。"})
    audit.record(actor=actor, action="reform.evidence.deleted", obj=report, changes={"file": evidence.original_name})
    stored = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: Evidence.file.field.storage.delete(stored))
