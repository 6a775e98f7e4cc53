"""Reading the spreadsheets county officials really send: the layer under every Excel import.

`open_table(path, columns)` turns an uploaded file into a `Sheet` (which sheet, which row is the
header, where each known column is) and a lazy iterator of `Row`s: cleaned text keyed by the
canonical field names, with the row number Excel shows. File-level problems raise
`TabularError` with a Chinese message for the uploader. Business validation (ID numbers, dates,
phones) is the importer's job; nothing here touches the database.

What real files look like, and what is done about it:

* Formats are told by content, not by name: a zip with `xl/workbook.xml` is xlsx (a roster
  renamed to .txt still opens), a zip whose `mimetype` says spreadsheet is ods, an OLE file is
  xls — unless it holds an `EncryptionInfo` stream, which is how Excel stores a password-protected
  xlsx. Anything else must be text: CSV or tab/semicolon separated, in UTF-8 (with or without
  BOM), UTF-16 with BOM (Excel's "Unicode 文本") or GB18030 (which covers GBK and GB2312). A web
  page or XML saved with an .xls name is refused with a hint to save it as .xlsx.
* The data sheet is the first sheet (visible sheets first) whose first 30 rows contain a header
  with every required column, so 填表说明 sheets before or after it are skipped. Title rows above
  the header are skipped; a header split over two rows (merged "联系方式" above "手机号") is read
  as one.
* Header text is compared after NFKC, with all whitespace, a leading `*`, a trailing `*`, `:`,
  `(必填)` / `(选填)` removed and case ignored; `身份证号(18位)` falls back to `身份证号`.
* Cells become text: NFKC (full-width digits and letters to half-width), U+3000 and zero-width
  characters removed, whitespace collapsed (removed entirely for `compact` keys such as ID
  numbers and phones), an Excel leading apostrophe dropped, integral numbers without ".0",
  dates as YYYY-MM-DD, booleans 是/否. A number of 10^15 or more (an ID number Excel stored as a
  number, its last digits already lost) is kept in scientific notation so the importer can say so
  (`lost_digits`).
* Rows whose known columns are all empty are skipped (blank rows anywhere, and the numbered but
  empty rows of a template), as are totals rows (合计 / 总计 / 小计) and the header repeated
  further down; reading goes on after them.

Memory: CSV is read line by line. For Excel formats python-calamine holds the chosen sheet's
cells in its own (Rust) memory; rows are converted to Python one at a time (`iter_rows`), so the
sheet never lives in memory twice. Before a workbook reaches a reader, `core.tabular_guard` checks
its declared and real unpacked sizes, its sheets' extent and its XML (no DTD) against `Limits`;
a sheet whose rectangle python-calamine would build too large goes to the streaming reader.
Uploads are read through `core.tabular_isolated`, in a child process with memory and time limits.

Also here: `parse_date` for the date forms people type, `excel_serial_to_date`, and
`write_rejects_xlsx` for handing the refused rows back with their reasons.

The package, by section: `cells` (Column, Sheet, Row, cell text), `dates`, `sniffing` (telling
the format), `csvfile` and `calamine` (row sources), `xlsx_xml` and `xlsx_stream` (the streaming
.xlsx reader), `header` (finding the header), `rejects` (the refused rows written back); reading
itself (`open_table`) is here. Nothing in it imports Django models, so `core.tabular_isolated`
can preload it in the forkserver before Django is set up.
"""

from __future__ import annotations

import itertools
import os
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from gefeng.core.tabular.calamine import _calamine, _workbook_sources
from gefeng.core.tabular.cells import (
    _TOTAL,
    ABOVE_CHARS,
    ABOVE_ROWS,
    HEADER_SCAN_ROWS,
    MSG_BIFF5,
    MSG_BIG5,
    MSG_EMPTY,
    MSG_ENCRYPTED,
    MSG_UNREADABLE,
    MSG_WEB_PAGE,
    REASON_LABEL,
    Column,
    Row,
    Sheet,
    _clean_str,
    _clean_str_repeated,
    _Source,
    cell_text,
    column_letter,
    format_size,
    lost_digits,
    normalize_header,
)
from gefeng.core.tabular.csvfile import _csv_source
from gefeng.core.tabular.dates import excel_serial_to_date, parse_date
from gefeng.core.tabular.header import _Header, _Matcher, _missing_message
from gefeng.core.tabular.rejects import write_rejects_xlsx
from gefeng.core.tabular.sniffing import _decodes_as_text, _sniff_format
from gefeng.core.tabular.xlsx_stream import _xlsx_sources, _XlsxBook
from gefeng.core.tabular_guard import (
    CALAMINE_MAX_CELLS,
    DEFAULT_LIMITS,
    Limits,
    TabularError,
    scan_xlsx,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)

