from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import StyledFormMixin
from gefeng.members.models import NewFormGroup
from gefeng.orgs.models import OrgNode
from gefeng.workers.models import CorrectionField


def _phone_input(field: forms.Field, mode: str, autocomplete: str = "") -> None:
    field.widget.attrs["inputmode"] = mode
    if autocomplete:
        field.widget.attrs["autocomplete"] = autocomplete


class RegisterForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("登录名"), max_length=40, help_text=_("字母、数字，建议用手机号"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _phone_input(self.fields["phone"], "tel", "tel")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password2"].widget.attrs["autocomplete"] = "new-password"

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class BindForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    phone = forms.CharField(label=_("手机号"), max_length=20, help_text=_("工会登记的手机号"))
    code = forms.CharField(
        label=_("激活码（选填）"),
        max_length=12,
        required=False,
        help_text=_("工会发给您的 8 位激活码；没有可不填，提交后由工会确认"),
    )
    consent = forms.BooleanField(label=_("我已阅读并同意《个人信息处理告知书》"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _phone_input(self.fields["phone"], "tel", "tel")
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["code"].widget.attrs["autocapitalize"] = "characters"


class JoinForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    town = forms.ModelChoiceField(label=_("工作地所在镇街"), queryset=OrgNode.objects.none(), required=False)
    employer_name = forms.CharField(
        label=_("工作单位"), max_length=100, help_text=_("填单位全称；快递、外卖、货运等可填平台或站点名称")
    )
    group = forms.ChoiceField(
        label=_("新就业形态群体"), required=False, choices=[("", _("不属于")), *NewFormGroup.choices]
    )
    consent = forms.BooleanField(label=_("我已阅读并同意《个人信息处理告知书》"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gefeng.workers.selectors import towns

        self.fields["town"].queryset = towns()
        self.fields["town"].empty_label = _("请选择")
        _phone_input(self.fields["phone"], "tel", "tel")


class TransferForm(StyledFormMixin, forms.Form):
    town = forms.ModelChoiceField(label=_("新单位所在镇街"), queryset=OrgNode.objects.none(), required=False)
    employer_name = forms.CharField(label=_("新的工作单位"), max_length=100, help_text=_("填单位全称或简称"))
    group = forms.ChoiceField(
        label=_("新就业形态群体"), required=False, choices=[("", _("不属于")), *NewFormGroup.choices]
    )
    note = forms.CharField(label=_("说明（选填）"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gefeng.workers.selectors import towns

        self.fields["town"].queryset = towns()
        self.fields["town"].empty_label = _("请选择")


class TransferStartForm(TransferForm):
    """The old union's start: the same questions as the worker's request."""

    note = forms.CharField(label=_("接转原因（选填）"), max_length=200, required=False)


class TransferClaimForm(StyledFormMixin, forms.Form):
    """The new union asks to receive a worker who is a member elsewhere on the platform."""

    union = forms.ModelChoiceField(label=_("接收的工会"), queryset=OrgNode.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    note = forms.CharField(label=_("说明（选填）"), max_length=200, required=False)

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unions is not None:
            self.fields["union"].queryset = unions
        self.fields["union"].empty_label = _("请选择")


class CorrectionForm(StyledFormMixin, forms.Form):
    field = forms.ChoiceField(label=_("要更正的项目"), choices=CorrectionField.choices)
    value = forms.CharField(label=_("正确的内容"), max_length=50)
    note = forms.CharField(label=_("说明（选填）"), max_length=200, required=False)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=200)
