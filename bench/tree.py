"""The organisation tree at county and province size.

Measures, on a generated tree (county → towns → enterprises → union → teams):
- one page of a node's children (what the lazy tree loads on a click) against loading the
  whole tree into memory, as admin systems that freeze at 8,000 departments do;
- a subtree count by the materialised-path range against a recursive CTE over parent_id;
- the org list page (search, filter, sort, one page) for a town officer's scope;
- moving a town with its whole subtree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def setup(postgres: bool) -> None:
    if postgres:
        url = "postgres://postgres@127.0.0.1:5432/gefeng_bench"
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "test",
                "-qc",
                "DROP DATABASE IF EXISTS gefeng_bench",
            ],
            check=True,
        )
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "test",
                "-qc",
                "CREATE DATABASE gefeng_bench",
            ],
            check=True,
        )
        os.environ["GEFENG_DATABASE_URL"] = url
    data = tempfile.mkdtemp(prefix="gefeng-bench-")
    os.environ["GEFENG_DATA_DIR"] = data
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gefeng.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(nodes: int) -> dict:
    from gefeng.orgs.models import Kind, OrgNode, segment

    county = OrgNode(path=segment(1), depth=1, kind=Kind.COUNTY, name="沛县", code="320322")
    county.save()
    towns = []
    n_towns = 18
    for t in range(1, n_towns + 1):
        towns.append(OrgNode(parent=county, path=county.path + segment(t), depth=2, kind=Kind.TOWN, name=f"镇{t}"))
    OrgNode.objects.bulk_create(towns)
    towns = list(OrgNode.objects.filter(kind=Kind.TOWN).order_by("path"))
    per_ent = 4  # enterprise, union, two teams
    n_ent = max(1, (nodes - 1 - n_towns) // per_ent)
    created = 1 + n_towns
    batch: list[OrgNode] = []
    for i in range(n_ent):
        town = towns[i % n_towns]
        k = i // n_towns + 1
        batch.append(
            OrgNode(
                parent=town,
                path=town.path + segment(k),
                depth=3,
                kind=Kind.ENTERPRISE,
                name=f"徐州测试{i}机械制造有限公司",
                industry="C",
                employee_count=(i % 500) + 5,
            )
        )
        if len(batch) >= 5000:
            OrgNode.objects.bulk_create(batch)
            batch = []
    OrgNode.objects.bulk_create(batch)
    created += n_ent
    for town in towns:
        n = OrgNode.objects.filter(parent=town).count()
        OrgNode.objects.filter(pk=town.pk).update(last_child=n)
    batch = []
    for ent in OrgNode.objects.filter(kind=Kind.ENTERPRISE).iterator(chunk_size=5000):
        batch.append(OrgNode(parent=ent, path=ent.path + segment(1), depth=4, kind=Kind.UNION, name=f"{ent.name}工会"))
        if len(batch) >= 5000:
            OrgNode.objects.bulk_create(batch)
            batch = []
    OrgNode.objects.bulk_create(batch)
    created += n_ent
    batch = []
    for uni in OrgNode.objects.filter(kind=Kind.UNION).iterator(chunk_size=5000):
        for j in (1, 2):
            batch.append(OrgNode(parent=uni, path=uni.path + segment(j), depth=5, kind=Kind.TEAM, name=f"班组{j}"))
        if len(batch) >= 5000:
            OrgNode.objects.bulk_create(batch)
            batch = []
    OrgNode.objects.bulk_create(batch)
    created += 2 * n_ent
    OrgNode.objects.filter(kind=Kind.ENTERPRISE).update(last_child=1)
    OrgNode.objects.filter(kind=Kind.UNION).update(last_child=2)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"county": county, "towns": towns, "total": OrgNode.objects.count()}


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=20000)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    setup(args.postgres)
    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone

    from gefeng.accounts.models import RoleGrant, User
    from gefeng.orgs import selectors, services
    from gefeng.orgs.models import OrgNode

    t0 = time.perf_counter()
    data = build(args.nodes)
    build_s = time.perf_counter() - t0
    town = data["towns"][3]
    admin = User.objects.create(username="b-admin", name="县管理员", org=data["county"])
    RoleGrant.objects.create(user=admin, role="county_admin", confirmed_at=timezone.now())
    officer = User.objects.create(username="b-town", name="镇干部", org=town)
    RoleGrant.objects.create(user=officer, role="town_officer", confirmed_at=timezone.now())
    admin = User.objects.get(pk=admin.pk)
    officer = User.objects.get(pk=officer.pk)
    print(f"database: {connection.vendor}; nodes: {data['total']:,}; built in {build_s:.1f} s")

    def children_page():
        selectors.children(admin, town, limit=200)

    def whole_tree():
        by_parent: dict = {}
        for n in OrgNode.objects.all().values("id", "parent_id", "name", "kind", "path"):
            by_parent.setdefault(n["parent_id"], []).append(n)

    def subtree_range():
        OrgNode.objects.subtree_of(town).count()

    table = OrgNode._meta.db_table

    def subtree_cte():
        with connection.cursor() as cur:
            cur.execute(
                f"WITH RECURSIVE sub(id) AS (SELECT id FROM {table} WHERE id = %s "
                f"UNION ALL SELECT n.id FROM {table} n JOIN sub ON n.parent_id = sub.id) "
                "SELECT COUNT(*) FROM sub",
                [town.pk],
            )
            cur.fetchone()

    rf = RequestFactory()

    def list_page():
        from gefeng.core.pagination import paginate

        f = selectors.NodeFilters(q="机械", kind="enterprise", sort="name")
        paginate(rf.get("/", {"page": 3}), selectors.node_list(officer, f))

    rows = []
    c50, c95 = timed(children_page, args.repeat)
    w50, w95 = timed(whole_tree, max(3, args.repeat // 10))
    rows.append(("children page (200) vs whole-tree load", c50, c95, w50, w95))
    r50, r95 = timed(subtree_range, args.repeat)
    e50, e95 = timed(subtree_cte, args.repeat)
    rows.append(("subtree count: path range vs recursive CTE", r50, r95, e50, e95))
    l50, l95 = timed(list_page, args.repeat)
    print(f"{'measure':48} {'p50 ms':>9} {'p95 ms':>9} {'base p50':>9} {'base p95':>9} {'ratio':>7}")
    for name, a50, a95, b50, b95 in rows:
        print(f"{name:48} {a50:9.2f} {a95:9.2f} {b50:9.2f} {b95:9.2f} {b50 / a50:6.1f}×")
    print(f"{'org list page 3, town scope, q+kind+sort':48} {l50:9.2f} {l95:9.2f}")
    # Towns merging: each enterprise (with its union and teams) moves to the other town.
    other = data["towns"][4]
    movers = list(OrgNode.objects.filter(parent=town).order_by("path")[:100])
    t0 = time.perf_counter()
    for ent in movers:
        services.orgnode_move(actor=admin, node=ent, new_parent=other)
    per = (time.perf_counter() - t0) * 1000 / len(movers)
    print(f"{'move an enterprise subtree (audited), per move':48} {per:9.2f}")


if __name__ == "__main__":
    main()
