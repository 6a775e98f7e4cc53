"""Searching the real-name registry at province size.

    .venv/bin/python bench/search_members.py --rows 1000000               # SQLite in a temporary folder
    .venv/bin/python bench/search_members.py --rows 1000000 --postgres    # database gefeng_bench_search
    .venv/bin/python bench/search_members.py --rows 100000 --explain      # also print the query plans

Fills the registry with generated people (`core.people.PersonFactory`, the columns the importer
writes, sealed and blind-indexed the same way) through `core.bulk.insert`, spread over 20 towns ×
50 enterprises with a union each (a few per cent left, transferred out or retained). Then measures
`selectors.member_list(actor, MemberFilters(q=…))`, first page of 50 rows evaluated, for a county
administrator and a town officer (one town, ~5 % of the registry): a common surname, a full name,
two characters from the middle of a name, full pinyin, initials, an ID number, a phone, a card
number, no search with filters (job category + age band), and the list as it opens (no search,
no filter). p50/p95 in ms of time in the process (ORM + database, no HTTP or template).

SQLite has no statistics until ANALYZE runs: the queries are measured after
`importer.refresh_statistics()`, which every import and the demo loader run
(`--without-statistics` also times them before it, 3 runs each). PostgreSQL is measured after
VACUUM ANALYZE (what autovacuum does on its own).

Baseline: the same list with the search replaced by what a Django admin does (`search_fields`):
`name__contains` OR `pinyin__contains` OR `initials__contains` OR `card_number__contains` (ID
number and phone can only be found by their blind index, so it ORs those exact matches in).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DB = "gefeng_bench_search"
N_TOWNS = 20
N_ENTERPRISES = 50  # per town
SKILL_CODES = {"五级/初级工": "5", "四级/中级工": "4", "三级/高级工": "3", "二级/技师": "2", "一级/高级技师": "1"}
TODAY = dt.date(2021, 1, 8)  # the people are generated as of 2020-12-31


def psql(sql: str) -> None:
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", sql], check=True, env=env)


def setup(postgres: bool) -> None:
    if postgres:
        psql(f"DROP DATABASE IF EXISTS {DB}")
        psql(f"CREATE DATABASE {DB}")
        os.environ["GEFENG_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["GEFENG_DATA_DIR"] = tempfile.mkdtemp(prefix="gefeng-bench-search-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gefeng.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_orgs() -> tuple:
    from gefeng.orgs.models import Kind, OrgNode, segment

    county = OrgNode(path=segment(1), depth=1, kind=Kind.COUNTY, name="沛县", code="320322")
    county.save()
    towns = [
        OrgNode(parent=county, path=county.path + segment(t + 1), depth=2, kind=Kind.TOWN, name=f"镇{t + 1}")
        for t in range(N_TOWNS)
    ]
    OrgNode.objects.bulk_create(towns)
    towns = list(OrgNode.objects.filter(kind=Kind.TOWN).order_by("path"))
    OrgNode.objects.filter(pk=county.pk).update(last_child=N_TOWNS)
    industries = "CCCCCCEFGHI"  # mostly manufacturing (产业工人), some not
    ents = [
        OrgNode(
            parent=town,
            path=town.path + segment(e + 1),
            depth=3,
            kind=Kind.ENTERPRISE,
            name=f"沛县测试{t * N_ENTERPRISES + e}机械制造有限公司",
            industry=industries[(t * N_ENTERPRISES + e) % len(industries)],
        )
        for t, town in enumerate(towns)
        for e in range(N_ENTERPRISES)
    ]
    OrgNode.objects.bulk_create(ents, batch_size=1000)
    OrgNode.objects.filter(kind=Kind.TOWN).update(last_child=N_ENTERPRISES)
    ents = list(OrgNode.objects.filter(kind=Kind.ENTERPRISE).order_by("path"))
    unions = [
        OrgNode(parent=ent, path=ent.path + segment(1), depth=4, kind=Kind.UNION, name=f"{ent.name}工会")
        for ent in ents
    ]
    OrgNode.objects.bulk_create(unions, batch_size=1000)
    OrgNode.objects.filter(kind=Kind.ENTERPRISE).update(last_child=1)
    unions = list(OrgNode.objects.filter(kind=Kind.UNION).order_by("path").select_related("parent"))
    return county, towns, unions


def fill(rows: int, unions: list, seed: int = 320322) -> dict:
    """Insert `rows` members; returns a member of the officer's town to search for."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gefeng.core import bulk, pii
    from gefeng.core.people import PersonFactory
    from gefeng.members import idtail, services
    from gefeng.members.columns import BULK_ROW
    from gefeng.members.models import Member
    from gefeng.orgs.models import INDUSTRIAL_SECTIONS

    now = timezone.now()
    target: dict = {}
    officer_unions = range(3 * N_ENTERPRISES, 4 * N_ENTERPRISES)  # the unions of towns[3]
    info = [(u.pk, u.parent_id, u.parent.industry in INDUSTRIAL_SECTIONS) for u in unions]
    encrypt, blind, cols = pii.encrypt, pii.blind_index, services.search_columns
    n_unions = len(info)

    def gen():
        for i, p in enumerate(PersonFactory(seed).people(rows)):
            union_id, ent_id, industrial = info[i % n_unions]
            r = i % 100
            status, ended = "active", None
            if r < 2:
                status, ended = "left", TODAY - dt.timedelta(days=30 + i % 700)
            elif r == 2:
                status, ended = "out", TODAY - dt.timedelta(days=30 + i % 700)
            elif r == 3:
                status = "retained"
            c = cols(p.name)
            if not target and r > 3 and len(p.name) == 3 and i % n_unions in officer_unions and i > rows // 2:
                target.update(name=p.name, id_number=p.id_number, mobile=p.mobile, card=p.card_number, **c, index=i)
            yield (
                p.name,
                c["name_tail1"],
                c["name_tail2"],
                c["pinyin"],
                c["initials"],
                encrypt(p.id_number),
                blind(p.id_number),
                *idtail.digests(p.id_number),
                p.sex,
                p.birth_date,
                p.ethnicity,
                p.political_status,
                p.education,
                encrypt(p.mobile),
                blind(p.mobile),
                None,
                p.job_category,
                p.occupation,
                SKILL_CODES.get(p.skill_level, ""),
                p.new_form_group,
                p.migrant,
                p.joined_on,
                p.card_number,
                union_id,
                ent_id,
                industrial,
                status,
                ended,
                now,
                now,
            )

    with transaction.atomic():
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA cache_size = -262144")
        bulk.insert(Member, BULK_ROW, gen())
    return target


