"""The files and clearances backing a nomination: upload, download (through scope), delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gefeng.core import scope
from gefeng.core.actions import act
from gefeng.core.types import AuthedRequest
from gefeng.honours import services
from gefeng.honours.forms import (
    ClearanceForm,
)
from gefeng.honours.models import (
    Attachment,
)
from gefeng.honours.views._common import (
    find_nomination,
    nomination_url,
)


@require_POST
@login_required
def attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = find_nomination(request.user, pk)
    return act(
        request,
        lambda: services.attachment_add(actor=request.user, nomination=nomination, upload=request.FILES.get("file")),
        done=_("已上传材料。"),
        back=nomination_url(nomination),
    )


@require_POST
@login_required
def clearance_add(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = find_nomination(request.user, pk, "honours.nominate")
    form = ClearanceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写审查事项、出具部门和出具日期。"))
        return redirect(nomination_url(nomination))
    data = form.cleaned_data
    return act(
        request,
        lambda: services.clearance_save(
            actor=request.user,
            nomination=nomination,
            kind=data["kind"],
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            passed=data["passed"],
            note=data["note"],
            upload=data.get("file"),
        ),
        done=_("已记录审查意见。"),
        back=nomination_url(nomination),
    )


@require_GET
@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = scope.get_or_404(request.user, Attachment, None, pk=pk)
    try:
        handle = services.attachment_open(attachment)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def attachment_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    attachment = scope.get_or_404(request.user, Attachment.objects.select_related("nomination"), None, pk=pk)
    nomination = attachment.nomination
    return act(
        request,
        lambda: services.attachment_delete(actor=request.user, attachment=attachment),
        done=_("已删除材料。"),
        back=nomination_url(nomination),
    )
