"""The spreadsheet reader under every import: formats, sheets, headers, cells, rows, dates, rejects.

Every file is generated inside the test (xlsxwriter, csv, hand-made zip and OLE containers).
There is no .xls writer in the environment, so .xls is only covered as far as content
detection goes (an OLE file is handed to calamine; an encrypted one is refused first).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import struct
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from gefeng.core import tabular
from gefeng.core.tabular import (
    Column,
    Row,
    TabularError,
    cell_text,
    excel_serial_to_date,
    format_size,
    lost_digits,
    normalize_header,
    open_table,
    parse_date,
    write_rejects_xlsx,
)

COLUMNS = [
    Column("name", "姓名", ("职工姓名", "会员姓名"), required=True),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码"), required=True),
    Column("phone", "手机号", ("联系电话", "手机号码")),
    Column("joined", "入会日期", ("入会时间",)),
    Column("unit", "工作单位", ("所在单位",)),
]
COMPACT = frozenset({"id_number", "phone"})
HEADER = ["序号", "姓名", "身份证号", "手机号", "入会日期", "工作单位"]
ID1 = "32032219900101001X"
ID2 = "320322198512120023"


class Serial(float):
    """A number in a date-formatted cell: what Excel stores for a typed date."""


class Formula:
    def __init__(self, text: str, value: Any) -> None:
        self.text, self.value = text, value


Rows = list[list[Any]]


def make_xlsx(path: Path, sheets: dict[str, Rows] | Rows, *, hidden: tuple[str, ...] = ()) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    activated = False
    for name, rows in (sheets if isinstance(sheets, dict) else {"Sheet1": sheets}).items():
        sheet = book.add_worksheet(name)
        if name in hidden:
            sheet.hide()
        elif hidden and not activated:  # the active sheet cannot be hidden
            sheet.activate()
            activated = True
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Serial):
                    sheet.write_number(r, c, float(value), date_fmt)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_fmt)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                elif isinstance(value, Formula):
                    sheet.write_formula(r, c, value.text, None, value.value)
                else:
                    sheet.write_string(r, c, value)
    book.close()
    return path


def read(path: Path, columns: list[Column] = COLUMNS, **kwargs: Any) -> tuple[tabular.Sheet, list[Row]]:
    kwargs.setdefault("compact", COMPACT)
    sheet, rows = open_table(path, columns, **kwargs)
    return sheet, list(rows)


def values(rows: list[Row], key: str) -> list[str]:
    return [row.values[key] for row in rows]


def refused(path: Path, **kwargs: Any) -> str:
    with pytest.raises(TabularError) as caught:
        _sheet, rows = open_table(path, COLUMNS, **kwargs)
        list(rows)
    return str(caught.value)


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (MS-CFB version 3, 512-byte sectors, no mini stream).

    Sector 0 is the FAT, sector 1 the directory (root + up to three streams), then the streams,
    each padded to 4096 bytes so that it lives in regular sectors.
    """
    end, fat_sect, free = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    assert len(names) <= 3
    fat = [fat_sect, end]
    body = b""
    starts = []
    for name in names:
        data = streams[name].ljust(4096, b"\0")
        data = data.ljust(-(-len(data) // 512) * 512, b"\0")
        start = len(fat)
        count = len(data) // 512
        fat += [*range(start + 1, start + count), end]
        starts.append(start)
        body += data

    def entry(name: str, kind: int, start: int, size: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, free, right, child, b"", 0, 0, 0, start, size)

    directory = entry("Root Entry", 5, end, 0, child=1 if names else free)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, starts[i], len(streams[name]), right=right)
    directory = directory.ljust(512, b"\0")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        1,
        1,
        0,
        4096,
        end,
        0,
        end,
        0,
    )
    header += struct.pack("<109I", 0, *([free] * 108))
    fat_sector = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))
    return header + fat_sector + directory + body


def minimal_ods(rows_xml: str, name: str = "花名册") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{rows_xml}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_cell(value: str, kind: str = "string") -> str:
    if kind == "string":
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    if kind == "date":
        return f'<table:table-cell office:value-type="date" office:date-value="{value}"/>'
    return f'<table:table-cell office:value-type="float" office:value="{value}"/>'


# --------------------------------------------------------------------------------------------
# Header and sheet