def timed(fn, repeat: int) -> tuple[float, float, int]:
    n = 0
    for _ in range(2):  # warm up
        n = fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(len(samples) * 0.95) - 1)], n


def baseline_q(term: str):
    from django.db.models import Q

    from gefeng.core import pii

    key = term.lower()
    q = Q(name__contains=term) | Q(pinyin__contains=key) | Q(initials__contains=key) | Q(card_number__contains=term)
    return q | Q(id_hash=pii.blind_index(term.upper())) | Q(phone_hash=pii.blind_index(term))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--repeat", type=int, default=30, help="timed runs per query (after two warm-ups)")
    ap.add_argument("--baseline-repeat", type=int, default=5, help="timed runs per baseline query")
    ap.add_argument("--explain", action="store_true", help="print the plan of each query")
    ap.add_argument(
        "--without-statistics",
        action="store_true",
        help="SQLite: also time each query (3 runs) before ANALYZE, as a registry filled by hand would be",
    )
    ap.add_argument("--keep", action="store_true", help="keep the database (and the data folder) afterwards")
    args = ap.parse_args()
    setup(args.postgres)
    from django.db import connection
    from django.utils import timezone

    from gefeng.accounts.models import RoleGrant, User
    from gefeng.members import selectors
    from gefeng.members.models import Member
    from gefeng.members.selectors import MemberFilters

    t0 = time.perf_counter()
    county, towns, unions = build_orgs()
    target = fill(args.rows, unions)
    fill_s = time.perf_counter() - t0
    postgres = connection.vendor == "postgresql"
    if postgres:  # what autovacuum does after a fill like this
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    admin = User.objects.create(username="b-admin", name="县管理员", org=county)
    RoleGrant.objects.create(user=admin, role="county_admin", confirmed_at=timezone.now())
    officer = User.objects.create(username="b-town", name="镇干部", org=towns[3])
    RoleGrant.objects.create(user=officer, role="town_officer", confirmed_at=timezone.now())
    admin = User.objects.get(pk=admin.pk)
    officer = User.objects.get(pk=officer.pk)
    total = Member.objects.count()
    print(f"database: {connection.vendor}; members: {total:,}; filled in {fill_s:.0f} s; load average: {load()}")
    name = target["name"]
    queries = [
        ("common surname 张", "张", {}),
        ("common surname 张, page 3 (rows 101–150)", "张", {"_start": 100}),
        ("common pinyin zhang", "zhang", {}),
        (f"one character from the middle {name[1]}", name[1], {}),
        (f"full name {name}", name, {}),
        (f"2 characters from the middle {name[1:]}", name[1:], {}),
        (f"full pinyin {target['pinyin']}", target["pinyin"], {}),
        (f"initials {target['initials']}", target["initials"], {}),
        ("full ID number", target["id_number"], {}),
        ("phone", target["mobile"], {}),
        ("card number", target["card"], {}),
        ("no query: 一线工人, age ≤ 35", "", {"job_category": "一线工人", "age_band": "<=35"}),
        ("no query, no filter (the list as it opens)", "", {}),
    ]
    actors = (("county", admin), ("town", officer))

    def run_gefeng(actor, q, extra):
        extra = dict(extra)
        start = extra.pop("_start", 0)

        def fn():
            return len(list(selectors.member_list(actor, MemberFilters(q=q, today=TODAY, **extra))[start : start + 50]))

        return fn

    def run_baseline(actor, q, extra):
        extra = dict(extra)
        start = extra.pop("_start", 0)

        def fn():
            qs = selectors.member_list(actor, MemberFilters(today=TODAY, **extra))
            if q:
                qs = qs.filter(baseline_q(q))
            return len(list(qs[start : start + 50]))

        return fn

    results: dict = {(label, who): {} for label, _q, _extra in queries for who, _actor in actors}
    if not postgres:  # SQLite has no statistics until ANALYZE runs, as every import and the demo do
        from gefeng.members.imports.pipeline import refresh_statistics

        if args.without_statistics:  # a registry filled some other way: a few runs, they can be slow
            for label, q, extra in queries:
                for who, actor in actors:
                    results[label, who]["unanalyzed"] = timed(run_gefeng(actor, q, extra), 3)
        t0 = time.perf_counter()
        refresh_statistics()
        print(f"SQLite ANALYZE (importer.refresh_statistics): {(time.perf_counter() - t0) * 1000:.0f} ms")
    for label, q, extra in queries:
        for who, actor in actors:
            results[label, who]["gefeng"] = timed(run_gefeng(actor, q, extra), args.repeat)
    for label, q, extra in queries:
        for who, actor in actors:
            results[label, who]["baseline"] = timed(run_baseline(actor, q, extra), args.baseline_repeat)

    head = f"{'query (first page of 50, evaluated)':44} {'actor':6} {'rows':>4} {'p50 ms':>8} {'p95 ms':>8}"
    if args.without_statistics and not postgres:
        head += f" {'no-stats p50':>12}"
    print(head + f" {'base p50':>9} {'base p95':>9} {'ratio':>6}")
    worst = {"gefeng": 0.0}
    for label, q, extra in queries:
        for who, actor in actors:
            r = results[label, who]
            g50, g95, n = r["gefeng"]
            b50, b95, _n = r["baseline"]
            worst["gefeng"] = max(worst["gefeng"], g95)
            line = f"{label[:44]:44} {who:6} {n:4d} {g50:8.1f} {g95:8.1f}"
            if "unanalyzed" in r:
                line += f" {r['unanalyzed'][0]:12.1f}"
            print(line + f" {b50:9.1f} {b95:9.1f} {b50 / g50:5.0f}×")
            if args.explain:
                plain = {k: v for k, v in extra.items() if k != "_start"}
                qs = selectors.member_list(actor, MemberFilters(q=q, today=TODAY, **plain))
                if isinstance(qs, selectors.MemberSearch):  # the first branch's page query
                    base, branches = qs._search_base, qs._search_branches
                    column, cond = branches[0]
                    qs = base.filter(cond).order_by(column, "id")
                print("    " + qs[:50].explain().replace("\n", "\n    "))
    verdict = "met" if worst["gefeng"] < 100 else "MISSED"
    print(f"slowest p95: {worst['gefeng']:.1f} ms — target under 100 ms: {verdict}")
    print(f"load average: {load()}")
    if not args.keep:
        connection.close()
        if postgres:
            psql(f"DROP DATABASE IF EXISTS {DB}")
        shutil.rmtree(os.environ["GEFENG_DATA_DIR"], ignore_errors=True)  # ~1 GB at 10⁶ on SQLite


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


if __name__ == "__main__":
    main()
