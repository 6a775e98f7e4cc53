from __future__ import annotations

import datetime as dt
import json

from django.core.management import BaseCommand, CommandError

from gefeng.core import figures, tree


class Command(BaseCommand):
    help = "输出某年某组织（默认全县）的年度数据；最后一行是一个 JSON 对象。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年份，如 2020")
        parser.add_argument("--org", default="", help="组织代码（统一社会信用代码或行政区划代码）；默认县级根节点")

    def handle(self, *args, **opts):
        year = opts["year"]
        if not 1949 <= year <= dt.date.today().year + 1:
            raise CommandError(f"年份 {year} 无效。")
        if opts["org"]:
            root = tree.source().by_code(opts["org"])
            if root is None:
                raise CommandError(f"找不到代码为 {opts['org']} 的组织。")
        else:
            root = tree.source().top()
            if root is None:
                raise CommandError("数据库中还没有组织，请先运行 gefeng demo 或建立县级根节点。")
        result = figures.compute(root, year)
        self.stdout.write(f"{root.name} {year} 年")
        self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=False))
