"""Who may open each supervision URL. Object URLs point at 县科技局's notice, meeting, inspection,
circular, evaluation, score and adjustment (outside the liaison's and the town's sight), and at
恒辉编织's pilot entry (outside the town's)."""

from __future__ import annotations

from tests.matrix import Case, ok
from tests.supervision.conftest import build_world

# reform.view: the county office, member units, towns, the auditor (and the system administrator).
VIEWERS = ok("sysadmin", "county", "liaison", "town", "auditor")
# County-level objects and 县科技局's rows: whoever sees the whole county.
COUNTY_VIEW = ok("sysadmin", "county", "auditor")
# reform.manage over the whole county.
MANAGERS = ok("sysadmin", "county")
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})


def _pk(attr: str):
    return lambda t, p: {"pk": getattr(build_world(t, p), attr).pk}


MATRIX = {
    "supervision:task-list": Case(ok=VIEWERS),
    "supervision:task-export": Case(ok=VIEWERS),
    "supervision:task-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("notice_kejiju")),
    "supervision:task-report": Case(ok=MANAGERS, kwargs=_pk("notice_kejiju"), methods=GET_POST),
    "supervision:task-review": Case(ok=MANAGERS, kwargs=_pk("notice_kejiju"), methods=POST, success=REDIRECT),
    "supervision:notice-create": Case(ok=MANAGERS, methods=GET_POST),
    "supervision:inspection-list": Case(ok=VIEWERS),
    "supervision:inspection-create": Case(ok=MANAGERS, methods=GET_POST),
    "supervision:inspection-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("inspection")),
    "supervision:rectification-create": Case(ok=MANAGERS, kwargs=_pk("inspection"), methods=GET_POST),
    "supervision:meeting-list": Case(ok=VIEWERS),
    "supervision:meeting-create": Case(ok=MANAGERS, methods=GET_POST),
    "supervision:meeting-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("meeting")),
    "supervision:meeting-edit": Case(ok=MANAGERS, kwargs=_pk("meeting"), methods=GET_POST),
    "supervision:meeting-attach": Case(ok=MANAGERS, kwargs=_pk("meeting"), methods=POST, success=REDIRECT),
    "supervision:decision-create": Case(ok=MANAGERS, kwargs=_pk("meeting"), methods=GET_POST),
    "supervision:attachment-download": Case(ok=COUNTY_VIEW, kwargs=_pk("attachment")),
    "supervision:circular-list": Case(ok=VIEWERS),
    "supervision:circular-create": Case(ok=MANAGERS, methods=GET_POST),
    "supervision:circular-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("circular")),
    "supervision:circular-download": Case(ok=COUNTY_VIEW, kwargs=_pk("circular")),
    "supervision:evaluation-list": Case(ok=VIEWERS),
    "supervision:evaluation-create": Case(ok=MANAGERS, methods=GET_POST),
    "supervision:evaluation-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("evaluation")),
    "supervision:evaluation-edit": Case(ok=MANAGERS, kwargs=_pk("evaluation"), methods=GET_POST),
    "supervision:evaluation-compute": Case(ok=MANAGERS, kwargs=_pk("evaluation"), methods=POST, success=REDIRECT),
    "supervision:evaluation-finalize": Case(ok=MANAGERS, kwargs=_pk("evaluation"), methods=POST, success=REDIRECT),
    "supervision:evaluation-reopen": Case(ok=MANAGERS, kwargs=_pk("evaluation"), methods=POST, success=REDIRECT),
    "supervision:evaluation-export": Case(ok=COUNTY_VIEW, kwargs=_pk("evaluation")),
    "supervision:rule-create": Case(ok=MANAGERS, kwargs=_pk("evaluation"), methods=POST, success=REDIRECT),
    "supervision:rule-delete": Case(ok=MANAGERS, kwargs=_pk("rule"), methods=POST, success=REDIRECT),
    "supervision:score-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("score_kejiju")),
    "supervision:score-quality": Case(ok=MANAGERS, kwargs=_pk("score_kejiju"), methods=GET_POST),
    "supervision:score-adjust": Case(ok=MANAGERS, kwargs=_pk("score_kejiju"), methods=GET_POST),
    "supervision:adjustment-delete": Case(ok=MANAGERS, kwargs=_pk("adjustment"), methods=POST, success=REDIRECT),
    "supervision:pilot-list": Case(ok=VIEWERS),
    "supervision:pilot-export": Case(ok=VIEWERS),
    "supervision:pilot-create": Case(ok=MANAGERS, methods=GET_POST),
    "supervision:pilot-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("pilot_henghui")),
    "supervision:pilot-edit": Case(ok=MANAGERS, kwargs=_pk("pilot_henghui"), methods=GET_POST),
}