def test_title_rows_above_the_header_are_skipped_and_rows_keep_excel_numbers(tmp_path):
    path = make_xlsx(
        tmp_path / "花名册.xlsx",
        [
            ["2020年度会员花名册"],
            ["填报单位：新格灌溉工会", None, None, "填报日期：2020年12月31日"],
            [],
            ["序号", "姓 名", "公民身份号码", "联系电话", "入会时间", "工作单位", "备注"],
            [1, "张三", ID1, "13812345678", "2019-05-01", "新格灌溉", "班长"],
            [2, "李四", ID2, "13912345678", "2020/3/8", "新格灌溉", None],
        ],
    )
    sheet, rows = read(path)
    assert sheet.name == "Sheet1" and sheet.format == "xlsx"
    assert sheet.header_row == 4
    assert sheet.columns == {"name": 1, "id_number": 2, "phone": 3, "joined": 4, "unit": 5}
    assert sheet.unknown == ["序号", "备注"]
    assert [row.number for row in rows] == [5, 6]
    assert rows[0].values == {
        "name": "张三",
        "id_number": ID1,
        "phone": "13812345678",
        "joined": "2019-05-01",
        "unit": "新格灌溉",
    }
    assert values(rows, "joined") == ["2019-05-01", "2020/3/8"]  # text dates stay text for the importer


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("name", "姓名"),
        ("name", "姓 名"),
        ("name", "姓\u3000名"),
        ("name", "职工姓名"),
        ("name", "*姓名"),
        ("name", "姓名*"),
        ("id_number", "身份证号"),
        ("id_number", "身份证号码"),
        ("id_number", "公民身份号码"),
        ("id_number", "证件号码"),
        ("id_number", "身份证\n号码"),
        ("id_number", "身份证号（必填）"),
        ("id_number", "身份证号(18位)"),
        ("phone", "手机号"),
        ("phone", "联系电话"),
        ("phone", "手机号码"),
        ("phone", "手机号(必填)"),
        ("phone", "手机号："),
        ("joined", "入会日期"),
        ("joined", "入会时间"),
        ("joined", "入会日期\n（必填）"),
    ],
)
def test_header_variants_are_recognised(tmp_path, key, label):
    header = ["姓名", "身份证号", "手机号", "入会日期"]
    position = {"name": 0, "id_number": 1, "phone": 2, "joined": 3}[key]
    header[position] = label
    path = make_xlsx(tmp_path / "a.xlsx", [header, ["张三", ID1, "13812345678", "2019-05-01"]])
    sheet, rows = read(path)
    assert sheet.columns[key] == position
    assert sheet.unknown == []
    assert rows[0].values["name"] == "张三"


def test_header_comparison_ignores_case_and_full_width_letters(tmp_path):
    columns = [Column("id_number", "身份证号", ("ID",), required=True), Column("email", "Email")]
    path = make_xlsx(tmp_path / "a.xlsx", [["ｉｄ", "EMAIL"], [ID1, "a@b.cn"]])
    sheet, rows = read(path, columns)
    assert sheet.columns == {"id_number": 0, "email": 1}
    assert rows[0].values == {"id_number": ID1, "email": "a@b.cn"}
    assert normalize_header(" ＊身份证号（必填）") == normalize_header("身份证号")


def test_instruction_sheet_before_and_after_the_data_sheet_is_skipped(tmp_path):
    instructions = [
        ["填表说明"],
        ["1. 姓名、身份证号为必填项；"],
        ["2. 入会日期写成 2019-05-01。"],
    ]
    path = make_xlsx(
        tmp_path / "a.xlsx",
        {
            "填表说明": instructions,
            "空白页": [],
            "会员花名册": [HEADER, [1, "张三", ID1, 13812345678, Serial(43586), "新格灌溉"]],
            "附：代码表": instructions,
        },
    )
    sheet, rows = read(path)
    assert sheet.name == "会员花名册"
    assert [row.values["name"] for row in rows] == ["张三"]


def test_visible_sheet_is_preferred_over_a_hidden_template(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        {"模板": [HEADER], "花名册": [HEADER, [1, "张三", ID1, "", "", ""]]},
        hidden=("模板",),
    )
    sheet, rows = read(path)
    assert sheet.name == "花名册"
    assert values(rows, "id_number") == [ID1]


def test_missing_required_column_is_named_in_chinese_with_the_sheets_looked_at(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        {
            "填表说明": [["请按模板填写"]],
            "Sheet1": [["序号", "姓名", "手机号"], [1, "张三", "13812345678"]],
        },
    )
    message = refused(path)
    assert "缺少必填列“身份证号”" in message
    assert "身份证号码" in message and "公民身份号码" in message  # the accepted other spellings
    assert "“姓名”" not in message  # it was found
    assert "“填表说明”、“Sheet1”" in message


def test_missing_header_in_csv_says_how_far_it_looked(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("名字,号码\n张三,1\n", encoding="utf-8")
    message = refused(path)
    assert "缺少必填列“姓名”" in message and "“身份证号”" in message
    assert "前 30 行" in message


def test_header_below_row_30_is_not_found(tmp_path):
    rows: Rows = [[f"说明第 {i} 行"] for i in range(1, 31)] + [HEADER, [1, "张三", ID1]]
    path = make_xlsx(tmp_path / "a.xlsx", rows)
    assert "缺少必填列" in refused(path)
    sheet, data = read(make_xlsx(tmp_path / "b.xlsx", rows[1:]))  # header in row 30: found
    assert sheet.header_row == 30 and data[0].number == 31


def test_duplicate_header_first_column_wins_and_is_noted(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [["姓名", "身份证号", "手机号", "联系电话"], ["张三", ID1, "13812345678", "05168888888"]],
    )
    sheet, rows = read(path)
    assert sheet.columns["phone"] == 2
    assert len(sheet.notes) == 1 and "第 D 列“联系电话”与第 C 列重复" in sheet.notes[0]
    assert rows[0].values["phone"] == "13812345678"


def test_two_row_header_under_merged_cells_is_read_as_one(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            ["会员花名册"],
            ["姓名", "身份证号", "联系方式", None, "入会日期"],
            [None, None, "手机号", "电子邮箱", None],
            ["张三", ID1, "13812345678", "z@x.cn", "2019-05-01"],
        ],
    )
    sheet, rows = read(path)
    assert sheet.header_row == 3
    assert sheet.columns == {"name": 0, "id_number": 1, "phone": 2, "joined": 4}
    assert sheet.unknown == ["电子邮箱"]
    assert "表头占两行" in sheet.notes[0]
    assert rows[0].number == 4 and rows[0].values["phone"] == "13812345678"


