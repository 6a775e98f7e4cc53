"""Background work of the registry: roster imports run in the database-backed task queue.

A job records the process running it (`worker`, "host:pid") and a heartbeat with each staged
chunk. A job whose process died (killed, out of memory, a crash in a library) would otherwise
stay "running" for ever with the uploaded roster on disk: `reap_stale` — run when the server
starts and before every import — marks it failed and deletes its files.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import task

from gefeng.core import jobs
from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.tabular import TabularError
from gefeng.members import services
from gefeng.members.imports import pipeline
from gefeng.members.models import ImportJob, ImportRow, ImportStatus

logger = logging.getLogger(__name__)

MSG_DIED = "导入进程意外终止（可能是服务器重启或内存不足），本次导入没有写入任何数据，上传的文件已删除。请重新上传。"
UNFINISHED = (ImportStatus.RUNNING, ImportStatus.APPLYING)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process of that id: alive, if not ours
        return True
    return True


def discard_files(job: ImportJob, *, rejects: bool = False) -> None:
    """Delete the job's copy of the roster (and its rejected-rows report if asked); only files
    in the imports folder, which the platform wrote itself, are ever deleted."""
    folder = services.imports_dir().resolve()
    paths = [job.stored] + ([job.stored + ".rejects.xlsx", job.rejects] if rejects else [])
    for name in paths:
        if name and Path(name).resolve().parent == folder:
            Path(name).unlink(missing_ok=True)


def reap_stale(*, now: dt.datetime | None = None) -> int:
    """Mark failed the imports whose process is gone, and delete their files.

    Gone: on this host, no process of the recorded id; on another host (or none recorded), no
    heartbeat for `IMPORT_STALE_MINUTES` (a stage chunk beats every 2,000 rows). Returns the
    number of jobs marked."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    host = socket.gethostname()
    reaped = 0
    for job in ImportJob.objects.filter(status__in=UNFINISHED):
        beat = job.heartbeat_at or job.started_at or job.created_at
        where, _, pid = job.worker.rpartition(":")
        # here, the process itself says (a live one may be busy in one long step); elsewhere, the beat
        gone = not _alive(int(pid)) if where == host and pid.isdigit() else beat < cutoff
        if not gone:
            continue
        marked = ImportJob.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at).update(
            status=ImportStatus.FAILED, error=MSG_DIED, finished_at=now, rejects=""
        )
        if not marked:  # it moved on meanwhile: alive after all
            continue
        reaped += 1
        discard_files(job, rejects=True)
        if connection.vendor != "sqlite":  # SQLite's stage is per connection and died with it
            ImportRow.objects.filter(job_id=job.pk).delete()
        logger.warning("导入任务 %s 的进程已不在（%s），已标记为失败并删除文件", job.pk, job.worker or "未知")
    return reaped


def execute(job_id: int) -> ImportJob:
    """Run one import job to its end, recording progress, result or a Chinese error."""
    job = ImportJob.objects.select_related("union", "union__parent").get(pk=job_id)
    if job.status not in (ImportStatus.PENDING, ImportStatus.RUNNING, ImportStatus.APPLYING):
        return job
    started = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=started, worker=worker_id(), heartbeat_at=started
    )

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_read=rows, heartbeat_at=timezone.now())

    def applying() -> None:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING, heartbeat_at=timezone.now())

    def fail(message: str) -> ImportJob:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        discard_files(job)
        return ImportJob.objects.get(pk=job.pk)

    report = job.stored + ".rejects.xlsx"
    try:
        if job.actor_id:
            with jobs.acting_as(job.actor_id) as actor:
                pipeline.check_rights(actor, job.union)
                result = pipeline.run(job, progress=progress, report=report, applying=applying)
        else:
            with acting_from(RequestInfo(source="cli")):
                result = pipeline.run(job, progress=progress, report=report, applying=applying)
    except (TabularError, pipeline.PermissionDenied) as exc:
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
    discard_files(job)  # the roster copy is no longer needed; the rejects report stays to download
    return ImportJob.objects.get(pk=job.pk)


def purge_expired() -> int:
    """Delete rosters and rejected-rows files past the retention period (see
    `services.import_files_purge`); run after each import, never failing it."""
    try:
        return services.import_files_purge(actor=SYSTEM)
    except (OSError, DatabaseError):
        logger.exception("清理过期的导入文件失败")
        return 0


@task()
def run_import(*, job_id: int) -> None:
    reap_dead()
    execute(job_id)
    purge_expired()


def reap_dead() -> int:
    """`reap_stale`, never failing its caller (an import, the server's start)."""
    try:
        return reap_stale()
    except (OSError, DatabaseError):
        logger.exception("检查意外终止的导入任务失败")
        return 0
