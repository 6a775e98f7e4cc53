"""The live compliance of a shortlist: quota use and every rule of the campaign.

Pure arithmetic on a list of nominations plus one query for the nominees' earlier honours.
Shares are computed exactly (fractions), so 60 % of 35 is 21, not 20.999….

"还差 N 人" is the smallest number of additional qualifying awardees that brings a minimum share up
to its threshold: the least x ≥ 0 with (k + x) / (n + x) ≥ p, that is x = ⌈(p·n − k) / (1 − p)⌉.
When the total is fixed by the quota, replacing y = ⌈p·n − k⌉ nominees does it too; both are
shown. For a maximum share the least number to remove is ⌈(k − p·n) / (1 − p)⌉ and the least
number to replace ⌈k − p·n⌉.

Sources of the rules (`docs/rules/honours.md`): the quotas, shares, exclusions, repeat limits and
required prior honours are set by each year's notice (全国劳模 2015/2025 rules, 五一劳动奖 notices of
2022/2024 under 《全国五一劳动奖评选表彰管理办法》, 苏交传〔2023〕5号, local 劳模 notices; see the domain
reference §7). They are campaign data (`Rule`, `Award.quota`, `Allocation`), never constants here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Q

from gefeng.honours.models import (
    LEVEL_RANK,
    Allocation,
    Award,
    Campaign,
    Honour,
    HonourKind,
    Level,
    Nomination,
    Rule,
    RuleKind,
    Subject,
    Trait,
)
from gefeng.orgs.models import OrgNode, Ownership

# Ownership types counted as 非公有制经济组织.
NON_PUBLIC_OWNERSHIP = frozenset({Ownership.PRIVATE, Ownership.FOREIGN, Ownership.HMT, Ownership.INDIVIDUAL})

# Short labels for the compliance lines ("一线职工占比 …").
TRAIT_SHORT: dict[str, str] = {
    Trait.FRONTLINE: "一线职工",
    Trait.LEADER: "企业负责人",
    Trait.OFFICIAL: "党政机关干部",
    Trait.MIGRANT: "农民工",
    Trait.FEMALE: "女职工",
    Trait.NON_PUBLIC: "非公有制单位人员",
}


def has_trait(nomination: Nomination, trait: str) -> bool:
    """Whether a nominee counts towards a share rule's trait.

    一线职工 are front-line workers and technicians (一线工人、技术人员): the 全国劳模 2015 rules count
    企业一线职工 and the 五一劳动奖章 2022/2024 notices 一线职工和专业技术人员 (domain reference §7).
    企业负责人 and 党政机关干部 are ticked by the nominating unit; 农民工 and sex come from the registry."""
    if trait == Trait.FRONTLINE:
        return nomination.job_category in ("一线工人", "技术人员")
    if trait == Trait.LEADER:
        return nomination.is_leader
    if trait == Trait.OFFICIAL:
        return nomination.is_official
    if trait == Trait.MIGRANT:
        return nomination.migrant
    if trait == Trait.FEMALE:
        return nomination.sex == "女"
    if trait == Trait.NON_PUBLIC:
        return nomination.non_public
    return False


def is_non_public(node: OrgNode | None) -> bool:
    """非公有制经济组织 (private, foreign, HK/Macao/Taiwan, individual ownership): the 五一劳动奖 notices
    ask ≥ 35 % of 奖状、奖章、工人先锋号 for non-public enterprises (2022, 2024; domain reference §7)."""
    return node is not None and node.ownership in NON_PUBLIC_OWNERSHIP


def min_share_additions(k: int, n: int, p: Fraction) -> int | None:
    """Least x ≥ 0 with (k + x) / (n + x) ≥ p; None when no number of additions reaches p (p = 1)."""
    if n == 0 or Fraction(k, n) >= p:
        return 0
    if p >= 1:
        return None
    return math.ceil((p * n - k) / (1 - p))


def min_share_replacements(k: int, n: int, p: Fraction) -> int:
    """Least y with (k + y) / n ≥ p (swap y nominees without the trait for y with it)."""
    if n == 0:
        return 0
    return max(0, math.ceil(p * n - k))


def max_share_removals(k: int, n: int, p: Fraction) -> int:
    """Least y with (k − y) / (n − y) ≤ p (remove y nominees with the trait)."""
    if n == 0 or Fraction(k, n) <= p:
        return 0
    if p <= 0:
        return k
    return math.ceil((k - p * n) / (1 - p))


def max_share_replacements(k: int, n: int, p: Fraction) -> int:
    if n == 0:
        return 0
    return max(0, math.ceil(k - p * n))


def _pct(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def _threshold(percent: object) -> tuple[Fraction, str]:
    p = Fraction(str(percent)) / 100
    return p, f"{float(Fraction(str(percent))):g}%"


@dataclass
class Line:
    """One check: its label, whether it holds, and the plain sentence shown to the user."""

    label: str
    ok: bool
    text: str
    kind: str = "rule"
    details: list[str] = field(default_factory=list)


@dataclass
class Report:
    lines: list[Line]
    count: int

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)

    @property
    def failures(self) -> list[Line]:
        return [line for line in self.lines if not line.ok]


def share_line(rule: Rule, nominees: Sequence[Nomination], scope_label: str) -> Line:
    """A minimum or maximum share of one trait among the individual nominees.

    Rule: the year's notice (domain reference §7): e.g. 全国劳模 2015 企业一线职工 ≥ 57 %,
    企业负责人 ≤ 20 %, 农民工 ≥ 25 %; 五一劳动奖章 2022/2024 产业工人 ≥ 35 %, 农民工 ≥ 10 %; 厦门
    女职工 ≥ 20 %. The threshold is the campaign's rule, never a constant."""
    label = TRAIT_SHORT.get(rule.trait, rule.trait)
    n = len(nominees)
    k = sum(1 for x in nominees if has_trait(x, rule.trait))
    p, p_text = _threshold(rule.percent or 0)
    head = f"{scope_label}{label}占比"
    if n == 0:
        return Line(head, True, f"{head}：暂无人选（要求{'≥' if rule.kind == RuleKind.MIN_SHARE else '≤'} {p_text}）")
    share = Fraction(k, n)
    if rule.kind == RuleKind.MIN_SHARE:
        if share >= p:
            return Line(head, True, f"{head} {_pct(share)}（{k}/{n}）≥ {p_text}")
        add = min_share_additions(k, n, p)
        swap = min_share_replacements(k, n, p)
        tail = f"还差 {add} 人" if add is not None else "须全部为" + label
        return Line(
            head,
            False,
            f"{head} {_pct(share)}（{k}/{n}）< {p_text}，{tail}（或将 {swap} 名人选换为{label}）",
        )
    if share <= p:
        return Line(head, True, f"{head} {_pct(share)}（{k}/{n}）≤ {p_text}")
    drop = max_share_removals(k, n, p)
    swap = max_share_replacements(k, n, p)
    return Line(
        head,
        False,
        f"{head} {_pct(share)}（{k}/{n}）> {p_text}，需减少 {drop} 名{label}（或将 {swap} 名{label}换为其他人选）",
    )