def test_table_not_starting_in_column_a_reports_absolute_columns(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", [[], [], [None, None, "姓名", "身份证号"], [None, None, "张三", ID1]])
    sheet, rows = read(path)
    assert sheet.header_row == 3
    assert sheet.columns == {"name": 2, "id_number": 3}
    assert rows == [Row(number=4, values={"name": "张三", "id_number": ID1, "phone": "", "joined": "", "unit": ""})]


def test_column_spec_mistakes_are_programming_errors(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", [HEADER])
    with pytest.raises(ValueError, match="claimed by both"):
        open_table(path, [Column("a", "电话", required=True), Column("b", "联系电话", ("电 话",))])
    with pytest.raises(ValueError, match="unique"):
        open_table(path, [Column("a", "姓名"), Column("a", "名字")])


# --------------------------------------------------------------------------------------------
# Cells


def test_full_width_characters_ideographic_spaces_and_invisible_characters(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            ["姓名", "身份证号", "手机号", "工作单位"],
            [
                "张\u3000三",
                "３２０３２２１９９００１０１００１Ｘ",
                "１３８ １２３４ ５６７８",
                "徐州  新格\n灌溉\u00a0公司",
            ],
            [" 李四\u200b ", "320322 19851212 0023", "'13912345678", "\u3000龙固镇　"],
            ["ＡＢＣ王五", "'32032219900101001X", "138-1234-5678", "'=SUM(A1)"],
        ],
    )
    _sheet, rows = read(path)
    assert values(rows, "name") == ["张三", "李四", "ABC王五"]
    assert values(rows, "id_number") == [ID1, ID2, ID1]
    assert values(rows, "phone") == ["13812345678", "13912345678", "138-1234-5678"]
    assert values(rows, "unit") == ["徐州 新格 灌溉 公司", "龙固镇", "=SUM(A1)"]


def test_numbers_phone_as_number_and_id_number_excel_turned_into_a_float(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            ["姓名", "身份证号", "手机号", "工作单位"],
            ["张三", 320322199001011234, 13812345678, 3.5],
            ["李四", 320322900101123, 13812345678.0, 0.1 + 0.2],  # a 15-digit (1990s) number survives
            ["王五", 3.20322198512120e17, 1.3812345678e10, True],
            ["赵六", "3.20322E+17", 8613812345678, Formula("=1+2", 3)],
        ],
    )
    _sheet, rows = read(path)
    assert values(rows, "phone") == ["13812345678", "13812345678", "13812345678", "8613812345678"]
    ids = values(rows, "id_number")
    assert ids[0] == "3.20322199001011e+17"  # not "320322199001011008": the lost digits are not invented
    assert ids[1] == "320322900101123"
    assert ids[2] == "3.2032219851212e+17"
    assert ids[3] == "3.20322E+17"
    assert [lost_digits(v) for v in ids] == [True, False, True, True]
    assert values(rows, "unit") == ["3.5", "0.3", "是", "3"]


@pytest.mark.parametrize(
    ("value", "compact", "expected"),
    [
        (None, False, ""),
        ("", False, ""),
        ("  ", False, ""),
        ("a \t b\r\nc", False, "a b c"),
        ("a \t b\r\nc", True, "abc"),
        ("'0516", False, "0516"),
        ("＇0516", True, "0516"),
        ("'", False, ""),
        ("=1+1", False, "=1+1"),
        (13812345678.0, True, "13812345678"),
        (-0.0, False, "0"),
        (1e15, False, "1e+15"),
        (42, False, "42"),
        (False, False, "否"),
        (dt.datetime(2019, 5, 1, 10, 30), False, "2019-05-01"),
        (dt.date(2019, 5, 1), False, "2019-05-01"),
        (dt.time(8, 30), False, "08:30:00"),
    ],
)
def test_cell_text(value, compact, expected):
    assert cell_text(value, compact=compact) == expected


def test_date_cells_typed_as_dates_and_serials_as_text(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            ["姓名", "身份证号", "入会日期"],
            ["张三", ID1, Serial(43586)],  # a serial in a date-formatted cell
            ["李四", ID1, dt.date(2019, 5, 1)],
            ["王五", ID1, dt.datetime(2019, 5, 1, 14, 30)],
            ["赵六", ID1, 43586],  # the same number in a General cell: the importer parses it
            ["钱七", ID1, "43586"],
        ],
    )
    _sheet, rows = read(path)
    joined = values(rows, "joined")
    assert joined == ["2019-05-01", "2019-05-01", "2019-05-01", "43586", "43586"]
    assert {parse_date(text) for text in joined} == {dt.date(2019, 5, 1)}


