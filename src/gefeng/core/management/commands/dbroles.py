"""`gefeng dbroles --owner 所有者 --app 应用`: give the application role its privileges (PostgreSQL).

Run it once after the first `gefeng migrate` (as the owner, with GEFENG_MIGRATE_DATABASE_URL
set, or as a superuser); later migrations made by the owner are covered by default privileges,
and `gefeng migrate` repeats the grants after each run.
"""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError

from gefeng.core import dbroles


class Command(BaseCommand):
    help = "在 PostgreSQL 上为应用角色授予数据表的增删改查权限（审计日志表只能查询和追加）。"

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="拥有数据表、执行迁移的角色")
        parser.add_argument("--app", required=True, help="平台运行时连接数据库所用的角色（不拥有任何表）")
        parser.add_argument("--print", action="store_true", help="只打印 SQL，不执行")

    def handle(self, *args, **opts):
        from django.conf import settings
        from django.db import connections

        connection = connections["default"]
        if settings.MIGRATE_DATABASE:
            connection.close()
            connection.settings_dict.update(settings.MIGRATE_DATABASE)
        if connection.vendor != "postgresql":
            raise CommandError("数据库角色只适用于 PostgreSQL；SQLite 没有角色，应用本身拥有数据库文件。")
        if opts["print"]:
            for sql in dbroles.grant_statements(connection, owner=opts["owner"], app=opts["app"]):
                self.stdout.write(sql + ";")
            return
        try:
            dbroles.apply_grants(owner=opts["owner"], app=opts["app"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已为角色 {opts['app']} 授权：数据表可增删改查，审计日志表只能查询和追加。")
