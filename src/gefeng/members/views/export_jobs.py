"""The pages of a queued registry export: its progress and its file, for its user alone."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gefeng.core import exports, scope
from gefeng.core.types import AuthedRequest
from gefeng.members.models import ExportJob, ExportStatus
from gefeng.members.services import export_jobs

FINISHED = (ExportStatus.DONE, ExportStatus.FAILED)


def _job(request: AuthedRequest, pk: int) -> ExportJob:
    """The user's own export; anyone else's is not there (404), whatever their scope."""
    scope.require_perm(request.user, "members.export")
    job = ExportJob.objects.filter(actor=request.user, pk=pk).first()
    if job is None:
        raise Http404
    return job


def _context(job: ExportJob) -> dict[str, object]:
    share = round(100 * job.rows_written / job.total) if job.total else 0
    return {"job": job, "finished": job.status in FINISHED, "share": min(share, 100), "keep": export_jobs.keep_hours()}


@require_GET
@login_required
def export_job(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    recent = ExportJob.objects.filter(actor=request.user).exclude(pk=job.pk).order_by("-created_at")[:10]
    return render(request, "members/export_job.html", _context(job) | {"recent": recent})


@require_GET
@login_required
def export_job_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The status block, polled every two seconds while the job runs."""
    return render(request, "members/export_job_status.html", _context(_job(request, pk)))


@require_GET
@login_required
def export_job_download(request: AuthedRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    path = Path(job.stored) if job.stored else None
    if (
        job.status != ExportStatus.DONE
        or path is None
        or path.resolve().parent != export_jobs.exports_dir().resolve()
        or not path.is_file()
    ):
        raise Http404("导出文件已过保留期限被删除，请重新导出。")
    export_jobs.export_downloaded(actor=request.user, job=job)
    kind = exports.CSV_CONTENT_TYPE if job.format == "csv" else exports.XLSX_CONTENT_TYPE
    response = FileResponse(path.open("rb"), as_attachment=True, filename=job.filename, content_type=kind)
    response["Cache-Control"] = "no-store"
    return response
