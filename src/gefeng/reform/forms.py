from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.orgs.models import Kind, OrgNode
from gefeng.reform.models import Action, Calendar, Measure, Plan, PlanStatus
from gefeng.reform.selectors import figure_choices


def unit_queryset(actor: Any, plan: Plan | None = None):
    """Member units and towns the county office may assign items to."""
    qs = scope.visible(actor, OrgNode).filter(kind__in=[Kind.MEMBER_UNIT, Kind.TOWN], valid_to__isnull=True)
    if plan is not None:
        qs = qs.filter(scope.subtree_q("", plan.org.path))
    return qs.order_by("kind", "path")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.short_name or obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.short_name or obj.name


class PlanCreateForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("标题"), max_length=120)
    calendar = forms.ChoiceField(label=_("报送周期"), choices=Calendar.choices, initial=Calendar.QUARTERLY)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].initial = year
        self.fields["title"].initial = f"{year}年沛县产业工人队伍建设改革重点工作项目责任清单"


class PlanEditForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    calendar = forms.ChoiceField(label=_("报送周期"), choices=Calendar.choices)
    status = forms.ChoiceField(label=_("状态"), choices=PlanStatus.choices)


class PlanCopyForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("复制到年度"), min_value=2000, max_value=2100)


class MeasureForm(StyledFormMixin, forms.Form):
    action = forms.ModelChoiceField(label=_("所属行动"), queryset=Action.objects.none(), empty_label=None)
    number = forms.IntegerField(label=_("序号"), min_value=1, max_value=99)
    title = forms.CharField(label=_("举措"), max_length=120)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = plan.actions.order_by("number")  # type: ignore[attr-defined]


class ItemForm(StyledFormMixin, forms.Form):
    measure = forms.ModelChoiceField(label=_("所属举措"), queryset=Measure.objects.none(), empty_label=None)
    code = forms.CharField(label=_("编号"), max_length=20)
    title = forms.CharField(label=_("项目名称"), max_length=200)
    description = forms.CharField(label=_("工作内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = UnitChoiceField(label=_("牵头单位"), queryset=OrgNode.objects.none())
    co_units = UnitMultipleChoiceField(
        label=_("责任单位"),
        queryset=OrgNode.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("按住 Ctrl 多选；牵头单位自动计入。"),
    )
    deadline = forms.DateField(label=_("完成时限"), widget=DateInput())
    weight = forms.DecimalField(label=_("权重"), min_value=0, max_value=100, decimal_places=2, initial=1)
    completed_on = forms.DateField(
        label=_("确认完成日期"),
        required=False,
        widget=DateInput(),
        help_text=_("县产改办确认项目已完成时填写；留空则按节点和指标自动判断。"),
    )

    def __init__(self, *args: Any, plan: Plan, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        measures = Measure.objects.filter(action__plan=plan).select_related("action")
        self.fields["measure"].queryset = measures.order_by("action__number", "number")  # type: ignore[attr-defined]
        self.fields["measure"].label_from_instance = lambda m: f"{m.action.name} · {m.number}. {m.title}"  # type: ignore[attr-defined]
        units = unit_queryset(actor, plan)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units  # type: ignore[attr-defined]


class MilestoneForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("节点"), max_length=200, required=False)
    due = forms.DateField(label=_("计划完成"), required=False, widget=DateInput())
    done_on = forms.DateField(label=_("实际完成"), required=False, widget=DateInput())
    delete = forms.BooleanField(label=_("删除"), required=False)


class IndicatorForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("指标"), max_length=100, required=False)
    unit = forms.CharField(label=_("计量单位"), max_length=20, required=False)
    baseline = forms.DecimalField(label=_("基数"), required=False, decimal_places=2, max_digits=14)
    target = forms.DecimalField(label=_("目标值"), required=False, decimal_places=2, max_digits=14)
    figure = forms.ChoiceField(label=_("自动取数"), required=False, choices=())
    unit_org = UnitChoiceField(
        label=_("统计范围"), required=False, queryset=OrgNode.objects.none(), empty_label=_("全县")
    )
    delete = forms.BooleanField(label=_("删除"), required=False)

    def __init__(self, *args: Any, actor: Any = None, plan: Plan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = figure_choices()  # type: ignore[attr-defined]
        self.fields["unit_org"].queryset = (  # type: ignore[attr-defined]
            unit_queryset(actor, plan) if actor is not None else OrgNode.objects.none()
        )


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2)
IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=1)


class ReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("accept", _("通过")), ("return", _("退回"))])
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
