"""Hostile files, made here by code: each gets a Chinese answer, and the reader's caller survives.

They go through `open_table_isolated`, the entry point of the web upload and of the import job
(and so of the command line); the process running the tests must live through all of them with
its memory bounded.
"""

from __future__ import annotations

import os
import resource
import signal
import struct
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from gefeng.core import tabular_guard
from gefeng.core.tabular import MSG_BIFF5, MSG_BIG5, MSG_UNREADABLE, MSG_WEB_PAGE, TabularError, open_table
from gefeng.core.tabular_guard import MSG_DTD, Limits
from gefeng.core.tabular_isolated import MSG_DIED, MSG_MEMORY, MSG_TIMEOUT, open_table_isolated
from gefeng.members.imports import pipeline

HEADER = ["姓名", "身份证号", "入会日期"]
PERSON = ["张三", "32032219900101123X", "2020-01-01"]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def read(path: Path, **kwargs):
    kwargs.setdefault("limits", Limits())
    kwargs.setdefault("memory_mb", 1024)
    kwargs.setdefault("seconds", 60)
    sheet, rows = open_table_isolated(path, pipeline.COLUMNS, compact=pipeline.COMPACT, **kwargs)
    return sheet, list(rows)


def refused(path: Path, **kwargs) -> str:
    with pytest.raises(TabularError) as caught:
        read(path, **kwargs)
    message = str(caught.value)
    assert message and not any(word in message for word in ("Error", "field", "line", "Traceback"))
    return message


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, cells: list[tuple[str, str]]) -> str:
    return f'<row r="{number}">' + "".join(_cell(ref, text) for ref, text in cells) + "</row>"


def header_rows() -> str:
    return _row(1, [(f"{c}1", t) for c, t in zip("ABC", HEADER, strict=True)]) + _row(
        2, [(f"{c}2", t) for c, t in zip("ABC", PERSON, strict=True)]
    )


def xlsx(path: Path, sheet_data: str, *, dimension: str = "A1:C2", prolog: str = "", members=None) -> Path:
    """A minimal workbook written part by part, so that every part can be made hostile."""
    sheet = f'{prolog}<worksheet {NS}><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook {NS} xmlns:r="{REL_NS}"><sheets>'
            '<sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        **(members or {}),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


# ---------------------------------------------------------------- sparse and oversized sheets


def test_a_sparse_sheet_reaching_xfd1048576_is_read_without_its_rectangle(tmp_path):
    path = xlsx(
        tmp_path / "sparse.xlsx", header_rows() + _row(1_048_576, [("XFD1048576", "x")]), dimension="A1:XFD1048576"
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sheet, rows = read(path)
    assert [row.values["name"] for row in rows] == ["张三"]
    assert sheet.header_row == 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB: under 100 MB


def test_a1_and_xfd4000_go_to_the_streaming_reader(tmp_path):
    path = xlsx(tmp_path / "wide.xlsx", header_rows() + _row(4000, [("XFD4000", "x")]), dimension="A1:XFD4000")
    extent = tabular_guard.scan_xlsx(zipfile.ZipFile(path), ["xl/worksheets/sheet1.xml"], Limits())
    assert extent.rectangle == 4000 * 16_384 > tabular_guard.CALAMINE_MAX_CELLS
    _sheet, rows = read(path)
    assert len(rows) == 1


def test_a_lying_dimension_alone_does_not_refuse_a_small_sheet(tmp_path):
    _sheet, rows = read(xlsx(tmp_path / "dim.xlsx", header_rows(), dimension="A1:XFD1048576"))
    assert len(rows) == 1


@pytest.mark.parametrize(
    ("data", "limits", "expected"),
    [
        (_row(2_000_000, [("A2000000", "x")]), Limits(), "超过 1,048,576 行的上限"),
        (_row(3, [("ZZZ3", "x")]), Limits(), "超过 16,384 列的上限"),
        (_row(3, [("AZ3", "x")]), Limits(columns=50), "超过 50 列的上限"),
        (
            "".join(_row(n, [(f"A{n}", "x"), (f"B{n}", "y")]) for n in range(3, 40)),
            Limits(cells=50),
            "单元格超过 50 个",
        ),
    ],
)
def test_rows_columns_and_cells_past_the_limits_are_refused(tmp_path, data, limits, expected):
    path = xlsx(tmp_path / "big.xlsx", header_rows() + data)
    assert expected in refused(path, limits=limits)


def test_a_csv_of_100k_columns_is_refused_by_the_column_limit(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEADER + [f"列{i}" for i in range(100_000)]) + "\n" + ",".join(PERSON) + "\n")
    assert "超过 16,384 列的上限" in refused(path)


# ---------------------------------------------------------------- zip bombs


def _bomb(path: Path, size: int) -> Path:
    padding = " " * size  # whitespace between elements: valid XML, compresses ~1000:1
    return xlsx(path, header_rows() + padding)


def test_an_honest_zip_bomb_is_refused_on_its_declared_ratio(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 20 * 1024 * 1024)
    assert path.stat().st_size < 100 * 1024
    assert "压缩比超过 200 倍" in refused(path)


def test_a_zip_bomb_within_the_ratio_is_refused_on_its_unpacked_size(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 3 * 1024 * 1024)
    assert "文件解压后超过 2 MB" in refused(path, limits=Limits(unpacked=2 * 1024 * 1024, ratio=100_000))