# --------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-05-01", dt.date(2019, 5, 1)),
        ("2019/5/1", dt.date(2019, 5, 1)),
        ("2019.05.01", dt.date(2019, 5, 1)),
        ("2019.5.1", dt.date(2019, 5, 1)),
        ("2019年5月1日", dt.date(2019, 5, 1)),
        ("2019年05月01号", dt.date(2019, 5, 1)),
        ("2019 年 5 月 1 日", dt.date(2019, 5, 1)),
        ("20190501", dt.date(2019, 5, 1)),
        ("2019-5", dt.date(2019, 5, 1)),
        ("2019年5月", dt.date(2019, 5, 1)),
        ("201905", dt.date(2019, 5, 1)),
        ("43586", dt.date(2019, 5, 1)),
        ("43586.75", dt.date(2019, 5, 1)),
        ("２０１９－０５－０１", dt.date(2019, 5, 1)),
        ("２０１９年５月１日", dt.date(2019, 5, 1)),
        ("４３５８６", dt.date(2019, 5, 1)),
        (" 2019-05-01 00:00:00 ", dt.date(2019, 5, 1)),
        ("2019/5/1 8:30", dt.date(2019, 5, 1)),
        ("2020-02-29", dt.date(2020, 2, 29)),
        ("10000", dt.date(1927, 5, 18)),
        ("80000", dt.date(2119, 1, 11)),
    ],
)
def test_parse_date_accepts_the_forms_people_type(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "日期为空"),
        ("2019-02-29", "日期不存在：2019 年 2 月 29 日"),
        ("2019-13-01", "日期不存在"),
        ("2019年4月31日", "日期不存在"),
        ("20191301", "日期不存在"),
        ("0019-05-01", "年份 19 不合理"),
        ("19.5.1", "无法识别的日期"),
        ("2019", "无法识别的日期"),
        ("9999", "无法识别的日期"),
        ("99999", "无法识别的日期"),
        ("2019-05-01-02", "无法识别的日期"),
        ("2019-5/1", "无法识别的日期"),
        ("明年", "无法识别的日期"),
    ],
)
def test_parse_date_rejects_with_a_chinese_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_excel_serials_follow_the_1900_date_system():
    assert excel_serial_to_date(1) == dt.date(1900, 1, 1)
    assert excel_serial_to_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_to_date(61) == dt.date(1900, 3, 1)
    assert excel_serial_to_date(43586) == dt.date(2019, 5, 1)
    assert excel_serial_to_date(2958465) == dt.date(9999, 12, 31)
    for bad in (0, 60, 2958466):
        with pytest.raises(ValueError, match="Excel 日期序号"):
            excel_serial_to_date(bad)


# --------------------------------------------------------------------------------------------
# Rows


def test_blank_rows_totals_rows_and_repeated_headers_are_skipped(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx",
        [
            HEADER,  # row 1
            [1, "张三", ID1, "", "", "新格"],  # 2
            [],  # 3
            [None, "  ", "\u3000", None, None, None],  # 4: only spaces
            [2, "李四", ID2, "", "", "新格"],  # 5
            ["小 计：", None, None, None, None, "2 人"],  # 6
            HEADER,  # 7: the next unit's block pasted below
            [3, "王五", ID1, "", "", "恒辉"],  # 8
            [4, None, None, None, None, None],  # 9: numbered template row, nothing filled
            ["合计", 3, None, None, None, None],  # 10
            ["\u3000", "合  计", None, None, None, None],  # 11
            [],  # 12
            [None, "赵六", ID2, "", "", "恒辉"],  # 13: data after the totals row is still read
        ],
    )
    _sheet, rows = read(path)
    assert [row.number for row in rows] == [2, 5, 8, 13]
    assert values(rows, "name") == ["张三", "李四", "王五", "赵六"]


