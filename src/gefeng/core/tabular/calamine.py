"""The python-calamine path: xls, xlsb, ods and smaller xlsx workbooks as row sources."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from gefeng.core.tabular.cells import MSG_ENCRYPTED, MSG_UNREADABLE, T, _Source
from gefeng.core.tabular_guard import (
    TabularError,
)


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
