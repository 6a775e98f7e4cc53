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

import datetime as dt
import io
import itertools
import os
import re
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gefeng.core import audit, pii, scope
from gefeng.core.exports import XLSX_CONTENT_TYPE
from gefeng.core.pagination import paginate
from gefeng.core.tabular import Column, Row, Sheet, TabularError, column_letter, parse_date
from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.core.types import AuthedRequest
from gefeng.core.validators import id_check_char
from gefeng.members import importer, services
from gefeng.members.import_forms import (
    ImportConfirmForm,
    ImportUploadForm,
    max_upload_bytes,
    too_large_message,
)
from gefeng.members.models import (
    Education,
    ImportJob,
    ImportMode,
    ImportStatus,
    JobCategory,
    NewFormGroup,
    Political,
    SkillLevel,
)
from gefeng.orgs.models import Kind, OrgNode

PERM = "members.import"
PREVIEW_ROWS = 10
UNIONS_SHOWN = 20  # unions listed before searching
SEARCH_LIMIT = 20
PENDING_KEY = "members_import_pending"
PENDING_KEEP = 3  # uploads awaiting confirmation kept per session; older ones are deleted
SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".txt"})
MASKED = {"id_number": pii.mask_id_number, "phone": pii.mask_phone}
DATE_KEYS = frozenset({"joined_on"})  # roster columns that hold a date


def _shown_date(text: str) -> str:
    """A date cell as the import will store it: an Excel serial number (43209) as 2018-04-19.
    A cell that is no date is shown as written; the import reports it."""
    if not text:
        return text
    try:
        return parse_date(text).isoformat()
    except ValueError:
        return text


def _shown(key: str, text: str) -> str:
    if key in MASKED:
        return MASKED[key](text)
    if key in DATE_KEYS:
        return _shown_date(text)
    return text


FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)
TEMPLATE_SHEET = "会员花名册"
INSTRUCTIONS_SHEET = "填表说明"


imports_dir = services.imports_dir


def _pk(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


# ---------------------------------------------------------------- unions the user may import into


def importable_unions(user: Any) -> QuerySet[OrgNode]:
    unions = OrgNode.objects.filter(kind=Kind.UNION).valid_on(dt.date.today())
    return scope.permitted(user, unions, PERM).order_by("path")


def _union_choices(user: Any, term: str, selected: int | None) -> tuple[list[OrgNode], bool]:
    """(unions to offer as radio choices, whether there are more than shown)."""
    qs = importable_unions(user)
    term = term.strip()[:100]
    if term:
        qs = qs.filter(Q(name__contains=term) | Q(short_name__contains=term) | Q(code=term.upper()))
    shown = list(qs[: (SEARCH_LIMIT if term else UNIONS_SHOWN) + 1])
    more = len(shown) > (SEARCH_LIMIT if term else UNIONS_SHOWN)
    shown = shown[: len(shown) - 1] if more else shown
    if selected and all(u.pk != selected for u in shown):
        chosen = importable_unions(user).filter(pk=selected).first()
        if chosen is not None:
            shown.insert(0, chosen)
    return shown, more


# ---------------------------------------------------------------- saving the upload


def save_upload(upload: UploadedFile) -> tuple[Path, int]:
    """Write the upload under DATA_DIR/imports with a random name, readable by the owner only.

    Counts while writing and gives up above the limit (the declared size can lie); a refused or
    failed write leaves nothing behind. Raises TabularError with a Chinese message."""
    suffix = Path(upload.name or "").suffix.lower()
    path = imports_dir() / f"{uuid.uuid4().hex}{suffix if suffix in SUFFIXES else ''}"
    limit = max_upload_bytes()
    size = 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise TabularError(too_large_message(size))
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


# Read on the preview only, to see whose roster it is; never imported.
FILING_UNIT = Column("filing_unit", "填报单位", ("单位名称", "填报单位名称"))
_UNIT_NOISE = re.compile(r"^填报单位[:：]?|[（(]盖章[)）]|工会委员会$|委员会$|工会$|[\s:：,，.。、·]")


def _preview(path: Path, filename: str) -> tuple[Sheet, list[Row]]:
    sheet, rows = open_table_isolated(
        path,
        [*importer.COLUMNS, FILING_UNIT],
        max_bytes=max_upload_bytes(),
        filename=filename,
        compact=importer.COMPACT,
    )
    return sheet, list(itertools.islice(rows, PREVIEW_ROWS))


def _unit_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "")
    previous = None
    while previous != folded:  # “XX公司工会委员会（盖章）” → “XX公司”
        previous, folded = folded, _UNIT_NOISE.sub("", folded)
    return folded


