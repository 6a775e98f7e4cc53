"""The demo county's organisation tree: 沛县 with its towns, the 13 member units of the joint
meeting, the units the county's own account names and several hundred generated enterprises with
their unions and teams — the first part of `gefeng demo` (see `core.demo`).

The tree is built in memory from `random.Random(320322)`, so every run gives the same nodes,
paths and codes, and written in bulk, level by level.

The generated enterprises are fictional. Their names, addresses, contacts and codes are made up
(the codes pass the GB 32100 checksums); any likeness to a real company is accidental. The
9-digit town codes are plausible, not the official ones.

Numbers that match the county's account: 13 member units, exactly 185 unions founded in 2020
(“新建工会组织数185家”), the industry unions of truck drivers and couriers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import models

from gefeng.core import people
from gefeng.core.validators import make_uscc, normalize_uscc
from gefeng.orgs.demo_data import (
    ALPHABET,
    GENERATED_ENTERPRISES,
    INDUSTRY_UNIONS,
    MEMBER_UNITS,
    NAMED,
    NAMED_CODES,
    REGION,
    ROADS,
    SEED,
    TEAMS,
    TEMPLATES,
    TOWNS,
    UNIONS_FOUNDED_2020,
    WORDS,
)
from gefeng.orgs.models import Kind, OrgNode, Ownership, segment

# ---------------------------------------------------------------- building the tree in memory


@dataclass
class _Tree:
    nodes: list[OrgNode] = field(default_factory=list)
    by_key: dict[str, OrgNode] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)

    def add(self, parent: OrgNode | None, kind: str, name: str, **fields: Any) -> OrgNode:
        """A node with the path `orgs.services._next_child_path` would give it."""
        if parent is None:
            node = OrgNode(kind=kind, name=name, path=segment(1), depth=1, **fields)
        else:
            parent.last_child += 1
            node = OrgNode(
                parent=parent,
                kind=kind,
                name=name,
                path=parent.path + segment(parent.last_child),
                depth=parent.depth + 1,
                **fields,
            )
        node.last_child = 0
        code = fields.get("code", "")
        if code:
            if code in self.codes:
                raise ValueError(f"duplicate demo code {code}")
            self.codes.add(code)
        self.nodes.append(node)
        return node


class _Gen:
    def __init__(self, tree: _Tree) -> None:
        self.rng = random.Random(SEED)
        self.tree = tree

    def code(self, kind2: str, body: str | None = None, *, prefix: str = "MA") -> str:
        """A checksum-valid code not used yet; `body` fixed, else `prefix` + random characters.

        Bodies of pre-2015 organisation codes (GB 11714) are all digits: a digit prefix gets digits.
        """
        chars = "0123456789" if prefix.isdigit() else ALPHABET
        while True:
            org_body = body or prefix + "".join(self.rng.choice(chars) for _ in range(8 - len(prefix)))
            code = make_uscc(kind2, REGION, org_body)
            if code not in self.tree.codes:
                return normalize_uscc(code)
            if body:
                raise ValueError(f"duplicate demo code {code}")

    def date(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def person(self) -> str:
        return people.contact_name(self.rng)

    def mobile(self) -> str:
        return people.contact_mobile(self.rng)

    def address(self, town: str, road: str) -> str:
        place = town if town.startswith("沛县") else "沛县" + town
        return f"{place}{road}{self.rng.randint(1, 399)}号"

    def employees(self) -> int:
        bucket = self.rng.random()
        if bucket < 0.38:
            return self.rng.randint(8, 24)
        if bucket < 0.73:
            return self.rng.randint(25, 60)
        if bucket < 0.85:
            return self.rng.randint(61, 99)
        if bucket < 0.96:
            return self.rng.randint(100, 299)
        return self.rng.randint(300, 1000)


def _build() -> tuple[_Tree, dict[str, int]]:
    tree = _Tree()
    gen = _Gen(tree)
    rng = gen.rng
    county = tree.add(None, Kind.COUNTY, "沛县", code=REGION, address="江苏省徐州市沛县")
    tree.by_key["county"] = county
    towns: dict[str, OrgNode] = {}
    for name, code, _w, road in TOWNS:
        towns[name] = tree.add(county, Kind.TOWN, name, code=code, address=f"沛县{name}{road}1号")
        tree.by_key[name] = towns[name]
    for name, short, kind2, body in MEMBER_UNITS:
        tree.by_key[short] = tree.add(
            county,
            Kind.MEMBER_UNIT,
            name,
            short_name=short,
            code=gen.code(kind2, body),
            ownership=Ownership.SOCIAL if kind2[0] in "58" else Ownership.PUBLIC,
            address=gen.address("沛城街道", rng.choice(ROADS)),
        )
    for name, short, founded, body in INDUSTRY_UNIONS:
        tree.add(
            county,
            Kind.UNION,
            name,
            short_name=short,
            code=gen.code("81", body),
            union_founded_on=founded,
            valid_from=founded,
            address=gen.address("沛城街道", rng.choice(ROADS)),
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )

    road_of = {name: road for name, _c, _w, road in TOWNS}

    def add_union(ent: OrgNode, founded: dt.date, short: str, body: str | None, teams: Iterable[str]) -> OrgNode:
        union = tree.add(
            ent,
            Kind.UNION,
            f"{ent.name}工会委员会",
            short_name=f"{short}工会",
            code=gen.code("81", body, prefix="MC"),
            union_founded_on=founded,
            valid_from=founded,
            valid_to=ent.valid_to,
            address=ent.address,
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )
        for team in teams:
            tree.add(union, Kind.TEAM, team, valid_from=founded, valid_to=ent.valid_to)
        return union

    for named in NAMED:
        code = named.code or gen.code(*NAMED_CODES[named.key])
        town = named.town
        ent = tree.add(
            towns[town],
            Kind.ENTERPRISE,
            named.name,
            short_name=named.short_name,
            code=code,
            industry=named.industry,
            ownership=named.ownership,
            employee_count=named.employees,
            valid_from=named.founded,
            address=gen.address(town, road_of[town]),
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )
        tree.by_key[named.key] = ent
        add_union(ent, named.union_founded, named.short_name, named.union_body, named.teams)

    # Generated enterprises: first decide everything, then add them (unions need the 2020 draw).
    town_names = [t[0] for t in TOWNS]
    town_weights = [t[2] for t in TOWNS]
    sections = list(TEMPLATES)
    section_weights = [TEMPLATES[s][0] for s in sections]
    names = {n.name for n in NAMED}
    plans: list[dict[str, Any]] = []
    for _i in range(GENERATED_ENTERPRISES):
        town = rng.choices(town_names, town_weights)[0]
        section = rng.choices(sections, section_weights)[0]
        while True:
            template, suffix, kind1 = rng.choice(TEMPLATES[section][1])
            word = rng.choice(WORDS)
            name = template.format(w=word, t=town if not town.endswith("开发区") else "开发区")
            if name not in names:
                names.add(name)
                break
        if kind1 == "2":
            ownership = Ownership.INDIVIDUAL
            employees = rng.randint(8, 20)
        else:
            ownership = rng.choices(
                [Ownership.PRIVATE, Ownership.STATE, Ownership.COLLECTIVE, Ownership.FOREIGN, Ownership.HMT],
                [88, 4, 3, 2, 3],
            )[0]
            employees = gen.employees()
        year = rng.choices(range(1995, 2022), [1] * 10 + [2] * 10 + [3] * 7)[0]
        founded = gen.date(dt.date(year, 1, 1), dt.date(year, 12, 31))
        closed = None
        if founded.year < 2018 and rng.random() < 0.025:
            closed = gen.date(dt.date(2019, 1, 1), dt.date(2021, 12, 31))
        plans.append(
            {
                "town": town,
                "section": section,
                "name": name,
                "short": word + suffix,
                "kind1": kind1,
                "ownership": ownership,
                "employees": employees,
                "founded": founded,
                "closed": closed,
                "union": kind1 == "1" and rng.random() < (0.75 if employees >= 25 else 0.10),
            }
        )

    # Exactly UNIONS_FOUNDED_2020 unions founded in 2020, by enterprises that existed then.
    may_2020 = [
        p
        for p in plans
        if p["union"]
        and p["founded"] <= dt.date(2020, 11, 30)
        and (p["closed"] is None or p["closed"] > dt.date(2021, 1, 31))
    ]
    for p in rng.sample(may_2020, UNIONS_FOUNDED_2020):
        p["union_on"] = gen.date(max(dt.date(2020, 1, 1), p["founded"] + dt.timedelta(days=1)), dt.date(2020, 12, 31))
    for p in plans:
        if not p["union"] or "union_on" in p:
            continue
        last = p["closed"] - dt.timedelta(days=1) if p["closed"] else dt.date(2021, 12, 31)
        years = [y for y in range(max(2005, p["founded"].year), last.year + 1) if y != 2020]
        if not years:
            p["union"] = False
            continue
        year = rng.choice(years)
        start = max(dt.date(year, 1, 1), p["founded"] + dt.timedelta(days=1))
        end = min(dt.date(year, 12, 31), last)
        if start > end:
            p["union"] = False
            continue
        p["union_on"] = gen.date(start, end)

    for p in plans:
        kind2 = "9" + p["kind1"]
        body_prefix = (
            "MA"
            if p["founded"].year >= 2015 or p["kind1"] == "2"
            else rng.choice(("56", "66", "67", "70", "71", "73", "74", "75"))
        )
        ent = tree.add(
            towns[p["town"]],
            Kind.ENTERPRISE,
            p["name"],
            short_name=p["short"],
            code=gen.code(kind2, prefix=body_prefix),
            industry=p["section"],
            ownership=p["ownership"],
            employee_count=p["employees"],
            valid_from=p["founded"],
            valid_to=p["closed"],
            address=gen.address(p["town"], rng.choice([road_of[p["town"]], *ROADS])),
            contact_name=gen.person(),
            contact_phone=gen.mobile(),
        )
        if p["union"]:
            teams: list[str] = []
            if p["employees"] >= 50 and rng.random() < 0.35:
                teams = rng.sample(TEAMS[p["section"]], min(len(TEAMS[p["section"]]), rng.randint(1, 3)))
            add_union(ent, p["union_on"], p["short"], None, teams)

    kinds = Counter(n.kind for n in tree.nodes)
    counts = {
        "nodes": len(tree.nodes),
        "towns": kinds[Kind.TOWN],
        "member_units": kinds[Kind.MEMBER_UNIT],
        "enterprises": kinds[Kind.ENTERPRISE],
        "unions": kinds[Kind.UNION],
        "teams": kinds[Kind.TEAM],
        "unions_founded_2020": sum(
            1 for n in tree.nodes if n.kind == Kind.UNION and n.union_founded_on and n.union_founded_on.year == 2020
        ),
        "closed": sum(1 for n in tree.nodes if n.kind == Kind.ENTERPRISE and n.valid_to),
    }
    return tree, counts


# ---------------------------------------------------------------- writing

_current: _Tree | None = None


def node(key: str) -> OrgNode:
    """A node of the tree just loaded, by its demo key ("county", a town's name, a member unit's
    short name or a NAMED key)."""
    if _current is None:
        raise RuntimeError("the demo tree is not loaded")
    return _current.by_key[key]


def protected_relations(model: type[models.Model]) -> list[Any]:
    """Relations of other apps' models that would refuse the deletion of `model` rows."""
    return [
        rel
        for rel in model._meta.related_objects
        if rel.on_delete in (models.PROTECT, models.RESTRICT) and rel.related_model not in (OrgNode, get_user_model())
    ]


