"""Who may open each care URL. Files, aid and roster entries point at the outsider's enterprise
(恒辉编织); funds, rules, notices and campaigns are the county's. Health and income pages
(documents) are for the officers handling the file only — not the auditor."""

from __future__ import annotations

from tests.care.conftest import world
from tests.matrix import Case, ok

VIEWERS = ok("sysadmin", "county", "auditor", "town", "chair", "outsider")
COUNTY_VIEW = ok("sysadmin", "county", "auditor")
COUNTY = ok("sysadmin", "county")
HANDLERS = ok("sysadmin", "county", "town", "chair", "outsider")
OUTSIDER_VIEW = ok("sysadmin", "county", "auditor", "outsider")
OUTSIDER_HANDLE = ok("sysadmin", "county", "outsider")
WORKER = ok("worker")
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})


def _w(t, p):
    return world(t, p)


def _applied(t, p):
    return {"pk": _w(t, p).applied.pk}


def _checked(t, p):
    return {"pk": _w(t, p).checked.pk}


def _filed(t, p):
    return {"pk": _w(t, p).filed.pk}


def _filed_file(t, p):
    return {"file_pk": _w(t, p).filed.pk}


def _document(t, p):
    return {"pk": _w(t, p).document.pk}


def _notice(t, p):
    return {"pk": _w(t, p).notice.pk}


def _objection(t, p):
    return {"pk": _w(t, p).objection.pk}


def _aid(t, p):
    return {"pk": _w(t, p).aid.pk}


def _approved(t, p):
    return {"pk": _w(t, p).approved.pk}


def _fund(t, p):
    return {"pk": _w(t, p).fund.pk}


def _rule(t, p):
    return {"pk": _w(t, p).rule.pk}


def _campaign(t, p):
    return {"pk": _w(t, p).campaign.pk}


def _entry(t, p):
    return {"pk": _w(t, p).entry.pk}


def _target(t, p):
    return {"pk": _w(t, p).target.pk}


def _list(t, p):
    _w(t, p)
    return {}


def _post(ok_, kwargs, data=None):
    return Case(ok=ok_, kwargs=kwargs, methods=POST, success=REDIRECT, data=data or (lambda t, p: {}))


MATRIX = {
    "care:file-list": Case(ok=VIEWERS, kwargs=_list),
    "care:file-create": Case(ok=HANDLERS, kwargs=_list, methods=GET_POST),
    "care:file-export": Case(ok=VIEWERS, kwargs=_list),
    "care:file-detail": Case(ok=OUTSIDER_VIEW, kwargs=_applied),
    "care:file-edit": Case(ok=OUTSIDER_HANDLE, kwargs=_applied, methods=GET_POST),
    "care:file-visit": _post(OUTSIDER_HANDLE, _applied),
    "care:file-check": _post(OUTSIDER_HANDLE, _applied),
    "care:file-review": _post(COUNTY, _checked),
    "care:file-reject": _post(OUTSIDER_HANDLE, _applied, lambda t, p: {"reason": ""}),
    "care:file-reverify": _post(OUTSIDER_HANDLE, _filed),
    "care:file-end": _post(OUTSIDER_HANDLE, _filed, lambda t, p: {"recovered": "1", "reason": ""}),
    "care:document-upload": _post(OUTSIDER_HANDLE, _applied),
    "care:document-open": Case(ok=OUTSIDER_HANDLE, kwargs=_document),
    "care:aid-create": Case(ok=OUTSIDER_HANDLE, kwargs=_filed_file, methods=GET_POST),
    "care:notice-list": Case(ok=VIEWERS, kwargs=_list),
    "care:notice-create": _post(COUNTY, _list),
    "care:notice-detail": Case(ok=COUNTY_VIEW, kwargs=_notice),
    "care:objection-create": _post(COUNTY, _notice),
    "care:notice-close": _post(COUNTY, _notice),
    "care:objection-resolve": _post(COUNTY, _objection),
    "care:aid-list": Case(ok=VIEWERS, kwargs=_list),
    "care:aid-bank": Case(ok=VIEWERS, kwargs=_list),
    "care:aid-approve": _post(COUNTY, _aid),
    "care:aid-reject": _post(COUNTY, _aid, lambda t, p: {"reason": ""}),
    "care:aid-reverse": _post(COUNTY, _approved, lambda t, p: {"reason": ""}),
    "care:fund-list": Case(ok=VIEWERS, kwargs=_list),
    "care:fund-create": Case(ok=COUNTY, kwargs=_list, methods=GET_POST),
    "care:fund-detail": Case(ok=COUNTY_VIEW, kwargs=_fund),
    "care:fund-credit": _post(COUNTY, _fund),
    "care:fund-budget": _post(COUNTY, _fund),
    "care:fund-ledger": Case(ok=COUNTY_VIEW, kwargs=_fund),
    "care:rule-list": Case(ok=VIEWERS, kwargs=_list),
    "care:rule-create": Case(ok=COUNTY, kwargs=_list, methods=GET_POST),
    "care:rule-edit": Case(ok=COUNTY, kwargs=_rule, methods=GET_POST),
    "care:campaign-list": Case(ok=VIEWERS, kwargs=_list),
    "care:campaign-create": Case(ok=COUNTY, kwargs=_list, methods=GET_POST),
    "care:campaign-detail": Case(ok=VIEWERS, kwargs=_campaign),
    "care:campaign-propose": _post(HANDLERS, _campaign),
    "care:roster-add": Case(ok=HANDLERS, kwargs=_campaign, methods=GET_POST),
    "care:campaign-approve": _post(COUNTY, _campaign),
    "care:campaign-start": _post(COUNTY, _campaign),
    "care:campaign-close": _post(COUNTY, _campaign),
    "care:offer-add": _post(COUNTY, _campaign),
    "care:campaign-export": Case(ok=COUNTY_VIEW, kwargs=_campaign),
    "care:roster-deliver": _post(OUTSIDER_HANDLE, _entry),
    "care:pension-list": Case(ok=VIEWERS, kwargs=_list),
    "care:pension-target": Case(ok=COUNTY, kwargs=_list, methods=GET_POST),
    "care:pension-import": Case(ok=COUNTY, kwargs=_list, methods=GET_POST),
    "care:pension-export": Case(ok=VIEWERS, kwargs=_list),
    "care:pension-report": _post(OUTSIDER_HANDLE, _target, lambda t, p: {"reported": "x"}),
    "care:my": Case(ok=WORKER, kwargs=_list),
    "care:my-apply": Case(ok=WORKER, kwargs=_list, methods=GET_POST),
}
