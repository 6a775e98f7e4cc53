"""What an uploaded spreadsheet may claim, checked before any reader allocates for it.

A 5 KB .xlsx with cells at A1 and XFD1048576 makes python-calamine build the whole rectangle
(1.7·10¹⁰ cells, 512 GB) and the Rust side aborts the process; a zip of a few MB can unpack to
gigabytes. So, before a workbook is handed to a reader:

* every zip member's declared size, their sum and each member's compression ratio are checked
  (`check_zip`), and the parts python-calamine would read are decompressed once, as a stream,
  counting the real bytes (a lying header cannot pass: `zipfile` also stops at the declared size
  and checks the CRC);
* each worksheet's `<dimension ref=…>` and the largest row and column its cell references reach
  are found by the same streaming pass (`scan_xlsx`); rows, columns and cells beyond the limits
  are refused, and a sheet whose rectangle is larger than python-calamine may build
  (`CALAMINE_MAX_CELLS`) goes to the streaming reader, which never builds it;
* a DTD in any XML part is refused: OOXML has none, so a `<!DOCTYPE` is an XXE or
  billion-laughs attempt, never a real workbook.

The limits are settings (`GEFENG_IMPORT_MAX_*`); `Limits` carries them to a reader running in a
child process, which has no Django settings of its own.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

__all__ = [
    "CALAMINE_MAX_CELLS",
    "DEFAULT_LIMITS",
    "Limits",
    "TabularError",
    "check_zip",
    "measured",
    "scan_xlsx",
]

# python-calamine stores a sheet as a dense rectangle of 32-byte cells: 4·10⁶ cells are 128 MB.
# A larger rectangle (a roster of more than ~250,000 rows, or a few cells far out) is read by
# the streaming reader instead, whose memory does not grow with it.
CALAMINE_MAX_CELLS = 4_000_000
# Members smaller than this are not held to the ratio: tiny parts compress arbitrarily well.
_RATIO_FROM = 1 << 20
_PIECE = 1 << 20
_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]{1,10})"')
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="([^"]*)"')
_DIM_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,10})$")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class TabularError(Exception):
    """A problem with the file as a whole; `str(error)` is a Chinese message for the uploader."""


@dataclass(frozen=True)
class Limits:
    """How large a table may be (settings `GEFENG_IMPORT_MAX_*`)."""

    rows: int = 1_048_576  # Excel's own: a row number beyond it is not from a real workbook
    columns: int = 16_384  # Excel's own (A … XFD)
    cells: int = 30_000_000  # cells with content in one sheet (a 10⁶-row roster of 30 columns)
    unpacked: int = 1024**3  # bytes of all parts of a workbook, unpacked
    ratio: int = 200  # unpacked ÷ packed size of one part

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
            unpacked=settings.IMPORT_MAX_UNPACKED_MB * 1024 * 1024,
            ratio=settings.IMPORT_MAX_RATIO,
        )


DEFAULT_LIMITS = Limits()

MSG_DTD = "无法读取该文件：其中的 XML 含有文档类型定义（DTD），正常的 Excel 文件不会这样，已拒绝。"


def _size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} 字节"


def too_many_rows(row: int, limits: Limits) -> TabularError:
    return TabularError(f"表格有第 {row:,} 行，超过 {limits.rows:,} 行的上限，请删除多余的行或拆分后分批导入。")


def too_many_columns(column: int, limits: Limits, where: str = "") -> TabularError:
    return TabularError(
        f"{where}表格有 {column:,} 列，超过 {limits.columns:,} 列的上限。"
        "请删除表格右侧多余的内容（或整列的格式）后再导入。"
    )


def too_many_cells(cells: int, limits: Limits) -> TabularError:
    return TabularError(f"工作表的单元格超过 {limits.cells:,} 个（至少 {cells:,} 个），请拆分后分批导入。")


def too_large_unpacked(limits: Limits) -> TabularError:
    return TabularError(f"文件解压后超过 {_size(limits.unpacked)}，不像是正常的表格，请拆分后分批导入。")


def too_compressed(name: str, limits: Limits) -> TabularError:
    return TabularError(
        f"文件中的“{name}”压缩比超过 {limits.ratio} 倍（疑似“压缩炸弹”），不像是正常的表格，已拒绝。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
    )


def check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    """The declared sizes: their sum and each member's compression ratio."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > limits.unpacked:
            raise too_large_unpacked(limits)
        if info.file_size > _RATIO_FROM and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise too_compressed(info.filename, limits)


