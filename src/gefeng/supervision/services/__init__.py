"""Writes of supervision: each checks the scope, validates with Chinese messages keyed by field,
runs in one transaction and writes the audit log.

Permissions: `reform.manage` (the county office) issues notices, records inspections and
meetings, reviews and closes tasks, issues circulars, scores and registers pilot enterprises;
`reform.report` (the unit) reports progress on and replies to its own tasks, and a town updates
the measures and results of its own pilot enterprises.

A task runs:  open ──report progress──▶ open ──reply / report done──▶ submitted
              submitted ──close──▶ closed      submitted ──return (with comments)──▶ open
              open | submitted ──cancel (with reason)──▶ cancelled

The sections live in their own modules (`tasks`, `meetings`, `circulars`, `evaluation`,
`pilots`, with the shared helpers in `_common`); every public name is re-exported here, so
`services.task_report(...)` keeps working.
"""

from gefeng.supervision.services._common import (
    SUPERVISED,
    Errors,
    advanced_default,
    check_files,
    laggard_min_on_time,
    upload_max_bytes,
    upload_max_files,
)
from gefeng.supervision.services.circulars import circular_context, circular_create, circular_rows
from gefeng.supervision.services.evaluation import (
    DEFAULT_RULES,
    EVALUATION_FIELDS,
    _retotal,
    adjustment_add,
    adjustment_delete,
    apply_totals,
    evaluation_compute,
    evaluation_create,
    evaluation_finalize,
    evaluation_reopen,
    evaluation_update,
    rule_add,
    rule_delete,
    score_set_quality,
)
from gefeng.supervision.services.meetings import (
    MEETING_FIELDS,
    inspection_create,
    meeting_attach,
    meeting_create,
    meeting_update,
)
from gefeng.supervision.services.pilots import PILOT_FIELDS, pilot_create, pilot_update
from gefeng.supervision.services.tasks import (
    decision_add,
    notice_candidates,
    notice_issue,
    rectification_add,
    task_report,
    task_review,
)

__all__ = [
    "DEFAULT_RULES",
    "EVALUATION_FIELDS",
    "MEETING_FIELDS",
    "PILOT_FIELDS",
    "SUPERVISED",
    "Errors",
    "_retotal",
    "adjustment_add",
    "adjustment_delete",
    "advanced_default",
    "apply_totals",
    "check_files",
    "circular_context",
    "circular_create",
    "circular_rows",
    "decision_add",
    "evaluation_compute",
    "evaluation_create",
    "evaluation_finalize",
    "evaluation_reopen",
    "evaluation_update",
    "inspection_create",
    "laggard_min_on_time",
    "meeting_attach",
    "meeting_create",
    "meeting_update",
    "notice_candidates",
    "notice_issue",
    "pilot_create",
    "pilot_update",
    "rectification_add",
    "rule_add",
    "rule_delete",
    "score_set_quality",
    "task_report",
    "task_review",
    "upload_max_bytes",
    "upload_max_files",
]
