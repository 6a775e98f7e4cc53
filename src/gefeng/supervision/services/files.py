"""Files attached to a task's history or a meeting, checked by `core.uploads`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gefeng.core import actors, uploads
from gefeng.orgs.models import OrgNode
from gefeng.supervision.models import (
    Attachment,
)

# Files a unit may attach: images, PDF, Word/WPS, Excel/WPS 表格, PowerPoint, ODF — by content.
# Stored under DATA_DIR/media/supervision/ (the folder of every file attached so far).
UPLOADS = uploads.Policy(
    kinds=(*uploads.IMAGES, "pdf", *uploads.OFFICE, "pptx", "ppt", "odt", "ods"),
    folder="supervision",
    size_setting="SUPERVISION_UPLOAD_MAX_MB",
    files_setting="SUPERVISION_UPLOAD_MAX_FILES",
    default_files=10,
)


def upload_max_bytes() -> int:
    return UPLOADS.max_bytes()


def upload_max_files() -> int:
    return UPLOADS.max_files()


def check_files(files: Sequence[Any], field: str = "attachments") -> list[uploads.Checked]:
    """Uploads judged by size and by content (not by name); one ValidationError for all.

    Local rule: `GEFENG_SUPERVISION_UPLOAD_MAX_MB` and `GEFENG_SUPERVISION_UPLOAD_MAX_FILES`;
    the kinds by content follow GB/T 22239-2019 (数据有效性检验), see `core.uploads`."""
    return uploads.check_many(files, UPLOADS, field)


def _store(
    checked: Iterable[uploads.Checked], *, actor: Any, org: OrgNode, update: Any = None, meeting: Any = None
) -> list[Attachment]:
    out = []
    for c in checked:
        att = Attachment(
            org=org,
            update=update,
            meeting=meeting,
            original_name=c.name,
            content_type=c.content_type,
            size=c.size,
            uploaded_by=actors.user_of(actor),
        )
        att.file.save(c.name, c.upload, save=False)
        att.save()
        out.append(att)
    return out
