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
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import itertools
import os
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

import xlsxwriter
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from gefeng.core.exports import safe_cell
from gefeng.core.tabular_guard import (
    CALAMINE_MAX_CELLS,
    DEFAULT_LIMITS,
    Limits,
    TabularError,
    check_zip,
    measured,
    refuse_dtd,
    scan_xlsx,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)

__all__ = [
    "HEADER_SCAN_ROWS",
    "Column",
    "Limits",
    "Row",
    "Sheet",
    "TabularError",
    "cell_text",
    "excel_serial_to_date",
    "format_size",
    "lost_digits",
    "normalize_header",
    "open_table",
    "parse_date",
    "write_rejects_xlsx",
]

HEADER_SCAN_ROWS = 30  # the header must be within the first 30 rows of a sheet
# An .xlsx file of this many bytes or more is read by the streaming reader below, whose memory
# stays flat; a smaller one by python-calamine (the reference the reader is tested against), a
# third faster but holding the whole sheet — about 15 times the file's size, ~240 MB at this
# threshold (≈ 165,000 roster rows). 0: stream every .xlsx; None: never.
STREAM_XLSX_FROM: int | None = 16 * 1024 * 1024
REASON_LABEL = "错误原因"

MSG_EMPTY = "文件是空的（0 字节），请检查是否选错了文件。"
MSG_UNREADABLE = "无法读取该文件：不是有效的 Excel（.xlsx/.xls/.ods）或 CSV 文件。"
MSG_ENCRYPTED = "文件已加密，请取消密码后再导入。"
MSG_BIFF5 = "不支持 Excel 95 格式，请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
MSG_BIG5 = (
    "文件似乎是繁体中文（Big5）编码，表头与模板不符。"
    "请用 Excel 或 WPS 打开后另存为 .xlsx（或 UTF-8 编码的 CSV），表头使用模板中的简体文字。"
)
MSG_WEB_PAGE = (
    "无法读取该文件：它实际是网页（HTML）或 XML 格式，只是扩展名像 Excel 文件。"
    "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再导入。"
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# Stream names (directory entries, UTF-16LE) that mark an encrypted OOXML package (MS-OFFCRYPTO).
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_BIFF5_STREAM = "Book".encode("utf-16-le")  # Excel 5.0/95 workbooks
_BIFF8_STREAM = "Workbook".encode("utf-16-le")  # Excel 97 and later
_OLE_NAMES = (*_ENCRYPTION_STREAMS, _BIFF5_STREAM, _BIFF8_STREAM)
_OLE_DIR_ENTRY = 128  # directory entries are 128 bytes and sectors are multiples of 512
_CHUNK = 1 << 20

# Removed from every cell: ideographic space (used to pad two-character names) and invisible
# characters that come with text pasted from web pages and chat apps.
_DROP = dict.fromkeys(map(ord, "\u3000\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")
_HEADER_LEAD = re.compile(r"^[*※]+")
_HEADER_TRAIL = re.compile(r"(?:\*|:|\((?:必填|必填项|选填|可选|非必填)\))+$")
_HEADER_NOTE = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】)$")
_TOTAL = re.compile(r"^(?:合计|总计|小计)(?::.*)?$")
_LOST_DIGITS = re.compile(r"^-?\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """One field an import understands: its key, its Chinese label, other header texts for it."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Sheet:
    name: str  # the worksheet's name (for CSV: the file name)
    header_row: int  # 1-based row number of the header (its last row when it spans two)
    columns: dict[str, int]  # key -> 0-based column index (0 = column A)
    unknown: list[str]  # header texts that match no column
    notes: list[str] = field(default_factory=list)  # things worth telling the uploader (Chinese)
    format: str = ""  # "xlsx", "xlsb", "xls", "ods" or "csv"
    encoding: str = ""  # for CSV: the detected encoding


@dataclass
class Row:
    number: int  # 1-based row number as Excel shows it (for CSV: the record number)
    values: dict[str, str]  # key -> cleaned text ('' if empty or the column is absent)


# --------------------------------------------------------------------------------------------
# Small public helpers


def format_size(size: int) -> str:
    """A byte count the way people say it: "312.5 MB", "50 MB", "800 KB", "12 字节"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            text = f"{size / factor:.1f}"
            return f"{text.removesuffix('.0')} {unit}"
    return f"{size} 字节"


def column_letter(index: int) -> str:
    """0 → "A", 27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def normalize_header(value: object) -> str:
    """Header text in comparable form: NFKC, no whitespace, no */(必填) decoration, case-folded."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).translate(_DROP)
    text = "".join(text.split())
    text = _HEADER_LEAD.sub("", text)
    text = _HEADER_TRAIL.sub("", text)
    return text.casefold()


def lost_digits(text: str) -> bool:
    """True for a number in scientific notation ("3.20322199001011e+17", "3.20322E+17").

    That is what is left of an ID number or bank card number that Excel stored as a number:
    the digits after the 15th are gone and cannot be recovered from the file.
    """
    return bool(_LOST_DIGITS.match(text))


@functools.lru_cache(maxsize=65_536)
def _nfkc(text: str) -> str:
    """NFKC without the dropped characters; cached, as names and choices repeat down a column."""
    return unicodedata.normalize("NFKC", text.translate(_DROP))


def _clean_str(text: str, compact: bool) -> str:
    if not text.isascii():
        text = _nfkc(text) if len(text) <= 64 else unicodedata.normalize("NFKC", text.translate(_DROP))
    parts = text.split()
    text = parts[0] if len(parts) == 1 else ("" if compact else " ").join(parts)
    if text.startswith("'"):  # Excel's "store as text" marker, typed or exported
        text = text[1:].strip()
    return text


# The same for the cells of columns whose values repeat down the sheet (民族, 学历, 工种, dates …);
# ID numbers, phones and card numbers (the compact columns) are unique and skip the cache.
_clean_str_repeated = functools.lru_cache(maxsize=8192)(_clean_str)


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    # 15 significant digits is all Excel keeps; 10^15 and above come out in scientific notation,
    # never as a plausible-looking integer whose last digits are invented.
    return format(value, ".15g")


def cell_text(value: Any, *, compact: bool = False) -> str:
    """One cell as clean text (see the module docstring for the rules)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return _clean_str(value, compact) if value else ""
    if kind is float:
        return _float_text(value)
    if kind is bool:
        return "是" if value else "否"
    if kind is int:
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return _clean_str(str(value), compact)


# --------------------------------------------------------------------------------------------
# Dates


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31
_TIME_SUFFIX = re.compile(r"^(.+?)(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
_DATE_FORMS = (
    re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$"),  # 2019-05-01 2019/5/1 2019.5.1
    re.compile(r"^(\d{4})()年(\d{1,2})月(\d{1,2})[日号]?$"),  # 2019年5月1日
    re.compile(r"^(\d{4})()(\d{2})(\d{2})$"),  # 20190501
    re.compile(r"^(\d{4})([-/.])(\d{1,2})()$"),  # 2019-5 → 1 May
    re.compile(r"^(\d{4})()年(\d{1,2})月?()$"),  # 2019年5月
    re.compile(r"^(\d{4})()(\d{2})()$"),  # 201905
)
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def excel_serial_to_date(serial: float) -> dt.date:
    """The date of an Excel serial number (1900 date system, 1 = 1900-01-01)."""
    whole = int(serial)
    if not 1 <= whole <= _MAX_SERIAL:
        raise ValueError(f"Excel 日期序号 {whole} 超出范围（1–{_MAX_SERIAL}）。")
    if whole == 60:  # Excel's 1900-02-29, a day that never was (kept for Lotus 1-2-3)
        raise ValueError("Excel 日期序号 60 对应 1900 年 2 月 29 日，该日期不存在。")
    if whole < 60:
        return _EXCEL_EPOCH + dt.timedelta(days=whole + 1)
    return _EXCEL_EPOCH + dt.timedelta(days=whole)


def parse_date(text: str) -> dt.date:
    """A date as people type it in a roster; raises ValueError with a Chinese message.

    Accepts 2019-05-01, 2019/5/1, 2019.05.01, 2019年5月1日, 20190501, a month alone (2019-5,
    2019年5月, 201905 → the 1st), an optional time after the date, full-width digits, and an
    Excel serial number written as text (5 digits, 10000–80000, e.g. "43586" → 2019-05-01).
    """
    iso = _ISO_DATE.fullmatch(text) if text.__class__ is str else None
    if iso:  # what cell_text makes of a date cell: the other forms give the same for it
        return _ymd(text, int(iso[1]), int(iso[2]), int(iso[3]))
    raw = unicodedata.normalize("NFKC", str(text if text is not None else "")).translate(_DROP).strip()
    if not raw:
        raise ValueError("日期为空。")
    match = _TIME_SUFFIX.match(raw)
    value = "".join((match.group(1) if match else raw).split())
    serial = _SERIAL.match(value)
    if serial:
        number = int(serial.group(1))
        if 10_000 <= number <= 80_000:
            return excel_serial_to_date(number)
    for form in _DATE_FORMS:
        found = form.match(value)
        if not found:
            continue
        year, month = int(found.group(1)), int(found.group(3))
        day = int(found.group(4)) if found.group(4) else 1
        return _ymd(raw, year, month, day)
    raise ValueError(f"无法识别的日期“{raw}”，请写成 2019-05-01 这样的格式。")


def _ymd(raw: str, year: int, month: int, day: int) -> dt.date:
    if year < 1900:
        raise ValueError(f"日期“{raw}”的年份 {year} 不合理。")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期不存在：{year} 年 {month} 月 {day} 日。") from None


# --------------------------------------------------------------------------------------------
# Telling the format


def _sniff_format(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The format from the bytes ("xlsx", "xlsb", "ods", "xls", "csv"); TabularError if none."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path, limits)
    if head == _OLE_MAGIC:
        streams = _ole_streams(path)
        if streams & set(_ENCRYPTION_STREAMS):
            raise TabularError(MSG_ENCRYPTED)
        if _BIFF5_STREAM in streams and _BIFF8_STREAM not in streams:
            raise TabularError(MSG_BIFF5)
        return "xls"
    return "csv"


def _zip_format(path: Path, limits: Limits) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            check_zip(archive, limits)
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200)
                if b"opendocument.spreadsheet" in mimetype:
                    scan_xlsx(archive, (), limits)  # real sizes and no DTD, before calamine
                    return "ods"
                raise TabularError(MSG_UNREADABLE + "该文件似乎是其他类型的 OpenDocument 文档。")
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "word/document.xml" in names:
                raise TabularError(MSG_UNREADABLE + "该文件似乎是 Word 文档。")
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError):
        raise TabularError(MSG_UNREADABLE) from None
    raise TabularError(MSG_UNREADABLE)


def _ole_streams(path: Path) -> set[bytes]:
    """Which of the streams that matter (encryption, BIFF5 "Book", BIFF8 "Workbook") an OLE
    compound file's directory names.

    Directory entries start on 128-byte boundaries (sectors are 512 or 4096 bytes) with the
    name's length (bytes, with the terminating NUL) at offset 64, so a name is only counted
    there; the same bytes inside cell text cannot trigger it by accident.
    """
    found: set[bytes] = set()
    with path.open("rb") as handle:
        offset = 0
        while chunk := handle.read(_CHUNK):  # _CHUNK is a multiple of 128: entries never straddle
            for name in _OLE_NAMES:
                at = chunk.find(name)
                while at != -1:
                    start = offset + at
                    length = chunk[at + 64 : at + 66]
                    if start % _OLE_DIR_ENTRY == 0 and int.from_bytes(length, "little") == len(name) + 2:
                        found.add(name)
                    at = chunk.find(name, at + 1)
            offset += len(chunk)
    return found


def _text_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        if _decodes_as_text(path, encoding):
            return encoding
    raise TabularError(MSG_UNREADABLE)


def _decodes_as_text(path: Path, encoding: str) -> bool:
    """One streaming pass: the whole file decodes strictly and has no binary control bytes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                if _BINARY.search(decoder.decode(chunk)):
                    return False
            return not _BINARY.search(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            return False


def _sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[: HEADER_SCAN_ROWS * 2] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        score = (sum(delimiter in line for line in lines), sum(line.count(delimiter) for line in lines))
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --------------------------------------------------------------------------------------------
# Row sources: each gives the rows of one sheet from row 1 on, as lists of raw cell values


@dataclass
class _Source:
    name: str
    rows: Iterator[Sequence[Any]]
    offset: int = 0  # column index of the first cell in each row


def _csv_source(path: Path, display: str, encoding: str | None = None) -> tuple[_Source, str]:
    encoding = encoding or _text_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
    head = sample.lstrip()[:1024].lower()
    if head.startswith("<") and any(
        tag in head for tag in ("<html", "<table", "<?xml", "<!doctype", "<head", "<meta", "<workbook")
    ):
        raise TabularError(MSG_WEB_PAGE)
    delimiter = _sniff_delimiter(sample)

    def rows() -> Iterator[Sequence[Any]]:
        reader = None
        try:
            with path.open(encoding=encoding, newline="") as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                yield from reader
        except (csv.Error, UnicodeDecodeError) as error:
            where = f"第 {reader.line_num} 行附近" if reader is not None else "文件"
            raise TabularError(
                f"{where}无法读取（{_csv_problem(error)}）。请检查该处的引号是否成对，或另存为 .xlsx 后再导入。"
            ) from None

    return _Source(name=display, rows=rows()), encoding


def _csv_problem(error: Exception) -> str:
    """The csv module's English complaint, said in Chinese."""
    text = str(error)
    if isinstance(error, UnicodeDecodeError):
        return "文字编码有误"
    if "field larger than field limit" in text:
        return f"有一个单元格超过 {csv.field_size_limit():,} 个字符，多半是引号没有成对"
    if "NUL" in text:
        return "含有空字符（NUL），文件可能已损坏"
    if "new-line character" in text or "unexpected end of data" in text or "EOF" in text:
        return "引号内的内容一直延续到了文件末尾"
    return "格式有误"


def _calamine(call: Callable[[], T]) -> T:
    """Run a python-calamine call, turning its failures (even Rust panics) into TabularError."""
    try:
        return call()
    except PasswordError:
        raise TabularError(MSG_ENCRYPTED) from None
    except TabularError:
        raise
    except Exception:
        raise TabularError(MSG_UNREADABLE) from None
    except BaseException as error:  # pyo3's PanicException derives from BaseException
        if type(error).__name__ == "PanicException":
            raise TabularError(MSG_UNREADABLE) from None
        raise


def _workbook_sources(workbook: CalamineWorkbook) -> Iterator[_Source]:
    """The worksheets, visible ones first, each loaded only when the caller gets to it."""
    metadata = _calamine(lambda: list(workbook.sheets_metadata))
    sheets = [m for m in metadata if m.typ == SheetTypeEnum.WorkSheet]
    sheets.sort(key=lambda m: m.visible != SheetVisibleEnum.Visible)  # stable: keeps book order
    for meta in sheets:
        sheet = _calamine(lambda name=meta.name: workbook.get_sheet_by_name(name))  # type: ignore[misc]
        start = sheet.start
        if start is None:  # an empty sheet (iter_rows would fail on it)
            yield _Source(name=meta.name, rows=iter(()))
            continue
        # iter_rows yields blank rows for rows 1..start[0] first, then the used range; cells
        # begin at the used range's first column.
        yield _Source(name=meta.name, rows=_calamine(sheet.iter_rows), offset=start[1])


# --------------------------------------------------------------------------------------------
# The streaming .xlsx reader
#
# python-calamine builds the whole sheet in memory (15 million cells for a 10⁶-row roster: 1.4 GB).
# This reader walks the sheet's XML in 1 MB pieces straight out of the zip and hands rows over one
# at a time; only the shared-strings table (Excel's, not XlsxWriter's constant-memory rosters,
# which use inline strings) and one piece of XML are held. Its values are python-calamine's, cell
# for cell (tests compare both on the county's rosters): numbers as float, text with XML entities
# and Excel's `_xHHHH_` escapes undone, booleans, error cells empty, and numbers in a date or time
# format (numFmt, built-in or custom, by calamine's rules) as date, datetime, time or timedelta.
#
# The XML is read with regular expressions rather than a parser: the sheet part is a flat list of
# <row>/<c> elements, and matching them directly is 1.5× faster than expat's callbacks (3× faster
# than ElementTree) — the reading is a third of a big import. Element names may carry a namespace
# prefix (`<x:c>`, as the OpenXML SDK writes), attributes come in any order.

_NS = r"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
# Every cell and row start in one pattern. The first branch is the usual form (r, s, t in this
# order, as Excel, WPS, LibreOffice, XlsxWriter and openpyxl write them) with the value or the
# plain inline string taken out directly; the second any other cell; the third a row.
_XML_CELL_OR_ROW = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?'
    r"(?:/>|>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>|(.*?))</c>)"
    rf"|<{_NS}(c)\b([^>]*?)(?:/>|>(.*?)</{_NS}c>)"
    rf"|<{_NS}(row)\b([^>]*)>",
    re.S,
)
_XML_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_XML_END_TAG = re.compile(rf"</{_NS}[A-Za-z]+>")
_XML_SHEET_DATA = re.compile(rf"<{_NS}sheetData\b[^>]*?(/?)>")
_XML_SHEET_DATA_END = re.compile(rf"</{_NS}sheetData>")
_XML_V = re.compile(rf"<{_NS}v(?:\s[^>]*)?>(.*?)</{_NS}v>", re.S)
_XML_T = re.compile(rf"<{_NS}t(?:\s[^>]*)?>(.*?)</{_NS}t>|<{_NS}t(?:\s[^>]*)?/>", re.S)
_XML_RPH = re.compile(rf"<{_NS}rPh\b.*?</{_NS}rPh>", re.S)
_XML_SI = re.compile(rf"<{_NS}si\b[^>]*?(?:/>|>(.*?)</{_NS}si>)", re.S)
_XML_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_XML_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|amp|lt|gt|quot|apos);")
_XML_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_REL_WORKSHEET = "/worksheet"
_NUMBER, _DATETIME, _TIMEDELTA = 0, 1, 2
# Built-in number formats that are dates or times (ECMA-376 18.8.30), as python-calamine has them.
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
_BUILTIN_DURATION = 46  # [h]:mm:ss
_XML_PIECE = 1 << 20
_PAD = 256  # rows start as wide as the widest so far, up to this (fewer list growths)
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _XML_ENTITIES[name]


