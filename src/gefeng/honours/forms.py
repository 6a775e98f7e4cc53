"""Forms of the 选树表彰 pages: they check types and offer choices; the services check the rules
and their Chinese messages land on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, ScopedFormMixin, ScopedModelChoiceField, StyledFormMixin
from gefeng.honours.models import (
    ClearanceKind,
    HonourKind,
    Level,
    ObjectionStatus,
    ReviewAction,
    RuleKind,
    Trait,
)
from gefeng.members.models import Member
from gefeng.members.models import Status as MemberStatus
from gefeng.orgs.models import Kind as OrgKind
from gefeng.orgs.models import OrgNode

BLANK = [("", "—")]


def _choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=120)
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices, initial=Level.COUNTY)
    issuer = forms.CharField(label=_("授予单位"), max_length=120, help_text=_("证书、公示和荣誉记录上的授予单位"))
    year = forms.IntegerField(label=_("表彰年度"), min_value=1950, max_value=2100)
    period_start = forms.IntegerField(label=_("评选期间自（年）"), min_value=1950, max_value=2100, required=False)
    period_end = forms.IntegerField(label=_("评选期间至（年）"), min_value=1950, max_value=2100, required=False)
    upward = forms.BooleanField(label=_("向上级推荐（不由本级授予荣誉）"), required=False)
    nomination_deadline = forms.DateField(label=_("推荐截止日期"), required=False, widget=DateInput())
    notice_days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=60)
    required_clearances = forms.MultipleChoiceField(
        label=_("企业负责人须提供的审查意见"),
        choices=ClearanceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["required_clearances"].widget.attrs["class"] = "form-check-input"

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AwardForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("荣誉类别"), choices=HonourKind.choices)
    title = forms.CharField(label=_("荣誉名称"), max_length=120)
    quota = forms.IntegerField(label=_("名额"), min_value=1, max_value=10000)


class AllocationForm(StyledFormMixin, forms.Form):
    award = forms.TypedChoiceField(label=_("奖项"), coerce=int)
    org = forms.TypedChoiceField(label=_("分配给"), coerce=int)
    quota = forms.IntegerField(label=_("名额（0 为取消）"), min_value=0, max_value=10000)

    def __init__(self, *args: Any, awards: list[tuple[int, str]], orgs: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "award", awards)
        _choices(self, "org", orgs)


class RuleForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("规则"), choices=RuleKind.choices)
    award = forms.TypedChoiceField(label=_("适用奖项"), coerce=int, required=False, empty_value=None)
    trait = forms.ChoiceField(label=_("对象特征"), choices=[*BLANK, *Trait.choices], required=False)
    percent = forms.DecimalField(label=_("比例（%）"), min_value=0, max_value=100, decimal_places=2, required=False)
    years = forms.IntegerField(label=_("年限"), min_value=1, max_value=50, required=False)
    prior_kind = forms.ChoiceField(label=_("须已获荣誉"), choices=[*BLANK, *HonourKind.choices], required=False)
    prior_level = forms.ChoiceField(label=_("最低级别"), choices=[*BLANK, *Level.choices], required=False)
    note = forms.CharField(label=_("依据"), max_length=200, required=False)

    def __init__(self, *args: Any, awards: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "award", [("", _("全部个人奖项")), *awards])


class NoticeStartForm(StyledFormMixin, forms.Form):
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())


class ApproveForm(StyledFormMixin, forms.Form):
    decided_on = forms.DateField(label=_("表彰决定日期"), widget=DateInput())
    decision_no = forms.CharField(label=_("表彰文号"), max_length=60, required=False)
    override_reason = forms.CharField(
        label=_("不符合规则仍批准的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("仅在有规则未满足时填写；理由将记入活动和审计日志。"),
    )


class NominationForm(ScopedFormMixin, StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("推荐单位"), coerce=int)
    award = forms.TypedChoiceField(label=_("奖项"), coerce=int)
    # Filled in by the picker; an id the actor may not nominate is refused here, the unit's
    # subtree is checked by the service.
    person = ScopedModelChoiceField(
        Member.objects.filter(status__in=[MemberStatus.ACTIVE, MemberStatus.RETAINED]),
        perm="honours.nominate",
        required=False,
        widget=forms.HiddenInput,
    )
    collective = ScopedModelChoiceField(
        OrgNode.objects.filter(kind__in=[OrgKind.ENTERPRISE, OrgKind.UNION, OrgKind.TEAM]),
        perm="honours.nominate",
        required=False,
        widget=forms.HiddenInput,
    )
    post = forms.CharField(label=_("职务或岗位"), max_length=60, required=False, help_text=_("公示中显示"))
    deeds = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 6}))
    is_leader = forms.BooleanField(label=_("企业负责人或领导干部（须提供审查意见）"), required=False)
    is_official = forms.BooleanField(label=_("党政机关干部"), required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], awards: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "unit", units)
        _choices(self, "award", awards)


class NominationEditForm(StyledFormMixin, forms.Form):
    post = forms.CharField(label=_("职务或岗位"), max_length=60, required=False)
    deeds = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 6}))
    is_leader = forms.BooleanField(label=_("企业负责人或领导干部（须提供审查意见）"), required=False)
    is_official = forms.BooleanField(label=_("党政机关干部"), required=False)


class SubmitForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("推荐单位意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("审核意见"),
        choices=[
            (ReviewAction.APPROVE, _("同意")),
            (ReviewAction.RETURN, _("退回修改")),
            (ReviewAction.REJECT, _("不予通过")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["action"].widget.attrs["class"] = "form-check-input"


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class AttachmentForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("材料文件（PDF、JPG、PNG、Word）"))


class ClearanceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("审查事项"), choices=ClearanceKind.choices)
    issuer = forms.CharField(label=_("出具部门"), max_length=120)
    issued_on = forms.DateField(label=_("出具日期"), widget=DateInput())
    passed = forms.BooleanField(label=_("审查通过"), required=False, initial=True)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    file = forms.FileField(label=_("证明材料"), required=False)


class ObjectionForm(StyledFormMixin, forms.Form):
    nomination = forms.TypedChoiceField(label=_("所涉人选"), coerce=int, required=False, empty_value=None)
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput())
    content = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label=_("反映人及联系方式"), max_length=120, required=False)

    def __init__(self, *args: Any, nominees: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "nomination", [("", _("（不针对具体人选）")), *nominees])


class PublicObjectionForm(StyledFormMixin, forms.Form):
    nomination = forms.TypedChoiceField(label=_("所涉对象"), coerce=int, required=False, empty_value=None)
    content = forms.CharField(label=_("反映内容"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    contact = forms.CharField(
        label=_("姓名及联系方式"), max_length=120, required=False, help_text=_("署真实姓名便于核实和答复")
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots

    def __init__(self, *args: Any, nominees: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _choices(self, "nomination", [("", _("（不针对具体对象）")), *nominees])


class ResolveForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("核查结论"),
        choices=[
            (ObjectionStatus.DISMISSED, ObjectionStatus.DISMISSED.label),
            (ObjectionStatus.UPHELD, ObjectionStatus.UPHELD.label),
        ],
    )
    resolution = forms.CharField(label=_("核查处理意见"), widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("办结日期"), widget=DateInput())


class HonourFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("姓名、单位或称号"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部")), *HonourKind.choices], required=False)
    level = forms.ChoiceField(label=_("级别"), choices=[("", _("全部")), *Level.choices], required=False)
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100, required=False)


class HonourForm(StyledFormMixin, forms.Form):
    """Record an honour conferred by another body (省、市、全国), for a person or a collective."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("荣誉类别"), choices=HonourKind.choices)
    title = forms.CharField(label=_("荣誉称号"), max_length=120)
    level = forms.ChoiceField(label=_("级别"), choices=Level.choices)
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100)
    issuer = forms.CharField(label=_("授予单位"), max_length=120)
    awarded_on = forms.DateField(label=_("授予日期"), required=False, widget=DateInput())
    certificate_no = forms.CharField(label=_("证书编号"), max_length=40, required=False)


class RevokeForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("撤销日期"), widget=DateInput())
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
