from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from gefeng.accounts import services
from gefeng.accounts.roles import RoleCode
from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.orgs.models import OrgNode

DUTIES = {
    "system": ("系统管理员", set(), True),
    "security": ("安全管理员", {RoleCode.SECURITY_ADMIN.value}, False),
    "audit": ("审计管理员", {RoleCode.AUDITOR.value}, False),
}


class Command(BaseCommand):
    help = "创建管理员账号：系统管理员、安全管理员或审计管理员（三员分立，各用一个账号）。"

    def add_arguments(self, parser):
        parser.add_argument("--duty", choices=sorted(DUTIES), default="system", help="职责，默认 system")
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--org", default="", help="所属组织代码（默认县级根节点）")
        parser.add_argument("--password-env", default="", help="从该环境变量读取密码（不给则交互输入）")

    def handle(self, *args, **opts):
        import os

        label, roles, superuser = DUTIES[opts["duty"]]
        if opts["password_env"]:
            password = os.environ.get(opts["password_env"], "")
            if not password:
                raise CommandError(f"环境变量 {opts['password_env']} 为空。")
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
        if opts["org"]:
            org = OrgNode.objects.filter(code=opts["org"].upper()).first()
            if org is None:
                raise CommandError(f"找不到代码为 {opts['org']} 的组织。")
        else:
            org = OrgNode.objects.filter(parent__isnull=True).order_by("path").first()
        with acting_from(RequestInfo(source="cli")):
            try:
                user = services.user_create(
                    actor=SYSTEM,
                    username=opts["username"],
                    name=opts["name"] or label,
                    org=org,
                    password=password,
                    roles=roles,
                    superuser=superuser,
                    must_change=True,
                )
            except ValidationError as exc:
                msgs = [f"{k}: {'；'.join(v)}" for k, v in exc.message_dict.items()]
                raise CommandError("无法创建账号：" + " ".join(msgs)) from None
        self.stdout.write(f"已创建{label} {user.username}，首次登录须修改密码。")