def measured(handle: IO[bytes], info: zipfile.ZipInfo, budget: list[int], limits: Limits) -> Iterator[bytes]:
    """A member's bytes in pieces of 1 MB, counted against the workbook's budget (`budget[0]`,
    bytes left) and the member's compressed size, whatever its header says."""
    packed, name = max(info.compress_size, 1), info.filename
    seen = 0
    while chunk := handle.read(_PIECE):
        seen += len(chunk)
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise too_large_unpacked(limits)
        if seen > _RATIO_FROM and seen > limits.ratio * packed:
            raise too_compressed(name, limits)
        yield chunk


def refuse_dtd(head: bytes) -> None:
    """A DTD can only come before the root element: looking at the first piece is enough."""
    if _DTD.search(head, 0, 4096):
        raise TabularError(MSG_DTD)


def _column(letters: bytes | str) -> int:
    number = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(ch) - 64
    return number


def _dimension(ref: str) -> tuple[int, int]:
    """(rows, columns) of a `<dimension ref>` like "A1:XFD1048576" (0, 0 if unreadable)."""
    rows = columns = 0
    for end in ref.split(":")[:2]:
        found = _DIM_CELL.match(end.strip().upper())
        if found:
            columns = max(columns, _column(found.group(1)))
            rows = max(rows, int(found.group(2)))
    return rows, columns


@dataclass
class Extent:
    rows: int = 0  # the largest row number seen
    columns: int = 0  # the largest column number (1 = A)
    cells: int = 0  # <c> elements
    declared: int = 0  # cells of the <dimension> rectangle

    @property
    def rectangle(self) -> int:
        return max(self.rows * self.columns, self.declared)


def scan_xlsx(archive: zipfile.ZipFile, sheets: Iterable[str], limits: Limits) -> Extent:
    """Decompress every part once as a stream: real sizes, no DTD, and the worksheets' extent.

    Raises TabularError past a limit; returns the largest extent of the given sheet parts."""
    check_zip(archive, limits)
    wanted = set(sheets)
    budget = [limits.unpacked]
    largest = Extent()
    for info in archive.infolist():
        if info.is_dir():
            continue
        xml = info.filename.endswith((".xml", ".rels", ".vml"))
        extent = Extent() if info.filename in wanted else None
        with archive.open(info) as handle:
            tail = b""
            first = True
            for chunk in measured(handle, info, budget, limits):
                if first and xml:
                    refuse_dtd(chunk)
                if extent is not None:
                    _scan_piece(tail + chunk, extent, limits, first)
                    # a reference cut at the piece's end is seen whole in the next one
                    tail = chunk[-64:]
                first = False
        if extent is not None and extent.rectangle > largest.rectangle:
            largest = extent
    return largest


def _scan_piece(piece: bytes, extent: Extent, limits: Limits, first: bool) -> None:
    if first:
        found = _DIMENSION.search(piece)
        if found:
            rows, columns = _dimension(found.group(1).decode("ascii", "replace"))
            extent.declared = rows * columns
    for letters, digits in _REF.findall(piece):
        row = int(digits)
        if row > extent.rows:
            if row > limits.rows:
                raise too_many_rows(row, limits)
            extent.rows = row
        if letters:
            column = _column(letters)
            if column > extent.columns:
                if column > limits.columns:
                    raise too_many_columns(column, limits)
                extent.columns = column
    # overlap with the previous piece's tail may count a few cells twice: harmless for a limit
    extent.cells += len(_CELL.findall(piece))
    if extent.cells > limits.cells:
        raise too_many_cells(extent.cells, limits)
