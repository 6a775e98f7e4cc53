from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.allowances.models import Level
from gefeng.core.forms import DateInput, StyledFormMixin


class KindForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=40)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class RuleForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("荣誉级别"), choices=Level.choices)
    amount = forms.DecimalField(label=_("每年金额（元）"), min_value=0, max_digits=10, decimal_places=2)
    effective_from = forms.IntegerField(
        label=_("起始年度"), min_value=1950, max_value=2100, help_text=_("自该年度起执行，直到有更晚的标准")
    )
    living_only = forms.BooleanField(label=_("仅限在世"), required=False, initial=True)
    retired_only = forms.BooleanField(label=_("仅限已退休"), required=False)
    hardship_only = forms.BooleanField(label=_("仅限特殊困难"), required=False)
    note = forms.CharField(label=_("依据"), max_length=200, required=False, help_text=_("文件名称、文号"))


class RunCreateForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("发放年度"), min_value=1990, max_value=2100)
    as_of = forms.DateField(
        label=_("资格认定日"),
        required=False,
        widget=DateInput,
        help_text=_("在此日期前已获劳动模范称号、且在世的人员列入名单；默认为发放年度的1月1日"),
    )
    title = forms.CharField(label=_("批次名称"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year


class PaidForm(StyledFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=DateInput)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class LineFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("姓名"), required=False, max_length=20)
    kind = forms.TypedChoiceField(label=_("津贴种类"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("荣誉级别"), required=False, choices=[("", _("全部")), *Level.choices])

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部")), *[(k.pk, k.name) for k in kinds]]
