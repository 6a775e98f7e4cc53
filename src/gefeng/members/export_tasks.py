"""The job that writes a queued registry export (`services.export_jobs`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.utils import timezone
from django_tasks import task

from gefeng.core import exports, jobs
from gefeng.members import exporting, selectors
from gefeng.members.forms import member_filters
from gefeng.members.models import ExportJob, ExportStatus
from gefeng.members.services import export_jobs

logger = logging.getLogger(__name__)


def _counted(job: ExportJob, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for done, row in enumerate(rows, 1):
        yield row
        if done % export_jobs.PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(rows_written=done)


def execute(job_id: int) -> ExportJob:
    job = ExportJob.objects.get(pk=job_id)
    if job.status != ExportStatus.PENDING:
        return job
    path = export_jobs.path_for(job)
    try:
        with jobs.acting_as(job.actor_id) as actor:
            whole = exporting.can_reveal_all(actor)
            reveal = job.reveal and whole
            if job.reveal and not reveal:
                raise PermissionDenied("发起人已无查看完整号码的权限。")
            filters = member_filters({**job.filters})
            qs = selectors.member_list(actor, filters).select_related(*exporting.EXPORT_RELATED)
            total = qs.count()
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportStatus.RUNNING, started_at=timezone.now(), total=total
            )
            rows = (exporting.export_row(m, reveal=reveal, show_age=whole) for m in qs.iterator(chunk_size=2000))
            headers = exporting.export_headers(reveal=reveal)
            if job.format == "csv":
                written = exports.write_csv(str(path), headers, _counted(job, rows))
            else:
                written = exports.write_xlsx(str(path), headers, _counted(job, rows), sheet_name="会员名册")
    except PermissionDenied as exc:
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(exc) or "无权导出。", finished_at=timezone.now()
        )
    except (OSError, DatabaseError) as exc:
        logger.exception("会员名册导出 %s 失败", job.pk)
        path.unlink(missing_ok=True)
        message = (
            "写入导出文件失败（可能是磁盘空间不足），请稍后重试。"
            if isinstance(exc, OSError)
            else "读取数据时出错，请稍后重试。"
        )
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=message, finished_at=timezone.now()
        )
    else:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.DONE, rows_written=written, stored=str(path), finished_at=timezone.now()
        )
    return ExportJob.objects.get(pk=job.pk)


@task()
def run_export(*, job_id: int) -> None:
    execute(job_id)
    try:
        export_jobs.export_files_purge()
    except (OSError, DatabaseError):
        logger.exception("清理过期的导出文件失败")
