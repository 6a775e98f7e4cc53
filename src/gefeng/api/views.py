from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gefeng.api import services
from gefeng.api.models import ApiToken
from gefeng.core import scope
from gefeng.core.forms import StyledFormMixin, add_service_errors
from gefeng.core.types import AuthedRequest


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="用途", max_length=60)
    days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=366, initial=180)


@require_http_methods(["GET", "POST"])
@login_required
def token_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "api.use")
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = services.token_create(
                actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            form = TokenForm()
        except ValidationError as exc:
            add_service_errors(form, exc)
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50]
    return render(request, "api/token_list.html", {"form": form, "tokens": tokens, "new_token": new_token})


@require_POST
@login_required
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = scope.get_or_404(request.user, ApiToken, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, "令牌已吊销。")
    return redirect("apitokens:token-list")
