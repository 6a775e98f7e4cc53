"""The worker's platform in the county's account: accounts bound to members, join applications."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gefeng.core import figures, scope
from gefeng.members.models import Member
from gefeng.orgs.models import OrgNode
from gefeng.workers.models import JoinApplication


@figures.register("members_bound", label="已绑定账号的会员", unit="人", kind=figures.COUNT, section="会员服务")
def members_bound(root: OrgNode, year: int) -> int:
    """Members of the subtree whose registry record is bound to a login account (now)."""
    return Member.objects.filter(scope.subtree_q("union__", root.path), user__isnull=False).count()


@figures.register("join_applications", label="网上入会申请", unit="件", kind=figures.COUNT, section="会员服务")
def join_applications(root: OrgNode, year: int) -> int:
    """Join applications submitted in the year to unions of the subtree (any state)."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    return JoinApplication.objects.filter(
        scope.subtree_q("union__", root.path), created_at__gte=start, created_at__lt=end
    ).count()
