from __future__ import annotations

import time
import unicodedata

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from gefeng.core import demo, schema


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as aligned columns (Chinese characters count double)."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


class Command(BaseCommand):
    help = "载入或重置演示县（沛县，可重复运行，结果相同）；--disable 停用全部演示账号（生产环境用）。"

    def add_arguments(self, parser):
        parser.add_argument("--disable", action="store_true", help="停用全部演示账号并结束其会话")
        parser.add_argument(
            "--force", action="store_true", help="生产环境中，即使已有非演示数据也重建组织树（会删除它们）"
        )
        parser.add_argument("--no-members", action="store_true", help="只载入组织树和账号，不生成会员库")

    def handle(self, *args, **opts):
        try:
            # Loading the demo never migrates by itself: it tells the administrator to, as the
            # same database may also hold real data that deserves a backup first.
            schema.require_current(hint="请先运行 gefeng migrate。")
        except schema.SchemaError as exc:
            raise CommandError(str(exc)) from None
        if opts["disable"]:
            count = demo.disable_demo()
            self.stdout.write(f"已停用演示账号 {count} 个。")
            return
        started = time.perf_counter()
        try:
            counts = demo.load_demo(stdout=self.stdout, force=opts["force"], registry=not opts["no_members"])
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        c = counts
        self.stdout.write(
            f"演示县已载入（{seconds:.1f} 秒）：镇街园区 {c['towns']} 个，成员单位 {c['member_units']} 个，"
            f"企事业单位 {c['enterprises']} 家（已注销 {c['closed']} 家），工会 {c['unions']} 个"
            f"（2020 年新建 {c['unions_founded_2020']} 个），班组 {c['teams']} 个，共 {c['nodes']} 个组织。"
        )
        self.stdout.write("")
        self.stdout.write(f"启动 gefeng serve 后打开 {demo.ADDRESS}")
        self.stdout.write("")
        rows = [("账号", "角色", "所属组织", "密码")]
        rows += demo.credentials()
        for line in table(rows):
            self.stdout.write(line)
        if settings.PRODUCTION:
            self.stdout.write("")
            self.stdout.write("生产模式：演示账号首次登录须修改密码；试用结束后请运行 gefeng demo --disable。")
