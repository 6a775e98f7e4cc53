"""Forms of 帮扶. They shape input; the services decide (their refusals land on the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gefeng.care import conf
from gefeng.care.models import (
    AidKind,
    AidRule,
    CampaignKind,
    Cause,
    DocKind,
    Frequency,
    FundSource,
    Group,
    IncomeKind,
    Relation,
    Schooling,
    SpendingKind,
)
from gefeng.core.forms import DateInput, StyledFormMixin

FAMILY_ROWS = 5
RELATIONS = [(v, label) for v, label in Relation.choices if v != Relation.SELF]


class ApplyForm(StyledFormMixin, forms.Form):
    """The application: causes, family members (fixed rows), income and 刚性支出 by kind, bank, documents."""

    cause_main = forms.ChoiceField(label=_("主要致困原因"), choices=Cause.choices)
    cause_secondary = forms.ChoiceField(label=_("次要致困原因"), choices=[("", "—"), *Cause.choices], required=False)
    case_detail = forms.CharField(
        label=_("困难情况说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    post = forms.CharField(label=_("岗位"), required=False, max_length=50)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    migrant = forms.BooleanField(label=_("农民工"), required=False)
    employed_months = forms.IntegerField(
        label=_("实际就业月数（农民工填写）"), required=False, min_value=0, max_value=600
    )
    accident = forms.BooleanField(label=_("本年度遭遇重大事故、灾害或疫情致伤亡"), required=False)
    hardship_cost = forms.DecimalField(
        label=_("本年度致困支出（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    exclusions = forms.MultipleChoiceField(
        label=_("排除情形（如实勾选）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    bank_name = forms.CharField(label=_("开户行"), required=False, max_length=100)
    bank_holder = forms.CharField(label=_("开户人"), required=False, max_length=50)
    bank_account = forms.CharField(label=_("银行账号"), required=False, max_length=40)

    def __init__(self, *args: Any, with_documents: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exclusions"].choices = list(conf.get("CARE_EXCLUSIONS").items())  # type: ignore[attr-defined]
        for i in range(FAMILY_ROWS):
            p = f"family_{i}"
            self.fields[f"{p}_name"] = forms.CharField(label=_("姓名"), required=False, max_length=50)
            self.fields[f"{p}_relation"] = forms.ChoiceField(
                label=_("关系"), required=False, choices=[("", "—"), *RELATIONS]
            )
            self.fields[f"{p}_id_number"] = forms.CharField(label=_("身份证号"), required=False, max_length=20)
            self.fields[f"{p}_health"] = forms.CharField(label=_("健康状况"), required=False, max_length=200)
            self.fields[f"{p}_schooling"] = forms.ChoiceField(
                label=_("在读学段"), required=False, choices=Schooling.choices
            )
            self.fields[f"{p}_school"] = forms.CharField(label=_("就读学校"), required=False, max_length=100)
            self.fields[f"{p}_work"] = forms.CharField(label=_("就业情况"), required=False, max_length=100)
        for kind, label in IncomeKind.choices:
            self.fields[f"income_{kind}"] = forms.CharField(label=label, required=False, max_length=14)
        for kind, label in SpendingKind.choices:
            self.fields[f"spending_{kind}"] = forms.CharField(label=label, required=False, max_length=14)
        self.with_documents = with_documents
        if with_documents:
            for kind in (DocKind.APPLICATION, DocKind.INCOME, DocKind.MEDICAL):
                self.fields[f"doc_{kind}"] = forms.FileField(label=DocKind(kind).label, required=False)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"

    def family_rows(self) -> list[list[Any]]:
        return [
            [
                self[f"family_{i}_{k}"]
                for k in ("name", "relation", "id_number", "health", "schooling", "school", "work")
            ]
            for i in range(FAMILY_ROWS)
        ]

    def income_fields(self) -> list[Any]:
        return [self[f"income_{k}"] for k in IncomeKind.values]

    def spending_fields(self) -> list[Any]:
        return [self[f"spending_{k}"] for k in SpendingKind.values]

    def main_fields(self) -> list[Any]:
        names = ("cause_main", "cause_secondary", "case_detail", "post", "phone", "migrant", "employed_months",
                 "accident", "hardship_cost", "exclusions", "bank_name", "bank_holder", "bank_account")  # fmt: skip
        return [self[n] for n in names]

    def document_fields(self) -> list[Any]:
        return [self[n] for n in self.fields if n.startswith("doc_")]

    def parts(self) -> dict[str, Any]:
        d = self.cleaned_data
        family = [
            {
                k: d.get(f"family_{i}_{k}") or ""
                for k in ("name", "relation", "id_number", "health", "schooling", "school", "work")
            }
            for i in range(FAMILY_ROWS)
        ]
        return {
            "data": {
                n: d.get(n)
                for n in (
                    "cause_main",
                    "cause_secondary",
                    "case_detail",
                    "post",
                    "phone",
                    "migrant",
                    "employed_months",
                    "accident",
                    "hardship_cost",
                    "exclusions",
                    "bank_name",
                    "bank_holder",
                    "bank_account",
                )
            },
            "family": family,
            "income": {k: d.get(f"income_{k}") for k in IncomeKind.values},
            "spending": {k: d.get(f"spending_{k}") for k in SpendingKind.values},
        }

    def documents(self, files: Any) -> list[tuple[str, Any]]:
        if not self.with_documents:
            return []
        out = []
        for name in self.fields:
            if name.startswith("doc_") and files.get(name):
                out.append((name[4:], files[name]))
        return out


class MemberLookupForm(StyledFormMixin, forms.Form):
    id_number = forms.CharField(
        label=_("职工身份证号"), max_length=20, help_text=_("代职工申请：输入会员名册中的身份证号")
    )


class VisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput)
    visitors = forms.CharField(label=_("走访人"), max_length=100)
    findings = forms.CharField(label=_("走访情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("走访照片"), required=False)


class ReviewForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("认定类别"), required=False)
    reason = forms.CharField(label=_("调整类别理由"), required=False, max_length=200)
    comment = forms.CharField(label=_("复审意见"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("按测算结果")), *conf.category_choices()]  # type: ignore[attr-defined]


class EndForm(StyledFormMixin, forms.Form):
    recovered = forms.TypedChoiceField(
        label=_("退档方式"), choices=[("1", _("脱困")), ("0", _("注销"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("原因"), max_length=200)


class AidForm(StyledFormMixin, forms.Form):
    rule = forms.ModelChoiceField(label=_("帮扶标准"), queryset=AidRule.objects.none())
    fund = forms.ModelChoiceField(label=_("支出资金"), queryset=AidRule.objects.none(), required=False)
    amount = forms.CharField(label=_("金额或物资价值（元）"), max_length=14)
    goods = forms.CharField(label=_("物资"), required=False, max_length=100)
    given_on = forms.DateField(label=_("帮扶日期"), widget=DateInput)
    delivered_by = forms.CharField(label=_("经办人"), max_length=50)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)
    evidence = forms.FileField(label=_("签收凭证"), required=False)

    def __init__(self, *args: Any, rules: Any, funds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules  # type: ignore[attr-defined]
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]


class RuleForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=40)
    kind = forms.ChoiceField(label=_("帮扶方式"), choices=AidKind.choices)
    amount = forms.DecimalField(label=_("固定金额（元）"), required=False, min_value=0, max_digits=10, decimal_places=2)
    cap = forms.DecimalField(label=_("上限（元）"), required=False, min_value=0, max_digits=10, decimal_places=2)
    frequency = forms.ChoiceField(label=_("频次"), choices=Frequency.choices)
    filed_only = forms.BooleanField(label=_("仅限已建档户"), required=False, initial=True)
    note = forms.CharField(label=_("依据"), required=False, max_length=200, help_text=_("文件名称、文号"))


class FundForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("资金名称"), max_length=60)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class CreditForm(StyledFormMixin, forms.Form):
    amount = forms.CharField(label=_("金额（元）"), max_length=14)
    entry_on = forms.DateField(label=_("到账日期"), widget=DateInput)
    memo = forms.CharField(label=_("摘要"), max_length=200)


class BudgetForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("活动"), queryset=AidRule.objects.none(), required=False)
    amount = forms.CharField(label=_("预算（元）"), max_length=14)

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class CampaignForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"), choices=CampaignKind.choices)
    name = forms.CharField(label=_("活动名称"), max_length=100)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    groups = forms.MultipleChoiceField(label=_("对象类别"), choices=Group.choices, widget=forms.CheckboxSelectMultiple)
    rule = forms.ModelChoiceField(label=_("帮扶标准"), queryset=AidRule.objects.none())
    default_amount = forms.CharField(label=_("每人标准（元）"), required=False, max_length=14)
    default_goods = forms.CharField(label=_("慰问物资"), required=False, max_length=100)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)

    def __init__(self, *args: Any, rules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules  # type: ignore[attr-defined]
        self.fields["groups"].widget.attrs["class"] = "form-check-input"


class RosterAddForm(StyledFormMixin, forms.Form):
    group = forms.ChoiceField(label=_("对象类别"), choices=Group.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    unit_name = forms.CharField(label=_("工作单位"), required=False, max_length=120)
    school = forms.CharField(label=_("就读学校"), required=False, max_length=100)
    school_level = forms.CharField(label=_("学段"), required=False, max_length=12)
    amount = forms.CharField(label=_("金额或物资价值（元）"), required=False, max_length=14)
    goods = forms.CharField(label=_("物资"), required=False, max_length=100)


class DeliverForm(StyledFormMixin, forms.Form):
    fund = forms.ModelChoiceField(label=_("支出资金"), queryset=AidRule.objects.none(), required=False)
    given_on = forms.DateField(label=_("发放日期"), widget=DateInput)
    delivered_by = forms.CharField(label=_("发放人"), max_length=50)
    signed = forms.BooleanField(label=_("本人已签收"), required=False, initial=True)
    evidence = forms.FileField(label=_("发放照片"), required=False)

    def __init__(self, *args: Any, funds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]


class OfferForm(StyledFormMixin, forms.Form):
    employer = forms.CharField(label=_("用人单位"), max_length=120)
    post = forms.CharField(label=_("岗位"), max_length=60)
    positions = forms.IntegerField(label=_("招聘人数"), min_value=0)
    referred = forms.IntegerField(label=_("推荐人数"), min_value=0, required=False)
    placed = forms.IntegerField(label=_("上岗人数"), min_value=0, required=False)


class TargetForm(StyledFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=AidRule.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    target = forms.IntegerField(label=_("目标人数"), min_value=0)
    due_on = forms.DateField(label=_("完成期限"), required=False, widget=DateInput)

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]


class ImportForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    upload = forms.FileField(
        label=_("人社局确认表（Excel）"), help_text=_("列：企业名称、统一社会信用代码、确认参保人数、确认日期")
    )
