"""Telling a file's format by its content, not its name; text encodings and delimiters."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

from gefeng.core.tabular.cells import (
    _BIFF5_STREAM,
    _BIFF8_STREAM,
    _BINARY,
    _CHUNK,
    _ENCRYPTION_STREAMS,
    _OLE_DIR_ENTRY,
    _OLE_MAGIC,
    _OLE_NAMES,
    _ZIP_MAGIC,
    HEADER_SCAN_ROWS,
    MSG_BIFF5,
    MSG_ENCRYPTED,
    MSG_UNREADABLE,
)
from gefeng.core.tabular_guard import (
    DEFAULT_LIMITS,
    Limits,
    TabularError,
    check_zip,
    scan_xlsx,
)

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
