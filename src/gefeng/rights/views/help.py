"""Pages of legal consultation and legal-aid referral (法工部): the list, a new record, the
consultation's page (audited: it holds personal circumstances) with its answer or referral."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import audit, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.orgs.models import Kind
from gefeng.rights import selectors, services
from gefeng.rights.forms import ConsultForm
from gefeng.rights.models import Consultation, ConsultStatus
from gefeng.rights.services.common import today
from gefeng.rights.views.common import Step, require_officer, run_step

CONSULT = services.CONSULT

STEPS: dict[str, Step] = {
    "answer": (services.consultation_answer, ("answer", "answered_on"), (), "已答复。"),
    "refer": (services.consultation_refer, ("aid_to", "on"), (), "已转介法律援助。"),
}


@require_GET
@login_required
def consult_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CONSULT)
    filters = {"state": request.GET.get("state", "")}
    page = paginate(request, selectors.consultations(user, filters))
    return render(
        request, "rights/consult_list.html", {"page": page, "filters": filters, "states": ConsultStatus.choices}
    )


@require_http_methods(["GET", "POST"])
@login_required
def consult_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_officer(user, CONSULT)
    form = ConsultForm(request.POST or None, initial={"asked_on": today(), "channel": "phone"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = selectors.find_unit(user, data.pop("unit"), (Kind.ENTERPRISE, Kind.TOWN, Kind.COUNTY), perm=CONSULT)
        try:
            if org is None:
                raise ValidationError({"unit": ["找不到该单位，或不在您的管理范围内。"]})
            item = services.consultation_create(actor=user, org=org, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记法律咨询。")
            return redirect("rights:consult-detail", pk=item.pk)
    return render(
        request,
        "rights/form.html",
        {"form": form, "title": "登记法律咨询", "section": "法律咨询", "back": reverse("rights:consult-list")},
    )


@require_GET
@login_required
def consult_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_officer(user, CONSULT)
    item = scope.get_or_404(user, Consultation.objects.select_related("org", "answered_by"), pk=pk)
    audit.record(actor=user, action="rights.consult.viewed", obj=item)
    return render(
        request,
        "rights/consult_detail.html",
        {"item": item, "can_handle": scope.can(user, item, CONSULT), "today": today()},
    )


@require_POST
@login_required
def consult_step(request: AuthedRequest, pk: int, step: str) -> HttpResponseBase:
    user = request.user
    require_officer(user, CONSULT)
    item = scope.get_or_404(user, Consultation, CONSULT, pk=pk)
    return run_step(request, STEPS, step, {"item": item}, reverse("rights:consult-detail", args=[pk]))
