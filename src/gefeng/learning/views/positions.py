"""Photos of positions (served only through scope) and the borrowing register of 书房."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gefeng.core import actions, scope
from gefeng.core.types import AuthedRequest
from gefeng.learning import services
from gefeng.learning.forms import BorrowingForm
from gefeng.learning.models import Position, PositionPhoto
from gefeng.learning.views._common import MANAGE, officer


def _back(position_id: int) -> str:
    return reverse("learning:position-detail", args=[position_id])


@require_POST
@login_required
def photo_add(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    position = scope.get_or_404(user, Position, MANAGE, pk=pk)
    return actions.act(
        request,
        lambda: services.photos_add(
            actor=user,
            position=position,
            files=request.FILES.getlist("photos"),
            caption=request.POST.get("caption", ""),
        ),
        done=lambda made: f"已上传 {len(made)} 张照片。",
        back=_back(position.pk),
    )


def _serve(request: AuthedRequest, pk: int, thumb: bool) -> FileResponse:
    user = officer(request.user)
    photo = scope.get_or_404(user, PositionPhoto, pk=pk)
    try:
        handle = services.open_photo(photo, thumb=thumb)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        filename=photo.original_name,
        content_type="image/jpeg" if thumb else photo.content_type,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@login_required
def photo(request: AuthedRequest, pk: int) -> FileResponse:
    return _serve(request, pk, thumb=False)


@require_GET
@login_required
def photo_thumb(request: AuthedRequest, pk: int) -> FileResponse:
    return _serve(request, pk, thumb=True)


@require_POST
@login_required
def photo_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    item = scope.get_or_404(user, PositionPhoto, MANAGE, pk=pk)
    return actions.act(
        request,
        lambda: services.photo_delete(actor=user, photo=item),
        done="已删除照片。",
        back=_back(item.position_id),
    )


@require_POST
@login_required
def borrowing_record(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officer(request.user)
    position = scope.get_or_404(user, Position, MANAGE, pk=pk)
    form = BorrowingForm(request.POST)
    data = form.cleaned_data if form.is_valid() else dict(request.POST.items())
    return actions.act(
        request,
        lambda: services.borrowing_record(
            actor=user,
            position=position,
            month=data.get("month", ""),
            loans=data.get("loans", ""),
            borrowers=data.get("borrowers", ""),
            note=data.get("note", ""),
        ),
        done="已登记借阅。",
        back=_back(position.pk),
    )
