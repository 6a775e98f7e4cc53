"""The streaming .xlsx reader: rows straight out of the zip, in flat memory."""

from __future__ import annotations

import codecs
import datetime as dt
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from gefeng.core.tabular.cells import MSG_UNREADABLE, _Source
from gefeng.core.tabular.xlsx_xml import (
    _BUILTIN_DATES,
    _BUILTIN_DURATION,
    _DATETIME,
    _NUMBER,
    _PAD,
    _REL_WORKSHEET,
    _TIMEDELTA,
    _XML_CELL_OR_ROW,
    _XML_END_TAG,
    _XML_ROW_NUMBER,
    _XML_SHEET_DATA,
    _XML_SHEET_DATA_END,
    _XML_SI,
    _XML_V,
    _attrs,
    _custom_format_kind,
    _local,
    _rich_text,
    _serial_value,
    _xml_text,
)
from gefeng.core.tabular_guard import (
    DEFAULT_LIMITS,
    Limits,
    TabularError,
    measured,
    refuse_dtd,
    too_many_columns,
    too_many_rows,
)

# --------------------------------------------------------------------------------------------
# The streaming .xlsx reader


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