__all__ = [
    "HEADER_SCAN_ROWS",
    "MSG_BIFF5",
    "MSG_BIG5",
    "MSG_EMPTY",
    "MSG_ENCRYPTED",
    "MSG_UNREADABLE",
    "MSG_WEB_PAGE",
    "REASON_LABEL",
    "STREAM_XLSX_FROM",
    "Column",
    "Limits",
    "Row",
    "Sheet",
    "TabularError",
    "cell_text",
    "column_letter",
    "excel_serial_to_date",
    "format_size",
    "lost_digits",
    "normalize_header",
    "open_table",
    "parse_date",
    "write_rejects_xlsx",
]

# An .xlsx file of this many bytes or more is read by the streaming reader below, whose memory
# stays flat; a smaller one by python-calamine (the reference the reader is tested against), a
# third faster but holding the whole sheet — about 15 times the file's size, ~240 MB at this
# threshold (≈ 165,000 roster rows). 0: stream every .xlsx; None: never.
STREAM_XLSX_FROM: int | None = 16 * 1024 * 1024

# --------------------------------------------------------------------------------------------
# Reading


def open_table(
    path: str | Path,
    columns: list[Column],
    *,
    max_bytes: int | None = None,
    filename: str | None = None,
    compact: Collection[str] = frozenset(),
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Sheet, Iterator[Row]]:
    """Open an uploaded table: find the data sheet and its header, and stream its rows.

    `columns` describes the fields; `compact` names the keys whose cells lose all inner
    whitespace (ID numbers, phones). `filename` is the name the file was uploaded under (the
    path is often a temporary file). Raises TabularError before any row is read when the file
    is too large, empty, not a spreadsheet, encrypted, or has no sheet with the required columns.
    Rows are read lazily; a broken CSV line further down raises TabularError while iterating.
    `limits` bounds rows, columns, cells and unpacked bytes (see `core.tabular_guard`). Run this
    in the web or job process only for trusted files: uploads go through
    `core.tabular_isolated.open_table_isolated`, which reads in a child process.
    """
    path = Path(path)
    display = filename or path.name
    matcher = _Matcher(columns)
    size = path.stat().st_size
    if size == 0:
        raise TabularError(MSG_EMPTY)
    if max_bytes is not None and size > max_bytes:
        raise TabularError(f"文件大小 {format_size(size)}，超过上限 {format_size(max_bytes)}，请拆分后分批导入。")
    fmt = _sniff_format(path, limits)
    encoding = ""
    workbook: CalamineWorkbook | None = None
    if fmt == "csv":
        source, encoding = _csv_source(path, display)
        sources: Iterator[_Source] = iter((source,))
    elif fmt == "xlsx" and (
        (STREAM_XLSX_FROM is not None and size >= STREAM_XLSX_FROM) or _too_wide_for_calamine(path, limits)
    ):
        sources = _xlsx_sources(path, limits)
    else:
        workbook = _calamine(lambda: CalamineWorkbook.from_path(os.fspath(path)))
        sources = _workbook_sources(workbook)
    looked: list[str] = []
    best: _Header | None = None
    try:
        for source in sources:
            looked.append(source.name)
            source.rows = _limited(source.rows, source.offset, limits)
            head = list(itertools.islice(source.rows, HEADER_SCAN_ROWS + 1))
            header, partial = matcher.find(head, source.offset)
            if header is None:
                if partial is not None and (best is None or len(partial.columns) > len(best.columns)):
                    best = partial
                continue
            sheet = Sheet(
                name=source.name,
                header_row=header.index + 1,
                columns=header.columns,
                unknown=header.unknown,
                notes=header.notes,
                format=fmt,
                encoding=encoding,
                above=_above(head[: header.index]),
            )
            rest = itertools.chain(head[header.index + 1 :], source.rows)
            return sheet, _rows(rest, header.index + 2, source.offset, sheet, header.texts, matcher, compact)
    finally:
        if workbook is not None:  # loaded sheets stay readable after the book is closed
            _calamine(workbook.close)
    if encoding == "gb18030" and _big5_header(path, display, matcher, best, limits):
        raise TabularError(MSG_BIG5)
    raise TabularError(_missing_message(matcher, best, looked, fmt))


