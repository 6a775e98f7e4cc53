"""Streaming exports of any list in the platform, to Excel (xlsx) or CSV.

Every list page that offers 导出 hands its rows here as an iterator — normally
`queryset.iterator(chunk_size=2000)` mapped to tuples — never as a list of the whole table, so
memory stays flat however many rows there are:

* `stream_csv` writes as the response is sent (`StreamingHttpResponse`), UTF-8 with a BOM so
  Excel and WPS open the Chinese text correctly.
* `stream_xlsx` cannot stream byte by byte (an xlsx file is a zip whose directory comes last), so
  it writes with xlsxwriter in `constant_memory` mode to a temporary file and sends that file;
  the file is removed when the response is closed (at once on POSIX, where an open file can be
  unlinked).

Both neutralise formula injection (OWASP "CSV Injection"): a text cell that starts with `=`,
`+`, `-`, `@`, tab or carriage return gets a leading apostrophe, so a spreadsheet never runs a
value a user typed into the platform. Numbers stay numbers: money columns (`money_columns`) get
the `#,##0.00` number format, and a single cell can carry its own format (`Cell`). Exports stop at `MAX_EXPORT_ROWS`
with a message row saying so.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import tempfile
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# Fixed on purpose (not a setting): an Excel sheet holds 1,048,576 rows, and an export larger
# than this is a sign the filters are too wide.
MAX_EXPORT_ROWS = 1_000_000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BOM = "\ufeff"
_WIDTH_SAMPLE_ROWS = 500  # column widths are measured on the header and the first rows
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_CSV_BATCH = 500  # rows per chunk sent to the client
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Cell:
    """A number with its own Excel number format (e.g. `Cell(0.667, "0.0%")`); CSV writes the value."""

    value: Any
    num_format: str


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in one cell value.

    A string starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'`;
    anything else (numbers, dates, None, other strings) is returned unchanged.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def cut_message(limit: int) -> str:
    return _("（已达导出上限 %(limit)s 行，其余记录未导出。请缩小筛选范围后分批导出。）") % {"limit": f"{limit:,}"}


def _normalise(value: Any) -> Any:
    """Cell values both writers understand: None → "", booleans → 是/否, lazy text → str."""
    if isinstance(value, Cell):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Promise):
        return str(value)
    return value


def _local_naive(value: dt.datetime) -> dt.datetime:
    """Spreadsheets have no time zones: show the platform's local time (Asia/Shanghai)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return _local_naive(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _display_width(value: Any) -> int:
    """Width in Excel character units: CJK characters take two."""
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    text = _text(value)
    widest = 0
    for line in text.splitlines() or [""]:
        width = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
        widest = max(widest, width)
    return widest


def _limited(rows: Iterable[Sequence[Any]], limit: int) -> Iterator[tuple[bool, Sequence[Any]]]:
    """Yield (False, row) for up to `limit` rows, then (True, message row) if more remained."""
    for count, row in enumerate(rows):
        if count >= limit:
            yield True, (cut_message(limit),)
            return
        yield False, row


def _with_extension(filename: str, ext: str) -> str:
    return filename if filename.lower().endswith(ext) else filename + ext


