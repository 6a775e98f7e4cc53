from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.democracy import rules
from gefeng.democracy.models import CongressKind, DocKind, MeetingKind, Method, MotionKind, Rating

STATUTORY_CHOICES = [("", _("（不涉及）")), *list(rules.STATUTORY_ITEMS.items())]
CATEGORY_CHOICES = [(k, v[0]) for k, v in rules.DISCLOSURE_CATEGORIES.items()]


class CongressForm(StyledFormMixin, forms.Form):
    org = forms.ChoiceField(label=_("企业（或镇街、园区）"))
    kind = forms.ChoiceField(
        label=_("形式"),
        choices=[("", _("按职工人数自动确定")), *list(CongressKind.choices)],
        required=False,
        help_text=_("职工100人以上召开职工代表大会，不足100人召开职工大会；镇街、园区选区域或行业职代会"),
    )
    session = forms.IntegerField(label=_("届次"), min_value=1, max_value=99, initial=1)
    term_start = forms.DateField(label=_("任期开始"), widget=DateInput)
    term_end = forms.DateField(label=_("任期结束"), widget=DateInput, help_text=_("每届 3–5 年"))
    employee_count = forms.IntegerField(
        label=_("职工人数"), min_value=0, required=False, help_text=_("默认取组织信息中的职工人数")
    )
    women_staff = forms.IntegerField(label=_("女职工人数"), min_value=0, required=False)
    dispatched_staff = forms.IntegerField(label=_("劳务派遣职工人数"), min_value=0, required=False)
    ratio_per = forms.IntegerField(
        label=_("每多少名职工1名代表"), min_value=1, initial=10, help_text=_("县试点企业为 1:10")
    )
    min_seats = forms.IntegerField(label=_("代表最少人数"), min_value=1, initial=30)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(str(o.pk), o.name) for o in orgs]


class SettingsForm(StyledFormMixin, forms.Form):
    ratio_per = forms.IntegerField(label=_("每多少名职工1名代表"), min_value=1)
    min_seats = forms.IntegerField(label=_("代表最少人数"), min_value=1)
    frontline_min_pct = forms.IntegerField(label=_("一线职工最低比例（%）"), min_value=0, max_value=100)
    member_meeting_months = forms.IntegerField(label=_("会员会议间隔（月）"), min_value=0, max_value=12)
    enlarged_meeting_months = forms.IntegerField(label=_("扩大会议间隔（月）"), min_value=0, max_value=12)
    congress_months = forms.IntegerField(label=_("大会间隔（月，最多12）"), min_value=1, max_value=12)
    materials_days = forms.IntegerField(label=_("材料提前送达天数"), min_value=1, max_value=60)
    cosigners_min = forms.IntegerField(label=_("提案附议人最少人数"), min_value=0, max_value=50)


class ConstituencyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("选区"), max_length=60)
    employees = forms.IntegerField(label=_("职工人数"), min_value=1)
    seats = forms.IntegerField(label=_("名额"), min_value=1, required=False, help_text=_("默认按代表比例计算"))


class RepresentativeForm(StyledFormMixin, forms.Form):
    constituency = forms.ChoiceField(label=_("选区"))
    member = forms.IntegerField(label=_("会员编号"), help_text=_("会员名册中的编号（本企业会员）"))
    elected_on = forms.DateField(label=_("当选日期"), widget=DateInput)
    voters = forms.IntegerField(label=_("参选人数"), min_value=1)
    votes_for = forms.IntegerField(label=_("得票"), min_value=0)
    dispatched = forms.BooleanField(label=_("劳务派遣职工"), required=False)
    by_election = forms.BooleanField(label=_("补选"), required=False)

    def __init__(self, *args, constituencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["constituency"].choices = [(str(c.pk), c.name) for c in constituencies]


class MeetingForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    date_on = forms.DateField(label=_("会议日期"), widget=DateInput)
    title = forms.CharField(label=_("会议名称"), max_length=120, required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    agenda = forms.CharField(label=_("议程"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


class MotionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("事项类型"), choices=MotionKind.choices)
    title = forms.CharField(label=_("表决事项"), max_length=150)
    text_body = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    method = forms.ChoiceField(label=_("表决方式"), choices=Method.choices)
    options = forms.CharField(
        label=_("选项（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("单选、多选时填写"),
    )
    candidates = forms.CharField(label=_("候选人会员编号（逗号分隔）"), required=False, max_length=2000)
    seats = forms.IntegerField(label=_("应选人数/最多可选"), min_value=1, initial=1)
    secret = forms.BooleanField(label=_("无记名投票"), required=False, initial=True)
    statutory_item = forms.ChoiceField(label=_("劳动合同法第四条事项"), choices=STATUTORY_CHOICES, required=False)
    document = forms.ChoiceField(label=_("修订的章程或制度"), required=False)
    new_text = forms.CharField(label=_("修订后全文"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    contract_ref = forms.CharField(label=_("集体合同编号"), max_length=60, required=False)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", "—")] + [(str(d.pk), d.title) for d in documents]


class DocumentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=DocKind.choices)
    title = forms.CharField(label=_("名称"), max_length=120)
    statutory_item = forms.ChoiceField(label=_("劳动合同法第四条事项"), choices=STATUTORY_CHOICES, required=False)
    adopted_on = forms.DateField(label=_("施行日期"), widget=DateInput)
    text_body = forms.CharField(label=_("全文"), widget=forms.Textarea(attrs={"rows": 10}))


class DisclosureForm(StyledFormMixin, forms.Form):
    org = forms.ChoiceField(label=_("企业"))
    category = forms.ChoiceField(label=_("公开类别"), choices=CATEGORY_CHOICES)
    title = forms.CharField(label=_("标题"), max_length=150)
    period = forms.CharField(label=_("所属期间"), max_length=30, required=False)
    published_on = forms.DateField(label=_("公开日期"), widget=DateInput, required=False)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(str(o.pk), o.name) for o in orgs]


class ProposalForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("案由"), max_length=150)
    content = forms.CharField(label=_("理由与建议"), widget=forms.Textarea(attrs={"rows": 6}))
    cosigners = forms.MultipleChoiceField(label=_("附议代表"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, reps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cosigners"].choices = [(str(r.pk), f"{r.name}（{r.constituency.name}）") for r in reps]


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices)
