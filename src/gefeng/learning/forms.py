"""Forms of 引领聚魂. Ids chosen in a form go through `ScopedModelChoiceField`: an id outside the
actor's 管理 scope is refused like an unknown value."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import ScopedFormMixin, ScopedModelChoiceField, StyledFormMixin
from gefeng.learning.models import (
    CampaignKind,
    Difficulty,
    Frequency,
    HomeLevel,
    PartyKind,
    PositionKind,
    QuestionKind,
    SafetyKind,
    Stage,
    Target,
)
from gefeng.orgs.models import Kind, OrgNode

UNITS = OrgNode.objects.filter(
    kind__in=[Kind.COUNTY, Kind.TOWN, Kind.MEMBER_UNIT, Kind.ENTERPRISE, Kind.UNION]
).order_by("path")
MANAGE = "learning.manage"


class NodeField(ScopedModelChoiceField):
    def label_from_instance(self, obj: OrgNode) -> str:
        return "　" * max(len(obj.path) // 4 - 1, 0) + (obj.short_name or obj.name)


class NodesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgNode) -> str:
        return "　" * max(len(obj.path) // 4 - 1, 0) + (obj.short_name or obj.name)


class CampaignForm(ScopedFormMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=CampaignKind.choices)
    target = forms.ChoiceField(label=_("学习对象"), choices=[c for c in Target.choices if c[0] != Target.LIST])
    target_orgs = NodesField(label=_("对象范围"), queryset=UNITS.none())
    frequency = forms.ChoiceField(label=_("通报周期"), choices=Frequency.choices)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput)
    full_score = forms.DecimalField(label=_("满分"), initial=100, min_value=1, max_digits=7, decimal_places=1)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        from gefeng.core import scope

        field = self.fields["target_orgs"]
        field.queryset = scope.permitted(actor, UNITS, MANAGE) if actor is not None else UNITS.none()


class RoundForm(StyledFormMixin, forms.Form):
    as_of = forms.DateField(label=_("统计日期"), widget=forms.DateInput)


class EnterForm(StyledFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    score = forms.DecimalField(label=_("得分"), min_value=0, max_digits=7, decimal_places=1)
    minutes = forms.IntegerField(label=_("学习时长（分钟）"), min_value=0, required=False)


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件"))


class QuestionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题干"), widget=forms.Textarea(attrs={"rows": 3}))
    option_a = forms.CharField(label=_("选项A"), required=False)
    option_b = forms.CharField(label=_("选项B"), required=False)
    option_c = forms.CharField(label=_("选项C"), required=False)
    option_d = forms.CharField(label=_("选项D"), required=False)
    answer = forms.CharField(
        label=_("答案"),
        max_length=200,
        help_text=_("选择题填字母（如 B、ACD），判断题填对/错，填空题多个答案用 | 分隔"),
    )
    tags = forms.CharField(label=_("标签"), required=False)
    difficulty = forms.TypedChoiceField(label=_("难度"), choices=Difficulty.choices, coerce=int, initial=2)
    explanation = forms.CharField(label=_("解析"), required=False)


class ContestForm(ScopedFormMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("竞赛名称"), max_length=100)
    eligible = NodeField(UNITS, perm=MANAGE, label=_("参赛范围"))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    minutes = forms.IntegerField(label=_("答题时限（分钟）"), initial=10, min_value=1, max_value=180)
    points = forms.IntegerField(label=_("每题分值"), initial=5, min_value=1, max_value=100)
    attempts = forms.IntegerField(label=_("可答次数"), initial=1, min_value=1, max_value=10)
    winners = forms.IntegerField(label=_("获奖人数"), initial=10, min_value=0, max_value=1000)
    tag = forms.CharField(label=_("抽题标签"), required=False, help_text=_("留空为不限"))
    difficulty = forms.TypedChoiceField(
        label=_("抽题难度"), choices=[(0, "不限"), *Difficulty.choices], coerce=int, initial=0
    )
    count = forms.IntegerField(label=_("抽题数量"), initial=20, min_value=1, max_value=200)


class PartyOrgForm(ScopedFormMixin, StyledFormMixin, forms.Form):
    org = NodeField(UNITS, perm=MANAGE, label=_("所在单位"))
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=PartyKind.choices)
    team = ScopedModelChoiceField(
        OrgNode.objects.filter(kind=Kind.TEAM), perm=MANAGE, label=_("所建班组"), required=False
    )


class DevelopmentForm(StyledFormMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    on = forms.DateField(label=_("日期"), widget=forms.DateInput)


class BuildingItemForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    text = forms.CharField(label=_("工作内容"), max_length=200)


class PositionForm(ScopedFormMixin, StyledFormMixin, forms.Form):
    org = NodeField(UNITS, perm=MANAGE, label=_("所属单位"))
    kind = forms.ChoiceField(label=_("类别"), choices=PositionKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    theme = forms.CharField(label=_("教育类别"), max_length=50, required=False)
    capacity = forms.IntegerField(label=_("容纳人数"), min_value=0, required=False)
    hours = forms.CharField(label=_("开放时间"), max_length=100, required=False)
    books = forms.IntegerField(label=_("藏书（册）"), min_value=0, required=False)
    level = forms.ChoiceField(label=_("命名级别"), choices=HomeLevel.choices, required=False)
    level_year = forms.IntegerField(label=_("命名年度"), min_value=2000, max_value=2100, required=False)
    opened_on = forms.DateField(label=_("建成日期"), widget=forms.DateInput, required=False)


class ActivityForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput)
    title = forms.CharField(label=_("活动"), max_length=100)
    attendance = forms.IntegerField(label=_("参加人数"), min_value=0)


class SafetyForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SafetyKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class SessionForm(ScopedFormMixin, StyledFormMixin, forms.Form):
    enterprise = NodeField(OrgNode.objects.filter(kind=Kind.ENTERPRISE).order_by("path"), perm=MANAGE, label=_("企业"))
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput)
    title = forms.CharField(label=_("主题"), max_length=100)
    trainees = forms.IntegerField(
        label=_("名册外受训人数"),
        min_value=0,
        initial=0,
        help_text=_("不在会员名册中的人数；名册中的人员在场次页按名单登记或导入签到表"),
    )
    materials = forms.IntegerField(label=_("发放资料（份）"), min_value=0, initial=0)


class BorrowingForm(StyledFormMixin, forms.Form):
    month = forms.CharField(label=_("月份"), max_length=7, help_text=_("年-月，如 2020-05"))
    loans = forms.IntegerField(label=_("借阅（册次）"), min_value=0)
    borrowers = forms.IntegerField(label=_("借阅（人次）"), min_value=0)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CountedForm(StyledFormMixin, forms.Form):
    counted = forms.IntegerField(label=_("名册外受训人数"), min_value=0)
