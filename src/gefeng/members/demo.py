"""The demo county's real-name registry: deterministic, realistic, and in 2020 the county's own
figures — 185 unions founded (the tree has them) and 40,000 real-name members joined.

Members are written with `core.bulk` (sealed ID numbers and phones, blind indexes, search
columns), the history with one INSERT … SELECT, so the whole registry loads in seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gefeng.core import bulk, pii
from gefeng.core.people import PersonFactory
from gefeng.members import columns, idtail, services, tally
from gefeng.members.imports import pipeline, rosters
from gefeng.members.models import EventKind, Member, MembershipEvent, SkillLevel, Status
from gefeng.orgs.models import INDUSTRIAL_SECTIONS, Kind, OrgNode

JOINED_2020 = 40_000  # 沛县产改纪实: “新增实名制会员4万人”
INDUSTRY_UNIONS = {"沛县货车司机工会联合会": ("货车司机", 3_200), "沛县快递行业工会联合会": ("快递员", 2_400)}
SEED = 20200429
ROSTER_FILE = "新格灌溉会员花名册（示例，待导入）.xlsx"

# The member columns the demo writes in bulk, in the order of its row tuples (other demos reuse it).
MEMBER_COLUMNS = columns.DEMO_ROW
_SKILL = {str(label): code for code, label in SkillLevel.choices}


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _plan(rng: random.Random) -> tuple[list[tuple[OrgNode, OrgNode | None, list[tuple[dt.date, str]]]], dict[int, int]]:
    """For every union: its members' join dates and fates (active, left, retained).

    Unions founded in 2020 take the 2020 joins the older unions and the industry unions leave
    to reach JOINED_2020, shared by the size of their enterprises; an enterprise whose roster
    would then outgrow its head count gets its head count raised (a 2020 recruitment drive).
    """
    unions = list(
        OrgNode.objects.filter(kind=Kind.UNION, valid_to__isnull=True).select_related("parent").order_by("path")
    )
    plans: list[tuple[OrgNode, OrgNode | None, list[tuple[dt.date, str]]]] = []
    new_unions: list[tuple[OrgNode, OrgNode]] = []
    joined_2020 = 0
    end_2020 = dt.date(2020, 12, 31)
    for union in unions:
        founded = union.union_founded_on or union.valid_from or dt.date(2008, 1, 1)
        ent = union.parent if union.parent is not None and union.parent.kind == Kind.ENTERPRISE else None
        if union.name in INDUSTRY_UNIONS:
            count = INDUSTRY_UNIONS[union.name][1]
            if founded.year <= 2020:
                dates = [(_day(rng, max(founded, dt.date(2020, 1, 1)), end_2020), "active") for _ in range(count)]
                joined_2020 += count
            else:
                dates = [(_day(rng, founded, dt.date(2021, 11, 30)), "active") for _ in range(count)]
            plans.append((union, None, dates))
            continue
        if ent is None or not ent.employee_count:
            continue
        if founded.year == 2020:
            new_unions.append((union, ent))
            continue
        if founded.year > 2020:
            n = round(ent.employee_count * rng.uniform(0.6, 0.9))
            plans.append((union, ent, [(_day(rng, founded, dt.date(2021, 11, 30)), "active") for _ in range(n)]))
            continue
        emp = ent.employee_count
        before = round(emp * rng.uniform(0.78, 0.92))
        in_2020 = round(emp * rng.uniform(0.03, 0.09))
        in_2021 = round(emp * rng.uniform(0.0, 0.04))
        dates = []
        for _ in range(before):
            fate = rng.choices(("active", "left", "retained"), (0.93, 0.05, 0.02))[0]
            dates.append((_day(rng, max(founded, dt.date(2005, 1, 1)), dt.date(2019, 12, 31)), fate))
        dates += [(_day(rng, dt.date(2020, 1, 1), end_2020), "active") for _ in range(in_2020)]
        dates += [(_day(rng, dt.date(2021, 1, 1), dt.date(2021, 11, 30)), "active") for _ in range(in_2021)]
        joined_2020 += in_2020
        plans.append((union, ent, dates))
    need = JOINED_2020 - joined_2020
    weights = [ent.employee_count or 1 for _, ent in new_unions]
    total = sum(weights)
    shares = [need * w / total for w in weights]
    counts = [math.floor(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)[: need - sum(counts)]:
        counts[i] += 1
    raised: dict[int, int] = {}
    for (union, ent), n in zip(new_unions, counts, strict=True):
        founded = union.union_founded_on or dt.date(2020, 1, 1)
        plans.append((union, ent, [(_day(rng, founded, end_2020), "active") for _ in range(n)]))
        head = math.ceil(n / 0.93)
        if head > (ent.employee_count or 0):
            raised[ent.pk] = head
    return plans, raised


def clear_registry() -> None:
    """Delete the whole registry with plain SQL (the ORM would load every row to cascade)."""
    from gefeng.members.models import EnterpriseTally, ImportJob, ImportRow

    with connection.cursor() as cur:
        for model in (ImportRow, ImportJob, MembershipEvent, EnterpriseTally, Member):
            cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def load_registry(*, stdout: TextIO | None = None) -> dict[str, int]:
    """Write the demo registry (the tree must be loaded; the old registry deleted)."""
    rng = random.Random(SEED)
    factory = PersonFactory(SEED)
    plans, raised = _plan(rng)
    for pk, head in raised.items():
        OrgNode.objects.filter(pk=pk).update(employee_count=head)
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    left, retained = 0, 0
    for union, ent, dates in plans:
        industrial = bool(ent and ent.industry in INDUSTRIAL_SECTIONS)
        group = INDUSTRY_UNIONS.get(union.name, ("", 0))[0]
        for joined, fate in dates:
            person = factory.person()
            while dt.date(person.birth_date.year + 16, 12, 31) > joined:
                person = factory.person()
            cols = services.search_columns(person.name)
            status, ended = Status.ACTIVE, None
            if fate == "left":
                status, ended = Status.LEFT, _day(rng, max(joined, dt.date(2019, 1, 1)), dt.date(2021, 6, 30))
                left += 1
            elif fate == "retained":
                status = Status.RETAINED
                retained += 1
            rows.append(
                (
                    person.name,
                    cols["name_tail1"],
                    cols["name_tail2"],
                    cols["pinyin"],
                    cols["initials"],
                    pii.encrypt(person.id_number),
                    pii.blind_index(person.id_number),
                    *idtail.digests(person.id_number),
                    person.sex,
                    person.birth_date,
                    person.ethnicity,
                    person.political_status,
                    person.education,
                    pii.encrypt(person.mobile),
                    pii.blind_index(person.mobile),
                    union.pk,
                    ent.pk if ent else None,
                    person.job_category,
                    industrial,
                    group or person.occupation,
                    _SKILL.get(person.skill_level, ""),
                    group or person.new_form_group,
                    person.migrant or bool(group),
                    joined,
                    person.card_number,
                    status,
                    ended,
                    now,
                    now,
                )
            )
    bulk.insert(Member, MEMBER_COLUMNS, rows)
    tally.rebuild()
    q = connection.ops.quote_name
    member_t, event_t = q(Member._meta.db_table), q(MembershipEvent._meta.db_table)
    with connection.cursor() as cur:
        for kind, date_col, where in (
            (EventKind.JOIN, "joined_on", ""),
            (EventKind.LEAVE, "ended_on", f"WHERE status = '{Status.LEFT}'"),
        ):
            cur.execute(
                f"INSERT INTO {event_t} (member_id, kind, {q('on')}, union_id, other_name, reason, created_at) "  # noqa: S608
                f"SELECT id, %s, {date_col}, union_id, '', %s, %s FROM {member_t} {where}",
                [kind, "" if kind == EventKind.JOIN else "离职", now],
            )
        cur.execute(
            f"INSERT INTO {event_t} (member_id, kind, {q('on')}, union_id, other_name, reason, created_at) "  # noqa: S608
            f"SELECT id, %s, %s, union_id, '', '退休', %s FROM {member_t} WHERE status = %s",
            [EventKind.RETAIN, dt.date(2021, 3, 1), now, Status.RETAINED],
        )
    roster = Path(settings.DATA_DIR) / "demo" / ROSTER_FILE
    report = rosters.write_roster(roster, rows=300, fmt="xlsx", seed=2021, messy=True)
    counts = {
        "members": len(rows),
        "members_left": left,
        "members_retained": retained,
        "roster_rows": report["rows"],
        "roster_bad": report["bad_total"],
    }
    if stdout is not None:
        stdout.write(
            f"会员库：{len(rows)} 人（退会 {left}，保留会籍 {retained}）；示例花名册（{report['rows']} 行，"
            f"其中有错误的 {report['bad_total']} 行）：{roster}\n"
        )
    pipeline.refresh_statistics()  # the planner's statistics for a registry that just appeared
    return counts
