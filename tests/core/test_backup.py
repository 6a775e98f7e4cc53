"""`gefeng backup` and `gefeng restore` on the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from gefeng.core import audit, schema
from gefeng.core.actors import SYSTEM
from gefeng.core.backup import archive, database, retention, run
from gefeng.core.models import AuditEntry
from gefeng.members import services as member_services
from gefeng.members.models import Member
from tests.members.conftest import make_id

ID_NUMBER = make_id("19850315", "017")
FILES = {
    "media/reform/evidence/2026/a1b2.pdf": b"%PDF-1.4 evidence",
    "media/supervision/c3d4.docx": b"PK attachment",
    "honours/e5f6.jpg": b"\xff\xd8\xff photo",
    "imports/roster.xlsx": b"PK roster",
}


@pytest.fixture
def data_dir(settings, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    settings.BACKUP_DIR = tmp_path / "backups"
    return folder


@pytest.fixture
def platform(transactional_db, tree, data_dir):
    """A county with one member and uploads in every folder; the schema is put back after the test."""
    member_services.member_join(
        actor=SYSTEM,
        union=tree.xinge_union,
        data={"name": "王建国", "id_number": ID_NUMBER, "phone": "13912345678", "joined_on": dt.date(2020, 5, 1)},
    )
    for name, content in FILES.items():
        path = data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    yield tree
    if not schema.state().current:  # a failed test must not leave the next one without tables
        call_command("migrate", verbosity=0)


def _backup(tmp_path: Path, name: str = "b.tar.gz") -> Path:
    path = tmp_path / name
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def _emptied(data_dir: Path) -> None:
    database.wipe()
    for folder in archive.FILE_FOLDERS:
        shutil.rmtree(data_dir / folder, ignore_errors=True)


def _files(data_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(data_dir).as_posix(): p.read_bytes()
        for folder in archive.FILE_FOLDERS
        for p in sorted((data_dir / folder).rglob("*"))
        if p.is_file()
    }


def _rewrite(source: Path, target: Path, *, member=None, manifest=None) -> None:
    """Copy an archive, changing one member's bytes or the manifest (checksums left as they were)."""
    with tarfile.open(source, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            if info.name == archive.MANIFEST and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif member and info.name == member[0]:
                data = member[1]
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_round_trip_restores_rows_sealed_values_and_files(platform, data_dir, tmp_path, settings):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # sqlite_stat1 is SQLite's, neither counted nor restored as data
    before = database.counts()
    out = io.StringIO()
    path = tmp_path / "b.tar.gz"
    call_command("backup", str(path), stdout=out)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "GEFENG_PII_KEY" in out.getvalue() and "离线保管" in out.getvalue()
    assert AuditEntry.objects.filter(action="core.backup.created", object_id="b.tar.gz").exists()
    manifest = run.inspect(path)
    assert manifest["tables"] == before
    assert manifest["migrations"]["members"] == sorted(n for a, n in schema.state().applied if a == "members")
    assert manifest["version"] == run.platform_version()

    _emptied(data_dir)
    assert database.table_names() == []
    call_command("restore", str(path), stdout=io.StringIO())

    after = database.counts()
    assert after.pop("core_auditentry") == before.pop("core_auditentry") + 1  # the restore's own entry
    assert after == before
    assert Member.objects.get().id_number == ID_NUMBER
    assert _files(data_dir) == FILES
    assert not AuditEntry.objects.filter(action="core.backup.created").exists()  # written after the snapshot
    assert AuditEntry.objects.filter(action="core.backup.restored", source="cli").exists()
    assert schema.state().current
    assert not list(data_dir.glob(".restore-*"))


def test_archive_holds_neither_key(platform, tmp_path, settings):
    path = _backup(tmp_path)
    with tarfile.open(path, "r:gz") as tar:
        names = tar.getnames()
    assert not [n for n in names if "key" in n]
    raw = gzip.decompress(path.read_bytes())
    for secret in (base64.b64encode(settings.PII_KEY), settings.SECRET_KEY.encode()):
        assert secret not in raw
    assert ID_NUMBER.encode() not in raw  # the ID number is in the dump only sealed


def test_restore_refuses_a_non_empty_database_unless_forced(platform, data_dir, tmp_path, monkeypatch):
    path = _backup(tmp_path)
    member_services.member_join(
        actor=SYSTEM,
        union=platform.xinge_union,
        data={"name": "李四", "id_number": make_id("19900101", "031"), "joined_on": dt.date(2021, 3, 1)},
    )
    with pytest.raises(CommandError, match=r"不是空的.*--force"):
        call_command("restore", str(path))
    assert Member.objects.count() == 2

    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(path), "--force")
    assert Member.objects.count() == 2

    monkeypatch.setattr("builtins.input", lambda question: "yes")
    call_command("restore", str(path), "--force", stdout=io.StringIO())
    assert list(Member.objects.values_list("id_number", flat=True)) == [ID_NUMBER]
    (data_dir / "media" / "extra.txt").unlink(missing_ok=True)
    assert _files(data_dir) == FILES


