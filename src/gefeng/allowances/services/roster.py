"""Building a run's roster from the honours register and the rule table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum

from gefeng.allowances.models import (
    LEVEL_RANK,
    AllowanceRun,
    Payment,
    RunLine,
)
from gefeng.allowances.services.rules import BATCH, LABOUR_MODEL, RANK_LEVEL, rules_for_year
from gefeng.core import scope
from gefeng.core.validators import clean_text
from gefeng.orgs.models import OrgNode

# ---------------------------------------------------------------- building the roster


def _awarded_by(as_of: dt.date) -> Q:
    """Honours held on `as_of`: awarded on or before it, or (without a date) in an earlier year."""
    return Q(awarded_on__lte=as_of) | Q(awarded_on__isnull=True, year__lt=as_of.year)


def _holders(org: OrgNode, as_of: dt.date) -> Iterator[dict[int, int]]:
    """Batches of {person id: highest level rank} of the labour models of the county's register."""
    from gefeng.honours.models import Honour

    rows = (
        Honour.objects.filter(kind=LABOUR_MODEL, person__isnull=False, revoked_on__isnull=True)
        .filter(scope.subtree_q("org__", org.path))
        .filter(_awarded_by(as_of))
        .order_by("person_id")
        .values_list("person_id", "level")
        .iterator(chunk_size=2000)
    )
    batch: dict[int, int] = {}
    for pid, level in rows:
        if pid not in batch and len(batch) >= BATCH:
            yield batch
            batch = {}
        batch[pid] = max(batch.get(pid, 0), LEVEL_RANK.get(level, 0))  # type: ignore[call-overload]
    if batch:
        yield batch


def _build_lines(run: AllowanceRun) -> dict[str, Any]:
    """Delete the run's lines and write the roster again; returns counts.

    Rule: eligibility — living 劳模 (honours register, not revoked, awarded by the run's 资格认定日); the
    highest level held decides the amount; the rule's conditions (living, retired only, hardship
    only) come from the county notice; one payment per person, kind and year (the ledger).
    """
    from gefeng.members.models import Member
    from gefeng.talent.models import TalentProfile

    RunLine.objects.filter(run=run).delete()
    rules = rules_for_year(run.org, run.year)
    kinds = sorted({r.kind for r in rules.values()}, key=lambda k: (k.order, k.pk))
    skipped = {"deceased": 0, "already_paid": 0, "not_eligible": 0, "no_bank": 0, "no_profile": 0}
    for batch in _holders(run.org, run.as_of):
        ids = list(batch)
        people = {m.pk: m for m in Member.objects.filter(pk__in=ids).select_related("union", "enterprise")}
        profiles = {p.person_id: p for p in TalentProfile.objects.filter(person_id__in=ids)}
        paid = set(Payment.objects.filter(year=run.year, person_id__in=ids).values_list("person_id", "kind_id"))
        lines: list[RunLine] = []
        for pid, rank in batch.items():
            person = people.get(pid)
            if person is None:
                continue
            profile = profiles.get(pid)
            if profile is None:
                skipped["no_profile"] += 1
            deceased = profile is not None and profile.deceased_on is not None and profile.deceased_on <= run.as_of
            retired = bool(profile and profile.retired)
            hardship = bool(profile and profile.hardship)
            level = RANK_LEVEL[rank]
            mine: list[RunLine] = []
            for kind in kinds:
                rule = rules.get((kind.pk, level))
                if rule is None or rule.amount <= 0:
                    continue
                if (deceased and rule.living_only) or (rule.retired_only and not retired):
                    continue
                if rule.hardship_only and not hardship:
                    continue
                if (pid, kind.pk) in paid:
                    skipped["already_paid"] += 1
                    continue
                unit = person.enterprise or person.union
                mine.append(
                    RunLine(
                        run=run,
                        person=person,
                        kind=kind,
                        rule=rule,
                        level=level,
                        amount=rule.amount,
                        name=person.name,
                        org=person.union,
                        unit_name=unit.name if unit else "",
                        bank_holder=profile.bank_holder if profile else "",
                        bank_name=profile.bank_name if profile else "",
                        bank_account=profile.bank_account if profile else "",
                    )
                )
            if deceased and not mine:
                skipped["deceased"] += 1
            elif not mine:
                skipped["not_eligible"] += 1
            elif not (profile and profile.bank_account):
                skipped["no_bank"] += 1
            lines += mine
        RunLine.objects.bulk_create(lines, batch_size=1000)
    totals = RunLine.objects.filter(run=run).aggregate(n=Count("person", distinct=True), total=Sum("amount"))
    return {"recipients": totals["n"] or 0, "total": totals["total"] or Decimal(0), "skipped": skipped}


def _clean_run(year: Any, as_of: Any, title: Any) -> tuple[int, dt.date, str]:
    errors: dict[str, list[str]] = {}
    try:
        year_i = int(year)
        if not 1990 <= year_i <= dt.date.today().year + 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("year", []).append("发放年度应为四位年份，且不晚于明年。")
        year_i = 0
    if as_of in (None, ""):
        as_of = dt.date(year_i, 1, 1) if year_i else None
    if not isinstance(as_of, dt.date):
        errors.setdefault("as_of", []).append("资格认定日无法识别。")
    elif year_i and as_of.year not in (year_i - 1, year_i):
        errors.setdefault("as_of", []).append("资格认定日应在发放年度或上一年度内。")
    if errors:
        raise ValidationError(errors)
    assert isinstance(as_of, dt.date)
    title_s = clean_text(title)[:100] if title else ""
    return year_i, as_of, title_s or f"{year_i}年度劳模“三金一贴”发放"
