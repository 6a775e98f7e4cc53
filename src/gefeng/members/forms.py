"""Forms of the registry pages. They check types and offer choices; the services check the rules
(`services.clean_member`) and their Chinese messages land on these fields."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import DateInput, StyledFormMixin
from gefeng.core.pii import mask_phone
from gefeng.members.models import (
    Education,
    JobCategory,
    Member,
    NewFormGroup,
    Political,
    Sex,
    SkillLevel,
    Status,
)
from gefeng.members.selectors import AGE_BANDS, SORTS, MemberFilters
from gefeng.members.services import RETAIN_REASONS

BLANK = [("", _("全部"))]
NONE = [("", "—")]
MAX_PK = 2**62

STATUS_ALL = "all"
STATUS_CHOICES = [*Status.choices, (STATUS_ALL, _("全部状态"))]
AGE_LABELS = {
    "<=35": _("35 岁及以下"),
    "36-45": _("36–45 岁"),
    "46-55": _("46–55 岁"),
    ">=56": _("56 岁及以上"),
}
AGE_CHOICES = [*BLANK, *((k, AGE_LABELS.get(k, k)) for k in AGE_BANDS)]
YES_NO = [*BLANK, ("1", _("是")), ("0", _("否"))]
SORT_LABELS = {
    "name": _("姓名"),
    "-joined": _("入会日期 ↓"),
    "joined": _("入会日期 ↑"),
    "-birth": _("出生日期 ↓（年轻在前）"),
    "birth": _("出生日期 ↑（年长在前）"),
    "-id": _("最近登记"),
}
SORT_CHOICES = [(k, SORT_LABELS.get(k, k)) for k in SORTS]
# The filters of the list page other than the search box, in the order of the form.
FILTER_FIELDS = (
    "under",
    "status",
    "job_category",
    "new_form_group",
    "skill_level",
    "age_band",
    "sex",
    "industrial",
    "migrant",
)


class MemberFilterForm(StyledFormMixin, forms.Form):
    """The list page's search box and filters. An invalid value is dropped, never an error page.

    `under` is offered as a select of the towns and enterprises the user sees (set by the view);
    any visible node (chosen through the org search) is accepted, the view checks it.
    """

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名、拼音、首字母、身份证号、手机号或会员证号"),
                "autocomplete": "off",
            }
        ),
    )
    under = forms.IntegerField(label=_("单位范围"), required=False, min_value=1, max_value=MAX_PK, widget=forms.Select)
    status = forms.ChoiceField(label=_("会籍状态"), required=False, choices=STATUS_CHOICES)
    job_category = forms.ChoiceField(label=_("岗位类别"), required=False, choices=[*BLANK, *JobCategory.choices])
    new_form_group = forms.ChoiceField(
        label=_("新就业形态群体"), required=False, choices=[*BLANK, *NewFormGroup.choices]
    )
    skill_level = forms.ChoiceField(label=_("技能等级"), required=False, choices=[*BLANK, *SkillLevel.choices])
    age_band = forms.ChoiceField(label=_("年龄段"), required=False, choices=AGE_CHOICES)
    sex = forms.ChoiceField(label=_("性别"), required=False, choices=[*BLANK, *Sex.choices])
    industrial = forms.ChoiceField(label=_("产业工人"), required=False, choices=YES_NO)
    migrant = forms.ChoiceField(label=_("农民工"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, *args: Any, under_choices: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["under"].widget.choices = [("", _("全部单位")), *(under_choices or [])]

    def values(self) -> dict[str, Any]:
        """The valid values (a field that failed validation keeps its default)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or Status.ACTIVE
        return {
            "q": (data.get("q") or "").strip(),
            "under": data.get("under") or None,
            "status": status,
            **{f: data.get(f) or "" for f in FILTER_FIELDS if f not in ("under", "status")},
            "sort": data.get("sort") or "name",
        }


def member_filters(values: dict[str, Any]) -> MemberFilters:
    """`MemberFilters` from `MemberFilterForm.values()` (全部状态 means no status filter)."""
    data = dict(values)
    if data.get("status") == STATUS_ALL:
        data["status"] = ""
    return MemberFilters(**data)


