"""Hostile rosters through the upload page and the import job: a Chinese answer, nothing left
running, no copy of the file left behind; imports whose process died are marked failed."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from gefeng.core.middleware import RequestSizeMiddleware
from gefeng.core.tabular import MSG_UNREADABLE, write_rejects_xlsx
from gefeng.core.tabular_guard import MSG_DTD
from gefeng.core.tabular_isolated import MSG_DIED, MSG_MEMORY, MSG_TIMEOUT
from gefeng.members import services
from gefeng.members.imports import tasks
from gefeng.members.models import ImportJob, ImportStatus
from tests.core.test_hostile_files import _row, header_rows, xlsx
from tests.members.test_import import start_job, write_csv
from tests.members.test_import_views import urlpatterns  # noqa: F401  (the import pages' URLs)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def chair(personas):
    from gefeng.accounts.models import UserSession

    client = Client()
    client.force_login(personas["chair"])
    UserSession.objects.create(session_key=client.session.session_key, user=personas["chair"])
    return client


def _imports() -> list[Path]:
    return list(services.imports_dir().iterdir())


def _post(client: Client, tree, path: Path, name: str):
    upload = SimpleUploadedFile(name, path.read_bytes())
    return client.post(
        reverse("members:import-create"), {"union": tree.xinge_union.pk, "mode": "insert", "file": upload}
    )


def test_a_hostile_upload_gets_a_chinese_answer_and_leaves_nothing(chair, tree, tmp_path):
    prolog = '<!DOCTYPE w [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
    path = xlsx(tmp_path / "xxe.xlsx", header_rows(), prolog=prolog)
    body = _post(chair, tree, path, "花名册.xlsx").content.decode()
    assert MSG_DTD in body
    assert _imports() == [] and not ImportJob.objects.exists()


def test_an_upload_whose_reader_dies_gets_a_chinese_answer_and_leaves_nothing(chair, tree, tmp_path):
    # 4 MB of sheet XML (it compresses to a few KB): reading it needs fresh buffers of 1 MB, and
    # 1 MB is below what any Python process already maps, so the reader runs out on its first
    # such allocation — whatever free memory the process it was forked from happens to hold.
    filler = "".join(_row(n, [(f"D{n}", "x" * 2000)]) for n in range(3, 2003))
    path = xlsx(tmp_path / "r.xlsx", header_rows() + filler + _row(4000, [("XFD4000", "x")]))
    with override_settings(IMPORT_READ_MEMORY_MB=1):
        response = _post(chair, tree, path, "花名册.xlsx")
    body = response.content.decode()
    # A reader cut off by its memory limit may die (MSG_DIED), report the limit (MSG_MEMORY),
    # time out when the limit strikes while it starts, or fail inside a library that turns the
    # failed allocation into its own error (MSG_UNREADABLE): each is a Chinese answer about the file.
    answers = (MSG_DIED, MSG_MEMORY, MSG_TIMEOUT, MSG_UNREADABLE)
    shown = re.findall(r"alert[^>]*>([^<]+)", body)
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert any(a in body for a in answers), (response.status_code, shown, text[:3000])
    assert _imports() == [] and not ImportJob.objects.exists()


def _stored_job(tree, tmp_path, **fields) -> ImportJob:
    rows = [["姓名", "身份证号", "入会日期"], ["张三", "32032219900101123X", "2020-1-1"]]
    source = write_csv(tmp_path / "r.csv", rows)
    stored = services.imports_dir() / "abc.csv"
    stored.write_bytes(source.read_bytes())
    job = start_job(stored, tree.xinge_union)
    if fields:
        ImportJob.objects.filter(pk=job.pk).update(**fields)
    return job


def test_a_job_whose_reader_dies_fails_in_chinese_and_its_copy_is_deleted(tree, tmp_path):
    job = _stored_job(tree, tmp_path)
    with override_settings(IMPORT_READ_MEMORY_MB=1):
        job = tasks.execute(job.pk)
    assert job.status == ImportStatus.FAILED and job.error in (MSG_DIED, MSG_MEMORY)
    assert not Path(job.stored).exists()


def test_a_finished_job_keeps_no_copy_of_the_roster(tree, tmp_path):
    job = tasks.execute(_stored_job(tree, tmp_path).pk)
    assert job.status == ImportStatus.DONE, job.error
    assert not Path(job.stored).exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_running_job_whose_process_is_gone_is_failed_and_purged(tree, tmp_path):
    host = socket.gethostname()
    report = services.imports_dir() / "abc.csv.rejects.xlsx"
    dead = _stored_job(tree, tmp_path, status=ImportStatus.RUNNING, worker=f"{host}:{_dead_pid()}")
    report.write_bytes(b"x")
    ImportJob.objects.filter(pk=dead.pk).update(rejects=str(report))
    alive = ImportJob.objects.create(
        union=tree.xinge_union, filename="b.csv", stored="", status=ImportStatus.APPLYING, worker=tasks.worker_id()
    )
    assert tasks.reap_stale() == 1
    dead.refresh_from_db()
    assert (dead.status, dead.error, dead.rejects) == (ImportStatus.FAILED, tasks.MSG_DIED, "")
    assert "导入进程意外终止" in dead.error
    assert not Path(dead.stored).exists() and not report.exists()
    alive.refresh_from_db()
    assert alive.status == ImportStatus.APPLYING


def test_a_job_on_another_host_is_failed_only_when_silent_too_long(tree, settings):
    settings.IMPORT_STALE_MINUTES = 30
    now = timezone.now()
    old, recent = (
        ImportJob.objects.create(
            union=tree.xinge_union,
            filename=f"{n}.csv",
            stored="",
            status=ImportStatus.RUNNING,
            worker="elsewhere:1",
            heartbeat_at=now - dt.timedelta(minutes=minutes),
        )
        for n, minutes in (("old", 31), ("recent", 29))
    )
    assert tasks.reap_stale(now=now) == 1
    assert ImportJob.objects.get(pk=old.pk).status == ImportStatus.FAILED
    assert ImportJob.objects.get(pk=recent.pk).status == ImportStatus.RUNNING


def test_a_job_records_its_process_and_heartbeat(tree, tmp_path):
    job = tasks.execute(_stored_job(tree, tmp_path).pk)
    assert job.worker == tasks.worker_id() and job.heartbeat_at is not None


# ---------------------------------------------------------------- request size and file modes


class _Unread(io.RawIOBase):
    def read(self, size=-1):  # pragma: no cover - reading it is the failure
        raise AssertionError("the body was read")


def test_a_body_larger_than_the_limit_is_refused_unread(settings):
    settings.REQUEST_MAX_MB = 60
    request = RequestFactory().generic("POST", "/members/import/new/", b"")
    request.META["CONTENT_LENGTH"] = str(300 * 1024 * 1024)
    request.META["wsgi.input"] = _Unread()
    reached = []
    response = RequestSizeMiddleware(lambda r: reached.append(r))(request)
    assert response.status_code == 413 and not reached
    body = response.content.decode()
    assert "文件太大" in body and "300 MB" in body and "60 MB" in body


def test_a_body_within_the_limit_goes_on(settings):
    settings.REQUEST_MAX_MB = 60
    request = RequestFactory().post("/x/", {"a": "1"})
    assert RequestSizeMiddleware(lambda r: "ok")(request) == "ok"


def test_the_size_check_is_in_front_of_everything_that_reads_the_body(settings):
    readers = ("django.middleware.csrf.CsrfViewMiddleware", "django.contrib.sessions.middleware.SessionMiddleware")
    assert settings.MIDDLEWARE.index("gefeng.core.middleware.RequestSizeMiddleware") < min(
        settings.MIDDLEWARE.index(name) for name in readers
    )


def test_the_rejects_report_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "rejects.xlsx"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    old = os.umask(0o022)
    try:
        write_rejects_xlsx(path, ["姓名"], [(["张三"], "身份证号有误")])
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
