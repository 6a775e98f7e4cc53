"""Clearances (审查意见) for enterprise leaders and the files (事迹材料, 证明) backing a nomination.

Files go through `core.uploads`: kinds by content (PDF, JPG, PNG, Word .docx), the size limit of
setting `HONOURS_UPLOAD_MAX_MB`, stored in the default storage (`DATA_DIR/media/honours/`) with a
random name; the original name is kept on the row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from gefeng.core import actors, audit, uploads
from gefeng.core.actors import accepts_system
from gefeng.honours.models import EDITABLE_STATUSES, Attachment, Clearance, ClearanceKind, Nomination
from gefeng.honours.services._common import clean_text, lock_nomination

# What a nomination may carry (by content): the papers units send — PDF, photos, Word.
ATTACHMENTS = uploads.Policy(
    kinds=("pdf", "jpg", "png", "docx"),
    folder="honours",
    size_setting="HONOURS_UPLOAD_MAX_MB",
    default_mb=10,
)


def upload_max_bytes() -> int:
    return ATTACHMENTS.max_bytes()


def legacy_dir() -> Path:
    """Where attachments were kept before they moved to the default storage."""
    return Path(settings.DATA_DIR) / "honours"


def _check_upload(upload: Any) -> uploads.Checked:
    try:
        return uploads.check(upload, ATTACHMENTS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None


@accepts_system
@transaction.atomic
def attachment_add(
    *, actor: Any, nomination: Nomination, upload: Any, clearance: Clearance | None = None
) -> Attachment:
    """Attach a file to an editable nomination: checked by content and size (`ATTACHMENTS`), stored
    in the default storage under `honours/`."""
    actors.require(actor, nomination, "honours.nominate")
    nomination = lock_nomination(nomination)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["只有草稿或退回的推荐可以上传材料。"]})
    if clearance is not None and clearance.nomination_id != nomination.pk:
        raise ValidationError({"clearance": ["审查意见不属于该推荐。"]})
    checked = _check_upload(upload)
    stored = uploads.save(checked, ATTACHMENTS)
    try:
        attachment = Attachment.objects.create(
            nomination=nomination,
            clearance=clearance,
            filename=checked.name,
            stored=stored,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actors.user_of(actor),
        )
    except Exception:
        default_storage.delete(stored)
        raise
    audit.record(
        actor=actor,
        action="honours.attachment.added",
        obj=nomination,
        changes={"file": attachment.filename, "size": attachment.size},
    )
    return attachment


def attachment_open(attachment: Attachment) -> IO[bytes]:
    """The stored file, opened for reading; FileNotFoundError when it is gone.

    Files stored before the move to the default storage (a bare name, no folder) are read from
    their old folder `DATA_DIR/honours` (migration 0002 moves them; this covers files it could not)."""
    if "/" not in attachment.stored:
        return open(legacy_dir() / PurePosixPath(attachment.stored).name, "rb")
    return default_storage.open(attachment.stored, "rb")


def _delete_stored(stored: str) -> None:
    if "/" not in stored:
        (legacy_dir() / PurePosixPath(stored).name).unlink(missing_ok=True)
    else:
        default_storage.delete(stored)


@accepts_system
@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    nomination = attachment.nomination
    actors.require(actor, nomination, "honours.nominate")
    nomination = lock_nomination(nomination)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["只有草稿或退回的推荐可以删除材料。"]})
    stored = attachment.stored
    name = attachment.filename
    attachment.delete()
    transaction.on_commit(lambda: _delete_stored(stored))
    audit.record(actor=actor, action="honours.attachment.deleted", obj=nomination, changes={"file": name})


@accepts_system
@transaction.atomic
def clearance_save(
    *,
    actor: Any,
    nomination: Nomination,
    kind: str,
    issuer: str,
    issued_on: dt.date,
    passed: bool = True,
    note: str = "",
    upload: Any = None,
) -> Clearance:
    """Record a department's opinion on an enterprise leader (with its evidence file)."""
    actors.require(actor, nomination, "honours.nominate")
    nomination = lock_nomination(nomination)
    if nomination.status not in EDITABLE_STATUSES:
        raise ValidationError({"__all__": ["只有草稿或退回的推荐可以补充审查意见。"]})
    if nomination.person_id is None:
        raise ValidationError({"__all__": ["集体推荐不需要企业负责人审查意见。"]})
    if kind not in ClearanceKind.values:
        raise ValidationError({"kind": ["请选择审查事项。"]})
    issuer = clean_text(issuer, "issuer", "出具部门", max_length=120)
    if issued_on is None or issued_on > dt.date.today():
        raise ValidationError({"issued_on": ["出具日期不能晚于今天。"]})
    clearance, _created = Clearance.objects.update_or_create(
        nomination=nomination,
        kind=kind,
        defaults={"issuer": issuer, "issued_on": issued_on, "passed": bool(passed), "note": str(note or "")[:300]},
    )
    if upload is not None:
        attachment_add(actor=actor, nomination=nomination, upload=upload, clearance=clearance)
    audit.record(
        actor=actor,
        action="honours.clearance.saved",
        obj=nomination,
        changes={"kind": kind, "issuer": issuer, "issued_on": issued_on, "passed": bool(passed)},
    )
    return clearance
