from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.members.models import SkillLevel
from gefeng.skills.models import AwardMode, CompLevel, Group, Part, PatentKind, ProposalKind, TieRule

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class IndustryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("行业"), max_length=40)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, required=False)


class CompetitionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("竞赛名称"), max_length=100)
    industry = forms.TypedChoiceField(label=_("行业"), coerce=int)
    level = forms.ChoiceField(label=_("级别"), choices=CompLevel.choices)
    organiser = forms.CharField(label=_("承办单位"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("比赛日期"), widget=DateInput)
    registration_closes_on = forms.DateField(label=_("报名截止"), widget=DateInput)
    theory_weight = forms.IntegerField(label=_("理论权重（%）"), min_value=0, max_value=100, initial=30)
    practice_weight = forms.IntegerField(label=_("实操权重（%）"), min_value=0, max_value=100, initial=70)
    drop_extremes = forms.BooleanField(label=_("去掉最高分和最低分（评委≥3人时）"), required=False)
    tie_rule = forms.ChoiceField(label=_("同分规则"), choices=TieRule.choices)
    award_mode = forms.ChoiceField(label=_("奖项设置"), choices=AwardMode.choices)
    first = forms.IntegerField(label=_("一等奖（%或名）"), min_value=0, max_value=100, initial=10)
    second = forms.IntegerField(label=_("二等奖（%或名）"), min_value=0, max_value=100, initial=20)
    third = forms.IntegerField(label=_("三等奖（%或名）"), min_value=0, max_value=100, initial=30)
    title_places = forms.IntegerField(label=_("前几名授予技术能手"), min_value=0, max_value=100, initial=3)
    promote_places = forms.IntegerField(label=_("前几名晋升技能等级"), min_value=0, max_value=100, initial=5)
    min_age = forms.IntegerField(label=_("最低年龄"), min_value=16, max_value=70, initial=18)
    max_age = forms.IntegerField(label=_("最高年龄"), min_value=16, max_value=70, initial=60)
    min_skill_level = forms.ChoiceField(
        label=_("最低技能等级"), choices=[("", _("不限")), *SkillLevel.choices], required=False
    )
    exclude_titled = forms.BooleanField(label=_("已获本行业技术能手者不得参赛"), required=False, initial=True)
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args, industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [(i.pk, i.name) for i in industries]


class TradeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("工种"), max_length=40)
    group = forms.CharField(label=_("组别"), max_length=20, initial="职工组")
    theory_max = forms.IntegerField(label=_("理论满分"), min_value=1, max_value=1000, initial=100)
    practice_max = forms.IntegerField(label=_("实操满分"), min_value=1, max_value=1000, initial=100)


class JudgeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("评委姓名"), max_length=50)
    employer_name = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    declaration = forms.CharField(
        label=_("利益冲突声明"), max_length=2000, widget=TEXTAREA, help_text=_("与参赛选手有无亲属、同事、师徒等关系")
    )


class RegisterForm(StyledFormMixin, forms.Form):
    trade = forms.TypedChoiceField(label=_("工种（组别）"), coerce=int)
    id_number = forms.CharField(label=_("选手身份证号"), max_length=20)

    def __init__(self, *args, trades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trade"].choices = [(t.pk, str(t)) for t in trades]


class ScoreForm(StyledFormMixin, forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    judge = forms.TypedChoiceField(label=_("评委"), coerce=int)
    part = forms.ChoiceField(label=_("项目"), choices=Part.choices)
    value = forms.CharField(label=_("分数"), max_length=10)


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("表格文件（.xlsx / .xls）"))


class PairForm(StyledFormMixin, forms.Form):
    master = forms.CharField(label=_("师傅身份证号"), max_length=20)
    apprentice = forms.CharField(label=_("徒弟身份证号"), max_length=20)
    trade = forms.CharField(label=_("传授技艺（工种）"), max_length=60)
    starts_on = forms.DateField(label=_("起始日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    duties = forms.CharField(label=_("双方职责"), max_length=4000, widget=TEXTAREA)
    plan = forms.CharField(label=_("带徒计划"), max_length=4000, widget=TEXTAREA)
    targets = forms.CharField(label=_("培养目标"), max_length=4000, widget=TEXTAREA)
    allowance_monthly = forms.DecimalField(
        label=_("师傅带徒津贴（元/月）"), min_value=0, max_digits=8, decimal_places=2, required=False
    )


class ProposalForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ProposalKind.choices)
    title = forms.CharField(label=_("项目名称"), max_length=100)
    description = forms.CharField(label=_("内容说明"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}))
    team = forms.CharField(
        label=_("完成人及贡献份额"),
        required=False,
        max_length=2000,
        widget=TEXTAREA,
        help_text=_("每行一人：身份证号 份额%，如 320322199001011234 60；只有一人可不填"),
    )
    attachment = forms.FileField(label=_("附件（图纸、照片、说明）"), required=False)
    gov_funded = forms.BooleanField(label=_("属政府资助的科技项目"), required=False)
    gov_rewarded = forms.BooleanField(label=_("已获政府奖励"), required=False)
    secret = forms.BooleanField(label=_("涉密或涉及国家安全"), required=False)
    ip_dispute = forms.BooleanField(label=_("存在知识产权争议"), required=False)


class ProposalUnionForm(ProposalForm):
    proposer = forms.CharField(label=_("第一完成人身份证号"), max_length=20)
    field_order = ["proposer"]


class PatentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("专利名称"), max_length=100)
    kind = forms.ChoiceField(label=_("专利类型"), choices=PatentKind.choices)
    number = forms.CharField(label=_("申请号"), max_length=30)
    inventors = forms.CharField(label=_("发明人"), max_length=200)
    applied_on = forms.DateField(label=_("申请日"), widget=DateInput)
    granted_on = forms.DateField(label=_("授权公告日"), widget=DateInput, required=False)
    has_agreement = forms.BooleanField(label=_("单位与发明人有约定或规章制度"), required=False)


class CourseForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("培训班名称"), max_length=100)
    specialty = forms.CharField(
        label=_("专业"), max_length=40, help_text=_("如 电子商务、家政服务、养老护理、砌筑技术")
    )
    provider = forms.CharField(label=_("承训机构"), max_length=100)
    place = forms.CharField(label=_("培训地点"), max_length=100)
    starts_on = forms.DateField(label=_("开班日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("结业日期"), widget=DateInput)
    capacity = forms.IntegerField(label=_("计划人数"), min_value=1, max_value=5000)
    funding_yuan = forms.DecimalField(
        label=_("经费（元）"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    funding_source = forms.CharField(label=_("经费来源"), max_length=100, required=False)
    open_to_workers = forms.BooleanField(label=_("职工可在手机上报名"), required=False, initial=True)


class EnrolForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    group = forms.ChoiceField(label=_("人员类别"), choices=Group.choices)


class SessionForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput)
    topic = forms.CharField(label=_("内容"), max_length=100)


class WorkerEnrolForm(StyledFormMixin, forms.Form):
    group = forms.ChoiceField(label=_("人员类别"), choices=Group.choices, initial=Group.WORKER)


def this_year() -> int:
    return dt.date.today().year