def test_a_person_named_like_a_header_word_is_not_taken_for_a_repeated_header(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号"], ["姓名", ID1], ["合计人", ID2]])
    _sheet, rows = read(path)
    assert [row.values for row in rows] == [
        {"name": "姓名", "id_number": ID1, "phone": "", "joined": "", "unit": ""},
        {"name": "合计人", "id_number": ID2, "phone": "", "joined": "", "unit": ""},
    ]


def test_rows_are_produced_lazily(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", [HEADER, *([i, "张三", ID1, "", "", ""] for i in range(1, 6))])
    _sheet, rows = open_table(path, COLUMNS)
    assert isinstance(rows, Iterator) and not isinstance(rows, list)
    first = next(rows)
    assert first.number == 2
    assert sum(1 for _ in rows) == 4


def test_reading_200k_rows_keeps_python_memory_bounded(tmp_path):
    count = 200_000
    path = tmp_path / "big.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, ["序号", "姓名", "身份证号", "手机号"])
    for i in range(1, count + 1):
        sheet.write_number(i, 0, i)
        sheet.write_string(i, 1, f"职工{i}")
        sheet.write_string(i, 2, f"32032219900101{i % 10000:04d}")
        sheet.write_number(i, 3, 13800000000 + i)
    book.close()

    tracemalloc.start()
    try:
        _info, rows = open_table(path, COLUMNS, compact=COMPACT)
        seen = 0
        last = None
        for last in rows:  # noqa: B007
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert last is not None and last.number == count + 1
    assert last.values["name"] == f"职工{count}" and last.values["phone"] == str(13800000000 + count)
    assert peak < 150 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


# --------------------------------------------------------------------------------------------
# CSV and text


CSV_ROWS = [
    ["2020年度会员花名册"],
    ["序号", "职工姓名", "身份证号码", "联系电话", "入会时间", "所在单位"],
    ["1", "张三", ID1, "13812345678", "2019年5月1日", "新格灌溉"],
    [],
    ["2", "李四", ID2, '=HYPERLINK("x")', "2019.5.1", "龙固镇, 新格"],
    ["", "合计", "", "", "", ""],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "detected"),
    [
        ("utf-8", ",", "utf-8-sig"),
        ("utf-8-sig", ",", "utf-8-sig"),
        ("gbk", ",", "gb18030"),
        ("gb18030", ";", "gb18030"),
        ("gbk", "\t", "gb18030"),
        ("utf-16", "\t", "utf-16"),  # Excel's "Unicode 文本"
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter, detected):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(CSV_ROWS)
    path = tmp_path / "花名册.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    sheet, rows = read(path)
    assert (sheet.format, sheet.encoding, sheet.name) == ("csv", detected, "花名册.csv")
    assert sheet.header_row == 2
    assert [row.number for row in rows] == [3, 5]
    assert values(rows, "name") == ["张三", "李四"]
    assert values(rows, "id_number") == [ID1, ID2]
    assert values(rows, "phone") == ["13812345678", '=HYPERLINK("x")']  # formulas stay text
    assert values(rows, "joined") == ["2019年5月1日", "2019.5.1"]
    assert values(rows, "unit") == ["新格灌溉", "龙固镇, 新格"]


def test_csv_quoted_line_breaks_count_as_one_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f'姓名,身份证号,工作单位\n张三,{ID1},"新格\n灌溉"\n李四,{ID2},恒辉\n', encoding="utf-8")
    _sheet, rows = read(path)
    assert [(row.number, row.values["unit"]) for row in rows] == [(2, "新格 灌溉"), (3, "恒辉")]


def test_csv_broken_quotes_raise_while_iterating(tmp_path):
    path = tmp_path / "a.csv"
    good = "".join(f"张{i},{ID1}\n" for i in range(40))
    path.write_text(f'姓名,身份证号\n{good}李四,"{"9" * 200_000}\n', encoding="utf-8")
    _sheet, rows = open_table(path, COLUMNS)
    assert [next(rows).values["name"] for _ in range(40)] == [f"张{i}" for i in range(40)]
    with pytest.raises(TabularError, match=r"第 42 行附近.*引号是否成对"):
        next(rows)


def test_renamed_txt_that_is_really_xlsx_is_read_as_xlsx(tmp_path):
    path = make_xlsx(tmp_path / "花名册.txt", [HEADER, [1, "张三", ID1, 13812345678, Serial(43586), "新格"]])
    sheet, rows = read(path, filename="花名册.txt")
    assert sheet.format == "xlsx"
    assert rows[0].values["phone"] == "13812345678" and rows[0].values["joined"] == "2019-05-01"


def test_csv_named_xlsx_is_read_as_csv(tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(f"姓名,身份证号\n张三,{ID1}\n".encode("gbk"))
    sheet, rows = read(path)
    assert sheet.format == "csv" and rows[0].values["name"] == "张三"


def test_web_page_saved_as_xls_gets_a_hint(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>姓名</td></tr></table></body></html>",
        encoding="utf-8",
    )
    assert "网页（HTML）或 XML 格式" in refused(path)


def test_ods_file_is_read(tmp_path):
    rows_xml = (
        "<table:table-row>"
        + "".join(ods_cell(t) for t in ("姓名", "身份证号", "入会日期", "手机号"))
        + "</table:table-row><table:table-row/>"
        + "<table:table-row>"
        + ods_cell("张三")
        + ods_cell(ID1)
        + ods_cell("2019-05-01", "date")
        + ods_cell("13812345678", "float")
        + "</table:table-row>"
    )
    path = tmp_path / "花名册.dat"
    path.write_bytes(minimal_ods(rows_xml))
    sheet, rows = read(path)
    assert (sheet.format, sheet.name) == ("ods", "花名册")
    assert rows == [
        Row(3, {"name": "张三", "id_number": ID1, "phone": "13812345678", "joined": "2019-05-01", "unit": ""})
    ]


# --------------------------------------------------------------------------------------------
# Files refused before reading


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"")
    assert refused(path) == tabular.MSG_EMPTY


@pytest.mark.parametrize("prefix", [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_random_bytes_are_refused(tmp_path, prefix):
    path = tmp_path / "a.xlsx"
    path.write_bytes(prefix + random.Random(7).randbytes(20_000))
    assert refused(path).startswith(tabular.MSG_UNREADABLE)


def test_truncated_xlsx_is_refused(tmp_path):
    full = make_xlsx(tmp_path / "a.xlsx", [HEADER, [1, "张三", ID1, "", "", ""]]).read_bytes()
    path = tmp_path / "b.xlsx"
    path.write_bytes(full[: len(full) // 2])
    assert refused(path) == tabular.MSG_UNREADABLE


def test_word_document_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "花名册.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    message = refused(path)
    assert message.startswith(tabular.MSG_UNREADABLE) and "Word" in message


def test_ole_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "a.xls"
    # The encryption stream name inside the data, off the 128-byte grid, must not count.
    path.write_bytes(cfb({"WordDocument": b"xyz" + "EncryptionInfo".encode("utf-16-le")}))
    assert refused(path) == tabular.MSG_UNREADABLE


def test_encrypted_workbook_is_refused(tmp_path):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x01" * 8}))
    assert CalamineWorkbook is not None
    assert refused(path) == "文件已加密，请取消密码后再导入。"


def test_oversize_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:  # a sparse file: 312.5 MB on paper, nothing on disk
        handle.truncate(327_680_000)
    assert refused(big, max_bytes=50 * 1024 * 1024) == "文件大小 312.5 MB，超过上限 50 MB，请拆分后分批导入。"
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(random.Random(1).randbytes(5000))  # would be "unreadable" if it were parsed
    assert refused(garbage, max_bytes=4096) == "文件大小 4.9 KB，超过上限 4 KB，请拆分后分批导入。"
    small = make_xlsx(tmp_path / "ok.xlsx", [HEADER, [1, "张三", ID1, "", "", ""]])
    _sheet, rows = read(small, max_bytes=small.stat().st_size)  # exactly at the limit is fine
    assert len(rows) == 1


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 字节"),
        (1023, "1023 字节"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (50 * 1024**2, "50 MB"),
        (3 * 1024**3, "3 GB"),
    ],
)
def test_format_size(size, text):
    assert format_size(size) == text


# --------------------------------------------------------------------------------------------
# Rejected rows


def test_write_rejects_xlsx_round_trips_with_reasons_and_safe_cells(tmp_path):
    labels = ["姓名", "身份证号", "手机号"]
    rejects = [
        (["张三", "3.20322199001011e+17", "13812345678"], "身份证号被 Excel 存成了数字，末尾几位已丢失"),
        (['=HYPERLINK("http://x","点我")', ID1, "-1"], "手机号应为以 1 开头的 11 位数字。"),
        (["李四", "0123", ""], "身份证号应为 18 位，实际 4 位。"),
    ]
    path = tmp_path / "错误行.xlsx"
    assert write_rejects_xlsx(path, labels, iter(rejects)) == 3

    raw = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert raw[0] == ["姓名", "身份证号", "手机号", "错误原因"]
    assert raw[2][0] == '\'=HYPERLINK("http://x","点我")' and raw[2][2] == "'-1"  # neutralised
    assert raw[3][1] == "0123"  # text, leading zero kept

    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert '<pane ySplit="1"' in sheet_xml and 'state="frozen"' in sheet_xml
    assert "<f>" not in sheet_xml  # nothing became a formula
    assert re.search(r"<b\s*/>", styles) and 'rgb="FFC00000"' in styles

    # The file can be corrected and uploaded again: the reader takes the apostrophes off.
    columns = [
        Column("name", "姓名", required=True),
        Column("id_number", "身份证号"),
        Column("phone", "手机号"),
    ]
    sheet, rows = read(path, columns, compact=frozenset())
    assert sheet.unknown == ["错误原因"]
    assert [list(row.values.values()) for row in rows] == [values_ for values_, _ in rejects]


def test_write_rejects_xlsx_with_no_rows_writes_the_header(tmp_path):
    path = tmp_path / "空.xlsx"
    assert write_rejects_xlsx(path, ["姓名"], []) == 0
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python() == [["姓名", "错误原因"]]


# --------------------------------------------------------------------------------------------
# The streaming .xlsx reader against python-calamine (the reference)


def _calamine_cells(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's rows as python-calamine gives them, from column A, trailing blanks dropped."""
    book = CalamineWorkbook.from_path(str(path))
    out = {}
    for meta in book.sheets_metadata:
        sheet = book.get_sheet_by_name(meta.name)
        offset = sheet.start[1] if sheet.start else 0
        out[meta.name] = [_trim([""] * offset + list(row)) for row in (sheet.to_python() if sheet.start else [])]
    return out


def _streamed_cells(path: Path) -> dict[str, list[list[Any]]]:
    return {source.name: [_trim(list(row)) for row in source.rows] for source in tabular._xlsx_sources(path)}


def _trim(row: list[Any]) -> list[Any]:
    while row and row[-1] == "":
        row.pop()
    return row


def _same_cells(path: Path) -> None:
    expected, got = _calamine_cells(path), _streamed_cells(path)
    assert set(got) == set(expected)
    for name, rows in expected.items():
        while rows and not rows[-1]:
            rows.pop()
        mine = got[name]
        while mine and not mine[-1]:
            mine.pop()
        assert len(mine) == len(rows), name
        for number, (a, b) in enumerate(zip(rows, mine, strict=True), start=1):
            assert b == a, f"{name}!{number}"
            assert [type(x) for x in b] == [type(x) for x in a], f"{name}!{number}"


def _both_readers(path: Path, columns: list[Column], compact: frozenset[str]) -> None:
    """open_table gives the same sheet and the same rows with either reader."""
    reads = []
    default = tabular.STREAM_XLSX_FROM
    for threshold in (None, 0):  # python-calamine, then the streaming reader
        tabular.STREAM_XLSX_FROM = threshold
        try:
            sheet, rows = open_table(path, columns, compact=compact)
            reads.append((sheet, [(row.number, row.values) for row in rows]))
        finally:
            tabular.STREAM_XLSX_FROM = default
    (old_sheet, old_rows), (new_sheet, new_rows) = reads
    assert (new_sheet.name, new_sheet.header_row, new_sheet.columns, new_sheet.unknown, new_sheet.notes) == (
        old_sheet.name,
        old_sheet.header_row,
        old_sheet.columns,
        old_sheet.unknown,
        old_sheet.notes,
    )
    assert len(new_rows) == len(old_rows) > 0
    for old, new in zip(old_rows, new_rows, strict=True):
        assert new == old


DATE_FORMATS = [
    "yyyy-mm-dd",
    "yyyy-mm-dd hh:mm",
    "hh:mm:ss",
    "[h]:mm:ss",
    "[m]:ss",
    "mm:ss",
    "0.00",
    "@",
    "m/d/yy",
    'yyyy"年"m"月"d"日"',
    "General",
    "0%",
    '"d"0',
    "[$-409]mmmm d, yyyy",
    "[Red]0.00",
    "dd/mm/yyyy;@",
    "0;[Red]-0",
    "0.00_);[Red]\\(0.00\\)",
    "am/pm h",
    "e",
    "yy",
]
SERIALS = [43586, 43586.5, 0.25, 1.5, 59, 60, 61, 1, 0, 2958465, 43586.999999, 12345.67]


def test_streaming_reader_gives_calamines_values_for_every_cell_kind(tmp_path):
    for constant_memory in (True, False):  # inline strings, then Excel's shared-strings table
        path = tmp_path / f"kinds-{constant_memory}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
        sheet = book.add_worksheet("格式")
        for r, code in enumerate(DATE_FORMATS):
            style = book.add_format({"num_format": code})
            for c, value in enumerate(SERIALS):
                sheet.write_number(r, c, value, style)
        for r, number_format in enumerate(range(60), start=len(DATE_FORMATS)):  # the built-in formats
            style = book.add_format({"num_format": number_format})
            sheet.write_number(r, 0, 43586.25, style)
            sheet.write_number(r, 1, 0.5, style)
            sheet.write_number(r, 2, 43586, style)
        other = book.add_worksheet("单元格")
        other.write_boolean(0, 0, True)
        other.write_boolean(0, 1, False)
        other.write_formula(0, 2, "=1/0", None, "#DIV/0!")
        other.write_formula(0, 3, "=1+4", None, 5)
        other.write_formula(0, 4, '="x"', None, "x")
        other.write_formula(0, 5, "=TRUE()", None, True)
        other.write_string(1, 0, "a&b<c>\"'_x000D_ \t 全角　")
        other.write_rich_string(1, 1, "张", book.add_format({"bold": True}), "三", "丰")
        other.write_string(1, 2, "_x005F_x0041_ x_x0041_y")
        other.write_string(1, 3, "  lead\u3000")
        other.write_number(1, 4, 123456789012345678)
        other.write_number(1, 5, 13812345678)
        other.write_datetime(1, 6, dt.datetime(2020, 5, 1), book.add_format({"num_format": "yyyy-mm-dd"}))
        other.write_string(4, 27, "远处")  # a gap of rows and a column beyond Z
        book.add_worksheet("空")
        hidden = book.add_worksheet("隐藏")
        hidden.write_string(0, 0, "隐藏的表")
        hidden.hide()
        book.close()
        _same_cells(path)


def test_streaming_reader_reads_a_workbook_as_openpyxl_writes_it(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["序号", "姓名", "身份证号", "手机号", "入会日期", "工作单位"])
    for i in range(1, 200):
        sheet.append([i, f"职工{i}", ID1, 13800000000 + i, dt.date(2019, 5, 1) + dt.timedelta(days=i), "新格 & 灌溉"])
    sheet.cell(row=205, column=2, value="合计")
    book.save(tmp_path / "openpyxl.xlsx")
    _same_cells(tmp_path / "openpyxl.xlsx")
    _both_readers(tmp_path / "openpyxl.xlsx", COLUMNS, COMPACT)


def test_streaming_reader_accepts_namespace_prefixes_and_other_attribute_orders(tmp_path):
    plain = make_xlsx(
        tmp_path / "plain.xlsx",
        [HEADER, ["1", "张三", ID1, 13812345678, Serial(43586), "新格"], ["2", "李四", ID2, "", "2019.5.1", ""]],
    )
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(prefixed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                text = text.replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1)
                text = re.sub(r"<(/?)(?!\?)([A-Za-z]+)", r"<\1x:\2", text)  # every element prefixed x:
                text = re.sub(r'<x:c r="([A-Z]+\d+)"((?: [st]="[^"]*")*)', r'<x:c\2 r="\1"', text)  # r last
                data = text.encode()
            target.writestr(info, data)
    assert _streamed_cells(prefixed) == _streamed_cells(plain)
    _sheet, rows = open_table(prefixed, COLUMNS, compact=COMPACT)
    got = [(r.number, r.values["name"], r.values["phone"], r.values["joined"]) for r in rows]
    assert got == [(2, "张三", "13812345678", "2019-05-01"), (3, "李四", "", "2019.5.1")]


def test_streaming_reader_refuses_a_dtd_and_a_broken_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "STREAM_XLSX_FROM", 0)
    good = make_xlsx(tmp_path / "good.xlsx", [HEADER, ["1", "张三", ID1, "", "", ""]])
    for name, mangle in (
        (
            "dtd.xlsx",
            lambda part, data: (
                data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1) if part == "xl/workbook.xml" else data
            ),
        ),
        (
            "broken.xlsx",
            lambda part, data: data.replace(b"<row", b"<c><row", 1) if part.startswith("xl/worksheets/") else data,
        ),
    ):
        path = tmp_path / name
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                target.writestr(info, mangle(info.filename, source.read(info)))
        with pytest.raises(TabularError, match="无法读取该文件"):
            _sheet, rows = open_table(path, COLUMNS)
            list(rows)


def test_benchmark_roster_and_messy_demo_roster_read_the_same_with_both_readers(tmp_path):
    """Every row of the benchmark's roster (its first 20,000 people: same seed, same prefix) and of
    the demo's messy roster (and a larger messy one) comes out of open_table identically."""
    from gefeng.members.imports import pipeline, rosters

    for name, kwargs in (
        ("bench.xlsx", {"rows": 20_000, "seed": 320322, "messy": False}),
        ("demo-messy.xlsx", {"rows": 300, "seed": 2021, "messy": True}),
        ("messy.xlsx", {"rows": 5_000, "seed": 7, "messy": True}),
    ):
        path = tmp_path / name
        rosters.write_roster(path, fmt="xlsx", **kwargs)
        _same_cells(path) if name != "bench.xlsx" else None
        _both_readers(path, pipeline.COLUMNS, pipeline.COMPACT)


def test_open_table_streams_an_xlsx_from_the_threshold_on(tmp_path, monkeypatch):
    path = tmp_path / "r.xlsx"
    make_xlsx(path, [["姓名", "身份证号"], ["张三", "32032219900101123X"]])
    streamed = []
    real = tabular._xlsx_sources

    def spy(p, limits):
        streamed.append(p)
        return real(p, limits)

    monkeypatch.setattr(tabular, "_xlsx_sources", spy)
    size = path.stat().st_size
    reads = []
    for threshold in (size + 1, size, None, 0):
        monkeypatch.setattr(tabular, "STREAM_XLSX_FROM", threshold)
        streamed.clear()
        _sheet, rows = open_table(path, COLUMNS, compact=COMPACT)
        reads.append([row.values for row in rows])
        assert bool(streamed) == (threshold is not None and size >= threshold), threshold
    assert (
        reads[0]
        == reads[1]
        == reads[2]
        == reads[3]
        == [{"name": "张三", "id_number": "32032219900101123X", "phone": "", "joined": "", "unit": ""}]
    )


def test_streaming_reader_holds_one_piece_of_the_sheet_not_the_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "STREAM_XLSX_FROM", 0)
    count = 100_000
    path = tmp_path / "big.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, ["序号", "姓名", "身份证号", "手机号"])
    for i in range(1, count + 1):
        sheet.write_number(i, 0, i)
        sheet.write_string(i, 1, f"职工{i}")
        sheet.write_string(i, 2, f"32032219900101{i % 10000:04d}")
        sheet.write_number(i, 3, 13800000000 + i)
    book.close()
    tracemalloc.start()
    try:
        _info, rows = open_table(path, COLUMNS, compact=COMPACT)
        seen = sum(1 for _ in rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    # The sheet is ~9 MB of XML, ~150 MB as Python cells; what is held is one 1 MB piece of XML,
    # its cells, one row, and the cleaning caches (bounded): the same at 10⁶ rows.
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_the_rows_above_the_header_are_kept_as_text(tmp_path):
    """A title and a 填报单位 line above the header reach the caller (the preview checks whose roster it is)."""
    from gefeng.core.tabular import Column, open_table

    path = tmp_path / "t.csv"
    path.write_text(
        "新格灌溉会员花名册,,\n填报单位：恒辉编织机械工会,,填报日期：2020-1-1\n姓名,身份证号,\n张三,1,\n",
        encoding="utf-8",
    )
    sheet, rows = open_table(path, [Column("name", "姓名"), Column("id", "身份证号")])
    assert sheet.header_row == 3
    assert sheet.above == ["新格灌溉会员花名册", "填报单位:恒辉编织机械工会 填报日期:2020-1-1"]  # cells are NFKC-folded
    assert [r.values["name"] for r in rows] == ["张三"]