def filter_query(values: dict[str, Any], **changes: Any) -> str:
    """The values that differ from the defaults as a query string (links, the export)."""
    merged = values | changes
    defaults = {"status": Status.ACTIVE, "sort": "name"}
    return urlencode(
        [(k, v) for k, v in merged.items() if v not in (None, "") and defaults.get(k) != v],
    )


# ---------------------------------------------------------------- member record


class MemberFieldsForm(StyledFormMixin, forms.Form):
    """The member's own fields (those of `services.clean_member`); create and edit share them."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    ethnicity = forms.CharField(
        label=_("民族"), max_length=20, required=False, widget=forms.TextInput(attrs={"placeholder": "汉族"})
    )
    political_status = forms.ChoiceField(label=_("政治面貌"), required=False, choices=[*NONE, *Political.choices])
    education = forms.ChoiceField(label=_("文化程度"), required=False, choices=[*NONE, *Education.choices])
    job_category = forms.ChoiceField(label=_("岗位类别"), required=False, choices=[*NONE, *JobCategory.choices])
    occupation = forms.CharField(label=_("工种"), max_length=50, required=False)
    skill_level = forms.ChoiceField(label=_("技能等级"), required=False, choices=[*NONE, *SkillLevel.choices])
    new_form_group = forms.ChoiceField(
        label=_("新就业形态群体"), required=False, choices=[*NONE, *NewFormGroup.choices]
    )
    migrant = forms.BooleanField(label=_("农民工"), required=False)
    joined_on = forms.DateField(label=_("入会日期"), widget=DateInput)
    card_number = forms.CharField(label=_("会员证号"), max_length=30, required=False)
    team = forms.IntegerField(label=_("班组"), required=False, min_value=1, max_value=MAX_PK, widget=forms.Select)

    SERVICE_FIELDS: tuple[str, ...] = (
        "name",
        "phone",
        "ethnicity",
        "political_status",
        "education",
        "job_category",
        "occupation",
        "skill_level",
        "new_form_group",
        "migrant",
        "joined_on",
        "card_number",
    )

    def __init__(self, *args: Any, team_choices: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].widget.choices = [*NONE, *(team_choices or [])]

    def service_data(self) -> dict[str, Any]:
        """The `data` argument of member_join / member_update."""
        data = {f: self.cleaned_data.get(f) for f in self.SERVICE_FIELDS}
        for f in self.SERVICE_FIELDS:
            if f not in ("migrant", "joined_on") and data[f] is None:
                data[f] = ""
        data["migrant"] = bool(data["migrant"])
        return data


class MemberCreateForm(MemberFieldsForm):
    union = forms.IntegerField(
        label=_("所在工会"),
        min_value=1,
        max_value=MAX_PK,
        widget=forms.Select,
        error_messages={"required": _("请选择工会。")},
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("18 位居民身份证号；出生日期和性别由身份证号得出。"),
    )

    SERVICE_FIELDS = (*MemberFieldsForm.SERVICE_FIELDS, "id_number")

    def __init__(
        self,
        *args: Any,
        union_choices: list[Any] | None = None,
        union_search: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if union_search:  # too many unions for a select: picked from search results (radios)
            self.fields["union"].widget = forms.HiddenInput()
        else:
            widget = self.fields["union"].widget
            widget.choices = [("", _("请选择")), *(union_choices or [])]
            # Choosing a union reloads the team select with that union's teams (HTMX).
            widget.attrs.update(
                {
                    "hx-get": reverse("members:member-create"),
                    "hx-trigger": "change",
                    "hx-target": "#gf-team-field",
                    "hx-select": "#gf-team-field",
                    "hx-swap": "outerHTML",
                }
            )
        self.fields["joined_on"].initial = dt.date.today


class MemberEditForm(MemberFieldsForm):
    """Edit a member. The ID number is not editable (a wrong one is a wrong person); the phone is
    never pre-filled: empty keeps the stored number."""

    clear_phone = forms.BooleanField(label=_("清除手机号"), required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any):
        initial = {f: getattr(member, f) for f in self.SERVICE_FIELDS if f != "phone"}
        initial["team"] = member.team_id
        kwargs["initial"] = initial | kwargs.get("initial", {})
        super().__init__(*args, **kwargs)
        self.has_phone = bool(member.phone)
        if self.has_phone:
            self.fields["phone"].widget.attrs["placeholder"] = mask_phone(member.phone)
            self.fields["phone"].help_text = _("已填写（已隐藏）。不修改请留空。")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.cleaned_data.get("clear_phone"):
            data["phone"] = ""
        elif not data["phone"]:
            del data["phone"]  # keep the stored number
        return data


# ---------------------------------------------------------------- membership changes


class TransferForm(StyledFormMixin, forms.Form):
    """转会 to a union inside the platform, found by searching the unions the user may change."""

    q = forms.CharField(
        label=_("查找转入的工会"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("输入工会名称、简称或代码"), "autocomplete": "off"}
        ),
    )
    to_union = forms.IntegerField(
        label=_("转入工会"),
        min_value=1,
        max_value=MAX_PK,
        widget=forms.HiddenInput,
        error_messages={"required": _("请先查找并选择转入的工会。")},
    )
    on = forms.DateField(label=_("转会日期"), widget=DateInput, initial=dt.date.today)
    reason = forms.CharField(
        label=_("原因"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：工作调动")}),
    )

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Typing looks up candidates (HTMX); Enter without a choice re-shows the page with them.
        self.fields["q"].widget.attrs.update(
            {
                "hx-get": reverse("members:union-search"),
                "hx-vals": json.dumps({"name": "to_union", "exclude": exclude or ""}),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#gf-union-choices",
            }
        )


class TransferOutForm(StyledFormMixin, forms.Form):
    """转出 to a union outside the county (not on the platform): the record stays as 已转出."""

    to_name = forms.CharField(
        label=_("转入单位（工会）名称"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("如：丰县某某公司工会委员会")}),
    )
    on = forms.DateField(label=_("转出日期"), widget=DateInput, initial=dt.date.today)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class RetainForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("保留会籍原因"),
        choices=[("", _("请选择")), *((r, r) for r in RETAIN_REASONS)],
        help_text=_("退休、失业的，会籍保留在原工会；单位关闭或破产的，由上级工会（镇街或县总工会）保管。"),
    )
    on = forms.DateField(label=_("日期"), widget=DateInput, initial=dt.date.today)


LEAVE_SUGGESTIONS = (
    _("本人申请退会"),
    _("连续六个月不交纳会费、不参加工会组织生活，视为自动退会"),
    _("死亡"),
    _("开除会籍"),
)


class LeaveForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("退会日期"), widget=DateInput, initial=dt.date.today)
    reason = forms.CharField(
        label=_("退会原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "gf-leave-reasons", "autocomplete": "off"}),
    )


# ---------------------------------------------------------------- coverage (建会入会)


COVERAGE_SORTS = {
    "rate": _("入会率 ↑"),
    "-rate": _("入会率 ↓"),
    "-employees": _("职工人数 ↓"),
    "-members": _("会员人数 ↓"),
    "name": _("单位名称"),
}


class CoverageForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)
    under = forms.IntegerField(label=_("镇街"), required=False, min_value=1, max_value=MAX_PK, widget=forms.Select)
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=list(COVERAGE_SORTS.items()), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, under_choices: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["under"].widget.choices = [("", _("全部")), *(under_choices or [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data

    def values(self, today: dt.date) -> dict[str, Any]:
        """The period (default: this year to date), the town and the sort; invalid values dropped."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        start = data.get("start") or dt.date(today.year, 1, 1)
        end = data.get("end") or today
        if start > end:
            start, end = dt.date(today.year, 1, 1), today
        return {
            "start": start,
            "end": end,
            "under": data.get("under") or None,
            "sort": data.get("sort") or "rate",
        }
