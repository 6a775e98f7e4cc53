"""Photos of positions (阵地) and the borrowing register of reading rooms (书房).

Photos follow the platform's upload policy (`core.uploads`): the kind by content (images only),
the size a setting, stored in the default storage under DATA_DIR with a random name and served
only through the scoped view; each gets a small JPEG thumbnail made here, which also proves the
image opens (a damaged or oversized picture is refused)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from gefeng.core import actors, audit, uploads
from gefeng.core.actors import accepts_system
from gefeng.core.validators import clean_text
from gefeng.learning import conf
from gefeng.learning.models import BorrowingRecord, Position, PositionKind, PositionPhoto
from gefeng.learning.services._common import MANAGE

PHOTOS = uploads.Policy(
    kinds=uploads.IMAGES,
    folder="learning/positions",
    size_setting="LEARNING_PHOTO_MB",
    default_mb=conf.get("LEARNING_PHOTO_MB"),
    files_setting="LEARNING_PHOTO_FILES",
    default_files=conf.get("LEARNING_PHOTO_FILES"),
)
THUMBS = "learning/positions/thumbs"
# Pictures larger than this (pixels) are refused before they are decoded (a "decompression bomb").
MAX_PIXELS = 60_000_000


def _thumbnail(checked: uploads.Checked) -> bytes:
    """A JPEG no larger than `LEARNING_THUMB_PX` on its longer side; ValidationError if the
    picture does not open."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    side = int(conf.get("LEARNING_THUMB_PX"))
    upload = checked.upload
    upload.seek(0)
    refused = ValidationError(f"“{checked.name}”无法作为图片打开（文件已损坏或尺寸过大）。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload.file if hasattr(upload, "file") else upload) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise refused
                img.load()
                shown = ImageOps.exif_transpose(img) or img
                shown.thumbnail((side, side))
                if shown.mode not in ("RGB", "L"):
                    shown = shown.convert("RGB")
                out = io.BytesIO()
                shown.save(out, "JPEG", quality=80)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        raise refused from None
    finally:
        upload.seek(0)
    return out.getvalue()


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        if name:
            with contextlib.suppress(OSError):
                default_storage.delete(name)


@accepts_system
@transaction.atomic
def photos_add(*, actor: Any, position: Position, files: Sequence[Any], caption: Any = "") -> list[PositionPhoto]:
    """Photos of a position (upload policy `PHOTOS`: images by content, `LEARNING_PHOTO_MB` each,
    `LEARNING_PHOTO_FILES` at once, `LEARNING_PHOTOS_MAX` per position). Every refused file is
    named in one message; nothing is stored unless all pass."""
    actors.require(actor, position, MANAGE)
    files = [f for f in files if f is not None]
    if not files:
        raise ValidationError({"photos": ["请选择照片。"]})
    checked = uploads.check_many(files, PHOTOS, field="photos")
    have = PositionPhoto.objects.filter(position=position).count()
    limit = int(conf.get("LEARNING_PHOTOS_MAX"))
    if have + len(checked) > limit:
        raise ValidationError({"photos": [f"每个阵地最多 {limit} 张照片，已有 {have} 张。"]})
    thumbs: list[bytes] = []
    problems: list[str] = []
    for c in checked:
        try:
            thumbs.append(_thumbnail(c))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({"photos": problems})
    text = clean_text(caption)[:100]
    stored: list[str] = []
    made: list[PositionPhoto] = []
    try:
        for c, thumb in zip(checked, thumbs, strict=True):
            image = uploads.save(c, PHOTOS)
            stored.append(image)
            small = default_storage.save(uploads.UploadTo(THUMBS)(None, "x.jpg"), ContentFile(thumb))
            stored.append(small)
            made.append(
                PositionPhoto.objects.create(
                    position=position,
                    image=image,
                    thumb=small,
                    original_name=c.name,
                    content_type=c.content_type,
                    size=c.size,
                    caption=text,
                    uploaded_by=actors.user_of(actor),
                )
            )
    except Exception:
        _delete_files(stored)
        raise
    audit.record(
        actor=actor,
        action="learning.photo.added",
        obj=position,
        changes={"files": [c.name for c in checked]},
    )
    return made


@accepts_system
@transaction.atomic
def photo_delete(*, actor: Any, photo: PositionPhoto) -> None:
    """Remove a photo and, once the deletion is committed, its files."""
    actors.require(actor, photo, MANAGE)
    names = [photo.image.name, photo.thumb.name]
    position = photo.position
    audit.record(actor=actor, action="learning.photo.deleted", obj=position, changes={"file": photo.original_name})
    photo.delete()
    transaction.on_commit(lambda: _delete_files(names))


def open_photo(photo: PositionPhoto, thumb: bool = False) -> Any:
    return (photo.thumb if thumb else photo.image).open("rb")


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text[:7] + "-01")
    except ValueError:
        raise ValidationError({"month": ["请填写月份（年-月）。"]}) from None


def _count(value: Any, field: str, label: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [f"{label}应为整数。"]}) from None
    if number < 0:
        raise ValidationError({field: [f"{label}不能为负数。"]})
    return number


@accepts_system
@transaction.atomic
def borrowing_record(
    *, actor: Any, position: Position, month: Any, loans: Any, borrowers: Any, note: Any = ""
) -> BorrowingRecord:
    """A reading room's borrowing in a month (册次 and 人次); entering a month again replaces it.
    Only for 歌风书房 / 职工书屋; 人次 cannot exceed 册次 (each borrowing lends at least one book)."""
    actors.require(actor, position, MANAGE)
    if position.kind != PositionKind.READING:
        raise ValidationError({"month": ["只有歌风书房 / 职工书屋登记借阅。"]})
    day = _month(month)
    if day > dt.date.today():
        raise ValidationError({"month": ["不能登记以后月份的借阅。"]})
    n_loans = _count(loans, "loans", "借阅册次")
    n_people = _count(borrowers, "borrowers", "借阅人次")
    if n_people > n_loans:
        raise ValidationError({"borrowers": ["借阅人次不能多于借阅册次。"]})
    record, created = BorrowingRecord.objects.update_or_create(
        position=position,
        month=day,
        defaults={"loans": n_loans, "borrowers": n_people, "note": clean_text(note)[:200]},
    )
    audit.record(
        actor=actor,
        action="learning.borrowing.recorded",
        obj=position,
        changes={"month": day.strftime("%Y-%m"), "loans": n_loans, "borrowers": n_people, "new": created},
    )
    return record
