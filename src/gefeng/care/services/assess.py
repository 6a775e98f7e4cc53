"""The category of a household from its money and the local thresholds (domain.md §6).

Rule (Shandong/Qingdao example, thresholds as settings `CARE_*`):
  per head per month = (annual household income − 刚性支出) ÷ 12 ÷ household size;
  深度困难 below `CARE_DEEP_MULTIPLE` × 低保 (`CARE_DIBAO_MONTHLY` of the year and place),
  相对困难 below `CARE_RELATIVE_MULTIPLE` × 低保,
  意外致困 after a disaster, major accident or epidemic injury/death, or when the year's hardship
  cost exceeds `CARE_ACCIDENT_SHARE` of the annual income.
  农民工 must also have ≥ `CARE_MIGRANT_MONTHS` months of actual employment; any exclusion
  (`CARE_EXCLUSIONS`) keeps the household out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from gefeng.care import conf

CENT = Decimal("0.01")


@dataclass
class Assessment:
    category: str  # deep / relative / accident / none
    steps: list[str] = field(default_factory=list)
    income: Decimal = Decimal(0)
    spending: Decimal = Decimal(0)
    size: int = 1
    per_head: Decimal = Decimal(0)
    dibao: Decimal | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "steps": self.steps,
            "income": str(self.income),
            "spending": str(self.spending),
            "size": self.size,
            "per_head": str(self.per_head),
            "dibao": str(self.dibao) if self.dibao is not None else "",
        }


def assess(
    *,
    year: int,
    income: Decimal,
    spending: Decimal,
    size: int,
    migrant: bool = False,
    employed_months: int = 0,
    accident: bool = False,
    hardship_cost: Decimal = Decimal(0),
    exclusions: list[str] | tuple[str, ...] = (),
    place: str = "*",
) -> Assessment:
    size = max(1, int(size))
    out = Assessment(category="none", income=income, spending=spending, size=size)
    net = income - spending
    out.per_head = (net / 12 / size).quantize(CENT, rounding=ROUND_HALF_UP)
    out.steps.append(
        f"家庭年收入 {income:,.2f} 元 − 刚性支出 {spending:,.2f} 元 = {net:,.2f} 元；"
        f"÷ 12 个月 ÷ {size} 人 = 人均月收入 {out.per_head:,.2f} 元。"
    )
    dibao = conf.dibao(year, place)
    out.dibao = dibao
    labels = conf.category_label
    names = conf.get("CARE_EXCLUSIONS")
    hits = [names.get(code, code) for code in exclusions]
    if hits:
        out.steps.append("存在排除情形：" + "；".join(hits) + "，不予认定。")
        return out
    if migrant and employed_months < int(conf.get("CARE_MIGRANT_MONTHS")):
        out.steps.append(
            f"农民工实际就业 {employed_months} 个月，不满 {conf.get('CARE_MIGRANT_MONTHS')} 个月，不予认定。"
        )
        return out
    if dibao is None:
        out.steps.append(f"未设置 {year} 年的低保标准（CARE_DIBAO_MONTHLY），无法测算。")
        return out
    deep = (dibao * conf.decimal("CARE_DEEP_MULTIPLE")).quantize(CENT)
    relative = (dibao * conf.decimal("CARE_RELATIVE_MULTIPLE")).quantize(CENT)
    out.steps.append(
        f"{year} 年低保标准 {dibao:,.2f} 元/人·月：{labels('deep')}线 {deep:,.2f} 元，{labels('relative')}线 {relative:,.2f} 元。"  # noqa: E501
    )
    if out.per_head < deep:
        out.category = "deep"
        out.steps.append(f"人均 {out.per_head:,.2f} 元 < {deep:,.2f} 元 → {labels('deep')}。")
        return out
    if out.per_head < relative:
        out.category = "relative"
        out.steps.append(f"人均 {out.per_head:,.2f} 元 < {relative:,.2f} 元 → {labels('relative')}。")
        return out
    share = conf.decimal("CARE_ACCIDENT_SHARE")
    if accident:
        out.category = "accident"
        out.steps.append(f"遭遇重大事故、灾害或疫情致伤亡 → {labels('accident')}。")
        return out
    if income > 0 and hardship_cost > income * share:
        out.category = "accident"
        out.steps.append(
            f"本年度致困支出 {hardship_cost:,.2f} 元 > 家庭年收入的 {share:.0%}（{income * share:,.2f} 元）→ {labels('accident')}。"  # noqa: E501
        )
        return out
    out.steps.append(f"人均 {out.per_head:,.2f} 元不低于 {relative:,.2f} 元，且无意外致困情形 → 不符合认定条件。")
    return out