class _Echo:
    """A file-like whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def stream_csv(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, max_rows: int | None = None
) -> StreamingHttpResponse:
    """A CSV download written while it is sent (UTF-8 with BOM, CRLF lines, safe cells)."""
    limit = MAX_EXPORT_ROWS if max_rows is None else max_rows
    writer = csv.writer(_Echo())

    def line(values: Sequence[Any]) -> str:
        return writer.writerow([_text(safe_cell(_normalise(v))) for v in values])

    def content() -> Iterator[bytes]:
        yield (_BOM + line(headers)).encode("utf-8")
        batch: list[str] = []
        for _cut, row in _limited(rows, limit):
            batch.append(line(row))
            if len(batch) >= _CSV_BATCH:
                yield "".join(batch).encode("utf-8")
                batch = []
        if batch:
            yield "".join(batch).encode("utf-8")

    response = StreamingHttpResponse(content(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=_with_extension(filename, ".csv")) or ""
    )
    response["Cache-Control"] = "no-store"
    return response


def write_csv(path: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, max_rows: int | None = None) -> int:
    """Write a CSV file as `stream_csv` sends one (UTF-8 with BOM, CRLF, safe cells), in constant
    memory; returns the number of data rows written."""
    limit = MAX_EXPORT_ROWS if max_rows is None else max_rows
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(_BOM)
        writer = csv.writer(out)
        writer.writerow([_text(safe_cell(_normalise(v))) for v in headers])
        for cut, row in _limited(rows, limit):
            writer.writerow([_text(safe_cell(_normalise(v))) for v in row])
            written += 0 if cut else 1
    return written


class _TemporaryFile(io.FileIO):
    """A read handle on a temporary file that removes the file when closed."""

    def close(self) -> None:
        path = self.name
        try:
            super().close()
        finally:
            if isinstance(path, str):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)


def write_xlsx(
    path: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str | None = None,
    max_rows: int | None = None,
    money_columns: Collection[int] = (),
) -> int:
    """Write one sheet to `path` in constant memory; returns the number of data rows written.

    Numbers in `money_columns` (0-based) are written with the `#,##0.00` format."""
    from gefeng.core import replica  # the rows are read while the sheet is written

    with replica.reading():
        return _write_xlsx(path, headers, rows, sheet_name=sheet_name, max_rows=max_rows, money_columns=money_columns)


def _write_xlsx(
    path: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str | None,
    max_rows: int | None,
    money_columns: Collection[int],
) -> int:
    limit = MAX_EXPORT_ROWS if max_rows is None else max_rows
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        sheet = workbook.add_worksheet(sheet_name or None)
        bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1})
        datetime_fmt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
        cut_fmt = workbook.add_format({"bold": True, "font_color": "#C00000"})
        formats: dict[str, Any] = {MONEY_FORMAT: workbook.add_format({"num_format": MONEY_FORMAT})}

        def number_format(num_format: str) -> Any:
            if num_format not in formats:
                formats[num_format] = workbook.add_format({"num_format": num_format})
            return formats[num_format]

        sheet.freeze_panes(1, 0)
        widths = [_display_width(h) for h in headers]
        for col, header in enumerate(headers):
            sheet.write_string(0, col, str(safe_cell(_normalise(header))), bold)
        written = 0
        for index, (cut, row) in enumerate(_limited(rows, limit), start=1):
            if cut:
                sheet.write_string(index, 0, str(row[0]), cut_fmt)
                break
            for col, raw in enumerate(row):
                value = safe_cell(_normalise(raw))
                if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    if isinstance(raw, Cell):
                        sheet.write_number(index, col, value, number_format(raw.num_format))
                    elif col in money_columns:
                        sheet.write_number(index, col, value, formats[MONEY_FORMAT])
                    else:
                        sheet.write_number(index, col, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(index, col, _local_naive(value), datetime_fmt)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(index, col, value, date_fmt)
                elif isinstance(value, str):
                    sheet.write_string(index, col, value)
                else:
                    sheet.write(index, col, value)
                if index <= _WIDTH_SAMPLE_ROWS:
                    if col >= len(widths):
                        widths.append(0)
                    widths[col] = max(widths[col], _display_width(value))
            written = index
        # In constant_memory mode the column widths are still written when the file is closed.
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH))
    finally:
        workbook.close()
    return written


def stream_xlsx(
    filename: str,
    headers: Sequence[Any],
    rows_iterable: Iterable[Sequence[Any]],
    *,
    sheet_name: str | None = None,
    max_rows: int | None = None,
    money_columns: Collection[int] = (),
) -> FileResponse:
    """An xlsx download: bold frozen header row, fitted column widths, safe cells.

    The workbook is built in a temporary file (constant memory) and sent with a `FileResponse`
    that deletes the file when the response is closed. The Chinese file name goes out as
    RFC 5987 `filename*=UTF-8''…`.
    """
    fd, path = tempfile.mkstemp(prefix="gefeng-export-", suffix=".xlsx")
    os.close(fd)
    try:
        write_xlsx(path, headers, rows_iterable, sheet_name=sheet_name, max_rows=max_rows, money_columns=money_columns)
        handle = _TemporaryFile(path, "rb")
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise
    if os.name == "posix":
        # The open handle keeps the data; nothing is left behind even if the response is
        # never closed (a client that disconnects, a crashed worker).
        with contextlib.suppress(OSError):
            os.unlink(path)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_with_extension(filename, ".xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store"
    return response


def download(
    *,
    actor: Any,
    action: str,
    filename: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    sheet_name: str | None = None,
    object_type: str = "",
    object_repr: str = "",
    obj: Any = None,
    changes: dict[str, Any] | None = None,
    max_rows: int | None = None,
    money_columns: Collection[int] = (),
) -> FileResponse:
    """Every xlsx download of the platform: the workbook (`stream_xlsx`: safe cells, constant
    memory) and its entry in the audit log (`action`, with the rows written), in one call.

    A view builds the rows from what `core.scope` lets the actor see and calls this; the row
    count goes into the entry's changes as `rows`."""
    from gefeng.core import audit  # the readers' child process imports this module before Django is set up

    counted = _Counted(rows)
    response = stream_xlsx(
        filename, headers, counted, sheet_name=sheet_name, max_rows=max_rows, money_columns=money_columns
    )
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_repr=object_repr or filename,
        changes={**(changes or {}), "format": "xlsx", "rows": counted.count},
    )
    return response


class _Counted:
    """An iterable that counts what was taken from it."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row