def other_unit(rows: list[Row], union: OrgNode) -> str:
    """The first 填报单位 of the previewed rows that names neither the target union nor its
    enterprise ("" if none does): a roster of another company, about to go into this union."""
    ours = {key for key in (_unit_key(union.name), _unit_key(union.parent.name if union.parent else "")) if key}
    ours = {key for key in ours if len(key) >= 2}
    for row in rows:
        named = row.values.get(FILING_UNIT.key, "")
        key = _unit_key(named)
        if len(key) < 2:
            continue
        if not any(key in mine or mine in key for mine in ours):
            return named
    return ""


MAPPED_SHOWN = 50  # distinct words per column offered for mapping on the preview
EMPTY = "-"  # the mapping choice “leave empty, no warning” (a stored value is never "-")


def _survey(path: Path, filename: str, union: OrgNode) -> list[list[Any]]:
    """The words of the file's choice columns the registry does not know, and those it knows only
    from this union's earlier mappings: [column key, word, rows, remembered value or None]."""
    vocab = importer.Vocabulary.of(union)
    found = importer.survey(path, filename, vocab)
    items: list[list[Any]] = []
    for key, counter in found.items():
        for text, count in counter.most_common(MAPPED_SHOWN):
            mapped = vocab.mapped[key].get(importer.fold(text))
            items.append([key, text, count, mapped])
    return items


def _mapping_context(items: list[list[Any]]) -> dict[str, Any]:
    rows = []
    for index, (key, text, count, mapped) in enumerate(items):
        selected = "" if mapped is None else (mapped or EMPTY)
        rows.append(
            {
                "field": f"map-{index}",
                "column": importer.LABELS.get(key, key),
                "text": text,
                "count": count,
                "selected": selected,
                "remembered": mapped is not None,
                "options": [
                    ("", _("（未选择：留空，列入提醒）")),
                    (EMPTY, _("留空（不再提醒）")),
                    *importer.choices(key),
                ],
            }
        )
    return {"mappings": rows, "unknown_rows": sum(item[2] for item in items if item[3] is None)}


def _chosen_mappings(post: Any, items: list[list[Any]]) -> list[tuple[str, str, str | None]]:
    """What the user chose on the preview for each listed word (None: nothing, forget it)."""
    chosen: list[tuple[str, str, str | None]] = []
    for index, (key, text, _count, mapped) in enumerate(items):
        value = str(post.get(f"map-{index}", ""))
        if value == "":
            if mapped is not None:
                chosen.append((key, text, None))
            continue
        code = "" if value == EMPTY else value
        if code != mapped:
            chosen.append((key, text, code))
    return chosen


def _preview_context(sheet: Sheet, rows: list[Row]) -> dict[str, Any]:
    present = [c for c in importer.COLUMNS if c.key in sheet.columns]
    recognised = [
        {"label": c.label, "letter": column_letter(sheet.columns[c.key]), "required": c.required} for c in present
    ]
    missing = [c.label for c in importer.COLUMNS if c.key not in sheet.columns]
    table = [
        {
            "number": row.number,
            "cells": [_shown(c.key, row.values[c.key]) for c in present],
        }
        for row in rows
    ]
    return {
        "sheet": sheet,
        "recognised": recognised,
        "missing": missing,
        "labels": [c.label for c in present],
        "rows": table,
        "preview_rows": PREVIEW_ROWS,
    }


