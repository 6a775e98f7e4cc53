"""The roster import pages: upload → preview → confirm → the job (run at once by the immediate
task backend of the tests) → its result and rejected rows; refusals; scope.

The pages' URLs live in `members/imports/urls.py`, included in the `members` namespace by
`members/urls.py`. Until that is done this module serves as the URL configuration of its tests
(the platform's URLs with the import URLs added to the members namespace).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLResolver, include, path, reverse
from python_calamine import CalamineWorkbook

import tests.test_url_permissions as walk
from gefeng import urls as root_urls
from gefeng.core.models import AuditEntry
from gefeng.core.tabular import open_table, parse_date
from gefeng.members import urls as member_urls
from gefeng.members.imports import pipeline, preview, template
from gefeng.members.imports import urls as import_urls
from gefeng.members.models import ImportJob, ImportMode, ImportStatus, Member
from gefeng.members.services import clean_member
from tests.matrix import ALL_PERSONAS
from tests.members.import_urls_matrix import MATRIX as IMPORT_MATRIX
from tests.members.test_import import NAME, PHONE, people, rows_of, write_csv, write_xlsx


def _members_patterns() -> list:
    names = {getattr(p, "name", None) for p in member_urls.urlpatterns}
    return [*member_urls.urlpatterns, *(p for p in import_urls.urlpatterns if p.name not in names)]


def _root_patterns() -> list:
    out = []
    for p in root_urls.urlpatterns:
        if isinstance(p, URLResolver) and p.namespace == "members":
            out.append(path(str(p.pattern), include((_members_patterns(), "members"), namespace="members")))
        else:
            out.append(p)
    return out


urlpatterns = _root_patterns()

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

HX = {"HTTP_HX_REQUEST": "true"}
# Once members/urls.py includes the import URLs, tests/test_url_permissions.py walks them with
# the cases of import_urls_matrix.py; until then the walk of these URLs runs here.
INCLUDED = any(getattr(p, "name", None) == "import-list" for p in member_urls.urlpatterns)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """A data folder of the test's own: uploads are counted in it (parallel workers share the real one)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def client_for(personas):
    from gefeng.accounts.models import UserSession

    def make(name: str) -> Client:
        client = Client()
        client.force_login(personas[name])
        UserSession.objects.create(session_key=client.session.session_key, user=personas[name])
        return client

    return make


def _text(response) -> str:
    return response.content.decode("utf-8")


