"""Coverage (建会入会): unions founded and members joined against employees, and the gap list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F, FloatField
from django.db.models.functions import Cast, NullIf
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gefeng.core import exports, scope
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.members import selectors
from gefeng.members.forms import (
    COVERAGE_SORTS,
    CoverageForm,
    filter_query,
)
from gefeng.members.views.common import GAP_SHOWN, UNDER_TOWNS, _visible_node
from gefeng.orgs.models import Kind, OrgNode
from gefeng.orgs.selectors import visible_nodes

# ---------------------------------------------------------------- coverage (建会入会)

_RATE = Cast(F("members"), FloatField()) * 100.0 / NullIf(Cast(F("employee_count"), FloatField()), 0.0)
COVERAGE_ORDER: dict[str, tuple[Any, ...]] = {
    "rate": (F("rate").asc(nulls_last=True), "path"),
    "-rate": (F("rate").desc(nulls_last=True), "path"),
    "-employees": (F("employee_count").desc(nulls_last=True), "path"),
    "-members": ("-members", "path"),
    "name": ("name", "path"),
}
GAP_HEADERS = (
    _("单位名称"),
    _("统一社会信用代码"),
    _("上级组织"),
    _("行业门类"),
    _("经济类型"),
    _("职工人数"),
    _("地址"),
    _("联系人"),
)


def _require_coverage(user: Any) -> None:
    scope.require_perm(user, "members.view")
    scope.require_perm(user, "orgs.view")


def _totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "unions_founded": sum(r["unions_founded"] for r in rows),
        "members_joined": sum(r["members_joined"] for r in rows),
    }


@require_GET
@login_required
def coverage(request: AuthedRequest) -> HttpResponse:
    """建会入会: unions founded and members joined in a period; 入会率 per enterprise; the gap list."""
    user = request.user
    _require_coverage(user)
    today = dt.date.today()
    towns = list(visible_nodes(user).filter(kind=Kind.TOWN).order_by("path")[:UNDER_TOWNS])
    town_choices = [(t.pk, t.name) for t in towns]
    bound = CoverageForm(request.GET, under_choices=town_choices)
    values = bound.values(today)
    under = _visible_node(user, values["under"])
    values["under"] = under.pk if under else None
    if under is not None and under.pk not in {t.pk for t in towns}:
        town_choices.insert(0, (under.pk, under.name))
    form = bound if bound.errors else CoverageForm(initial=values, under_choices=town_choices)
    by_town = selectors.period_counts(user, values["start"], values["end"], by="town")
    by_industry = selectors.period_counts(user, values["start"], values["end"], by="industry")
    enterprises = (
        selectors.enterprise_coverage(user, under=under)
        .select_related("parent")
        .annotate(rate=_RATE)
        .order_by(*COVERAGE_ORDER.get(values["sort"], COVERAGE_ORDER["rate"]))
    )
    page = paginate(request, enterprises)
    gap = list(selectors.union_gap(user, under=under).select_related("parent")[: GAP_SHOWN + 1])
    gap_more = len(gap) > GAP_SHOWN
    gap = gap[:GAP_SHOWN]
    can_found = set(
        scope.permitted(user, OrgNode.objects.filter(pk__in=[g.pk for g in gap]), "orgs.change").values_list(
            "pk", flat=True
        )
    )
    period = {
        "start": values["start"].isoformat(),
        "end": values["end"].isoformat(),
        "under": values["under"],
    }
    sort_links = {}
    for column, (first, second) in {
        "rate": ("rate", "-rate"),
        "employees": ("-employees", "-employees"),
        "members": ("-members", "-members"),
        "name": ("name", "name"),
    }.items():
        target = second if values["sort"] == first else first
        sort_links[column] = {
            "url": "?" + filter_query(period, sort=target),
            "active": values["sort"] in (first, second),
            "desc": values["sort"].startswith("-"),
        }
    return render(
        request,
        "members/coverage.html",
        {
            "form": form,
            "values": values,
            "under": under,
            "by_town": by_town,
            "by_town_total": _totals(by_town),
            "by_industry": by_industry,
            "by_industry_total": _totals(by_industry),
            "page": page,
            "sort_links": sort_links,
            "sort_label": COVERAGE_SORTS.get(values["sort"], ""),
            "gap": [{"node": g, "can_found": g.pk in can_found} for g in gap],
            "gap_more": gap_more,
            "gap_export_query": filter_query({"under": values["under"]}),
        },
    )


def _gap_row(node: OrgNode) -> tuple[Any, ...]:
    return (
        node.name,
        node.code,
        node.parent.name if node.parent_id and node.parent else "",
        node.get_industry_display(),
        node.get_ownership_display(),
        node.employee_count,
        node.address,
        node.contact_name,
    )


@require_GET
@login_required
def coverage_gap_export(request: AuthedRequest) -> HttpResponseBase:
    """The 建会 gap list (enterprises with 25 or more employees and no union) as xlsx."""
    user = request.user
    _require_coverage(user)
    under = _visible_node(user, request.GET.get("under"))
    qs = selectors.union_gap(user, under=under).select_related("parent")
    return exports.download(
        actor=user,
        action="members.coverage_gap.exported",
        object_type="orgs.orgnode",
        object_repr=_g("未建会企业名单"),
        filename=_g("未建会企业名单") + f"-{timezone.localtime():%Y%m%d-%H%M%S}",
        headers=GAP_HEADERS,
        rows=(_gap_row(n) for n in qs.iterator(chunk_size=2000)),
        sheet_name=_g("未建会企业"),
        changes={"filters": {"under": under.name} if under else {}},
    )
