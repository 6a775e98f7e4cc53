"""Pages of the roster import (会员导入): upload, preview, progress, result, rejected rows, template.

Upload (`import-create`, POST with a file): the union is one the user may import into
(`members.import`), the size is checked before anything is written, the file is saved under
`DATA_DIR/imports` with a random name and its header read at once (`core.tabular.open_table`);
a file that cannot be read is refused with the reader's Chinese message and deleted. The
preview shows the sheet, the header row, the recognised and ignored columns and the first rows;
confirming (a one-time token kept in the session) creates the `ImportJob` and queues
`tasks.run_import`. The job page polls `import-progress` every second with HTMX and shows the
result — counts, reasons, the rejected rows as an Excel file — when the job is done.

Every page needs `members.import`; a job outside the user's scope is a 404 (`scope.get_or_404`).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gefeng.core import audit, scope
from gefeng.core.exports import XLSX_CONTENT_TYPE
from gefeng.core.pagination import paginate
from gefeng.core.tabular import TabularError
from gefeng.core.types import AuthedRequest
from gefeng.members import services
from gefeng.members.imports import pipeline
from gefeng.members.imports.forms import (
    ImportConfirmForm,
    ImportUploadForm,
)
from gefeng.members.imports.preview import (
    FINISHED,
    PERM,
    chosen_mappings,
    discard,
    importable_unions,
    imports_dir,
    mapping_context,
    other_unit,
    pk_of,
    preview,
    preview_context,
    remember,
    save_upload,
    survey_words,
    take,
    union_choices,
)
from gefeng.members.imports.template import template_xlsx
from gefeng.members.models import (
    ImportJob,
    ImportMode,
    ImportStatus,
)

# ---------------------------------------------------------------- pages


@require_http_methods(["GET"])
@login_required
def import_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, PERM)
    jobs = scope.visible(user, ImportJob).select_related("union", "actor").order_by("-created_at", "-id")
    return render(request, "members/import_list.html", {"page": paginate(request, jobs), "finished": FINISHED})


@require_http_methods(["GET", "POST"])
@login_required
def import_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, PERM)
    if request.method == "GET" and request.htmx and "union_q" in request.GET:  # the union search
        term = request.GET.get("union_q", "")
        unions, more = union_choices(user, term, pk_of(request.GET.get("union")))
        return render(
            request,
            "members/import_union_choices.html",
            {"unions": unions, "more": more, "q": term.strip(), "selected": pk_of(request.GET.get("union"))},
        )
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)

    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"union": pk_of(request.GET.get("union")), "mode": ImportMode.INSERT},
    )
    if request.method == "POST" and form.is_valid():
        union = importable_unions(user).filter(pk=form.cleaned_data["union"]).first()
        if union is None:
            form.add_error("union", _("请选择您有权导入的工会。"))
        else:
            upload = form.cleaned_data["file"]
            filename = Path(upload.name or "roster").name[:200]
            try:
                stored, size = save_upload(upload)
            except TabularError as exc:
                form.add_error("file", str(exc))
            except OSError:
                form.add_error("file", _("保存上传的文件时出错，请稍后重试。"))
            else:
                try:
                    sheet, rows = preview(stored, filename)
                    items = survey_words(stored, filename, union)
                except TabularError as exc:
                    stored.unlink(missing_ok=True)
                    form.add_error("file", str(exc))
                else:
                    token = uuid.uuid4().hex
                    entry = {
                        "stored": str(stored),
                        "filename": filename,
                        "size": size,
                        "union": union.pk,
                        "mode": form.cleaned_data["mode"],
                        "dry_run": form.cleaned_data["dry_run"],
                        "mappings": items,
                    }
                    remember(request, token, entry)
                    context = (
                        preview_context(sheet, rows)
                        | mapping_context(items)
                        | {
                            "token": token,
                            "union": union,
                            "filename": filename,
                            "size": size,
                            "mode_label": ImportMode(entry["mode"]).label,
                            "dry_run": entry["dry_run"],
                            "other_unit": other_unit(rows, union, sheet.above),
                        }
                    )
                    return render(request, "members/import_preview.html", context)
    source = request.POST if request.method == "POST" else request.GET
    selected = pk_of(source.get("union"))
    term = str(source.get("union_q", ""))
    unions, more = union_choices(user, term, selected)
    if selected is None and len(unions) == 1 and not more and not term:
        selected = unions[0].pk
    return render(
        request,
        "members/import_create.html",
        {
            "form": form,
            "unions": unions,
            "more": more,
            "q": term.strip(),
            "selected": selected,
            "no_unions": not importable_unions(user).exists(),
            "max_mb": settings.UPLOAD_MAX_MB,
        },
    )


def _confirm(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ImportConfirmForm(request.POST)
    entry = take(request, form.data.get("token", "")) if form.is_valid() else None
    if entry is None:
        messages.error(request, _("该上传已失效（已确认、已取消或会话已过期），请重新上传文件。"))
        return redirect("members:import-create")
    stored = Path(str(entry["stored"]))
    if form.cleaned_data["action"] == "cancel":
        discard(entry)
        messages.info(request, _("已取消导入，上传的文件已删除。"))
        return redirect("members:import-create")
    union = importable_unions(user).filter(pk=entry["union"]).first()
    if union is None or not stored.is_file() or stored.parent != imports_dir():
        discard(entry)
        messages.error(request, _("该上传已失效，请重新上传文件。"))
        return redirect("members:import-create")
    items = entry.get("mappings")
    chosen = chosen_mappings(request.POST, items if isinstance(items, list) else [])
    if chosen:
        try:
            services.value_mappings_save(actor=user, union=union, mappings=chosen)
        except ValidationError as exc:
            discard(entry)
            messages.error(request, _("取值对照有误：%(error)s 请重新上传文件。") % {"error": "".join(exc.messages)})
            return redirect("members:import-create")
    job = services.import_job_create(
        actor=user,
        union=union,
        filename=str(entry["filename"]),
        stored=stored,
        size=int(entry["size"]),
        mode=str(entry["mode"]),
        dry_run=bool(entry["dry_run"]),
    )
    return redirect("members:import-detail", pk=job.pk)


def _job(request: AuthedRequest, pk: int) -> ImportJob:
    qs = ImportJob.objects.select_related("union", "actor")
    return scope.get_or_404(request.user, qs, PERM, pk=pk)


def _counts(value: Any) -> list[tuple[str, int]]:
    return sorted(value.items(), key=lambda kv: (-kv[1], kv[0])) if isinstance(value, dict) else []


def _status_context(job: ImportJob) -> dict[str, Any]:
    result = job.result or {}
    reasons = result.get("reasons") or {}
    return {
        "job": job,
        "finished": job.status in FINISHED,
        "result": result,
        "reasons": sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])) if isinstance(reasons, dict) else [],
        "warning_reasons": _counts(result.get("warning_reasons")),
        "unknown": [
            (pipeline.LABELS.get(str(key), str(key)), _counts(words))
            for key, words in (result.get("unknown") or {}).items()
            if isinstance(words, dict)
        ],
        "has_rejects": bool(job.rejects) and job.status == ImportStatus.DONE,
    }


@require_http_methods(["GET"])
@login_required
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "members/import_detail.html", _status_context(job))


@require_http_methods(["GET"])
@login_required
def import_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The status block of the job page, polled every second while the job runs."""
    job = _job(request, pk)
    return render(request, "members/import_status.html", _status_context(job))


@require_http_methods(["GET"])
@login_required
def import_rejects(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The import's report as the task wrote it (an xlsx): the rejected rows with their 错误原因
    and, on a sheet 提醒, the values left out of imported rows."""
    job = _job(request, pk)
    path = Path(job.rejects) if job.rejects else None
    if path is None or path.parent != imports_dir() or not path.is_file():
        raise Http404(_("该导入没有导入报告文件。"))
    audit.record(actor=request.user, action="members.import.rejects_downloaded", obj=job)
    stem = Path(job.filename).stem or "花名册"
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=_("%(name)s-导入报告.xlsx") % {"name": stem},
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, PERM)
    response = HttpResponse(template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=_("会员花名册导入模板.xlsx")) or ""
    )
    return response
