"""Forms of the accounts pages. They check types; the services check the rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gefeng.accounts import selectors
from gefeng.accounts.roles import DUTY_BUSINESS, ROLES, RoleCode
from gefeng.accounts.validators import ComplexityValidator
from gefeng.core.forms import DateInput, StyledFormMixin

PHONE_RE = re.compile(r"^1\d{10}$")
ORG_HELP = _("统一社会信用代码或行政区划代码；没有代码的组织填 # 加编号，如 #12。")


class LoginForm(StyledFormMixin, forms.Form):
    username = forms.CharField(
        label=_("登录名"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(StyledFormMixin, forms.Form):
    code = forms.RegexField(
        label=_("动态口令"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("请输入手机验证器上的 6 位数字。")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "maxlength": "6",
                "autofocus": True,
            }
        ),
    )


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = ComplexityValidator().get_help_text()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


def _clean_phone(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value and not PHONE_RE.match(value):
        raise forms.ValidationError(_("请输入 11 位手机号。"))
    return value


class _OrgFieldMixin:
    """A text field naming an org by code (the security administrator holds no orgs.view)."""

    def clean_org_code(self) -> Any:
        text = self.cleaned_data.get("org_code", "")  # type: ignore[attr-defined]
        if not text.strip():
            self.org = None
            return ""
        org = selectors.find_org(text)
        if org is None:
            raise forms.ValidationError(_("找不到代码为 %(code)s 的组织。") % {"code": text.strip()})
        self.org = org
        return text.strip().upper()


class UserCreateForm(_OrgFieldMixin, StyledFormMixin, forms.Form):
    username = forms.CharField(
        label=_("登录名"),
        max_length=150,
        help_text=_("字母、数字和 @ . + - _，登录时使用，创建后不能修改。"),
        validators=[RegexValidator(r"^[\w.@+-]+$", _("登录名只能包含字母、数字和 @ . + - _。"))],
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    org_code = forms.CharField(label=_("所属组织代码"), max_length=20, help_text=ORG_HELP)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("phone", ""))


class UserEditForm(_OrgFieldMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    org_code = forms.CharField(label=_("所属组织代码"), max_length=20, required=False, help_text=ORG_HELP)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("留空则不修改。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    clear_phone = forms.BooleanField(label=_("清除手机号"), required=False)
    is_active = forms.BooleanField(label=_("启用（停用后立即结束其所有会话，不能再登录）"), required=False)

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("phone", ""))


def business_role_choices() -> list[tuple[str, Any]]:
    return [(code, label) for code, label in RoleCode.choices if ROLES[code].duty == DUTY_BUSINESS]


class UserRolesForm(forms.Form):
    """Business roles only: administrator duties come from `gefeng createadmin` (三员分立)."""

    roles = forms.MultipleChoiceField(
        label=_("业务角色"),
        required=False,
        choices=business_role_choices,
        widget=forms.CheckboxSelectMultiple,
    )


ROLE_FILTER = [("", _("全部角色")), ("system", _("系统管理员")), *RoleCode.choices]
ACTIVE_FILTER = [("", _("全部")), ("1", _("启用")), ("0", _("停用"))]


def state_filter() -> list[tuple[str, Any]]:
    return [("", _("全部")), *selectors.state_choices()]


class UserFilterForm(StyledFormMixin, forms.Form):
    """Filters of the user list; invalid values are dropped, never an error page."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("登录名或姓名"), "type": "search"}),
    )
    role = forms.ChoiceField(label=_("角色"), required=False, choices=ROLE_FILTER)
    active = forms.ChoiceField(label=_("启用"), required=False, choices=ACTIVE_FILTER)
    state = forms.ChoiceField(label=_("账号状态"), required=False, choices=state_filter)
    org = forms.CharField(
        label=_("组织代码（含下级）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("代码或 #编号")}),
    )
    under = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "role": data.get("role") or "",
            "active": data.get("active") or "",
            "state": data.get("state") or "",
            "org": (data.get("org") or "").strip(),
            "under": data.get("under") or None,
        }


SUCCESS_FILTER = [("", _("全部")), ("1", _("成功")), ("0", _("失败"))]


class LoginEventFilterForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("登录名"), required=False, max_length=150)
    ip = forms.CharField(label=_("地址"), required=False, max_length=45)
    success = forms.ChoiceField(label=_("结果"), required=False, choices=SUCCESS_FILTER)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def values(self) -> dict[str, Any]:
        """Filters for `selectors.login_events`: the date range as local midnights."""
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        start = end = None
        if data.get("date_from"):
            start = dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz)
        if data.get("date_to"):
            end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        success = {"1": True, "0": False}.get(data.get("success") or "")
        return {
            "username": data.get("username", "").strip(),
            "ip": data.get("ip", "").strip(),
            "success": success,
            "start": start,
            "end": end,
        }
