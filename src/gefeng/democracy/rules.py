"""The rules of democratic management, each with its source (docs/rules/democracy.md lists them).

Statutory numbers are constants here; local numbers (the representative ratio, the front-line
share, the meeting rhythm, the co-signers of a proposal, the disclosure intervals) are fields of
the congress, set per enterprise, with the county pilot's values as defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

# 企业民主管理规定 (总工发〔2012〕12号) and 上海市职工代表大会条例 (2017) §4: an enterprise with 100 or
# more employees holds a 职工代表大会; below that, a 职工大会 of all staff.
CONGRESS_THRESHOLD = 100
# A meeting of the congress is quorate with at least two thirds of all representatives present
# (企业民主管理规定; 上海条例 §28; 集体合同规定 §36).
QUORUM = Fraction(2, 3)
# Elections and resolutions pass with more than half of ALL representatives (not of those present)
# (企业民主管理规定; 上海条例 §31; 集体合同规定 §36).
MAJORITY = Fraction(1, 2)
# Middle and senior managers at most 20 % of the representatives (企业民主管理规定).
MANAGER_CAP = Fraction(1, 5)
# A term lasts 3 to 5 years (企业民主管理规定; 上海条例 §22).
TERM_YEARS = (3, 5)
# At least one full congress a year (企业民主管理规定; 上海条例).
CONGRESS_EVERY_MONTHS = 12

# 劳动合同法 §4: rules on these matters must be discussed by the congress or all staff.
STATUTORY_ITEMS = {
    "pay": "劳动报酬",
    "hours": "工作时间",
    "leave": "休息休假",
    "safety": "劳动安全卫生",
    "insurance": "保险福利",
    "training": "职工培训",
    "discipline": "劳动纪律",
    "quota": "劳动定额管理",
}
STATUTORY_SOURCE = "劳动合同法 第四条"

# 厂务公开 categories (企业民主管理规定, from memory — domain.md §3 [M]) and the default interval of
# each in months (a setting per congress).
DISCLOSURE_CATEGORIES = {
    "business": ("生产经营状况", 6),
    "contracts": ("劳动合同与用工", 12),
    "rules": ("集体合同与规章制度", 12),
    "pay": ("工资与社会保险缴纳", 3),
    "honours": ("评先评优条件与结果", 12),
    "safety": ("安全生产与事故", 3),
    "training": ("职工教育经费与培训计划", 12),
    "disputes": ("劳动争议及处理结果", 6),
}


def congress_kind_for(employees: int | None) -> str:
    """职工代表大会 at 100 employees or more, 职工大会 below (企业民主管理规定)."""
    return "congress" if (employees or 0) >= CONGRESS_THRESHOLD else "assembly"


def quorate(present: int, entitled: int) -> bool:
    """At least ⅔ of all representatives present (上海条例 §28; 集体合同规定 §36)."""
    return entitled > 0 and Fraction(present, entitled) >= QUORUM


def quorum_needed(entitled: int) -> int:
    return math.ceil(entitled * QUORUM)


def majority_needed(entitled: int) -> int:
    """More than half of ALL representatives: the smallest number above ½."""
    return entitled // 2 + 1


def seats_for(employees: int, per: int, minimum: int) -> int:
    """The representatives a congress should have: one per `per` employees (the pilot: 1 : 10,
    a setting), at least `minimum` (a setting), never more than the employees."""
    if employees <= 0:
        return 0
    return min(employees, max(minimum, math.ceil(employees / max(per, 1))))


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    value: str
    rule: str
    ok: bool
    source: str


def composition(congress: Any, reps: dict[str, int]) -> list[Check]:
    """The composition of the representatives checked against the rules, as a list of lines.

    `reps`: total, managers, frontline, women, dispatched (active representatives), and the
    employees' women and dispatched counts (women_staff, dispatched_staff) when known."""
    total = reps.get("total", 0)
    out: list[Check] = []

    def pct(n: int, d: int) -> str:
        return f"{n} 人（{(100 * n / d):.1f}%）" if d else f"{n} 人"

    target = seats_for(congress.employee_count or 0, congress.ratio_per, congress.min_seats)
    if congress.kind == "assembly":
        out.append(
            Check(
                "kind", "大会形式", "职工大会（全体职工参加）", "不足100人的企业召开职工大会", True, "企业民主管理规定"
            )
        )
    else:
        out.append(
            Check(
                "ratio",
                "代表人数",
                f"{total} 人 / 职工 {congress.employee_count or 0} 人",
                f"每 {congress.ratio_per} 名职工 1 名代表，至少 {congress.min_seats} 名，应为 {target} 名",
                total >= target,
                "本企业设置（县试点 1:10）",
            )
        )
    managers = reps.get("managers", 0)
    out.append(
        Check(
            "managers",
            "中层以上管理人员",
            pct(managers, total),
            "不超过代表总数的 20%",
            Fraction(managers, total) <= MANAGER_CAP if total else True,
            "企业民主管理规定",
        )
    )
    front = reps.get("frontline", 0)
    out.append(
        Check(
            "frontline",
            "一线职工",
            pct(front, total),
            f"不少于 {congress.frontline_min_pct}%",
            (100 * front >= congress.frontline_min_pct * total) if total else False,
            "本企业设置（参照上海条例、一线职工为主体）",
        )
    )
    for key, label in (("women", "女职工"), ("dispatched", "劳务派遣职工")):
        staff = getattr(congress, f"{key}_staff", None)
        n = reps.get(key, 0)
        if staff is None or not congress.employee_count:
            out.append(
                Check(
                    key, label, pct(n, total), "按比例（未登记职工中的人数）", n > 0 or staff == 0, "企业民主管理规定"
                )
            )
            continue
        share = staff / congress.employee_count
        need = math.floor(share * total) if total else 0
        out.append(
            Check(
                key,
                label,
                pct(n, total),
                f"按职工中的比例（{share * 100:.1f}%）至少 {need} 名",
                n >= need,
                "企业民主管理规定",
            )
        )
    return out