def prior_honours(person_ids: Iterable[int]) -> dict[int, list[Honour]]:
    ids = sorted({pk for pk in person_ids if pk})
    out: dict[int, list[Honour]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for h in Honour.objects.filter(person_id__in=chunk, revoked_on__isnull=True).order_by("year"):
            out.setdefault(h.person_id or 0, []).append(h)
    return out


def nominee_problems(
    rule: Rule,
    nomination: Nomination,
    award: Award,
    campaign: Campaign,
    honours: dict[int, list[Honour]],
) -> str | None:
    """Why one nominee breaks a per-person rule (no repeat, required prior honour, exclusion), or None.

    Rules (domain reference §7): no repeat within `years` — holders of the 江苏省五一劳动奖章 are in
    principle not awarded again (苏交传〔2023〕5号); required prior honour — 全国劳模 2025 nominees
    must already hold a provincial or ministerial honour; exclusion — e.g. 宁波 excludes cadres at
    县处级 and above. Values come from the campaign's rules (the year's notice)."""
    if rule.kind == RuleKind.EXCLUDE:
        if has_trait(nomination, rule.trait):
            return f"{nomination.name}：属于{Trait(rule.trait).label}，按规定不得推荐"
        return None
    if nomination.person_id is None:
        return None
    held = honours.get(nomination.person_id, [])
    if rule.kind == RuleKind.NO_REPEAT:
        years = rule.years or 0
        since = campaign.year - years
        for h in held:
            if h.kind == award.kind and h.year > since and h.campaign_id != campaign.pk:
                return f"{nomination.name}：{h.year} 年已获“{h.title}”，{years} 年内不重复授予"
        return None
    if rule.kind == RuleKind.REQUIRED_PRIOR:
        need = LEVEL_RANK.get(Level(rule.prior_level), 0) if rule.prior_level else 0
        for h in held:
            if h.kind == rule.prior_kind and LEVEL_RANK.get(Level(h.level), 0) >= need:
                return None
        level = f"{Level(rule.prior_level).label}及以上" if rule.prior_level else ""
        return f"{nomination.name}：未获得{level}“{HonourKind(rule.prior_kind).label}”"
    return None


def _allocation_lines(
    campaign: Campaign,
    nominees: Sequence[Nomination],
    awards: dict[int, Award],
    allocations: Iterable[Allocation] | None,
) -> list[Line]:
    lines: list[Line] = []
    for award in awards.values():
        used = sum(1 for x in nominees if x.award_id == award.pk)
        ok = used <= award.quota
        text = f"{award.title}：{used} / 名额 {award.quota}"
        if not ok:
            text += f"，超出 {used - award.quota} 名"
        lines.append(Line(award.title, ok, text, kind="quota"))
    if allocations is None:
        allocations = campaign.allocations.select_related("org", "award").order_by("award__order", "org__path")
    for alloc in allocations:
        path = alloc.org.path
        used = sum(1 for x in nominees if x.award_id == alloc.award_id and x.unit.path.startswith(path))
        ok = used <= alloc.quota
        text = f"{alloc.org.display_name} · {alloc.award.title}：{used} / 分配 {alloc.quota}"
        if not ok:
            text += f"，超出 {used - alloc.quota} 名"
        lines.append(Line(f"{alloc.org.display_name}{alloc.award.title}", ok, text, kind="allocation"))
    return lines


def evaluate(
    campaign: Campaign,
    nominees: Sequence[Nomination],
    *,
    quotas: bool = True,
    allocations: Iterable[Allocation] | None = None,
) -> Report:
    """Every quota and rule of `campaign` over `nominees` (nominations with `unit` loaded).

    Quotas: each award's places and each allocation's (名额, 名额分配: the year's notice); rules:
    `share_line` and `nominee_problems`.

    `allocations`: the allocation lines to report (a reader's, from `selectors.allocations`);
    None reports every allocation of the campaign (approval, which sees the whole shortlist)."""
    awards = {a.pk: a for a in campaign.awards.all()}
    lines: list[Line] = _allocation_lines(campaign, nominees, awards, allocations) if quotas else []
    rules = list(campaign.rules.all().order_by("id"))
    honours = prior_honours(x.person_id for x in nominees if x.person_id)
    for rule in rules:
        if rule.award_id is not None:
            pool = [x for x in nominees if x.award_id == rule.award_id]
            scope_label = f"{awards[rule.award_id].title}中" if rule.award_id in awards else ""
        else:
            pool = list(nominees)
            scope_label = ""
        individuals = [x for x in pool if x.person_id is not None and awards.get(x.award_id) is not None]
        individuals = [x for x in individuals if awards[x.award_id].subject == Subject.PERSON]
        if rule.kind in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE):
            lines.append(share_line(rule, individuals, scope_label))
            continue
        problems = [
            p for x in pool if (p := nominee_problems(rule, x, awards[x.award_id], campaign, honours)) is not None
        ]
        label = rule_label(rule)
        if problems:
            lines.append(Line(label, False, f"{label}：{len(problems)} 名人选不符合", details=problems))
        else:
            lines.append(Line(label, True, f"{label}：全部符合"))
    return Report(lines, len(nominees))


