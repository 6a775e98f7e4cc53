"""What a table is made of — columns, sheets, rows — and how a cell becomes clean text."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

HEADER_SCAN_ROWS = 30  # the header must be within the first 30 rows of a sheet
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
    # The text of the rows above the header (a title such as “XX公司会员花名册”, a line
    # “填报单位：… 填报日期：…”): each row's non-empty cells joined by a space, at most ABOVE_ROWS.
    above: list[str] = field(default_factory=list)


ABOVE_ROWS = 10
ABOVE_CHARS = 200


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


@dataclass
class _Source:
    name: str
    rows: Iterator[Sequence[Any]]
    offset: int = 0  # column index of the first cell in each row