def _assert_refused(path: Path, data_dir: Path, needle: str) -> None:
    """Even forced, without a question: refused with `needle`, and nothing changed."""
    (data_dir / "media" / "later.txt").write_bytes(b"after the backup")
    before = (database.counts(), _files(data_dir))
    with pytest.raises(CommandError, match=needle) as exc:
        call_command("restore", str(path), "--force", "--noinput")
    assert "未做任何改动" in str(exc.value)
    assert (database.counts(), _files(data_dir)) == before
    assert not list(data_dir.glob(".restore-*"))


def test_restore_refuses_another_key(platform, data_dir, tmp_path, settings):
    path = _backup(tmp_path)
    settings.PII_KEY = bytes(32)
    _assert_refused(path, data_dir, "密钥不符")


def test_restore_refuses_a_sealed_value_the_key_does_not_open(platform, data_dir, tmp_path):
    path = _backup(tmp_path)
    other = tmp_path / "other.tar.gz"
    foreign = "g1:" + base64.b64encode(os.urandom(40)).decode()
    _rewrite(path, other, manifest=lambda m: m | {"sample": {**m["sample"], "value": foreign}})
    _assert_refused(other, data_dir, "密钥不符")


def test_restore_refuses_a_truncated_archive(platform, data_dir, tmp_path):
    path = _backup(tmp_path)
    short = tmp_path / "short.tar.gz"
    short.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _assert_refused(short, data_dir, "损坏或不完整")


def test_restore_refuses_a_member_whose_checksum_differs(platform, data_dir, tmp_path):
    path = _backup(tmp_path)
    altered = tmp_path / "altered.tar.gz"
    _rewrite(path, altered, member=("files/honours/e5f6.jpg", b"\xff\xd8\xff changed"))
    _assert_refused(altered, data_dir, "校验和不符")
    with pytest.raises(CommandError, match="校验和不符"):
        call_command("restore", str(altered), "--check")


def test_restore_refuses_a_member_outside_the_layout(platform, data_dir, tmp_path):
    path = _backup(tmp_path)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "r:gz") as tar:
        members = [(i, tar.extractfile(i).read()) for i in tar.getmembers()]
    with tarfile.open(evil, "w:gz") as tar:
        for info, data in members:
            if info.name == archive.MANIFEST:
                bad = tarfile.TarInfo("../outside.txt")
                bad.size = 1
                tar.addfile(bad, io.BytesIO(b"x"))
            tar.addfile(info, io.BytesIO(data))
    _assert_refused(evil, data_dir, "不允许的路径")
    assert not (data_dir.parent / "outside.txt").exists()


def test_restore_refuses_a_newer_schema(platform, data_dir, tmp_path):
    path = _backup(tmp_path)
    newer = tmp_path / "newer.tar.gz"
    _rewrite(path, newer, manifest=lambda m: m | {"migrations": {**m["migrations"], "members": ["9999_future"]}})
    _assert_refused(newer, data_dir, "较新的版本.*members.9999_future")


def test_check_reports_a_good_archive_without_changing_anything(platform, data_dir, tmp_path):
    path = _backup(tmp_path)
    out = io.StringIO()
    before = database.counts()
    call_command("restore", str(path), "--check", stdout=out)
    assert "检查均通过" in out.getvalue()
    assert database.counts() == before


def test_backup_refuses_an_existing_file_and_needs_a_target(platform, tmp_path):
    path = _backup(tmp_path)
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(path))
    with pytest.raises(CommandError, match="--scheduled"):
        call_command("backup")
    call_command("backup", str(path), "--overwrite", stdout=io.StringIO())
    assert not list(tmp_path.glob(".*.part"))


def test_a_missing_postgresql_tool_is_named_in_chinese(monkeypatch):
    monkeypatch.setattr(database.shutil, "which", lambda name: None)
    monkeypatch.setattr(database.glob, "glob", lambda pattern: [])
    with pytest.raises(database.DatabaseToolError, match=r"找不到 pg_restore.*postgresql-client"):
        database.pg_tool("pg_restore")
    installed = ["/usr/lib/postgresql/9/bin/x", "/usr/lib/postgresql/15/bin/x"]
    monkeypatch.setattr(database.glob, "glob", lambda pattern: installed)
    assert database.pg_tool("pg_dump") == "/usr/lib/postgresql/15/bin/x"


# ---------------------------------------------------------------- consistency under writes