def _xml_text(raw: str) -> str:
    """Element text as the cell holds it: XML entities, then Excel's `_xHHHH_` escapes, undone."""
    if "&" in raw:
        raw = _XML_ENTITY.sub(_entity, raw)
    if "_x" in raw:
        raw = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)
    return raw


def _rich_text(inner: str) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t>s without phonetic runs."""
    if inner.startswith("<t>") and inner.endswith("</t>") and inner.count("<", 3) == 1:
        return _xml_text(inner[3:-4])  # the common case: <t>text</t>
    if "rPh" in inner:
        inner = _XML_RPH.sub("", inner)
    return _xml_text("".join(m.group(1) or "" for m in _XML_T.finditer(inner)))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attrs(text: str) -> dict[str, str]:
    return {_local_attr(k): a if a or not b else b for k, a, b in _XML_ATTR.findall(text)}


def _local_attr(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _custom_format_kind(code: str) -> int:
    """Whether a custom number format shows a date/time, a duration or a number (calamine's rule:
    the first section only; quoted text, escapes and [colour]/[$-locale] brackets ignored;
    [h], [m], [s] make a duration)."""
    escaped = quoted = False
    brackets = 0
    previous = " "
    hms = False
    am_pm = False
    for ch in code:
        if escaped:
            escaped = False
        elif ch in "_\\":
            escaped = True
        elif quoted:
            if ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == ";":
            return _NUMBER
        elif ch == "[":
            brackets += 1
        elif ch == "]" and brackets == 1 and hms:
            return _TIMEDELTA
        elif ch == "]":
            brackets = max(brackets - 1, 0)
        elif brackets == 0 and not am_pm and ch in "aA":
            am_pm = True
        elif (brackets == 0 and am_pm and ch in "pmPM/") or (brackets == 0 and not am_pm and ch in "dmhysDMHYS"):
            return _DATETIME
        else:
            hms = (hms and ch.lower() == previous.lower()) or (previous == "[" and ch in "mhsMHS")
        previous = ch
    return _NUMBER


def _serial_value(number: float, kind: int, date1904: bool) -> Any:
    """An Excel serial number in a date/time format as python-calamine gives it: a time for
    values below 1, a date when there is no time of day, else a datetime (milliseconds)."""
    try:
        if kind == _TIMEDELTA:
            return dt.timedelta(milliseconds=round(number * 86_400_000))
        if number < 1:
            millis = round((number - int(number // 1)) * 86_400_000)
            return (dt.datetime(2000, 1, 1) + dt.timedelta(milliseconds=millis)).time()
        days = int(number // 1)
        millis = round((number - days) * 86_400_000)
        if date1904:
            moment = _EPOCH_1904 + dt.timedelta(days=days, milliseconds=millis)
        else:
            moment = _EPOCH_1900 + dt.timedelta(days=days + 1 if days < 60 else days, milliseconds=millis)
    except OverflowError:  # beyond year 9999: keep the number
        return number
    return moment.date() if millis == 0 else moment


class _XlsxBook:
    """The workbook parts every sheet needs: sheet list, date styles, shared strings (lazily)."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {info.filename for info in archive.infolist()}
        self.folded = {name.casefold(): name for name in self.names}
        self.date1904 = False
        self.sheets: list[tuple[str, str, bool]] = []  # (name, part, visible)
        self._strings: list[str] | None = None
        self.kinds: list[int] = []  # per cell style (xf) index: _NUMBER, _DATETIME or _TIMEDELTA
        self._read_workbook()
        self._read_styles()

    def part(self, name: str) -> str | None:
        name = name.lstrip("/")
        return name if name in self.names else self.folded.get(name.casefold())

    def _xml(self, name: str) -> ElementTree.Element | None:
        found = self.part(name)
        if found is None:
            return None
        with self.archive.open(found) as handle:
            data = handle.read()
        if b"<!DOCTYPE" in data.upper():  # OOXML parts have no DTD: no entity expansion, ever
            raise TabularError(MSG_UNREADABLE)
        return ElementTree.fromstring(data)  # noqa: S314  (no DTD, checked above)

    def _read_workbook(self) -> None:
        book = self._xml("xl/workbook.xml")
        if book is None:
            raise TabularError(MSG_UNREADABLE)
        rels = self._xml("xl/_rels/workbook.xml.rels")
        targets: dict[str, tuple[str, str]] = {}
        for rel in rels.iter() if rels is not None else ():
            if _local(rel.tag) == "Relationship":
                targets[rel.get("Id", "")] = (rel.get("Type", ""), rel.get("Target", ""))
        for element in book.iter():
            tag = _local(element.tag)
            if tag == "workbookPr":
                self.date1904 = element.get("date1904", "").lower() in ("1", "true")
            elif tag == "sheet":
                rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                kind, target = targets.get(rid, ("", ""))
                if not kind.endswith(_REL_WORKSHEET) or not target:
                    continue  # chart sheets, dialog and macro sheets
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                visible = element.get("state", "visible") == "visible"
                self.sheets.append((element.get("name", ""), part, visible))

    def _read_styles(self) -> None:
        styles = self._xml("xl/styles.xml")
        if styles is None:
            return
        custom: dict[int, int] = {}
        for element in styles.iter():
            if _local(element.tag) == "numFmt":
                try:
                    custom[int(element.get("numFmtId", ""))] = _custom_format_kind(element.get("formatCode", ""))
                except ValueError:
                    continue
        for element in styles:
            if _local(element.tag) != "cellXfs":
                continue
            for xf in element:
                try:
                    number_format = int(xf.get("numFmtId", "0"))
                except ValueError:
                    number_format = 0
                if number_format in custom:
                    kind = custom[number_format]
                elif number_format == _BUILTIN_DURATION:
                    kind = _TIMEDELTA
                else:
                    kind = _DATETIME if number_format in _BUILTIN_DATES else _NUMBER
                self.kinds.append(kind)

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            rels = self._xml("xl/_rels/workbook.xml.rels")
            part = "xl/sharedStrings.xml"
            for rel in rels.iter() if rels is not None else ():
                if rel.get("Type", "").endswith("/sharedStrings"):
                    target = rel.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            found = self.part(part)
            if found is not None:
                append = self._strings.append
                for piece in _xml_pieces(self.archive, found, "si"):
                    for match in _XML_SI.finditer(piece):
                        append(_rich_text(match.group(1) or ""))
        return self._strings


