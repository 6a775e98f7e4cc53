"""Reads of the talent pool, always within the actor's scope (`talent.view`, following the
person's union). Name and pinyin search reuse the registry's search (`members.selectors`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from gefeng.core import pii, scope
from gefeng.core.validators import normalize_id_number
from gefeng.members.models import JobCategory, Member
from gefeng.members.selectors import MemberFilters, member_list
from gefeng.orgs.models import Industry, Kind, OrgNode
from gefeng.talent.models import LEVEL_RANK, Level, TalentCategory, TalentProfile

FRONTLINE = (JobCategory.FRONTLINE, JobCategory.TECHNICAL)
STATES = {"living": "在世", "deceased": "已故"}
SORTS = {"level": ("-top_rank", "id"), "name": ("person__name", "id"), "-id": ("-id",)}


def categories(actor: Any, *, active_only: bool = True) -> QuerySet[TalentCategory]:
    """The categories (reference data, labels only): every holder of `talent.view` reads them."""
    if not scope.has_perm(actor, "talent.view"):
        return TalentCategory.objects.none()
    qs = TalentCategory.objects.all()
    return qs.filter(active=True) if active_only else qs


def towns(actor: Any) -> QuerySet[OrgNode]:
    return scope.visible(actor, OrgNode).filter(kind=Kind.TOWN).order_by("path")


@dataclass
class ProfileFilters:
    q: str = ""
    category: int | None = None
    level: str = ""
    industry: str = ""
    town: int | None = None
    state: str = ""  # "", living, deceased
    labour_model: str = ""  # "", "1", "0"
    sort: str = "level"


def profile_list(actor: Any, filters: ProfileFilters) -> QuerySet[TalentProfile]:
    qs = scope.visible(actor, TalentProfile).select_related("person", "person__union", "person__enterprise")
    if filters.category:
        qs = qs.filter(memberships__category_id=filters.category)
    if filters.level in Level.values:
        qs = qs.filter(top_rank=LEVEL_RANK[Level(filters.level)])
    if filters.industry in Industry.values:
        qs = qs.filter(person__enterprise__industry=filters.industry)
    if filters.town:
        town = towns(actor).filter(pk=filters.town).first()
        qs = qs.filter(scope.subtree_q("person__union__", town.path)) if town else qs.none()
    if filters.state == "living":
        qs = qs.filter(deceased_on__isnull=True)
    elif filters.state == "deceased":
        qs = qs.filter(deceased_on__isnull=False)
    if filters.labour_model in ("0", "1"):
        qs = qs.filter(labour_model=filters.labour_model == "1")
    if filters.q.strip():
        # The registry's search (name substring, pinyin, initials, ID number, phone) on every status.
        found = member_list(actor, MemberFilters(q=filters.q, status="")).order_by().values("pk")
        qs = qs.filter(person__in=found)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["level"]))


def profile_categories(profile: TalentProfile) -> list[Any]:
    return list(profile.memberships.select_related("category").order_by("category__order", "category_id"))


def profile_honours(actor: Any, profile: TalentProfile) -> QuerySet[Any]:
    """The person's honours from the register, as far as the actor may see them (read-only)."""
    from gefeng.honours.models import Honour

    return scope.visible(actor, Honour).filter(person_id=profile.person_id).order_by("-year", "-id")


def statistics(actor: Any, filters: ProfileFilters | None = None) -> dict[str, Any]:
    """Counts of the (filtered) pool by highest honour level, by industry (GB/T 4754 section of
    the person's enterprise) and the front-line share (一线工人 + 技术人员 over everybody)."""
    qs = profile_list(actor, filters or ProfileFilters()).order_by()
    total = qs.count()
    by_rank = dict(qs.values_list("top_rank").annotate(n=Count("id")))
    levels = [
        {"code": level.value, "label": str(level.label), "count": by_rank.get(LEVEL_RANK[level], 0)}
        for level in (Level.NATIONAL, Level.PROVINCIAL, Level.CITY, Level.COUNTY)
    ]
    if by_rank.get(0):
        levels.append({"code": "", "label": "无荣誉（人工认定）", "count": by_rank[0]})
    by_industry = dict(qs.values_list("person__enterprise__industry").annotate(n=Count("id")))
    industries = [
        {"code": code, "label": str(label), "count": by_industry[code]}
        for code, label in Industry.choices
        if by_industry.get(code)
    ]
    blank = by_industry.get(None, 0) + by_industry.get("", 0)
    if blank:
        industries.append({"code": "", "label": "（未填行业或无工作单位）", "count": blank})
    frontline = qs.filter(person__job_category__in=FRONTLINE).count()
    by_job = dict(qs.values_list("person__job_category").annotate(n=Count("id")))
    jobs = [
        {"label": str(label), "count": by_job.get(code, 0)} for code, label in JobCategory.choices if by_job.get(code)
    ]
    if by_job.get(""):
        jobs.append({"label": "（未填）", "count": by_job[""]})
    return {
        "total": total,
        "levels": levels,
        "industries": industries,
        "jobs": jobs,
        "frontline": frontline,
        "frontline_share": (frontline / total) if total else None,
        "frontline_percent": round(frontline * 100 / total, 1) if total else None,
        "living": qs.filter(deceased_on__isnull=True).count(),
        "labour_models": qs.filter(labour_model=True).count(),
    }


def person_by_id_number(actor: Any, id_number: str) -> Member | None:
    """A registry member the actor may see, by ID number (exact, blind index).

    Raises ValidationError when the text is not a valid ID number."""
    number = normalize_id_number(id_number)
    return scope.visible(actor, Member).filter(id_hash=pii.blind_index(number)).select_related("union").first()
