"""Handing the refused rows back as a workbook, each with its reason."""

from __future__ import annotations

import itertools
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter

from gefeng.core.exports import safe_cell
from gefeng.core.tabular.cells import REASON_LABEL

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
