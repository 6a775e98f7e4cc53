"""维权 on the home page (`core.workbench`): every statutory clock becomes an item for whoever must
act in their scope, overdue ones first, and the coming due dates with their article."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gefeng.core import menu, scope, workbench
from gefeng.rights import clocks
from gefeng.rights.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Consultation,
    ConsultStatus,
    Contract,
    ContractStatus,
    EarlyWarning,
    Negotiator,
)

MANAGE, CASES, CONSULT = "rights.manage", "rights.cases", "rights.consult"


def _today() -> dt.date:
    return timezone.localdate()


def contracts_in(user: Any, clock: str, today: dt.date | None = None):
    """Contracts of the user's scope waiting on one clock (the list page filters the same way)."""
    day = today or _today()
    qs = scope.permitted(user, Contract, MANAGE)
    if clock == "reply":
        return qs.filter(status=ContractStatus.OFFERED)
    if clock == "reply_overdue":
        return qs.filter(status=ContractStatus.OFFERED, reply_due__lt=day)
    if clock == "filing":
        return qs.filter(status=ContractStatus.SIGNED)
    if clock == "review":
        return qs.filter(status=ContractStatus.FILED)
    if clock == "deemed":
        return qs.filter(status=ContractStatus.FILED, review_due__lt=day)
    if clock == "renewal":
        return qs.filter(status=ContractStatus.EFFECTIVE, renewal_from__lte=day, end_on__gte=day).filter(
            renewals__isnull=True
        )
    if clock == "vacancy":
        open_vacancy = Negotiator.objects.filter(left_on__isnull=False, filled_on__isnull=True)
        return qs.filter(pk__in=open_vacancy.values("contract_id"))
    return qs.none()


def cases_in(user: Any, state: str, today: dt.date | None = None):
    day = today or _today()
    qs = scope.permitted(user, Case, CASES)
    if state == "open":
        return qs.filter(status__in=OPEN_STATUSES)
    if state == "overdue":
        return qs.filter(status__in=OPEN_STATUSES, mediation_due__lt=day)
    if state == "arbitration":
        return qs.filter(status=CaseStatus.ARBITRATION)
    return qs.none()


def _officer(user: Any) -> bool:
    return menu.not_self_only(user)


def _contract_item(key: str, label: str, clock: str, kind: str = workbench.TODO, order: int = 60) -> workbench.Item:
    return workbench.Item(
        key=f"rights.{key}",
        label=label,
        perm=MANAGE,
        count=lambda user: workbench.capped(contracts_in(user, clock)),
        url_name="rights:contract-list",
        query={"clock": clock},
        kind=kind,
        show=_officer,
        order=order,
    )


def _case_item(key: str, label: str, state: str, order: int) -> workbench.Item:
    return workbench.Item(
        key=f"rights.{key}",
        label=label,
        perm=CASES,
        count=lambda user: workbench.capped(cases_in(user, state)),
        url_name="rights:case-list",
        query={"state": state},
        show=_officer,
        order=order,
    )


def upcoming(user: Any, today: dt.date, limit: int) -> list[workbench.Due]:
    """The next statutory dates of contracts and cases in the user's scope."""
    out: list[workbench.Due] = []
    if scope.has_perm_beyond_self(user, MANAGE):
        contracts = scope.permitted(user, Contract, MANAGE)
        for field, status, what in (
            ("reply_due", ContractStatus.OFFERED, f"书面回应要约（{clocks.REPLY.article}）"),
            ("filing_due", ContractStatus.SIGNED, f"报送集体合同（{clocks.FILING.article}）"),
            ("review_due", ContractStatus.FILED, f"审查期满（{clocks.REVIEW.article}）"),
        ):
            rows = contracts.filter(**{"status": status, f"{field}__gte": today}).order_by(field)[:limit]
            for c in rows.only("pk", "title", field):
                out.append(
                    workbench.Due(getattr(c, field), c.title, reverse("rights:contract-detail", args=[c.pk]), what)
                )
    if scope.has_perm_beyond_self(user, CASES):
        cases = scope.permitted(user, Case, CASES)
        for field, q, what in (
            ("mediation_due", Q(status__in=OPEN_STATUSES), f"调解期满（{clocks.MEDIATION.article}）"),
            (
                "acceptance_due",
                Q(status=CaseStatus.ARBITRATION, accepted_on__isnull=True),
                f"仲裁受理（{clocks.ACCEPTANCE.article}）",
            ),
            ("award_due", Q(status=CaseStatus.ARBITRATION), f"仲裁裁决（{clocks.AWARD.article}）"),
        ):
            case_rows = cases.filter(q).filter(**{f"{field}__gte": today}).order_by(field)[:limit]
            for row in case_rows.only("pk", "number", field):
                out.append(
                    workbench.Due(getattr(row, field), str(row), reverse("rights:case-detail", args=[row.pk]), what)
                )
    return out


workbench.register(
    _contract_item("reply_overdue", "逾期未书面回应的要约", "reply_overdue", order=55),
    _contract_item("reply", "待书面回应的集体协商要约", "reply"),
    _contract_item("filing", "签字后待报送的集体合同", "filing"),
    _contract_item("deemed", "审查期满待确认生效的集体合同", "deemed"),
    _contract_item("review", "报送审查中的集体合同", "review", kind=workbench.REMIND, order=70),
    _contract_item("renewal", "进入续订期的集体合同", "renewal", kind=workbench.REMIND, order=70),
    _contract_item("vacancy", "待补充协商代表的集体合同", "vacancy"),
    _case_item("cases_overdue", "调解超过15日的劳动争议", "overdue", 55),
    _case_item("cases_open", "调解中的劳动争议", "open", 60),
    _case_item("arbitration", "仲裁中的劳动争议", "arbitration", 65),
    workbench.Item(
        key="rights.consult_open",
        label="待答复的法律咨询",
        perm=CONSULT,
        count=lambda user: workbench.capped(
            scope.permitted(user, Consultation, CONSULT).filter(status=ConsultStatus.OPEN)
        ),
        url_name="rights:consult-list",
        query={"state": "open"},
        show=_officer,
        order=60,
    ),
    workbench.Item(
        key="rights.warnings_open",
        label="处置中的风险预警",
        perm=CASES,
        count=lambda user: workbench.capped(scope.permitted(user, EarlyWarning, CASES).filter(handled_on__isnull=True)),
        url_name="rights:warning-list",
        query={"state": "open"},
        show=_officer,
        order=65,
    ),
)
workbench.register_deadline(
    workbench.Deadline(key="rights.dates", perm=None, upcoming=upcoming, show=_officer),
)
