"""Finding the header row and matching its texts to the known columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gefeng.core.tabular.cells import _HEADER_NOTE, HEADER_SCAN_ROWS, Column, cell_text, column_letter, normalize_header

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