def _pending(request: AuthedRequest) -> dict[str, dict[str, Any]]:
    value = request.session.get(PENDING_KEY)
    return dict(value) if isinstance(value, dict) else {}


def _remember(request: AuthedRequest, token: str, entry: dict[str, Any]) -> None:
    pending = _pending(request)
    pending[token] = entry
    while len(pending) > PENDING_KEEP:  # the oldest abandoned preview goes, file and all
        oldest = next(iter(pending))
        _discard(pending.pop(oldest))
    request.session[PENDING_KEY] = pending


def _take(request: AuthedRequest, token: str) -> dict[str, Any] | None:
    pending = _pending(request)
    entry = pending.pop(token, None)
    request.session[PENDING_KEY] = pending
    return entry


def _discard(entry: dict[str, Any]) -> None:
    stored = Path(str(entry.get("stored", "")))
    if stored.name and stored.parent == imports_dir():
        stored.unlink(missing_ok=True)


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
        unions, more = _union_choices(user, term, _pk(request.GET.get("union")))
        return render(
            request,
            "members/import_union_choices.html",
            {"unions": unions, "more": more, "q": term.strip(), "selected": _pk(request.GET.get("union"))},
        )
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)

    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"union": _pk(request.GET.get("union")), "mode": ImportMode.INSERT},
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
                    sheet, rows = _preview(stored, filename)
                    items = _survey(stored, filename, union)
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
                    _remember(request, token, entry)
                    context = (
                        _preview_context(sheet, rows)
                        | _mapping_context(items)
                        | {
                            "token": token,
                            "union": union,
                            "filename": filename,
                            "size": size,
                            "mode_label": ImportMode(entry["mode"]).label,
                            "dry_run": entry["dry_run"],
                            "other_unit": other_unit(rows, union),
                        }
                    )
                    return render(request, "members/import_preview.html", context)
    source = request.POST if request.method == "POST" else request.GET
    selected = _pk(source.get("union"))
    term = str(source.get("union_q", ""))
    unions, more = _union_choices(user, term, selected)
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
    entry = _take(request, form.data.get("token", "")) if form.is_valid() else None
    if entry is None:
        messages.error(request, _("该上传已失效（已确认、已取消或会话已过期），请重新上传文件。"))
        return redirect("members:import-create")
    stored = Path(str(entry["stored"]))
    if form.cleaned_data["action"] == "cancel":
        _discard(entry)
        messages.info(request, _("已取消导入，上传的文件已删除。"))
        return redirect("members:import-create")
    union = importable_unions(user).filter(pk=entry["union"]).first()
    if union is None or not stored.is_file() or stored.parent != imports_dir():
        _discard(entry)
        messages.error(request, _("该上传已失效，请重新上传文件。"))
        return redirect("members:import-create")
    items = entry.get("mappings")
    chosen = _chosen_mappings(request.POST, items if isinstance(items, list) else [])
    if chosen:
        try:
            services.value_mappings_save(actor=user, union=union, mappings=chosen)
        except ValidationError as exc:
            _discard(entry)
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
            (importer.LABELS.get(str(key), str(key)), _counts(words))
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


# ---------------------------------------------------------------- the template


def _example_row() -> dict[str, str]:
    body = "32032219900101001"
    return {
        # Not a valid name on purpose: an example row left in the file is refused, never imported.
        "name": "张三（示例）",
        "id_number": body + id_check_char(body),
        "sex": "男",
        "ethnicity": "汉族",
        "political_status": "群众",
        "education": "高中",
        "phone": "13800000000",
        "job_category": "一线工人",
        "occupation": "焊工",
        "skill_level": "四级/中级工",
        "new_form_group": "",
        "migrant": "否",
        "joined_on": "2019-05-01",
        "card_number": "",
        "team": "",
    }