def _upload(tmp_path: Path, rows, name: str = "花名册.xlsx") -> SimpleUploadedFile:
    path = write_xlsx(tmp_path / "upload.xlsx", rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")


def _roster(tmp_path: Path) -> SimpleUploadedFile:
    rows = rows_of(people(12, seed=70))
    rows[3][NAME] = ""  # one row without a name
    rows[7][PHONE] = "0516-87654321"  # one with a landline: imported without it
    return _upload(tmp_path, rows)


def _stored_files() -> set[Path]:
    folder = Path(settings.DATA_DIR) / "imports"
    return set(folder.iterdir()) if folder.is_dir() else set()


def _token(body: str) -> str:
    marker = 'name="token" value="'
    start = body.index(marker) + len(marker)
    return body[start : start + 32]


# ---------------------------------------------------------------- the whole way


def test_upload_preview_confirm_and_result(client_for, tree, tmp_path):
    client = client_for("chair")
    page = _text(client.get(reverse("members:import-create")))
    assert "新格灌溉" in page and "恒辉" not in page
    pk = tree.xinge_union.pk
    assert f'value="{pk}" id="gf-union-{pk}" checked' in page  # the only union: chosen already
    before = _stored_files()
    response = client.post(
        reverse("members:import-create"),
        {"union": tree.xinge_union.pk, "mode": ImportMode.INSERT, "file": _roster(tmp_path)},
    )
    assert response.status_code == 200
    body = _text(response)
    assert 'data-testid="import-preview"' in body
    assert "会员花名册" in body and "第 3 行" in body  # the sheet, the header row
    for label in ("姓名", "身份证号", "手机号", "入会日期", "工种"):
        assert label in body
    assert "序号" in body  # an unrecognised column, shown as such
    first = people(12, seed=70)[0]
    assert first.name in body and first.id_number not in body  # numbers masked in the preview
    assert "*" * 14 + first.id_number[-4:] in body and first.id_number[:6] + "*" not in body
    assert body.count('<tr><td class="text-muted">') == 10  # the first 10 rows
    (stored,) = _stored_files() - before
    assert stored.stat().st_mode & 0o777 == 0o600
    assert not ImportJob.objects.exists() and not Member.objects.exists()

    response = client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:import-detail", args=[job.pk])
    assert (job.status, job.actor.username, job.filename, job.union) == (
        ImportStatus.DONE,
        "chair",
        "花名册.xlsx",
        tree.xinge_union,
    )
    assert job.result["imported"] == 11 and job.result["rejected"] == 1 and job.result["warnings"] == 1
    assert Member.objects.filter(union=tree.xinge_union).count() == 11
    assert AuditEntry.objects.get(action="members.import.queued").actor.username == "chair"
    applied = AuditEntry.objects.get(action="members.import.applied")
    assert (applied.source, applied.actor.username) == ("job", "chair")

    detail = _text(client.get(response["Location"]))
    assert 'data-status="done"' in detail and "hx-trigger" not in detail  # finished: no more polling
    assert 'data-count="imported">11<' in detail and 'data-count="rejected" class="text-danger fw-bold">1<' in detail
    assert "姓名为空。" in detail and "手机号应为以 1 开头的 11 位数字。该项未导入。" in detail
    assert reverse("members:import-rejects", args=[job.pk]) in detail

    download = client.get(reverse("members:import-rejects", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"] and "xlsx" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["错误行", "提醒"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "行号" and rows[0][-1] == "错误原因"
    assert [r[-1] for r in rows[1:]] == ["姓名为空。"]
    notes = book.get_sheet_by_index(1).to_python()
    assert [str(v) for v in notes[1]][2:] == [
        "手机号",
        "0516-87654321",
        "手机号应为以 1 开头的 11 位数字。该项未导入。",
    ]
    assert AuditEntry.objects.filter(action="members.import.rejects_downloaded").count() == 1

    listing = _text(client.get(reverse("members:import-list")))
    assert "花名册.xlsx" in listing and reverse("members:import-detail", args=[job.pk]) in listing

    # The token is good once.
    again = client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"}, follow=True)
    assert "该上传已失效" in _text(again) and ImportJob.objects.count() == 1


def test_progress_while_running_and_when_done(client_for, tree, personas):
    job = ImportJob.objects.create(
        actor=personas["chair"], union=tree.xinge_union, filename="r.xlsx", stored="/nonexistent", size=1
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_read=4000)
    client = client_for("chair")
    detail = _text(client.get(reverse("members:import-detail", args=[job.pk])))
    url = reverse("members:import-progress", args=[job.pk])
    assert f'hx-get="{url}"' in detail and 'hx-trigger="every 1s"' in detail
    partial = _text(client.get(url, **HX))
    assert "<html" not in partial and "已读取 4000 行" in partial and 'hx-trigger="every 1s"' in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING)
    assert "正在写入会员库" in _text(client.get(url, **HX))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        result={"rows": 3, "imported": 3, "updated": 0, "unchanged": 0, "rejected": 0, "reasons": {}},
    )
    partial = _text(client.get(url, **HX))
    assert "hx-trigger" not in partial and 'data-count="imported">3<' in partial
    assert "import-rejects" not in partial  # nothing rejected, nothing to download
    assert client.get(reverse("members:import-rejects", args=[job.pk])).status_code == 404
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error="文件是空的（0 字节）")
    partial = _text(client.get(url, **HX))
    assert "导入失败" in partial and "文件是空的" in partial and "hx-trigger" not in partial


