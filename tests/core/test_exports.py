"""The streaming exporter: formula neutralising, CSV and xlsx writers, the row cap."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gefeng.core import exports
from gefeng.core.exports import safe_cell, stream_csv, stream_xlsx

# Closing a response sends request_finished, which touches the database connection.
pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "单位", "金额", "日期"]


def filename_star(disposition: str) -> str:
    """The RFC 5987 `filename*=UTF-8''…` value, decoded (the charset name is case-insensitive)."""
    match = re.search(r"filename\*=([\w-]+)''([^;\s]+)", disposition)
    assert match, disposition
    assert match.group(1).lower() == "utf-8"
    return unquote(match.group(2), encoding="utf-8")


def _xlsx_rows(response) -> list[list]:
    data = b"".join(response.streaming_content)
    response.close()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def _csv_rows(response) -> tuple[bytes, list[list[str]]]:
    data = b"".join(response.streaming_content)
    text = data.decode("utf-8-sig")
    return data, list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+8613812345678", "'+8613812345678"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("张三", "张三"),
        ("a=1", "a=1"),
        ("", ""),
        (" =1", " =1"),
    ],
)
def test_safe_cell_text(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", [0, -5, 3.5, -2.25, Decimal("-1.50"), None, True, dt.date(2026, 3, 1)])
def test_safe_cell_leaves_non_text_alone(value):
    out = safe_cell(value)
    assert out == value and type(out) is type(value)


def test_csv_has_bom_headers_and_safe_cells():
    rows = [("张三", "=1+1", 12, dt.date(2026, 3, 1)), ("李四", "新格灌溉", Decimal("3.50"), None)]
    response = stream_csv("职工名单", HEADERS, iter(rows))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert filename_star(disposition) == "职工名单.csv"
    data, parsed = _csv_rows(response)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data  # Excel's line ends
    assert parsed == [HEADERS, ["张三", "'=1+1", "12", "2026-03-01"], ["李四", "新格灌溉", "3.50", ""]]


def test_csv_streams_lazily_from_an_iterator():
    pulled = []

    def rows():
        for i in range(1200):
            pulled.append(i)
            yield (f"行{i}", i)

    response = stream_csv("big.csv", ["名称", "序号"], rows())
    assert pulled == []  # nothing is read before the response is sent
    chunks = iter(response.streaming_content)
    next(chunks)  # the header line
    assert len(pulled) < 1200
    rest = b"".join(chunks)
    assert len(pulled) == 1200
    assert rest.decode("utf-8").count("\r\n") == 1200


def test_csv_formats_times_in_local_time_and_booleans_in_chinese():
    when = dt.datetime(2026, 3, 1, 16, 10, tzinfo=dt.UTC)  # 00:10 on 2 March in Shanghai
    _, parsed = _csv_rows(stream_csv("t", ["时间", "成功"], [(when, True), (when, False)]))
    assert parsed[1] == ["2026-03-02 00:10:00", "是"]
    assert parsed[2][1] == "否"


def test_csv_is_cut_at_the_limit_with_a_message(monkeypatch):
    monkeypatch.setattr(exports, "MAX_EXPORT_ROWS", 3)
    _, parsed = _csv_rows(stream_csv("t", ["序号"], ((i,) for i in range(10))))
    assert parsed[1:4] == [["0"], ["1"], ["2"]]
    assert len(parsed) == 5
    assert "导出上限" in parsed[4][0] and "3" in parsed[4][0]


def test_csv_exactly_at_the_limit_has_no_message():
    _, parsed = _csv_rows(stream_csv("t", ["序号"], ((i,) for i in range(3)), max_rows=3))
    assert len(parsed) == 4
    assert all("导出上限" not in row[0] for row in parsed)


def test_xlsx_opens_and_keeps_types():
    when = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 30, 5))
    rows = [
        ("张三", "=1+1", 12, dt.date(2026, 3, 1)),
        ("李四", "+86 138", 2.5, when),
        ("王五", "@x", None, None),
    ]
    response = stream_xlsx("职工名单", HEADERS, iter(rows), sheet_name="名单")
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename_star(response["Content-Disposition"]) == "职工名单.xlsx"
    got = _xlsx_rows(response)
    assert got[0] == HEADERS
    assert got[1][:3] == ["张三", "'=1+1", 12]
    assert got[1][3] == dt.date(2026, 3, 1)
    assert got[2][:3] == ["李四", "'+86 138", 2.5]
    assert got[2][3] == dt.datetime(2026, 3, 1, 9, 30, 5)  # local wall time, no zone
    assert got[3][:2] == ["王五", "'@x"]


def test_xlsx_header_is_bold_and_frozen_with_fitted_widths():
    response = stream_xlsx("t.xlsx", ["时间", "名称"], [("x", "很长很长很长很长很长很长的单位名称")])
    data = b"".join(response.streaming_content)
    response.close()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert 'state="frozen"' in sheet and 'ySplit="1"' in sheet
    assert "<b/>" in styles
    assert 'r="A1" s="1"' in sheet  # the header cells carry the bold style
    assert sheet.count("<col ") == 2 and 'customWidth="1"' in sheet


def test_xlsx_temporary_file_is_removed():
    response = stream_xlsx("t", ["a"], [(1,)])
    path = response.file_to_stream.name
    b"".join(response.streaming_content)
    response.close()
    assert not os.path.exists(path)


def test_xlsx_is_cut_at_the_limit_with_a_message(monkeypatch):
    monkeypatch.setattr(exports, "MAX_EXPORT_ROWS", 2)
    got = _xlsx_rows(stream_xlsx("t", ["序号"], ((i,) for i in range(5))))
    assert [r[0] for r in got[:3]] == ["序号", 0, 1]
    assert len(got) == 4
    assert "导出上限" in got[3][0]


def test_xlsx_with_no_rows_still_has_the_header():
    assert _xlsx_rows(stream_xlsx("t", ["名称"], iter(())))[0] == ["名称"]
