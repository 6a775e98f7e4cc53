"""Pages of 同频聚效: 督办事项, 督导检查, 联席会议, 通报, 年终考评, 试点企业.

Reads go through `supervision.selectors` (within the user's scope), writes through
`supervision.services`; an object outside the user's sight is a 404, one seen without the right
a 403. Files are served only through `attachment_download` and `circular_download`, which check
the same scope as the pages that list them.
"""

from gefeng.supervision.views.circulars import (
    circular_create,
    circular_detail,
    circular_download,
    circular_list,
)
from gefeng.supervision.views.evaluation import (
    adjustment_delete,
    evaluation_compute,
    evaluation_create,
    evaluation_detail,
    evaluation_edit,
    evaluation_export,
    evaluation_finalize,
    evaluation_list,
    evaluation_reopen,
    rule_create,
    rule_delete,
    score_adjust,
    score_detail,
    score_quality,
)
from gefeng.supervision.views.meetings import (
    attachment_download,
    decision_create,
    inspection_create,
    inspection_detail,
    inspection_list,
    meeting_attach,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_list,
    rectification_create,
)
from gefeng.supervision.views.pilots import (
    pilot_create,
    pilot_detail,
    pilot_edit,
    pilot_export,
    pilot_list,
)
from gefeng.supervision.views.tasks import (
    notice_create,
    task_detail,
    task_export,
    task_list,
    task_report,
    task_review,
)

__all__ = [
    "adjustment_delete",
    "attachment_download",
    "circular_create",
    "circular_detail",
    "circular_download",
    "circular_list",
    "decision_create",
    "evaluation_compute",
    "evaluation_create",
    "evaluation_detail",
    "evaluation_edit",
    "evaluation_export",
    "evaluation_finalize",
    "evaluation_list",
    "evaluation_reopen",
    "inspection_create",
    "inspection_detail",
    "inspection_list",
    "meeting_attach",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_list",
    "notice_create",
    "pilot_create",
    "pilot_detail",
    "pilot_edit",
    "pilot_export",
    "pilot_list",
    "rectification_create",
    "rule_create",
    "rule_delete",
    "score_adjust",
    "score_detail",
    "score_quality",
    "task_detail",
    "task_export",
    "task_list",
    "task_report",
    "task_review",
]