def test_dry_run_from_the_page_writes_nothing(client_for, tree, tmp_path):
    client = client_for("town")
    body = _text(
        client.post(
            reverse("members:import-create"),
            {"union": tree.xinge_union.pk, "mode": ImportMode.UPSERT, "dry_run": "on", "file": _roster(tmp_path)},
        )
    )
    assert "仅检查，不写入" in body and "开始检查" in body
    client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"})
    job = ImportJob.objects.get()
    assert job.dry_run and job.mode == ImportMode.UPSERT and job.result["imported"] == 11
    assert not Member.objects.exists()
    assert "这是一次检查" in _text(client.get(reverse("members:import-detail", args=[job.pk])))


def test_cancel_deletes_the_upload(client_for, tree, tmp_path):
    client = client_for("chair")
    before = _stored_files()
    body = _text(
        client.post(
            reverse("members:import-create"),
            {"union": tree.xinge_union.pk, "mode": "insert", "file": _roster(tmp_path)},
        )
    )
    assert len(_stored_files() - before) == 1
    response = client.post(reverse("members:import-create"), {"token": _token(body), "action": "cancel"}, follow=True)
    assert "已取消导入" in _text(response)
    assert _stored_files() == before and not ImportJob.objects.exists()


def test_abandoned_previews_do_not_pile_up(client_for, tree, tmp_path):
    client = client_for("chair")
    before = _stored_files()
    for _ in range(preview.PENDING_KEEP + 2):
        client.post(
            reverse("members:import-create"),
            {"union": tree.xinge_union.pk, "mode": "insert", "file": _roster(tmp_path)},
        )
    assert len(_stored_files() - before) == preview.PENDING_KEEP


def test_a_token_of_another_session_is_refused(client_for, tree, tmp_path):
    body = _text(
        client_for("chair").post(
            reverse("members:import-create"),
            {"union": tree.xinge_union.pk, "mode": "insert", "file": _roster(tmp_path)},
        )
    )
    response = client_for("county").post(
        reverse("members:import-create"), {"token": _token(body), "action": "confirm"}, follow=True
    )
    assert "该上传已失效" in _text(response) and not ImportJob.objects.exists()


def test_csv_upload(client_for, tree, tmp_path):
    path = write_csv(tmp_path / "r.csv", rows_of(people(3, seed=71)), encoding="gbk")
    upload = SimpleUploadedFile("名册.csv", path.read_bytes())
    client = client_for("chair")
    body = _text(
        client.post(reverse("members:import-create"), {"union": tree.xinge_union.pk, "mode": "insert", "file": upload})
    )
    assert "gb18030" in body and "名册.csv" in body
    client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"})
    assert Member.objects.count() == 3


# ---------------------------------------------------------------- refusals on upload


def test_oversize_upload_is_refused_and_nothing_kept(client_for, tree, tmp_path):
    client = client_for("chair")
    before = _stored_files()
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 10))
    with override_settings(UPLOAD_MAX_MB=1):
        response = client.post(
            reverse("members:import-create"), {"union": tree.xinge_union.pk, "mode": "insert", "file": big}
        )
    body = _text(response)
    assert response.status_code == 200 and "超过上限 1 MB，请拆分后分批导入。" in body
    assert _stored_files() == before and not ImportJob.objects.exists()


