"""Pages of the real-name registry (实名制会员) and of union building (建会入会).

Reads go through `members.selectors` (always within the user's scope), writes through
`members.services`; an object outside the user's sight is a 404, one seen without the right a 403.
ID numbers and phones are shown masked; a full value is a POST that the service audits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.functions import Cast, NullIf
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import audit, exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.members import exporting, selectors, services
from gefeng.members.forms import (
    COVERAGE_SORTS,
    FILTER_FIELDS,
    LEAVE_SUGGESTIONS,
    CoverageForm,
    LeaveForm,
    MemberCreateForm,
    MemberEditForm,
    MemberFilterForm,
    RetainForm,
    TransferForm,
    TransferOutForm,
    filter_query,
    member_filters,
)
from gefeng.members.models import Member, Status
from gefeng.orgs.models import Kind, OrgNode
from gefeng.orgs.selectors import search_nodes, visible_nodes

UNION_SELECT_LIMIT = 500  # more unions than this: the create page searches instead of a select
UNDER_TOWNS = 200
UNDER_ENTERPRISES = 300  # more enterprises than this: the filter offers towns and the org search
TEAM_LIMIT = 500
SEARCH_LIMIT = 20
GAP_SHOWN = 100  # rows of the 建会 gap list on the page; the export has them all
EVENTS_SHOWN = 500
EXPORT_FORMATS = ("xlsx", "csv")
REVEAL_FIELDS = {"id_number": _("身份证号"), "phone": _("手机号")}


def _pk(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def _visible_node(user: Any, pk: Any) -> OrgNode | None:
    number = _pk(pk) if pk is not None else None
    return visible_nodes(user).filter(pk=number).first() if number else None


def _age(birth: dt.date, today: dt.date) -> int:
    return exporting.age(birth, today)


def _changeable_unions(user: Any) -> QuerySet[OrgNode]:
    """Live unions the user sees and may register members in."""
    unions = visible_nodes(user).filter(kind=Kind.UNION).valid_on(dt.date.today())
    return scope.permitted(user, unions, "members.change").order_by("path")


def _search_unions(user: Any, term: str, *, exclude: int | None = None) -> list[OrgNode]:
    term = term.strip()
    if not term:
        return []
    qs = _changeable_unions(user).filter(Q(name__contains=term) | Q(short_name__contains=term) | Q(code=term.upper()))
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by("depth", "path")[:SEARCH_LIMIT])


def _teams(user: Any, union: OrgNode | None) -> list[OrgNode]:
    if union is None:
        return []
    return list(
        visible_nodes(user)
        .filter(scope.subtree_q("", union.path), kind=Kind.TEAM)
        .valid_on(dt.date.today())
        .order_by("path")[:TEAM_LIMIT]
    )


def _pick_team(user: Any, form: Any, pk: int | None) -> tuple[bool, OrgNode | None]:
    """The team chosen on a form (ok, team); a pk the user cannot see is a form error."""
    if not pk:
        return True, None
    team = visible_nodes(user).filter(pk=pk, kind=Kind.TEAM).first()
    if team is None:
        form.add_error("team", _("请选择该工会下的班组。"))
        return False, None
    return True, team


def _member(user: Any, pk: int, perm: str | None = None) -> Member:
    qs = Member.objects.select_related("union", "enterprise", "team", "user")
    return scope.get_or_404(user, qs, perm, pk=pk)


def _is_self_only(user: Any) -> bool:
    """A worker: sees the registry only through the 本人 scope (their own record)."""
    if not scope.has_perm(user, "members.view") or user.is_superuser:
        return False
    return scope.scope_q(user, Member, "members.view") == Q(user_id=user.pk)


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
    qs = selectors.member_list(user, filters).select_related(*exporting.EXPORT_RELATED)
    rows = (exporting.export_row(m, reveal=reveal, show_age=can_reveal) for m in qs.iterator(chunk_size=2000))
    filename = _g("会员名册") + f"-{timezone.localtime():%Y%m%d-%H%M%S}"
    if fmt == "csv":
        return exports.stream_csv(filename, exporting.export_headers(reveal=reveal), rows)
    return exports.stream_xlsx(filename, exporting.export_headers(reveal=reveal), rows, sheet_name=_g("会员名册"))


# ---------------------------------------------------------------- detail and reveal


def _detail_context(request: AuthedRequest, member: Member, *, revealed: dict[str, str] | None = None):
    user = request.user
    revealed = revealed or {}
    can_reveal = scope.can(user, member, "members.reveal")
    masked = {"id_number": member.id_masked, "phone": member.phone_masked}
    pii = {
        field: {
            "member": member,
            "field": field,
            "label": label,
            "masked": masked[field],
            "value": revealed.get(field, ""),
            "revealed": field in revealed,
            "can_reveal": can_reveal,
        }
        for field, label in REVEAL_FIELDS.items()
    }
    live = member.status in (Status.ACTIVE, Status.RETAINED)
    return {
        "member": member,
        # Only to whoever may reveal the number (it contains the birth date anyway).
        "age": _age(member.birth_date, dt.date.today()) if can_reveal else None,
        "pii": pii,
        "events": list(selectors.member_events(user, member)[:EVENTS_SHOWN]),
        "can_change": scope.can(user, member, "members.change"),
        "live": live,
        "can_view_orgs": scope.has_perm(user, "orgs.view"),
    }


@require_GET
@login_required
def member_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _member(request.user, pk)
    return render(request, "members/member_detail.html", _detail_context(request, member))


@require_POST
@login_required
def member_reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    if field not in REVEAL_FIELDS:
        raise Http404
    member = _member(request.user, pk, "members.reveal")
    value = services.member_reveal(actor=request.user, member=member, field=field)
    if request.htmx:
        context = _detail_context(request, member, revealed={field: value})
        return render(request, "members/_reveal.html", {"item": context["pii"][field]})
    return render(request, "members/member_detail.html", _detail_context(request, member, revealed={field: value}))


# ---------------------------------------------------------------- create and edit


@require_http_methods(["GET", "POST"])
@login_required
def member_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, "members.change")
    unions_qs = _changeable_unions(user)
    unions = list(unions_qs[: UNION_SELECT_LIMIT + 1])
    union_search = len(unions) > UNION_SELECT_LIMIT
    posted = request.method == "POST"
    source = request.POST if posted else request.GET
    chosen = _pk(source.get("union"))
    union = unions_qs.filter(pk=chosen).first() if chosen else None
    form = MemberCreateForm(
        request.POST if posted else None,
        union_choices=[] if union_search else [(u.pk, u.name) for u in unions],
        union_search=union_search,
        team_choices=[(t.pk, t.name) for t in _teams(user, union)],
        initial={"union": union.pk if union else None},
    )
    if posted and form.is_valid():
        ok, team = _pick_team(user, form, form.cleaned_data.get("team"))
        if union is None:
            form.add_error("union", _("请选择您有权管理的工会。"))
        elif ok:
            try:
                member = services.member_join(actor=user, union=union, data=form.service_data(), team=team)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("已登记会员“%(name)s”（%(union)s）。") % {"name": member.name, "union": union.name}
                )
                return redirect("members:member-detail", pk=member.pk)
    return render(
        request,
        "members/member_create.html",
        {
            "form": form,
            "union": union,
            "union_search": union_search,
            "no_unions": not unions,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    member = _member(user, pk, "members.change")
    form = MemberEditForm(
        request.POST if request.method == "POST" else None,
        member=member,
        team_choices=[(t.pk, t.name) for t in _teams(user, member.union)],
    )
    if request.method == "POST" and form.is_valid():
        ok, team = _pick_team(user, form, form.cleaned_data.get("team"))
        if ok:
            data = form.service_data() | {"team": team}
            try:
                services.member_update(actor=user, member=member, data=data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存“%(name)s”的会员信息。") % {"name": data["name"]})
                return redirect("members:member-detail", pk=member.pk)
    return render(request, "members/member_edit.html", {"form": form, "member": member})


# ---------------------------------------------------------------- membership changes


@require_http_methods(["GET", "POST"])
@login_required
def member_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    """转会: to a union on the platform (found by search) or out of the county (by name)."""
    user = request.user
    member = _member(user, pk, "members.change")
    mode = request.POST.get("mode") if request.method == "POST" else None
    inside = TransferForm(request.POST if mode == "inside" else None, exclude=member.union_id)
    outside = TransferOutForm(request.POST if mode == "outside" else None, prefix="out")
    if mode == "inside" and inside.is_valid():
        data = inside.cleaned_data
        to_union = _changeable_unions(user).filter(pk=data["to_union"]).first()
        if to_union is None:
            inside.add_error("to_union", _("请选择您有权管理的工会。"))
        else:
            try:
                services.member_transfer(
                    actor=user, member=member, to_union=to_union, on=data["on"], reason=data["reason"] or ""
                )
            except ValidationError as exc:
                add_service_errors(inside, exc)
            else:
                messages.success(
                    request,
                    _("已将“%(name)s”转入“%(union)s”。") % {"name": member.name, "union": to_union.name},
                )
                return redirect("members:member-detail", pk=member.pk)
    elif mode == "outside" and outside.is_valid():
        data = outside.cleaned_data
        try:
            services.member_transfer_out(
                actor=user, member=member, to_name=data["to_name"], on=data["on"], reason=data["reason"] or ""
            )
        except ValidationError as exc:
            add_service_errors(outside, exc)
        else:
            messages.success(
                request, _("已办理“%(name)s”转出至“%(to)s”。") % {"name": member.name, "to": data["to_name"]}
            )
            return redirect("members:member-detail", pk=member.pk)
    term = str(inside["q"].value() or "")
    return render(
        request,
        "members/member_transfer.html",
        {
            "member": member,
            "form": inside,
            "out_form": outside,
            "mode": mode,
            "q": term,
            "results": _search_unions(user, term, exclude=member.union_id) if term else [],
            "selected": str(inside["to_union"].value() or ""),
            "live": member.status in (Status.ACTIVE, Status.RETAINED),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_retain(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _member(request.user, pk, "members.change")
    form = RetainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_retain(
                actor=request.user, member=member, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为“%(name)s”办理保留会籍。") % {"name": member.name})
            return redirect("members:member-detail", pk=member.pk)
    return render(
        request,
        "members/member_retain.html",
        {"form": form, "member": member, "active": member.status == Status.ACTIVE},
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _member(request.user, pk, "members.change")
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(
                actor=request.user, member=member, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为“%(name)s”办理退会。") % {"name": member.name})
            return redirect("members:member-detail", pk=member.pk)
    return render(
        request,
        "members/member_leave.html",
        {
            "form": form,
            "member": member,
            "live": member.status in (Status.ACTIVE, Status.RETAINED),
            "suggestions": LEAVE_SUGGESTIONS,
        },
    )


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


def _xlsx_download(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_name: str
) -> HttpResponse:
    """A small workbook as a plain response (for bounded lists such as the gap list; the registry
    itself streams with `exports.stream_xlsx`)."""
    fd, path = tempfile.mkstemp(prefix="gefeng-export-", suffix=".xlsx")
    os.close(fd)
    try:
        exports.write_xlsx(path, headers, rows, sheet_name=sheet_name)
        with open(path, "rb") as handle:
            content = handle.read()
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename + ".xlsx") or ""
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def coverage_gap_export(request: AuthedRequest) -> HttpResponse:
    """The 建会 gap list (enterprises with 25 or more employees and no union) as xlsx."""
    user = request.user
    _require_coverage(user)
    under = _visible_node(user, request.GET.get("under"))
    audit.record(
        actor=user,
        action="members.coverage_gap.exported",
        object_type="orgs.orgnode",
        object_repr=_g("未建会企业名单"),
        changes={"filters": {"under": under.name} if under else {}, "format": "xlsx"},
    )
    qs = selectors.union_gap(user, under=under).select_related("parent")
    rows = (_gap_row(n) for n in qs.iterator(chunk_size=2000))
    filename = _g("未建会企业名单") + f"-{timezone.localtime():%Y%m%d-%H%M%S}"
    return _xlsx_download(filename, GAP_HEADERS, rows, sheet_name=_g("未建会企业"))
