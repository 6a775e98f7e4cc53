"""Reads of the responsibility list: what a user may see, each item's state, the roll-ups.

## The state of an item on a day `on` (`item_status`)

An item's *parts* are its milestones (together one part: the share done by `on`) and each of its
indicators (one part each: how far the current value has moved from the baseline towards the
target, clamped to 0–1). An indicator's current value is the registered figure for a live
indicator, otherwise the sum over its units of each unit's latest reported value (reports
submitted or accepted by `on`; values are year-to-date levels). Its *progress* is the mean of
its parts (0 when it has none). The rules, in order:

1. 已完成 `completed` — the county office confirmed completion on or before `on`
   (`Item.completed_on`), or the item has at least one part and every part is complete:
   every milestone done by `on` and every indicator at or above its target.
2. 逾期 `overdue` — `on` is after the deadline.
3. 滞后 `lagging` — a milestone was due before `on` and is not done; or the item has
   indicators and their mean fraction trails the share of the year elapsed (1 January to the
   deadline) by more than `GEFENG_REFORM_LAG_TOLERANCE` (default 0.25).
4. 未开始 `not_started` — progress is 0 and no report on the item was submitted by `on`.
5. 正常推进 `on_track` — otherwise.

Roll-ups to measure, action, unit and plan weight each item's progress by `Item.weight`
(completed items count 1): completion = Σ weight × progress / Σ weight.
"""

from gefeng.reform.selectors._common import (
    COMPLETED,
    COUNTED,
    LAGGING,
    NOT_STARTED,
    ON_TRACK,
    OVERDUE,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUSES,
    lag_tolerance,
    local_date,
)
from gefeng.reform.selectors.access import (
    assignments_visible,
    current_period,
    current_plan,
    item_get_or_404,
    items_visible,
    plan_get_or_404,
    plans_for,
    reportable_units,
    sees_whole_plan,
    units_in_plan,
)
from gefeng.reform.selectors.reporting import (
    DueRow,
    due_rows,
    item_reports,
    notices_for,
    outstanding,
    reports_for_review,
)
from gefeng.reform.selectors.status import (
    IndicatorState,
    ItemState,
    LiveFigures,
    PlanView,
    Rollup,
    decide,
    figure_choices,
    indicator_fraction,
    item_states,
    item_status,
    owed_pairs,
    period_trend,
    plan_view,
    rollup,
    unit_progress,
    unit_report_stats,
)

__all__ = [
    "COMPLETED",
    "COUNTED",
    "LAGGING",
    "NOT_STARTED",
    "ON_TRACK",
    "OVERDUE",
    "STATUSES",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "DueRow",
    "IndicatorState",
    "ItemState",
    "LiveFigures",
    "PlanView",
    "Rollup",
    "assignments_visible",
    "current_period",
    "current_plan",
    "decide",
    "due_rows",
    "figure_choices",
    "indicator_fraction",
    "item_get_or_404",
    "item_reports",
    "item_states",
    "item_status",
    "items_visible",
    "lag_tolerance",
    "local_date",
    "notices_for",
    "outstanding",
    "owed_pairs",
    "period_trend",
    "plan_get_or_404",
    "plan_view",
    "plans_for",
    "reportable_units",
    "reports_for_review",
    "rollup",
    "sees_whole_plan",
    "unit_progress",
    "unit_report_stats",
    "units_in_plan",
]