def _above(rows: Sequence[Sequence[Any]]) -> list[str]:
    """The non-empty rows above the header as text (a title, 填报单位), bounded."""
    out = []
    for cells in rows[:ABOVE_ROWS]:
        text = " ".join(t for t in (cell_text(c) for c in cells) if t)[:ABOVE_CHARS]
        if text:
            out.append(text)
    return out


def _big5_header(path: Path, display: str, matcher: _Matcher, best: _Header | None, limits: Limits) -> bool:
    """Whether a text file read as GB18030 (Big5 bytes nearly always decode as GB18030, as
    nonsense) shows more of the header when read as Big5: then the file is traditional Chinese."""
    if not _decodes_as_text(path, "big5"):
        return False
    source, _ = _csv_source(path, display, "big5")
    head = list(itertools.islice(_limited(source.rows, 0, limits), HEADER_SCAN_ROWS + 1))
    header, partial = matcher.find(head, 0)
    found = header or partial
    return found is not None and len(found.columns) > (len(best.columns) if best else 0)


def _too_wide_for_calamine(path: Path, limits: Limits) -> bool:
    """Whether a sheet's rectangle (declared, or reached by its cells) is more than
    python-calamine may build; refuses the file outright past the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = _XlsxBook(archive)
            parts = [found for _, part, _ in book.sheets if (found := book.part(part))]
            return scan_xlsx(archive, parts, limits).rectangle > CALAMINE_MAX_CELLS
    except TabularError:
        raise
    except (ElementTree.ParseError, KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError):
        raise TabularError(MSG_UNREADABLE) from None


def _limited(rows: Iterator[Sequence[Any]], offset: int, limits: Limits) -> Iterator[Sequence[Any]]:
    """Rows as they come, refused past the row, column or cell limit."""
    cells = 0
    for number, row in enumerate(rows, start=1):
        width = len(row)
        if width + offset > limits.columns:
            raise too_many_columns(width + offset, limits, f"第 {number:,} 行：")
        cells += width
        if cells > limits.cells:
            raise too_many_cells(cells, limits)
        if number > limits.rows:
            raise too_many_rows(number, limits)
        yield row


def _rows(
    rows: Iterable[Sequence[Any]],
    first_number: int,
    offset: int,
    sheet: Sheet,
    header_texts: dict[str, str],
    matcher: _Matcher,
    compact: Collection[str],
) -> Iterator[Row]:
    present = [
        (c.key, sheet.columns[c.key] - offset, c.key in compact) for c in matcher.columns if c.key in sheet.columns
    ]
    clean = _clean_str_repeated
    order = [c.key for c in matcher.columns]
    # A header repeated further down (sheets pasted together) is recognised by its first
    # required (or first present) column.
    guard_key = next((key for key, _, _ in present if key in matcher.required), present[0][0])
    column = matcher.by_key[guard_key]
    guard_texts = {header_texts[guard_key], *(cell_text(t) for t in (column.label, *column.aliases))}
    blank = dict.fromkeys(order, "")  # absent columns stay empty; keys in the columns' order
    for number, cells in enumerate(rows, start=first_number):
        width = len(cells)
        found = blank.copy()
        filled = False
        for key, index, squeeze in present:
            if index >= width:
                continue
            raw = cells[index]
            if raw.__class__ is str:  # most cells: cell_text's first case, without the call
                value = (_clean_str(raw, True) if squeeze else clean(raw, False)) if raw else ""
            else:
                value = cell_text(raw, compact=squeeze)
            if value:
                found[key] = value
                filled = True
        if not filled:
            continue  # blank, or only cells outside the known columns (序号 of an empty row)
        if _is_total(cells):
            continue
        if found[guard_key] in guard_texts and _is_header_again(found, matcher):
            continue
        yield Row(number=number, values=found)


def _is_total(cells: Sequence[Any]) -> bool:
    for raw in cells:
        if raw is None or raw == "" or (isinstance(raw, str) and not cell_text(raw)):
            continue
        return isinstance(raw, str) and "计" in raw and bool(_TOTAL.match(normalize_header(raw)))
    return False


def _is_header_again(found: dict[str, str], matcher: _Matcher) -> bool:
    keys = [key for key, value in found.items() if value]
    return all(matcher.lookup(found[key]) == key for key in keys)
