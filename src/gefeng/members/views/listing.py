"""The member list (会员名册), its searches and its export."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gefeng.core import audit, exports, scope
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.members import exporting, selectors
from gefeng.members.forms import (
    FILTER_FIELDS,
    MemberFilterForm,
    filter_query,
    member_filters,
)
from gefeng.members.models import Status
from gefeng.members.services import export_jobs
from gefeng.members.views.common import (
    EXPORT_FORMATS,
    SEARCH_LIMIT,
    UNDER_ENTERPRISES,
    UNDER_TOWNS,
    _age,
    _is_self_only,
    _pk,
    _search_unions,
    _visible_node,
)
from gefeng.orgs.models import Kind, OrgNode
from gefeng.orgs.selectors import search_nodes, visible_nodes

# ---------------------------------------------------------------- list


def _under_choices(user: Any, current: OrgNode | None) -> tuple[list[Any], bool]:
    """Choices of the 单位范围 select: visible towns and (when not too many) enterprises."""
    nodes = visible_nodes(user).valid_on(dt.date.today())
    towns = list(nodes.filter(kind=Kind.TOWN).order_by("path").values_list("pk", "name")[:UNDER_TOWNS])
    enterprises = list(
        nodes.filter(kind=Kind.ENTERPRISE).order_by("path").values_list("pk", "name")[: UNDER_ENTERPRISES + 1]
    )
    many = len(enterprises) > UNDER_ENTERPRISES
    choices: list[Any] = []
    offered: set[int] = set()
    if towns:
        choices.append((_("镇 / 街道 / 园区"), towns))
        offered |= {pk for pk, _name in towns}
    if enterprises and not many:
        choices.append((_("企业 / 事业单位"), enterprises))
        offered |= {pk for pk, _name in enterprises}
    if current is not None and current.pk not in offered:
        choices.insert(0, (current.pk, current.name))
    return choices, many


def _list_values(request: AuthedRequest, *, shows_age: bool | None = None) -> tuple[dict[str, Any], OrgNode | None]:
    values = MemberFilterForm(request.GET).values()
    under = _visible_node(request.user, values["under"])
    values["under"] = under.pk if under else None
    if shows_age is None:
        shows_age = exporting.can_reveal_all(request.user)
    if not shows_age:
        # An age band or the order by birth date tells the age of a member whose age is not
        # shown: with the tail of the ID number that narrows the number down (个人信息显示).
        values["age_band"] = ""
        if values["sort"] in ("birth", "-birth"):
            values["sort"] = "name"
    return values, under


@require_GET
@login_required
def member_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "members.view")
    # The age only to whoever may reveal every row: with the tail of the ID number it narrows
    # the number to a few dozen (个人信息显示 in docs/members.md).
    show_age = exporting.can_reveal_all(user)
    values, under = _list_values(request, shows_age=show_age)
    page = paginate(request, selectors.member_list(user, member_filters(values)))
    today = dt.date.today()
    for m in page.rows:
        m.age = _age(m.birth_date, today) if show_age else None
    choices, many = _under_choices(user, under)
    current = dict(values)
    size = request.GET.get("size")
    extra = {"size": size} if size else {}
    sort_links = {}
    for column, (first, second) in {
        "name": ("name", "name"),
        "birth": ("birth", "-birth"),
        "joined": ("-joined", "joined"),
    }.items():
        target = second if values["sort"] == first else first
        sort_links[column] = {
            "url": "?" + filter_query(current, sort=target, **extra),
            "active": values["sort"] in (first, second),
            "desc": values["sort"].startswith("-"),
        }
    advanced = any(values[f] for f in FILTER_FIELDS if f != "status") or values["status"] != Status.ACTIVE
    return render(
        request,
        "members/member_list.html",
        {
            "form": MemberFilterForm(initial=values, under_choices=choices),
            "page": page,
            "under": under,
            "many_orgs": many,
            "has_under": bool(choices) or many,
            "can_search_orgs": scope.has_perm(user, "orgs.view"),
            "filtered": bool(values["q"]) or advanced,
            "advanced": advanced,
            "sort_links": sort_links,
            "export_query": filter_query(current),
            "can_export": scope.has_perm(user, "members.export"),
            "can_create": scope.has_perm(user, "members.change"),
            "self_only": _is_self_only(user),
            "show_age": show_age,
        },
    )


@require_GET
@login_required
def org_search(request: AuthedRequest) -> HttpResponse:
    """Find a unit to limit the list to (its subtree); each result links to the filtered list."""
    user = request.user
    scope.require_perm(user, "members.view")
    scope.require_perm(user, "orgs.view")
    term = request.GET.get("org_q", "")[:100].strip()
    values, _under = _list_values(request)
    base = reverse("members:member-list")
    results = [
        {"node": n, "url": base + "?" + filter_query(values, under=n.pk)}
        for n in (search_nodes(user, term, limit=SEARCH_LIMIT) if term else [])
    ]
    return render(request, "members/_org_choices.html", {"q": term, "results": results})


@require_GET
@login_required
def union_search(request: AuthedRequest) -> HttpResponse:
    """Unions the user may register members in, as radio choices for the create and transfer forms."""
    user = request.user
    scope.require_perm(user, "members.change")
    term = request.GET.get("q", "")[:100].strip()
    name = request.GET.get("name", "to_union")
    if name not in ("union", "to_union"):
        name = "to_union"
    results = _search_unions(user, term, exclude=_pk(request.GET.get("exclude")))
    return render(request, "members/_union_choices.html", {"q": term, "results": results, "name": name, "selected": ""})


# ---------------------------------------------------------------- export


def _export_summary(values: dict[str, Any], under: OrgNode | None) -> list[tuple[Any, str]]:
    """The filters in words, for the export page."""
    form = MemberFilterForm()
    out: list[tuple[Any, str]] = []
    if values["q"]:
        out.append((_("搜索"), values["q"]))
    if under is not None:
        out.append((_("单位范围"), _g("%(name)s 及其下级") % {"name": under.name}))
    for name in FILTER_FIELDS:
        if name == "under" or not values[name]:
            continue
        field = form.fields[name]
        label = dict(getattr(field, "choices", [])).get(values[name], values[name])
        out.append((field.label, str(label)))
    return out


@require_GET
@login_required
def member_export(request: AuthedRequest) -> HttpResponseBase:
    """The filtered registry as xlsx or csv, masked unless `reveal=1` (needs the reveal right on
    the whole scope). Without `format`, a page to choose the format and whether to reveal."""
    user = request.user
    scope.require_perm(user, "members.export")
    can_reveal = exporting.can_reveal_all(user)
    values, under = _list_values(request, shows_age=can_reveal)
    filters = member_filters(values)
    fmt = request.GET.get("format", "")
    if not fmt:
        return render(
            request,
            "members/member_export.html",
            {
                "summary": _export_summary(values, under),
                "hidden": parse_qsl(filter_query(values)),
                "back": reverse("members:member-list") + "?" + filter_query(values),
                "can_reveal": can_reveal,
            },
        )
    if fmt not in EXPORT_FORMATS:
        raise BadRequest(_g("导出格式只能是 xlsx 或 csv。"))
    reveal = request.GET.get("reveal") == "1"
    if reveal and not can_reveal:
        raise PermissionDenied
    described = exporting.audit_filters(filters)
    qs = selectors.member_list(user, filters)
    limit = export_jobs.direct_rows()
    if qs.order_by().values("pk")[: limit + 1].count() > limit:  # bounded: stops counting past the limit
        job = export_jobs.export_queue(actor=user, values=values, fmt=fmt, reveal=reveal, described=described)
        return redirect("members:export-job", pk=job.pk)
    audit.record(
        actor=user,
        action="members.member.exported",
        object_type="members.member",
        object_repr=_g("会员名册"),
        changes={"filters": described, "format": fmt, "reveal": reveal},
    )
    if reveal:
        audit.record(
            actor=user,
            action="members.export.revealed",
            object_type="members.member",
            object_repr=_g("会员名册"),
            changes={"filters": described, "format": fmt},
        )
    qs = qs.select_related(*exporting.EXPORT_RELATED)
    rows = (exporting.export_row(m, reveal=reveal, show_age=can_reveal) for m in qs.iterator(chunk_size=2000))
    filename = _g("会员名册") + f"-{timezone.localtime():%Y%m%d-%H%M%S}"
    if fmt == "csv":
        return exports.stream_csv(filename, exporting.export_headers(reveal=reveal), rows)
    return exports.stream_xlsx(filename, exporting.export_headers(reveal=reveal), rows, sheet_name=_g("会员名册"))
