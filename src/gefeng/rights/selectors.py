"""Reads of 维权, within the actor's scope: lists start from `scope.visible` / `permitted` and are
bounded; tallies are indexed counts grouped in the database."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from gefeng.core import menu, scope
from gefeng.core.validators import clean_text, normalize_uscc
from gefeng.orgs.models import SEGMENT, Industry, Kind, OrgNode
from gefeng.rights import figures
from gefeng.rights.models import (
    OPEN_STATUSES,
    Campaign,
    Case,
    CaseStatus,
    Committee,
    Consultation,
    ConsultStatus,
    Contract,
    EarlyWarning,
    Stage,
    Target,
)
from gefeng.rights.workbench import cases_in, contracts_in

VIEW, MANAGE, CASES, CONSULT, REVEAL = "rights.view", "rights.manage", "rights.cases", "rights.consult", "rights.reveal"
CLOCK_FILTERS = {
    "reply": "待书面回应",
    "reply_overdue": "逾期未回应",
    "filing": "待报送",
    "review": "审查中",
    "deemed": "审查期满待确认生效",
    "renewal": "进入续订期",
    "vacancy": "待补充协商代表",
}
CASE_FILTERS = {"open": "调解中", "overdue": "调解超期", "arbitration": "仲裁中"}


def officer(actor: Any, perm: str) -> bool:
    """An office user holding `perm` beyond their own records (not the worker)."""
    return scope.has_perm_beyond_self(actor, perm) and menu.not_self_only(actor)


def find_unit(actor: Any, text: Any, kinds: tuple[str, ...], perm: str = MANAGE) -> OrgNode | None:
    """A node the actor may act on, named by its 统一社会信用代码, its code, its exact name or short name."""
    s = clean_text(text)[:100] if text else ""
    if not s:
        return None
    qs = scope.permitted(actor, OrgNode.objects.filter(kind__in=kinds), perm)
    try:
        code = normalize_uscc(s)
    except ValidationError:  # not a credit code: try the other keys
        code = s
    return qs.filter(Q(code=code) | Q(code=s) | Q(name=s) | Q(short_name=s)).order_by("path").first()


def units_for(actor: Any, kinds: tuple[str, ...], perm: str = MANAGE, limit: int = 50) -> list[OrgNode]:
    return list(scope.permitted(actor, OrgNode.objects.filter(kind__in=kinds), perm).order_by("path")[:limit])


def contracts(actor: Any, filters: dict[str, Any]) -> QuerySet[Contract]:
    clock = filters.get("clock") or ""
    qs = contracts_in(actor, clock) if clock in CLOCK_FILTERS else scope.visible(actor, Contract)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    term = clean_text(filters.get("q") or "")[:50]
    if term:
        qs = qs.filter(Q(title__contains=term) | Q(org__name__contains=term))
    return qs.select_related("org").order_by("-offer_on", "-id")


def campaigns(actor: Any) -> QuerySet[Campaign]:
    return (
        scope.visible(actor, Campaign)
        .select_related("org")
        .annotate(
            n_targets=Count("targets", distinct=True),
        )
        .order_by("-year", "-id")
    )


def targets(actor: Any, campaign: Campaign, filters: dict[str, Any]) -> QuerySet[Target]:
    qs = scope.visible(actor, Target).filter(campaign=campaign)
    if filters.get("town"):
        qs = qs.filter(town_id=filters["town"])
    if filters.get("stage") not in (None, ""):
        try:
            qs = qs.filter(stage=int(filters["stage"]))
        except (TypeError, ValueError):
            qs = qs.none()
    if filters.get("priority"):
        qs = qs.filter(priority=filters["priority"])
    return qs.select_related("enterprise", "town", "contract").order_by("town__path", "enterprise__path")


STAGE_COLUMNS = [
    (Stage.SENT, "已发要约"),
    (Stage.REPLIED, "已回应"),
    (Stage.TALKS, "已协商"),
    (Stage.SIGNED, "已签约"),
    (Stage.FILED, "已报送"),
    (Stage.EFFECTIVE, "已生效"),
]


def tally(actor: Any, campaign: Campaign) -> dict[str, Any]:
    """The campaign's tally by town, in the county's form: targets, employees, and how many reached
    each stage (a stage counts the targets at it or beyond), plus the totals."""
    agg: dict[str, Any] = {"n": Count("id"), "staff": Sum("employees")}
    for stage, _label in STAGE_COLUMNS:
        agg[f"s{int(stage)}"] = Count("id", filter=Q(stage__gte=stage))
    agg["signed_staff"] = Sum("employees", filter=Q(stage__gte=Stage.SIGNED))
    base = scope.visible(actor, Target).filter(campaign=campaign)
    rows = list(base.values("town_id", "town__name").annotate(**agg).order_by("town__name"))
    total = base.aggregate(**agg)
    by_priority = dict(base.values_list("priority").annotate(n=Count("id")).order_by())
    for r in [*rows, total]:
        r["stages"] = [r.get(f"s{int(s)}") or 0 for s, _ in STAGE_COLUMNS]
        r["staff"] = r.get("staff") or 0
        r["signed_staff"] = r.get("signed_staff") or 0
        r["n"] = r.get("n") or 0
    return {"rows": rows, "total": total, "columns": [label for _, label in STAGE_COLUMNS], "by_priority": by_priority}


def coverage(actor: Any, root: OrgNode, year: int) -> dict[str, Any]:
    """Enterprises and employees under a contract in force, by town and by sector (门类)."""
    contracts_q = figures.in_force(root, year).filter(enterprises=OuterRef("pk"))
    ents = scope.visible(actor, OrgNode).filter(kind=Kind.ENTERPRISE, valid_to__isnull=True)
    ents = ents.filter(scope.subtree_q("", root.path)).annotate(covered=Exists(contracts_q))
    by_sector = list(
        ents.values("industry")
        .annotate(
            n=Count("id"),
            covered_n=Count("id", filter=Q(covered=True)),
            staff=Sum("employee_count"),
            covered_staff=Sum("employee_count", filter=Q(covered=True)),
        )
        .order_by("industry")
    )
    labels = dict(Industry.choices)
    for r in by_sector:
        r["label"] = labels.get(r["industry"], "未填行业")
    towns = list(
        scope.visible(actor, OrgNode)
        .filter(kind=Kind.TOWN)
        .filter(scope.subtree_q("", root.path))
        .order_by("path")[:200]
    )
    by_town = []
    for town in towns:
        sub = ents.filter(scope.subtree_q("", town.path))
        r = sub.aggregate(
            n=Count("id"),
            covered_n=Count("id", filter=Q(covered=True)),
            staff=Sum("employee_count"),
            covered_staff=Sum("employee_count", filter=Q(covered=True)),
        )
        r["label"] = town.name
        by_town.append(r)
    total = ents.aggregate(
        n=Count("id"),
        covered_n=Count("id", filter=Q(covered=True)),
        staff=Sum("employee_count"),
        covered_staff=Sum("employee_count", filter=Q(covered=True)),
    )
    for r in [*by_sector, *by_town, total]:
        for k in ("n", "covered_n", "staff", "covered_staff"):
            r[k] = r.get(k) or 0
        r["share"] = r["covered_n"] / r["n"] if r["n"] else 0
    return {"by_sector": by_sector, "by_town": by_town, "total": total}


def cases(actor: Any, filters: dict[str, Any]) -> QuerySet[Case]:
    state = filters.get("state") or ""
    qs = cases_in(actor, state) if state in CASE_FILTERS else scope.visible(actor, Case)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("group"):
        qs = qs.filter(is_group=True)
    return qs.select_related("org", "committee").order_by("-applied_on", "-id")


def committees(actor: Any) -> QuerySet[Committee]:
    return (
        scope.visible(actor, Committee)
        .select_related("org")
        .annotate(n_members=Count("members"))
        .order_by("org__path", "id")
    )


def committees_for(actor: Any, case: Case) -> list[Committee]:
    """Committees that may mediate the case: the employer's own, or its town's / county's."""
    paths = [case.org.path[:i] for i in range(SEGMENT, len(case.org.path) + 1, SEGMENT)]
    qs = scope.permitted(actor, Committee, CASES).filter(org__path__in=paths, active=True)
    return list(qs.select_related("org").order_by("-org__depth", "id")[:20])


