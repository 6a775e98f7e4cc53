"""`gefeng export_members OUT --org CODE [--format xlsx|csv] [--status …] [--reveal]`.

Writes the members of an organisation's subtree (any node: the county, a town, an enterprise,
a union) to an Excel or CSV file with the columns of the web export (`members.exporting`).
Rows are streamed (`iterator(chunk_size=2000)`, xlsxwriter in constant-memory mode or the csv
writer), cells that a spreadsheet would run as a formula are neutralised (`core.exports.safe_cell`),
ID numbers and phones are masked unless `--reveal`. Every export is audited (source cli), a
reveal with its own entry `members.export.revealed`. The file is created readable by its owner
only: it holds personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError, CommandParser
from django.utils.functional import Promise

from gefeng.core import audit, exports, scope
from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.members import exporting
from gefeng.members.models import Member, Status
from gefeng.orgs.models import OrgNode

FORMATS = ("xlsx", "csv")
STATUS_ALL = "all"
CHUNK = 2000


def _csv_value(value: Any) -> str:
    """One cell as CSV text: booleans 是/否, dates ISO, formula starts neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, Promise):
        value = str(value)
    return str(exports.safe_cell(value))


def write_csv(path: Path, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> int:
    """UTF-8 with a BOM (Excel and WPS open the Chinese text), CRLF lines; returns the row count."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_csv_value(h) for h in headers])
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
            count += 1
    return count


def _private_file(path: Path) -> None:
    """Create (or truncate) the output readable by its owner only, before any data goes in."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class Command(BaseCommand):
    help = "把某个组织（及其下级）的会员导出为 Excel 或 CSV 文件；身份证号和手机号默认隐藏部分数字。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="输出文件（.xlsx 或 .csv）")
        parser.add_argument("--org", required=True, help="组织代码：行政区划代码、统一社会信用代码或工会代码")
        parser.add_argument("--format", choices=FORMATS, default="", help="文件格式；默认按输出文件的扩展名")
        parser.add_argument(
            "--status",
            choices=[*Status.values, STATUS_ALL],
            default=Status.ACTIVE,
            help="会籍状态：active 在会（默认）、retained 保留会籍、out 已转出、left 已退会、all 全部",
        )
        parser.add_argument("--reveal", action="store_true", help="导出完整身份证号和手机号（记入审计日志）")

    def handle(self, *args: Any, **opts: Any) -> None:
        out = Path(opts["out"])
        fmt = opts["format"] or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
        if not out.parent.is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}")
        if out.is_dir():
            raise CommandError(f"输出路径是一个目录：{out}")
        code = opts["org"].strip().upper()
        node = OrgNode.objects.filter(code=code).first() if code else None
        if node is None:
            raise CommandError(f"找不到代码为 {opts['org']} 的组织。")
        reveal = bool(opts["reveal"])
        status = opts["status"]

        qs = Member.objects.filter(scope.subtree_q("union__", node.path))
        if status != STATUS_ALL:
            qs = qs.filter(status=status)
        qs = qs.select_related(*exporting.EXPORT_RELATED).order_by("union__path", "name", "id")
        rows: Iterator[tuple[Any, ...]] = (
            exporting.export_row(m, reveal=reveal) for m in qs.iterator(chunk_size=CHUNK)
        )

        with acting_from(RequestInfo(source="cli")):
            described = {"org": node.name, "code": node.code, "status": status, "format": fmt, "file": out.name}
            audit.record(
                actor=SYSTEM,
                action="members.member.exported",
                object_type="members.member",
                object_repr="会员名册",
                changes=described | {"reveal": reveal},
            )
            if reveal:
                audit.record(
                    actor=SYSTEM,
                    action="members.export.revealed",
                    object_type="members.member",
                    object_repr="会员名册",
                    changes=described,
                )
            try:
                _private_file(out)
                if fmt == "csv":
                    count = write_csv(out, exporting.export_headers(reveal=reveal), rows)
                else:
                    headers = exporting.export_headers(reveal=reveal)
                    count = exports.write_xlsx(str(out), headers, rows, sheet_name="会员名册")
            except OSError as exc:
                raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from None

        shown = "完整号码" if reveal else "号码已隐藏部分数字"
        self.stdout.write(f"{node.name}：已导出 {count} 名会员到 {out}（{fmt}，{shown}）。")
        self.stdout.write(
            json.dumps({"rows": count, "path": str(out), "format": fmt, "reveal": reveal}, ensure_ascii=False)
        )