def _lie(path: Path, member: str, declared: int) -> None:
    """Make the zip's headers (local and central) say `member` unpacks to `declared` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, declared)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("streaming", [False, True])
def test_a_lying_zip_header_cannot_pass(tmp_path, streaming):
    path = _bomb(tmp_path / "liar.xlsx", 20 * 1024 * 1024)
    _lie(path, "xl/worksheets/sheet1.xml", 4096)  # says 4 KB; the data is 20 MB
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 4096
    if streaming:
        with pytest.raises(TabularError) as caught:
            _sheet, rows = open_table(path, pipeline.COLUMNS)  # the reader itself, in this process
            list(rows)
        assert str(caught.value) == MSG_UNREADABLE
    assert refused(path) == MSG_UNREADABLE


def test_a_truncated_zip_is_unreadable(tmp_path):
    whole = xlsx(tmp_path / "whole.xlsx", header_rows())
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert refused(cut).startswith("无法读取该文件")


# ---------------------------------------------------------------- XML with a DTD


def test_xxe_in_a_sheet_is_refused(tmp_path):
    prolog = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
    path = xlsx(tmp_path / "xxe.xlsx", header_rows() + _row(3, [("A3", "&leak;")]), prolog=prolog)
    assert refused(path) == MSG_DTD


def test_billion_laughs_in_shared_strings_is_refused(tmp_path):
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    strings = f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst {NS}><si><t>&l9;</t></si></sst>'
    data = header_rows() + '<row r="3"><c r="A3" t="s"><v>0</v></c></row>'
    path = xlsx(tmp_path / "lol.xlsx", data, members={"xl/sharedStrings.xml": strings})
    assert refused(path) == MSG_DTD


# ---------------------------------------------------------------- formats and encodings


def _cfb(stream_name: str, payload: bytes) -> bytes:
    """A compound file (OLE) of one stream of 4096 bytes or more, as Excel 95 writes "Book"."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    payload = payload.ljust(max(4096, -(-len(payload) // 512) * 512), b"\0")
    sectors = len(payload) // 512
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, free)
    fat = [fat_sector, end, *range(3, 2 + sectors), end]
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBBIII", raw, 64, len(encoded) + 2, kind, 1, free, free, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, free, 2, len(payload))
    return bytes(header) + fat_bytes + directory.ljust(512, b"\0") + payload


def test_an_excel_95_workbook_gets_a_clear_answer(tmp_path):
    path = tmp_path / "old.xls"
    bof = struct.pack("<HHHH", 0x0809, 8, 0x0500, 0x0005) + b"\0" * 4  # BIFF5 BOF of a workbook
    path.write_bytes(_cfb("Book", bof))
    assert refused(path) == MSG_BIFF5


def test_a_big5_csv_gets_a_clear_answer(tmp_path):
    path = tmp_path / "big5.csv"
    path.write_bytes("姓名,身份證號碼,入會日期\n張三,32032219900101123X,2020-01-01\n".encode("big5"))
    assert refused(path) == MSG_BIG5


def test_a_csv_field_past_the_limit_is_explained_in_chinese(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text(",".join(HEADER) + "\n" + '张三,"32032219900101123X,' + "x" * 200_000 + "\n")
    message = refused(path)
    assert "个字符" in message and "field" not in message


def test_a_file_that_is_not_what_its_name_says(tmp_path):
    png = tmp_path / "roster.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    assert refused(png) == MSG_UNREADABLE
    page = tmp_path / "roster.xls"
    page.write_text("<html><table><tr><td>姓名</td></tr></table></html>")
    assert refused(page) == MSG_WEB_PAGE


# ---------------------------------------------------------------- the child process


def _big_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(HEADER) + "\n")
        for i in range(rows):
            handle.write(f"张{i},32032219900101123X,2020-01-01\n")
    return path


def test_a_reader_killed_by_a_signal_gives_a_chinese_error(tmp_path):
    path = _big_csv(tmp_path / "r.csv", 50_000)
    _sheet, rows = open_table_isolated(path, pipeline.COLUMNS, limits=Limits(), memory_mb=1024, seconds=60)
    next(rows)
    os.kill(rows.process.pid, signal.SIGKILL)  # type: ignore[attr-defined]  # as an abort in Rust would
    with pytest.raises(TabularError) as caught:
        list(rows)
    assert str(caught.value) == MSG_DIED


def test_a_reader_out_of_time_gives_a_chinese_error(tmp_path):
    path = _big_csv(tmp_path / "r.csv", 300_000)
    assert refused(path, seconds=1) == MSG_TIMEOUT


def test_a_reader_out_of_memory_gives_a_chinese_error(tmp_path):
    path = _big_csv(tmp_path / "r.csv", 1000)
    assert refused(path, memory_mb=32) in (MSG_MEMORY, MSG_DIED)


def test_a_preview_that_stops_early_ends_the_child(tmp_path):
    path = _big_csv(tmp_path / "r.csv", 50_000)
    _sheet, rows = open_table_isolated(path, pipeline.COLUMNS, limits=Limits(), memory_mb=1024, seconds=60)
    process = rows.process  # type: ignore[attr-defined]
    assert next(rows).values["name"] == "张0"
    del rows
    process.join(5)
    assert not process.is_alive()


def test_the_isolated_reader_gives_what_the_reader_gives(tmp_path):
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名册")
    for r, row in enumerate([HEADER, PERSON, ["李四", "320322199001011234", "2021-5-1"]]):
        sheet.write_row(r, 0, row)
    book.close()
    direct_sheet, direct = open_table(path, pipeline.COLUMNS, compact=pipeline.COMPACT)
    sheet, rows = read(path)
    assert (sheet.name, sheet.header_row, sheet.columns) == (
        direct_sheet.name,
        direct_sheet.header_row,
        direct_sheet.columns,
    )
    assert [(r.number, r.values) for r in rows] == [(r.number, r.values) for r in direct]


def test_a_vanished_file_is_a_file_not_found_error_as_in_this_process(tmp_path):
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "gone.xlsx")