def _xml_pieces(archive: zipfile.ZipFile, part: str, tag: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[str]:
    """The part's text in pieces of about 1 MB, each cut after the last end tag `</tag>`.

    The bytes are counted as they unpack (a zip header that understates them cannot pass), and
    a DTD at the start is refused: no entity is ever declared, let alone expanded."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    rest = ""
    info = archive.getinfo(part)
    with archive.open(info) as handle:
        chunks = measured(handle, info, [limits.unpacked], limits)
        first = True
        while True:
            chunk = next(chunks, b"")
            if first:
                refuse_dtd(chunk)
                first = False
            text = rest + decoder.decode(chunk, final=not chunk)
            if not chunk:
                if text:
                    yield text
                return
            cut = _last_end_tag(text, tag)
            if cut < 0:
                rest = text
                continue
            yield text[:cut]
            rest = text[cut:]


def _last_end_tag(text: str, tag: str) -> int:
    """The position just after the last `</tag>` (or `</prefix:tag>`) in text, or -1."""
    close = tag + ">"
    at = len(text)
    while True:
        at = text.rfind(close, 0, at)
        if at < 0:
            return -1
        start = text.rfind("</", 0, at)
        if start >= 0 and _XML_END_TAG.fullmatch(text, start, at + len(close)):
            return at + len(close)


def _xlsx_rows(book: _XlsxBook, part: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[list[Any]]:
    """The sheet's rows from row 1 on (blank rows as []), each a list of cells from column A.

    A sparse sheet (cells at A1 and XFD1048576) costs its cells, never its rectangle: rows
    start at most `_PAD` cells wide, and row numbers and columns past the limits are refused."""
    max_rows, max_columns = limits.rows, limits.columns
    strings: list[str] | None = None
    kinds = book.kinds
    styles = len(kinds)
    date1904 = book.date1904
    columns: dict[str, int] = {}
    dates: dict[tuple[str, int], Any] = {}  # serial numbers in date formats repeat down a column
    expected = 1  # the next row number to yield
    current: list[Any] | None = None
    number = 0  # the current row's number
    width = 0  # the widest row so far: new rows start that wide
    started = False
    for piece in _xml_pieces(book.archive, part, "row", limits):
        position = 0
        if not started:
            found = _XML_SHEET_DATA.search(piece)
            if found is None:
                continue  # still in the sheet's properties
            started = True
            if found.group(1):  # <sheetData/>: an empty sheet
                return
            position = found.end()
        end = _XML_SHEET_DATA_END.search(piece, position)
        stop = end.start() if end else len(piece)
        # One C-level pass gives every cell's parts; the loop below only converts them. Cells
        # are placed by their reference's column letters (or after the previous cell), rows by
        # their <row> elements (their r, or the next number).
        for (
            letters,
            _digits,
            style,
            kind,
            text,
            inline,
            content,
            is_cell,
            attrs,
            other,
            is_row,
            row_attrs,
        ) in _XML_CELL_OR_ROW.findall(piece, position, stop):
            if is_row:
                if row_attrs.startswith(' r="'):
                    found_number: int | None = int(row_attrs[4 : row_attrs.index('"', 4)])
                else:
                    found_r = _XML_ROW_NUMBER.search(row_attrs)
                    found_number = int(found_r.group(1)) if found_r else None
                if current is not None:
                    while expected < number:
                        yield []
                        expected += 1
                    yield current
                    expected = number + 1
                number = found_number if found_number is not None else max(expected, number + 1)
                if number > max_rows:
                    raise too_many_rows(number, limits)
                current = [""] * min(width, _PAD)
                continue
            if current is None:  # a cell outside any row: not a valid sheet
                raise TabularError(MSG_UNREADABLE)
            if is_cell:  # attributes in another order, other attributes, or a namespace prefix
                values = _attrs(attrs)
                letters = values.get("r", "").rstrip("0123456789")
                style, kind, content = values.get("s", ""), values.get("t", ""), other
            if letters:
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = _column_index(letters)
                    if column >= max_columns:
                        raise too_many_columns(column + 1, limits, f"第 {number:,} 行：")
            else:
                column = len(current)
            if kind == "" or kind == "n":
                if not text:
                    if not content:
                        continue
                    found_v = _XML_V.search(content)
                    if found_v is None or not found_v.group(1):
                        continue
                    text = found_v.group(1)
                value: Any = float(text)
                if style and style != "0":
                    index = int(style)
                    if index < styles and kinds[index]:
                        key = (text, kinds[index])
                        converted = dates.get(key)
                        if converted is None:
                            if len(dates) > 100_000:
                                dates.clear()
                            converted = dates[key] = _serial_value(value, kinds[index], date1904)
                        value = converted
            elif kind == "s":
                if not text:
                    found_v = _XML_V.search(content) if content else None
                    if found_v is None:
                        continue
                    text = found_v.group(1)
                if strings is None:
                    strings = book.strings
                value = strings[int(text)]
            elif kind == "inlineStr":
                if inline:
                    value = _xml_text(inline) if "&" in inline or "_x" in inline else inline
                elif content:
                    value = _rich_text(content[4:-5] if content.startswith("<is>") else content)
                else:
                    continue
            else:
                if not text:
                    found_v = _XML_V.search(content) if content else None
                    if found_v is None:
                        continue
                    text = found_v.group(1)
                if kind == "str":
                    value = _xml_text(text)
                elif kind == "b":
                    value = text.strip() in ("1", "true")
                elif kind == "d":
                    value = _iso_value(_xml_text(text))
                else:  # "e": an error (#N/A, #DIV/0!) reads as empty, as with calamine
                    continue
            if column >= len(current):
                current.extend([""] * (column + 1 - len(current)))
                width = len(current)
            current[column] = value
        if end is not None:
            break
    if current is not None:
        while expected < number:
            yield []
            expected += 1
        yield current


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise TabularError(MSG_UNREADABLE)
        index = index * 26 + ord(ch) - 64
    return index - 1


def _iso_value(text: str) -> Any:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.date() if moment.time() == dt.time(0) else moment


def _xlsx_sources(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[_Source]:
    """The worksheets of an .xlsx, visible ones first, each read only when the caller gets to it."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise TabularError(MSG_UNREADABLE) from None
    # Not closed here: the chosen sheet's rows are read after open_table returns; the archive
    # closes when the last reader of it is gone.
    try:
        book = _XlsxBook(archive)
    except (ElementTree.ParseError, KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError):
        archive.close()
        raise TabularError(MSG_UNREADABLE) from None
    sheets = sorted(book.sheets, key=lambda s: not s[2])  # stable: keeps the book's order
    for name, part, _visible in sheets:
        found = book.part(part)
        if found is None:
            continue
        yield _Source(name=name, rows=_guarded(_xlsx_rows(book, found, limits)))


def _guarded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """Rows of a damaged part end in TabularError, not in a traceback."""
    try:
        yield from rows
    except TabularError:
        raise
    except (ValueError, IndexError, KeyError, zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError):
        raise TabularError(MSG_UNREADABLE) from None


# --------------------------------------------------------------------------------------------
# The header


@dataclass
class _Header:
    index: int  # 0-based index of the (last) header row in the source
    columns: dict[str, int]
    unknown: list[str]
    notes: list[str]
    texts: dict[str, str] = field(default_factory=dict)  # key -> the header cell's text


class _Matcher:
    def __init__(self, columns: Sequence[Column]) -> None:
        if not columns:
            raise ValueError("open_table needs at least one Column.")
        self.columns = list(columns)
        self.by_key = {c.key: c for c in columns}
        if len(self.by_key) != len(columns):
            raise ValueError("Column keys must be unique.")
        self.required = [c.key for c in columns if c.required]
        self.names: dict[str, str] = {}
        for column in columns:
            for text in (column.label, *column.aliases):
                name = normalize_header(text)
                other = self.names.setdefault(name, column.key)
                if other != column.key:
                    raise ValueError(f"Header text {text!r} is claimed by both {other!r} and {column.key!r}.")

    def lookup(self, text: str) -> str | None:
        name = normalize_header(text)
        if not name:
            return None
        key = self.names.get(name)
        if key is None:
            bare = _HEADER_NOTE.sub("", name)  # 身份证号(18位) → 身份证号
            if bare != name:
                key = self.names.get(bare)
        return key

    def read(self, cells: Sequence[Any], offset: int) -> _Header:
        header = _Header(index=-1, columns={}, unknown=[], notes=[])
        for position, raw in enumerate(cells):
            text = cell_text(raw)
            if not text:
                continue
            column = offset + position
            key = self.lookup(text)
            if key is None:
                header.unknown.append(text)
            elif key in header.columns:
                first = header.columns[key]
                header.notes.append(
                    f"第 {column_letter(column)} 列“{text}”与第 {column_letter(first)} 列重复"
                    f"（都是“{self.by_key[key].label}”），已使用第 {column_letter(first)} 列。"
                )
            else:
                header.columns[key] = column
                header.texts[key] = text
        return header

    def complete(self, header: _Header) -> bool:
        return bool(header.columns) and all(key in header.columns for key in self.required)

    def find(self, rows: Sequence[Sequence[Any]], offset: int) -> tuple[_Header | None, _Header | None]:
        """(the header, None) or (None, the best partial header for the error message)."""
        best: _Header | None = None
        singles = [self.read(cells, offset) for cells in rows]
        for index, single in enumerate(singles[:HEADER_SCAN_ROWS]):
            single.index = index
            merged = self._two_rows(rows, singles, index, offset)
            if merged is not None:
                merged.notes.insert(0, f"表头占两行（第 {index + 1}–{index + 2} 行），已合并识别。")
                return merged, None
            if self.complete(single):
                return single, None
            if best is None or len(single.columns) > len(best.columns):
                best = single
        return None, best

    def _two_rows(
        self, rows: Sequence[Sequence[Any]], singles: list[_Header], index: int, offset: int
    ) -> _Header | None:
        """The header of rows index and index+1 read as one, when that is what they are.

        Either the upper row alone lacks required columns that the pair has (and the lower row
        is not a header by itself), or the upper row is complete but the lower one names more
        columns while leaving the upper row's columns empty (cells under vertical merges).
        """
        if index + 1 >= len(rows):
            return None
        single, lower = singles[index], rows[index + 1]
        merged = self.read(_merge_rows(rows[index], lower), offset)
        merged.index = index + 1
        if not self.complete(merged):
            return None
        if not self.complete(single):
            return None if self.complete(singles[index + 1]) else merged
        widened = set(merged.columns) > set(single.columns)
        under = [col - offset for col in single.columns.values()]
        if widened and not any(cell_text(lower[i]) for i in under if 0 <= i < len(lower)):
            return merged
        return None


def _merge_rows(upper: Sequence[Any], lower: Sequence[Any]) -> list[Any]:
    """A two-row header as one: the lower text where there is one, else the upper (merged) one."""
    width = max(len(upper), len(lower))
    merged = []
    for position in range(width):
        below = lower[position] if position < len(lower) else None
        above = upper[position] if position < len(upper) else None
        merged.append(below if cell_text(below) else above)
    return merged


def _missing_message(matcher: _Matcher, best: _Header | None, looked: list[str], fmt: str) -> str:
    found = best.columns if best else {}
    missing = [matcher.by_key[key] for key in matcher.required if key not in found]
    if not missing:  # no required columns, and no known column at all
        missing = matcher.columns
        lead = "未找到表头：前 {n} 行中没有可识别的列，应包含"
    else:
        lead = "未找到表头：缺少必填列"
    parts = []
    for column in missing:
        other = "、".join(column.aliases)
        parts.append(f"“{column.label}”" + (f"（也可写作：{other}）" if other else ""))
    message = lead.format(n=HEADER_SCAN_ROWS) + "、".join(parts) + "。"
    if fmt == "csv":
        return message + f"已查看文件的前 {HEADER_SCAN_ROWS} 行。"
    sheets = "、".join(f"“{name}”" for name in looked) if looked else "（无）"
    return message + f"已查看的工作表：{sheets}（每个工作表的前 {HEADER_SCAN_ROWS} 行）。"


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
            )
            rest = itertools.chain(head[header.index + 1 :], source.rows)
            return sheet, _rows(rest, header.index + 2, source.offset, sheet, header.texts, matcher, compact)
    finally:
        if workbook is not None:  # loaded sheets stay readable after the book is closed
            _calamine(workbook.close)
    if encoding == "gb18030" and _big5_header(path, display, matcher, best, limits):
        raise TabularError(MSG_BIG5)
    raise TabularError(_missing_message(matcher, best, looked, fmt))


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