def _writer(insert_pair, stop: threading.Event) -> threading.Thread:
    def loop():
        while not stop.is_set():
            insert_pair()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def test_sqlite_copy_taken_during_writes_is_consistent(tmp_path):
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live)
    setup.executescript("PRAGMA journal_mode=WAL; CREATE TABLE a (x); CREATE TABLE b (x);")
    setup.close()
    writer = sqlite3.connect(live, check_same_thread=False, timeout=10)

    def insert_pair():
        with writer:  # one transaction: a row in each table
            writer.execute("INSERT INTO a VALUES (1)")
            writer.execute("INSERT INTO b VALUES (1)")

    for _ in range(100):
        insert_pair()
    stop = threading.Event()
    thread = _writer(insert_pair, stop)
    try:
        copies = [database.sqlite_copy(sqlite3.connect(live), tmp_path / f"copy{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    for snap in copies:
        check = sqlite3.connect(snap.path)
        a, b = (check.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in "ab")  # noqa: S608
        assert a == b == snap.counts["a"] == snap.counts["b"] > 0
    assert copies[0].counts["a"] < copies[-1].counts["a"]  # the writer went on during the copies


def test_postgresql_backup_taken_during_writes_restores_consistently(platform, data_dir, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump 的快照只在 PostgreSQL 上")

    def insert_pair():
        with transaction.atomic():
            audit.record(actor=None, action="test.pair.first")
            audit.record(actor=None, action="test.pair.second")

    stop = threading.Event()
    thread = _writer(insert_pair, stop)
    try:
        path = _backup(tmp_path)
    finally:
        stop.set()
        thread.join()
        connection.close()
    manifest = run.inspect(path)
    call_command("restore", str(path), "--force", "--noinput", stdout=io.StringIO())
    first = AuditEntry.objects.filter(action="test.pair.first").count()
    assert first == AuditEntry.objects.filter(action="test.pair.second").count() > 0
    assert AuditEntry.objects.count() == manifest["tables"]["core_auditentry"] + 1


# ---------------------------------------------------------------- scheduled backups


def _days(end: dt.datetime, n: int) -> list[Path]:
    return [Path(retention.archive_name(end - dt.timedelta(days=i))) for i in range(n)]


def test_retention_keeps_seven_daily_and_four_weekly():
    end = dt.datetime(2026, 12, 7, 2, 0)  # a Monday
    archives = [*_days(end, 60), Path("notes.txt"), Path(retention.archive_name(end - dt.timedelta(hours=6)))]
    kept, pruned = retention.to_keep(archives, retention.parse("7d,4w"))
    days = {retention.archive_time(p).date() for p in kept}
    # 7 days: 1–7 December; weeks: this one (7 Dec), and the Sundays closing the 3 weeks before.
    assert days == {dt.date(2026, 12, d) for d in range(1, 8)} | {dt.date(2026, 11, 29), dt.date(2026, 11, 22)}
    assert len(kept) == 9 and Path("notes.txt") not in kept + pruned
    assert len(pruned) == 61 - 9


def test_retention_rules_are_parsed_or_refused():
    assert retention.parse("7d, 4w,12m") == {"d": 7, "w": 4, "m": 12}
    assert retention.parse("") == {}
    for bad in ("7", "7x", "0d", "7d,3d"):
        with pytest.raises(ValueError):
            retention.parse(bad)
    kept, pruned = retention.to_keep(_days(dt.datetime(2026, 1, 31), 40), {})
    assert len(kept) == 40 and pruned == []


def test_a_bad_retention_setting_stops_start_up(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEFENG_") and k != "PYTEST_VERSION"}
    env |= {"GEFENG_ENV_FILE": "/dev/null", "GEFENG_DATA_DIR": str(tmp_path), "GEFENG_BACKUP_KEEP": "weekly"}
    result = subprocess.run(
        [sys.executable, "-m", "gefeng.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "GEFENG_BACKUP_KEEP" in result.stderr


def test_scheduled_backup_writes_a_dated_archive_and_prunes(platform, settings, monkeypatch):
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir()
    settings.BACKUP_KEEP = retention.parse("3d")
    for old in _days(dt.datetime(2026, 12, 6, 2, 0), 5):
        (folder / old).write_bytes(b"old")
    (folder / "keep-me.txt").write_text("not an archive")
    now = dt.datetime(2026, 12, 7, 2, 0)
    monkeypatch.setattr(run.timezone, "localtime", lambda *a: now.astimezone())
    out = io.StringIO()
    call_command("backup", "--scheduled", stdout=out)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "gefeng-20261205-020000.tar.gz",
        "gefeng-20261206-020000.tar.gz",
        "gefeng-20261207-020000.tar.gz",
        "keep-me.txt",
    ]
    assert "删除旧备份 3 个" in out.getvalue()
    assert run.inspect(folder / "gefeng-20261207-020000.tar.gz")["tables"]["members_member"] == 1
