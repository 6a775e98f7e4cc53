"""Large exports go to a background job: same rows, same masking, the user's own file, audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gefeng.core.models import AuditEntry
from gefeng.members.models import ExportJob, ExportStatus
from gefeng.members.services import export_jobs
from tests.members.test_export import EXPORT, HEADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.MEMBER_EXPORT_DIRECT_ROWS = 1  # the chair sees two members: over the limit


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_a_large_export_is_queued_written_and_downloaded(registry, personas, client_for, small_limit):
    client = client_for("chair")
    response = client.get(EXPORT, {"format": "csv", "sort": "-name"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:export-job", args=[job.pk])
    assert job.status == ExportStatus.DONE and job.total == 2 and job.rows_written == 2
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="export-done"' in page and "共 2 行" in page
    rows = list(
        csv.reader(
            io.StringIO(_body(client.get(reverse("members:export-job-download", args=[job.pk]))).decode("utf-8-sig"))
        )
    )
    assert rows[0] == HEADERS and sorted(r[0] for r in rows[1:]) == sorted(["李四", "张三"])  # 吕布: out of scope
    assert registry["张三"].id_number not in repr(rows)  # masked, as a direct export
    entries = AuditEntry.objects.filter(
        object_id=str(job.pk), action__in=("members.member.exported", "members.export.downloaded")
    )
    actions = list(entries.values_list("action", flat=True).order_by("id"))
    assert actions == ["members.member.exported", "members.export.downloaded"]
    queued = AuditEntry.objects.get(action="members.member.exported")
    assert queued.actor == personas["chair"] and queued.changes["filters"]["status"] == "active"


def test_the_revealing_job_writes_full_numbers_in_xlsx(registry, client_for, small_limit):
    client = client_for("chair")
    client.get(EXPORT, {"format": "xlsx", "reveal": "1"})
    job = ExportJob.objects.get()
    data = _body(client.get(reverse("members:export-job-download", args=[job.pk])))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert {r[0] for r in sheet[1:]} == {"张三", "李四"}
    assert next(r for r in sheet if r[0] == "张三")[1] == registry["张三"].id_number
    assert AuditEntry.objects.filter(action="members.export.revealed", object_id=str(job.pk)).exists()


def test_only_its_user_sees_the_job(registry, client_for, small_limit):
    client_for("chair").get(EXPORT, {"format": "csv"})
    job = ExportJob.objects.get()
    county = client_for("county")  # sees every member, still not the chair's file
    for name in ("members:export-job", "members:export-job-progress", "members:export-job-download"):
        assert county.get(reverse(name, args=[job.pk])).status_code == 404


def test_a_user_who_lost_the_right_meanwhile_gets_nothing(registry, personas, small_limit):
    from gefeng.members import export_tasks

    job = ExportJob.objects.create(actor=personas["chair"], format="csv", filename="x.csv", reveal=True)
    personas["chair"].is_active = False
    personas["chair"].save()
    job = export_tasks.execute(job.pk)
    assert job.status == ExportStatus.FAILED and not job.stored and "停用" in job.error


def test_old_files_are_deleted_and_the_page_says_so(registry, client_for, small_limit):
    client = client_for("chair")
    client.get(EXPORT, {"format": "csv"})
    job = ExportJob.objects.get()
    stored = job.stored
    later = timezone.now() + dt.timedelta(hours=export_jobs.keep_hours() + 1)
    assert export_jobs.export_files_purge(now=later) == 1
    job.refresh_from_db()
    assert job.stored == "" and not __import__("pathlib").Path(stored).exists()
    assert 'data-testid="export-expired"' in client.get(reverse("members:export-job", args=[job.pk])).content.decode()
    assert client.get(reverse("members:export-job-download", args=[job.pk])).status_code == 404


def test_small_exports_still_stream_directly(registry, client_for):
    response = client_for("chair").get(EXPORT, {"format": "csv"})
    assert response.status_code == 200 and not ExportJob.objects.exists()
