"""Large registry exports as background jobs.

An export of up to `MEMBER_EXPORT_DIRECT_ROWS` rows is written while it is sent (the page's
download, `views.listing.member_export`). A larger one would hold a web worker for minutes: it is
queued instead (`export_queue`), written by the job runner to `DATA_DIR/exports` in constant memory
(`core.exports.write_xlsx` / `write_csv`), with its progress on the job's page, and downloaded by
its user alone. The job stores the list filters, not rows: when it runs it loads its user afresh
and reads through the same selector, so a user disabled or stripped of a role meanwhile gets
nothing, and reveal is checked again. Files are kept `MEMBER_EXPORT_KEEP_HOURS` (default 24) and
then deleted (PIPL §19: kept no longer than needed)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import audit, scope
from gefeng.members.models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")
PROGRESS_EVERY = 5_000


def exports_dir() -> Path:
    """Where queued exports are written (never served directly; only through the job's page)."""
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def direct_rows() -> int:
    return int(getattr(settings, "MEMBER_EXPORT_DIRECT_ROWS", 50_000))


def keep_hours() -> int:
    return int(getattr(settings, "MEMBER_EXPORT_KEEP_HOURS", 24))


def export_queue(*, actor: Any, values: dict[str, Any], fmt: str, reveal: bool, described: dict[str, Any]) -> ExportJob:
    """Queue an export of the registry list as `actor` sees it with the list's filter `values`.

    Checked: members.export, and for `reveal` the reveal right on the actor's whole scope. The
    audit log records the export (and the reveal) when it is asked for, as a direct download does."""
    from gefeng.members import export_tasks, exporting  # export_tasks → this module

    scope.require_perm(actor, "members.export")
    if fmt not in FORMATS:
        raise ValidationError({"format": ["导出格式只能是 xlsx 或 csv。"]})
    if reveal and not exporting.can_reveal_all(actor):
        raise PermissionDenied
    stamp = timezone.localtime()
    with transaction.atomic():
        job = ExportJob.objects.create(
            actor=actor,
            filters=values,
            described=described,
            format=fmt,
            reveal=reveal,
            filename=f"会员名册-{stamp:%Y%m%d-%H%M%S}.{fmt}",
        )
        changes = {"filters": described, "format": fmt, "reveal": reveal, "job": job.pk}
        audit.record(actor=actor, action="members.member.exported", obj=job, changes=changes)
        if reveal:
            audit.record(actor=actor, action="members.export.revealed", obj=job, changes=changes)
        # The queue's row commits with the job (the tests' immediate backend runs it here).
        export_tasks.run_export.enqueue(job_id=job.pk)
    return job


def export_downloaded(*, actor: Any, job: ExportJob) -> None:
    """Record a download of a finished export (its user only)."""
    if job.actor_id != actor.pk or job.status != ExportStatus.DONE:
        raise PermissionDenied
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(downloaded_at=timezone.now())
        audit.record(actor=actor, action="members.export.downloaded", obj=job, changes={"rows": job.rows_written})


def export_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete finished exports' files older than the keeping period; their jobs stay, marked
    as expired by an empty `stored`. Returns the number of files deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=keep_hours())
    folder = exports_dir().resolve()
    deleted = 0
    old = ExportJob.objects.filter(finished_at__lt=cutoff).exclude(stored="").values_list("pk", "stored")[:1000]
    for pk, stored in list(old):
        path = Path(stored)
        if path.resolve().parent == folder:
            path.unlink(missing_ok=True)
            deleted += 1
        ExportJob.objects.filter(pk=pk).update(stored="")
    return deleted


def path_for(job: ExportJob) -> Path:
    return exports_dir() / f"export-{job.pk}-{os.urandom(8).hex()}.{job.format}"
