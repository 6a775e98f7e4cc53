"""Who may open each reform URL. Object URLs point at 县科技局's items and reports, which only the
county office (and the system and audit administrators) may reach: the liaison is 县人社局."""

from __future__ import annotations

from tests.matrix import Case, ok
from tests.reform import factories

COUNTY = ok("sysadmin", "county", "auditor")  # see everything in the county
MANAGERS = ok("sysadmin", "county")  # reform.manage
VIEWERS = ok("sysadmin", "county", "liaison", "town", "auditor")  # reform.view
REPORTERS = ok("sysadmin", "county", "liaison", "town")  # reform.report
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})


def _plan(t, p):
    factories.kejiju_item(t)
    return {"pk": factories.plan(t).pk}


def _item(t, p):
    return {"pk": factories.kejiju_item(t).pk}


def _measure(t, p):
    return {"pk": factories.kejiju_item(t).measure_id}


def _report(t, p):
    return {"pk": factories.kejiju_report(t).pk}


def _evidence(t, p):
    return {"pk": factories.kejiju_evidence(t).pk}


def _draft_evidence(t, p):
    return {"pk": factories.kejiju_evidence(t, submit=False).pk}


def _notice(t, p):
    from gefeng.reform.models import Notice

    n = Notice.objects.create(unit=t.kejiju, text="一季度报送即将截止")
    return {"pk": n.pk}


MATRIX = {
    "reform:plan-list": Case(ok=VIEWERS),
    "reform:plan-create": Case(ok=MANAGERS, methods=GET_POST),
    "reform:plan-detail": Case(ok=COUNTY, kwargs=_plan),
    "reform:plan-edit": Case(ok=MANAGERS, kwargs=_plan, methods=GET_POST),
    "reform:plan-copy": Case(
        ok=MANAGERS, kwargs=_plan, methods=POST, success=REDIRECT, data=lambda t, p: {"year": 2022}
    ),
    "reform:plan-export": Case(ok=COUNTY, kwargs=_plan),
    "reform:unit-export": Case(ok=COUNTY, kwargs=_plan),
    "reform:measure-create": Case(ok=MANAGERS, kwargs=_plan, methods=GET_POST),
    "reform:measure-edit": Case(ok=MANAGERS, kwargs=_measure, methods=GET_POST),
    "reform:item-create": Case(ok=MANAGERS, kwargs=_plan, methods=GET_POST),
    "reform:item-detail": Case(ok=COUNTY, kwargs=_item),
    "reform:item-edit": Case(ok=MANAGERS, kwargs=_item, methods=GET_POST),
    "reform:item-delete": Case(ok=MANAGERS, kwargs=_item, methods=POST, success=REDIRECT),
    "reform:report-due": Case(ok=REPORTERS, methods=GET_POST),
    "reform:report-list": Case(ok=MANAGERS),
    "reform:report-detail": Case(ok=COUNTY, kwargs=_report),
    "reform:report-review": Case(
        ok=MANAGERS, kwargs=_report, methods=POST, success=REDIRECT, data=lambda t, p: {"decision": "accept"}
    ),
    "reform:evidence-download": Case(ok=COUNTY, kwargs=_evidence),
    "reform:evidence-delete": Case(ok=MANAGERS, kwargs=_draft_evidence, methods=POST, success=REDIRECT),
    "reform:notice-read": Case(ok=MANAGERS, kwargs=_notice, methods=POST, success=REDIRECT),
    "reform:dashboard": Case(ok=VIEWERS),
}
