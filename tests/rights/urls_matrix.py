"""Who may open each 维权 URL. Contracts and campaigns: the offices and the enterprise (rights.view,
the auditor reads); cases, committees and warnings: those handling them (rights.cases, not the
auditor); consultations: the county and town 法工部 only (rights.consult, never the enterprise);
the worker's pages: the worker. Object URLs point at the outsider's objects (恒辉编织)."""

from __future__ import annotations

from tests.matrix import Case, ok
from tests.rights.conftest import world

VIEWERS = ok("sysadmin", "county", "town", "chair", "outsider", "auditor")
MANAGERS = ok("sysadmin", "county", "town", "chair", "outsider")
HANDLERS = MANAGERS
CONSULTERS = ok("sysadmin", "county", "town")
SEE_OUTSIDER = ok("sysadmin", "county", "auditor", "outsider")
ACT_OUTSIDER = ok("sysadmin", "county", "outsider")
COUNTY_VIEW = ok("sysadmin", "county", "auditor")
COUNTY = ok("sysadmin", "county")
WORKER = ok("worker")
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})


def _pk(attr):
    def kwargs(t, p):
        return {"pk": getattr(world(t), attr).pk}

    return kwargs


def _step(attr, step):
    def kwargs(t, p):
        return {"pk": getattr(world(t), attr).pk, "step": step}

    return kwargs


MATRIX = {
    "rights:contract-list": Case(ok=VIEWERS),
    "rights:contract-export": Case(ok=VIEWERS),
    "rights:contract-create": Case(ok=MANAGERS, methods=GET_POST),
    "rights:contract-detail": Case(ok=SEE_OUTSIDER, kwargs=_pk("effective")),
    "rights:contract-step": Case(
        ok=ACT_OUTSIDER,
        kwargs=_step("offered", "reply"),
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"reply_on": "2021-05-10", "agrees": "1"},
    ),
    "rights:negotiator-leave": Case(
        ok=ACT_OUTSIDER, kwargs=_pk("negotiator"), methods=POST, success=REDIRECT, data=lambda t, p: {"left_on": ""}
    ),
    "rights:campaign-list": Case(ok=VIEWERS),
    "rights:campaign-create": Case(ok=ok("sysadmin", "county", "town"), methods=GET_POST),
    "rights:campaign-detail": Case(ok=COUNTY_VIEW, kwargs=_pk("campaign")),
    "rights:target-add": Case(ok=COUNTY, kwargs=_pk("campaign"), methods=POST, success=REDIRECT),
    "rights:targets-pick": Case(
        ok=COUNTY, kwargs=_pk("campaign"), methods=POST, success=REDIRECT, data=lambda t, p: {"priority": "low_pay"}
    ),
    "rights:campaign-tally-export": Case(ok=COUNTY_VIEW, kwargs=_pk("campaign")),
    "rights:campaign-target-export": Case(ok=COUNTY_VIEW, kwargs=_pk("campaign")),
    "rights:target-offer": Case(
        ok=ACT_OUTSIDER,
        kwargs=_pk("target"),
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"offer_on": "2020-01-01"},
    ),
    "rights:coverage": Case(ok=VIEWERS),
    "rights:coverage-export": Case(ok=VIEWERS),
    "rights:case-list": Case(ok=HANDLERS),
    "rights:case-create": Case(ok=HANDLERS, methods=GET_POST),
    "rights:case-detail": Case(ok=ACT_OUTSIDER, kwargs=_pk("case")),
    "rights:case-assign": Case(ok=ACT_OUTSIDER, kwargs=_pk("case"), methods=POST, success=REDIRECT),
    "rights:case-reveal": Case(ok=COUNTY, kwargs=_pk("case"), methods=POST, success=REDIRECT),
    "rights:case-agreement": Case(ok=ACT_OUTSIDER, kwargs=_pk("agreed")),
    "rights:case-step": Case(
        ok=ACT_OUTSIDER,
        kwargs=_step("case", "session"),
        methods=POST,
        success=REDIRECT,
        data=lambda t, p: {"held_on": "", "notes": "走访"},
    ),
    "rights:committee-list": Case(ok=HANDLERS),
    "rights:committee-create": Case(ok=HANDLERS, methods=GET_POST),
    "rights:committee-detail": Case(ok=ACT_OUTSIDER, kwargs=_pk("committee")),
    "rights:committee-member-add": Case(
        ok=ACT_OUTSIDER, kwargs=_pk("committee"), methods=POST, success=REDIRECT, data=lambda t, p: {"name": ""}
    ),
    "rights:warning-list": Case(ok=HANDLERS),
    "rights:warning-create": Case(ok=HANDLERS, methods=GET_POST),
    "rights:warning-handle": Case(
        ok=ACT_OUTSIDER, kwargs=_pk("warning"), methods=POST, success=REDIRECT, data=lambda t, p: {"handling": ""}
    ),
    "rights:consult-list": Case(ok=CONSULTERS),
    "rights:consult-create": Case(ok=CONSULTERS, methods=GET_POST),
    "rights:consult-detail": Case(ok=COUNTY, kwargs=_pk("consult")),
    "rights:consult-step": Case(
        ok=COUNTY, kwargs=_step("consult", "answer"), methods=POST, success=REDIRECT, data=lambda t, p: {"answer": ""}
    ),
    "rights:my": Case(ok=WORKER),
    "rights:worker-consult": Case(ok=WORKER, methods=GET_POST, success=frozenset({200, 302})),
    "rights:worker-mediation": Case(ok=WORKER, methods=GET_POST, success=frozenset({200, 302})),
}
