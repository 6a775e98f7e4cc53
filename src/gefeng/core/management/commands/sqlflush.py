"""`gefeng sqlflush`: Django's sqlflush, refused in production (it empties every table, the audit log included)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands import sqlflush


class Command(sqlflush.Command):
    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式下不能执行 sqlflush：它会清空全部数据表，包括审计日志。")
        return super().handle(*args, **options)
