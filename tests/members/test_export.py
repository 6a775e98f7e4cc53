"""Export of the registry (会员名册): masked by default, scoped, audited, safe in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gefeng.accounts import services as account_services
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.members import exporting
from gefeng.members.models import Member
from tests.conftest import PASSWORD
from tests.members.conftest import _client

pytestmark = pytest.mark.django_db

EXPORT = reverse("members:member-export")
HEADERS = [
    "姓名",
    "身份证号",
    "性别",
    "年龄",
    "手机号",
    "单位",
    "工会",
    "班组",
    "民族",
    "政治面貌",
    "文化程度",
    "岗位类别",
    "产业工人",
    "工种",
    "技能等级",
    "新就业形态群体",
    "农民工",
    "入会日期",
    "会员证号",
    "会籍状态",
]
FORMULA = "=cmd|' /C calc'!A0"


def _xlsx(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def _csv(response) -> tuple[bytes, list[list[str]]]:
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_headers_are_shared_with_the_command_line():
    assert [str(h) for h in exporting.EXPORT_HEADERS] == HEADERS


def test_xlsx_has_the_headers_and_masked_values(registry, client_for):
    rows = _xlsx(client_for("chair").get(EXPORT, {"format": "xlsx"}))
    assert rows[0] == HEADERS
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"张三", "李四"}
    zhang = by_name["张三"]
    assert zhang[1] == registry["张三"].id_masked and "*" in zhang[1]
    assert zhang[4] == "*******5678"
    assert zhang[2] == "男" and zhang[3] == exporting.age(dt.date(1990, 1, 1))
    assert zhang[5:8] == ["徐州新格灌溉设备有限公司", "徐州新格灌溉设备有限公司工会委员会", "装配一班"]
    assert zhang[8:12] == ["汉族", "群众", "高中", "一线工人"]
    assert zhang[12] == "是" and zhang[14] == "三级/高级工" and zhang[16] == "是"
    assert zhang[17] == dt.date(2020, 5, 1) and zhang[18] == "3203222000000001" and zhang[19] == "在会"
    flat = repr(rows)
    assert registry["张三"].id_number not in flat and "13812345678" not in flat


def test_csv_has_a_bom_and_masked_values(registry, client_for):
    data, rows = _csv(client_for("chair").get(EXPORT, {"format": "csv"}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0] == HEADERS
    assert {r[0] for r in rows[1:]} == {"张三", "李四"}
    assert registry["李四"].id_number not in data.decode("utf-8-sig")
    li = next(r for r in rows if r[0] == "李四")
    assert li[4] == "*******0001" and li[3] == str(exporting.age(dt.date(1985, 3, 15)))


def test_export_carries_the_filters(registry, client_for):
    _data, rows = _csv(client_for("county").get(EXPORT, {"format": "csv", "q": "lisi"}))
    assert [r[0] for r in rows[1:]] == ["李四"]
    entry = AuditEntry.objects.get(action="members.member.exported")
    assert entry.changes["filters"]["q"] == "lisi" and entry.changes["format"] == "csv"
    _data, rows = _csv(client_for("county").get(EXPORT, {"format": "csv", "q": registry["张三"].id_number}))
    assert [r[0] for r in rows[1:]] == ["张三"]
    searched = AuditEntry.objects.filter(action="members.member.exported").order_by("-id").first()
    assert registry["张三"].id_number not in str(searched.changes)  # the log holds no ID number


def test_every_export_is_audited(registry, personas, client_for):
    _xlsx(client_for("chair").get(EXPORT, {"format": "xlsx", "sex": "男"}))
    entry = AuditEntry.objects.get(action="members.member.exported")
    assert entry.actor == personas["chair"]
    assert entry.changes == {
        "filters": {"status": "active", "sex": "男", "sort": "name"},
        "format": "xlsx",
        "reveal": False,
    }
    assert not AuditEntry.objects.filter(action="members.export.revealed").exists()


def test_reveal_gives_full_numbers_and_is_audited(registry, personas, client_for):
    rows = _xlsx(client_for("chair").get(EXPORT, {"format": "xlsx", "reveal": "1"}))
    zhang = next(r for r in rows if r[0] == "张三")
    assert zhang[1] == registry["张三"].id_number and zhang[4] == "13812345678"
    entry = AuditEntry.objects.get(action="members.export.revealed")
    assert entry.actor == personas["chair"] and entry.changes["format"] == "xlsx"
    assert AuditEntry.objects.get(action="members.member.exported").changes["reveal"] is True


def test_reveal_needs_the_reveal_right_on_the_whole_scope(registry, tree, personas):
    # A worker who also chairs 新格's union: sees their own record at 恒辉 (本人) but may reveal
    # only at 新格, so the full numbers of the whole export are refused.
    mixed = account_services.user_create(
        actor=SYSTEM,
        username="mixed",
        name="兼职主席",
        org=tree.xinge,
        password=PASSWORD,
        roles={"worker", "enterprise_chair"},
        must_change=False,
    )
    client = _client(mixed)
    assert exporting.can_reveal_all(mixed)
    Member.objects.filter(pk=registry["吕布"].pk).update(user=mixed)
    mixed = type(mixed).objects.get(pk=mixed.pk)
    assert not exporting.can_reveal_all(mixed)
    assert client.get(EXPORT, {"format": "xlsx", "reveal": "1"}).status_code == 403
    page = client.get(EXPORT)
    assert page.status_code == 200 and 'name="reveal"' not in page.content.decode()
    rows = _xlsx(client.get(EXPORT, {"format": "xlsx"}))
    assert {r[0] for r in rows[1:]} == {"张三", "李四", "吕布"}
    assert not AuditEntry.objects.filter(action="members.export.revealed").exists()


def test_export_needs_the_export_right(registry, client_for):
    assert client_for("auditor").get(EXPORT, {"format": "xlsx"}).status_code == 403
    assert client_for("worker").get(EXPORT, {"format": "csv"}).status_code == 403
    assert client_for("liaison").get(EXPORT, {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action="members.member.exported").exists()


def test_bad_format_is_400_and_other_methods_405(registry, client_for):
    assert client_for("chair").get(EXPORT, {"format": "pdf"}).status_code == 400
    assert client_for("chair").post(EXPORT, {"format": "csv"}).status_code == 405


def test_export_page_without_a_format_offers_formats_and_reveal(registry, client_for):
    response = client_for("chair").get(EXPORT, {"sex": "女", "q": "李"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="format" value="xlsx"' in body and 'name="format" value="csv"' in body
    assert 'name="reveal" value="1"' in body
    assert 'name="sex" value="女"' in body and "性别：女" in body
    assert not AuditEntry.objects.filter(action="members.member.exported").exists()


def test_formula_in_a_name_comes_out_neutralised(registry, client_for):
    # Names are validated on entry; a legacy or tampered row must still not run in a spreadsheet.
    Member.objects.filter(pk=registry["李四"].pk).update(name=FORMULA)
    rows = _xlsx(client_for("chair").get(EXPORT, {"format": "xlsx"}))
    names = [r[0] for r in rows[1:]]
    assert "'" + FORMULA in names and FORMULA not in names
    _data, rows = _csv(client_for("chair").get(EXPORT, {"format": "csv"}))
    assert "'" + FORMULA in [r[0] for r in rows[1:]]


def test_scope_is_respected(registry, client_for):
    rows = _xlsx(client_for("chair").get(EXPORT, {"format": "xlsx", "status": "all"}))
    flat = repr(rows)
    assert "吕布" not in flat and "恒辉" not in flat
    rows = _xlsx(client_for("outsider").get(EXPORT, {"format": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["吕布"]
    rows = _xlsx(client_for("county").get(EXPORT, {"format": "xlsx"}))
    assert {r[0] for r in rows[1:]} == {"张三", "李四", "吕布"}