def consultations(actor: Any, filters: dict[str, Any]) -> QuerySet[Consultation]:
    qs = scope.visible(actor, Consultation)
    if filters.get("state") == "open":
        qs = qs.filter(status=ConsultStatus.OPEN)
    elif filters.get("state") in ConsultStatus.values:
        qs = qs.filter(status=filters["state"])
    return qs.select_related("org").order_by("-asked_on", "-id")


def warnings(actor: Any, filters: dict[str, Any]) -> QuerySet[EarlyWarning]:
    qs = scope.visible(actor, EarlyWarning)
    if filters.get("state") == "open":
        qs = qs.filter(handled_on__isnull=True)
    elif filters.get("state") == "handled":
        qs = qs.filter(handled_on__isnull=False)
    return qs.select_related("org").order_by("-reported_on", "-id")


def own_requests(actor: Any) -> dict[str, list[Any]]:
    """The worker's own consultations and mediation applications (本人 scope), newest first."""
    return {
        "consultations": list(
            scope.visible(actor, Consultation).filter(user_id=actor.pk).order_by("-asked_on", "-id")[:50]
        ),
        "cases": list(
            scope.visible(actor, Case)
            .filter(applicant_user_id=actor.pk)
            .select_related("org")
            .order_by("-applied_on", "-id")[:50]
        ),
    }


def case_counts(actor: Any) -> dict[str, int]:
    qs = scope.visible(actor, Case)
    return qs.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        agreed=Count("id", filter=Q(status=CaseStatus.AGREED)),
        arbitration=Count("id", filter=Q(status__in=(CaseStatus.ARBITRATION, CaseStatus.AWARDED))),
    )