_CHOICES: dict[str, list[str]] = {
    "sex": ["男", "女"],
    "political_status": [str(label) for _v, label in Political.choices],
    "education": [str(v) for v in Education.values],
    "job_category": [str(label) for _v, label in JobCategory.choices],
    "skill_level": [str(label) for _v, label in reversed(SkillLevel.choices)],
    "new_form_group": [str(label) for _v, label in NewFormGroup.choices],
    "migrant": ["是", "否"],
}
_TEXT_COLUMNS = frozenset({"id_number", "phone", "card_number", "joined_on"})
_WIDTHS = {"name": 12, "id_number": 22, "phone": 14, "joined_on": 12, "card_number": 18, "new_form_group": 14}


def _instructions() -> list[str]:
    required = "、".join(c.label for c in importer.COLUMNS if c.required)
    return [
        "填表说明",
        f"1. 一人一行，请勿合并单元格、请勿修改表头。带红色表头的列（{required}）必须填写，其余列可以空白。",
        "2. 第 2 行是示例，导入前请删除（保留也不会被导入，会作为错误行列出）。",
        "3. 身份证号填写 18 位居民身份证号码，末位 X 请大写；本列已设为文本格式，请勿改为数字，"
        "否则 Excel 会丢失末尾几位。15 位老号码会自动升为 18 位。",
        "4. 性别可以不填，按身份证号判断；填写时须与身份证号一致。",
        "5. 手机号填写本人 11 位手机号码；固定电话请勿填入本列。",
        "6. 入会日期写成 2019-05-01 这样的格式（也可写 2019.05.01、2019/5/1、2019年5月1日）；"
        "入会时应年满 16 周岁，不能晚于今天。",
        "7. 政治面貌、文化程度、岗位类别、技能等级、新就业形态群体、是否农民工请从下拉选项中选择；"
        "常见的其他写法（如“男性”“大学本科”“一线职工”“高级工”）也能识别，不认识的写法可在预览时对照，"
        "未对照的留空导入并在报告中提醒。",
        "8. 班组须是本工会在平台中已建立的班组，写其名称；没有班组请空白。",
        "9. 一次入会、动态接转：已在其他工会登记的会员会被列为错误行，请由原工会办理转会。",
        "10. 导入方式：“只新增”时已在会员库中的身份证号作为错误行；“新增并更新”时本工会已有的会员按表格更新"
        "（表格中没有的列不会改动）。",
        "11. 同一文件可以重复导入：“新增并更新”方式下未改动的行不会重复登记。",
        f"12. 文件不超过 {settings.UPLOAD_MAX_MB} MB；行数多时请拆分为多个文件。",
    ]


def template_xlsx() -> bytes:
    """The roster template: the header, one example row, drop-downs, and a sheet 填表说明."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet(TEMPLATE_SHEET)
    head = book.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#DDEBF7"})
    head_required = book.add_format(
        {"bold": True, "align": "center", "border": 1, "bg_color": "#DDEBF7", "font_color": "#C00000"}
    )
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"italic": True, "font_color": "#808080", "num_format": "@"})
    sample = _example_row()
    last_row = 5000
    for col, column in enumerate(importer.COLUMNS):
        width = _WIDTHS.get(column.key, max(8, 2 * len(column.label) + 2))
        sheet.set_column(col, col, width, text if column.key in _TEXT_COLUMNS else None)
        sheet.write_string(0, col, column.label, head_required if column.required else head)
        sheet.write_string(1, col, sample.get(column.key, ""), example)
        choices = _CHOICES.get(column.key)
        if choices:
            sheet.data_validation(
                1,
                col,
                last_row,
                col,
                {
                    "validate": "list",
                    "source": choices,
                    "error_type": "warning",
                    "error_title": "请从下拉选项中选择",
                    "error_message": "该值不在可选范围内，导入时请在预览中对照，否则该项留空。",
                },
            )
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet(INSTRUCTIONS_SHEET)
    notes.set_column(0, 0, 110)
    bold = book.add_format({"bold": True, "font_size": 14})
    for row, line in enumerate(_instructions()):
        notes.write_string(row, 0, line, bold if row == 0 else None)
    book.close()
    return buffer.getvalue()


@require_http_methods(["GET"])
@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, PERM)
    response = HttpResponse(template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=_("会员花名册导入模板.xlsx")) or ""
    )
    return response
