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

from gefeng.core.actors import SYSTEM
from gefeng.core.context import RequestInfo, acting_from
from gefeng.core.tabular import Column, TabularError
from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.members import services
from gefeng.members.imports import pipeline, tasks
from gefeng.members.models import ImportJob, ImportMode, ImportStatus
from gefeng.orgs.models import OrgNode

MAP_COLUMNS = [Column("column", "列", required=True), Column("raw", "原值", required=True), Column("value", "取值")]


def _column_key(text: str) -> str:
    """A choice column named by its key (education), label (文化程度) or a header alias (学历)."""
    wanted = pipeline.fold(text)
    for column in pipeline.COLUMNS:
        if column.key in pipeline.CHOICE_COLUMNS and wanted in {
            pipeline.fold(t) for t in (column.key, column.label, *column.aliases)
        }:
            return column.key
    names = "、".join(pipeline.LABELS[k] for k in pipeline.CHOICE_COLUMNS)
    raise CommandError(f"“{text}”不是可以对照取值的列（可用：{names}）。")


def _mapping(column: str, raw: str, value: str, where: str) -> tuple[str, str, str]:
    key = _column_key(column)
    if not raw.strip():
        raise CommandError(f"{where}：原值为空。")
    code = pipeline.Vocabulary().resolve(key, value)
    if code is None:
        options = "、".join(label for _code, label in pipeline.choices(key))
        raise CommandError(
            f"{where}：{pipeline.LABELS[key]}没有“{value}”这个选项（可选：{options}；留空写成“原值:”）。"
        )
    return key, raw.strip(), code


def parse_map(text: str) -> tuple[str, str, str]:
    """`列=原值:取值` (取值 empty: leave the field empty)."""
    column, sep, rest = text.partition("=")
    raw, sep2, value = rest.rpartition(":")
    if not sep or not sep2 or not column.strip():
        raise CommandError(f"--map {text}：应写成 列=原值:取值，例如 --map 文化程度=全日制大学:本科。")
    return _mapping(column, raw, value, f"--map {text}")


def read_map_file(path: str) -> list[tuple[str, str, str]]:
    """A small csv/xlsx with the columns 列, 原值, 取值."""
    try:
        _sheet, rows = open_table_isolated(path, MAP_COLUMNS, max_bytes=1024 * 1024)
        return [
            _mapping(row.values["column"], row.values["raw"], row.values["value"], f"{path} 第 {row.number} 行")
            for row in rows
        ]
    except (TabularError, OSError) as exc:
        raise CommandError(f"对照文件 {path}：{exc}") from None


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
        parser.add_argument("--report", default="", help="把错误行（含“错误原因”列）和提醒写入该 Excel 文件")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="列=原值:取值",
            help="把表中的写法对照到选项，例如 --map 岗位类别=操作岗:一线工人；取值为空表示留空。"
            "可重复；会为该工会记住",
        )
        parser.add_argument("--map-file", default="", help="对照表（.csv/.xlsx，列：列、原值、取值），与 --map 相同")

    def handle(self, *args, **opts):
        source = Path(opts["path"])
        if not source.is_file():
            raise CommandError(f"文件不存在：{source}")
        node = OrgNode.objects.filter(code=opts["org"].strip().upper()).first()
        if node is None:
            raise CommandError(f"找不到代码为 {opts['org']} 的组织。")
        try:
            union = pipeline.resolve_union(node)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        mappings = read_map_file(opts["map_file"]) if opts["map_file"] else []
        mappings += [parse_map(text) for text in opts["map"]]
        if mappings:
            try:
                services.value_mappings_save(actor=SYSTEM, union=union, mappings=list(mappings))
            except ValidationError as exc:
                raise CommandError("".join(exc.messages)) from None
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
                result = pipeline.run(job, progress=None, report=opts["report"] or None)
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
            f"未变 {result.unchanged}，错误 {result.rejected}，提醒 {result.warnings}"
            + ("（仅检查，未写入）" if opts["dry_run"] else "")
        )
        for key, words in result.unknown.items():
            listed = "、".join(f"“{word}” {count} 行" for word, count in words.most_common(20))
            self.stdout.write(f"{pipeline.LABELS[key]}中不认识的取值（已留空，可用 --map 对照）：{listed}")
        report = Path(opts["report"]) if opts["report"] else None
        if report is not None and (result.rejected or result.warnings) and report.is_file():
            self.stdout.write(f"错误行（含“错误原因”列）和提醒已写入：{report}")
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
