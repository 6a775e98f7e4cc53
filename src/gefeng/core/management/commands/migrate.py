"""`gefeng migrate`: Django's migrate, as the tables' owner when GEFENG_MIGRATE_DATABASE_URL is set.

The application's own role (GEFENG_DATABASE_URL) owns nothing and cannot change the schema; the
owner's connection migrates and then grants the application role what it needs
(`core.dbroles.apply_grants`). Migrating an app back to zero drops its tables: refused in
production.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands import migrate
from django.db import connections

from gefeng.core import dbroles


class Command(migrate.Command):
    def handle(self, *args, **options):
        if settings.PRODUCTION and options.get("migration_name") == "zero":
            raise CommandError("生产模式下不能把数据库迁移回 zero（会删除数据表和其中的数据）。")
        owner = settings.MIGRATE_DATABASE
        if not owner or options.get("database", "default") != "default":
            return super().handle(*args, **options)
        connection = connections["default"]
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(owner)
        try:
            super().handle(*args, **options)
            app_role = saved.get("USER") or ""
            owner_role = owner.get("USER") or ""
            if connection.vendor == "postgresql" and app_role and owner_role and app_role != owner_role:
                dbroles.apply_grants(owner=owner_role, app=app_role)
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
