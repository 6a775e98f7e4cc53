"""Forms of the organisation tree. They check types; the services check the rules."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.core.pii import mask_phone
from gefeng.orgs.models import ALLOWED_CHILDREN, Industry, Kind, OrgNode, Ownership
from gefeng.orgs.selectors import SORTS

BLANK = [("", _("全部"))]

STATUS_CHOICES = [("", _("全部")), ("open", _("存续")), ("closed", _("已撤销"))]
SORT_LABELS = {
    "path": _("按层级"),
    "name": _("名称 ↑"),
    "-name": _("名称 ↓"),
    "code": _("代码"),
    "-employees": _("职工人数 ↓"),
    "employees": _("职工人数 ↑"),
    "-updated": _("最近更新"),
}
SORT_CHOICES = [(key, SORT_LABELS.get(key, key)) for key in SORTS]


class NodeFilterForm(StyledFormMixin, forms.Form):
    """The filters of the list page. Invalid values are dropped, never an error page."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("名称、简称或代码"), "type": "search"}),
    )
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[*BLANK, *Kind.choices])
    industry = forms.ChoiceField(label=_("行业门类"), required=False, choices=[*BLANK, *Industry.choices])
    ownership = forms.ChoiceField(label=_("经济类型"), required=False, choices=[*BLANK, *Ownership.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)
    under = forms.IntegerField(
        label=_("上级组织"), required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)

    def values(self) -> dict[str, Any]:
        """The valid filter values; a field whose value failed validation is left at its default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "industry": data.get("industry") or "",
            "ownership": data.get("ownership") or "",
            "status": data.get("status") or "",
            "under": data.get("under") or None,
            "sort": data.get("sort") or "path",
        }


class NodeFieldsForm(StyledFormMixin, forms.Form):
    """The fields a node's create and edit pages share.

    StyledFormMixin validates a bound form while it is constructed, so the fields are fixed at
    class level; later changes only touch what the widgets show.
    """

    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    code = forms.CharField(
        label=_("代码"),
        max_length=40,
        required=False,
        help_text=_("镇街填行政区划代码（9 位）；企业填 18 位统一社会信用代码；工会填 81 开头的工会代码。"),
    )
    industry = forms.ChoiceField(label=_("行业门类"), required=False, choices=[("", "—"), *Industry.choices])
    ownership = forms.ChoiceField(label=_("经济类型"), required=False, choices=[("", "—"), *Ownership.choices])
    employee_count = forms.IntegerField(label=_("职工人数"), required=False, min_value=0, max_value=10_000_000)
    union_founded_on = forms.DateField(label=_("建会日期"), required=False, widget=DateInput)
    valid_from = forms.DateField(label=_("成立日期"), required=False, widget=DateInput)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    SERVICE_FIELDS = (
        "name",
        "short_name",
        "code",
        "industry",
        "ownership",
        "employee_count",
        "union_founded_on",
        "valid_from",
        "address",
        "contact_name",
        "contact_phone",
    )
    TEXT_FIELDS = ("short_name", "code", "industry", "ownership", "address", "contact_name", "contact_phone")

    def service_data(self) -> dict[str, Any]:
        """Keyword arguments for orgnode_create / orgnode_update."""
        data = {f: self.cleaned_data.get(f) for f in self.SERVICE_FIELDS}
        for f in self.TEXT_FIELDS:
            data[f] = data[f] or ""
        return data


class NodeCreateForm(NodeFieldsForm):
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)

    def __init__(self, *args: Any, parent: OrgNode, **kwargs: Any):
        allowed = [(k, label) for k, label in Kind.choices if k in ALLOWED_CHILDREN[parent.kind]]
        if len(allowed) == 1:
            kwargs.setdefault("initial", {})["kind"] = allowed[0][0]
        super().__init__(*args, **kwargs)
        # Offer only what the parent takes; the service refuses any other kind with a message.
        self.fields["kind"].widget.choices = allowed


class NodeEditForm(NodeFieldsForm):
    """Edit a node. The contact phone is never pre-filled: leave it empty to keep the stored one."""

    clear_phone = forms.BooleanField(label=_("清除联系电话"), required=False)

    def __init__(self, *args: Any, node: OrgNode, **kwargs: Any):
        initial = {f: getattr(node, f) for f in self.SERVICE_FIELDS if f != "contact_phone"}
        kwargs["initial"] = initial | kwargs.get("initial", {})
        super().__init__(*args, **kwargs)
        self.has_phone = bool(node.contact_phone)
        if self.has_phone:
            self.fields["contact_phone"].widget.attrs["placeholder"] = mask_phone(node.contact_phone)
            self.fields["contact_phone"].help_text = _("已填写（已隐藏）。不修改请留空。")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.cleaned_data.get("clear_phone"):
            data["contact_phone"] = ""
        elif not data["contact_phone"]:
            del data["contact_phone"]  # keep the stored number
        return data


class MoveForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("查找新的上级组织"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("输入名称、简称或代码"), "type": "search", "autocomplete": "off"}
        ),
    )
    new_parent = forms.IntegerField(
        label=_("新的上级组织"),
        min_value=1,
        max_value=2**62,
        widget=forms.HiddenInput,
        error_messages={"required": _("请先查找并选择新的上级组织。")},
    )

    def __init__(self, *args: Any, node: OrgNode, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Typing looks up candidates (HTMX); Enter without a choice re-shows the page with them.
        self.fields["q"].widget.attrs.update(
            {
                "hx-get": reverse("orgs:node-search"),
                "hx-vals": json.dumps({"move": node.pk}),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#gf-move-targets",
            }
        )


class CloseForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("撤销日期"), widget=DateInput, initial=dt.date.today)
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：企业注销、合并到某单位、撤销建制")}),
    )
