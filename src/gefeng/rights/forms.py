"""Forms of the 维权 pages. They shape the input; the services validate it (the statutory rules
and the scope) and their refusals come back onto the form's fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.rights.models import (
    ClaimKind,
    CommitteeLevel,
    ContractKind,
    Coverage,
    Priority,
    Side,
    Topic,
    WarningKind,
)

UNIT_HELP = _("填写统一社会信用代码或单位全称（须在您的管理范围内）")


class ContractForm(StyledFormMixin, forms.Form):
    unit = forms.CharField(label=_("签约单位"), max_length=100, help_text=UNIT_HELP)
    coverage = forms.ChoiceField(label=_("类型"), choices=Coverage.choices)
    kind = forms.ChoiceField(label=_("合同种类"), choices=ContractKind.choices)
    title = forms.CharField(label=_("合同名称"), max_length=120, required=False, help_text=_("不填则按单位和种类生成"))
    sector = forms.CharField(label=_("行业（行业性合同）"), max_length=40, required=False)
    covered = forms.CharField(
        label=_("覆盖企业（区域性、行业性合同）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一家：统一社会信用代码或企业全称"),
    )
    employees = forms.IntegerField(
        label=_("覆盖职工人数"), required=False, min_value=0, help_text=_("不填则按登记的职工人数合计")
    )
    offer_side = forms.ChoiceField(label=_("要约方"), choices=Side.choices)
    offer_on = forms.DateField(label=_("要约书送达日期"), widget=DateInput)
    offer_text = forms.CharField(label=_("要约书内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class CampaignForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("名称"), max_length=120)
    start_on = forms.DateField(label=_("开始日期"), widget=DateInput)
    end_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    target_count = forms.IntegerField(label=_("签约目标（家）"), min_value=0, required=False)
    ceremony_on = forms.DateField(label=_("要约仪式日期"), widget=DateInput, required=False)
    ceremony_place = forms.CharField(label=_("仪式地点"), max_length=100, required=False)
    witnesses = forms.CharField(
        label=_("见证单位"), max_length=200, required=False, help_text=_("如：县总工会、县人社局、县工商联")
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TargetForm(StyledFormMixin, forms.Form):
    unit = forms.CharField(label=_("企业"), max_length=100, help_text=UNIT_HELP)
    priority = forms.ChoiceField(label=_("重点类型"), choices=Priority.choices)


class CaseForm(StyledFormMixin, forms.Form):
    unit = forms.CharField(
        label=_("用人单位"),
        max_length=100,
        help_text=_("组织树中的企业（统一社会信用代码或全称）；不在树中的填所在镇街"),
    )
    employer_name = forms.CharField(
        label=_("用人单位名称"), max_length=120, required=False, help_text=_("用人单位不在组织树中时填写")
    )
    applicant_name = forms.CharField(label=_("申请人"), max_length=50)
    applicant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    applied_on = forms.DateField(label=_("申请日期"), widget=DateInput)
    oral = forms.BooleanField(label=_("口头申请（当场记录）"), required=False)
    claim_kind = forms.ChoiceField(label=_("请求事项"), choices=ClaimKind.choices)
    claim_amount = forms.DecimalField(
        label=_("请求金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    worker_count = forms.IntegerField(label=_("涉及职工人数"), min_value=1, initial=1)
    representatives = forms.CharField(
        label=_("推举的代表"), max_length=200, required=False, help_text=_("10人以上的集体争议必填")
    )
    knew_on = forms.DateField(label=_("知道或应当知道权利被侵害之日"), widget=DateInput, required=False)
    wage_arrears = forms.BooleanField(label=_("劳动关系存续期间拖欠劳动报酬"), required=False)
    employment_ended_on = forms.DateField(label=_("劳动关系终止日期"), widget=DateInput, required=False)
    facts = forms.CharField(label=_("争议事实与请求"), widget=forms.Textarea(attrs={"rows": 5}))


class CommitteeForm(StyledFormMixin, forms.Form):
    unit = forms.CharField(
        label=_("所在单位"), max_length=100, help_text=_("企业或镇街（统一社会信用代码、代码或全称）")
    )
    level = forms.ChoiceField(label=_("类型"), choices=CommitteeLevel.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    founded_on = forms.DateField(label=_("成立日期"), widget=DateInput, required=False)


class ConsultForm(StyledFormMixin, forms.Form):
    unit = forms.CharField(label=_("咨询人所在单位"), max_length=100, help_text=UNIT_HELP)
    name = forms.CharField(label=_("咨询人"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    topic = forms.ChoiceField(label=_("咨询类别"), choices=Topic.choices)
    channel = forms.ChoiceField(
        label=_("方式"), choices=[("phone", _("电话")), ("visit", _("来访")), ("online", _("网上"))]
    )
    asked_on = forms.DateField(label=_("咨询日期"), widget=DateInput, required=False)
    question = forms.CharField(label=_("咨询内容"), widget=forms.Textarea(attrs={"rows": 5}))


class WarningForm(StyledFormMixin, forms.Form):
    unit = forms.CharField(label=_("企业"), max_length=100, help_text=UNIT_HELP)
    kind = forms.ChoiceField(label=_("风险类型"), choices=WarningKind.choices)
    reported_on = forms.DateField(label=_("发现日期"), widget=DateInput)
    workers = forms.IntegerField(label=_("涉及职工人数"), min_value=0, required=False)
    amount = forms.DecimalField(label=_("涉及金额（元）"), min_value=0, max_digits=12, decimal_places=2, required=False)
    description = forms.CharField(label=_("情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class WorkerConsultForm(forms.Form):
    topic = forms.ChoiceField(label="咨询类别", choices=Topic.choices)
    question = forms.CharField(label="想咨询的问题", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    phone = forms.CharField(label="联系电话（选填）", max_length=20, required=False)


class WorkerMediationForm(forms.Form):
    claim_kind = forms.ChoiceField(label="争议事项", choices=ClaimKind.choices)
    amount = forms.DecimalField(
        label="涉及金额（元，选填）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    knew_on = forms.DateField(label="什么时候知道权益受损（选填）", required=False, widget=DateInput)
    facts = forms.CharField(label="争议情况和请求", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    phone = forms.CharField(label="联系电话（选填）", max_length=20, required=False)
