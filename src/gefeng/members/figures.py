from __future__ import annotations

import datetime as dt

from gefeng.core import figures
from gefeng.members import selectors
from gefeng.orgs.models import OrgNode


@figures.register("members", label="在会会员", unit="人", kind=figures.COUNT, section="会员发展")
def members(root: OrgNode, year: int) -> int:
    """Real-name members in 在会 status on 31 December."""
    return selectors.members_on(root, dt.date(year, 12, 31))


@figures.register("unions_founded", label="新建工会", unit="个", kind=figures.COUNT, section="会员发展")
def unions_founded(root: OrgNode, year: int) -> int:
    """Unions founded (建会日期) in the year."""
    return selectors.unions_founded_between(root, dt.date(year, 1, 1), dt.date(year, 12, 31))


@figures.register("members_joined", label="新入会会员", unit="人", kind=figures.COUNT, section="会员发展")
def members_joined(root: OrgNode, year: int) -> int:
    """Real-name members who joined (入会, transfers not counted) in the year."""
    return selectors.joined_between(root, dt.date(year, 1, 1), dt.date(year, 12, 31))


@figures.register(
    "enterprises_without_union", label="25 人以上未建会企业", unit="个", kind=figures.COUNT, section="会员发展"
)
def enterprises_without_union(root: OrgNode, year: int) -> int:
    """Enterprises with 25 or more employees and no union on 31 December (工会法 §11)."""
    return selectors.gap_count(root, dt.date(year, 12, 31))
