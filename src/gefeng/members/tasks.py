"""Background work of the registry: roster imports run in the database-backed task queue."""

from __future__ import annotations

import logging
import os

from django.db import DatabaseError
from django.utils import timezone
from django_tasks import task

from gefeng.core import jobs
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.tabular import TabularError
from gefeng.members import importer, services
from gefeng.members.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


def execute(job_id: int) -> ImportJob:
    """Run one import job to its end, recording progress, result or a Chinese error."""
    job = ImportJob.objects.select_related("union", "union__parent").get(pk=job_id)
    if job.status not in (ImportStatus.PENDING, ImportStatus.RUNNING, ImportStatus.APPLYING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_read=rows)

    def applying() -> None:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING)

    def fail(message: str) -> ImportJob:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        return ImportJob.objects.get(pk=job.pk)

    report = job.stored + ".rejects.xlsx"
    try:
        if job.actor_id:
            with jobs.acting_as(job.actor_id) as actor:
                importer.check_rights(actor, job.union)
                result = importer.run(job, progress=progress, report=report, applying=applying)
        else:
            with acting_from(RequestInfo(source="cli")):
                result = importer.run(job, progress=progress, report=report, applying=applying)
    except (TabularError, importer.PermissionDenied) as exc:
        return fail(str(exc) or "没有导入到该工会的权限。")
    except DatabaseError as exc:
        return fail(f"写入数据库时出错，本次导入没有写入任何数据，请稍后重试。（{exc.__class__.__name__}）")
    except FileNotFoundError:
        return fail("找不到上传的文件（可能已被清理），请重新上传。")
    except OSError as exc:
        return fail(f"读取上传的文件时出错，本次导入没有写入任何数据，请重新上传。（{exc.__class__.__name__}）")
    except Exception:
        # Anything else is a bug: the registry is untouched (apply is one transaction), the
        # job must not stay “running” for ever, and the queue logs the traceback.
        fail("导入时发生内部错误，本次导入没有写入任何数据。请联系系统管理员。")
        raise

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        rows_read=result.rows,
        result=job.result | result.as_dict(),
        rejects=report if os.path.exists(report) else "",
    )
    return ImportJob.objects.get(pk=job.pk)


def purge_expired() -> int:
    """Delete rosters and rejected-rows files past the retention period (see
    `services.import_files_purge`); run after each import, never failing it."""
    try:
        return services.import_files_purge(actor=None)
    except (OSError, DatabaseError):
        logger.exception("清理过期的导入文件失败")
        return 0


@task()
def run_import(*, job_id: int) -> None:
    execute(job_id)
    purge_expired()
