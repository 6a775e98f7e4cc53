"""The 人社局's confirmation sheet through the page: read in the isolated reader, lines as in
the file, a damaged file refused with a Chinese message and nothing written."""

from __future__ import annotations

import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gefeng.care import services
from gefeng.care.models import PensionTarget
from gefeng.core.actors import SYSTEM
from tests.care.conftest import TODAY


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return SimpleUploadedFile("参保确认.xlsx", out.getvalue())


HEADER = ["年度", "企业名称", "统一社会信用代码", "确认参保人数", "确认日期"]


def test_the_sheet_is_imported_by_its_headers(tree, login_as):
    year = TODAY.year
    services.target_set(actor=SYSTEM, enterprise=tree.xinge, year=year, target=100)
    client = login_as("county")
    title = [f"{year}年企业参保确认表"]
    sheet = _xlsx([title, HEADER, [year, tree.xinge.name, "", 88, f"{year}/6/30"]])
    response = client.post(reverse("care:pension-import"), {"year": year, "upload": sheet})
    assert response.status_code == 302
    target = PensionTarget.objects.get(enterprise=tree.xinge, year=year)
    assert target.confirmed == 88
    assert target.confirmed_on.isoformat() == f"{year}-06-30"


def test_a_bad_line_is_named_as_the_file_numbers_it(tree, login_as):
    year = TODAY.year
    services.target_set(actor=SYSTEM, enterprise=tree.xinge, year=year, target=100)
    client = login_as("county")
    sheet = _xlsx([["标题"], HEADER, [year, tree.xinge.name, "", 88, ""], [year, "不存在的企业", "", 5, ""]])
    response = client.post(reverse("care:pension-import"), {"year": year, "upload": sheet})
    assert response.status_code == 200
    assert "第 4 行" in response.content.decode()
    assert PensionTarget.objects.get(enterprise=tree.xinge, year=year).confirmed is None


def test_a_damaged_file_is_refused_with_a_message(tree, login_as):
    client = login_as("county")
    broken = SimpleUploadedFile("参保确认.xlsx", b"PK\x03\x04" + b"\x00" * 200)
    response = client.post(reverse("care:pension-import"), {"year": TODAY.year, "upload": broken})
    assert response.status_code == 200
    body = response.content.decode()
    assert "已损坏" in body
    assert not PensionTarget.objects.filter(confirmed__isnull=False).exists()
