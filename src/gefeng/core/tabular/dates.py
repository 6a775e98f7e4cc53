"""The dates people type into spreadsheets, and Excel's date serials."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from gefeng.core.tabular.cells import _DROP

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
