"""A member's page, revealing a masked field, and creating and editing a member."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.types import AuthedRequest
from gefeng.members import selectors, services
from gefeng.members.forms import (
    MemberCreateForm,
    MemberEditForm,
)
from gefeng.members.models import Member, Status
from gefeng.members.views.common import (
    EVENTS_SHOWN,
    REVEAL_FIELDS,
    UNION_SELECT_LIMIT,
    _age,
    _changeable_unions,
    _member,
    _pick_team,
    _pk,
    _teams,
)

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
