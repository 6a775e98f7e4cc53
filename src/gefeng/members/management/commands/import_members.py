from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.tabular import TabularError
from gefeng.members import importer, tasks
from gefeng.members.models import ImportJob, ImportMode, ImportStatus
from gefeng.orgs.models import OrgNode


def _failed(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error=message, finished_at=timezone.now())


class Command(BaseCommand):
    help = (
        "把会员花名册（.xlsx/.xls/.ods/.csv）导入到某个企业或工会。即使有错误行也会导入其余行；最后一行输出 JSON 结果。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="花名册文件")
        parser.add_argument("--org", required=True, help="企业的统一社会信用代码，或工会的代码")
        parser.add_argument("--mode", choices=[m.value for m in ImportMode], default=ImportMode.INSERT)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--report", default="", help="把错误行写入该 Excel 文件（含“错误原因”列）")

    def handle(self, *args, **opts):
        source = Path(opts["path"])
        if not source.is_file():
            raise CommandError(f"文件不存在：{source}")
        node = OrgNode.objects.filter(code=opts["org"].strip().upper()).first()
        if node is None:
            raise CommandError(f"找不到代码为 {opts['org']} 的组织。")
        try:
            union = importer.resolve_union(node)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        folder = Path(settings.DATA_DIR) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{uuid.uuid4().hex}{source.suffix.lower()}"
        # the copy holds the roster's personal data: readable by the owner only, from the start
        fd = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst)
        job = ImportJob.objects.create(
            actor=None,
            union=union,
            filename=source.name,
            stored=str(stored),
            size=stored.stat().st_size,
            mode=opts["mode"],
            dry_run=opts["dry_run"],
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.RUNNING, started_at=timezone.now(), worker=tasks.worker_id()
        )
        try:
            with acting_from(RequestInfo(source="cli")):
                result = importer.run(job, progress=None, report=opts["report"] or None)
        except TabularError as exc:
            _failed(job, str(exc))
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            message = f"写入数据库时出错，本次导入没有写入任何数据。（{exc.__class__.__name__}：{exc}）"
            _failed(job, message)
            raise CommandError(message) from None
        finally:
            stored.unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            result=job.result | result.as_dict(),
            rows_read=result.rows,
            finished_at=timezone.now(),
        )
        self.stdout.write(
            f"{union.name}：读取 {result.rows} 行，新增 {result.imported}，更新 {result.updated}，"
            f"未变 {result.unchanged}，错误 {result.rejected}" + ("（仅检查，未写入）" if opts["dry_run"] else "")
        )
        report = Path(opts["report"]) if opts["report"] else None
        if report is not None and result.rejected and report.is_file():
            self.stdout.write(f"错误行（含“错误原因”列）已写入：{report}")
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