# --------------------------------------------------------------------------------------------
# Writing the refused rows back


def write_rejects_xlsx(
    path: str | Path,
    header_labels: list[str],
    rows: Iterable[tuple[list[str], str]],
    *,
    extra: tuple[str, list[str], Iterable[list[str]]] | None = None,
) -> int:
    """Write refused rows with a last column 错误原因 for the uploader to fix and upload again.

    Constant memory; every cell is text (so a corrected ID number stays text), formula
    injection is neutralised like the exports (`safe_cell`), the header is bold and frozen and
    the reasons are red. `extra` (sheet name, labels, rows of text) adds a second sheet in the
    same style. Returns the number of refused rows written. The file holds personal data: it is
    created readable by its owner only (0600), before XlsxWriter writes into it.
    """
    path = os.fspath(path)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT
    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    written = 0
    try:
        sheet = workbook.add_worksheet("错误行")
        bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1})
        text = workbook.add_format({"num_format": "@"})
        red = workbook.add_format({"font_color": "#C00000", "num_format": "@"})
        labels = [*header_labels, REASON_LABEL]
        rows = iter(rows)
        sample = list(itertools.islice(rows, 200))  # column widths come from the first rows
        widths = [_width(label) for label in labels]
        for values, reason in sample:
            for col, value in enumerate(values[: len(header_labels)]):
                widths[col] = max(widths[col], _width(value))
            widths[-1] = max(widths[-1], _width(reason))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 2, 8), 60), red if col == len(labels) - 1 else text)
        sheet.freeze_panes(1, 0)
        for col, label in enumerate(labels):
            sheet.write_string(0, col, str(safe_cell(label)), bold)
        for written, (values, reason) in enumerate(itertools.chain(sample, rows), start=1):
            for col in range(len(header_labels)):
                value = values[col] if col < len(values) else ""
                sheet.write_string(written, col, str(safe_cell("" if value is None else str(value))), text)
            sheet.write_string(written, len(header_labels), str(safe_cell(reason or "")), red)
        if extra is not None:
            name, extra_labels, extra_rows = extra
            other = workbook.add_worksheet(name)
            other.freeze_panes(1, 0)
            for col, label in enumerate(extra_labels):
                other.set_column(col, col, 40 if col == len(extra_labels) - 1 else 14, text)
                other.write_string(0, col, str(safe_cell(label)), bold)
            for r, values in enumerate(extra_rows, start=1):
                for col, value in enumerate(values):
                    other.write_string(r, col, str(safe_cell(str(value))), text)
    finally:
        workbook.close()
    return written


def _width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
