"""The pieces of SpreadsheetML the streaming reader matches: cells, text, number formats."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

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
