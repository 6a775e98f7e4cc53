"""Who may open each 民主管理 URL. Object URLs point at the outsider's congress (恒辉编织): the
county office, the auditor (read only) and the outsider's chair reach them; the town officer of
龙固镇, the other chair, the liaison, the security administrator and the worker do not. The phone
pages are the worker's own: another enterprise's meeting or motion is not found."""

from __future__ import annotations

from tests.democracy.conftest import world
from tests.matrix import Case, ok

OFFICE = ok("sysadmin", "county", "town", "chair", "outsider", "auditor")
VIEWERS = ok("sysadmin", "county", "outsider", "auditor")
MANAGERS = ok("sysadmin", "county", "outsider")
CREATORS = ok("sysadmin", "county", "chair", "outsider")
WORKER = ok("worker")
NOBODY = ok()
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})


def _congress(t, p):
    return {"pk": world(t).congress.pk}


def _meeting(t, p):
    return {"pk": world(t).meeting.pk}


def _rep(t, p):
    return {"pk": world(t).congress.representatives.order_by("-id").first().pk}


def _draft(t, p):
    return {"pk": world(t).draft.pk}


def _open(t, p):
    return {"pk": world(t).open.pk}


def _closed(t, p):
    return {"pk": world(t).closed.pk}


def _proposal(t, p):
    return {"pk": world(t).proposal.pk}


def _document(t, p):
    return {"pk": world(t).document.pk}


def _disclosure(t, p):
    return {"pk": world(t).disclosure.pk}


def _token(t, p):
    return {"token": world(t).meeting.checkin_token}


def _post(manager_data):
    return Case(ok=MANAGERS, methods=POST, success=REDIRECT, data=manager_data)


MATRIX = {
    "democracy:congress-list": Case(ok=OFFICE),
    "democracy:congress-create": Case(ok=CREATORS, methods=GET_POST),
    "democracy:congress-detail": Case(ok=VIEWERS, kwargs=_congress),
    "democracy:congress-settings": Case(
        ok=MANAGERS,
        kwargs=_congress,
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {
            "ratio_per": 10,
            "min_seats": 10,
            "frontline_min_pct": 50,
            "member_meeting_months": 1,
            "enlarged_meeting_months": 3,
            "congress_months": 12,
            "materials_days": 7,
            "cosigners_min": 2,
        },
    ),
    "democracy:constituency-create": Case(
        ok=MANAGERS,
        kwargs=_congress,
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"name": "技术攻关班组", "employees": 20},
    ),
    "democracy:representative-create": Case(ok=MANAGERS, kwargs=_congress, methods=GET_POST),
    "democracy:representative-export": Case(ok=VIEWERS, kwargs=_congress),
    "democracy:presidium-set": Case(ok=MANAGERS, kwargs=_congress, methods=POST, success=REDIRECT),
    "democracy:committee-save": Case(
        ok=MANAGERS, kwargs=_congress, methods=POST, success=REDIRECT, data=lambda t, p: {"name": "提案审查委员会"}
    ),
    "democracy:calendar": Case(ok=VIEWERS, kwargs=_congress),
    "democracy:calendar-generate": Case(
        ok=MANAGERS, kwargs=_congress, methods=POST, success=REDIRECT, data=lambda t, p: {"year": "2026"}
    ),
    "democracy:meeting-create": Case(ok=MANAGERS, kwargs=_congress, methods=GET_POST),
    "democracy:document-create": Case(ok=MANAGERS, kwargs=_congress, methods=GET_POST),
    "democracy:representative-vacate": Case(
        ok=MANAGERS, kwargs=_rep, methods=POST, success=REDIRECT, data=lambda t, p: {"reason": "调离本企业"}
    ),
    "democracy:meeting-detail": Case(ok=VIEWERS, kwargs=_meeting),
    "democracy:meeting-materials": Case(
        ok=MANAGERS, kwargs=_meeting, methods=POST, success=REDIRECT, data=lambda t, p: {"materials": "补充材料"}
    ),
    "democracy:meeting-open": Case(ok=MANAGERS, kwargs=_meeting, methods=POST, success=REDIRECT),
    "democracy:meeting-signin": Case(ok=MANAGERS, kwargs=_meeting, methods=POST, success=REDIRECT),
    "democracy:meeting-close": Case(
        ok=MANAGERS, kwargs=_meeting, methods=POST, success=REDIRECT, data=lambda t, p: {"minutes": "纪要"}
    ),
    "democracy:meeting-publish": Case(ok=MANAGERS, kwargs=_meeting, methods=POST, success=REDIRECT),
    "democracy:motion-create": Case(ok=MANAGERS, kwargs=_meeting, methods=GET_POST),
    "democracy:motion-detail": Case(ok=VIEWERS, kwargs=_closed),
    "democracy:motion-open": Case(ok=MANAGERS, kwargs=_draft, methods=POST, success=REDIRECT),
    "democracy:motion-close": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "democracy:paper-issue": Case(ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT),
    "democracy:paper-count": Case(
        ok=MANAGERS, kwargs=_open, methods=POST, success=REDIRECT, data=lambda t, p: {"ballots": "0"}
    ),
    "democracy:document-detail": Case(ok=VIEWERS, kwargs=_document),
    "democracy:proposal-list": Case(ok=OFFICE),
    "democracy:proposal-detail": Case(ok=VIEWERS, kwargs=_proposal),
    "democracy:proposal-decide": Case(
        ok=MANAGERS, kwargs=_proposal, methods=POST, success=REDIRECT, data=lambda t, p: {"decision": "register"}
    ),
    "democracy:proposal-assign": Case(
        ok=MANAGERS,
        kwargs=_proposal,
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"department": "后勤部", "deadline": "2030-01-01"},
    ),
    "democracy:proposal-answer": Case(
        ok=MANAGERS, kwargs=_proposal, methods=POST, success=REDIRECT, data=lambda t, p: {"reply": "已落实"}
    ),
    "democracy:disclosure-list": Case(ok=OFFICE),
    "democracy:disclosure-create": Case(ok=CREATORS, methods=GET_POST),
    "democracy:w-home": Case(ok=WORKER),
    "democracy:w-meeting": Case(ok=NOBODY, kwargs=_meeting),
    "democracy:w-checkin": Case(ok=NOBODY, kwargs=_token, methods=GET_POST),
    "democracy:w-vote": Case(ok=NOBODY, kwargs=_open, methods=GET_POST),
    "democracy:w-tally": Case(ok=NOBODY, kwargs=_closed),
    "democracy:w-proposal-create": Case(ok=NOBODY, methods=GET_POST),
    "democracy:w-proposal-rate": Case(ok=NOBODY, kwargs=_proposal, methods=POST),
    "democracy:w-disclosures": Case(ok=WORKER),
    "democracy:w-disclosure": Case(ok=NOBODY, kwargs=_disclosure),
}
