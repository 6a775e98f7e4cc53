"""What the skills pages share."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from gefeng.core import menu, scope
from gefeng.skills.services import SELF, VIEW

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def officials(user: Any) -> Any:
    """The officials' pages: `skills.view` beyond the worker's own records."""
    if not scope.has_perm_beyond_self(user, VIEW):
        raise PermissionDenied
    return user


def worker(user: Any) -> Any:
    """The worker's phone pages: the 职工 role only."""
    if not (scope.has_perm(user, SELF) and menu.self_only(user)):
        raise PermissionDenied
    return user


def pk_of(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def document_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def with_upload(upload: Any, do: Callable[[str, str], Any]) -> Any:
    """Check a sheet upload (`core.uploads`), write it to a private temporary file and call
    `do(path, name)`; the file is removed afterwards."""
    from gefeng.core import uploads

    policy = uploads.Policy(
        kinds=("xlsx", "xls"), folder="skills/sheets", size_setting="SKILLS_SHEET_MAX_MB", default_mb=5
    )
    if upload is None:
        raise ValidationError({"file": ["请选择表格文件。"]})
    try:
        checked = uploads.check(upload, policy)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    suffix = os.path.splitext(checked.name)[1][:8] or ".xlsx"
    fd, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return do(path, checked.name)
    finally:
        os.unlink(path)
