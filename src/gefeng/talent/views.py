"""Pages of the talent pool (人才库): list with search and filters, statistics with charts,
export, the profile with its sections, and the forms of the county office.

Reads go through `talent.selectors` (scope of `talent.view`, following the person's union);
writes through `talent.services`. Bank account numbers are masked everywhere; the full number is
a POST that the service audits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import exports, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.pii import mask_id_number
from gefeng.core.types import AuthedRequest
from gefeng.members.exporting import age, can_reveal_all
from gefeng.talent import sections, selectors, services
from gefeng.talent.forms import BankForm, CategoryForm, ProfileCreateForm, ProfileEditForm, ProfileFilterForm
from gefeng.talent.models import Source, TalentCategory, TalentMembership, TalentProfile, mask_account

VIEW = "talent.view"
EXPORT_MAX_ROWS = 50_000


def _filter_form(request: AuthedRequest) -> ProfileFilterForm:
    user = request.user
    return ProfileFilterForm(
        request.GET,
        categories=list(selectors.categories(user)),
        towns=list(selectors.towns(user)[:200]),
    )


def _query(request: AuthedRequest, *, drop: tuple[str, ...] = ("page",)) -> str:
    pairs = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in drop and v]
    return urlencode(pairs)


def _with_categories(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=TalentMembership.objects.select_related("category").order_by("category__order"),
        )
    )


@require_GET
@login_required
def profile_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    form = _filter_form(request)
    filters = form.filters()
    page = paginate(request, _with_categories(selectors.profile_list(user, filters)))
    return render(
        request,
        "talent/profile_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "filtered": any(request.GET.get(k) for k in ("q", "category", "level", "industry", "town", "state")),
            "can_create": scope.has_perm(user, services.MANAGE_PERM),
        },
    )


EXPORT_HEADERS = (
    "姓名",
    "性别",
    "年龄",
    "身份证号",
    "工作单位",
    "所在工会",
    "行业",
    "岗位类别",
    "人才类别",
    "最高荣誉级别",
    "荣誉数",
    "状态",
    "已退休",
    "特殊困难",
    "开户行",
    "银行账号",
    "入库日期",
)


def _export_row(p: TalentProfile, *, show_age: bool) -> tuple[Any, ...]:
    person = p.person
    enterprise = person.enterprise
    return (
        person.name,
        person.get_sex_display(),
        # The age, not the birth date: beside the number's tail it rebuilds the number.
        age(person.birth_date) if show_age else "",
        mask_id_number(person.id_number),
        enterprise.name if enterprise else "",
        person.union.name,
        enterprise.get_industry_display() if enterprise else "",
        person.get_job_category_display(),
        "、".join(m.category.name for m in p.memberships.all()),
        p.get_top_level_display(),
        p.honour_count,
        _g("已故") if p.deceased_on else _g("在世"),
        p.retired,
        p.hardship,
        p.bank_name,
        mask_account(p.bank_account),
        p.entered_on,
    )


@require_GET
@login_required
def profile_export(request: AuthedRequest) -> HttpResponseBase:
    """The filtered pool as xlsx. Always masked (ID numbers, bank accounts); audited."""
    user = request.user
    scope.require_perm(user, VIEW)
    filters = _filter_form(request).filters()
    qs = _with_categories(selectors.profile_list(user, filters))
    show_age = can_reveal_all(user)  # not even the age to whoever may not reveal the number
    rows = (_export_row(p, show_age=show_age) for p in qs.iterator(chunk_size=1000))
    # A county's pool is thousands of rows, not millions: capped at EXPORT_MAX_ROWS with a message row.
    return exports.download(
        actor=user,
        action="talent.profiles.exported",
        object_type="talent.talentprofile",
        object_repr="人才库",
        filename=f"人才库-{dt.date.today():%Y%m%d}",
        headers=EXPORT_HEADERS,
        rows=rows,
        sheet_name="人才库",
        max_rows=EXPORT_MAX_ROWS,
        changes={"filters": {k: v for k, v in vars(filters).items() if v not in ("", None)}, "masked": True},
    )


@require_GET
@login_required
def profile_stats(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    form = _filter_form(request)
    stats = selectors.statistics(user, form.filters())
    charts = {
        "levels": [{"name": r["label"], "value": r["count"]} for r in stats["levels"]],
        "industries": [{"name": r["label"], "value": r["count"]} for r in stats["industries"]],
        "jobs": [{"name": r["label"], "value": r["count"]} for r in stats["jobs"]],
    }
    return render(
        request,
        "talent/profile_stats.html",
        {"form": form, "stats": stats, "charts": charts, "query": _query(request)},
    )


def _profile(user: Any, pk: int, perm: str | None = None) -> TalentProfile:
    qs = TalentProfile.objects.select_related("person", "person__union", "person__enterprise")
    return scope.get_or_404(user, qs, perm, pk=pk)


def _detail_context(request: AuthedRequest, profile: TalentProfile, *, revealed: str | None = None) -> dict[str, Any]:
    user = request.user
    return {
        "profile": profile,
        "person": profile.person,
        "age": age(profile.person.birth_date) if scope.can(user, profile.person, "members.reveal") else None,
        "memberships": selectors.profile_categories(profile),
        "sections": sections.sections_for(user, profile),
        "can_edit": scope.can(user, profile, services.MANAGE_PERM),
        "can_bank": scope.can(user, profile, services.BANK_PERM),
        "can_view_member": scope.visible(user, type(profile.person)).filter(pk=profile.person_id).exists(),
        "account": {
            "masked": profile.bank_account_masked,
            "value": revealed or "",
            "revealed": revealed is not None,
            "profile": profile,
            "can_reveal": scope.can(user, profile, services.BANK_PERM),
        },
    }


@require_GET
@login_required
def profile_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = _profile(request.user, pk)
    return render(request, "talent/profile_detail.html", _detail_context(request, profile))


@require_POST
@login_required
def profile_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = _profile(request.user, pk, services.BANK_PERM)
    value = services.profile_reveal(actor=request.user, profile=profile)
    context = _detail_context(request, profile, revealed=value)
    if request.htmx:
        return render(request, "talent/_account.html", {"item": context["account"]})
    return render(request, "talent/profile_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def profile_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, services.MANAGE_PERM)
    cats = selectors.categories(user)
    form = ProfileCreateForm(request.POST or None, categories=cats)
    if request.method == "POST" and form.is_valid():
        try:
            person = selectors.person_by_id_number(user, form.cleaned_data["id_number"])
        except ValidationError as exc:
            form.add_error("id_number", exc.messages)
            person = None
        if person is None and not form.errors:
            form.add_error("id_number", _g("会员名册中找不到此身份证号的人员（或不在您的管理范围内）。"))
        elif person is not None:
            try:
                profile = services.profile_create(
                    actor=user,
                    person=person,
                    categories=form.cleaned_data["categories"],
                    data={"note": form.cleaned_data["note"]},
                )
            except PermissionDenied:
                form.add_error("id_number", _g("此人员不在您的管理范围内。"))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _g("已将 %(name)s 录入人才库。") % {"name": person.name})
                return redirect("talent:profile-detail", pk=profile.pk)
    return render(request, "talent/profile_create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def profile_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = _profile(user, pk, services.MANAGE_PERM)
    cats = selectors.categories(user)
    manual = list(profile.memberships.filter(source=Source.MANUAL).values_list("category_id", flat=True))
    initial = {f: getattr(profile, f) for f in services.EDITABLE} | {"categories": manual}
    form = ProfileEditForm(request.POST or None, initial=initial, categories=cats)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        categories = data.pop("categories")
        try:
            services.profile_update(actor=user, profile=profile, data=data, categories=categories)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("已保存。"))
            return redirect("talent:profile-detail", pk=profile.pk)
    return render(request, "talent/profile_edit.html", {"form": form, "profile": profile})


@require_http_methods(["GET", "POST"])
@login_required
def profile_bank(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = _profile(user, pk, services.BANK_PERM)
    initial = {"bank_holder": profile.bank_holder or profile.person.name, "bank_name": profile.bank_name}
    form = BankForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = data["bank_account"] or ("" if request.POST.get("clear_account") else profile.bank_account)
        try:
            services.profile_bank_update(
                actor=user,
                profile=profile,
                bank_holder=data["bank_holder"],
                bank_name=data["bank_name"],
                bank_account=account,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("银行账户已保存。"))
            return redirect("talent:profile-detail", pk=profile.pk)
    return render(request, "talent/profile_bank.html", {"form": form, "profile": profile})


@require_POST
@login_required
def profile_sync(request: AuthedRequest) -> HttpResponse:
    user = request.user
    result = services.sync_all(actor=user)  # the service refuses who may not manage the pool
    messages.success(
        request,
        _g("已按荣誉记录同步：%(people)s 名获得者，新建档案 %(created)s 份。") % result,
    )
    return redirect("talent:profile-list")


# ---------------------------------------------------------------- categories


@require_GET
@login_required
def category_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    scope.require_perm(user, VIEW)
    mine = scope.visible(user, TalentProfile).values("pk")
    rows = (
        selectors.categories(user, active_only=False)
        .annotate(n=Count("memberships", filter=Q(memberships__profile__in=mine)))
        .order_by("order", "id")
    )
    return render(
        request,
        "talent/category_list.html",
        {"rows": rows, "can_manage": scope.has_perm(user, services.MANAGE_PERM), "kind_labels": _kind_labels()},
    )


def _kind_labels() -> dict[str, str]:
    from gefeng.honours.models import HonourKind

    return {k: str(label) for k, label in HonourKind.choices}


def _category_form(request: AuthedRequest, category: TalentCategory | None) -> HttpResponse:
    user = request.user
    initial = (
        {
            "name": category.name,
            "honour_kinds": category.honour_kinds,
            "order": category.order,
            "active": category.active,
        }
        if category
        else {"active": True}
    )
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(actor=user, category=category, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _g("人才类别已保存。"))
            return redirect("talent:category-list")
    return render(request, "talent/category_form.html", {"form": form, "category": category})


@require_http_methods(["GET", "POST"])
@login_required
def category_create(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, services.MANAGE_PERM)
    return _category_form(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def category_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Categories are reference data (no tree): holders of talent.view see them, the county
    office (honours.manage) edits them."""
    category = selectors.categories(request.user, active_only=False).filter(pk=pk).first()
    if category is None:
        raise Http404
    scope.require_perm(request.user, services.MANAGE_PERM)
    return _category_form(request, category)
