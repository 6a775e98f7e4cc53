"""Who may open each skills URL. The URLs with an object point at the outsider's (恒辉编织)
competitions, pair, proposals, patent and course: only the system administrator, the county
office, the auditor (reading) and the outsider's own chair reach them. Lists are open to every
official holding `skills.view`; the worker's phone pages to the worker alone."""

from __future__ import annotations

from tests.matrix import Case, ok
from tests.skills.conftest import world

OFFICIALS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider", "auditor")
UNITS = ok("sysadmin", "county", "liaison", "town", "chair", "outsider")
VIEWERS = ok("sysadmin", "county", "auditor", "outsider")
MANAGERS = ok("sysadmin", "county", "outsider")
REVIEWERS = ok("sysadmin", "county")
WORKER = ok("worker")
NOBODY = ok()
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})
ANY = frozenset({200, 302})


def _pk(attr: str):
    return lambda t, p: {"pk": getattr(world(t), attr).pk}


def _proposal(status: str):
    return lambda t, p: {"pk": world(t).proposals[status].pk}


def _token(t, p):
    from gefeng.skills.services import sign_token

    return {"token": sign_token(world(t).session)}


def _post(data=None, kwargs=None):
    return Case(
        ok=MANAGERS, kwargs=kwargs or (lambda t, p: {}), methods=POST, success=REDIRECT, data=data or (lambda t, p: {})
    )


MATRIX = {
    "skills:competition-list": Case(ok=OFFICIALS),
    "skills:competition-create": Case(ok=UNITS, methods=GET_POST),
    "skills:industry-list": Case(ok=OFFICIALS, methods=GET_POST),
    "skills:competition-detail": Case(ok=VIEWERS, kwargs=_pk("closed")),
    "skills:entry-register": Case(ok=MANAGERS, kwargs=_pk("open"), methods=GET_POST),
    "skills:trade-add": _post(
        lambda t, p: {"name": "电工", "group": "职工组", "theory_max": 100, "practice_max": 100}, _pk("open")
    ),
    "skills:judge-add": _post(lambda t, p: {"name": "李评委", "declaration": "无"}, _pk("open")),
    "skills:competition-scoring": _post(kwargs=_pk("open")),
    "skills:score-enter": _post(lambda t, p: {"part": "theory", "value": "90"}, _pk("scoring")),
    "skills:score-import": _post(kwargs=_pk("scoring")),
    "skills:results-compute": _post(kwargs=_pk("scoring")),
    "skills:results-publish": _post(lambda t, p: {"notice_ends_on": "2020-10-10"}, _pk("scoring")),
    "skills:results-finalize": _post(kwargs=_pk("notice")),
    "skills:competition-export": Case(ok=VIEWERS, kwargs=_pk("closed")),
    "skills:competition-certificates": Case(ok=MANAGERS, kwargs=_pk("closed"), success=ANY),
    "skills:objection-record": _post(
        lambda t, p: {"objection": "成绩有误"}, lambda t, p: {"pk": world(t).notice.entries.first().pk}
    ),
    "skills:objection-resolve": _post(
        lambda t, p: {"result": "经复核无误"}, lambda t, p: {"pk": world(t).notice.entries.first().pk}
    ),
    "skills:entry-nominate": _post(lambda t, p: {"to": "徐州市职工职业技能大赛"}, _pk("entry")),
    "skills:pair-list": Case(ok=OFFICIALS),
    "skills:pair-create": Case(ok=UNITS, methods=GET_POST),
    "skills:pair-detail": Case(ok=VIEWERS, kwargs=_pk("pair")),
    "skills:pair-agreement": Case(ok=VIEWERS, kwargs=_pk("pair")),
    "skills:pair-assess": _post(lambda t, p: {"on": "2020-09-01", "score": "85"}, _pk("pair")),
    "skills:pair-finish": _post(lambda t, p: {"on": "2021-09-01", "qualified": "1", "result": "合格"}, _pk("pair")),
    "skills:pair-reward": _post(lambda t, p: {"basis": "contest"}, _pk("pair")),
    "skills:proposal-list": Case(ok=OFFICIALS),
    "skills:proposal-create": Case(ok=UNITS, methods=GET_POST),
    "skills:grade-list": Case(ok=OFFICIALS, methods=GET_POST),
    "skills:proposal-detail": Case(ok=VIEWERS, kwargs=_proposal("rewarded")),
    "skills:proposal-review": _post(
        lambda t, p: {"adopt": "1", "committee": "厂长", "union_member": "工会"}, _proposal("submitted")
    ),
    "skills:proposal-apply": _post(lambda t, p: {"applied_on": "2020-05-01"}, _proposal("trial")),
    "skills:proposal-benefit": _post(
        lambda t, p: {"benefit_yuan": "1000", "benefit_to": "2021-05-01", "finance_confirmed_by": "财务"},
        _proposal("applied"),
    ),
    "skills:proposal-reward": _post(kwargs=_proposal("confirmed")),
    "skills:proposal-paid": _post(lambda t, p: {"paid_on": "2021-06-01"}, _proposal("rewarded")),
    "skills:proposal-select": Case(
        ok=REVIEWERS, kwargs=_proposal("rewarded"), methods=POST, success=REDIRECT, data=lambda t, p: {"year": "2021"}
    ),
    "skills:patent-list": Case(ok=OFFICIALS),
    "skills:patent-create": Case(ok=UNITS, methods=GET_POST),
    "skills:patent-grant": _post(lambda t, p: {"granted_on": "2020-11-10"}, _pk("patent")),
    "skills:patent-reward": _post(lambda t, p: {"amount": "1500", "paid_on": "2020-12-01"}, _pk("patent")),
    "skills:patent-conversion": _post(lambda t, p: {"income": "10000", "inventor_share": "6000"}, _pk("patent")),
    "skills:course-list": Case(ok=OFFICIALS),
    "skills:course-create": Case(ok=UNITS, methods=GET_POST),
    "skills:course-detail": Case(ok=VIEWERS, kwargs=_pk("course")),
    "skills:course-enrol": _post(
        lambda t, p: {"name": "张学员", "id_number": "320322199001011239", "group": "migrant"}, _pk("course")
    ),
    "skills:session-add": _post(lambda t, p: {"on": "2020-06-02", "topic": "实操"}, _pk("course")),
    "skills:course-complete": _post(kwargs=_pk("course")),
    "skills:attendance-import": _post(kwargs=_pk("session")),
    "skills:attendance-mark": _post(lambda t, p: {"enrolment": world(t).enrolment.pk}, _pk("session")),
    "skills:session-qr": Case(ok=MANAGERS, kwargs=_pk("session")),
    "skills:placement": _post(lambda t, p: {"placement": "恒辉编织 数控车工"}, _pk("enrolment")),
    "skills:w-home": Case(ok=WORKER),
    "skills:w-register": Case(ok=NOBODY, kwargs=_pk("open"), methods=POST),
    "skills:w-enrol": Case(ok=NOBODY, kwargs=_pk("course"), methods=POST),
    "skills:w-proposals": Case(ok=WORKER),
    "skills:w-proposal-create": Case(ok=WORKER, methods=GET_POST, success=ANY),
    "skills:w-sign": Case(ok=WORKER, kwargs=_token, methods=GET_POST, success=REDIRECT),
}
