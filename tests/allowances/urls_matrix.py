"""Who may open each allowances URL. Allowances are county-level objects: the county office
(allowances.manage) and the auditor (allowances.view) reach them, nobody else; the runs' rosters
include a labour model of the outsider's enterprise (恒辉编织)."""

from __future__ import annotations

from tests.allowances.conftest import world
from tests.matrix import Case, ok

VIEWERS = ok("sysadmin", "county", "auditor")
MANAGERS = ok("sysadmin", "county")
GET_POST = frozenset({"GET", "POST"})
POST = frozenset({"POST"})
REDIRECT = frozenset({302})


def _kind(t, p):
    return {"pk": next(iter(world(t).kinds.values())).pk}


def _kind_pk(t, p):
    return {"kind_pk": next(iter(world(t).kinds.values())).pk}


def _rule(t, p):
    from gefeng.allowances.models import AllowanceRule

    world(t)
    return {"pk": AllowanceRule.objects.filter(kind__org=t.county).order_by("pk").first().pk}


def _draft(t, p):
    return {"pk": world(t).draft.pk}


def _submitted(t, p):
    return {"pk": world(t).submitted.pk}


def _approved(t, p):
    return {"pk": world(t).approved.pk}


MATRIX = {
    "allowances:run-list": Case(ok=VIEWERS),
    "allowances:run-create": Case(ok=MANAGERS, methods=GET_POST),
    "allowances:run-detail": Case(ok=VIEWERS, kwargs=_approved),
    "allowances:run-rebuild": Case(ok=MANAGERS, kwargs=_draft, methods=POST, success=REDIRECT),
    "allowances:run-submit": Case(ok=MANAGERS, kwargs=_draft, methods=POST, success=REDIRECT),
    "allowances:run-approve": Case(ok=MANAGERS, kwargs=_submitted, methods=POST, success=REDIRECT),
    "allowances:run-return": Case(
        ok=MANAGERS, kwargs=_submitted, methods=POST, success=REDIRECT, data=lambda t, p: {"reason": "金额有误"}
    ),
    "allowances:run-cancel": Case(
        ok=MANAGERS, kwargs=_draft, methods=POST, success=REDIRECT, data=lambda t, p: {"reason": "重复生成"}
    ),
    "allowances:run-paid": Case(
        ok=MANAGERS, kwargs=_approved, methods=POST, success=REDIRECT, data=lambda t, p: {"paid_on": "2020-01-20"}
    ),
    "allowances:run-export": Case(ok=VIEWERS, kwargs=_approved),
    "allowances:run-report": Case(ok=VIEWERS, kwargs=_approved),
    "allowances:kind-list": Case(ok=VIEWERS),
    "allowances:kind-create": Case(ok=MANAGERS, methods=GET_POST),
    "allowances:kind-edit": Case(ok=MANAGERS, kwargs=_kind, methods=GET_POST),
    "allowances:rule-create": Case(ok=MANAGERS, kwargs=_kind_pk, methods=GET_POST),
    "allowances:rule-edit": Case(ok=MANAGERS, kwargs=_rule, methods=GET_POST),
}