def clear() -> None:
    """Delete the whole tree (the accounts part has detached every user from it)."""
    for rel in protected_relations(OrgNode):
        rel.related_model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).delete()
    depths = sorted(set(OrgNode.objects.values_list("depth", flat=True)), reverse=True)
    for depth in depths:  # OrgNode.parent is PROTECT: leaves first
        OrgNode.objects.filter(depth=depth).delete()


def _insert(tree: _Tree) -> None:
    by_depth: dict[int, list[OrgNode]] = {}
    for n in tree.nodes:
        by_depth.setdefault(n.depth, []).append(n)
    for depth in sorted(by_depth):
        batch = by_depth[depth]
        for n in batch:
            if n.parent is not None:
                n.parent_id = n.parent.pk
        OrgNode.objects.bulk_create(batch, batch_size=500)
        if any(n.pk is None for n in batch):  # a backend that does not return ids
            ids = dict(OrgNode.objects.filter(depth=depth).values_list("path", "pk"))
            for n in batch:
                n.pk = ids[n.path]


def load(*, stdout: TextIO | None = None, registry: bool = True) -> dict[str, int]:
    global _current
    tree, counts = _build()
    _insert(tree)
    _current = tree
    if stdout is not None:
        stdout.write(f"已生成组织 {counts['nodes']} 个，正在创建演示账号……\n")
    return counts


def tree_nodes() -> list[OrgNode]:
    return list(_current.nodes) if _current is not None else []


def guard() -> bool:
    return OrgNode.objects.exists()


def anchor() -> OrgNode:
    return node("county")
