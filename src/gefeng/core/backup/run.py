"""Taking a backup, checking one, restoring one: what `gefeng backup` and `gefeng restore` do.

Neither GEFENG_PII_KEY nor GEFENG_SECRET_KEY is ever written into an archive. Instead the
manifest carries a canary sealed with the PII key at backup time (and one sealed value from the
data); a restore opens both with the key now configured, and refuses before touching anything
when they do not open — restored personal data would otherwise be unreadable for good.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from gefeng.core import audit, pii, schema
from gefeng.core.actors import SYSTEM
from gefeng.core.backup import archive, database, retention

KEY_NOTICE = (
    "注意：备份文件中不含密钥 GEFENG_PII_KEY（和 GEFENG_SECRET_KEY）。恢复时必须使用备份时的 "
    "GEFENG_PII_KEY，否则身份证号、手机号等加密的个人信息无法解密；请把密钥另行离线保管，"
    "不要和备份文件放在一起。"
)
_CANARY = "gefeng-backup-canary:"


class BackupError(Exception):
    """A backup or restore refused or failed; the message is Chinese and says what to do."""


@dataclass
class Created:
    path: Path
    manifest: dict[str, Any]
    size: int


def platform_version() -> str:
    try:
        return version("gefeng")
    except PackageNotFoundError:
        return "unknown"


def _upload_folders() -> list[tuple[str, Path]]:
    return [(name, Path(settings.DATA_DIR) / name) for name in archive.FILE_FOLDERS]


def create(path: Path, *, actor: Any = None, overwrite: bool = False) -> Created:
    """Write a backup of the running platform to `path` (atomically, mode 0600)."""
    path = Path(path).expanduser().absolute()
    if not path.parent.is_dir():
        raise BackupError(f"目录 {path.parent} 不存在。")
    if path.exists() and not overwrite:
        raise BackupError(f"{path} 已存在：请换一个文件名（或加 --overwrite 覆盖）。")
    try:
        st = schema.state()
    except schema.SchemaError as exc:
        raise BackupError(str(exc)) from None
    if st.empty:
        raise BackupError("数据库是空的（尚未初始化），没有可备份的内容。")
    work = Path(tempfile.mkdtemp(prefix=".gefeng-backup-", dir=path.parent))
    try:
        try:
            snap = database.snapshot(work)
        except database.DatabaseToolError as exc:
            raise BackupError(str(exc)) from None
        token = secrets.token_hex(16)
        with archive.Writer(path) as writer:
            writer.add_file(snap.member, snap.path)
            snap.path.unlink()  # the dump is in the archive; do not keep a second copy on disk
            files = {name: writer.add_folder(folder, f"files/{name}") for name, folder in _upload_folders()}
            manifest = {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "platform": "gefeng",
                "version": platform_version(),
                "created_at": timezone.localtime().isoformat(timespec="seconds"),
                "database": {"vendor": database.vendor(), "member": snap.member},
                "migrations": schema.applied_by_app(snap.migrations),
                "tables": snap.counts,
                "files": files,
                "canary": {"plain": token, "sealed": pii.encrypt(_CANARY + token)},
                "sample": snap.sample,
            }
            writer.finish(manifest)
            manifest["members"] = writer.members
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = path.stat().st_size
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="core.backup.created",
            object_type="core.backup",
            object_id=path.name[:64],
            object_repr=str(path),
            changes={"size": size, "tables": len(snap.counts), "files": sum(files.values())},
        )
    return Created(path, manifest, size)


def _opens(sealed: str, expect: str | None) -> bool:
    try:
        plain = pii.decrypt(sealed)
    except (InvalidTag, ValueError):
        return False
    return expect is None or plain == expect


def check(manifest: dict[str, Any]) -> None:
    """Refuse an archive this installation cannot restore: other key, newer schema, other database."""
    canary = manifest.get("canary") or {}
    sample = manifest.get("sample") or {}
    key_ok = bool(canary.get("sealed")) and _opens(canary["sealed"], _CANARY + str(canary.get("plain")))
    if key_ok and sample.get("value"):
        key_ok = _opens(sample["value"], None)
    if not key_ok:
        raise BackupError(
            "密钥不符：当前配置的 GEFENG_PII_KEY 不是备份时使用的密钥，恢复后的身份证号、手机号等加密信息"
            "将无法解密。请把 GEFENG_PII_KEY 设为备份时的值后再恢复。未做任何改动。"
        )
    applied = [(app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names]
    unknown = schema.unknown_to_code(applied)
    if unknown:
        shown = "、".join(f"{a}.{n}" for a, n in unknown[:5])
        raise BackupError(
            f"备份来自较新的版本（{manifest.get('version')}）：其中的数据库迁移 {shown} 是本程序不认识的。"
            f"请先安装相同或更新的版本（当前 {platform_version()}）再恢复。未做任何改动。"
        )
    source = (manifest.get("database") or {}).get("vendor")
    if source != database.vendor():
        raise BackupError(
            f"备份来自 {source} 数据库，当前配置的是 {database.vendor()}：只能恢复到同类数据库。未做任何改动。"
        )


def inspect(path: Path) -> dict[str, Any]:
    """Read the whole archive, check every checksum, the key and the schema; return the manifest."""
    try:
        manifest = archive.read(Path(path))
    except archive.ArchiveError as exc:
        raise BackupError(f"{exc}未做任何改动。") from None
    check(manifest)
    return manifest


def occupied() -> tuple[list[str], int]:
    """The tables of the configured database and the number of uploaded files in the data folder."""
    files = sum(1 for _, folder in _upload_folders() if folder.is_dir() for p in folder.rglob("*") if p.is_file())
    try:
        return database.table_names(), files
    except DatabaseError as exc:
        raise BackupError(f"无法连接配置的数据库：{exc}。请先建好（空的）数据库并检查 GEFENG_DATABASE_URL。") from None


def restore(
    path: Path,
    *,
    force: bool = False,
    confirm: Callable[[str], bool] = lambda question: False,
    say: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Restore an archive into the configured (empty, or with `force` wiped) database and data folder."""
    path = Path(path).expanduser().absolute()
    manifest = inspect(path)
    tables, files = occupied()
    if tables or files:
        parts = [f"数据库已有 {len(tables)} 张数据表" if tables else ""]
        parts.append(f"数据目录已有 {files} 个上传文件" if files else "")
        what = "、".join(part for part in parts if part)
        if not force:
            raise BackupError(
                f"恢复目标不是空的：{what}。恢复只写入空的数据库；确要清空现有数据并用备份覆盖，请加 --force。"
                "未做任何改动。"
            )
        if not confirm(f"将清空当前数据库（{what}）并用备份 {path.name} 覆盖，此操作不能撤销。确认请输入 yes："):
            raise BackupError("已取消，未做任何改动。")
    data_dir = Path(settings.DATA_DIR)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        say("正在解开备份文件并再次校验……")
        try:
            archive.read(path, dest=staging)
        except archive.ArchiveError as exc:
            raise BackupError(f"{exc}未做任何改动。") from None
        db = manifest["database"]
        try:
            if tables:
                say("正在清空当前数据库……")
                database.wipe()
            say("正在恢复数据库……")
            database.load(staging / db["member"], db["vendor"])
        except database.DatabaseToolError as exc:
            raise BackupError(str(exc)) from None
        found = database.counts()
        wrong = sorted(t for t, n in manifest["tables"].items() if found.get(t) != n)
        if wrong:
            raise BackupError(f"恢复后的行数与备份清单不一致（如 {wrong[0]}）：请勿使用该数据库，并检查备份文件。")
        say("正在恢复上传的文件……")
        for name, folder in _upload_folders():
            if folder.exists():
                shutil.rmtree(folder)
            if (staging / "files" / name).is_dir():
                (staging / "files" / name).replace(folder)
        say("正在执行数据库迁移……")
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with transaction.atomic():
        audit.record(
            actor=SYSTEM,
            action="core.backup.restored",
            object_type="core.backup",
            object_id=path.name[:64],
            object_repr=str(path),
            changes={"created_at": manifest.get("created_at"), "version": manifest.get("version")},
        )
    return manifest


def scheduled(now: dt.datetime | None = None) -> tuple[Created, list[Path]]:
    """A dated archive in GEFENG_BACKUP_DIR, then the old ones pruned by GEFENG_BACKUP_KEEP."""
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    when = now or timezone.localtime().replace(tzinfo=None)
    created = create(folder / retention.archive_name(when))
    return created, retention.prune(folder, settings.BACKUP_KEEP)
