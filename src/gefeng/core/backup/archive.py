"""The backup file: one gzip-compressed tar, written 0600 and atomically, checked member by member.

Layout: the database snapshot (`database.sqlite3` or `database.pgdump`), the uploaded files under
`files/<folder>/…`, and `manifest.json` last, which lists the SHA-256 of every other member. A
reader accepts only those names, regular files, no links and nothing outside its folder.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

MANIFEST = "manifest.json"
FORMAT = "gefeng-backup"
FORMAT_VERSION = 1
# The folders of the data directory that hold uploads: 佐证材料 and 督办附件 (media/), 推荐材料
# (honours/), rosters still kept (imports/). Keys, the database file, static files and generated
# templates are deliberately not here.
FILE_FOLDERS = ("media", "honours", "imports")
DATABASE_MEMBERS = ("database.sqlite3", "database.pgdump")
_CHUNK = 1024 * 1024
_MANIFEST_MAX = 64 * 1024 * 1024


class ArchiveError(Exception):
    """The file is not a usable gefeng backup; the message is Chinese."""


class _Hashing(io.RawIOBase):
    """Reads a file through, keeping its SHA-256."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.sha256.update(data)
        return data


def _info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


class Writer:
    """`with Writer(path) as w: w.add_file(...); w.finish(manifest)` — nothing at `path` until finish."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temp = path.with_name(f".{path.name}.{os.getpid()}.part")
        self.members: dict[str, dict[str, Any]] = {}
        fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(fd, 0o600)
        self._raw = os.fdopen(fd, "wb")
        self._tar = tarfile.open(fileobj=self._raw, mode="w:gz", format=tarfile.PAX_FORMAT)  # noqa: SIM115
        self._done = False

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            with contextlib.suppress(Exception):
                self._tar.close()
            self._raw.close()
            self.temp.unlink(missing_ok=True)

    def add_file(self, name: str, source: Path) -> bool:
        """Add one file; False when it vanished meanwhile (an upload deleted during the backup)."""
        try:
            fh = open(source, "rb")  # noqa: SIM115
        except FileNotFoundError:
            return False
        with fh:
            st = os.fstat(fh.fileno())
            reader = _Hashing(fh)
            try:
                self._tar.addfile(_info(name, st.st_size, st.st_mtime), reader)
            except OSError as exc:
                raise ArchiveError(f"读取 {source} 时出错（文件在备份过程中被修改？）：{exc}") from None
        self.members[name] = {"sha256": reader.sha256.hexdigest(), "size": st.st_size}
        return True

    def add_folder(self, folder: Path, prefix: str) -> int:
        added = 0
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                added += self.add_file(f"{prefix}/{path.relative_to(folder).as_posix()}", path)
        return added

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "members": self.members}
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        self._tar.addfile(_info(MANIFEST, len(data), time.time()), io.BytesIO(data))
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.temp, self.path)
        self._done = True


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"备份文件中有不允许的路径：{name!r}。")
    if name == MANIFEST or name in DATABASE_MEMBERS:
        return name
    if len(path.parts) >= 3 and path.parts[0] == "files" and path.parts[1] in FILE_FOLDERS:
        return name
    raise ArchiveError(f"备份文件中有不认识的内容：{name!r}（不是歌风平台的备份？）。")


@contextlib.contextmanager
def _damage() -> Iterator[None]:
    try:
        yield
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"备份文件已损坏或不完整（{exc or type(exc).__name__}），不能使用。") from None


def read(path: Path, dest: Path | None = None) -> dict[str, Any]:
    """Check every member against the manifest and return the manifest; with `dest`, extract too.

    The whole file is read: a truncated or altered archive is refused here, before anything else.
    """
    if not path.is_file():
        raise ArchiveError(f"找不到备份文件 {path}。")
    seen: dict[str, str] = {}
    manifest: dict[str, Any] | None = None
    with _damage(), tarfile.open(path, mode="r|gz") as tar:
        for member in tar:
            name = _safe_name(member.name)
            if not member.isfile():
                raise ArchiveError(f"备份文件中的 {name!r} 不是普通文件。")
            if name in seen or (name == MANIFEST and manifest is not None):
                raise ArchiveError(f"备份文件中 {name!r} 出现了两次。")
            source = tar.extractfile(member)
            assert source is not None
            if name == MANIFEST:
                if member.size > _MANIFEST_MAX:
                    raise ArchiveError("备份清单过大，不是歌风平台的备份。")
                manifest = _parse_manifest(source.read())
                continue
            seen[name] = _copy(source, dest / name if dest is not None else None)
    if manifest is None:
        raise ArchiveError("备份文件中没有清单（manifest.json）：文件不完整或不是歌风平台的备份。")
    listed = manifest.get("members") or {}
    missing = sorted(set(listed) - set(seen))
    extra = sorted(set(seen) - set(listed))
    bad = sorted(n for n in set(seen) & set(listed) if listed[n].get("sha256") != seen[n])
    if missing or extra or bad:
        detail = "；".join(
            part
            for part in (
                f"缺少 {len(missing)} 个文件（如 {missing[0]}）" if missing else "",
                f"多出 {len(extra)} 个文件（如 {extra[0]}）" if extra else "",
                f"{len(bad)} 个文件校验和不符（如 {bad[0]}）" if bad else "",
            )
            if part
        )
        raise ArchiveError(f"备份文件已损坏：{detail}。不能使用。")
    return manifest


def _copy(source: IO[bytes], target: Path | None) -> str:
    digest = hashlib.sha256()
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        out = open(target, "xb")  # noqa: SIM115
    try:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
            target.chmod(0o600)  # type: ignore[union-attr]
    return digest.hexdigest()


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ArchiveError("备份清单（manifest.json）无法读取：文件已损坏。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("这不是歌风平台的备份文件（清单格式不符）。")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise ArchiveError("备份文件由更新版本的歌风平台生成，格式较新：请用相同或更新的版本恢复。")
    return manifest
