from __future__ import annotations

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from gefeng.accounts import services
from gefeng.accounts.models import User
from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from


class Command(BaseCommand):
    help = "在服务器上重置某个账号的密码（管理员账号只能这样重置）；该账号下次登录须修改密码。"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password-env", default="", help="从该环境变量读取新密码（不给则交互输入）")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"账号 {opts['username']} 不存在。")
        if opts["password_env"]:
            password = os.environ.get(opts["password_env"], "")
        else:
            password = getpass.getpass("新密码：")
            if password != getpass.getpass("再次输入："):
                raise CommandError("两次输入的密码不一致。")
        with acting_from(RequestInfo(source="cli")):
            try:
                services.password_change(actor=SYSTEM, user=user, new_password=password)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"已重置 {user.username} 的密码，下次登录须修改。")
