"""Files users attach (evidence, replies, minutes, nomination papers): one home for the rules.

A module states what it accepts as data — a `Policy`: the kinds of file (by content, never by
name alone), the setting that holds its size limit, how many files at once, and the folder it
stores into — and calls `check` / `check_many` in its service, then `save`. Everything else is
here:

* **Kinds by content.** A file is what its first bytes say (`filetype`), and an Office file is
  looked into: a zip with `[Content_Types].xml` is .docx/.xlsx/.pptx by the part it holds, an
  OLE compound file (.doc/.xls/.ppt and WPS's .wps/.et/.dps) must carry a matching name because
  its header is the same for all. A PDF renamed .jpg is a PDF; a .exe renamed .pdf is refused.
* **Size** is checked on the upload's size and again on what is read, against a setting.
* **Storage**: the default storage (`DATA_DIR/media`, outside the static root, served only
  through views that check scope), under the policy's folder, with a random name; the original
  name is kept on the row, cleaned for a download header.
* **Retention** of files that are only needed for a while (roster uploads) is a setting of the
  module that owns them, applied by its job.

Messages are Chinese and name the file, so a row-level report can show them.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.deconstruct import deconstructible

__all__ = ["KINDS", "Checked", "Kind", "Policy", "UploadTo", "check", "check_many", "clean_name", "save"]

HEAD_BYTES = 8192
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # as users call it, for the "允许：…" message
    mime: str
    names: frozenset[str]  # accepted name endings, with the dot
    zip_part: str = ""  # an OOXML package holding this part prefix
    ole: bool = False  # an OLE compound file, told apart by its name


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("jpg", "JPG", "image/jpeg", frozenset({".jpg", ".jpeg"})),
        Kind("png", "PNG", "image/png", frozenset({".png"})),
        Kind("gif", "GIF", "image/gif", frozenset({".gif"})),
        Kind("bmp", "BMP", "image/bmp", frozenset({".bmp"})),
        Kind("webp", "WebP", "image/webp", frozenset({".webp"})),
        Kind("pdf", "PDF", "application/pdf", frozenset({".pdf"})),
        Kind(
            "docx",
            "Word（.docx）",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            frozenset({".docx", ".wps"}),
            zip_part="word/",
        ),
        Kind("doc", "Word（.doc）", "application/msword", frozenset({".doc"}), ole=True),
        Kind("wps", "WPS 文字（.wps）", "application/vnd.ms-works", frozenset({".wps"}), ole=True),
        Kind(
            "xlsx",
            "Excel（.xlsx）",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            frozenset({".xlsx", ".et"}),
            zip_part="xl/",
        ),
        Kind("xls", "Excel/WPS 表格（.xls、.et）", "application/vnd.ms-excel", frozenset({".xls", ".et"}), ole=True),
        Kind(
            "pptx",
            "PowerPoint（.pptx）",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            frozenset({".pptx", ".dps"}),
            zip_part="ppt/",
        ),
        Kind("ppt", "PowerPoint（.ppt、.dps）", "application/vnd.ms-powerpoint", frozenset({".ppt", ".dps"}), ole=True),
        Kind("odt", "ODF 文档（.odt）", "application/vnd.oasis.opendocument.text", frozenset({".odt"})),
        Kind("ods", "ODF 表格（.ods）", "application/vnd.oasis.opendocument.spreadsheet", frozenset({".ods"})),
    )
}
_BY_MIME = {k.mime: k for k in KINDS.values() if not k.zip_part and not k.ole}

IMAGES = ("jpg", "png", "gif", "bmp", "webp")
OFFICE = ("docx", "doc", "wps", "xlsx", "xls")


@dataclass(frozen=True)
class Policy:
    """What a module accepts. Limits are settings (`size_setting` in MB, `files_setting`)."""

    kinds: tuple[str, ...]
    folder: str
    size_setting: str
    default_mb: int = 20
    files_setting: str = ""
    default_files: int = 1

    def max_bytes(self) -> int:
        return int(getattr(settings, self.size_setting, self.default_mb)) * 1024 * 1024

    def max_files(self) -> int:
        if not self.files_setting:
            return self.default_files
        return int(getattr(settings, self.files_setting, self.default_files))

    def allowed_text(self) -> str:
        labels: list[str] = []
        for key in self.kinds:
            label = KINDS[key].label
            if label not in labels:
                labels.append(label)
        return "、".join(labels)


@dataclass
class Checked:
    upload: Any
    name: str  # the original name, cleaned
    kind: Kind
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.mime


def clean_name(name: Any, default: str = "附件") -> str:
    """A file's own name, safe for a row and a download header: no folders, no control or
    reserved characters, at most 200 characters (the end, which holds the extension, is kept)."""
    text = PurePosixPath(str(name or "").replace("\\", "/")).name
    text = "".join(ch for ch in text if ch.isprintable() and ch not in '/:*?"<>|')
    return text[-200:] or default


def _kind(policy: Policy, name: str, head: bytes, whole: Any) -> Kind | None:
    suffix = PurePosixPath(name).suffix.lower()
    allowed = [KINDS[k] for k in policy.kinds]
    if head.startswith(_OLE_MAGIC):
        return next((k for k in allowed if k.ole and suffix in k.names), None)
    if head.startswith(_ZIP_MAGIC):
        try:
            whole.seek(0)
            with zipfile.ZipFile(whole) as package:
                entries = package.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ValidationError(f"“{name}”已损坏，无法打开。") from None
        finally:
            whole.seek(0)
        if "[Content_Types].xml" in entries:
            part = next(
                (k.zip_part for k in KINDS.values() if k.zip_part and any(e.startswith(k.zip_part) for e in entries)),
                "",
            )
            found = next((k for k in allowed if k.zip_part and k.zip_part == part), None)
            if found is not None and suffix not in found.names:
                raise ValidationError(f"“{name}”的内容与扩展名不符。")
            return found
    guess = filetype.guess(head)
    if guess is None:
        return None
    found = _BY_MIME.get(guess.mime)
    return found if found is not None and found.key in policy.kinds else None


def check(upload: Any, policy: Policy) -> Checked:
    """The upload judged by size and content; ValidationError (a Chinese message) if refused."""
    if upload is None:
        raise ValidationError("请选择文件。")
    name = clean_name(getattr(upload, "name", ""), "文件")
    limit = policy.max_bytes()
    size = int(getattr(upload, "size", 0) or 0)
    if size > limit:
        raise ValidationError(f"“{name}”超过 {limit // (1024 * 1024)} MB 的大小限制。")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise ValidationError(f"“{name}”是空文件。")
    whole = upload.file if hasattr(upload, "file") else io.BytesIO(upload.read())
    kind = _kind(policy, name, head, whole)
    upload.seek(0)
    if kind is None:
        raise ValidationError(f"“{name}”不是允许的文件类型（按文件内容判断）。允许：{policy.allowed_text()}。")
    return Checked(upload, name, kind, size or len(head))


def check_many(files: Sequence[Any], policy: Policy, field: str = "attachments") -> list[Checked]:
    """Every file checked; one ValidationError on `field` listing every refused file."""
    if len(files) > policy.max_files():
        raise ValidationError({field: [f"一次最多上传 {policy.max_files()} 个文件。"]})
    checked: list[Checked] = []
    problems: list[str] = []
    for upload in files:
        try:
            checked.append(check(upload, policy))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({field: problems})
    return checked


@deconstructible
class UploadTo:
    """`upload_to` of a FileField: `<folder>/<random>.<ext>` in the default storage."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()[:8]
        return f"{self.folder}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadTo) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def save(checked: Checked, policy: Policy) -> str:
    """Store a checked file under the policy's folder with a random name; returns the stored name
    (relative to the default storage). For models without a FileField."""
    suffix = PurePosixPath(checked.name).suffix.lower()[:8] or f".{checked.kind.key}"
    checked.upload.seek(0)
    return default_storage.save(UploadTo(policy.folder)(None, f"x{suffix}"), checked.upload)
