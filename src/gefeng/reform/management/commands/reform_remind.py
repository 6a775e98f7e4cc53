"""`gefeng reform_remind [--days N] [--today YYYY-MM-DD] [--dry-run]`: remind units of reports due soon.

For every published plan's reporting period due within N days (default
`GEFENG_REFORM_REMIND_DAYS`, 5), each unit that still owes reports gets one in-app notice (shown
on its 本期报送 page) and each of its reporters a notification in the notification centre (the
bell of the top bar; refreshed, not duplicated, when run again). Run it daily from cron or a
systemd timer on the server. Prints one line per unit and, last, a JSON summary.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.reform import services


class Command(BaseCommand):
    help = "提醒即将到期仍未报送进展的责任单位（站内提醒）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=int(getattr(settings, "REFORM_REMIND_DAYS", 5)))
        parser.add_argument("--today", default="", help="按这一天计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不写提醒")

    def handle(self, *args, **opts) -> None:
        try:
            today = dt.date.fromisoformat(opts["today"]) if opts["today"] else None
        except ValueError:
            raise CommandError("--today 的格式应为 YYYY-MM-DD。") from None
        try:
            with acting_from(RequestInfo(source="cli")), transaction.atomic():
                reminders = services.remind(actor=SYSTEM, days=opts["days"], today=today)
                if opts["dry_run"]:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        for r in reminders:
            self.stdout.write(
                f"{r.unit.short_name or r.unit.name}\t{r.period.label}\t截止 {r.period.due}\t未报 {r.owed} 项"
            )
        summary = {"units": len(reminders), "owed": sum(r.owed for r in reminders), "dry_run": opts["dry_run"]}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