def test_oversize_while_saving_is_refused_too(data_dir, settings):
    """The declared size can lie: saving counts the bytes and stops above the limit."""
    settings.UPLOAD_MAX_MB = 1

    class Lying(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            yield b"x" * (700 * 1024)
            yield b"x" * (700 * 1024)

    upload = Lying("r.csv", b"small")
    with pytest.raises(preview.TabularError, match="超过上限 1 MB"):
        preview.save_upload(upload)
    assert list((data_dir / "imports").iterdir()) == []


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "r.xlsx", "文件是空的（0 字节）"),
        (b"PK\x03\x04 broken zip", "r.xlsx", "无法读取该文件"),
        ("<html><table><tr><td>姓名</td></tr></table></html>".encode(), "r.xls", "它实际是网页"),
        ("姓名,电话\n张三,13800000000\n".encode(), "r.csv", "未找到表头：缺少必填列"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "r.xls", "无法读取该文件"),
    ],
)
def test_a_broken_file_is_refused_with_a_chinese_message_and_deleted(client_for, tree, content, name, message):
    client = client_for("chair")
    before = _stored_files()
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("members:import-create"), {"union": tree.xinge_union.pk, "mode": "insert", "file": upload}
    )
    body = _text(response)
    assert response.status_code == 200 and 'data-testid="import-form"' in body
    assert message in body, body
    assert _stored_files() == before and not ImportJob.objects.exists()


def test_a_union_outside_the_scope_is_refused(client_for, tree, tmp_path):
    client = client_for("chair")
    response = client.post(
        reverse("members:import-create"), {"union": tree.henghui_union.pk, "mode": "insert", "file": _roster(tmp_path)}
    )
    body = _text(response)
    assert "请选择您有权导入的工会" in body and "恒辉" not in body
    assert not ImportJob.objects.exists()


def test_missing_fields_are_form_errors(client_for, tree):
    body = _text(client_for("chair").post(reverse("members:import-create"), {"mode": "sideways"}))
    assert "请选择要导入到的工会。" in body and "请选择导入方式。" in body and "请选择要上传的花名册文件。" in body


def test_union_search(client_for, tree):
    client = client_for("county")
    body = _text(client.get(reverse("members:import-create"), {"union_q": "恒辉"}, **HX))
    assert "<html" not in body and "恒辉编织机械工会委员会" in body and "新格灌溉" not in body
    body = _text(client_for("town").get(reverse("members:import-create"), {"union_q": "恒辉"}, **HX))
    assert "恒辉编织" not in body and "没有找到" in body
    full = _text(client.get(reverse("members:import-create"), {"union": tree.henghui_union.pk}))
    assert f'value="{tree.henghui_union.pk}" id="gf-union-{tree.henghui_union.pk}" checked' in full


# ---------------------------------------------------------------- scope and permissions


def _outsider_job(tree, personas) -> ImportJob:
    return ImportJob.objects.create(
        actor=personas["outsider"],
        union=tree.henghui_union,
        filename="恒辉编织花名册.xlsx",
        stored="/nonexistent",
        size=1,
        status=ImportStatus.DONE,
        result={"rows": 1, "imported": 1, "updated": 0, "unchanged": 0, "rejected": 0, "reasons": {}},
    )


def test_another_org_s_job_is_a_404(client_for, tree, personas):
    job = _outsider_job(tree, personas)
    for name in ("import-detail", "import-progress", "import-rejects"):
        url = reverse(f"members:{name}", args=[job.pk])
        assert client_for("chair").get(url).status_code == 404
        assert client_for("town").get(url).status_code == 404
    assert client_for("outsider").get(reverse("members:import-detail", args=[job.pk])).status_code == 200
    assert "恒辉编织花名册" not in _text(client_for("chair").get(reverse("members:import-list")))
    assert "恒辉编织花名册" in _text(client_for("county").get(reverse("members:import-list")))


def test_auditor_and_others_without_the_right_get_403(client_for, tree, personas):
    for persona in ("auditor", "worker", "liaison", "security"):
        client = client_for(persona)
        for name in ("import-list", "import-create", "import-template"):
            assert client.get(reverse(f"members:{name}")).status_code == 403, (persona, name)
    job = _outsider_job(tree, personas)
    assert client_for("auditor").get(reverse("members:import-detail", args=[job.pk])).status_code == 404


