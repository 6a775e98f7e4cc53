"""`gefeng tally`: count the live members of every enterprise again (`members.tally.rebuild`).

The platform keeps these counts itself as members are written; this is for a database restored
from elsewhere or changed around the platform (plain SQL). It counts a batch of enterprises at a
time, each batch in its own short transaction, so the site stays usable meanwhile."""

from __future__ import annotations

from typing import Any

from django.core.management import BaseCommand

from gefeng.members import tally


class Command(BaseCommand):
    help = (
        "重新统计各企业的在会会员数（建会入会页使用）。平台在会员变动时自动维护，仅在数据库被平台之外修改后需要运行。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        n = tally.rebuild()
        self.stdout.write(f"已重新统计 {n} 家企业的在会会员数。\n")
