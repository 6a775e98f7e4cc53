"""The registry through the API: scope per persona, masking and audited reveal, writes through the
services with Chinese 422s, cursor paging (stable, tamper-proof), roster upload and its report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gefeng.api import services
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.members import services as member_services
from gefeng.members.models import ImportJob, Member

XINGE_ID = "320322199003070013"
HENGHUI_ID = "320322199105050013"


def bearer(personas, name):
    _, text = services.token_create(actor=personas[name], name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def join(union, name, number, phone="13900001111"):
    return member_services.member_join(
        actor=SYSTEM,
        union=union,
        data={"name": name, "id_number": number, "phone": phone, "joined_on": dt.date(2020, 5, 1)},
    )


@pytest.fixture
def registry(tree):
    return {
        "xinge": join(tree.xinge_union, "李新格", XINGE_ID),
        "henghui": join(tree.henghui_union, "王恒辉", HENGHUI_ID),
    }


def test_members_list_only_the_callers_scope(personas, registry):
    names = {m["name"] for m in bearer(personas, "town").get("/api/v1/members").json()["items"]}
    assert names == {"李新格"}
    county = {m["name"] for m in bearer(personas, "county").get("/api/v1/members").json()["items"]}
    assert county == {"李新格", "王恒辉"}
    assert bearer(personas, "county").get("/api/v1/members?q=lxg").json()["items"][0]["name"] == "李新格"
    assert bearer(personas, "county").get(f"/api/v1/members?q={HENGHUI_ID}").json()["items"][0]["name"] == "王恒辉"
    assert bearer(personas, "liaison").get("/api/v1/members").status_code == 403


def test_member_outside_scope_is_404_and_read_only_callers_get_403(personas, registry):
    henghui = registry["henghui"].pk
    assert bearer(personas, "town").get(f"/api/v1/members/{henghui}").status_code == 404
    assert bearer(personas, "town").get(f"/api/v1/members/{henghui}/memberships").status_code == 404
    auditor = bearer(personas, "auditor")
    assert auditor.get(f"/api/v1/members/{henghui}").status_code == 200
    r = auditor.patch(f"/api/v1/members/{henghui}", {"occupation": "焊工"}, content_type="application/json")
    assert r.status_code == 403
    assert Member.objects.get(pk=henghui).occupation == ""


def test_member_is_masked_and_reveal_is_audited(personas, registry):
    pk = registry["xinge"].pk
    body = bearer(personas, "chair").get(f"/api/v1/members/{pk}").json()
    assert XINGE_ID not in str(body) and "13900001111" not in str(body)
    assert body["id_number"].endswith("0013") and "*" in body["id_number"]
    assert "birth_date" not in body and body["age"] is not None
    r = bearer(personas, "chair").post(f"/api/v1/members/{pk}/reveal", {"field": "id_number"}, "application/json")
    assert r.json() == {"field": "id_number", "value": XINGE_ID}
    entry = AuditEntry.objects.get(action="members.member.id_number_revealed", object_id=str(pk))
    assert entry.source == "api" and entry.actor_id == personas["chair"].pk
    # The auditor reads the record but may not reveal it; nothing is revealed or audited.
    auditor = bearer(personas, "auditor")
    assert auditor.get(f"/api/v1/members/{pk}").json()["age"] is None
    r = auditor.post(f"/api/v1/members/{pk}/reveal", {"field": "phone"}, "application/json")
    assert r.status_code == 403 and "13900001111" not in r.content.decode()
    assert not AuditEntry.objects.filter(action="members.member.phone_revealed").exists()
    r = bearer(personas, "chair").post(f"/api/v1/members/{pk}/reveal", {"field": "name"}, "application/json")
    assert r.status_code == 422


def test_create_goes_through_member_join(personas, tree, registry):
    client = bearer(personas, "chair")
    data = {
        "union": tree.xinge_union.pk,
        "name": "赵新会",
        "id_number": "320322199105050021",
        "joined_on": "2024-03-01",
    }
    r = client.post("/api/v1/members", data, "application/json")
    assert r.status_code == 200, r.json()
    member = Member.objects.get(pk=r.json()["id"])
    assert member.union == tree.xinge_union and member.events.count() == 1
    assert AuditEntry.objects.get(action="members.member.joined", object_id=str(member.pk)).source == "api"
    # 一次入会: the same ID number again is refused, in Chinese.
    r = client.post("/api/v1/members", data, "application/json")
    assert r.status_code == 422 and "已是会员" in "".join(r.json()["errors"]["id_number"])


def test_create_validation_errors_are_chinese_and_write_nothing(personas, tree, registry):
    client = bearer(personas, "chair")
    before = Member.objects.count()
    bad = {"union": tree.xinge_union.pk, "name": "A", "id_number": "320322199105050022", "joined_on": "2099-01-01"}
    r = client.post("/api/v1/members", bad, "application/json")
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert "汉字" in "".join(errors["name"]) and "校验" in "".join(errors["id_number"])
    assert "晚于今天" in "".join(errors["joined_on"])
    outside = {
        "union": tree.henghui_union.pk,
        "name": "赵新会",
        "id_number": "320322199105050021",
        "joined_on": "2024-03-01",
    }
    r = client.post("/api/v1/members", outside, "application/json")
    assert r.status_code == 422 and "有权" in "".join(r.json()["errors"]["union"])
    r = client.post("/api/v1/members", {**outside, "union": tree.xinge_union.pk, "extra": 1}, "application/json")
    assert r.status_code == 422 and "extra" in r.json()["errors"]
    assert Member.objects.count() == before
    assert bearer(personas, "auditor").post("/api/v1/members", outside, "application/json").status_code == 403


def test_update_goes_through_member_update(personas, registry):
    pk = registry["xinge"].pk
    client = bearer(personas, "chair")
    r = client.patch(
        f"/api/v1/members/{pk}", {"occupation": "焊工", "skill_level": "3"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["occupation"] == "焊工"
    entry = AuditEntry.objects.get(action="members.member.updated", object_id=str(pk))
    assert entry.source == "api" and "occupation" in entry.changes
    r = client.patch(f"/api/v1/members/{pk}", {"phone": "12345"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"]["phone"]
    r = client.patch(f"/api/v1/members/{pk}", {"id_number": XINGE_ID}, content_type="application/json")
    assert r.status_code == 422 and "不支持" in "".join(r.json()["errors"]["id_number"])
    assert Member.objects.get(pk=pk).phone == "13900001111"


def test_memberships_history(personas, registry):
    body = bearer(personas, "chair").get(f"/api/v1/members/{registry['xinge'].pk}/memberships").json()
    assert [(e["kind"], e["kind_label"]) for e in body["items"]] == [("join", "入会")]


def test_member_cursor_pages_are_stable_and_tamper_proof(personas, tree, registry):
    for i, (name, number) in enumerate([("张一", "11010519491231002X"), ("张二", "110105194912310038")]):
        join(tree.xinge_union, name, number, phone=f"1390000222{i}")
    client = bearer(personas, "county")
    seen, cursor = [], ""
    for _ in range(10):
        body = client.get("/api/v1/members", {"limit": 1, "cursor": cursor}).json()
        seen += [m["id"] for m in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
        if len(seen) == 1:  # a member added before the cursor's place does not shift the pages
            join(tree.xinge_union, "丁先", "110105194912310011", phone="13900003333")
    names = [Member.objects.get(pk=pk).name for pk in seen]
    assert names == sorted(names) and len(set(seen)) == len(seen) == 4
    first = client.get("/api/v1/members", {"limit": 1}).json()["next"]
    forged = first[:-2] + ("AA" if not first.endswith("AA") else "BB")
    r = client.get("/api/v1/members", {"limit": 1, "cursor": forged})
    assert r.status_code == 422 and "游标" in "".join(r.json()["errors"]["cursor"])
    # A cursor is bound to its query: another filter refuses it.
    assert client.get("/api/v1/members", {"limit": 1, "cursor": first, "q": "张"}).status_code == 422
    assert client.get("/api/v1/members", {"limit": 201}).status_code == 422


def test_org_list_pages_by_cursor_too(personas, tree):
    client = bearer(personas, "county")
    by_page = [o["id"] for o in client.get("/api/v1/orgs", {"size": 200}).json()["items"]]
    seen, cursor = [], None
    body = client.get("/api/v1/orgs", {"size": 3}).json()
    seen += [o["id"] for o in body["items"]]
    cursor = body["next"]
    while cursor:
        body = client.get("/api/v1/orgs", {"size": 3, "cursor": cursor}).json()
        seen += [o["id"] for o in body["items"]]
        cursor = body["next"]
    assert seen == by_page
    assert client.get("/api/v1/orgs", {"cursor": "x:y:z"}).status_code == 422


CSV = (
    "姓名,身份证号,入会日期,手机号\n"
    "钱导入,110105194912310054,2021-01-08,13900004444\n"
    "孙错误,110105194912310055,2021-01-08,13900005555\n"
)


def test_import_upload_state_and_report(personas, tree, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = bearer(personas, "chair")
    upload = SimpleUploadedFile("花名册.csv", CSV.encode("utf-8-sig"), content_type="text/csv")
    r = client.post("/api/v1/imports", {"union": tree.xinge_union.pk, "mode": "insert", "file": upload})
    assert r.status_code == 200, r.json()
    job_id = r.json()["id"]
    assert AuditEntry.objects.get(action="members.import.queued", object_id=str(job_id)).source == "api"
    state = client.get(f"/api/v1/imports/{job_id}").json()
    assert state["status"] == "done", state
    assert state["counts"]["imported"] == 1 and state["counts"]["rejected"] == 1 and state["has_report"]
    assert Member.objects.filter(name="钱导入", union=tree.xinge_union).exists()
    report = client.get(f"/api/v1/imports/{job_id}/report").json()
    assert [row["values"].get("姓名") for row in report["rows"]] == ["孙错误"] and report["rows"][0]["reason"]
    xlsx = client.get(f"/api/v1/imports/{job_id}/report", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="members.import.rejects_downloaded", object_id=str(job_id)).count() == 2
    assert [j["id"] for j in client.get("/api/v1/imports").json()["items"]] == [job_id]
    # Other unions' jobs are not there for the outsider, nor for the auditor (no import right).
    assert bearer(personas, "outsider").get(f"/api/v1/imports/{job_id}").status_code == 404
    assert bearer(personas, "auditor").get(f"/api/v1/imports/{job_id}").status_code in (403, 404)


CSV_BYTES = CSV.encode()


def test_import_upload_checks_union_type_and_size(personas, tree, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = bearer(personas, "chair")
    before = ImportJob.objects.count()

    def post(union, name="花名册.csv", body=CSV_BYTES):
        return client.post("/api/v1/imports", {"union": union, "file": SimpleUploadedFile(name, body)})

    r = post(tree.henghui_union.pk)
    assert r.status_code == 422 and "有权导入" in "".join(r.json()["errors"]["union"])
    assert "Excel" in "".join(post(tree.xinge_union.pk, name="a.exe").json()["errors"]["file"])
    assert "空的" in "".join(post(tree.xinge_union.pk, body=b"").json()["errors"]["file"])
    settings.UPLOAD_MAX_MB = 0
    assert "上限" in "".join(post(tree.xinge_union.pk).json()["errors"]["file"])
    assert ImportJob.objects.count() == before
    assert list((tmp_path / "imports").iterdir()) == []


def test_import_upload_reads_the_header_before_queuing(personas, tree, settings, tmp_path):
    """As the web's upload: a file that is not a readable roster is a 422 with the reason, nothing
    is queued and the stored file is removed."""
    settings.DATA_DIR = tmp_path
    client = bearer(personas, "chair")
    before = ImportJob.objects.count()
    for name, body in (
        ("花名册.xlsx", b"PK\x03\x04 this is not a workbook"),
        ("花名册.csv", "说明,备注\n这不是花名册,无\n".encode()),
    ):
        r = client.post("/api/v1/imports", {"union": tree.xinge_union.pk, "file": SimpleUploadedFile(name, body)})
        assert r.status_code == 422, (name, r.content)
        assert r.json()["errors"]["file"][0], r.json()
    assert ImportJob.objects.count() == before
    assert list((tmp_path / "imports").iterdir()) == []
