"""Registers of 引领聚魂 beyond the basics: position photos through the upload policy and the
scoped view, a 书房's borrowing register, safety trainees from the registry (picked, by sign-in
sheet) plus a count with no double count, party figures by town, position counts by level."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gefeng.core import figures
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.learning import selectors, services
from gefeng.learning.models import BorrowingRecord, PositionPhoto, SafetySession, SafetyTrainee
from gefeng.orgs.models import OrgNode
from tests.learning.conftest import image, person, sheet, world

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- photos


def test_photos_are_stored_under_data_dir_with_a_thumbnail(tree, settings):
    w = world(tree)
    made = services.photos_add(
        actor=SYSTEM, position=w.position, files=[image("外景.jpg", "JPEG", (2000, 1000))], caption="外景"
    )
    photo = made[0]
    media = settings.DATA_DIR / "media"
    assert photo.image.name.startswith("learning/positions/") and (media / photo.image.name).is_file()
    assert photo.thumb.name.startswith("learning/positions/thumbs/") and (media / photo.thumb.name).is_file()
    assert photo.content_type == "image/jpeg" and photo.original_name == "外景.jpg"
    from PIL import Image

    with Image.open(media / photo.thumb.name) as small:
        assert max(small.size) == 320 and small.format == "JPEG"
    assert str(settings.STATIC_ROOT) not in str(media / photo.image.name)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("假照片.jpg", b"%PDF-1.4 not a picture" * 10), "不是允许的文件类型"),
        (SimpleUploadedFile("空.png", b""), "是空文件"),
        (SimpleUploadedFile("坏.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200), "无法作为图片打开"),
    ],
)
def test_bad_photos_are_refused_in_chinese_and_nothing_is_stored(tree, settings, upload, message):
    w = world(tree)
    before = PositionPhoto.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.photos_add(actor=SYSTEM, position=w.position, files=[image(), upload])
    assert PositionPhoto.objects.count() == before
    stored = list((settings.DATA_DIR / "media" / "learning" / "positions").glob("*.*"))
    assert len(stored) == before  # the good photo of the refused upload was not kept either


def test_photo_size_and_count_limits_are_settings(tree, settings):
    w = world(tree)
    settings.LEARNING_PHOTO_MB = 1
    big = image("大.png", "PNG", (10, 10))
    big.size = 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="超过 1 MB"):
        services.photos_add(actor=SYSTEM, position=w.position, files=[big])
    settings.LEARNING_PHOTOS_MAX = 2
    services.photos_add(actor=SYSTEM, position=w.position, files=[image()])
    with pytest.raises(ValidationError, match="最多 2 张"):
        services.photos_add(actor=SYSTEM, position=w.position, files=[image()])


def test_photos_are_served_only_through_scope(tree, login_as, personas):
    w = world(tree)
    owner = login_as("outsider")
    page = owner.get(f"/learning/positions/{w.position.pk}/").content.decode()
    assert f"/learning/photos/{w.photo.pk}/thumb/" in page and 'data-testid="thumb"' in page
    response = owner.get(f"/learning/photos/{w.photo.pk}/thumb/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    full = owner.get(f"/learning/photos/{w.photo.pk}/")
    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    assert login_as("chair").get(f"/learning/photos/{w.photo.pk}/").status_code == 404  # another enterprise
    assert login_as("chair").get(f"/learning/photos/{w.photo.pk}/thumb/").status_code == 404
    assert "/media/" not in page and w.photo.image.name not in page  # never a public file address


def test_photo_upload_and_delete_through_the_page(
    tree, login_as, personas, settings, django_capture_on_commit_callbacks
):
    w = world(tree)
    client = login_as("outsider")
    response = client.post(
        f"/learning/positions/{w.position.pk}/photos/",
        {"photos": [image("一.png"), image("二.png")], "caption": "读书角"},
        follow=True,
    )
    assert "已上传 2 张照片" in response.content.decode()
    response = client.post(
        f"/learning/positions/{w.position.pk}/photos/",
        {"photos": [SimpleUploadedFile("病毒.png", b"MZ\x90\x00" + b"\x00" * 100)]},
        follow=True,
    )
    assert "不是允许的文件类型" in response.content.decode()
    photo = PositionPhoto.objects.filter(position=w.position, original_name="一.png").get()
    files = [settings.DATA_DIR / "media" / photo.image.name, settings.DATA_DIR / "media" / photo.thumb.name]
    with pytest.raises(PermissionDenied):
        services.photo_delete(actor=personas["chair"], photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/learning/photos/{photo.pk}/delete/")
    assert not PositionPhoto.objects.filter(pk=photo.pk).exists()
    assert not any(f.exists() for f in files)
    assert AuditEntry.objects.filter(action="learning.photo.deleted").exists()


# ---------------------------------------------------------------- borrowing


def test_borrowing_register_of_a_reading_room(tree, login_as):
    w = world(tree)
    services.borrowing_record(actor=SYSTEM, position=w.position, month="2021-04", loans=300, borrowers=120)
    services.borrowing_record(actor=SYSTEM, position=w.position, month="2021-05-01", loans=260, borrowers=100)
    services.borrowing_record(actor=SYSTEM, position=w.position, month="2021-05", loans=280, borrowers=110)  # corrects
    assert list(BorrowingRecord.objects.filter(position=w.position).values_list("month", "loans")) == [
        (dt.date(2021, 5, 1), 280),
        (dt.date(2021, 4, 1), 300),
    ]
    with pytest.raises(ValidationError, match="借阅人次不能多于借阅册次"):
        services.borrowing_record(actor=SYSTEM, position=w.position, month="2021-06", loans=10, borrowers=20)
    with pytest.raises(ValidationError, match="请填写月份"):
        services.borrowing_record(actor=SYSTEM, position=w.position, month="五月", loans=10, borrowers=2)
    base = services.position_create(actor=SYSTEM, org=tree.henghui, kind="base", name="恒辉展馆")
    with pytest.raises(ValidationError, match="只有歌风书房"):
        services.borrowing_record(actor=SYSTEM, position=base, month="2021-06", loans=10, borrowers=2)
    page = login_as("outsider").get(f"/learning/positions/{w.position.pk}/").content.decode()
    assert "合计 580 册次、230 人次" in page and "读书活动" in page
    response = login_as("outsider").post(
        f"/learning/positions/{w.position.pk}/borrowing/",
        {"month": "2021-07", "loans": "5", "borrowers": "9"},
        follow=True,
    )
    assert "借阅人次不能多于借阅册次" in response.content.decode()


# ---------------------------------------------------------------- safety trainees


def test_trainees_registered_plus_counted_without_double_count(tree):
    w = world(tree)
    session = w.session
    assert SafetyTrainee.objects.filter(session=session).count() == 2  # recorded with the session
    assert services.trainees_add(actor=SYSTEM, session=session, members=w.people[:3]) == 1  # two already there
    other = person(tree.xinge_union, "新格外人")
    with pytest.raises(ValidationError, match="不是本企业会员名册中的人员"):
        services.trainees_add(actor=SYSTEM, session=session, members=[other])
    totals = selectors.safety_totals(SafetySession.objects.filter(pk=session.pk))
    assert totals == {"n": 1, "registered": 3, "counted": 120, "people": 123, "materials": 0}
    got = figures.compute(tree.henghui, 2021)
    assert got["safety_trainees"] == 123 and got["safety_sessions"] == 1
    services.counted_set(actor=SYSTEM, session=session, counted=7)
    assert figures.compute(tree.henghui, 2021)["safety_trainees"] == 10
    with pytest.raises(ValidationError, match="不能为负数"):
        services.counted_set(actor=SYSTEM, session=session, counted=-1)


def test_signin_sheet_matches_by_blind_index_and_reports_every_row(tree):
    w = world(tree)
    session = w.session
    services.counted_set(actor=SYSTEM, session=session, counted=0)
    p0, _p1, p2, p3 = w.people
    from tests.learning.conftest import make_id

    stranger = make_id("19900101")
    rows = [
        [p0.name, p0.id_number],  # already on the list
        [p2.name, p2.id_number],  # taken
        [p3.name, "320322199913130000"],  # invalid ID
        ["冒名", p3.id_number],  # name differs
        [p2.name, p2.id_number],  # repeat
        ["外来人员", stranger],  # not in the registry
        ["外来人员", stranger],  # repeat of an unknown
    ]
    batch = services.signin_import(
        actor=SYSTEM, session=session, upload=sheet(rows, ["姓名", "身份证号"], "签到表"), count_unknown=True
    )
    reasons = {r["row"]: r["reason"] for r in batch.report}
    assert batch.rows == 7 and batch.matched == 1 and batch.refused == 6
    assert reasons == {
        3: "已在本场受训名单中。",
        5: "身份证号无效。",
        6: "姓名与会员名册不符。",
        7: "与第4行重复。",
        8: "会员名册中没有此身份证号，已计入名册外人数。",
        9: "与第8行重复。",
    }
    assert all("*" in r["name"] for r in batch.report)  # names masked
    session.refresh_from_db()
    assert session.trainees == 1  # the unknown person once
    totals = selectors.safety_totals(SafetySession.objects.filter(pk=session.pk))
    assert totals["registered"] == 3 and totals["people"] == 4
    # read again: nobody is added twice
    again = services.signin_import(actor=SYSTEM, session=session, upload=sheet(rows[:2], ["姓名", "身份证号"]))
    assert again.matched == 0 and SafetyTrainee.objects.filter(session=session).count() == 3


def test_signin_sheet_refusals(tree, personas):
    w = world(tree)
    with pytest.raises(ValidationError, match="身份证号"):
        services.signin_import(actor=SYSTEM, session=w.session, upload=sheet([["张三"]], ["姓名"]))
    with pytest.raises(ValidationError, match="不是允许的文件类型"):
        services.signin_import(actor=SYSTEM, session=w.session, upload=SimpleUploadedFile("签到.xlsx", b"hello"))
    with pytest.raises(PermissionDenied):
        services.signin_import(
            actor=personas["chair"], session=w.session, upload=sheet([["a", "b"]], ["姓名", "身份证号"])
        )


def test_session_page_picks_members_and_imports(tree, login_as):
    w = world(tree)
    client = login_as("outsider")
    url = f"/learning/sessions/{w.session.pk}/"
    page = client.get(url).content.decode()
    assert "受训 <strong>122</strong> 人次" in page and w.people[3].name in page  # a member to pick
    client.post(f"{url}trainees/", {"member": [str(w.people[2].pk), str(w.people[3].pk)]})
    client.post(f"{url}trainees/", {"id_number": w.people[1].id_number})
    assert SafetyTrainee.objects.filter(session=w.session).count() == 4
    response = client.post(f"{url}signin/", {"file": sheet([["无名", "1"]], ["姓名", "身份证号"])}, follow=True)
    body = response.content.decode()
    assert "第2行 无*：身份证号无效。" in body
    client.post(f"{url}trainees/remove/", {"member": str(w.people[3].pk)})
    assert SafetyTrainee.objects.filter(session=w.session).count() == 3
    assert "受训 <strong>123</strong> 人次" in client.get(url).content.decode()
    detail = client.get(f"/learning/safety/{w.safety.pk}/").content.decode()
    assert "受训 123 人次（名册中 3 人次、名册外 120 人次）" in detail
    assert client.post(f"{url}trainees/", {"member": "1"}).status_code == 302  # nobody visible: a message


# ---------------------------------------------------------------- party by town


def test_party_figures_by_town(tree, login_as, settings):
    w = world(tree)
    p = w.people
    services.development_record(actor=SYSTEM, member=p[1], stage="activist", on=dt.date(2021, 3, 1))
    services.development_record(actor=SYSTEM, member=p[3], stage="applicant", on=dt.date(2020, 3, 1))
    for stage, day in (("activist", "2020-05-01"), ("candidate", "2020-11-01"), ("probationary", "2021-02-01")):
        services.development_record(actor=SYSTEM, member=p[3], stage=stage, on=day)
    county = login_as("county")
    response = county.get("/learning/party/towns/?year=2021")
    rows = {r["name"]: r for r in response.context["rows"]}
    row = rows[OrgNode.objects.get(path=tree.henghui.path[:8]).name]
    assert row["orgs"] >= 1 and row["members"] >= 2  # 恒辉编织党支部; the party members of the registry
    assert row["activists"] == 1 and row["probationary"] == 1 and row["candidates"] == 0
    assert row["activists_year"] == 1 and row["probationary_year"] == 1 and row["admitted_year"] == 0
    total = rows["合计"]
    assert total["members"] == sum(r["members"] for n, r in rows.items() if n != "合计")
    body = response.content.decode()
    assert 'data-testid="party-towns"' in body and "年内发展正式党员" in body
    export = county.get("/learning/party/towns/export/?year=2021")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]
    assert AuditEntry.objects.filter(action="learning.party.exported").exists()
    from python_calamine import CalamineWorkbook

    data = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content))).get_sheet_by_index(0)
    table = data.to_python()
    assert table[0][0] == "镇（街道）" and table[-1][0] == "合计"
    # the outsider's own enterprise only
    mine = {r["name"]: r for r in login_as("outsider").get("/learning/party/towns/?year=2021").context["rows"]}
    assert mine["合计"]["activists"] == 1
    # party data off: the page says so and holds nothing; the export refuses
    settings.LEARNING_PARTY_DATA = False
    off = county.get("/learning/party/towns/?year=2021")
    assert off.context["rows"] == [] and 'data-testid="party-off"' in off.content.decode()
    assert "恒辉编织" not in off.content.decode().split('data-testid="party-off"')[1]
    assert county.get("/learning/party/towns/export/").status_code == 302


# ---------------------------------------------------------------- positions by town


def test_position_counts_by_town_and_home_level(tree, login_as, personas):
    world(tree)
    services.position_create(
        actor=SYSTEM, org=tree.henghui, kind="home", name="恒辉之家", level="city", level_year=2021
    )
    services.position_create(actor=SYSTEM, org=tree.henghui, kind="home", name="恒辉二家")
    services.position_create(actor=SYSTEM, org=tree.xinge, kind="home", name="新格之家", level="provincial")
    services.position_create(actor=SYSTEM, org=tree.henghui, kind="base", name="恒辉基地")
    rows = selectors.position_counts(personas["county"])
    total = rows[-1]
    assert total["name"] == "合计" and total["home"] == 3 and total["home_city"] == 1
    assert total["home_provincial"] == 1 and total["home_none"] == 1 and total["base"] == 1
    assert total["total"] == sum(r["total"] for r in rows[:-1])
    page = login_as("county").get("/learning/positions/").content.decode()
    assert "市级" in page and "未命名" in page and 'data-testid="position-counts"' in page
