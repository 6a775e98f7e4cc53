"""The 年度数据 report: every registered figure for one subtree and year, with the year before.

`figures_report(root, year)` computes each figure twice (the year and the one before) and
groups the lines by the figure's section; each section carries the bar lengths of its chart
(0…100, the longer of the two years of a figure is 100) so the template draws the chart as
SVG without any script. `figure_rows` gives the same lines to the Excel export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gefeng.core import exports, figures

FIRST_YEAR = 2000


@dataclass
class Part:
    """One category of a breakdown figure (e.g. 劳动模范 within 荣誉授予)."""

    label: str
    value: Any
    previous: Any

    @property
    def change(self) -> Any:
        return _change(self.value, self.previous)

    @property
    def change_percent(self) -> float | None:
        return _change_percent(self.value, self.previous)


@dataclass
class Line:
    figure: figures.Figure
    value: Any
    previous: Any
    parts: list[Part] = field(default_factory=list)
    bar: float = 0.0  # chart: this year's length, 0…100
    bar_previous: float = 0.0

    @property
    def name(self) -> str:
        return self.figure.name

    @property
    def label(self) -> str:
        return self.figure.label

    @property
    def unit(self) -> str:
        return "%" if self.figure.kind == figures.SHARE else self.figure.unit

    @property
    def kind(self) -> str:
        return self.figure.kind

    @property
    def change(self) -> Any:
        if self.kind == figures.BREAKDOWN:
            return _change(_total(self.value), _total(self.previous))
        if self.kind == figures.SHARE:
            # in percentage points
            change = _change(self.value, self.previous)
            return None if change is None else round(float(change) * 100, 1)
        return _change(self.value, self.previous)

    @property
    def change_percent(self) -> float | None:
        if self.kind == figures.SHARE:
            return None
        if self.kind == figures.BREAKDOWN:
            return _change_percent(_total(self.value), _total(self.previous))
        return _change_percent(self.value, self.previous)

    @property
    def total(self) -> Any:
        return _total(self.value) if self.kind == figures.BREAKDOWN else self.value

    @property
    def total_previous(self) -> Any:
        return _total(self.previous) if self.kind == figures.BREAKDOWN else self.previous


CHART_ROW = 34  # px per figure in a section's chart


@dataclass
class Section:
    label: str
    lines: list[Line]

    @property
    def chart_height(self) -> int:
        return len(self.lines) * CHART_ROW + 24  # + the legend


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    return None


def _change(value: Any, previous: Any) -> Any:
    a, b = _number(value), _number(previous)
    if a is None or b is None:
        return None
    diff = a - b
    return int(diff) if diff == diff.to_integral_value() and isinstance(value, int) else diff


def _change_percent(value: Any, previous: Any) -> float | None:
    a, b = _number(value), _number(previous)
    if a is None or b is None or b == 0:
        return None
    return round(float((a - b) / b) * 100, 1)


def _total(value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    return sum(v for v in value.values() if isinstance(v, int | float | Decimal) and not isinstance(v, bool))


def _bars(value: Any, previous: Any) -> tuple[float, float]:
    a, b = _number(value) or Decimal(0), _number(previous) or Decimal(0)
    top = max(a, b)
    if top <= 0:
        return 0.0, 0.0
    return round(float(a / top) * 100, 1), round(float(b / top) * 100, 1)


def default_year(today: dt.date | None = None) -> int:
    """The last complete year: the report opens on it."""
    return (today or dt.date.today()).year - 1


def year_choices(today: dt.date | None = None) -> list[int]:
    today = today or dt.date.today()
    return list(range(today.year, 2015, -1))


def parse_year(raw: object, today: dt.date | None = None) -> int | None:
    """The year asked for, or None when it is not a year the report covers."""
    today = today or dt.date.today()
    text = str(raw).strip() if raw is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= today.year else None


def figures_report(root: Any, year: int) -> list[Section]:
    """Every figure for `root`'s subtree in `year` and `year - 1`, grouped by section."""
    sections: dict[str, Section] = {}
    for figure in figures.registered():
        value = figure.fn(root, year)
        previous = figure.fn(root, year - 1)
        line = Line(figure=figure, value=value, previous=previous)
        if figure.kind == figures.BREAKDOWN:
            current = value if isinstance(value, dict) else {}
            before = previous if isinstance(previous, dict) else {}
            labels = list(current) + [k for k in before if k not in current]
            line.parts = [Part(label=str(k), value=current.get(k, 0), previous=before.get(k, 0)) for k in labels]
            line.bar, line.bar_previous = _bars(line.total, line.total_previous)
        elif figure.kind == figures.SHARE:
            # a share's bar is the percentage itself
            line.bar = round(float(_number(value) or 0) * 100, 1)
            line.bar_previous = round(float(_number(previous) or 0) * 100, 1)
        else:
            line.bar, line.bar_previous = _bars(value, previous)
        sections.setdefault(figure.section, Section(label=figure.section, lines=[])).lines.append(line)
    return list(sections.values())


MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"


def export_headers(year: int) -> tuple[str, ...]:
    return ("板块", "指标", "单位", f"{year} 年", f"{year - 1} 年", "增减", "增减幅度")


def _cells(kind: str, value: Any, previous: Any, change: Any, change_percent: float | None) -> list[Any]:
    ratio = None if change_percent is None else exports.Cell(change_percent / 100, PERCENT_FORMAT)
    if kind == figures.MONEY:
        return [
            exports.Cell(value, MONEY_FORMAT),
            exports.Cell(previous, MONEY_FORMAT),
            None if change is None else exports.Cell(change, MONEY_FORMAT),
            ratio,
        ]
    if kind == figures.SHARE:
        points = None if change is None else f"{change:+.1f} 个百分点"
        return [exports.Cell(value, PERCENT_FORMAT), exports.Cell(previous, PERCENT_FORMAT), points, None]
    return [value, previous, change, ratio]


def figure_rows(sections: list[Section]) -> Iterator[tuple[Any, ...]]:
    """The report as spreadsheet rows: numbers stay numbers, money as #,##0.00, shares as 0.0%."""
    for section in sections:
        for line in section.lines:
            if line.kind == figures.BREAKDOWN:
                yield (
                    section.label,
                    f"{line.label}（合计）",
                    line.unit,
                    *_cells(figures.COUNT, line.total, line.total_previous, line.change, line.change_percent),
                )
                for part in line.parts:
                    yield (
                        section.label,
                        f"{line.label} · {part.label}",
                        line.unit,
                        *_cells(figures.COUNT, part.value, part.previous, part.change, part.change_percent),
                    )
                continue
            yield (
                section.label,
                line.label,
                line.unit,
                *_cells(line.kind, line.value, line.previous, line.change, line.change_percent),
            )
