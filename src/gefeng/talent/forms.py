from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.orgs.models import Industry
from gefeng.talent.models import Level, TalentCategory
from gefeng.talent.selectors import SORTS, STATES, ProfileFilters


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


class ProfileFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("查询"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、拼音或首字母、身份证号"), "type": "search"}),
    )
    category = forms.TypedChoiceField(label=_("人才类别"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("最高荣誉级别"), required=False, choices=[("", _("全部")), *Level.choices])
    industry = forms.ChoiceField(label=_("行业"), required=False, choices=[("", _("全部")), *Industry.choices])
    town = forms.TypedChoiceField(label=_("镇街"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *STATES.items()])
    labour_model = forms.ChoiceField(
        label=_("劳动模范"), required=False, choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))]
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args: Any, categories: list[TalentCategory], towns: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("全部"))] + [(c.pk, c.name) for c in categories]  # type: ignore[attr-defined]
        self.fields["town"].choices = [("", _("全部"))] + [(t.pk, t.name) for t in towns]  # type: ignore[attr-defined]

    def filters(self) -> ProfileFilters:
        """The filters from the query string; a bad value is ignored, never an error page."""
        data = self.data
        level = data.get("level", "")
        industry = data.get("industry", "")
        state = data.get("state", "")
        labour = data.get("labour_model", "")
        sort = data.get("sort", "")
        return ProfileFilters(
            q=str(data.get("q", ""))[:50],
            category=_int(data.get("category")),
            level=level if level in Level.values else "",
            industry=industry if industry in Industry.values else "",
            town=_int(data.get("town")),
            state=state if state in STATES else "",
            labour_model=labour if labour in ("0", "1") else "",
            sort=sort if sort in SORTS else "level",
        )


class CategoriesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class ProfileCreateForm(StyledFormMixin, forms.Form):
    id_number = forms.CharField(
        label=_("身份证号"), max_length=20, help_text=_("须是会员名册中的人员（可在会员名册中先登记）")
    )
    categories = CategoriesField(label=_("人才类别"), queryset=TalentCategory.objects.none(), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]
        self.fields["categories"].widget.attrs["class"] = "form-check-input"


class ProfileEditForm(StyledFormMixin, forms.Form):
    categories = CategoriesField(
        label=_("人工认定的人才类别"),
        queryset=TalentCategory.objects.none(),
        required=False,
        help_text=_("由荣誉记录自动归入的类别无需勾选"),
    )
    retired = forms.BooleanField(label=_("已退休"), required=False)
    retired_on = forms.DateField(label=_("退休日期"), required=False, widget=DateInput)
    deceased_on = forms.DateField(
        label=_("去世日期"), required=False, widget=DateInput, help_text=_("填写后不再列入劳模津贴名单")
    )
    hardship = forms.BooleanField(label=_("特殊困难"), required=False)
    hardship_note = forms.CharField(label=_("困难情况"), required=False, max_length=200)
    note = forms.CharField(label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]
        self.fields["categories"].widget.attrs["class"] = "form-check-input"


class BankForm(StyledFormMixin, forms.Form):
    bank_holder = forms.CharField(label=_("开户人"), required=False, max_length=50)
    bank_name = forms.CharField(
        label=_("开户行"), required=False, max_length=100, help_text=_("如“中国农业银行沛县支行”")
    )
    bank_account = forms.CharField(
        label=_("银行账号"),
        required=False,
        max_length=40,
        help_text=_("保存时加密存储；页面和导出中只显示前四位和后四位"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


def _honour_kind_choices() -> list[tuple[str, Any]]:
    from gefeng.honours.models import COLLECTIVE_KINDS, HonourKind

    return [(k, label) for k, label in HonourKind.choices if k not in COLLECTIVE_KINDS]


class CategoryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=40)
    honour_kinds = forms.MultipleChoiceField(
        label=_("获得以下荣誉的人员自动归入"),
        required=False,
        choices=_honour_kind_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则只能人工认定（如技能人才）"),
    )
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, required=False, initial=0)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["honour_kinds"].widget.attrs["class"] = "form-check-input"
