from __future__ import annotations

import datetime as dt

from gefeng.core import figures
from gefeng.orgs.models import Kind, OrgNode


def _at_year_end(root: OrgNode, year: int, kind: str) -> int:
    return OrgNode.objects.subtree_of(root).valid_on(dt.date(year, 12, 31)).filter(kind=kind).count()


@figures.register("member_units", label="联席会议成员单位", unit="个", kind=figures.COUNT, section="组织建设")
def member_units(root: OrgNode, year: int) -> int:
    """联席会议成员单位 in existence on 31 December."""
    return _at_year_end(root, year, Kind.MEMBER_UNIT)


@figures.register("enterprises", label="企事业单位", unit="个", kind=figures.COUNT, section="组织建设")
def enterprises(root: OrgNode, year: int) -> int:
    """Enterprises and institutions in existence on 31 December."""
    return _at_year_end(root, year, Kind.ENTERPRISE)


@figures.register("unions", label="工会组织", unit="个", kind=figures.COUNT, section="组织建设")
def unions(root: OrgNode, year: int) -> int:
    """Unions in existence on 31 December."""
    return _at_year_end(root, year, Kind.UNION)
