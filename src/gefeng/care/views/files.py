"""Pages of the hardship files: list, application on a worker's behalf, the file with its
arithmetic, visit, review and trail, edits, documents, the list export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.care import conf, selectors, services
from gefeng.care.forms import ApplyForm, EndForm, MemberLookupForm, ReviewForm, VisitForm
from gefeng.care.models import Document, HardshipFile, Side, State
from gefeng.care.views._common import file_url, post_act
from gefeng.core import audit, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest

VIEW, HANDLE, REVIEW = services.VIEW, services.HANDLE, services.REVIEW


@require_GET
@login_required
def file_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    state = request.GET.get("state", "")
    qs = selectors.files(
        user,
        state=state,
        q=request.GET.get("q", ""),
        overdue=request.GET.get("overdue") == "1",
        due=request.GET.get("due") == "1",
    )
    return render(
        request,
        "care/file_list.html",
        {
            "page": paginate(request, qs),
            "states": State.choices,
            "state": state,
            "q": request.GET.get("q", "")[:20],
            "can_apply": scope.has_perm_beyond_self(user, HANDLE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def file_create(request: AuthedRequest) -> HttpResponse:
    """A union officer applies on a worker's behalf (the worker found by ID number)."""
    user = request.user
    if not scope.has_perm_beyond_self(user, HANDLE):
        raise Http404
    lookup = MemberLookupForm(request.POST or None)
    form = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and lookup.is_valid() and form.is_valid():
        member = selectors.member_by_id(user, lookup.cleaned_data["id_number"])
        if member is None:
            lookup.add_error("id_number", _g("在您负责的工会会员名册中找不到该身份证号。"))
        else:
            try:
                file = services.file_apply(
                    actor=user, member=member, documents=form.documents(request.FILES), **form.parts()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _g("已代为提交帮扶申请。"))
                return redirect("care:file-detail", pk=file.pk)
    return render(request, "care/file_form.html", {"form": form, "lookup": lookup, "file": None})


def _file(user: Any, pk: int, perm: str | None = None) -> HardshipFile:
    qs = HardshipFile.objects.select_related("member", "union", "town", "checked_by", "reviewed_by")
    return scope.get_or_404(user, qs, perm, pk=pk)