def test_rejects_download_refuses_a_path_outside_the_imports_folder(client_for, tree, personas, tmp_path):
    job = _outsider_job(tree, personas)
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(b"not yours")
    ImportJob.objects.filter(pk=job.pk).update(rejects=str(secret))
    assert client_for("outsider").get(reverse("members:import-rejects", args=[job.pk])).status_code == 404


# ---------------------------------------------------------------- the template


def test_template_download(client_for, tree, tmp_path):
    response = client_for("chair").get(reverse("members:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["会员花名册", "填表说明"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == [c.label for c in pipeline.COLUMNS]
    assert len(rows) == 2 and rows[1][0] == "张三（示例）"
    notes = [r[0] for r in book.get_sheet_by_name("填表说明").to_python()]
    assert notes[0] == "填表说明" and any("示例" in n for n in notes)

    # The template reads back: the example row as it is is refused (never imported by mistake) …
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    client = client_for("chair")
    body = _text(
        client.post(
            reverse("members:import-create"),
            {"union": tree.xinge_union.pk, "mode": "insert", "file": SimpleUploadedFile("t.xlsx", response.content)},
        )
    )
    assert "张三(示例)" in body and "序号" not in body  # cells are read NFKC-normalised
    client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"})
    job = ImportJob.objects.get()
    assert (job.result["imported"], job.result["rejected"]) == (0, 1)
    assert job.result["reasons"] == {"姓名应为 2–20 个汉字。": 1}


def test_template_example_row_is_valid_apart_from_its_name(tree, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template.template_xlsx())
    _sheet, rows = open_table(path, pipeline.COLUMNS, compact=pipeline.COMPACT)
    (row,) = list(rows)
    values = dict(row.values) | {"name": "张三"}
    values["joined_on"] = parse_date(values["joined_on"])
    clean = clean_member(values)
    assert (clean.sex, clean.fields["skill_level"], clean.fields["job_category"]) == ("男", "4", "一线工人")


# ---------------------------------------------------------------- the URL-by-persona walk, for these URLs


if not INCLUDED:

    @pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
    @pytest.mark.parametrize("name", sorted(IMPORT_MATRIX))
    def test_import_urls_by_persona(name, persona, tree, personas, login_as, monkeypatch):
        monkeypatch.setitem(walk.MATRIX, name, IMPORT_MATRIX[name])
        walk.test_persona(name, persona, tree, personas, login_as)

    @pytest.mark.parametrize("name", sorted(IMPORT_MATRIX))
    def test_import_urls_anonymous(name, tree, personas, client, monkeypatch):
        monkeypatch.setitem(walk.MATRIX, name, IMPORT_MATRIX[name])
        walk.test_anonymous(name, tree, personas, client)


def test_every_import_url_has_a_case():
    assert {f"members:{p.name}" for p in import_urls.urlpatterns} == set(IMPORT_MATRIX)


# ---------------------------------------------------------------- dates and the target


def test_the_preview_shows_excel_serial_numbers_in_date_columns_as_dates_and_the_import_stores_them(
    client_for, tree, tmp_path
):
    import datetime as dt

    from tests.members.test_import import JOINED, Serial

    persons = people(3, seed=71)
    rows = rows_of(persons)
    rows[0][JOINED] = Serial(dt.date(2018, 4, 19))  # a bare serial number: 43209
    rows[1][JOINED] = "43209"  # the same, typed as text
    client = client_for("chair")
    response = client.post(
        reverse("members:import-create"),
        {"union": tree.xinge_union.pk, "mode": ImportMode.INSERT, "file": _upload(tmp_path, rows)},
    )
    body = _text(response)
    assert 'data-testid="import-preview"' in body
    assert body.count("2018-04-19") == 2 and "43209" not in body
    assert persons[2].joined_on.isoformat() in body
    client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"})
    joined = sorted(Member.objects.filter(union=tree.xinge_union).values_list("joined_on", flat=True))
    assert joined.count(dt.date(2018, 4, 19)) == 2 and persons[2].joined_on in joined


def test_a_date_cell_that_is_no_date_is_shown_as_written():
    assert preview._shown("joined_on", "明年") == "明年"
    assert preview._shown("joined_on", "2019年5月") == "2019-05-01"
    assert preview._shown("occupation", "43209") == "43209"


def _roster_filed_by(tmp_path: Path, units: list[str]) -> SimpleUploadedFile:
    from tests.members.test_import import HEADERS

    rows = [[*row, unit] for row, unit in zip(rows_of(people(len(units), seed=72)), units, strict=True)]
    path = write_xlsx(tmp_path / "filed.xlsx", rows, header=[*HEADERS, "填报单位"])
    return SimpleUploadedFile("花名册.xlsx", path.read_bytes(), content_type="application/octet-stream")


def test_a_roster_filed_by_another_company_is_warned_about_but_not_blocked(client_for, tree, tmp_path):
    client = client_for("chair")
    roster = _roster_filed_by(tmp_path, ["徐州新格灌溉设备有限公司工会", "沛县恒辉纺织有限公司工会（盖章）"])
    response = client.post(
        reverse("members:import-create"), {"union": tree.xinge_union.pk, "mode": ImportMode.INSERT, "file": roster}
    )
    body = _text(response)
    assert 'data-testid="preview-other-unit"' in body
    assert "“填报单位”写的是“沛县恒辉纺织有限公司工会" in body and "不一致" in body
    client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"})
    assert Member.objects.filter(union=tree.xinge_union).count() == 2  # a warning, not a refusal


@pytest.mark.parametrize(
    "unit",
    [
        "徐州新格灌溉设备有限公司工会委员会",
        "徐州新格灌溉设备有限公司",
        "填报单位：徐州新格灌溉设备有限公司工会（盖章）",
        "",
    ],
)
def test_a_roster_filed_by_the_target_union_or_its_enterprise_is_not_warned_about(client_for, tree, tmp_path, unit):
    client = client_for("chair")
    response = client.post(
        reverse("members:import-create"),
        {"union": tree.xinge_union.pk, "mode": ImportMode.INSERT, "file": _roster_filed_by(tmp_path, [unit, unit])},
    )
    body = _text(response)
    assert 'data-testid="import-preview"' in body and 'data-testid="preview-other-unit"' not in body


def test_a_title_or_filing_line_above_the_header_naming_another_company_is_warned_about(client_for, tree, tmp_path):
    from tests.members.test_import import HEADERS

    rows = rows_of(people(2, seed=73))
    path = write_xlsx(tmp_path / "t.xlsx", rows, header=HEADERS, head=(["沛县恒辉纺织有限公司工会会员花名册"],))
    roster = SimpleUploadedFile("花名册.xlsx", path.read_bytes(), content_type="application/octet-stream")
    response = client_for("chair").post(
        reverse("members:import-create"), {"union": tree.xinge_union.pk, "mode": ImportMode.INSERT, "file": roster}
    )
    body = _text(response)
    assert 'data-testid="preview-other-unit"' in body and "沛县恒辉纺织有限公司" in body


def test_the_usual_title_and_filing_line_of_the_target_company_are_not_warned_about(client_for, tree, tmp_path):
    from tests.members.test_import import FILED, HEADERS, TITLE

    path = write_xlsx(tmp_path / "t.xlsx", rows_of(people(2, seed=74)), header=HEADERS, head=(TITLE, FILED))
    roster = SimpleUploadedFile("花名册.xlsx", path.read_bytes(), content_type="application/octet-stream")
    response = client_for("chair").post(
        reverse("members:import-create"), {"union": tree.xinge_union.pk, "mode": ImportMode.INSERT, "file": roster}
    )
    body = _text(response)
    assert 'data-testid="import-preview"' in body and 'data-testid="preview-other-unit"' not in body
