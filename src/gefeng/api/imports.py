"""会员导入 operations of the REST API: upload a roster, follow the job, read its report.

The same path as the web's import pages: the union must be one the caller may import into
(`members.import`), the upload's size is checked while it is written (the declared size can
lie) under `DATA_DIR/imports` with a random name, and `members.services.import_job_create`
queues the job (audited). As on the web, the file is opened and its header found first (in the
isolated reader the import uses): a file that is not a readable roster is refused with 422 and
the reason, and nothing is queued. Its rows are checked by the job, row by row, into the report.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path as FilePath
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from ninja import File, Form, Path, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from gefeng.api import paging
from gefeng.api.errors import responses
from gefeng.api.types import CursorText, Id
from gefeng.core import audit, scope
from gefeng.core.tabular import TabularError
from gefeng.members import services
from gefeng.members.imports.preview import preview
from gefeng.members.models import ImportJob, ImportStatus
from gefeng.orgs.models import Kind, OrgNode

PERM = "members.import"
SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".txt"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ROWS = 10_000  # rows of the report given as JSON (the workbook has them all)
REJECTS_SHEET = "错误行"

router = Router(tags=["会员导入"])

ROSTER_FILE = File(..., description="花名册文件：Excel（.xlsx / .xls）、WPS 表格（.ods）或 CSV，大小上限同网页")


class ImportIn(Schema):
    union: Id = Field(description="导入到的工会编号（须为令牌用户有权导入的工会）")
    mode: Literal["insert", "upsert"] = Field(
        "insert", description="导入方式：insert 只新增（已在库的身份证号作为错误行），upsert 新增并更新本工会的会员"
    )
    dry_run: bool = Field(False, description="仅检查，不写入：只读取和校验，给出结果和错误行")


class ImportOut(Schema):
    id: int = Field(description="导入任务编号")
    union_id: int = Field(description="导入到的工会编号")
    union_name: str = Field(description="导入到的工会名称")
    filename: str = Field(description="上传的文件名")
    size: int = Field(description="文件大小（字节）")
    mode: str = Field(description="导入方式（insert、upsert）")
    dry_run: bool = Field(description="是否仅检查")
    status: str = Field(
        description="状态代码（pending 排队中、running 读取校验中、applying 写入中、done 已完成、failed 失败）"
    )
    status_label: str = Field(description="状态")
    rows_read: int = Field(description="已读取的行数（进行中时随进度增加）")
    counts: dict[str, int] = Field(
        description="结果计数：rows 数据行、imported 新增、updated 更新、unchanged 未变、rejected 错误行、warnings 提醒"
    )
    reasons: dict[str, int] = Field(description="错误行的原因 → 行数")
    error: str = Field(description="失败的原因（未失败为空）")
    has_report: bool = Field(description="是否有导入报告（错误行），见 /imports/{id}/report")
    created_at: dt.datetime = Field(description="提交时间")
    finished_at: dt.datetime | None = Field(description="完成时间")


class ImportPage(Schema):
    items: list[ImportOut] = Field(description="本页的导入任务，新的在前")
    next: str | None = Field(description="下一页的游标；没有下一页时为 null")


class ImportQuery(Schema):
    cursor: CursorText = Field("", description="游标：上一页响应中的 next；第一页不带")
    limit: int = Field(50, ge=1, le=200, description="每页条数（至多 200）")


class ImportPath(Schema):
    import_id: Id = Field(description="导入任务编号")


class ReportQuery(Schema):
    format: Literal["json", "xlsx"] = Field("json", description="json：错误行的 JSON；xlsx：导入报告工作簿下载")


class RejectRow(Schema):
    row: str = Field(description="文件中的行号")
    values: dict[str, str] = Field(description="列名 → 文件中的值")
    reason: str = Field(description="错误原因")


class ReportOut(Schema):
    id: int = Field(description="导入任务编号")
    rows: list[RejectRow] = Field(description="错误行（至多 10000 行；全部见 format=xlsx）")
    truncated: bool = Field(description="错误行是否多于所给的行")


COUNT_KEYS = ("rows", "imported", "updated", "unchanged", "rejected", "warnings")


def import_out(job: ImportJob) -> ImportOut:
    result = job.result if isinstance(job.result, dict) else {}
    reasons = result.get("reasons")
    return ImportOut(
        id=job.pk,
        union_id=job.union_id,
        union_name=job.union.name,
        filename=job.filename,
        size=job.size,
        mode=job.mode,
        dry_run=job.dry_run,
        status=job.status,
        status_label=str(job.get_status_display()),
        rows_read=job.rows_read,
        counts={k: int(result[k]) for k in COUNT_KEYS if isinstance(result.get(k), int)},
        reasons={str(k): int(v) for k, v in reasons.items()} if isinstance(reasons, dict) else {},
        error=job.error,
        has_report=_report_path(job) is not None,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _job(actor: Any, import_id: int) -> ImportJob:
    return scope.get_or_404(actor, ImportJob.objects.select_related("union"), PERM, pk=import_id)


def _report_path(job: ImportJob) -> FilePath | None:
    if job.status != ImportStatus.DONE or not job.rejects:
        return None
    path = FilePath(job.rejects)
    if path.parent != services.imports_dir() or not path.is_file():
        return None
    return path


def _max_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def _too_large() -> ValidationError:
    return ValidationError({"file": [f"文件超过上限 {settings.UPLOAD_MAX_MB} MB，请拆分后分批导入。"]})


def _save(upload: UploadedFile) -> tuple[FilePath, int]:
    """Write the upload with a random name, readable by the owner only; give up above the limit."""
    suffix = FilePath(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError({"file": ["请上传 Excel（.xlsx / .xls）、WPS 表格（.ods）或 CSV 文件。"]})
    path = services.imports_dir() / f"{uuid.uuid4().hex}{suffix}"
    limit, size = _max_bytes(), 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": ["文件是空的（0 字节），请检查是否选错了文件。"]})
    return path, size


@router.get("/imports", response=responses(ImportPage, 401, 403, 422), url_name="import-list", summary="导入任务列表")
def import_list(request, filters: Query[ImportQuery]):
    """数据范围内的导入任务，新的在前，按游标翻页。"""
    actor = request.auth
    scope.require_perm(actor, PERM)
    qs = scope.permitted(actor, ImportJob.objects.select_related("union"), PERM)
    # Newest first: the cursor runs over (-pk) as an ascending key of negated ids.
    if filters.cursor:
        _key, last = paging.decode("imports", {}, filters.cursor)
        qs = qs.filter(pk__lt=last)
    rows = list(qs.order_by("-pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    next_cursor = paging.encode("imports", {}, "", rows[-1].pk) if more and rows else None
    return ImportPage(items=[import_out(j) for j in rows], next=next_cursor)


@router.post(
    "/imports",
    response=responses(ImportOut, 400, 401, 403, 413, 422),
    url_name="import-create",
    summary="上传花名册导入",
)
def import_create(
    request,
    form: Form[ImportIn],
    file: UploadedFile = ROSTER_FILE,
):
    """multipart/form-data：union、mode、dry_run 和文件 file（大小上限同网页）。成功即排队，
    用 GET /imports/{id} 查看进度和结果。"""
    actor = request.auth
    scope.require_perm(actor, PERM)
    union = (
        scope.permitted(actor, OrgNode.objects.filter(kind=Kind.UNION).valid_on(dt.date.today()), PERM)
        .filter(pk=form.union)
        .first()
    )
    if union is None:
        raise ValidationError({"union": ["请选择您有权导入的工会。"]})
    if (file.size or 0) > _max_bytes():  # refused before anything is written
        raise _too_large()
    stored, size = _save(file)
    filename = FilePath(file.name or "roster").name[:200]
    try:
        # As the web's upload: the file is opened and its header found before a job is queued,
        # so a file the importer cannot read is a 422 with the reason, not a failed job.
        preview(stored, filename)
    except TabularError as exc:
        stored.unlink(missing_ok=True)
        raise ValidationError({"file": [str(exc)]}) from None
    try:
        job = services.import_job_create(
            actor=actor,
            union=union,
            filename=filename,
            stored=stored,
            size=size,
            mode=form.mode,
            dry_run=form.dry_run,
        )
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    return import_out(_job(actor, job.pk))


@router.get(
    "/imports/{int:import_id}",
    response=responses(ImportOut, 401, 403, 404, 422),
    url_name="import-detail",
    summary="一个导入任务",
)
def import_detail(request, path: Path[ImportPath]):
    """状态、计数和错误原因；进行中时可反复查询。"""
    return import_out(_job(request.auth, path.import_id))


def _reject_rows(path: FilePath) -> tuple[list[RejectRow], bool]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    if REJECTS_SHEET not in book.sheet_names:
        return [], False
    table = book.get_sheet_by_name(REJECTS_SHEET).to_python(skip_empty_area=False)
    if not table:
        return [], False
    header = [str(c) for c in table[0]]
    rows: list[RejectRow] = []
    for raw in table[1 : REPORT_ROWS + 1]:
        cells = ["" if c is None else str(c) for c in raw] + [""] * (len(header) - len(raw))
        rows.append(
            RejectRow(
                row=cells[0],
                values={header[i]: cells[i] for i in range(1, len(header) - 1) if cells[i] != ""},
                reason=cells[len(header) - 1],
            )
        )
    return rows, len(table) - 1 > REPORT_ROWS


@router.get(
    "/imports/{int:import_id}/report",
    response=responses(ReportOut, 401, 403, 404, 422),
    url_name="import-report",
    summary="导入报告（错误行）",
    openapi_extra={
        "responses": {
            200: {
                "description": "成功。",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def import_report(request, path: Path[ImportPath], query: Query[ReportQuery]):
    """已完成的导入的错误行（含完整的身份证号等原值，供更正后重新导入；每次读取都记入审计日志）。
    format=xlsx 下载与网页相同的导入报告工作簿（另有“提醒”表）。没有错误行时 404。"""
    actor = request.auth
    job = _job(actor, path.import_id)
    report = _report_path(job)
    if report is None:
        raise Http404
    audit.record(actor=actor, action="members.import.rejects_downloaded", obj=job)
    if query.format == "xlsx":
        stem = FilePath(job.filename).stem or "花名册"
        response = FileResponse(report.open("rb"), content_type=XLSX)
        response["Content-Disposition"] = (
            content_disposition_header(as_attachment=True, filename=f"{stem}-导入报告.xlsx") or ""
        )
        response["Cache-Control"] = "no-store"
        return response
    rows, truncated = _reject_rows(report)
    return ReportOut(id=job.pk, rows=rows, truncated=truncated)