@require_GET
@login_required
def file_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    file = _file(user, pk)
    full = services.reveal(actor=user, file=file)
    context: dict[str, Any] = {
        "file": file,
        "full": full,
        "events": list(file.events.all()[:100]),
        "can_handle": full and file.is_open,
        "can_review": scope.can(user, file, REVIEW),
        "review_form": ReviewForm(initial={"category": ""}),
        "visit_form": VisitForm(),
        "end_form": EndForm(),
        "aids": list(scope.visible(user, file.aids.all()).select_related("rule", "fund")[:50]),
        "State": State,
    }
    if full:
        context |= {
            "family": list(file.family.all()),
            "income": [m for m in file.money.all() if m.side == Side.INCOME],
            "spending": [m for m in file.money.all() if m.side == Side.SPENDING],
            "calc": services.calculation(file),
            "visits": list(file.visits.all()),
            "documents": list(file.documents.all()),
            "exclusions": [conf.get("CARE_EXCLUSIONS").get(c, c) for c in file.exclusions or []],
        }
    return render(request, "care/file_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def file_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    file = _file(user, pk, HANDLE)
    initial = _initial(file)
    form = ApplyForm(request.POST or None, initial=initial, with_documents=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_update(actor=user, file=file, **form.parts())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存，困难类别已重新测算。"))
            return redirect("care:file-detail", pk=file.pk)
    return render(request, "care/file_form.html", {"form": form, "lookup": None, "file": file})


def _initial(file: HardshipFile) -> dict[str, Any]:
    fields = ("cause_main", "cause_secondary", "case_detail", "post", "phone", "migrant", "employed_months",
              "accident", "hardship_cost", "exclusions", "bank_name", "bank_holder", "bank_account")  # fmt: skip
    out: dict[str, Any] = {f: getattr(file, f) for f in fields}
    for i, fm in enumerate(file.family.exclude(relation="self")[:5]):
        for k in ("name", "relation", "id_number", "health", "schooling", "school", "work"):
            out[f"family_{i}_{k}"] = getattr(fm, k)
    for m in file.money.all():
        out[f"{m.side}_{m.kind}"] = m.amount
    return out


def _act(request: AuthedRequest, pk: int, perm: str, do: Any, done: str) -> HttpResponse:
    user = request.user
    file = _file(user, pk, perm)
    return post_act(request, lambda: do(user, file), done, file_url(file.pk))


@require_POST
@login_required
def file_visit(request: AuthedRequest, pk: int) -> HttpResponse:
    form = VisitForm(request.POST, request.FILES)
    data = form.cleaned_data if form.is_valid() else {}
    photos = [request.FILES["photo"]] if request.FILES.get("photo") else []

    def do(u: Any, f: HardshipFile) -> Any:
        if not data:
            raise ValidationError(_g("请填写走访日期、走访人和走访情况。"))
        return services.visit_add(
            actor=u,
            file=f,
            visited_on=data["visited_on"],
            visitors=data["visitors"],
            findings=data["findings"],
            photos=photos,
        )

    return _act(request, pk, HANDLE, do, _g("已登记入户走访。"))


@require_POST
@login_required
def file_check(request: AuthedRequest, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _act(
        request,
        pk,
        HANDLE,
        lambda u, f: services.file_check(actor=u, file=f, comment=comment),
        _g("初审通过，已报上级工会复审。"),
    )


@require_POST
@login_required
def file_review(request: AuthedRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}

    def do(u: Any, f: HardshipFile) -> Any:
        return services.file_review(
            actor=u,
            file=f,
            category=data.get("category", ""),
            reason=data.get("reason", ""),
            comment=data.get("comment", ""),
        )

    return _act(request, pk, REVIEW, do, _g("复审通过，可列入公示。"))


@require_POST
@login_required
def file_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request, pk, HANDLE, lambda u, f: services.file_reject(actor=u, file=f, reason=reason), _g("已退回申请。")
    )


@require_POST
@login_required
def file_reverify(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        HANDLE,
        lambda u, f: services.reverify_start(actor=u, file=f),
        _g("已发起年度复核，请核实修改后重新初审。"),
    )


@require_POST
@login_required
def file_end(request: AuthedRequest, pk: int) -> HttpResponse:
    form = EndForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"recovered": True, "reason": ""}
    return _act(
        request,
        pk,
        HANDLE,
        lambda u, f: services.file_end(actor=u, file=f, recovered=data["recovered"], reason=data["reason"]),
        _g("已退档。"),
    )


@require_POST
@login_required
def document_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("upload")
    kind = request.POST.get("kind", "other")

    def do(u: Any, f: HardshipFile) -> Any:
        if upload is None:
            raise ValidationError(_g("请选择文件。"))
        return services.document_add(actor=u, file=f, kind=kind, upload=upload)

    return _act(request, pk, HANDLE, do, _g("已上传。"))


@require_GET
@login_required
def document_open(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """A document of a file (handling officers and the worker themself); every opening audited."""
    user = request.user
    doc = scope.get_or_404(user, Document.objects.select_related("file"), pk=pk)
    if not (scope.can(user, doc.file, HANDLE) or scope.can(user, doc.file, services.APPLY)):
        raise Http404
    audit.record(actor=user, action="care.file.document_opened", obj=doc.file, changes={"document": doc.pk})
    try:
        handle = doc.upload.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=doc.name)


@require_GET
@login_required
def file_export(request: AuthedRequest) -> HttpResponseBase:
    user = request.user
    scope.require_perm(user, VIEW)
    qs = selectors.files(user, state=request.GET.get("state", ""), q=request.GET.get("q", ""))
    return exports.download(
        actor=user,
        action="care.files.exported",
        filename="困难职工档案",
        headers=selectors.FILE_HEADERS,
        rows=selectors.file_rows(qs),
        sheet_name="困难职工档案",
        object_type="care.hardshipfile",
        changes={"reveal": False},
    )