def rule_label(rule: Rule) -> str:
    if rule.kind == RuleKind.NO_REPEAT:
        return f"{rule.years} 年内不重复授予同一荣誉"
    if rule.kind == RuleKind.REQUIRED_PRIOR:
        level = f"{Level(rule.prior_level).label}及以上" if rule.prior_level else ""
        return f"须已获{level}“{HonourKind(rule.prior_kind).label}”"
    if rule.kind == RuleKind.EXCLUDE:
        return f"不得推荐{Trait(rule.trait).label}"
    sign = "≥" if rule.kind == RuleKind.MIN_SHARE else "≤"
    return f"{TRAIT_SHORT.get(rule.trait, rule.trait)}占比 {sign} {_threshold(rule.percent or 0)[1]}"


def person_rule_errors(campaign: Campaign, award: Award, nomination: Nomination) -> list[str]:
    """Per-person rules that refuse a nomination outright (exclusions, repeats, prior honours):
    `nominee_problems`, for the campaign's rules of the year's notice."""
    rules = campaign.rules.filter(Q(award__isnull=True) | Q(award=award)).exclude(
        kind__in=[RuleKind.MIN_SHARE, RuleKind.MAX_SHARE]
    )
    honours = prior_honours([nomination.person_id] if nomination.person_id else [])
    out = []
    for rule in rules:
        problem = nominee_problems(rule, nomination, award, campaign, honours)
        if problem:
            out.append(problem)
    return out
