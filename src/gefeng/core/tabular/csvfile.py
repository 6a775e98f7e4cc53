"""CSV (and tab/semicolon separated) text as a row source, read line by line."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gefeng.core.tabular.cells import MSG_WEB_PAGE, _Source
from gefeng.core.tabular.sniffing import _sniff_delimiter, _text_encoding
from gefeng.core.tabular_guard import (
    TabularError,
)

# --------------------------------------------------------------------------------------------
# Row sources: each gives the rows of one sheet from row 1 on, as lists of raw cell values


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
