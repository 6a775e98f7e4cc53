"""Forms of supervision: they parse input; the rules live in `services` (errors come back onto the
form with `add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.orgs.models import OrgNode
from gefeng.reform.models import Item, Plan
from gefeng.supervision.models import PilotLevel, RuleKind, ScoreRule, UpdateKind

TEXTAREA = forms.Textarea(attrs={"rows": 4})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the type and size checks are the service's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


FILES_HELP = _("图片、PDF、Word/WPS、Excel 或 PPT，可多选")


class PlanChoiceForm(StyledFormMixin, forms.Form):
    plan: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("年度计划"), queryset=Plan.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, plans: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class NoticeForm(StyledFormMixin, forms.Form):
    content = forms.CharField(label=_("督办要求"), widget=TEXTAREA, max_length=5000)
    deadline = forms.DateField(label=_("回复时限"), widget=DateInput())


class TaskAddForm(StyledFormMixin, forms.Form):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("责任单位"), queryset=OrgNode.objects.none(), required=False
    )
    title = forms.CharField(label=_("事项"), max_length=200, required=False)
    content = forms.CharField(label=_("具体要求"), widget=TEXTAREA, max_length=5000, required=False)
    deadline = forms.DateField(label=_("完成时限"), widget=DateInput(), required=False)
    item: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("关联重点工作项目"), queryset=Item.objects.none(), required=False
    )

    def __init__(self, *args: Any, units: Any = None, items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class TaskReportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("报送类型"),
        choices=[(UpdateKind.PROGRESS, _("报告进展")), (UpdateKind.SUBMIT, _("回复 / 报告办结，提交县产改办核验"))],
        initial=UpdateKind.SUBMIT,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("办理情况"), widget=TEXTAREA, max_length=5000)
    attachments = MultipleFileField(label=_("附件"), help_text=FILES_HELP)


class TaskReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("核验结果"),
        choices=[(UpdateKind.CLOSE, _("办结")), (UpdateKind.RETURN, _("退回")), (UpdateKind.CANCEL, _("撤销"))],
    )
    comment = forms.CharField(label=_("核验意见"), widget=SHORT_TEXTAREA, max_length=5000, required=False)


class UnitsMixin:
    def set_units(self, units: Any) -> None:
        field = self.fields["units"]  # type: ignore[attr-defined]
        field.queryset = units
        field.label_from_instance = lambda u: u.display_name


class MeetingForm(UnitsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    host = forms.CharField(label=_("主持人"), max_length=50, required=False)
    units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("参会单位"),
        queryset=OrgNode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = forms.CharField(
        label=_("参会人员"), widget=TEXTAREA, required=False, help_text=_("每行一人：单位、姓名、职务")
    )
    agenda = forms.CharField(label=_("会议议程"), widget=TEXTAREA, max_length=5000)
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 8}), required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(units)


class AttachForm(StyledFormMixin, forms.Form):
    attachments = MultipleFileField(label=_("附件"), help_text=FILES_HELP)


class InspectionForm(UnitsMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("检查名称"), max_length=200)
    visited_on = forms.DateField(label=_("检查日期"), widget=DateInput())
    units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("被检查单位"),
        queryset=OrgNode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    inspectors = forms.CharField(
        label=_("检查组成员"), widget=SHORT_TEXTAREA, help_text=_("每行一人：单位、姓名、职务")
    )
    methods = forms.CharField(
        label=_("检查方式"), max_length=200, required=False, initial="听取汇报、查阅资料、实地查看、座谈交流"
    )
    findings = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(units)


class CircularForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    as_of = forms.DateField(label=_("统计截至"), widget=DateInput())
    issued_on = forms.DateField(label=_("成文日期"), widget=DateInput())
    intro = forms.CharField(label=_("导语"), widget=TEXTAREA, required=False, help_text=_("每段一行"))
    requirements = forms.CharField(label=_("下一步工作要求"), widget=TEXTAREA, required=False, help_text=_("每段一行"))


class EvaluationForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    as_of = forms.DateField(label=_("考评截至"), widget=DateInput(), help_text=_("完成率与及时率按此日计算"))
    weight_completion = forms.DecimalField(label=_("完成率权重"), max_digits=5, decimal_places=2, initial=50)
    weight_timeliness = forms.DecimalField(label=_("及时率权重"), max_digits=5, decimal_places=2, initial=30)
    weight_quality = forms.DecimalField(label=_("工作质量权重"), max_digits=5, decimal_places=2, initial=20)
    late_credit = forms.DecimalField(
        label=_("迟报折算"),
        max_digits=3,
        decimal_places=2,
        initial="0.5",
        help_text=_("一次迟报按几次按时报送计（0–1）"),
    )
    bonus_cap = forms.DecimalField(label=_("加分上限"), max_digits=5, decimal_places=2, initial=5)
    deduction_cap = forms.DecimalField(label=_("扣分上限"), max_digits=5, decimal_places=2, initial=10)
    advanced_count = forms.IntegerField(label=_("先进单位名额"), initial=8)


class RuleForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=RuleKind.choices)
    name = forms.CharField(label=_("项目"), max_length=100)
    points = forms.DecimalField(label=_("每次分值"), max_digits=5, decimal_places=2)
    max_points = forms.DecimalField(label=_("本项上限"), max_digits=5, decimal_places=2, required=False)


class QualityForm(StyledFormMixin, forms.Form):
    quality = forms.DecimalField(label=_("工作质量得分（0–100）"), max_digits=5, decimal_places=2)
    quality_reason = forms.CharField(label=_("评分理由"), widget=SHORT_TEXTAREA, max_length=1000)


class AdjustmentForm(StyledFormMixin, forms.Form):
    rule: forms.ModelChoiceField = forms.ModelChoiceField(label=_("加减分项目"), queryset=ScoreRule.objects.none())
    times = forms.IntegerField(label=_("次数"), initial=1, min_value=1, max_value=100)
    reason = forms.CharField(label=_("事由"), widget=SHORT_TEXTAREA, max_length=1000)

    def __init__(self, *args: Any, rules: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules  # type: ignore[attr-defined]


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=SHORT_TEXTAREA, max_length=1000)


class PilotForm(StyledFormMixin, forms.Form):
    enterprise = forms.CharField(label=_("企业"), max_length=100, help_text=_("企业全称、简称或统一社会信用代码"))
    level = forms.ChoiceField(label=_("试点级别"), choices=PilotLevel.choices)
    designated_on = forms.DateField(label=_("确定日期"), widget=DateInput())
    measures = forms.CharField(label=_("改革举措"), widget=TEXTAREA)
    results = forms.CharField(label=_("工作成效"), widget=TEXTAREA, required=False)
    items: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("关联重点工作项目"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    active = forms.BooleanField(label=_("在册"), required=False, initial=True)

    def __init__(self, *args: Any, items: Any = None, editing: bool = False, manage: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]
        if editing:
            del self.fields["enterprise"]
        if not manage:
            for name in ("level", "designated_on", "items", "active"):
                del self.fields[name]
