"""Who may open each 引领聚魂 URL. Objects are the outsider's (恒辉编织): the officers who see them
are the system administrator, the county office, the auditor (read) and the outsider's own
enterprise chair; those who manage them are the same less the auditor. The worker's phone pages
are the worker's alone, on the county's open contest and the worker's own attempt."""

from __future__ import annotations

from tests.learning.conftest import world
from tests.matrix import Case, ok

OFFICERS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider", "auditor")
MANAGERS = ok("sysadmin", "county", "town", "chair", "outsider")
SEES = ok("sysadmin", "county", "auditor", "outsider")
RUNS = ok("sysadmin", "county", "outsider")
WORKER = ok("worker")
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})
GET_OR_REDIRECT = frozenset({200, 302})


def _pk(attr):
    return lambda t, p: {"pk": getattr(world(t), attr).pk}


def _worker_attempt(t, p):
    from gefeng.learning import services
    from gefeng.learning.models import Attempt

    w = world(t)
    user = p["worker"]
    attempt = Attempt.objects.filter(user=user, contest=w.open_contest).first()
    if attempt is None:
        attempt = services.attempt_start(actor=user, contest=w.open_contest, session_key="matrix")
    return {"pk": attempt.pk}


def _post(**data):
    return lambda t, p: data


MATRIX = {
    "learning:campaign-list": Case(ok=OFFICERS),
    "learning:campaign-create": Case(ok=MANAGERS, methods=GET_POST),
    "learning:campaign-detail": Case(ok=SEES, kwargs=_pk("campaign")),
    "learning:round-create": Case(
        ok=RUNS, kwargs=_pk("campaign"), methods=POST, success=REDIRECT, data=_post(as_of="2021-03-05")
    ),
    "learning:round-detail": Case(ok=SEES, kwargs=_pk("round")),
    "learning:round-enter": Case(
        ok=RUNS,
        kwargs=_pk("round"),
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"id_number": world(t).people[3].id_number, "score": "60"},
    ),
    "learning:round-import": Case(ok=RUNS, kwargs=_pk("round"), methods=POST, success=REDIRECT),
    "learning:round-circulate": Case(ok=RUNS, kwargs=_pk("round"), methods=POST, success=REDIRECT),
    "learning:round-circular": Case(ok=SEES, kwargs=_pk("round")),
    "learning:round-export": Case(ok=SEES, kwargs=_pk("round")),
    "learning:import-report": Case(ok=SEES, kwargs=_pk("batch")),
    "learning:question-list": Case(ok=OFFICERS),
    "learning:question-create": Case(ok=MANAGERS, methods=GET_POST),
    "learning:question-import": Case(ok=MANAGERS, methods=POST, success=REDIRECT),
    "learning:contest-list": Case(ok=OFFICERS),
    "learning:contest-create": Case(ok=MANAGERS, methods=GET_POST),
    "learning:contest-detail": Case(ok=SEES, kwargs=_pk("contest")),
    "learning:contest-publish": Case(ok=RUNS, kwargs=_pk("contest"), methods=POST, success=REDIRECT),
    "learning:contest-close": Case(ok=RUNS, kwargs=_pk("contest"), methods=POST, success=REDIRECT),
    "learning:contest-export": Case(ok=SEES, kwargs=_pk("contest")),
    "learning:certificate": Case(ok=SEES, kwargs=_pk("attempt")),
    "learning:my-contests": Case(ok=WORKER),
    "learning:take-contest": Case(ok=WORKER, kwargs=_pk("open_contest")),
    "learning:attempt-start": Case(ok=WORKER, kwargs=_pk("open_contest"), methods=POST, success=REDIRECT),
    "learning:attempt-paper": Case(ok=WORKER, kwargs=_worker_attempt, success=GET_OR_REDIRECT),
    "learning:attempt-submit": Case(ok=WORKER, kwargs=_worker_attempt, methods=POST, success=REDIRECT),
    "learning:attempt-result": Case(ok=WORKER, kwargs=_worker_attempt),
    "learning:party": Case(ok=OFFICERS),
    "learning:party-org-create": Case(ok=MANAGERS, methods=POST, success=REDIRECT),
    "learning:development-record": Case(ok=MANAGERS, methods=POST, success=REDIRECT),
    "learning:building-item-create": Case(
        ok=MANAGERS, methods=POST, success=REDIRECT, data=_post(year="2021", text="党建带工建纳入年度工作安排")
    ),
    "learning:position-list": Case(ok=OFFICERS),
    "learning:position-create": Case(ok=MANAGERS, methods=GET_POST),
    "learning:position-detail": Case(ok=SEES, kwargs=_pk("position")),
    "learning:activity-record": Case(ok=RUNS, kwargs=_pk("position"), methods=POST, success=REDIRECT),
    "learning:safety-list": Case(ok=OFFICERS),
    "learning:safety-create": Case(
        ok=MANAGERS, methods=POST, success=REDIRECT, data=_post(kind="baituan", name="百团进百万企业", year="2021")
    ),
    "learning:safety-detail": Case(ok=SEES, kwargs=_pk("safety")),
    "learning:session-record": Case(ok=RUNS, kwargs=_pk("safety"), methods=POST, success=REDIRECT),
    "learning:session-detail": Case(ok=SEES, kwargs=_pk("session")),
    "learning:trainees-add": Case(
        ok=RUNS,
        kwargs=_pk("session"),
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"member": str(world(t).people[2].pk)},
    ),
    "learning:trainee-remove": Case(
        ok=RUNS,
        kwargs=_pk("session"),
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"member": str(world(t).people[0].pk)},
    ),
    "learning:signin-import": Case(ok=RUNS, kwargs=_pk("session"), methods=POST, success=REDIRECT),
    "learning:counted-set": Case(
        ok=RUNS, kwargs=_pk("session"), methods=POST, success=REDIRECT, data=_post(counted="5")
    ),
    "learning:photo-add": Case(ok=RUNS, kwargs=_pk("position"), methods=POST, success=REDIRECT),
    "learning:borrowing-record": Case(
        ok=RUNS,
        kwargs=_pk("position"),
        methods=POST,
        success=REDIRECT,
        data=_post(month="2021-05", loans="120", borrowers="80"),
    ),
    "learning:position-photo": Case(ok=SEES, kwargs=_pk("photo")),
    "learning:position-photo-thumb": Case(ok=SEES, kwargs=_pk("photo")),
    "learning:photo-delete": Case(ok=RUNS, kwargs=_pk("photo"), methods=POST, success=REDIRECT),
    "learning:party-towns": Case(ok=OFFICERS),
    "learning:party-towns-export": Case(ok=OFFICERS),
}
